namespace LlmCore.Privacy.Guarantees;

/// <summary>The norm in which a mechanism's sensitivity is measured.</summary>
public enum SensitivityNorm
{
    /// <summary>L1: Σ|f(D) − f(D′)|; the Laplace family is calibrated to it.</summary>
    L1 = 0,

    /// <summary>L2: ‖f(D) − f(D′)‖₂; the Gaussian family is calibrated to it.</summary>
    L2 = 1,

    /// <summary>L∞ on a utility score; used by the exponential mechanism and report-noisy-max.</summary>
    LInfinity = 2,
}

/// <summary>
/// A mechanism's sensitivity model: the norm, the bound Δ, and the per-user contribution bounds it assumes
/// (how many partitions a user may touch and how many records per partition).
/// </summary>
/// <remarks>
/// This type is immutable and thread-safe. With contribution bounds L0 (partitions per user) and L∞ (records per
/// partition) on a per-record bound c, the L1 bound is L0·L∞·c and the L2 bound √L0·L∞·c (Wilson et al. 2020,
/// "Differentially Private SQL with Bounded User Contribution").
/// </remarks>
/// <param name="Norm">The norm.</param>
/// <param name="Value">The bound Δ, finite and &gt; 0.</param>
/// <param name="MaxPartitionsContributed">L0: the most partitions one user may touch (1 for a single statistic).</param>
/// <param name="MaxContributionsPerPartition">L∞: the most records one user may contribute to one partition.</param>
public sealed record Sensitivity(SensitivityNorm Norm, double Value, int MaxPartitionsContributed = 1, int MaxContributionsPerPartition = 1)
{
    /// <summary>Creates an L1 sensitivity model and checks its values.</summary>
    /// <param name="value">Δ₁, finite and &gt; 0.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is not finite and positive.</exception>
    public static Sensitivity L1(double value)
    {
        Guard.PositiveFinite(value);
        return new(SensitivityNorm.L1, value);
    }

    /// <summary>Creates an L2 sensitivity model and checks its values.</summary>
    /// <param name="value">Δ₂, finite and &gt; 0.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is not finite and positive.</exception>
    public static Sensitivity L2(double value)
    {
        Guard.PositiveFinite(value);
        return new(SensitivityNorm.L2, value);
    }
}

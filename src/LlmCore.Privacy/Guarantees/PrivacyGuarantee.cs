using System.Globalization;

namespace LlmCore.Privacy.Guarantees;

/// <summary>The kind of a <see cref="PrivacyGuarantee"/>.</summary>
public enum PrivacyGuaranteeKind
{
    /// <summary>Pure ε-differential privacy (Dwork, McSherry, Nissim and Smith 2006).</summary>
    Pure = 0,

    /// <summary>Approximate (ε, δ)-differential privacy (Dwork, Kenthapadi, McSherry, Mironov and Naor 2006).</summary>
    Approximate = 1,

    /// <summary>ρ-zero-concentrated differential privacy (Bun and Steinke 2016).</summary>
    ZeroConcentrated = 2,
}

/// <summary>
/// A typed privacy guarantee: ε (pure DP), (ε, δ) (approximate DP) or ρ (zCDP).
/// </summary>
/// <remarks>
/// <para>This type is immutable and thread-safe.</para>
/// <para>Conversions follow Bun and Steinke (2016): ε-DP implies (ε²/2)-zCDP; ρ-zCDP implies (ε, δ)-DP for every
/// δ &gt; 0 with the optimal bound of Canonne, Kamath and Steinke (2020), Corollary 13 (computed by
/// <see cref="Accounting.ZeroConcentratedDp.ToEpsilon"/>).</para>
/// </remarks>
public sealed record PrivacyGuarantee
{
    private PrivacyGuarantee(PrivacyGuaranteeKind kind, double epsilon, double delta, double rho)
    {
        Kind = kind;
        Epsilon = epsilon;
        Delta = delta;
        Rho = rho;
    }

    /// <summary>Gets the kind of guarantee.</summary>
    public PrivacyGuaranteeKind Kind { get; }

    /// <summary>Gets ε (0 for a zCDP guarantee).</summary>
    public double Epsilon { get; }

    /// <summary>Gets δ (0 for pure DP and zCDP).</summary>
    public double Delta { get; }

    /// <summary>Gets ρ (0 unless the kind is <see cref="PrivacyGuaranteeKind.ZeroConcentrated"/>).</summary>
    public double Rho { get; }

    /// <summary>Creates a pure ε-DP guarantee.</summary>
    /// <param name="epsilon">ε, finite and ≥ 0.</param>
    /// <returns>The guarantee.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> is negative, NaN or infinite.</exception>
    public static PrivacyGuarantee Pure(double epsilon)
    {
        Guard.NonNegativeFinite(epsilon);
        return new(PrivacyGuaranteeKind.Pure, epsilon, 0, 0);
    }

    /// <summary>Creates an (ε, δ)-DP guarantee (a pure one when δ = 0).</summary>
    /// <param name="epsilon">ε, finite and ≥ 0.</param>
    /// <param name="delta">δ in [0, 1).</param>
    /// <returns>The guarantee.</returns>
    /// <exception cref="ArgumentOutOfRangeException">ε is negative or not finite, or δ is outside [0, 1).</exception>
    public static PrivacyGuarantee Approximate(double epsilon, double delta)
    {
        Guard.NonNegativeFinite(epsilon);
        Guard.Delta(delta);
        return delta == 0 ? Pure(epsilon) : new(PrivacyGuaranteeKind.Approximate, epsilon, delta, 0);
    }

    /// <summary>Creates a ρ-zCDP guarantee.</summary>
    /// <param name="rho">ρ, finite and ≥ 0.</param>
    /// <returns>The guarantee.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rho"/> is negative, NaN or infinite.</exception>
    public static PrivacyGuarantee ZeroConcentrated(double rho)
    {
        Guard.NonNegativeFinite(rho);
        return new(PrivacyGuaranteeKind.ZeroConcentrated, 0, 0, rho);
    }

    /// <summary>Returns the tightest ρ-zCDP this guarantee implies: ρ itself, or ε²/2 for pure DP (Bun and Steinke 2016, Prop. 1.4).</summary>
    /// <returns>The ρ.</returns>
    /// <exception cref="InvalidOperationException">The guarantee is approximate (ε, δ) with δ &gt; 0, which implies no zCDP bound.</exception>
    public double ToRho() => Kind switch
    {
        PrivacyGuaranteeKind.ZeroConcentrated => Rho,
        PrivacyGuaranteeKind.Pure => Epsilon * Epsilon / 2,
        _ => throw new InvalidOperationException("An (epsilon, delta) guarantee with delta > 0 implies no zCDP bound."),
    };

    /// <summary>Returns the ε of an (ε, δ)-DP guarantee implied at the given δ.</summary>
    /// <param name="delta">δ in (0, 1) (any δ in [0, 1) for pure DP).</param>
    /// <returns>ε: the own ε for pure DP; the own ε when <paramref name="delta"/> ≥ <see cref="Delta"/> for approximate DP;
    /// the CKS20 conversion for zCDP.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is outside its range.</exception>
    /// <exception cref="InvalidOperationException">The guarantee is approximate with a larger δ than asked for.</exception>
    public double EpsilonAt(double delta)
    {
        Guard.Delta(delta);
        switch (Kind)
        {
            case PrivacyGuaranteeKind.Pure:
                return Epsilon;
            case PrivacyGuaranteeKind.Approximate:
                if (delta < Delta)
                {
                    throw new InvalidOperationException($"This guarantee has delta {Delta.ToString("R", CultureInfo.InvariantCulture)} > {delta.ToString("R", CultureInfo.InvariantCulture)}.");
                }

                return Epsilon;
            default:
                Guard.PositiveDelta(delta);
                return Accounting.ZeroConcentratedDp.ToEpsilon(Rho, delta);
        }
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        PrivacyGuaranteeKind.Pure => string.Create(CultureInfo.InvariantCulture, $"{Epsilon:G6}-DP"),
        PrivacyGuaranteeKind.Approximate => string.Create(CultureInfo.InvariantCulture, $"({Epsilon:G6}, {Delta:G6})-DP"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Rho:G6}-zCDP"),
    };
}

using LlmCore.Privacy.Budget;
using LlmCore.Privacy.Guarantees;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Mechanisms;

/// <summary>
/// Report-noisy-max: adds independent Laplace(2Δu/ε) noise to each utility and reports only the index of the
/// largest (Dwork and Roth 2014, §3.3; the noisy values themselves are never released).
/// </summary>
/// <remarks>This type is immutable and thread-safe when its random source is. The guarantee is ε-DP for utilities of sensitivity Δu.</remarks>
public sealed class ReportNoisyMax : IPrivacyMechanism
{
    private readonly IRandomSource _source;
    private readonly double _scale;

    /// <summary>Initializes a new instance of the <see cref="ReportNoisyMax"/> class.</summary>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="utilitySensitivity">Δu, finite and &gt; 0.</param>
    /// <param name="source">The random bits; <see langword="null"/> selects <see cref="SecureRandomSource.Instance"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public ReportNoisyMax(double epsilon, double utilitySensitivity, IRandomSource? source = null)
    {
        Guard.PositiveFinite(epsilon);
        Guard.PositiveFinite(utilitySensitivity);
        _source = source ?? SecureRandomSource.Instance;
        _scale = 2 * utilitySensitivity / epsilon;
        Guarantee = PrivacyGuarantee.Pure(epsilon);
        Sensitivity = new Sensitivity(SensitivityNorm.LInfinity, utilitySensitivity);
    }

    /// <inheritdoc />
    public PrivacyGuarantee Guarantee { get; }

    /// <inheritdoc />
    public Sensitivity Sensitivity { get; }

    /// <summary>Returns the index of the largest noisy utility, spending from <paramref name="budget"/> first when one is given.</summary>
    /// <param name="utilities">The utilities, finite; at least one.</param>
    /// <param name="budget">An optional budget; the spend happens before any noise is drawn.</param>
    /// <returns>The selected index.</returns>
    /// <exception cref="ArgumentException">The span is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A utility is NaN or infinite.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The budget cannot pay for the release.</exception>
    public int Select(ReadOnlySpan<double> utilities, PrivacyBudget? budget = null)
    {
        if (utilities.IsEmpty)
        {
            throw new ArgumentException("must hold at least one candidate.", nameof(utilities));
        }

        foreach (var u in utilities)
        {
            Guard.Finite(u, nameof(utilities));
        }

        budget?.Spend(Guarantee);
        var noise = new double[utilities.Length];
        LaplaceSampler.Fill(_source, _scale, noise);
        var best = 0;
        for (var i = 1; i < utilities.Length; i++)
        {
            if (utilities[i] + noise[i] > utilities[best] + noise[best])
            {
                best = i;
            }
        }

        return best;
    }
}

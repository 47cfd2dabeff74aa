using LlmCore.Privacy.Budget;
using LlmCore.Privacy.Guarantees;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Mechanisms;

/// <summary>
/// The exponential mechanism (McSherry and Talwar 2007): selects candidate i with probability
/// ∝ exp(ε·u_i/(2Δu)), or ∝ exp(ε·u_i/Δu) when the utility is monotone in the data.
/// </summary>
/// <remarks>
/// <para>This type is immutable and thread-safe when its random source is. The guarantee is ε-DP.</para>
/// <para>Probabilities are computed with the maximum utility subtracted (no overflow) and the candidate is chosen
/// by inverting the cumulative weights with a 53-bit uniform. The floating-point weights make the realised
/// probabilities differ from the ideal ones by a relative O(n·2^−52); see Ilvento (2020), "Implementing the
/// Exponential Mechanism with Base-2 Differential Privacy", for an exact variant.</para>
/// </remarks>
public sealed class ExponentialMechanism : IPrivacyMechanism
{
    private readonly IRandomSource _source;
    private readonly double _factor;

    /// <summary>Initializes a new instance of the <see cref="ExponentialMechanism"/> class.</summary>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="utilitySensitivity">Δu, the most one user can change any utility, finite and &gt; 0.</param>
    /// <param name="monotonic">Whether every utility moves in the same direction when a user is added (then ε/Δu replaces ε/(2Δu)).</param>
    /// <param name="source">The random bits; <see langword="null"/> selects <see cref="SecureRandomSource.Instance"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public ExponentialMechanism(double epsilon, double utilitySensitivity, bool monotonic = false, IRandomSource? source = null)
    {
        Guard.PositiveFinite(epsilon);
        Guard.PositiveFinite(utilitySensitivity);
        _source = source ?? SecureRandomSource.Instance;
        _factor = monotonic ? epsilon / utilitySensitivity : epsilon / (2 * utilitySensitivity);
        Guarantee = PrivacyGuarantee.Pure(epsilon);
        Sensitivity = new Sensitivity(SensitivityNorm.LInfinity, utilitySensitivity);
    }

    /// <inheritdoc />
    public PrivacyGuarantee Guarantee { get; }

    /// <inheritdoc />
    public Sensitivity Sensitivity { get; }

    /// <summary>Computes the selection probabilities for the given utilities.</summary>
    /// <param name="utilities">The utility of each candidate, finite; at least one.</param>
    /// <param name="destination">Receives the probabilities; same length.</param>
    /// <exception cref="ArgumentException">The span is empty or the lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A utility is NaN or infinite.</exception>
    public void Probabilities(ReadOnlySpan<double> utilities, Span<double> destination)
    {
        if (utilities.IsEmpty)
        {
            throw new ArgumentException("must hold at least one candidate.", nameof(utilities));
        }

        if (destination.Length != utilities.Length)
        {
            throw new ArgumentException($"must have the length of utilities ({utilities.Length}); got {destination.Length}.", nameof(destination));
        }

        var max = double.NegativeInfinity;
        foreach (var u in utilities)
        {
            Guard.Finite(u, nameof(utilities));
            max = Math.Max(max, u);
        }

        var total = 0.0;
        for (var i = 0; i < utilities.Length; i++)
        {
            destination[i] = Math.Exp(_factor * (utilities[i] - max));
            total += destination[i];
        }

        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] /= total;
        }
    }

    /// <summary>Selects one candidate, spending from <paramref name="budget"/> first when one is given.</summary>
    /// <param name="utilities">The utility of each candidate, finite; at least one.</param>
    /// <param name="budget">An optional budget; the spend happens before any randomness is drawn.</param>
    /// <returns>The index of the selected candidate.</returns>
    /// <exception cref="ArgumentException">The span is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A utility is NaN or infinite.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The budget cannot pay for the release.</exception>
    public int Select(ReadOnlySpan<double> utilities, PrivacyBudget? budget = null)
    {
        var probabilities = new double[utilities.Length];
        Probabilities(utilities, probabilities);
        budget?.Spend(Guarantee);
        var u = UniformSampler.NextDouble(_source);
        var cumulative = 0.0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            cumulative += probabilities[i];
            if (u < cumulative)
            {
                return i;
            }
        }

        return probabilities.Length - 1;
    }
}

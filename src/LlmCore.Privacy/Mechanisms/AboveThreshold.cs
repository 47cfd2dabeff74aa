using LlmCore.Privacy.Guarantees;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Mechanisms;

/// <summary>
/// The sparse vector technique's AboveThreshold (Dwork and Roth 2014, Alg. 1; Lyu, Su and Li 2017): answers a
/// stream of queries of sensitivity Δ with "below" until the first one whose noisy value passes a noisy threshold,
/// reports it, and halts. The whole run is ε-DP however many queries are asked.
/// </summary>
/// <remarks>
/// This type is thread-safe: queries are serialised by a lock. The threshold gets Laplace(2Δ/ε) noise once, each
/// query Laplace(4Δ/ε). After the first "above" answer every further query throws.
/// </remarks>
public sealed class AboveThreshold : IPrivacyMechanism
{
    private readonly Lock _gate = new();
    private readonly IRandomSource _source;
    private readonly double _noisyThreshold;
    private readonly double _queryScale;
    private bool _halted;

    /// <summary>Initializes a new instance of the <see cref="AboveThreshold"/> class and draws the noisy threshold.</summary>
    /// <param name="epsilon">ε for the whole run, finite and &gt; 0.</param>
    /// <param name="threshold">The threshold T, finite.</param>
    /// <param name="sensitivity">Δ of each query, finite and &gt; 0.</param>
    /// <param name="source">The random bits; <see langword="null"/> selects <see cref="SecureRandomSource.Instance"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public AboveThreshold(double epsilon, double threshold, double sensitivity, IRandomSource? source = null)
    {
        Guard.PositiveFinite(epsilon);
        Guard.Finite(threshold);
        Guard.PositiveFinite(sensitivity);
        _source = source ?? SecureRandomSource.Instance;
        _noisyThreshold = threshold + LaplaceSampler.Next(_source, 2 * sensitivity / epsilon);
        _queryScale = 4 * sensitivity / epsilon;
        Guarantee = PrivacyGuarantee.Pure(epsilon);
        Sensitivity = new Sensitivity(SensitivityNorm.LInfinity, sensitivity);
    }

    /// <inheritdoc />
    public PrivacyGuarantee Guarantee { get; }

    /// <inheritdoc />
    public Sensitivity Sensitivity { get; }

    /// <summary>Gets a value indicating whether a query has been reported above the threshold (no more queries are answered).</summary>
    public bool IsHalted
    {
        get
        {
            lock (_gate)
            {
                return _halted;
            }
        }
    }

    /// <summary>Answers one query.</summary>
    /// <param name="queryValue">The query's true value, finite.</param>
    /// <returns><see langword="true"/> if the noisy value is at or above the noisy threshold (the run then halts).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="queryValue"/> is NaN or infinite.</exception>
    /// <exception cref="InvalidOperationException">The run has already halted.</exception>
    public bool Query(double queryValue)
    {
        Guard.Finite(queryValue);
        lock (_gate)
        {
            if (_halted)
            {
                throw new InvalidOperationException("AboveThreshold has halted after its first positive answer; start a new run (and spend new budget).");
            }

            var above = queryValue + LaplaceSampler.Next(_source, _queryScale) >= _noisyThreshold;
            _halted = above;
            return above;
        }
    }
}

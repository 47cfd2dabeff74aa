using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Accounting.Internal;
using LlmCore.Privacy.Guarantees;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Mechanisms;

/// <summary>
/// Randomized response over k categories (Warner 1965; k-ary: Kairouz, Oh and Viswanath 2016): with probability
/// p = k/(e^ε + k − 1) the answer is replaced by a uniform category, so the true one is kept with probability
/// e^ε/(e^ε + k − 1). k = 2 is the binary mechanism.
/// </summary>
/// <remarks>This type is immutable and thread-safe when its random source is. The guarantee is ε-DP (local model).</remarks>
public sealed class RandomizedResponse : IPrivacyMechanism
{
    private readonly IRandomSource _source;

    /// <summary>Initializes a new instance of the <see cref="RandomizedResponse"/> class.</summary>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="categories">k ≥ 2.</param>
    /// <param name="source">The random bits; <see langword="null"/> selects <see cref="SecureRandomSource.Instance"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public RandomizedResponse(double epsilon, int categories = 2, IRandomSource? source = null)
    {
        Guard.PositiveFinite(epsilon);
        ArgumentOutOfRangeException.ThrowIfLessThan(categories, 2);
        _source = source ?? SecureRandomSource.Instance;
        Categories = categories;
        NoiseProbability = categories / (Math.Exp(epsilon) + categories - 1);
        Guarantee = PrivacyGuarantee.Pure(epsilon);
        Sensitivity = new Sensitivity(SensitivityNorm.L1, 1);
    }

    /// <inheritdoc />
    public PrivacyGuarantee Guarantee { get; }

    /// <inheritdoc />
    public Sensitivity Sensitivity { get; }

    /// <summary>Gets k.</summary>
    public int Categories { get; }

    /// <summary>Gets p, the probability that the answer is replaced by a uniform category.</summary>
    public double NoiseProbability { get; }

    /// <summary>Gets the probability that the true category is reported, 1 − p + p/k.</summary>
    public double KeepProbability => 1 - NoiseProbability + (NoiseProbability / Categories);

    /// <summary>Returns the randomized answer for a true category.</summary>
    /// <param name="category">The true category in [0, k).</param>
    /// <returns>The reported category.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="category"/> is outside [0, k).</exception>
    public int Respond(int category)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(category);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(category, Categories);
        if (UniformSampler.NextDouble(_source) < NoiseProbability)
        {
            return (int)ExactSamplers.UniformBelow(_source, (ulong)Categories);
        }

        return category;
    }

    /// <summary>Returns the randomized answer for a true bit (k must be 2).</summary>
    /// <param name="value">The true bit.</param>
    /// <returns>The reported bit.</returns>
    /// <exception cref="InvalidOperationException">k is not 2.</exception>
    public bool Respond(bool value)
    {
        if (Categories != 2)
        {
            throw new InvalidOperationException("Binary responses need k = 2.");
        }

        return Respond(value ? 1 : 0) == 1;
    }

    /// <summary>Unbiased frequency estimates from reported counts: f̂_j = (c_j/n − p/k)/(1 − p).</summary>
    /// <param name="reportedCounts">How many reports named each category; length k.</param>
    /// <param name="destination">Receives the estimated fractions; length k.</param>
    /// <exception cref="ArgumentException">A length is not k, or there are no reports.</exception>
    public void EstimateFrequencies(ReadOnlySpan<long> reportedCounts, Span<double> destination)
    {
        if (reportedCounts.Length != Categories)
        {
            throw new ArgumentException($"must have length {Categories}; got {reportedCounts.Length}.", nameof(reportedCounts));
        }

        if (destination.Length != Categories)
        {
            throw new ArgumentException($"must have length {Categories}; got {destination.Length}.", nameof(destination));
        }

        long n = 0;
        foreach (var c in reportedCounts)
        {
            n += c;
        }

        if (n <= 0)
        {
            throw new ArgumentException("must hold at least one report.", nameof(reportedCounts));
        }

        for (var j = 0; j < Categories; j++)
        {
            destination[j] = (((double)reportedCounts[j] / n) - (NoiseProbability / Categories)) / (1 - NoiseProbability);
        }
    }

    /// <summary>
    /// The Rényi divergence of order α between the response distributions of two neighbouring inputs
    /// (the larger of the two directions), the RDP of k-ary randomized response with noise probability p.
    /// </summary>
    /// <param name="noiseProbability">p in (0, 1].</param>
    /// <param name="categories">k ≥ 2.</param>
    /// <param name="order">α &gt; 1, or +∞ (then the max-divergence).</param>
    /// <param name="neighbouring">The neighbouring relation (the same enum the accountants take in <see cref="RandomizedResponseEvent"/>).</param>
    /// <returns>D_α ≥ 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static double RenyiDivergence(double noiseProbability, int categories, double order, RandomizedResponseAdjacency neighbouring)
    {
        if (!(noiseProbability > 0 && noiseProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(noiseProbability), noiseProbability, "must be in (0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(categories, 2);
        if (double.IsNaN(order) || order <= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "must be > 1 (or +Infinity).");
        }

        if (!Enum.IsDefined(neighbouring))
        {
            throw new ArgumentOutOfRangeException(nameof(neighbouring), neighbouring, "must be ReplaceOne or ReplaceSpecial.");
        }

        return RdpMath.RandomizedResponse(noiseProbability, categories, neighbouring, order);
    }
}

namespace LlmCore.Commercialization.Sensitivity;

/// <summary>The distribution of a Monte Carlo output.</summary>
/// <param name="Samples">The number of draws.</param>
/// <param name="Seed">The seed of the random source.</param>
/// <param name="Mean">The sample mean.</param>
/// <param name="StandardDeviation">The sample standard deviation.</param>
/// <param name="P10">The 10th percentile (R-8 quantile).</param>
/// <param name="P50">The median.</param>
/// <param name="P90">The 90th percentile.</param>
/// <param name="ProbabilityBelowZero">The fraction of draws with an output &lt; 0 (for an NPV: the probability of loss).</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record MonteCarloSummary(
    int Samples,
    int Seed,
    double Mean,
    double StandardDeviation,
    double P10,
    double P50,
    double P90,
    double ProbabilityBelowZero);

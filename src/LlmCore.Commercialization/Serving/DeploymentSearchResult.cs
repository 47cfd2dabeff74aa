namespace LlmCore.Commercialization.Serving;

/// <summary>One simulated candidate of a deployment search.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record DeploymentEvaluation
{
    /// <summary>Gets the deployment (with its replica count).</summary>
    public required ServingDeployment Deployment { get; init; }

    /// <summary>Gets the fleet's cost per hour: GPUs × price, US dollars.</summary>
    public required double CostPerHourUsd { get; init; }

    /// <summary>Gets the fleet's cost per million output tokens at the offered load: cost per hour / 3600 / (λ × mean output tokens) × 10⁶.</summary>
    public required double CostPerMillionOutputTokensUsd { get; init; }

    /// <summary>Gets the simulated 99th-percentile time to first token, seconds.</summary>
    public required double TtftP99Seconds { get; init; }

    /// <summary>Gets the simulated 99th-percentile time per output token, seconds.</summary>
    public required double TpotP99Seconds { get; init; }

    /// <summary>Gets the simulated output throughput, tokens per second.</summary>
    public required double ThroughputTokensPerSecond { get; init; }

    /// <summary>Gets whether the candidate met the target: both 99th percentiles within it, and the offered load below the
    /// replicas' analytic capacity (a finite simulation of an overloaded fleet can look fine for a while).</summary>
    public required bool MeetsSlo { get; init; }
}

/// <summary>The answer of <see cref="DeploymentSearch.Search"/>: the cheapest deployment that meets the target, the Pareto
/// set of cost against latency, and how much of the grid the analytic pruning skipped.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record DeploymentSearchResult
{
    /// <summary>Gets the request searched.</summary>
    public required DeploymentSearchRequest Request { get; init; }

    /// <summary>Gets the cheapest candidate that met the target.</summary>
    public required DeploymentEvaluation Best { get; init; }

    /// <summary>Gets the simulated candidates no other simulated candidate beats on cost, p99 TTFT and p99 TPOT at once, cheapest first.</summary>
    public required IReadOnlyList<DeploymentEvaluation> Pareto { get; init; }

    /// <summary>Gets every simulated candidate, in the order simulated.</summary>
    public required IReadOnlyList<DeploymentEvaluation> Evaluated { get; init; }

    /// <summary>Gets the configurations of the grid (before replica counts).</summary>
    public required int Configurations { get; init; }

    /// <summary>Gets the configurations whose weights and longest request do not fit a replica.</summary>
    public required int PrunedByMemory { get; init; }

    /// <summary>Gets the configurations whose single-request latency already misses the target.</summary>
    public required int PrunedByLatency { get; init; }

    /// <summary>Gets the configurations never simulated because their lowest possible cost exceeded the search's cost bound.</summary>
    public required int PrunedByCost { get; init; }

    /// <summary>Gets the number of simulations run.</summary>
    public int Simulations => Evaluated.Count;
}

/// <summary>Why no deployment of a search's grid serves the workload.</summary>
public enum DeploymentSearchFailure
{
    /// <summary>The model (with the longest request's KV cache) fits no replica of the grid.</summary>
    ModelDoesNotFit = 0,

    /// <summary>Replicas fit, but none meets the latency target within the replica limit.</summary>
    SloUnreachable = 1,
}

/// <summary>Thrown when no deployment of the grid serves the workload within its latency target.</summary>
/// <remarks>Carries the reason and the best latencies the grid can reach, so a caller can say how far the target is.
/// Instances are immutable after construction and thread-safe.</remarks>
public sealed class NoFeasibleDeploymentException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public NoFeasibleDeploymentException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public NoFeasibleDeploymentException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public NoFeasibleDeploymentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with its reason and the best latencies the grid reaches.</summary>
    /// <param name="reason">Why no deployment qualifies.</param>
    /// <param name="message">The message.</param>
    /// <param name="lowestTtftP99Seconds">The lowest p99 TTFT any fitting configuration reaches (a lower bound, or simulated), or <see langword="null"/>.</param>
    /// <param name="lowestTpotP99Seconds">The lowest p99 TPOT any fitting configuration reaches, or <see langword="null"/>.</param>
    public NoFeasibleDeploymentException(DeploymentSearchFailure reason, string message, double? lowestTtftP99Seconds, double? lowestTpotP99Seconds)
        : base(message)
    {
        Reason = reason;
        LowestTtftP99Seconds = lowestTtftP99Seconds;
        LowestTpotP99Seconds = lowestTpotP99Seconds;
    }

    /// <summary>Gets why no deployment qualifies.</summary>
    public DeploymentSearchFailure Reason { get; }

    /// <summary>Gets the lowest p99 TTFT a fitting configuration reaches, or <see langword="null"/>.</summary>
    public double? LowestTtftP99Seconds { get; }

    /// <summary>Gets the lowest p99 TPOT a fitting configuration reaches, or <see langword="null"/>.</summary>
    public double? LowestTpotP99Seconds { get; }
}

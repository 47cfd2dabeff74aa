namespace LlmCore.Commercialization.Serving;

/// <summary>The outcome of one request in a serving simulation.</summary>
/// <param name="Index">Its index in the workload (arrival order).</param>
/// <param name="ArrivalSeconds">When it arrived.</param>
/// <param name="InputTokens">Prompt tokens.</param>
/// <param name="OutputTokens">Generated tokens.</param>
/// <param name="FirstTokenSeconds">When its first token came out.</param>
/// <param name="CompletionSeconds">When its last token came out.</param>
/// <param name="Preemptions">How often it was preempted (its KV cache dropped and recomputed later).</param>
/// <param name="Replica">The replica that produced its first token.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public readonly record struct ServingRequestOutcome(
    int Index,
    double ArrivalSeconds,
    int InputTokens,
    int OutputTokens,
    double FirstTokenSeconds,
    double CompletionSeconds,
    int Preemptions,
    int Replica)
{
    /// <summary>Gets the time to first token: first token − arrival.</summary>
    public double TtftSeconds => FirstTokenSeconds - ArrivalSeconds;

    /// <summary>Gets the time per output token after the first, (completion − first token)/(output − 1); 0 for a one-token output.</summary>
    public double TpotSeconds => OutputTokens > 1 ? (CompletionSeconds - FirstTokenSeconds) / (OutputTokens - 1) : 0.0;

    /// <summary>Gets the end-to-end latency: completion − arrival.</summary>
    public double EndToEndSeconds => CompletionSeconds - ArrivalSeconds;
}

/// <summary>One sample of the KV-cache occupancy over time.</summary>
/// <param name="TimeSeconds">The simulated time.</param>
/// <param name="Utilization">Blocks in use over all replicas ÷ blocks available, in [0, 1].</param>
/// <remarks>Immutable and thread-safe.</remarks>
public readonly record struct KvCacheSample(double TimeSeconds, double Utilization);

/// <summary>What a serving simulation measured: throughput, goodput, latency percentiles, KV-cache use, preemptions and cost.</summary>
/// <remarks>
/// <para>Duration = last completion − first arrival. Throughput = output tokens / duration. GPU-hours = GPUs × duration/3600
/// and cost = GPU-hours × price, so <see cref="CostPerMillionOutputTokensUsd"/> = cost / output tokens × 10⁶ is the cost of the
/// simulated run, ramp-up and drain included. <see cref="CostPerMillionOutputTokensAtOfferedLoadUsd"/> prices the fleet
/// against the output tokens per second the arrivals ask for instead (the steady-state cost of serving that load, which
/// the deployment search uses); it is <see langword="null"/> when the arrivals have no finite rate.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed record ServingSimulationResult
{
    /// <summary>Gets the deployment simulated.</summary>
    public required ServingDeployment Deployment { get; init; }

    /// <summary>Gets the number of requests in the workload.</summary>
    public required int Requests { get; init; }

    /// <summary>Gets the number of requests that completed (all of them: the simulation runs until the last one finishes).</summary>
    public required int Completed { get; init; }

    /// <summary>Gets the simulated time from the first arrival to the last completion, seconds.</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>Gets the prompt tokens processed (recomputation after preemption not counted).</summary>
    public required long InputTokens { get; init; }

    /// <summary>Gets the tokens generated.</summary>
    public required long OutputTokens { get; init; }

    /// <summary>Gets the output tokens per second over the run.</summary>
    public required double ThroughputTokensPerSecond { get; init; }

    /// <summary>Gets the completed requests per second over the run.</summary>
    public required double RequestsPerSecond { get; init; }

    /// <summary>Gets the requests per second whose own TTFT and TPOT met the SLO, or <see langword="null"/> without an SLO.</summary>
    public double? GoodputRequestsPerSecond { get; init; }

    /// <summary>Gets the fraction of requests whose own TTFT and TPOT met the SLO, or <see langword="null"/> without an SLO.</summary>
    public double? SloAttainment { get; init; }

    /// <summary>Gets the SLO that goodput and <see cref="MeetsSlo"/> refer to, or <see langword="null"/>.</summary>
    public ServingSlo? Slo { get; init; }

    /// <summary>Gets whether the 99th percentiles of TTFT and TPOT met the SLO, or <see langword="null"/> without an SLO.</summary>
    public bool? MeetsSlo { get; init; }

    /// <summary>Gets the time-to-first-token statistics.</summary>
    public required LatencyStatistics Ttft { get; init; }

    /// <summary>Gets the time-per-output-token statistics (requests with more than one output token).</summary>
    public required LatencyStatistics Tpot { get; init; }

    /// <summary>Gets the end-to-end latency statistics.</summary>
    public required LatencyStatistics EndToEnd { get; init; }

    /// <summary>Gets the KV-cache occupancy sampled over time.</summary>
    public required IReadOnlyList<KvCacheSample> KvCacheUtilization { get; init; }

    /// <summary>Gets the time-weighted mean KV-cache occupancy.</summary>
    public required double MeanKvCacheUtilization { get; init; }

    /// <summary>Gets the highest KV-cache occupancy of any replica during an iteration.</summary>
    public required double PeakKvCacheUtilization { get; init; }

    /// <summary>Gets the number of preemptions (a request's KV cache dropped, to be recomputed).</summary>
    public required int Preemptions { get; init; }

    /// <summary>Gets the number of iterations all replicas ran.</summary>
    public required long Iterations { get; init; }

    /// <summary>Gets the KV-cache capacity of one replica (of a decode replica when disaggregated), tokens.</summary>
    public required long KvCacheTokensPerReplica { get; init; }

    /// <summary>Gets the GPUs of the deployment.</summary>
    public required int GpuCount { get; init; }

    /// <summary>Gets the GPU-hours of the run: GPUs × duration / 3600.</summary>
    public required double GpuHours { get; init; }

    /// <summary>Gets the price of one GPU-hour used, US dollars.</summary>
    public required double PricePerGpuHourUsd { get; init; }

    /// <summary>Gets the cost of the run: GPU-hours × price, US dollars.</summary>
    public required double CostUsd { get; init; }

    /// <summary>Gets the cost of the run per million output tokens, US dollars.</summary>
    public required double CostPerMillionOutputTokensUsd { get; init; }

    /// <summary>Gets the fleet's cost per second ÷ the offered output tokens per second × 10⁶, or <see langword="null"/> when the arrivals have no finite rate.</summary>
    public double? CostPerMillionOutputTokensAtOfferedLoadUsd { get; init; }

    /// <summary>Gets the per-request outcomes in arrival order (empty when not recorded).</summary>
    public required IReadOnlyList<ServingRequestOutcome> RequestOutcomes { get; init; }
}

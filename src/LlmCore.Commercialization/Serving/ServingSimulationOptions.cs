using LlmCore.Commercialization.Internal;

namespace LlmCore.Commercialization.Serving;

/// <summary>What a serving simulation measures besides its defaults.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record ServingSimulationOptions
{
    /// <summary>Gets the latency target for goodput and <see cref="ServingSimulationResult.MeetsSlo"/>, or <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public ServingSlo? Slo { get; init; }

    /// <summary>Gets the interval between KV-cache occupancy samples, simulated seconds, &gt; 0.</summary>
    /// <value>The default value is 1.</value>
    public double KvCacheSampleIntervalSeconds { get; init; } = 1.0;

    /// <summary>Gets a value indicating whether the result lists every request's outcome.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RecordRequestOutcomes { get; init; } = true;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The sample interval is not finite and &gt; 0.</exception>
    public void Validate() => Guard.PositiveFinite(KvCacheSampleIntervalSeconds);
}

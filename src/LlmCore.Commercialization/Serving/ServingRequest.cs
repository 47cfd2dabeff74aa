namespace LlmCore.Commercialization.Serving;

/// <summary>One request of a serving workload: when it arrives, its prompt length and how many tokens it generates.</summary>
/// <param name="ArrivalSeconds">Arrival time on the workload's clock, seconds, finite and ≥ 0.</param>
/// <param name="InputTokens">Prompt tokens, ≥ 1.</param>
/// <param name="OutputTokens">Generated tokens, ≥ 1 (the first comes out of the prefill).</param>
/// <remarks>Immutable and thread-safe.</remarks>
public readonly record struct ServingRequest(double ArrivalSeconds, int InputTokens, int OutputTokens);

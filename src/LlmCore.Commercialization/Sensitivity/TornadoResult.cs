namespace LlmCore.Commercialization.Sensitivity;

/// <summary>One-at-a-time sensitivity of an output: its base value and one bar per input, largest swing first.</summary>
/// <param name="BaseOutput">The output with every input at its base value.</param>
/// <param name="Bars">The bars, sorted by descending swing (ties keep input order).</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record TornadoResult(double BaseOutput, IReadOnlyList<TornadoBar> Bars);

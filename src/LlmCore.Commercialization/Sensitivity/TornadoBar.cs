namespace LlmCore.Commercialization.Sensitivity;

/// <summary>One bar of a tornado chart: the output with one input at its low and at its high value.</summary>
/// <param name="Input">The input's name.</param>
/// <param name="LowValue">The input's low value.</param>
/// <param name="HighValue">The input's high value.</param>
/// <param name="OutputAtLow">The output with this input at <paramref name="LowValue"/> and every other at its base.</param>
/// <param name="OutputAtHigh">The output with this input at <paramref name="HighValue"/> and every other at its base.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record TornadoBar(string Input, double LowValue, double HighValue, double OutputAtLow, double OutputAtHigh)
{
    /// <summary>Gets the swing |output at high − output at low|, the bar's length.</summary>
    public double Swing => Math.Abs(OutputAtHigh - OutputAtLow);
}

namespace LlmCore.Commercialization.Costs;

/// <summary>A training run to estimate.</summary>
/// <param name="Parameters">Total parameters N, &gt; 0.</param>
/// <param name="Tokens">Training tokens D, &gt; 0.</param>
/// <param name="Gpu">A GPU name from the catalogue (case-insensitive), e.g. <c>H100-SXM</c>.</param>
/// <param name="GpuCount">How many GPUs, ≥ 1.</param>
/// <param name="Mfu">Model FLOPs utilisation against the dense BF16/FP16 peak, in (0, 1].</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record TrainingCostRequest(double Parameters, double Tokens, string Gpu, int GpuCount, double Mfu)
{
    /// <summary>Gets the parameters active per token (mixture-of-experts), or <see langword="null"/> for a dense model.</summary>
    public double? ActiveParameters { get; init; }

    /// <summary>Gets the price of one GPU-hour in US dollars, or <see langword="null"/> for the configured default.</summary>
    public double? PricePerGpuHourUsd { get; init; }
}

namespace LlmCore.Commercialization.Costs;

/// <summary>What a training run costs.</summary>
/// <param name="Flops">Total training FLOPs.</param>
/// <param name="GpuHours">GPU-hours billed: FLOPs / (peak · MFU · 3600) divided by the effective-time fraction.</param>
/// <param name="WallClockDays">Wall-clock days on the requested GPU count: GpuHours / (GPUs · 24).</param>
/// <param name="CostUsd">Cost in US dollars: GpuHours × the price per GPU-hour.</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record TrainingCostEstimate(double Flops, double GpuHours, double WallClockDays, double CostUsd)
{
    /// <summary>Gets the attention part of <see cref="Flops"/> (0 when the request gave no shape or asked for none).</summary>
    public double AttentionFlops { get; init; }

    /// <summary>Gets the GPU-hours of productive steps alone: <see cref="GpuHours"/> × the effective-time fraction.</summary>
    public double ComputeGpuHours { get; init; }

    /// <summary>Gets the dense peak, in FLOP/s per GPU, that the MFU referred to.</summary>
    public double PeakFlopsPerGpu { get; init; }

    /// <summary>Gets the price per GPU-hour, in US dollars, that <see cref="CostUsd"/> used.</summary>
    public double PricePerGpuHourUsd { get; init; }
}

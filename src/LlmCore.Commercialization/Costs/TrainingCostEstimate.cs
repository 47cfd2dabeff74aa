namespace LlmCore.Commercialization.Costs;

/// <summary>What a training run costs.</summary>
/// <param name="Flops">Total training FLOPs.</param>
/// <param name="GpuHours">GPU-hours at the requested utilisation.</param>
/// <param name="WallClockDays">Wall-clock days on the requested GPU count.</param>
/// <param name="CostUsd">Cost in US dollars at the price per GPU-hour.</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record TrainingCostEstimate(double Flops, double GpuHours, double WallClockDays, double CostUsd);

using System.Globalization;
using LlmCore.Commercialization.Costs;
using LlmCore.Commercialization.DependencyInjection;
using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;

namespace LlmCore.Cli.Commands.Demo;

/// <summary>The commercialization part of the demo.</summary>
internal static class CommercializationDemo
{
    public static DemoSection Run(Infrastructure.CliContext context)
    {
        var options = new CommercializationOptions();
        var model = new AnalyticCostModel(options.BuildGpuCatalog(), options.DefaultPricePerGpuHourUsd);

        // Training: Llama 2 70B on 2.0T tokens, 2,048 A100-80GB at 43% MFU and 90% effective time
        // (the paper reports 1,720,320 GPU-hours, arXiv:2307.09288, Table 2).
        var training = model.EstimateTraining(
            TrainingCostRequest.For(ModelPresets.Llama2_70B, 2.0e12, "A100-80GB", 2048, 0.43) with { EffectiveTimeFraction = 0.9 });

        // Serving: Llama 3.1 70B in FP8 on 2×H100 at $3/GPU-hour, 1,000 tokens in and 1,000 out, at the largest batch that fits.
        var serving = InferenceCostRequest.For(ModelPresets.Llama31_70B, "H100-SXM", 2, 1, 1000, 1000) with
        {
            WeightPrecision = NumericPrecision.Fp8,
            KvCachePrecision = NumericPrecision.Fp8,
            PricePerGpuHourUsd = 3.0,
        };
        var batch = model.EstimateInference(serving).MaxBatch;
        var inference = model.EstimateInference(serving with { Batch = Math.Max(1, batch) });
        var optimal = ChinchillaScaling.ComputeOptimal(training.Flops);

        return new DemoSection("LlmCore.Commercialization", [
            new("train Llama-2-70B, 2T tokens, 2,048 A100: FLOPs", training.Flops.ToString("0.00e+00", CultureInfo.InvariantCulture)),
            new("  GPU-hours (MFU 0.43, 90% effective; paper 1.72M)", training.GpuHours.ToString("N0", CultureInfo.InvariantCulture)),
            new("  wall-clock days / cost at $2/GPU-hour", $"{training.WallClockDays.ToString("N1", CultureInfo.InvariantCulture)} d / ${training.CostUsd.ToString("N0", CultureInfo.InvariantCulture)}"),
            new("  Chinchilla-optimal split of that budget", $"{(optimal.Parameters / 1e9).ToString("N0", CultureInfo.InvariantCulture)}B params, {(optimal.Tokens / 1e12).ToString("N2", CultureInfo.InvariantCulture)}T tokens"),
            new("serve Llama-3.1-70B FP8, 2×H100: max batch (1k/1k)", inference.MaxBatch.ToString("N0", CultureInfo.InvariantCulture)),
            new("  output tokens/s per replica (end to end)", inference.OutputTokensPerSecond.ToString("N0", CultureInfo.InvariantCulture)),
            new("  $ per 1M input / output tokens at $3/GPU-hour",
                $"${inference.CostPerMillionInputTokensUsd.ToString("0.000", CultureInfo.InvariantCulture)} / ${inference.CostPerMillionOutputTokensUsd.ToString("0.000", CultureInfo.InvariantCulture)}"),
            new("  KV cache per token", $"{inference.KvCacheBytesPerToken.ToString("N0", CultureInfo.InvariantCulture)} B"),
        ]);
    }
}

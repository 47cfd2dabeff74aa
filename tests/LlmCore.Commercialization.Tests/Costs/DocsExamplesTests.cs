using LlmCore.Commercialization.Costs;
using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;

namespace LlmCore.Commercialization.Tests.Costs;

/// <summary>The quick start of docs/commercialization.md, compiled and checked.</summary>
public class DocsExamplesTests
{
    [Fact]
    public void QuickStart_WithoutDi_Runs()
    {
        var model = new AnalyticCostModel();   // built-in GpuCatalog.Default, $2 per GPU-hour unless a request names a price

        // Llama 2 70B on 2T tokens, 2,048 A100-80GB at 43% MFU, 90% of wall-clock time productive.
        var training = model.EstimateTraining(
            TrainingCostRequest.For(ModelPresets.Llama2_70B, 2.0e12, "A100-80GB", 2048, 0.43) with { EffectiveTimeFraction = 0.9 });

        // Llama 3.1 70B in FP8 on two H100s at $3 per GPU-hour, 1,000 tokens in and 1,000 out, at the largest batch that fits.
        var serving = InferenceCostRequest.For(ModelPresets.Llama31_70B, "H100-SXM", gpuCount: 2, batch: 1, promptTokens: 1000, outputTokens: 1000) with
        {
            WeightPrecision = NumericPrecision.Fp8,
            KvCachePrecision = NumericPrecision.Fp8,
            PricePerGpuHourUsd = 3.0,
        };
        var maxBatch = model.EstimateInference(serving).MaxBatch;
        var inference = model.EstimateInference(serving with { Batch = maxBatch });

        // 6·70e9·2e12 = 8.4e23; Llama 3.1 70B: 2·80·8·128 bytes per token in FP8 (llm-costs.json arch-llama-3.1-70b halved).
        Assert.Equal(8.4e23, training.Flops, 1e12);
        Assert.Equal(163_840, inference.KvCacheBytesPerToken);
        Assert.True(inference.FitsInMemory);
        Assert.True(inference.CostPerMillionOutputTokensUsd > inference.CostPerMillionInputTokensUsd);
    }
}

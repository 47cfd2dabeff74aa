using CsCheck;
using LlmCore.Commercialization.Costs;
using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;

namespace LlmCore.Commercialization.Tests.Costs;

public class AnalyticCostModelInferenceTests
{
    /// <summary>The factor within which the end-to-end roofline estimate must land of a measured offline throughput.</summary>
    private const double ThroughputFactor = 1.5;

    private static readonly AnalyticCostModel s_model = new();

    // Rows of tests/reference/llm-costs.json "model_architectures_kv_cache"; each row's first source is passed in and
    // asserted: Llama 2 paper / HF configs, Llama 3 paper Table 3, GPT-3 paper Table 2.1, BLOOM paper, PaLM paper
    // Table 1, Mixtral paper §2, DeepSeek-V3 report §2.1.1 (multi-head latent attention).
    [Theory]
    [InlineData("arch-llama-2-7b", "Llama 2 paper")]
    [InlineData("arch-llama-2-13b", "meta-llama/Llama-2-13b-hf")]
    [InlineData("arch-llama-2-70b", "Llama 2 paper")]
    [InlineData("arch-llama-3.1-8b", "Llama 3 paper Table 3")]
    [InlineData("arch-llama-3.1-70b", "Llama 3 paper Table 3")]
    [InlineData("arch-llama-3.1-405b", "Llama 3 paper Table 3")]
    [InlineData("arch-gpt-3-175b", "GPT-3 paper Table 2.1")]
    [InlineData("arch-bloom-176b", "BLOOM paper")]
    [InlineData("arch-palm-540b", "PaLM paper Table 1")]
    [InlineData("arch-mixtral-8x7b", "Mixtral paper")]
    [InlineData("arch-deepseek-v3", "arXiv:2412.19437")]
    public void EstimateInference_PublishedArchitectures_KvCacheBytesPerTokenExact(string id, string source)
    {
        var row = CostReference.Row("model_architectures_kv_cache", id);
        Assert.Contains(source, CostReference.Source(row), StringComparison.Ordinal);
        var request = new InferenceCostRequest(1e9, row.GetProperty("layers").GetInt32(), row.GetProperty("hidden").GetInt32(), "H100-SXM", 8, 1, 128, 128);
        request = row.TryGetProperty("kv_latent_dim", out var latent)
            ? request with { KvLatentDimension = latent.GetInt32() + row.GetProperty("rope_key_dim").GetInt32() }
            : request with { KvHeads = row.GetProperty("kv_heads").GetInt32(), HeadDimension = row.GetProperty("head_dim").GetInt32() };

        var estimate = s_model.EstimateInference(request);

        Assert.Equal(CostReference.Number(row, "kv_cache_bytes_per_token_bf16"), estimate.KvCacheBytesPerToken);
    }

    [Theory]
    [InlineData("Llama-2-7B", "arch-llama-2-7b")]
    [InlineData("Llama-2-13B", "arch-llama-2-13b")]
    [InlineData("Llama-2-70B", "arch-llama-2-70b")]
    [InlineData("Llama-3.1-8B", "arch-llama-3.1-8b")]
    [InlineData("Llama-3.1-70B", "arch-llama-3.1-70b")]
    [InlineData("Llama-3.1-405B", "arch-llama-3.1-405b")]
    [InlineData("Mixtral-8x7B", "arch-mixtral-8x7b")]
    [InlineData("DeepSeek-V3", "arch-deepseek-v3")]
    public void EstimateInference_Presets_KvCacheBytesPerTokenMatchReference(string preset, string id)
    {
        Assert.True(ModelPresets.TryGet(preset, out var model));
        var row = CostReference.Row("model_architectures_kv_cache", id);

        var estimate = s_model.EstimateInference(InferenceCostRequest.For(model, "H200", 8, 1, 100, 100));

        Assert.Equal(CostReference.Number(row, "kv_cache_bytes_per_token_bf16"), estimate.KvCacheBytesPerToken);
        Assert.Equal(CostReference.Number(row, "kv_cache_bytes_per_token_bf16"), model.KvCacheBytesPerToken(2.0));
    }

    [Fact]
    public void EstimateInference_NoKvHeads_CachesHiddenSizePerLayer()
    {
        // Llama-2-7B is multi-head attention: 2·32·4096·2 = 524,288 bytes per token (llm-costs.json, arch-llama-2-7b).
        var estimate = s_model.EstimateInference(new InferenceCostRequest(7e9, 32, 4096, "A100-80GB", 1, 1, 10, 10));

        Assert.Equal(524_288, estimate.KvCacheBytesPerToken);
        var fp8 = s_model.EstimateInference(new InferenceCostRequest(7e9, 32, 4096, "A100-80GB", 1, 1, 10, 10) { KvCachePrecision = NumericPrecision.Fp8 });
        Assert.Equal(262_144, fp8.KvCacheBytesPerToken);
    }

    // Measured offline throughput (aggregate output tokens/s), FP8 weights and KV cache, batch = the largest that fits:
    // mlperf41-llama-2-70b-h100x8-offline: MLPerf Inference v4.1, mlcommons/inference_results_v4.1@a2f5d66,
    //   closed/NVIDIA DGX-H100 llama2-70b-99.9 Offline (24,524.9 tok/s; 290 output tokens per sample = tokens/s ÷ samples/s;
    //   the row gives no input length, so the prompt is taken to be as long as the output);
    // trtllm-perfoverview-llama-3.3-70b-h100-tp2-1000-1000: TensorRT-LLM perf-overview, 2×H100, 1000/1000 (4,205 tok/s;
    //   Llama 3.3 70B has the Llama 3.1 70B architecture);
    // trtllm-perfoverview-llama-3.1-8b-h100-tp1-128-128: TensorRT-LLM perf-overview, 1×H100, 128/128 (28,312 tok/s).
    [Theory]
    [InlineData("mlperf41-llama-2-70b-h100x8-offline", "Llama-2-70B", 290, 290, "mlcommons/inference_results_v4.1")]
    [InlineData("trtllm-perfoverview-llama-3.3-70b-h100-tp2-1000-1000", "Llama-3.1-70B", 1000, 1000, "TensorRT-LLM")]
    [InlineData("trtllm-perfoverview-llama-3.1-8b-h100-tp1-128-128", "Llama-3.1-8B", 128, 128, "TensorRT-LLM")]
    public void EstimateInference_MeasuredOfflineRows_ThroughputWithinStatedFactor(string id, string preset, int prompt, int output, string source)
    {
        var row = CostReference.Row("inference_measurements", id);
        var sourceText = row.TryGetProperty("sources", out _) ? CostReference.Source(row) : row.GetProperty("benchmark").GetString()!;
        Assert.Contains(source, sourceText + " " + row.GetProperty("benchmark").GetString(), StringComparison.Ordinal);
        Assert.True(ModelPresets.TryGet(preset, out var model));
        var gpus = row.GetProperty("num_gpus").GetInt32();
        var request = InferenceCostRequest.For(model, "H100-SXM", gpus, 1, prompt, output) with
        {
            WeightPrecision = NumericPrecision.Fp8,
            KvCachePrecision = NumericPrecision.Fp8,
        };
        var maxBatch = s_model.EstimateInference(request).MaxBatch;

        var estimate = s_model.EstimateInference(request with { Batch = maxBatch });

        var measured = CostReference.Number(row, "output_tokens_per_s_total");
        Assert.InRange(estimate.OutputTokensPerSecond, measured / ThroughputFactor, measured * ThroughputFactor);
    }

    [Fact]
    public void EstimateInference_MlperfH200VersusH100_KeepsMeasuredOrder()
    {
        // MLPerf Inference v4.1 Llama-2-70B Offline (mlcommons/inference_results_v4.1, closed/NVIDIA/results/*/llama2-70b-99/Offline/performance/run_1/mlperf_log_summary.txt): 8×H200 31,303 tok/s > 8×H100 24,525 tok/s.
        var request = InferenceCostRequest.For(ModelPresets.Llama2_70B, "H100-SXM", 8, 1, 290, 290) with
        {
            WeightPrecision = NumericPrecision.Fp8,
            KvCachePrecision = NumericPrecision.Fp8,
        };
        var h100 = s_model.EstimateInference(request with { Batch = s_model.EstimateInference(request).MaxBatch });
        var h200Request = request with { Gpu = "H200" };
        var h200 = s_model.EstimateInference(h200Request with { Batch = s_model.EstimateInference(h200Request).MaxBatch });

        Assert.True(h200.OutputTokensPerSecond > h100.OutputTokensPerSecond);
        Assert.InRange(h200.OutputTokensPerSecond, 31_303 / ThroughputFactor, 31_303 * ThroughputFactor);
    }

    [Fact]
    public void EstimateInference_Llama2_70B_Batch1_MatchesBandwidthLowerBound()
    {
        // Worked lower bound by hand (weights read once per token): Llama-2-70B BF16 on 2×H100, batch 1: 69 GB per
        // GPU / 3.35 TB/s = 20.6 ms per token (at most about 48 tok/s per stream), at ideal efficiency.
        var request = InferenceCostRequest.For(ModelPresets.Llama2_70B, "H100-SXM", 2, 1, 1, 1) with
        {
            ComputeEfficiency = 1.0,
            MemoryBandwidthEfficiency = 1.0,
        };

        var estimate = s_model.EstimateInference(request);

        Assert.Equal(RooflineBound.Memory, estimate.DecodeBound);
        Assert.InRange(estimate.TimePerOutputTokenSeconds, 0.0206 * 0.97, 0.0206 * 1.03);
    }

    [Fact]
    public void EstimateInference_DecodeRidge_H100Bf16_NearBatch295()
    {
        // By hand (roofline ridge point): the decode weight path turns compute-bound at
        // B* ≈ (P/BW)·b_w/2 ≈ 295 on H100 BF16 (989 TFLOP/s, 3.35 TB/s).
        var request = new InferenceCostRequest(70e9, 80, 8192, "H100-SXM", 1, 1, 0, 1)
        {
            KvHeads = 8,
            ComputeEfficiency = 1.0,
            MemoryBandwidthEfficiency = 1.0,
        };

        Assert.Equal(RooflineBound.Memory, s_model.EstimateInference(request with { Batch = 280 }).DecodeBound);
        Assert.Equal(RooflineBound.Compute, s_model.EstimateInference(request with { Batch = 310 }).DecodeBound);
    }

    [Fact]
    public void EstimateInference_MaxBatch_IsLargestThatFits()
    {
        // Llama-3.1-8B BF16 on one H100: 16 GB weights; 0.9·80 GB usable; 131,072 B/token × 2,048 tokens per sequence.
        var request = InferenceCostRequest.For(ModelPresets.Llama31_8B, "H100-SXM", 1, 1, 1024, 1024);
        var expected = (int)Math.Floor(((0.9 * 80e9) - 16e9) / (131_072.0 * 2048));

        var estimate = s_model.EstimateInference(request);

        Assert.Equal(expected, estimate.MaxBatch);
        Assert.True(s_model.EstimateInference(request with { Batch = expected }).FitsInMemory);
        Assert.False(s_model.EstimateInference(request with { Batch = expected + 1 }).FitsInMemory);
    }

    [Fact]
    public void EstimateInference_WeightsDoNotFit_MaxBatchZero()
    {
        var estimate = s_model.EstimateInference(InferenceCostRequest.For(ModelPresets.Llama31_405B, "A100-80GB", 1, 1, 10, 10));

        Assert.Equal(0, estimate.MaxBatch);
        Assert.False(estimate.FitsInMemory);
    }

    [Fact]
    public void EstimateInference_Precision_ScalesWeightBytes()
    {
        var request = InferenceCostRequest.For(ModelPresets.Llama31_70B, "H200", 4, 8, 512, 256);

        var fp16 = s_model.EstimateInference(request);
        var fp8 = s_model.EstimateInference(request with { WeightPrecision = NumericPrecision.Fp8 });
        var int4 = s_model.EstimateInference(request with { WeightPrecision = NumericPrecision.Int4 });

        Assert.Equal(140e9, fp16.WeightBytes);
        Assert.Equal(70e9, fp8.WeightBytes);
        Assert.Equal(35e9, int4.WeightBytes);
        Assert.True(int4.DecodeTokensPerSecond > fp8.DecodeTokensPerSecond);
        Assert.True(fp8.DecodeTokensPerSecond > fp16.DecodeTokensPerSecond);
    }

    [Fact]
    public void EstimateInference_MixtureOfExperts_Batch1ReadsActiveWeightsOnly()
    {
        // Mixtral 8x7B (arXiv:2401.04088): 46.7B parameters held, 12.9B used per token.
        var moe = s_model.EstimateInference(InferenceCostRequest.For(ModelPresets.Mixtral8x7B, "H100-SXM", 2, 1, 1, 1) with { ComputeEfficiency = 1, MemoryBandwidthEfficiency = 1 });

        Assert.Equal(46.7e9 * 2, moe.WeightBytes);
        Assert.InRange(moe.TimePerOutputTokenSeconds, 12.9e9 * 2 / (2 * 3.35e12), 12.9e9 * 2 * 1.01 / (2 * 3.35e12));
    }

    [Fact]
    public void EstimateInference_CostsFollowFromThroughputAndPrice()
    {
        Gen.Select(Gen.Int[1, 64], Gen.Int[0, 4096], Gen.Int[1, 2048], Gen.Double[0.0, 20.0], Gen.Double[0.1, 1.0], Gen.Int[1, 8])
            .Sample((batch, prompt, output, price, utilisation, gpus) =>
            {
                var e = s_model.EstimateInference(InferenceCostRequest.For(ModelPresets.Llama31_8B, "L40S", gpus, batch, prompt, output) with
                {
                    PricePerGpuHourUsd = price,
                    Utilization = utilisation,
                });
                var usdPerSecond = price * gpus / 3600.0;
                Assert.Equal(usdPerSecond / e.DecodeTokensPerSecond * 1e6 / utilisation, e.CostPerMillionOutputTokensUsd, 1e-9 * Math.Max(1, e.CostPerMillionOutputTokensUsd));
                Assert.Equal(e.DecodeTokensPerSecond / gpus, e.DecodeTokensPerSecondPerGpu, 1e-9 * e.DecodeTokensPerSecond);
                Assert.Equal(batch / e.TimePerOutputTokenSeconds, e.DecodeTokensPerSecond, 1e-9 * e.DecodeTokensPerSecond);
                Assert.Equal(batch * (double)output / (e.PrefillSeconds + e.DecodeSeconds), e.OutputTokensPerSecond, 1e-9 * e.OutputTokensPerSecond);
                if (prompt == 0)
                {
                    Assert.Equal(0.0, e.PrefillSeconds);
                    Assert.Equal(0.0, e.CostPerMillionInputTokensUsd);
                }
                else
                {
                    Assert.Equal(usdPerSecond / (batch * (double)prompt / e.PrefillSeconds) * 1e6 / utilisation, e.CostPerMillionInputTokensUsd, 1e-9 * Math.Max(1, e.CostPerMillionInputTokensUsd));
                }
            });
    }

    [Fact]
    public void EstimateInference_MoreBandwidth_DecodesFaster()
    {
        Gen.Select(Gen.Double[0.5, 10.0], Gen.Double[1.001, 4.0], Gen.Int[1, 256], Gen.Int[1, 8192])
            .Sample((bandwidthTb, factor, batch, context) =>
            {
                var slow = new GpuSpec("slow", 500e12, null, 192e9, bandwidthTb * 1e12, 0, 500);
                var fast = new GpuSpec("fast", 500e12, null, 192e9, bandwidthTb * factor * 1e12, 0, 500);
                var model = new AnalyticCostModel(new GpuCatalog([slow, fast]));
                var request = InferenceCostRequest.For(ModelPresets.Llama31_8B, "slow", 1, batch, context, 64);

                var s = model.EstimateInference(request);
                var f = model.EstimateInference(request with { Gpu = "fast" });

                Assert.True(f.DecodeTokensPerSecond >= s.DecodeTokensPerSecond);
                if (s.DecodeBound == RooflineBound.Memory)
                {
                    Assert.True(f.DecodeTokensPerSecond > s.DecodeTokensPerSecond);
                }
            });
    }

    [Fact]
    public void EstimateInference_LongerPromptsAndOutputs_CostMoreTime()
    {
        Gen.Select(Gen.Int[1, 4096], Gen.Int[1, 4096], Gen.Int[1, 64]).Sample((prompt, output, batch) =>
        {
            var request = InferenceCostRequest.For(ModelPresets.Llama2_13B, "A100-80GB", 2, batch, prompt, output);
            var e = s_model.EstimateInference(request);
            var longerPrompt = s_model.EstimateInference(request with { PromptTokens = prompt + 1 });
            var longerOutput = s_model.EstimateInference(request with { OutputTokens = output + 1 });

            Assert.True(longerPrompt.PrefillSeconds > e.PrefillSeconds);
            Assert.True(longerOutput.DecodeSeconds > e.DecodeSeconds);
            Assert.True(longerPrompt.TimePerOutputTokenSeconds >= e.TimePerOutputTokenSeconds);
        });
    }

    [Fact]
    public void EstimateInference_BadInputs_ThrowNamingTheParameter()
    {
        var ok = InferenceCostRequest.For(ModelPresets.Llama31_8B, "H100-SXM", 1, 8, 128, 128);

        Assert.Equal("GpuCount", Assert.Throws<ArgumentOutOfRangeException>(() => s_model.EstimateInference(ok with { GpuCount = 0 })).ParamName);
        Assert.Equal("Batch", Assert.Throws<ArgumentOutOfRangeException>(() => s_model.EstimateInference(ok with { Batch = 0 })).ParamName);
        Assert.Equal("PromptTokens", Assert.Throws<ArgumentOutOfRangeException>(() => s_model.EstimateInference(ok with { PromptTokens = -1 })).ParamName);
        Assert.Equal("OutputTokens", Assert.Throws<ArgumentOutOfRangeException>(() => s_model.EstimateInference(ok with { OutputTokens = 0 })).ParamName);
        Assert.Equal("PricePerGpuHourUsd", Assert.Throws<ArgumentOutOfRangeException>(() => s_model.EstimateInference(ok with { PricePerGpuHourUsd = -0.01 })).ParamName);
        Assert.Equal("MemoryBandwidthEfficiency", Assert.Throws<ArgumentOutOfRangeException>(() => s_model.EstimateInference(ok with { MemoryBandwidthEfficiency = 1.5 })).ParamName);
        Assert.Equal("KvHeads", Assert.Throws<ArgumentOutOfRangeException>(() => s_model.EstimateInference(ok with { KvHeads = 0 })).ParamName);
        Assert.Throws<UnknownGpuException>(() => s_model.EstimateInference(ok with { Gpu = "RTX-9090" }));
        Assert.Throws<ArgumentNullException>(() => s_model.EstimateInference(null!));
    }

    [Fact]
    public void EstimateInference_GpuNames_AreCaseInsensitive()
    {
        var upper = s_model.EstimateInference(InferenceCostRequest.For(ModelPresets.Llama31_8B, "MI300X", 1, 8, 128, 128));
        var lower = s_model.EstimateInference(InferenceCostRequest.For(ModelPresets.Llama31_8B, " mi300x ", 1, 8, 128, 128));

        Assert.Equal(upper, lower);
    }
}

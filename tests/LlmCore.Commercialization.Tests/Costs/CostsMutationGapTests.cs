using LlmCore.Commercialization.Costs;
using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;

namespace LlmCore.Commercialization.Tests.Costs;

/// <summary>
/// Cost-model formulas and documented ranges that the published-run tests leave open (read against Stryker's
/// mutators for scripts/quality/mutation.sh commercialization Costs, docs/quality.md): full recomputation, the
/// memory-fit boundary, the Chinchilla loss fit at a known point, and each guard at its bound.
/// </summary>
public class CostsMutationGapTests
{
    private static readonly AnalyticCostModel s_model = new();

    // Korthikanti et al. 2022 (arXiv:2205.05198), §4.1: with full recomputation only each layer's input, 2·s·b·h bytes,
    // is kept (÷ t with sequence parallelism), and the layer being recomputed holds its whole working set once
    // (ActivationRecomputation.Full's documentation). Llama 2 70B (h = 8192, a = 64, L = 80), s = 4096, b = 2, t = 8.
    [Fact]
    public void ActivationBytes_FullRecomputation_IsLayerInputsPlusOneLayer()
    {
        var request = new TrainingMemoryRequest(ModelPresets.Llama2_70B, 2, 4096) { TensorParallel = 8, Recomputation = ActivationRecomputation.Full };
        var sbh = 4096.0 * 2 * 8192;
        var scores = 5.0 * 64 * 4096 / 8192;

        Assert.Equal((80 * 2 * sbh / 8) + (sbh * (34 + scores) / 8), TrainingMemoryEstimator.ActivationBytes(request), 1e-6);
        Assert.Equal((80 * 2 * sbh) + (sbh * (10 + (24.0 / 8) + (scores / 8))), TrainingMemoryEstimator.ActivationBytes(request with { SequenceParallel = false }), 1e-6);
    }

    // ZeRO (Rajbhandari et al. 2020, §5): each stage shards one more of optimizer states (1), gradients (2) and
    // parameters (3) over the N_d data-parallel ranks, after the model-parallel split t·p. Ψ = 8e9, t·p = 2·2, N_d = 4,
    // mixed-precision Adam (2 + 2 + 12 bytes per parameter).
    [Theory]
    [InlineData(ZeroShardingStage.None, 1, 1, 1)]
    [InlineData(ZeroShardingStage.OptimizerStates, 1, 1, 4)]
    [InlineData(ZeroShardingStage.Gradients, 1, 4, 4)]
    [InlineData(ZeroShardingStage.Parameters, 4, 4, 4)]
    public void Estimate_EachZeroStage_ShardsItsStates(ZeroShardingStage stage, double weightShards, double gradientShards, double optimizerShards)
    {
        var gpu = GpuCatalog.Default.Get("H100-SXM");
        var request = new TrainingMemoryRequest(ModelPresets.Llama31_8B, 1, 2048) { TensorParallel = 2, PipelineParallel = 2, DataParallel = 4, Zero = stage };

        var estimate = TrainingMemoryEstimator.Estimate(request, gpu);

        var perRank = 8e9 / 4;
        Assert.Equal(perRank * 2 / weightShards, estimate.WeightsBytes, 1e-3);
        Assert.Equal(perRank * 2 / gradientShards, estimate.GradientsBytes, 1e-3);
        Assert.Equal(perRank * 12 / optimizerShards, estimate.OptimizerStatesBytes, 1e-3);
        Assert.Equal(gpu.MemoryBytes * 0.9, estimate.UsableMemoryBytes);
    }

    // Fits is "the total is at most the usable memory": equality fits.
    [Fact]
    public void TrainingMemoryEstimate_Fits_IncludesEquality()
    {
        Assert.True(new TrainingMemoryEstimate(1, 1, 1, 1, 4).Fits);
        Assert.False(new TrainingMemoryEstimate(1, 1, 1, 1, 3.999).Fits);
        Assert.Equal(10, new TrainingMemoryEstimate(1, 2, 3, 4, 0).TotalBytes);
    }

    public static TheoryData<string, TrainingMemoryRequest> BadMemoryRequests()
    {
        var ok = new TrainingMemoryRequest(ModelPresets.Llama31_8B, 1, 8192);
        return new()
        {
            { "SequenceLength", ok with { SequenceLength = 0 } },
            { "PipelineParallel", ok with { PipelineParallel = 0 } },
            { "DataParallel", ok with { DataParallel = -1 } },
            { "WeightBytes", ok with { WeightBytes = 0 } },
            { "GradientBytes", ok with { GradientBytes = double.NaN } },
            { "OptimizerBytesPerParameter", ok with { OptimizerBytesPerParameter = -1 } },
            { "UsableMemoryFraction", ok with { UsableMemoryFraction = 0 } },
            { "UsableMemoryFraction", ok with { UsableMemoryFraction = 1.01 } },
            { "request", ok with { Zero = (ZeroShardingStage)4 } },
            { "request", ok with { Recomputation = (ActivationRecomputation)3 } },
        };
    }

    [Theory]
    [MemberData(nameof(BadMemoryRequests))]
    public void Estimate_OutOfRange_ThrowsNamingTheField(string field, TrainingMemoryRequest request)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TrainingMemoryEstimator.Estimate(request, GpuCatalog.Default.Get("H100-SXM")));
        Assert.Equal(field, ex.ParamName);
    }

    // The closed ends of the ranges: an optimizer without state (plain SGD, 0 bytes) and all of the memory usable.
    [Fact]
    public void Estimate_ClosedEnds_AreAccepted()
    {
        var request = new TrainingMemoryRequest(ModelPresets.Llama31_8B, 1, 8192) { OptimizerBytesPerParameter = 0, UsableMemoryFraction = 1 };

        var estimate = TrainingMemoryEstimator.Estimate(request, GpuCatalog.Default.Get("H100-SXM"));

        Assert.Equal(0, estimate.OptimizerStatesBytes);
        Assert.Equal(80e9, estimate.UsableMemoryBytes, 1e-3);
        Assert.Throws<ArgumentNullException>(() => TrainingMemoryEstimator.Estimate(request with { Model = null! }, GpuCatalog.Default.Get("H100-SXM")));
    }

    // Hoffmann et al. 2022 (arXiv:2203.15556), Eq. 10: L(N, D) = 1.69 + 406.4/N^0.34 + 410.7/D^0.28. At Chinchilla's
    // N = 70e9, D = 1.4e12: 406.4/70e9^0.34 = 0.08358 and 410.7/1.4e12^0.28 = 0.16309, so L = 1.93665 (by hand).
    [Fact]
    public void Loss_AtChinchilla_IsTheFittedValue()
    {
        Assert.Equal(1.93665, ChinchillaScaling.Loss(70e9, 1.4e12), 4);
        Assert.Equal(6 * 70e9 * 1.4e12, new ComputeOptimalAllocation(70e9, 1.4e12).Flops);
        Assert.Equal(2e11, ChinchillaScaling.OptimalTokens(1e10, 20));
        Assert.Equal("parameters", Assert.Throws<ArgumentOutOfRangeException>(() => ChinchillaScaling.Loss(0, 1)).ParamName);
        Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => ChinchillaScaling.Loss(1, double.NaN)).ParamName);
        Assert.Equal("parameters", Assert.Throws<ArgumentOutOfRangeException>(() => ChinchillaScaling.OptimalTokens(-1)).ParamName);
        Assert.Equal("tokensPerParameter", Assert.Throws<ArgumentOutOfRangeException>(() => ChinchillaScaling.OptimalTokens(1, 0)).ParamName);
        Assert.Equal("tokensPerParameter", Assert.Throws<ArgumentOutOfRangeException>(() => ChinchillaScaling.ComputeOptimal(1e20, double.PositiveInfinity)).ParamName);
    }

    // 6·N·D with N = 1e9 and D = 1e9 is 6e18 FLOPs; at an A100's 312e12 FLOP/s and MFU 0.5 that is 6e18/(156e12·3600)
    // = 10.684 GPU-hours; with an effective-time fraction of 0.5 twice that, over 2 GPUs 21.368/48 days, at $3/h $64.10.
    [Fact]
    public void EstimateTraining_ByHand_HoursDaysAndCost()
    {
        var request = new TrainingCostRequest(1e9, 1e9, "A100-80GB", 2, 0.5) { EffectiveTimeFraction = 0.5, PricePerGpuHourUsd = 3, AttentionCounting = AttentionFlopsCounting.None, Layers = 10, HiddenSize = 10, SequenceLength = 10 };

        var estimate = s_model.EstimateTraining(request);

        var compute = 6e18 / (312e12 * 0.5 * 3600);
        Assert.Equal(6e18, estimate.Flops);
        Assert.Equal(0, estimate.AttentionFlops);
        Assert.Equal(compute, estimate.ComputeGpuHours, 1e-9);
        Assert.Equal(2 * compute, estimate.GpuHours, 1e-9);
        Assert.Equal(2 * compute / 48, estimate.WallClockDays, 1e-9);
        Assert.Equal(2 * compute * 3, estimate.CostUsd, 1e-9);
        Assert.Equal(3, estimate.PricePerGpuHourUsd);
        Assert.Equal(312e12, estimate.PeakFlopsPerGpu);
    }

    [Fact]
    public void EstimateTraining_BadFields_ThrowNamingTheField()
    {
        var ok = new TrainingCostRequest(1e9, 1e9, "H100-SXM", 8, 0.4);

        Assert.Equal("ActiveParameters", Assert.Throws<ArgumentOutOfRangeException>(() => s_model.EstimateTraining(ok with { ActiveParameters = 2e9 })).ParamName);
        Assert.Equal("ActiveParameters", Assert.Throws<ArgumentOutOfRangeException>(() => s_model.EstimateTraining(ok with { ActiveParameters = 0 })).ParamName);
        Assert.Equal(6e18, s_model.EstimateTraining(ok with { ActiveParameters = 1e9 }).Flops);
        Assert.Equal("Layers", Assert.Throws<ArgumentOutOfRangeException>(() => s_model.EstimateTraining(ok with { Layers = 0 })).ParamName);
        Assert.Equal("HiddenSize", Assert.Throws<ArgumentOutOfRangeException>(() => s_model.EstimateTraining(ok with { HiddenSize = -1 })).ParamName);
        Assert.Equal("SequenceLength", Assert.Throws<ArgumentOutOfRangeException>(() => s_model.EstimateTraining(ok with { SequenceLength = 0 })).ParamName);
        Assert.Equal("EffectiveTimeFraction", Assert.Throws<ArgumentOutOfRangeException>(() => s_model.EstimateTraining(ok with { EffectiveTimeFraction = 0 })).ParamName);
        Assert.Equal("PricePerGpuHourUsd", Assert.Throws<ArgumentOutOfRangeException>(() => s_model.EstimateTraining(ok with { PricePerGpuHourUsd = -1 })).ParamName);
        Assert.Equal("Tokens", Assert.Throws<ArgumentOutOfRangeException>(() => s_model.EstimateTraining(ok with { Tokens = 0 })).ParamName);
        Assert.Equal("request", Assert.Throws<ArgumentException>(() => s_model.EstimateTraining(ok with { Precision = NumericPrecision.Int4 })).ParamName);
        Assert.Equal("Gpu", Assert.Throws<ArgumentNullException>(() => s_model.EstimateTraining(ok with { Gpu = null! })).ParamName);
        Assert.Equal(0, s_model.EstimateTraining(ok with { PricePerGpuHourUsd = 0 }).CostUsd);
    }

    [Fact]
    public void Constructor_CatalogueAndDefaultPrice()
    {
        Assert.Throws<ArgumentNullException>("gpus", () => new AnalyticCostModel(null!));
        Assert.Equal("defaultPricePerGpuHourUsd", Assert.Throws<ArgumentOutOfRangeException>(() => new AnalyticCostModel(GpuCatalog.Default, double.NaN)).ParamName);
        var model = new AnalyticCostModel(GpuCatalog.Default, 4.5);
        Assert.Equal(4.5, model.DefaultPrice);
        Assert.Same(GpuCatalog.Default, model.Gpus);
        Assert.Equal(AnalyticCostModel.DefaultPricePerGpuHourUsd, new AnalyticCostModel().DefaultPrice);
        Assert.Equal(4.5, model.EstimateTraining(new TrainingCostRequest(1e9, 1e9, "H100-SXM", 8, 0.4)).PricePerGpuHourUsd);
    }

    // Without a prompt there is no prefill: no prefill time, no input throughput, no input cost (the division by a zero
    // prefill rate is not taken).
    [Fact]
    public void EstimateInference_NoPrompt_HasNoPrefill()
    {
        var request = InferenceCostRequest.For(ModelPresets.Llama31_8B, "H100-SXM", 1, 4, 0, 100);

        var estimate = s_model.EstimateInference(request);

        Assert.Equal(0, estimate.PrefillSeconds);
        Assert.Equal(0, estimate.PrefillTokensPerSecond);
        Assert.Equal(0, estimate.CostPerMillionInputTokensUsd);
        Assert.True(estimate.CostPerMillionOutputTokensUsd > 0);
        Assert.Equal(4 * 100 / estimate.DecodeSeconds, estimate.OutputTokensPerSecond, 1e-9);
    }

    // FitsInMemory is "the batch is at most MaxBatch": at MaxBatch it fits, one more does not.
    [Fact]
    public void EstimateInference_FitsInMemory_AtMaxBatch()
    {
        var request = InferenceCostRequest.For(ModelPresets.Llama31_8B, "H100-SXM", 1, 1, 1000, 1000);
        var maxBatch = s_model.EstimateInference(request).MaxBatch;

        Assert.True(s_model.EstimateInference(request with { Batch = maxBatch }).FitsInMemory);
        Assert.False(s_model.EstimateInference(request with { Batch = maxBatch + 1 }).FitsInMemory);
    }

    // KV bytes per token without explicit head dimension: d_head = hidden/heads when the head count is known, otherwise
    // InferenceCostRequest.DefaultHeadDimension (128). 2 (K and V) · L · kv-heads · d_head · 2 bytes (FP16).
    [Fact]
    public void EstimateInference_KvBytes_HeadDimensionFallbacks()
    {
        var bare = new InferenceCostRequest(8e9, 32, 4096, "H100-SXM", 1, 1, 10, 10) { KvHeads = 8 };

        Assert.Equal(2.0 * 32 * 8 * 128 * 2, s_model.EstimateInference(bare).KvCacheBytesPerToken);
        Assert.Equal(2.0 * 32 * 8 * 64 * 2, s_model.EstimateInference(bare with { AttentionHeads = 64 }).KvCacheBytesPerToken);
        Assert.Equal(2.0 * 32 * 8 * 96 * 2, s_model.EstimateInference(bare with { AttentionHeads = 64, HeadDimension = 96 }).KvCacheBytesPerToken);
        Assert.Equal(32.0 * 512 * 2, s_model.EstimateInference(bare with { KvLatentDimension = 512 }).KvCacheBytesPerToken);
    }

    // A toy GPU with round figures makes every step of AnalyticCostModel's documented roofline checkable by hand:
    // P = 1e15 FLOP/s, BW = 1e12 B/s, 100 GB; n = 2 GPUs at η_c = η_m = 0.5, so n·P·η_c = 1e15 and n·BW·η_m = 1e12.
    // Model N = 1e10 (W = 2e10 B at FP16), L = 10, d = 1000, 2 KV heads of 100: K = 2·10·2·100·2 = 8000 B/token.
    // B = 4, I = 1000, O = 99 (c̄ = I + (O + 1)/2 = 1050). Prefill: weights max(4·2·1e10·1000/1e15, 2e10/1e12) = 0.08
    // (compute); attention max(4·2·10·1000²·1000/1e15, 4·1000·8000/1e12) = max(8e-5, 3.2e-5) = 8e-5; 0.08008 s,
    // compute-bound. Decode step: weights max(8e-5, 0.02) = 0.02 (memory); attention max(4·4·10·1000·1050/1e15,
    // 4·1050·8000/1e12) = 3.36e-5; 0.0200336 s, memory-bound. At $3.6/GPU-hour the replica costs $0.002/s; utilisation
    // 0.5: per million output tokens 0.002·(0.0200336/4)·1e6/0.5 = $20.0336, per million input tokens
    // 0.002·(0.08008/4000)·1e6/0.5 = $0.08008. Memory: 0.9·2·100e9 = 180e9 usable; a sequence holds 8000·1099 B, so
    // the largest batch is ⌊(180e9 − 2e10)/8.792e6⌋ = 18198; the batch's cache is 4·8.792e6 B.
    [Fact]
    public void EstimateInference_ToyGpu_EveryFigureByHand()
    {
        var estimate = ToyModel().EstimateInference(ToyRequest(batch: 4, prompt: 1000, output: 99));

        Assert.Equal(8000, estimate.KvCacheBytesPerToken);
        Assert.Equal(0.08008, estimate.PrefillSeconds, 1e-12);
        Assert.Equal(RooflineBound.Compute, estimate.PrefillBound);
        Assert.Equal(4000 / 0.08008, estimate.PrefillTokensPerSecond, 1e-6);
        Assert.Equal(0.0200336, estimate.TimePerOutputTokenSeconds, 1e-12);
        Assert.Equal(RooflineBound.Memory, estimate.DecodeBound);
        Assert.Equal(4 / 0.0200336, estimate.DecodeTokensPerSecond, 1e-9);
        Assert.Equal(2 / 0.0200336, estimate.DecodeTokensPerSecondPerGpu, 1e-9);
        Assert.Equal(99 * 0.0200336, estimate.DecodeSeconds, 1e-12);
        Assert.Equal(4 * 99 / (0.08008 + (99 * 0.0200336)), estimate.OutputTokensPerSecond, 1e-9);
        Assert.Equal(2 * 99 / (0.08008 + (99 * 0.0200336)), estimate.OutputTokensPerSecondPerGpu, 1e-9);
        Assert.Equal(20.0336, estimate.CostPerMillionOutputTokensUsd, 1e-9);
        Assert.Equal(0.08008, estimate.CostPerMillionInputTokensUsd, 1e-12);
        Assert.Equal(2e10, estimate.WeightBytes);
        Assert.Equal(4 * 8000.0 * 1099, estimate.KvCacheBytes);
        Assert.Equal((2e10 + (4 * 8000.0 * 1099)) / 2, estimate.MemoryPerGpuBytes);
        Assert.Equal(18198, estimate.MaxBatch);
        Assert.True(estimate.FitsInMemory);
        Assert.Equal(3.6, estimate.PricePerGpuHourUsd);
    }

    // One prompt token of one sequence: prefill's weight product takes max(2·1e10/1e15, 2e10/1e12) = 0.02 s (memory) and
    // its attention max(2·10·1·1000/1e15, 8000/1e12) = 8e-9 s (memory): prefill is memory-bound.
    [Fact]
    public void EstimateInference_ToyGpu_OneTokenPrefillIsMemoryBound()
    {
        var estimate = ToyModel().EstimateInference(ToyRequest(batch: 1, prompt: 1, output: 1));

        Assert.Equal(RooflineBound.Memory, estimate.PrefillBound);
        Assert.Equal(0.02 + 8e-9, estimate.PrefillSeconds, 1e-15);
    }

    // Mixture of experts (AnalyticCostModel's remarks): T tokens in flight read N·b_w·(1 − (1 − N_act/N)^T) bytes of
    // weights. N_act/N = 1/4 and B = 2 decode tokens: 2e10·(1 − 0.75²) = 8.75e9 B, 0.00875 s at 1e12 B/s against
    // 2·2·2.5e9/1e15 = 1e-5 s of compute; attention at c̄ = 0 + (1 + 1)/2 = 1: max(2·4·10·1000/1e15, 2·8000/1e12) = 1.6e-8.
    [Fact]
    public void EstimateInference_ToyGpu_MixtureOfExpertsReadsTheExpectedTouchedWeights()
    {
        var estimate = ToyModel().EstimateInference(ToyRequest(batch: 2, prompt: 0, output: 1) with { ActiveParameters = 2.5e9 });

        Assert.Equal(0.00875 + 1.6e-8, estimate.TimePerOutputTokenSeconds, 1e-15);
        Assert.Equal(0, estimate.PrefillSeconds);
        Assert.Equal(2e10, estimate.WeightBytes);
    }

    // Prefill of a mixture of experts reads the weights touched by its B·I tokens: B = 1, I = 2, N_act/N = 1/4:
    // 2e10·(1 − 0.75²) = 8.75e9 B, 0.00875 s (memory; compute 2·2.5e9·2/1e15 = 1e-5); attention writes 2·8000 B to the
    // cache, 1.6e-8 s (memory; compute 2·10·2²·1000/1e15 = 8e-11).
    [Fact]
    public void EstimateInference_ToyGpu_MixtureOfExpertsPrefillReadsTheTouchedWeights()
    {
        var estimate = ToyModel().EstimateInference(ToyRequest(batch: 1, prompt: 2, output: 1) with { ActiveParameters = 2.5e9 });

        Assert.Equal(0.00875 + 1.6e-8, estimate.PrefillSeconds, 1e-15);
    }

    // With a small latent cache (multi-head latent attention, 1 element per token and layer: K = 10·1·2 = 20 B) decode
    // attention turns compute-bound: 4·4·10·1000·1050/1e15 = 1.68e-7 s against 4·1050·20/1e12 = 8.4e-8 s; the step is
    // 0.02 + 1.68e-7 s (B = 4, I = 1000, O = 99, c̄ = 1050).
    [Fact]
    public void EstimateInference_ToyGpu_LatentCacheDecodeAttentionIsComputeBound()
    {
        var estimate = ToyModel().EstimateInference(ToyRequest(batch: 4, prompt: 1000, output: 99) with { KvLatentDimension = 1 });

        Assert.Equal(20, estimate.KvCacheBytesPerToken);
        Assert.Equal(0.02 + 1.68e-7, estimate.TimePerOutputTokenSeconds, 1e-15);
    }

    // The bound of a phase compares the summed times of its compute-bound operators with those of its memory-bound
    // ones (AnalyticCostModel's remarks, per-operator roofline). By hand on the toy GPU (F = 1e15 FLOP/s, M = 1e12 B/s):
    // (a) I = 2e6, B = 1: weights 40 s compute, attention 80 s compute (0.016 s of cache): compute-bound;
    // (b) decode at c̄ = 1e6 + 1, B = 4: weights 0.02 s memory, attention 0.032 s memory (1.6e-4 s compute): memory-bound;
    // (c) K = 2·10·1100·500·2 = 2.2e7 B, I = 5e5: weights 10 s compute, attention 11 s memory (5 s compute): 10 < 11,
    //     memory-bound (only the compute-bound operator's time counts as compute);
    // (d) K = 2·10·995·500·2 = 1.99e7 B, I = 1e5: weights 2 s compute (0.02 s memory), attention 1.99 s memory:
    //     2 ≥ 1.99, compute-bound (only the memory-bound operator's time counts as memory).
    [Fact]
    public void EstimateInference_ToyGpu_BoundsOfMixedPhasesByHand()
    {
        var model = ToyModel();

        Assert.Equal(RooflineBound.Compute, model.EstimateInference(ToyRequest(batch: 1, prompt: 2_000_000, output: 1)).PrefillBound);
        Assert.Equal(RooflineBound.Memory, model.EstimateInference(ToyRequest(batch: 4, prompt: 1_000_000, output: 1)).DecodeBound);
        Assert.Equal(RooflineBound.Memory, model.EstimateInference(ToyRequest(batch: 1, prompt: 500_000, output: 1) with { KvHeads = 1100, HeadDimension = 500 }).PrefillBound);
        Assert.Equal(RooflineBound.Compute, model.EstimateInference(ToyRequest(batch: 1, prompt: 100_000, output: 1) with { KvHeads = 995, HeadDimension = 500 }).PrefillBound);
    }

    // The largest batch is an int: a cache too small to fill the memory in int.MaxValue sequences caps it there
    // (a 4-byte cache per sequence: 1.8e11 / 4 sequences would fit).
    [Fact]
    public void EstimateInference_ToyGpu_MaxBatchIsCappedAtIntMaxValue()
    {
        var request = new InferenceCostRequest(1, 1, 1, "toy", 2, 1, 0, 1) { KvHeads = 1, HeadDimension = 1 };

        var estimate = ToyModel().EstimateInference(request);

        Assert.Equal(4, estimate.KvCacheBytesPerToken);
        Assert.Equal(int.MaxValue, estimate.MaxBatch);
        Assert.True(estimate.FitsInMemory);
    }

    // Training without the full attention shape (sequence length missing) counts 6·N·D only, whatever the counting.
    [Fact]
    public void EstimateTraining_PartialShape_CountsNoAttention()
    {
        var request = new TrainingCostRequest(1e9, 1e9, "toy", 1, 0.5) { Layers = 10, HiddenSize = 1000, AttentionCounting = AttentionFlopsCounting.Full };

        var estimate = ToyModel().EstimateTraining(request);

        Assert.Equal(0, estimate.AttentionFlops);
        Assert.Equal(6e18, estimate.Flops);
        Assert.Equal(12.0 * 10 * 100 * 1000 * 1e9, ToyModel().EstimateTraining(request with { SequenceLength = 100 }).AttentionFlops);
    }

    // Every documented range of an inference request is checked and named (the Stryker run of 14:37 found these guards
    // untested): parameters > 0, layers and hidden size ≥ 1, optional heads and dimensions ≥ 1, efficiencies and
    // fractions in (0, 1].
    public static TheoryData<string, InferenceCostRequest> BadInferenceRequests()
    {
        var ok = ToyRequest(batch: 1, prompt: 1, output: 1);
        return new()
        {
            { "Parameters", ok with { Parameters = 0 } },
            { "Parameters", ok with { Parameters = double.NaN } },
            { "Layers", ok with { Layers = 0 } },
            { "HiddenSize", ok with { HiddenSize = 0 } },
            { "AttentionHeads", ok with { AttentionHeads = 0 } },
            { "HeadDimension", ok with { HeadDimension = 0 } },
            { "KvLatentDimension", ok with { KvLatentDimension = 0 } },
            { "ComputeEfficiency", ok with { ComputeEfficiency = 0 } },
            { "ComputeEfficiency", ok with { ComputeEfficiency = 1.01 } },
            { "UsableMemoryFraction", ok with { UsableMemoryFraction = 0 } },
            { "Utilization", ok with { Utilization = 0 } },
            { "Utilization", ok with { Utilization = 1.5 } },
        };
    }

    [Theory]
    [MemberData(nameof(BadInferenceRequests))]
    public void EstimateInference_OutOfRange_ThrowsNamingTheField(string field, InferenceCostRequest request)
    {
        Assert.Equal(field, Assert.Throws<ArgumentOutOfRangeException>(() => ToyModel().EstimateInference(request)).ParamName);
    }

    [Fact]
    public void NullArguments_AreRejectedByName()
    {
        Assert.Throws<ArgumentNullException>("model", () => InferenceCostRequest.For(null!, "toy", 1, 1, 1, 1));
        Assert.Throws<ArgumentNullException>("model", () => TrainingCostRequest.For(null!, 1e9, "toy", 1, 0.5));
        Assert.Throws<ArgumentNullException>("gpu", () => TrainingMemoryEstimator.Estimate(new TrainingMemoryRequest(ModelPresets.Llama31_8B, 1, 8), null!));
        Assert.Throws<ArgumentNullException>("request", () => TrainingMemoryEstimator.ActivationBytes(null!));
        Assert.Throws<ArgumentNullException>("request", () => AnalyticCostModel.KvCacheBytesPerToken(null!));
    }

    // TrainingCostRequest.For counts the attention term only when a sequence length is given: then it copies the
    // model's layers and hidden size, else neither.
    [Fact]
    public void TrainingCostRequest_For_CopiesTheShapeOnlyWithASequenceLength()
    {
        var model = ModelPresets.Llama31_8B;

        var bare = TrainingCostRequest.For(model, 1e9, "toy", 1, 0.5);
        var shaped = TrainingCostRequest.For(model, 1e9, "toy", 1, 0.5, 4096);

        Assert.Equal((null, null, null), (bare.Layers, bare.HiddenSize, bare.SequenceLength));
        Assert.Equal((model.Layers, model.HiddenSize, 4096), (shaped.Layers, shaped.HiddenSize, shaped.SequenceLength));
    }

    private static AnalyticCostModel ToyModel() =>
        new(new GpuCatalog([new GpuSpec("toy", 1e15, null, 100e9, 1e12, 0, 500)]));

    private static InferenceCostRequest ToyRequest(int batch, int prompt, int output) =>
        new(1e10, 10, 1000, "toy", 2, batch, prompt, output)
        {
            KvHeads = 2,
            HeadDimension = 100,
            ComputeEfficiency = 0.5,
            MemoryBandwidthEfficiency = 0.5,
            Utilization = 0.5,
            PricePerGpuHourUsd = 3.6,
        };
}

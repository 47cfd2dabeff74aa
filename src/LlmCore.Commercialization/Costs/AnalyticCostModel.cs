using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Internal;

namespace LlmCore.Commercialization.Costs;

/// <summary>
/// An analytic <see cref="ICostModel"/>: training compute from 6·N·D plus the attention term, and serving from a
/// roofline over a GPU catalogue, with every efficiency factor stated on the request.
/// </summary>
/// <remarks>
/// <para><b>Training.</b> C = 6·N_act·D (Kaplan et al. 2020, arXiv:2001.08361, §2.1: forward 2N and backward 4N per
/// token; active parameters for mixture-of-experts) plus, when the shape is given, the attention products
/// 6·L·s·d·D (causal) or 12·L·s·d·D (full; PaLM, arXiv:2204.02311, Appendix B). Compute GPU-hours =
/// C / (P·MFU·3600) with P the dense peak of the training precision; billed GPU-hours = compute GPU-hours /
/// effective-time fraction; wall-clock days = GPU-hours / (GPUs·24); cost = GPU-hours × $/GPU-hour (the cloud
/// method of Cottier et al. 2024, arXiv:2405.21015).</para>
/// <para><b>Serving</b> (after cli99/llm-analysis and LLM-Viewer's roofline; Pope et al. 2022, arXiv:2211.05102). For a replica
/// of n GPUs, batch B, prompt I and output O tokens: weights W = N·b_w, KV per token K = 2·L·n_kv·d_h·b_kv.
/// Each phase is a per-operator roofline (as in LLM-Viewer): the weight matrix products take
/// max(FLOPs / (n·P·η_c), bytes / (n·BW·η_m)) and the attention over the KV cache takes the same maximum over its own
/// FLOPs and bytes, and the two add. Prefill: weights 2·N_act·I·B FLOPs over W_read bytes, attention 2·L·I²·d·B FLOPs
/// (causal) over the B·I·K bytes written to the cache. Decode step at the average context c̄ = I + (O+1)/2: weights
/// 2·N_act·B FLOPs over W_read bytes, attention 4·L·d·c̄·B FLOPs over B·c̄·K bytes read, which stays memory-bound at
/// any batch because its intensity does not grow with B. No communication term: tensor-parallel all-reduces are
/// assumed to overlap. For mixture-of-experts, W_read = N·b_w·(1 − (1 − N_act/N)^T) for T tokens in flight, which is N_act·b_w
/// for one token and tends to all weights for large batches (experts are assumed to be picked independently).
/// The largest batch is ⌊(u·n·HBM − W) / (K·(I + O))⌋. Cost per million output tokens =
/// price·n / 3600 / decode tokens/s · 10⁶ / utilisation, and per million input tokens the same with prefill tokens/s.</para>
/// <para>This type is immutable and thread-safe.</para>
/// </remarks>
public sealed class AnalyticCostModel : ICostModel
{
    /// <summary>The price per GPU-hour used when neither the request nor the constructor names one: 2 US dollars (the rental price assumed by the DeepSeek-V3 report, Table 1).</summary>
    public const double DefaultPricePerGpuHourUsd = 2.0;

    /// <summary>Creates a model over the built-in <see cref="GpuCatalog.Default"/> at <see cref="DefaultPricePerGpuHourUsd"/>.</summary>
    public AnalyticCostModel()
        : this(GpuCatalog.Default)
    {
    }

    /// <summary>Creates a model over <paramref name="gpus"/>.</summary>
    /// <param name="gpus">The GPU catalogue requests name GPUs from.</param>
    /// <param name="defaultPricePerGpuHourUsd">The price used where a request names none, finite and ≥ 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="gpus"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="defaultPricePerGpuHourUsd"/> is negative, NaN or infinite.</exception>
    public AnalyticCostModel(GpuCatalog gpus, double defaultPricePerGpuHourUsd = DefaultPricePerGpuHourUsd)
    {
        ArgumentNullException.ThrowIfNull(gpus);
        Guard.Price(defaultPricePerGpuHourUsd);
        Gpus = gpus;
        DefaultPrice = defaultPricePerGpuHourUsd;
    }

    /// <summary>Gets the GPU catalogue.</summary>
    public GpuCatalog Gpus { get; }

    /// <summary>Gets the price per GPU-hour used where a request names none, in US dollars.</summary>
    public double DefaultPrice { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or its GPU name is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A figure is out of range: parameters, tokens, GPUs, MFU in (0, 1],
    /// effective-time fraction in (0, 1], a negative price, or active parameters above the total.</exception>
    /// <exception cref="UnknownGpuException">The catalogue has no GPU of that name.</exception>
    /// <exception cref="ArgumentException">INT4 precision, or FP8 on a GPU without FP8 units.</exception>
    public TrainingCostEstimate EstimateTraining(TrainingCostRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Guard.PositiveFinite(request.Parameters, nameof(request.Parameters));
        Guard.PositiveFinite(request.Tokens, nameof(request.Tokens));
        Guard.Positive(request.GpuCount, nameof(request.GpuCount));
        Guard.Fraction(request.Mfu, nameof(request.Mfu));
        Guard.Fraction(request.EffectiveTimeFraction, nameof(request.EffectiveTimeFraction));
        Guard.Price(request.PricePerGpuHourUsd, nameof(request.PricePerGpuHourUsd));
        var active = ActiveParameters(request.Parameters, request.ActiveParameters);
        ValidateOptionalPositive(request.Layers, nameof(request.Layers));
        ValidateOptionalPositive(request.HiddenSize, nameof(request.HiddenSize));
        ValidateOptionalPositive(request.SequenceLength, nameof(request.SequenceLength));
        var gpu = Lookup(request.Gpu);

        double peak;
        switch (request.Precision)
        {
            case NumericPrecision.Fp16:
                peak = gpu.DenseFp16FlopsPerSecond;
                break;
            case NumericPrecision.Fp8:
                peak = gpu.DenseFp8FlopsPerSecond
                    ?? throw new ArgumentException($"GPU '{gpu.Name}' has no FP8 peak; train at Fp16 or pick a GPU with FP8 units.", nameof(request));
                break;
            default:
                throw new ArgumentException($"Training precision must be Fp16 or Fp8; got {request.Precision}.", nameof(request));
        }

        var denseFlops = 6.0 * active * request.Tokens;
        var attentionFlops = 0.0;
        if (request is { Layers: { } layers, HiddenSize: { } hidden, SequenceLength: { } sequence } && request.AttentionCounting != AttentionFlopsCounting.None)
        {
            var perToken = request.AttentionCounting == AttentionFlopsCounting.Full ? 12.0 : 6.0;
            attentionFlops = perToken * layers * (double)sequence * hidden * request.Tokens;
        }

        var flops = denseFlops + attentionFlops;
        var computeGpuHours = flops / (peak * request.Mfu * 3600.0);
        var gpuHours = computeGpuHours / request.EffectiveTimeFraction;
        var price = request.PricePerGpuHourUsd ?? DefaultPrice;
        return new TrainingCostEstimate(flops, gpuHours, gpuHours / (request.GpuCount * 24.0), gpuHours * price)
        {
            AttentionFlops = attentionFlops,
            ComputeGpuHours = computeGpuHours,
            PeakFlopsPerGpu = peak,
            PricePerGpuHourUsd = price,
        };
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or its GPU name is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A figure is out of range: parameters, layers, hidden size, GPUs, batch and
    /// output tokens ≥ 1, prompt tokens ≥ 0, heads ≥ 1, efficiencies and fractions in (0, 1], a negative price, or
    /// active parameters above the total.</exception>
    /// <exception cref="UnknownGpuException">The catalogue has no GPU of that name.</exception>
    public InferenceCostEstimate EstimateInference(InferenceCostRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Guard.PositiveFinite(request.Parameters, nameof(request.Parameters));
        Guard.Positive(request.Layers, nameof(request.Layers));
        Guard.Positive(request.HiddenSize, nameof(request.HiddenSize));
        Guard.Positive(request.GpuCount, nameof(request.GpuCount));
        Guard.Positive(request.Batch, nameof(request.Batch));
        Guard.NonNegative(request.PromptTokens, nameof(request.PromptTokens));
        Guard.Positive(request.OutputTokens, nameof(request.OutputTokens));
        ValidateOptionalPositive(request.KvHeads, nameof(request.KvHeads));
        ValidateOptionalPositive(request.AttentionHeads, nameof(request.AttentionHeads));
        ValidateOptionalPositive(request.HeadDimension, nameof(request.HeadDimension));
        ValidateOptionalPositive(request.KvLatentDimension, nameof(request.KvLatentDimension));
        Guard.Fraction(request.ComputeEfficiency, nameof(request.ComputeEfficiency));
        Guard.Fraction(request.MemoryBandwidthEfficiency, nameof(request.MemoryBandwidthEfficiency));
        Guard.Fraction(request.UsableMemoryFraction, nameof(request.UsableMemoryFraction));
        Guard.Fraction(request.Utilization, nameof(request.Utilization));
        Guard.Price(request.PricePerGpuHourUsd, nameof(request.PricePerGpuHourUsd));
        var active = ActiveParameters(request.Parameters, request.ActiveParameters);
        var weightBytesPerElement = request.WeightPrecision.BytesPerElement();
        var kvBytesPerElement = request.KvCachePrecision.BytesPerElement();
        var gpu = Lookup(request.Gpu);

        var n = request.GpuCount;
        var batch = (double)request.Batch;
        var prompt = (double)request.PromptTokens;
        var output = (double)request.OutputTokens;
        var layers = (double)request.Layers;
        var hidden = (double)request.HiddenSize;

        var kvPerToken = KvCacheBytesPerToken(request, kvBytesPerElement);
        var weights = request.Parameters * weightBytesPerElement;
        var usable = gpu.MemoryBytes * n * request.UsableMemoryFraction;
        var perSequence = kvPerToken * (prompt + output);
        var maxBatch = weights >= usable ? 0 : (int)Math.Min(int.MaxValue, Math.Floor((usable - weights) / perSequence));
        var kvBytes = batch * perSequence;

        var flopsPerSecond = gpu.PeakFlopsPerSecond(request.WeightPrecision) * n * request.ComputeEfficiency;
        var bytesPerSecond = gpu.MemoryBandwidthBytesPerSecond * n * request.MemoryBandwidthEfficiency;

        var prefillSeconds = 0.0;
        var prefillBound = RooflineBound.Compute;
        if (request.PromptTokens > 0)
        {
            var linear = Roofline(
                batch * 2.0 * active * prompt / flopsPerSecond,
                WeightBytesRead(request.Parameters, active, weightBytesPerElement, batch * prompt) / bytesPerSecond);
            var attention = Roofline(
                batch * 2.0 * layers * prompt * prompt * hidden / flopsPerSecond,
                batch * prompt * kvPerToken / bytesPerSecond);
            (prefillSeconds, prefillBound) = Sum(linear, attention);
        }

        var averageContext = prompt + ((output + 1.0) / 2.0);
        var stepLinear = Roofline(
            batch * 2.0 * active / flopsPerSecond,
            WeightBytesRead(request.Parameters, active, weightBytesPerElement, batch) / bytesPerSecond);
        var stepAttention = Roofline(
            batch * 4.0 * layers * hidden * averageContext / flopsPerSecond,
            batch * averageContext * kvPerToken / bytesPerSecond);
        var (stepSeconds, decodeBound) = Sum(stepLinear, stepAttention);

        var decodeTokensPerSecond = batch / stepSeconds;
        var decodeSeconds = output * stepSeconds;
        var outputTokensPerSecond = batch * output / (prefillSeconds + decodeSeconds);
        var prefillTokensPerSecond = prefillSeconds > 0 ? batch * prompt / prefillSeconds : 0.0;

        var price = request.PricePerGpuHourUsd ?? DefaultPrice;
        var replicaUsdPerSecond = price * n / 3600.0;
        var costPerMillionOutput = replicaUsdPerSecond / decodeTokensPerSecond * 1e6 / request.Utilization;
        var costPerMillionInput = prefillTokensPerSecond > 0 ? replicaUsdPerSecond / prefillTokensPerSecond * 1e6 / request.Utilization : 0.0;

        return new InferenceCostEstimate(prefillSeconds, decodeTokensPerSecond, costPerMillionInput, costPerMillionOutput, kvPerToken)
        {
            DecodeTokensPerSecondPerGpu = decodeTokensPerSecond / n,
            TimePerOutputTokenSeconds = stepSeconds,
            DecodeSeconds = decodeSeconds,
            OutputTokensPerSecond = outputTokensPerSecond,
            OutputTokensPerSecondPerGpu = outputTokensPerSecond / n,
            PrefillTokensPerSecond = prefillTokensPerSecond,
            MaxBatch = maxBatch,
            FitsInMemory = request.Batch <= maxBatch,
            WeightBytes = weights,
            KvCacheBytes = kvBytes,
            MemoryPerGpuBytes = (weights + kvBytes) / n,
            PrefillBound = prefillBound,
            DecodeBound = decodeBound,
            PricePerGpuHourUsd = price,
        };
    }

    /// <summary>Gets the KV-cache bytes per token that <see cref="EstimateInference"/> uses for <paramref name="request"/>.</summary>
    /// <param name="request">The deployment.</param>
    /// <returns>L·latent·b_kv under latent attention; else 2·L·n_kv·d_h·b_kv with n_kv·d_h = HiddenSize without KvHeads.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    internal static double KvCacheBytesPerToken(InferenceCostRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return KvCacheBytesPerToken(request, request.KvCachePrecision.BytesPerElement());
    }

    private static double KvCacheBytesPerToken(InferenceCostRequest request, double bytesPerElement)
    {
        if (request.KvLatentDimension is { } latent)
        {
            return (double)request.Layers * latent * bytesPerElement;
        }

        if (request.KvHeads is not { } kvHeads)
        {
            return 2.0 * request.Layers * (double)request.HiddenSize * bytesPerElement;
        }

        var headDimension = request.HeadDimension
            ?? (request.AttentionHeads is { } heads ? Math.Max(1, request.HiddenSize / heads) : InferenceCostRequest.DefaultHeadDimension);
        return 2.0 * request.Layers * (double)kvHeads * headDimension * bytesPerElement;
    }

    private static double WeightBytesRead(double parameters, double active, double bytesPerElement, double tokens)
    {
        if (active >= parameters)
        {
            return parameters * bytesPerElement;
        }

        var touched = 1.0 - Math.Pow(1.0 - (active / parameters), tokens);
        return parameters * bytesPerElement * touched;
    }

    private static (double Seconds, double ComputeSeconds, double MemorySeconds) Roofline(double computeSeconds, double memorySeconds) =>
        (Math.Max(computeSeconds, memorySeconds), computeSeconds >= memorySeconds ? computeSeconds : 0.0, computeSeconds >= memorySeconds ? 0.0 : memorySeconds);

    private static (double Seconds, RooflineBound Bound) Sum(
        (double Seconds, double ComputeSeconds, double MemorySeconds) linear,
        (double Seconds, double ComputeSeconds, double MemorySeconds) attention)
    {
        var compute = linear.ComputeSeconds + attention.ComputeSeconds;
        var memory = linear.MemorySeconds + attention.MemorySeconds;
        return (linear.Seconds + attention.Seconds, compute >= memory ? RooflineBound.Compute : RooflineBound.Memory);
    }

    private static double ActiveParameters(double parameters, double? active)
    {
        if (active is not { } a)
        {
            return parameters;
        }

        Guard.PositiveFinite(a, "ActiveParameters");
        if (a > parameters)
        {
            throw new ArgumentOutOfRangeException("ActiveParameters", a, $"must be at most the total parameters {parameters:G4}.");
        }

        return a;
    }

    private static void ValidateOptionalPositive(int? value, string paramName)
    {
        if (value is { } v)
        {
            Guard.Positive(v, paramName);
        }
    }

    private GpuSpec Lookup(string? name)
    {
        if (name is null)
        {
            throw new ArgumentNullException("Gpu", "A GPU name is required.");
        }

        if (!Gpus.TryGet(name, out var gpu))
        {
            throw new UnknownGpuException(name, Gpus.Names, "Gpu");
        }

        return gpu;
    }
}

using System.Globalization;
using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Internal;
using LlmCore.Commercialization.Models;

namespace LlmCore.Commercialization.Serving;

/// <summary>
/// A serving deployment: a model on replicas of <see cref="TensorParallel"/> × <see cref="PipelineParallel"/> GPUs,
/// the scheduler settings of each replica, and optionally prefill/decode disaggregation.
/// </summary>
/// <remarks>
/// <para>With <see cref="PrefillReplicas"/> set, serving is disaggregated (DistServe, Zhong et al. 2024,
/// arXiv:2401.09670; Splitwise, Patel et al. 2024, arXiv:2311.18677): the first <see cref="PrefillReplicas"/> of the
/// <see cref="Replicas"/> only prefill and emit the first token, the KV cache then moves to one of the other replicas in
/// (tokens × KV bytes per token)/<see cref="KvTransferBytesPerSecond"/> seconds, and that replica decodes.</para>
/// <para>This type is immutable and thread-safe; <see cref="Validate"/> checks it (the simulator calls it).</para>
/// </remarks>
public sealed record ServingDeployment
{
    /// <summary>The KV-cache transfer bandwidth per GPU of a prefill replica when none is given: 50 GB/s, one 400 Gb/s
    /// InfiniBand NDR port per GPU as in a DGX H100.</summary>
    public const double DefaultKvTransferBytesPerSecondPerGpu = 50e9;

    /// <summary>Creates a deployment.</summary>
    /// <param name="model">The model served.</param>
    /// <param name="gpu">The GPU name (a <see cref="GpuCatalog"/> entry, case-insensitive).</param>
    /// <param name="tensorParallel">GPUs each layer is split over, ≥ 1.</param>
    /// <param name="pipelineParallel">Pipeline stages, ≥ 1.</param>
    /// <param name="replicas">Replicas behind the router, ≥ 1 (≥ 2 when disaggregated).</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="gpu"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="gpu"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1.</exception>
    public ServingDeployment(ModelArchitecture model, string gpu, int tensorParallel = 1, int pipelineParallel = 1, int replicas = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(gpu);
        Guard.Positive(tensorParallel);
        Guard.Positive(pipelineParallel);
        Guard.Positive(replicas);
        Model = model;
        Gpu = gpu.Trim();
        TensorParallel = tensorParallel;
        PipelineParallel = pipelineParallel;
        Replicas = replicas;
    }

    /// <summary>Gets the model served.</summary>
    public ModelArchitecture Model { get; init; }

    /// <summary>Gets the GPU name.</summary>
    public string Gpu { get; init; }

    /// <summary>Gets the tensor-parallel degree t.</summary>
    public int TensorParallel { get; init; }

    /// <summary>Gets the pipeline-parallel degree p.</summary>
    public int PipelineParallel { get; init; }

    /// <summary>Gets the replicas (prefill and decode replicas together when disaggregated).</summary>
    public int Replicas { get; init; }

    /// <summary>Gets the weight precision.</summary>
    /// <value>The default value is <see cref="NumericPrecision.Fp16"/>.</value>
    public NumericPrecision WeightPrecision { get; init; } = NumericPrecision.Fp16;

    /// <summary>Gets the KV-cache precision, or <see langword="null"/> for FP8 when the weights are FP8 and FP16 otherwise.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public NumericPrecision? KvCachePrecision { get; init; }

    /// <summary>Gets the largest number of requests a replica runs at once (vLLM <c>max_num_seqs</c>, TensorRT-LLM <c>max_batch_size</c>), ≥ 1.</summary>
    /// <value>The default value is 256.</value>
    public int MaxBatch { get; init; } = 256;

    /// <summary>Gets the largest number of tokens one iteration processes (vLLM <c>max_num_batched_tokens</c>, TensorRT-LLM
    /// <c>max_num_tokens</c>): the chunk size of chunked prefill, ≥ 1.</summary>
    /// <value>The default value is 2,048.</value>
    public int TokenBudget { get; init; } = 2048;

    /// <summary>Gets the tokens per KV-cache block (paged attention), ≥ 1.</summary>
    /// <value>The default value is 16 (vLLM's default).</value>
    public int BlockSize { get; init; } = 16;

    /// <summary>Gets the fraction of the memory left after the weights that holds the KV cache, in (0, 1]
    /// (TensorRT-LLM <c>kv_cache_free_gpu_mem_fraction</c>; the rest is activations and workspace).</summary>
    /// <value>The default value is 0.9.</value>
    public double KvCacheMemoryFraction { get; init; } = 0.9;

    /// <summary>Gets how a replica forms each iteration's batch.</summary>
    /// <value>The default value is <see cref="BatchingPolicy.ChunkedPrefill"/>.</value>
    public BatchingPolicy Batching { get; init; } = BatchingPolicy.ChunkedPrefill;

    /// <summary>Gets when a replica admits a waiting request (KV-cache admission control).</summary>
    /// <value>The default value is <see cref="AdmissionPolicy.ReservePrompt"/>.</value>
    public AdmissionPolicy Admission { get; init; } = AdmissionPolicy.ReservePrompt;

    /// <summary>Gets how requests reach the replicas: a router that assigns each on arrival, or a shared queue the replicas
    /// pull from (<see cref="RoutingPolicy.SharedQueue"/>).</summary>
    /// <value>The default value is <see cref="RoutingPolicy.LeastOutstandingRequests"/>.</value>
    public RoutingPolicy Routing { get; init; } = RoutingPolicy.LeastOutstandingRequests;

    /// <summary>Gets the batcher in front of the router (arrivals wait in it and leave together for one replica), or
    /// <see langword="null"/> to route each request as it arrives.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public RequestBatcher? FrontBatcher { get; init; }

    /// <summary>Gets the number of replicas that only prefill (disaggregated serving), in [1, <see cref="Replicas"/> − 1],
    /// or <see langword="null"/> for aggregated serving.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? PrefillReplicas { get; init; }

    /// <summary>Gets the KV-cache transfer bandwidth of one prefill replica in bytes per second, or <see langword="null"/>
    /// for <see cref="DefaultKvTransferBytesPerSecondPerGpu"/> × GPUs per replica.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public double? KvTransferBytesPerSecond { get; init; }

    /// <summary>
    /// Gets the GPU-to-GPU bandwidth (bidirectional, bytes per second) between the GPUs of one replica, or
    /// <see langword="null"/> for the GPU's own figure (<see cref="GpuSpec.InterconnectBytesPerSecond"/>: all its links,
    /// as through the NVSwitches of an 8-GPU HGX board). Set it when the board gives each pair of GPUs only part of the
    /// links: on a 4-GPU HGX H100 board each pair is joined by 6 of each GPU's 18 NVLink 4 links (the submitters' system
    /// descriptions in MLPerf Inference v4.1, "6x 4th Gen NVLink"), 300 GB/s instead of 900 GB/s. The all-reduces of
    /// tensor parallelism and the sends between pipeline stages use it.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public double? InterconnectBytesPerSecond { get; init; }

    /// <summary>Gets whether each replica streams every generated token back to the client as it is sampled (an online
    /// server reporting time to first token and per-token latency), paying <see cref="ServingEfficiency.StreamingSecondsPerSequence"/>
    /// per running sequence in every iteration; <see langword="false"/> returns each response whole when it completes
    /// (an offline batch job, <c>trtllm-bench</c>). MLPerf's harnesses stream in the Server scenario and not in Offline.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool StreamTokens { get; init; }

    /// <summary>Gets the efficiency factors, or <see langword="null"/> for the ones calibrated on published measurements of the GPU (docs/commercialization.md, "Calibration").</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public ServingEfficiency? Efficiency { get; init; }

    /// <summary>Gets the price of one GPU-hour in US dollars, or <see langword="null"/> for the dated on-demand price of the GPU (docs/commercialization.md, "Serving simulator and deployment search").</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public double? PricePerGpuHourUsd { get; init; }

    /// <summary>Gets the GPUs of one replica, t·p.</summary>
    public int GpusPerReplica => TensorParallel * PipelineParallel;

    /// <summary>Gets every GPU of the deployment, replicas · t · p.</summary>
    public int GpuCount => Replicas * GpusPerReplica;

    /// <summary>Gets a value indicating whether prefill and decode run on separate replicas.</summary>
    public bool IsDisaggregated => PrefillReplicas is not null;

    /// <summary>Gets the KV-cache precision in effect (see <see cref="KvCachePrecision"/>).</summary>
    public NumericPrecision EffectiveKvCachePrecision =>
        KvCachePrecision ?? (WeightPrecision == NumericPrecision.Fp8 ? NumericPrecision.Fp8 : NumericPrecision.Fp16);

    /// <summary>Checks every setting and throws on the first violation.</summary>
    /// <exception cref="ArgumentNullException">The model or GPU is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (the message gives the range).</exception>
    /// <exception cref="ArgumentException">INT4 KV cache, or disaggregation with fewer than two replicas.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Model, nameof(Model));
        ArgumentException.ThrowIfNullOrWhiteSpace(Gpu, nameof(Gpu));
        Guard.Positive(TensorParallel);
        Guard.Positive(PipelineParallel);
        Guard.Positive(Replicas);
        Guard.Positive(MaxBatch);
        Guard.Positive(TokenBudget);
        Guard.Positive(BlockSize);
        Guard.Fraction(KvCacheMemoryFraction);
        Guard.Price(PricePerGpuHourUsd);
        if (!Enum.IsDefined(WeightPrecision))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightPrecision), WeightPrecision, "must be Fp16, Fp8 or Int4.");
        }

        if (KvCachePrecision is { } kv && kv != NumericPrecision.Fp16 && kv != NumericPrecision.Fp8)
        {
            throw new ArgumentException($"The KV cache must be Fp16 or Fp8; got {kv}.", nameof(KvCachePrecision));
        }

        if (!Enum.IsDefined(Batching))
        {
            throw new ArgumentOutOfRangeException(nameof(Batching), Batching, "must be ChunkedPrefill or PrefillFirst.");
        }

        if (!Enum.IsDefined(Admission))
        {
            throw new ArgumentOutOfRangeException(nameof(Admission), Admission, "must be ReservePrompt or ReserveFullSequence.");
        }

        if (!Enum.IsDefined(Routing))
        {
            throw new ArgumentOutOfRangeException(nameof(Routing), Routing, "must be LeastOutstandingRequests, RoundRobin or SharedQueue.");
        }

        if (PrefillReplicas is { } prefill)
        {
            if (Replicas < 2)
            {
                throw new ArgumentException($"Disaggregated serving needs at least two replicas (one prefill, one decode); got {Replicas}.", nameof(Replicas));
            }

            if (prefill < 1 || prefill >= Replicas)
            {
                throw new ArgumentOutOfRangeException(nameof(PrefillReplicas), prefill, string.Create(CultureInfo.InvariantCulture, $"must be in [1, {Replicas - 1}] (the other replicas decode)."));
            }
        }

        if (KvTransferBytesPerSecond is { } transfer)
        {
            Guard.PositiveFinite(transfer, nameof(KvTransferBytesPerSecond));
        }

        if (InterconnectBytesPerSecond is { } interconnect)
        {
            Guard.PositiveFinite(interconnect, nameof(InterconnectBytesPerSecond));
        }

        Efficiency?.Validate();
        FrontBatcher?.Validate();
    }

    /// <summary>Describes the deployment in one line, e.g. <c>4 × (TP2 H100-SXM) fp8, batch ≤ 256, 2048-token budget</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        var shape = PipelineParallel > 1 ? $"TP{TensorParallel}·PP{PipelineParallel}" : $"TP{TensorParallel}";
        var replicas = PrefillReplicas is { } p
            ? string.Create(inv, $"{p} prefill + {Replicas - p} decode × ({shape} {Gpu})")
            : string.Create(inv, $"{Replicas} × ({shape} {Gpu})");
        var batcher = FrontBatcher is { } b ? $", front batcher: {b}" : string.Empty;
        return string.Create(inv, $"{Model.Name} on {replicas} {WeightPrecision.ToString().ToLowerInvariant()}, batch ≤ {MaxBatch}, {TokenBudget}-token budget{batcher}");
    }
}

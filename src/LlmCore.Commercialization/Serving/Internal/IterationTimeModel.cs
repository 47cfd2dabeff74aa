using LlmCore.Commercialization.Hardware;

namespace LlmCore.Commercialization.Serving.Internal;

/// <summary>
/// Times one iteration of a replica from the roofline of its operator classes, and sizes the replica's KV cache.
/// The formulas are documented on <see cref="ServingSimulator"/>.
/// </summary>
internal sealed class IterationTimeModel
{
    private const double ActivationBytes = 2.0;

    private readonly double _parameters;
    private readonly double _activeParameters;
    private readonly double _weightBytes;
    private readonly double _attentionWidth;
    private readonly int _layers;
    private readonly int _tensor;
    private readonly int _pipeline;
    private readonly double _flopsPerSecond;
    private readonly double _bytesPerSecond;
    private readonly double _linkBytesPerSecond;
    private readonly double _overlapLoss;
    private readonly double _collectiveLatency;
    private readonly double _overhead;
    private readonly double _streamingPerSequence;

    public IterationTimeModel(ServingDeployment deployment, GpuSpec gpu, ServingEfficiency efficiency)
    {
        var model = deployment.Model;
        _parameters = model.Parameters;
        _activeParameters = model.ParametersPerToken;
        _weightBytes = model.Parameters * deployment.WeightPrecision.BytesPerElement();
        _attentionWidth = (double)model.AttentionHeads * model.HeadDimension;
        _layers = model.Layers;
        _tensor = deployment.TensorParallel;
        _pipeline = deployment.PipelineParallel;
        _flopsPerSecond = gpu.PeakFlopsPerSecond(deployment.WeightPrecision) * efficiency.ComputeEfficiency;
        _bytesPerSecond = gpu.MemoryBandwidthBytesPerSecond * efficiency.MemoryBandwidthEfficiency;
        _linkBytesPerSecond = (deployment.InterconnectBytesPerSecond ?? gpu.InterconnectBytesPerSecond) / 2.0 * efficiency.InterconnectEfficiency;
        _overlapLoss = 1.0 - efficiency.ComputeMemoryOverlap;
        _collectiveLatency = efficiency.CollectiveLatencySeconds;
        _overhead = efficiency.IterationOverheadSeconds;
        _streamingPerSequence = deployment.StreamTokens ? efficiency.StreamingSecondsPerSequence : 0.0;

        // KV heads are split over tensor-parallel ranks; with more ranks than KV heads each rank keeps a copy of one head.
        var kvBytes = model.KvCacheBytesPerToken(deployment.EffectiveKvCachePrecision.BytesPerElement());
        var replication = model.KvLatentDimension is null && _tensor > model.KvHeads ? (double)_tensor / model.KvHeads : 1.0;
        KvBytesPerToken = kvBytes * replication;
        var gpus = (double)_tensor * _pipeline;
        WeightBytesPerGpu = _weightBytes / gpus;
        var free = (gpu.MemoryBytes * gpus) - _weightBytes;
        KvCapacityTokens = free <= 0 ? 0 : (long)Math.Floor(deployment.KvCacheMemoryFraction * free / KvBytesPerToken);
        KvCapacityBlocks = KvCapacityTokens / deployment.BlockSize;
    }

    /// <summary>Gets the KV-cache bytes of one token over the whole replica (with replication when t exceeds the KV heads).</summary>
    public double KvBytesPerToken { get; }

    /// <summary>Gets the weight bytes each GPU holds.</summary>
    public double WeightBytesPerGpu { get; }

    /// <summary>Gets the tokens the replica's KV cache holds (0 when the weights do not fit).</summary>
    public long KvCapacityTokens { get; }

    /// <summary>Gets the whole KV-cache blocks the replica holds.</summary>
    public long KvCapacityBlocks { get; }

    /// <summary>Times one iteration.</summary>
    /// <param name="load">What it processes.</param>
    /// <returns>Seconds.</returns>
    public double Seconds(in IterationLoad load)
    {
        if (load.Tokens == 0)
        {
            return 0.0;
        }

        // m micro-batches keep the p pipeline stages busy; one round of all stages advances every sequence by a token.
        var microBatches = (double)Math.Min(_pipeline, Math.Max(1, load.Sequences));
        var ranks = microBatches * _tensor;
        var tokensPerMicroBatch = load.Tokens / microBatches;

        var linearCompute = 2.0 * _activeParameters * load.Tokens / (ranks * _flopsPerSecond);
        var linearMemory = WeightBytesRead(tokensPerMicroBatch) / (_tensor * _bytesPerSecond);
        var attentionCompute = 4.0 * _layers * _attentionWidth * load.AttentionPairs / (ranks * _flopsPerSecond);
        var attentionMemory = KvBytesPerToken * load.KvTokens / (ranks * _bytesPerSecond);

        // Streaming: host work per running sequence (response callback, queue hand-off) on the serving loop's critical path.
        var seconds = Roofline(linearCompute, linearMemory) + Roofline(attentionCompute, attentionMemory) + _overhead
            + (_streamingPerSequence * load.Sequences);
        var message = tokensPerMicroBatch * _attentionWidth * ActivationBytes;
        if (_tensor > 1)
        {
            // Two ring all-reduces per layer (after attention and after the MLP), 2(t−1)/t of the message per rank.
            seconds += 2.0 * _layers * (_collectiveLatency + (2.0 * (_tensor - 1) / _tensor * message / _linkBytesPerSecond));
        }

        if (_pipeline > 1)
        {
            seconds += (_pipeline - 1) * (_collectiveLatency + (message / _linkBytesPerSecond));
        }

        return seconds;
    }

    private double Roofline(double compute, double memory) =>
        compute >= memory ? compute + (_overlapLoss * memory) : memory + (_overlapLoss * compute);

    private double WeightBytesRead(double tokens)
    {
        if (_activeParameters >= _parameters)
        {
            return _weightBytes;
        }

        // Mixture of experts: the expected share of expert weights that tokens touch (experts picked independently).
        return _weightBytes * (1.0 - Math.Pow(1.0 - (_activeParameters / _parameters), tokens));
    }
}

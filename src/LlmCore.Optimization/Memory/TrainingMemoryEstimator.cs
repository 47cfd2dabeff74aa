namespace LlmCore.Optimization.Memory;

/// <summary>The number format of weights and gradients during training.</summary>
public enum TrainingPrecision
{
    /// <summary>Weights, gradients and state in float32: 4 + 4 bytes per parameter plus the state.</summary>
    Float32,

    /// <summary>Mixed precision (fp16 or bf16 weights and gradients, 2 + 2 bytes) with fp32 master weights (4 bytes, counted with the optimizer state as ZeRO does).</summary>
    Mixed16,

    /// <summary>Pure bf16: weights, gradients and optimizer state in 2-byte floats, no master copy.</summary>
    BFloat16,
}

/// <summary>The ZeRO stage (Rajbhandari et al. 2020, "ZeRO: Memory Optimizations Toward Training Trillion Parameter Models").</summary>
/// <remarks>The suite's one <c>ZeroStage</c>: LlmCore.Commercialization, which does not reference this package, plans the same
/// stages (values 0–3) with its own <c>ZeroShardingStage</c>.</remarks>
public enum ZeroStage
{
    /// <summary>Plain data parallelism: every GPU holds everything.</summary>
    None = 0,

    /// <summary>Stage 1 (P_os): optimizer state (and master weights) sharded over the data-parallel degree.</summary>
    OptimizerState = 1,

    /// <summary>Stage 2 (P_os+g): gradients sharded too.</summary>
    Gradients = 2,

    /// <summary>Stage 3 (P_os+g+p): parameters sharded too.</summary>
    Parameters = 3,
}

/// <summary>A training-memory estimate for model states (weights, gradients, optimizer state; activations excluded).</summary>
/// <param name="Parameters">The parameter count Ψ.</param>
/// <param name="Optimizer">The optimizer's name.</param>
/// <param name="Precision">The precision.</param>
/// <param name="Stage">The ZeRO stage.</param>
/// <param name="DataParallelDegree">The data-parallel degree N.</param>
/// <param name="WeightBytesPerParameter">Bytes of working weights per parameter.</param>
/// <param name="GradientBytesPerParameter">Bytes of gradients per parameter.</param>
/// <param name="OptimizerStateBytesPerParameter">Bytes of optimizer state (K, including fp32 master weights in mixed precision) per parameter.</param>
/// <param name="BytesPerGpu">Model-state bytes on each GPU after ZeRO sharding.</param>
public sealed record TrainingMemoryEstimate(
    long Parameters,
    string Optimizer,
    TrainingPrecision Precision,
    ZeroStage Stage,
    int DataParallelDegree,
    double WeightBytesPerParameter,
    double GradientBytesPerParameter,
    double OptimizerStateBytesPerParameter,
    double BytesPerGpu)
{
    /// <summary>Gets the unsharded bytes per parameter (weights + gradients + state).</summary>
    public double TotalBytesPerParameter => WeightBytesPerParameter + GradientBytesPerParameter + OptimizerStateBytesPerParameter;
}

/// <summary>
/// Estimates the memory of model states during training: bytes per parameter for each LlmCore optimizer and precision,
/// and per-GPU bytes under ZeRO stages 1-3.
/// </summary>
/// <remarks>
/// With W, G and K the bytes per parameter of weights, gradients and optimizer state and N the data-parallel degree,
/// per-GPU memory is Ψ(W + G + K) without ZeRO, Ψ(W + G + K/N) at stage 1, Ψ(W + (G + K)/N) at stage 2 and
/// Ψ(W + G + K)/N at stage 3 (ZeRO paper, section 5). For Adam in mixed precision K = 12 (fp32 master, m, v), the
/// paper's 16Ψ. Optimizer state per parameter, in units of the state precision s (4 bytes, or 2 in pure bf16):
/// SGD (momentum), RMSprop, Adagrad, Lion, LARS, Muon 1·s; Adam, AdamW, Adamax, NAdam, RAdam, LAMB, Adadelta 2·s;
/// Adafactor ≈ 0 (m + n values per m×n matrix); 8-bit Adam/AdamW 2 + 8/256 bytes. Activations, buffers and
/// fragmentation are not included. The methods are pure and thread-safe.
/// </remarks>
public static class TrainingMemoryEstimator
{
    /// <summary>Returns the number of state values per parameter an optimizer keeps (in its state precision).</summary>
    /// <param name="optimizer">The optimizer's name as <see cref="Factories.IOptimizerFactory.Names"/>.</param>
    /// <returns>The count; 8-bit optimizers return their byte count.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The name is unknown.</exception>
    public static double StateValuesPerParameter(string optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        return optimizer.ToUpperInvariant() switch
        {
            "SGD" or "RMSPROP" or "ADAGRAD" or "LION" or "LARS" or "MUON" => 1,
            "ADAM" or "ADAMW" or "ADAMAX" or "NADAM" or "RADAM" or "LAMB" or "ADADELTA" => 2,
            "ADAFACTOR" => 0,
            "ADAM8BIT" or "ADAMW8BIT" => 2 + (8.0 / 256),
            _ => throw new ArgumentException($"Unknown optimizer '{optimizer}'.", nameof(optimizer)),
        };
    }

    /// <summary>Estimates model-state memory for a training run.</summary>
    /// <param name="parameters">The parameter count Ψ, ≥ 1.</param>
    /// <param name="optimizer">The optimizer's name.</param>
    /// <param name="precision">The precision.</param>
    /// <param name="stage">The ZeRO stage; default none.</param>
    /// <param name="dataParallelDegree">The data-parallel degree N, ≥ 1; default 1.</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The optimizer is unknown.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1, or an enum value is undefined.</exception>
    public static TrainingMemoryEstimate Estimate(long parameters, string optimizer, TrainingPrecision precision, ZeroStage stage = ZeroStage.None, int dataParallelDegree = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dataParallelDegree);
        if (!Enum.IsDefined(precision))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "Unknown precision.");
        }

        if (!Enum.IsDefined(stage))
        {
            throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown ZeRO stage.");
        }

        var values = StateValuesPerParameter(optimizer);
        var eightBit = optimizer.EndsWith("8bit", StringComparison.OrdinalIgnoreCase);
        var (w, g, k) = precision switch
        {
            TrainingPrecision.Float32 => (4.0, 4.0, eightBit ? values : 4 * values),
            TrainingPrecision.Mixed16 => (2.0, 2.0, 4 + (eightBit ? values : 4 * values)),
            _ => (2.0, 2.0, eightBit ? values : 2 * values),
        };

        double n = dataParallelDegree;
        var perParameter = stage switch
        {
            ZeroStage.None => w + g + k,
            ZeroStage.OptimizerState => w + g + (k / n),
            ZeroStage.Gradients => w + ((g + k) / n),
            _ => (w + g + k) / n,
        };

        return new TrainingMemoryEstimate(parameters, optimizer, precision, stage, dataParallelDegree, w, g, k, perParameter * parameters);
    }
}

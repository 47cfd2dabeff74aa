using System.Numerics;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Layers.Sequence;

/// <summary>What a backward pass produces for the parameters of the sequence layers.</summary>
internal enum GradientPass
{
    /// <summary>Adds scale·Σᵢ ∇ℓᵢ to every trainable parameter's gradient.</summary>
    Batch,

    /// <summary>Writes every trainable parameter's per-example gradient ∇ℓᵢ into a <see cref="PerExampleGradients{T}"/> (and, optionally, the batch gradient).</summary>
    PerExample,

    /// <summary>
    /// Adds each example's squared gradient norm over the trainable parameters to <see cref="BackwardContext{T}.SquaredNorms"/>
    /// and adds no gradient: the layers keep their inputs and output gradients so that
    /// <see cref="SequenceLayer{T}.ApplyWeights"/> can form Σᵢ wᵢ∇ℓᵢ afterwards (book-keeping, Bu et al. 2023).
    /// </summary>
    Norms,
}

/// <summary>
/// The state of one backward pass through sequence layers: which <see cref="GradientPass"/>, the batch-gradient
/// scale, the per-example buffer, the per-example squared norms, and shared scratch memory.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// One context serves one model; its buffers grow to the largest batch seen and are then reused, so steady-state
/// passes allocate nothing. Not thread-safe.
/// </remarks>
internal sealed class BackwardContext<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T[][] _buffers = [[], [], [], []];
    private double[] _squaredNorms = [];
    private double[] _exampleValues = [];

    /// <summary>Gets the kind of pass.</summary>
    public GradientPass Pass { get; private set; }

    /// <summary>Gets the factor of the batch gradient (batch and per-example passes).</summary>
    public T Scale { get; private set; }

    /// <summary>Gets a value indicating whether a per-example pass also adds the batch gradient.</summary>
    public bool AccumulateBatch { get; private set; }

    /// <summary>Gets the per-example buffer of a per-example pass.</summary>
    public PerExampleGradients<T>? PerExample { get; private set; }

    /// <summary>Gets the clipping mode of a norms pass (<see cref="ClippingMode.Ghost"/> or <see cref="ClippingMode.Automatic"/>).</summary>
    public ClippingMode Clipping { get; private set; }

    /// <summary>Gets the number of examples (sequences) of the pass.</summary>
    public int Batch { get; private set; }

    /// <summary>Gets the per-example squared norms accumulated by a norms pass.</summary>
    public Span<double> SquaredNorms => _squaredNorms.AsSpan(0, Batch);

    /// <summary>Gets a value indicating whether the pass adds scale·Σᵢ∇ℓᵢ to parameter gradients.</summary>
    public bool AddsBatchGradient => Pass == GradientPass.Batch || (Pass == GradientPass.PerExample && AccumulateBatch);

    /// <summary>Starts a batch-gradient pass.</summary>
    public void BeginBatch(int batch, T scale)
    {
        Pass = GradientPass.Batch;
        Batch = batch;
        Scale = scale;
        PerExample = null;
    }

    /// <summary>Starts a per-example pass.</summary>
    public void BeginPerExample(int batch, T scale, PerExampleGradients<T> perExample, bool accumulateBatch)
    {
        Pass = GradientPass.PerExample;
        Batch = batch;
        Scale = scale;
        PerExample = perExample;
        AccumulateBatch = accumulateBatch;
    }

    /// <summary>Starts a norms pass with zeroed squared norms.</summary>
    public void BeginNorms(int batch, ClippingMode clipping)
    {
        Pass = GradientPass.Norms;
        Batch = batch;
        Clipping = clipping;
        PerExample = null;
        if (_squaredNorms.Length < batch)
        {
            _squaredNorms = new double[batch];
        }

        _squaredNorms.AsSpan(0, batch).Clear();
    }

    /// <summary>Gets the per-example block of a trainable parameter (per-example pass).</summary>
    public Span<T> Block(Parameter<T> parameter) => PerExample!.BlockFor(parameter);

    /// <summary>Gets transient scratch memory of at least <paramref name="length"/> values (contents undefined).</summary>
    public Span<T> Scratch(int length) => Buffer(ScratchSlot.General, length).AsSpan(0, length);

    /// <summary>Gets a transient scratch array for one use (contents undefined); arrays of different slots are distinct.</summary>
    public T[] Buffer(ScratchSlot slot, int length)
    {
        ref var buffer = ref _buffers[(int)slot];
        if (buffer.Length < length)
        {
            buffer = new T[length];
        }

        return buffer;
    }

    /// <summary>Gets one double per example, for per-example results of parallel work (contents undefined).</summary>
    public double[] ExampleValues(int batch)
    {
        if (_exampleValues.Length < batch)
        {
            _exampleValues = new double[batch];
        }

        return _exampleValues;
    }
}

/// <summary>The distinct transient buffers a <see cref="BackwardContext{T}"/> hands out.</summary>
internal enum ScratchSlot
{
    /// <summary>General scratch of one call.</summary>
    General,

    /// <summary>Per-worker scratch of parallel per-example norms.</summary>
    Workers,

    /// <summary>The attention-score gradients of one layer.</summary>
    Attention,

    /// <summary>The row-scaled copy of a book-keeping product's operand.</summary>
    Scaled,
}

/// <summary>The flags of one forward pass: training (dropout on) and the dropout stream's coordinates.</summary>
/// <param name="Training">Whether dropout is applied.</param>
/// <param name="Seed">The model's dropout seed.</param>
/// <param name="Counter">The training-forward counter (one value per training forward pass of the model).</param>
internal readonly record struct ForwardPass(bool Training, ulong Seed, long Counter)
{
    /// <summary>Gets an inference pass (no dropout).</summary>
    public static ForwardPass Inference => new(false, 0, 0);
}

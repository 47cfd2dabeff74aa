using System.Numerics;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Layers.Sequence;

/// <summary>
/// A differentiable map over a batch of sequences, the sibling of <see cref="ILayer{T}"/> for (B, T, C) data:
/// B sequences of T positions of <see cref="InputWidth"/> values each, row-major (position t of sequence b at row
/// b·T + t), to rows of <see cref="OutputWidth"/> values.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// Why a sibling rather than <see cref="ILayer{T}"/>: an <see cref="ILayer{T}"/> keeps no per-call state and is
/// handed its activations back by the caller, which suits a stack of dense layers; attention, normalisation and
/// book-keeping need many intermediate tensors (probabilities, normalised inputs, retained output gradients).
/// A sequence layer therefore owns its output and input-gradient buffers and remembers the input array of the last
/// forward pass; buffers grow to the largest batch seen and are reused, so steady-state passes allocate nothing.
/// </para>
/// <para>
/// Per-example quantities are per sequence. A backward pass (<see cref="BackwardContext{T}"/>) either adds the batch
/// gradient, writes per-example gradients, or adds per-example squared gradient norms and keeps what
/// <see cref="ApplyWeights"/> needs to add Σᵢ wᵢ∇ℓᵢ afterwards without a second backward pass (Bu, Wang, Zha,
/// Karypis 2023, "book-keeping"). Frozen parameters get no gradient and no norm.
/// </para>
/// <para>Not thread-safe: one model drives its layers from one thread.</para>
/// </remarks>
internal abstract class SequenceLayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private T[] _input = [];
    private T[] _output = [];
    private T[] _inputGradient = [];
    private T[] _outputGradient = [];

    /// <summary>Initializes a new instance of the <see cref="SequenceLayer{T}"/> class.</summary>
    /// <param name="inputWidth">Values per input position, ≥ 1.</param>
    /// <param name="outputWidth">Values per output position, ≥ 1.</param>
    protected SequenceLayer(int inputWidth, int outputWidth)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputWidth, 1);
        InputWidth = inputWidth;
        OutputWidth = outputWidth;
    }

    /// <summary>Gets the number of values per input position.</summary>
    public int InputWidth { get; }

    /// <summary>Gets the number of values per output position.</summary>
    public int OutputWidth { get; }

    /// <summary>Gets every parameter of the layer and its sub-layers (trainable and frozen).</summary>
    public abstract IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>Gets the number of sequences of the last forward pass.</summary>
    public int Batch { get; private set; }

    /// <summary>Gets the number of input positions per sequence of the last forward pass.</summary>
    public int Length { get; private set; }

    /// <summary>Gets the number of output positions per sequence of the last forward pass.</summary>
    public int OutputLength => OutputLengthFor(Length);

    /// <summary>Gets the output of the last forward pass (its first Batch·OutputLength·OutputWidth values).</summary>
    public T[] Output => _output;

    /// <summary>Gets the input gradient of the last backward pass (valid when <see cref="NeedsInputGradient"/>).</summary>
    public T[] InputGradient => _inputGradient;

    /// <summary>Gets a value indicating whether the last <see cref="PlanBackward"/> asked for the input gradient.</summary>
    public bool NeedsInputGradient { get; private set; } = true;

    /// <summary>Gets a value indicating whether the layer (or a sub-layer) has a trainable parameter, as of the last <see cref="PlanBackward"/>.</summary>
    public bool HasTrainable { get; private set; }

    /// <summary>Gets the input array of the last forward pass.</summary>
    public T[] Input => _input;

    /// <summary>Gets the output gradient of the last backward pass (what book-keeping keeps).</summary>
    protected T[] LastOutputGradient => _outputGradient;

    /// <summary>Gets the number of input rows (Batch·Length) of the last forward pass.</summary>
    protected int Rows => Batch * Length;

    /// <summary>Runs the forward pass and remembers <paramref name="input"/> (which must stay unchanged until the backward pass is done).</summary>
    /// <param name="input">Batch·Length·InputWidth values (the array may be longer).</param>
    /// <param name="batch">The number of sequences, ≥ 0.</param>
    /// <param name="length">The positions per sequence, ≥ 1.</param>
    /// <param name="pass">Training or inference.</param>
    public void Forward(T[] input, int batch, int length, in ForwardPass pass)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var need = (long)batch * length * InputWidth;
        if (input.Length < need)
        {
            throw new ArgumentException($"Expected at least {batch}×{length}×{InputWidth} = {need} input values; got {input.Length}.", nameof(input));
        }

        _input = input;
        Batch = batch;
        Length = length;
        ForwardCore(input, pass);
    }

    /// <summary>
    /// Decides, before a backward pass, whether this layer must produce its input gradient (something below it is
    /// trainable) and records whether it has trainable parameters. Composite layers pass the decision on.
    /// </summary>
    /// <param name="needInputGradient">Whether the layer below needs this layer's input gradient.</param>
    public void PlanBackward(bool needInputGradient)
    {
        NeedsInputGradient = needInputGradient;
        HasTrainable = PlanChildren(needInputGradient);
    }

    /// <summary>Runs the backward pass for the output gradient of the last forward pass.</summary>
    /// <param name="outputGradient">∂ℓᵢ/∂output, Batch·OutputLength·OutputWidth values; kept until <see cref="ApplyWeights"/> in a norms pass.</param>
    /// <param name="context">The pass.</param>
    public void Backward(T[] outputGradient, BackwardContext<T> context)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (!NeedsInputGradient && !HasTrainable)
        {
            return;
        }

        _outputGradient = outputGradient;
        BackwardCore(outputGradient, context);
    }

    /// <summary>After a norms pass, adds Σᵢ wᵢ∇ℓᵢ to the gradient of every trainable parameter.</summary>
    /// <param name="weights">One weight per sequence.</param>
    /// <param name="context">The context of the norms pass.</param>
    public virtual void ApplyWeights(ReadOnlySpan<T> weights, BackwardContext<T> context)
    {
    }

    /// <summary>Lists every trainable parameter of the layer with the way a norms pass obtains its norm.</summary>
    /// <param name="mode">The clipping mode.</param>
    /// <param name="length">The positions per sequence the layer sees.</param>
    /// <param name="destination">Receives the entries.</param>
    public virtual void DescribeNorms(ClippingMode mode, int length, List<ParameterClipping> destination)
    {
    }

    /// <summary>Gets the number of output positions per sequence for <paramref name="length"/> input positions.</summary>
    /// <param name="length">The input positions.</param>
    /// <returns>The output positions (the same, except for pooling).</returns>
    public virtual int OutputLengthFor(int length) => length;

    /// <summary>Gets a value indicating whether a parameter takes part in the pass (present and trainable).</summary>
    protected static bool IsTrainable(Parameter<T>? parameter) => parameter is { RequiresGrad: true };

    /// <summary>Grows a buffer to at least <paramref name="length"/> values.</summary>
    protected static T[] Ensure(ref T[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new T[length];
        }

        return buffer;
    }

    /// <summary>Gets the output buffer, grown to hold the current batch.</summary>
    protected T[] EnsureOutput() => Ensure(ref _output, Batch * OutputLength * OutputWidth);

    /// <summary>Makes the output the given array (a pass-through layer).</summary>
    protected void AliasOutput(T[] output) => _output = output;

    /// <summary>Gets the input-gradient buffer, grown to hold the current batch.</summary>
    protected T[] EnsureInputGradient() => Ensure(ref _inputGradient, Rows * InputWidth);

    /// <summary>Makes the input gradient the given array (a layer whose input gradient equals its output gradient).</summary>
    protected void AliasInputGradient(T[] inputGradient) => _inputGradient = inputGradient;

    /// <summary>Plans the sub-layers and reports whether this layer or one below it in the layer is trainable.</summary>
    /// <param name="needInputGradient">Whether this layer's input gradient is needed.</param>
    /// <returns>Whether the layer has a trainable parameter.</returns>
    protected virtual bool PlanChildren(bool needInputGradient)
    {
        var parameters = Parameters;
        for (var i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].RequiresGrad)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Computes the output from <see cref="Input"/>.</summary>
    protected abstract void ForwardCore(T[] input, in ForwardPass pass);

    /// <summary>Back-propagates (only called when the layer has something to do).</summary>
    protected abstract void BackwardCore(T[] outputGradient, BackwardContext<T> context);
}

using System.Numerics;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Layers.Sequence;

/// <summary>
/// A dense projection applied at every position, y = x·Wᵀ + b (W of shape [p, d]), optionally with a LoRA adapter
/// y += (α/r)·(x·Aᵀ)·Bᵀ (Hu et al. 2022, "LoRA: Low-Rank Adaptation of Large Language Models").
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// The adapter's A (r×d) starts Kaiming-uniform as in PEFT (U(−1/√d, 1/√d), i.e. <c>kaiming_uniform_(a=√5)</c>) and
/// B (p×r) at zero, so the adapted layer starts equal to the base layer; attaching an adapter freezes W and b.
/// Frozen weights cost no weight-gradient product; the input gradient is formed only when something below is
/// trainable. A weight shared with another layer (the tied token embedding of a GPT) is marked
/// <see cref="WeightNormsHandledByModel"/>: in a norms pass the model forms that parameter's norm from both uses.
/// </para>
/// <para>Not thread-safe.</para>
/// </remarks>
internal sealed class LinearLayer<T> : SequenceLayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private Parameter<T>[] _parameters;
    private T[] _hidden = [];
    private T[] _hiddenGradient = [];
    private T _loraScale;

    /// <summary>Initializes a new instance of the <see cref="LinearLayer{T}"/> class over given parameters.</summary>
    /// <param name="name">The layer's name, the prefix of its adapter's parameter names.</param>
    /// <param name="weight">W, shape [p, d].</param>
    /// <param name="bias">b, length p, or <see langword="null"/>.</param>
    public LinearLayer(string name, Parameter<T> weight, Parameter<T>? bias)
        : base(CheckWeight(weight).Shape[1], weight.Shape[0])
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (bias is not null && bias.Length != weight.Shape[0])
        {
            throw new ArgumentException($"The bias has {bias.Length} values but the weight has {weight.Shape[0]} outputs.", nameof(bias));
        }

        Name = name;
        Weight = weight;
        Bias = bias;
        _parameters = bias is null ? [weight] : [weight, bias];
    }

    /// <summary>Gets the layer's name.</summary>
    public string Name { get; }

    /// <summary>Gets W, shape [outputs, inputs].</summary>
    public Parameter<T> Weight { get; }

    /// <summary>Gets b, or <see langword="null"/>.</summary>
    public Parameter<T>? Bias { get; }

    /// <summary>Gets the adapter's A (r×d), or <see langword="null"/> without an adapter.</summary>
    public Parameter<T>? LoraA { get; private set; }

    /// <summary>Gets the adapter's B (p×r), or <see langword="null"/> without an adapter.</summary>
    public Parameter<T>? LoraB { get; private set; }

    /// <summary>Gets the adapter's rank r (0 without an adapter).</summary>
    public int LoraRank { get; private set; }

    /// <summary>Gets or sets a value indicating whether a norms pass leaves <see cref="Weight"/> to the model (a shared weight).</summary>
    public bool WeightNormsHandledByModel { get; set; }

    /// <inheritdoc />
    public override IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <summary>Attaches a LoRA adapter and freezes the base weight and bias.</summary>
    /// <param name="rank">r ≥ 1.</param>
    /// <param name="alpha">α &gt; 0; the adapter's output is scaled by α/r.</param>
    /// <param name="random">The source of A's Kaiming-uniform draw.</param>
    public void AttachLora(int rank, double alpha, Random random)
    {
        if (LoraA is not null)
        {
            throw new InvalidOperationException($"Layer '{Name}' already has a LoRA adapter.");
        }

        var d = InputWidth;
        var p = OutputWidth;
        var a = new T[checked(rank * d)];
        var bound = 1.0 / Math.Sqrt(d);
        for (var i = 0; i < a.Length; i++)
        {
            a[i] = T.CreateTruncating(((2 * random.NextDouble()) - 1) * bound);
        }

        AddLora(new Parameter<T>(Name + ".lora_A", a, rank, d), Parameter<T>.Zeros(Name + ".lora_B", p, rank), alpha);
    }

    /// <summary>Attaches given adapter parameters (loading a model file) and freezes the base weight and bias.</summary>
    public void AddLora(Parameter<T> a, Parameter<T> b, double alpha)
    {
        var rank = a.Shape[0];
        _loraScale = T.CreateTruncating(alpha / rank);
        LoraA = a;
        LoraB = b;
        LoraRank = rank;
        Weight.RequiresGrad = false;
        if (Bias is not null)
        {
            Bias.RequiresGrad = false;
        }

        _parameters = [.. _parameters, a, b];
    }

    /// <inheritdoc />
    protected override void ForwardCore(T[] input, in ForwardPass pass)
    {
        var rows = Rows;
        var d = InputWidth;
        var p = OutputWidth;
        var y = EnsureOutput();
        DenseKernels.Forward<T>(input.AsSpan(0, rows * d), rows, d, p, Weight.Values, Bias is null ? default : Bias.Values, T.One, y, accumulate: false);
        if (LoraA is not null)
        {
            var r = LoraRank;
            var u = Ensure(ref _hidden, rows * r);
            DenseKernels.Forward<T>(input.AsSpan(0, rows * d), rows, d, r, LoraA.Values, default, T.One, u, accumulate: false);
            DenseKernels.Forward<T>(u.AsSpan(0, rows * r), rows, r, p, LoraB!.Values, default, _loraScale, y, accumulate: true);
        }
    }

    /// <inheritdoc />
    protected override void BackwardCore(T[] outputGradient, BackwardContext<T> context)
    {
        var rows = Rows;
        var d = InputWidth;
        var p = OutputWidth;
        var x = Input;
        var lora = LoraA is not null && (LoraA.RequiresGrad || LoraB!.RequiresGrad || NeedsInputGradient);
        if (lora)
        {
            var r = LoraRank;
            DenseKernels.Backward(context, _hidden, outputGradient, Batch, Length, r, p, _loraScale, LoraB, null);
            if (LoraA!.RequiresGrad || NeedsInputGradient)
            {
                var du = Ensure(ref _hiddenGradient, rows * r);
                DenseKernels.InputGradient<T>(outputGradient.AsSpan(0, rows * p), rows, r, p, LoraB!.Values, _loraScale, du, accumulate: false);
                DenseKernels.Backward(context, x, du, Batch, Length, d, r, T.One, LoraA, null);
            }
        }

        var weight = WeightNormsHandledByModel && context.Pass == GradientPass.Norms ? null : Weight;
        DenseKernels.Backward(context, x, outputGradient, Batch, Length, d, p, T.One, weight, Bias);
        if (NeedsInputGradient)
        {
            var dx = EnsureInputGradient();
            DenseKernels.InputGradient<T>(outputGradient.AsSpan(0, rows * p), rows, d, p, Weight.Values, T.One, dx, accumulate: false);
            if (lora)
            {
                DenseKernels.InputGradient<T>(_hiddenGradient.AsSpan(0, rows * LoraRank), rows, d, LoraRank, LoraA!.Values, T.One, dx, accumulate: true);
            }
        }
    }

    /// <inheritdoc />
    public override void ApplyWeights(ReadOnlySpan<T> weights, BackwardContext<T> context)
    {
        var d = InputWidth;
        var p = OutputWidth;
        if (LoraA is not null)
        {
            var r = LoraRank;
            DenseKernels.ApplyWeights(weights, context, _hidden, LastOutputGradient, Batch, Length, r, p, _loraScale, LoraB, null);
            DenseKernels.ApplyWeights(weights, context, Input, _hiddenGradient, Batch, Length, d, r, T.One, LoraA, null);
        }

        DenseKernels.ApplyWeights(weights, context, Input, LastOutputGradient, Batch, Length, d, p, T.One, WeightNormsHandledByModel ? null : Weight, Bias);
    }

    /// <inheritdoc />
    public override void DescribeNorms(ClippingMode mode, int length, List<ParameterClipping> destination)
    {
        DenseKernels.Describe(mode, length, InputWidth, OutputWidth, WeightNormsHandledByModel ? null : Weight, Bias, destination);
        if (LoraA is not null)
        {
            DenseKernels.Describe<T>(mode, length, InputWidth, LoraRank, LoraA, null, destination);
            DenseKernels.Describe<T>(mode, length, LoraRank, OutputWidth, LoraB, null, destination);
        }
    }

    private static Parameter<T> CheckWeight(Parameter<T> weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Shape.Length != 2 || weight.Length == 0)
        {
            throw new ArgumentException($"Expected a weight of shape [outputs, inputs]; got {weight}.", nameof(weight));
        }

        return weight;
    }
}

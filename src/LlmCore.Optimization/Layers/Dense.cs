using System.Numerics;
using LlmCore.Optimization.Layers.Sequence;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Layers;

/// <summary>
/// A fully connected layer y = x·Wᵀ + b, with W of shape [outputs, inputs] as in <c>torch.nn.Linear</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// Backward: ∂ℓ/∂x = δ·W, ∂ℓ/∂W = Σᵢ δᵢ xᵢᵀ, ∂ℓ/∂b = Σᵢ δᵢ. Per-example gradients are the outer products δᵢ xᵢᵀ
/// and δᵢ, formed in the same backward pass (Goodfellow 2015, arXiv:1510.01799). The batch products X·Wᵀ, δ·W and
/// δᵀ·X run through the library's one matrix-product kernel. For DP-SGD inside a <see cref="Sequential{T}"/>, the
/// per-example gradient norm of the layer is ‖δᵢ‖²(‖xᵢ‖² + 1) (ghost clipping at one position) and the clipped
/// sum is δᵀ·diag(w)·X, so no per-example gradient is formed.
/// </para>
/// <para>This type is not thread-safe while its parameters are updated.</para>
/// </remarks>
public sealed class Dense<T> : ILayer<T>, IBookkeepingLayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Initializes a new instance of the <see cref="Dense{T}"/> class with seeded random weights.</summary>
    /// <param name="inputSize">The number of inputs n_in, ≥ 1.</param>
    /// <param name="outputSize">The number of outputs n_out, ≥ 1.</param>
    /// <param name="seed">The seed of the weight draw; the same seed gives the same weights.</param>
    /// <param name="initialization">How the weights are drawn.</param>
    /// <param name="name">The prefix of the parameter names (<c>{name}.weight</c>, <c>{name}.bias</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1, or the initialization is unknown.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public Dense(int inputSize, int outputSize, int seed, WeightInitialization initialization = WeightInitialization.GlorotUniform, string name = "dense")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        InputSize = inputSize;
        OutputSize = outputSize;
        var weights = new T[checked(inputSize * outputSize)];
        var random = new Random(seed);
        switch (initialization)
        {
            case WeightInitialization.GlorotUniform:
                FillUniform(weights, Math.Sqrt(6.0 / (inputSize + outputSize)), random);
                break;
            case WeightInitialization.GlorotNormal:
                FillNormal(weights, Math.Sqrt(2.0 / (inputSize + outputSize)), random);
                break;
            case WeightInitialization.HeUniform:
                FillUniform(weights, Math.Sqrt(6.0 / inputSize), random);
                break;
            case WeightInitialization.HeNormal:
                FillNormal(weights, Math.Sqrt(2.0 / inputSize), random);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(initialization), initialization, "Unknown weight initialization.");
        }

        Weight = new Parameter<T>(name + ".weight", weights, outputSize, inputSize);
        Bias = Parameter<T>.Zeros(name + ".bias", outputSize);
        Parameters = [Weight, Bias];
    }

    /// <summary>Initializes a new instance of the <see cref="Dense{T}"/> class over given parameters.</summary>
    /// <param name="weight">The weights, shape [outputs, inputs].</param>
    /// <param name="bias">The biases, shape [outputs].</param>
    /// <exception cref="ArgumentNullException">A parameter is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The shapes do not fit together.</exception>
    public Dense(Parameter<T> weight, Parameter<T> bias)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(bias);
        if (weight.Shape.Length != 2 || bias.Length != weight.Shape[0] || weight.Length == 0)
        {
            throw new ArgumentException($"Expected a weight of shape [outputs, inputs] and a bias of length outputs; got {weight} and {bias}.", nameof(bias));
        }

        OutputSize = weight.Shape[0];
        InputSize = weight.Shape[1];
        Weight = weight;
        Bias = bias;
        Parameters = [Weight, Bias];
    }

    /// <inheritdoc />
    public int InputSize { get; }

    /// <inheritdoc />
    public int OutputSize { get; }

    /// <summary>Gets the weights W, shape [outputs, inputs].</summary>
    public Parameter<T> Weight { get; }

    /// <summary>Gets the biases b, shape [outputs].</summary>
    public Parameter<T> Bias { get; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <inheritdoc />
    public void Forward(ReadOnlySpan<T> input, Span<T> output, int batchSize)
    {
        LayerGuards.CheckForward(input.Length, output.Length, batchSize, InputSize, OutputSize);
        DenseKernels.Forward<T>(input, batchSize, InputSize, OutputSize, Weight.Values, Bias.Values, T.One, output, accumulate: false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// A frozen parameter (<see cref="Parameter{T}.RequiresGrad"/> false) receives no gradient, and a frozen weight
    /// costs no weight-gradient product; per-example gradients are written for every parameter the buffer tracks.
    /// </remarks>
    public void Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> output, ReadOnlySpan<T> outputGradient, Span<T> inputGradient, int batchSize, T scale, PerExampleGradients<T>? perExample)
    {
        LayerGuards.CheckBackward(input.Length, output.Length, outputGradient.Length, inputGradient.Length, batchSize, InputSize, OutputSize);
        if (!inputGradient.IsEmpty)
        {
            DenseKernels.InputGradient<T>(outputGradient, batchSize, InputSize, OutputSize, Weight.Values, T.One, inputGradient, accumulate: false);
        }

        DenseKernels.AddBatchGradient(input, outputGradient, batchSize, InputSize, OutputSize, scale, DenseKernels.GradientOf(Weight), DenseKernels.GradientOf(Bias));
        if (perExample is not null)
        {
            DenseKernels.WritePerExample(input, outputGradient, batchSize, 1, InputSize, OutputSize, T.One, perExample.TryBlockFor(Weight), perExample.TryBlockFor(Bias));
        }
    }

    /// <inheritdoc />
    void IBookkeepingLayer<T>.BackwardInput(ReadOnlySpan<T> outputGradient, Span<T> inputGradient, int batchSize)
    {
        if (!inputGradient.IsEmpty)
        {
            DenseKernels.InputGradient<T>(outputGradient, batchSize, InputSize, OutputSize, Weight.Values, T.One, inputGradient, accumulate: false);
        }
    }

    /// <inheritdoc />
    void IBookkeepingLayer<T>.AddSquaredNorms(ReadOnlySpan<T> input, ReadOnlySpan<T> outputGradient, int batchSize, BackwardContext<T> context) =>
        DenseKernels.AddSquaredNorms(input, outputGradient, batchSize, 1, InputSize, OutputSize, T.One, Weight.RequiresGrad, Bias.RequiresGrad, DenseKernels.UseGhost(context.Clipping, 1, InputSize, OutputSize), context.SquaredNorms, context);

    /// <inheritdoc />
    void IBookkeepingLayer<T>.AddWeighted(ReadOnlySpan<T> weights, ReadOnlySpan<T> input, ReadOnlySpan<T> outputGradient, int batchSize, BackwardContext<T> context) =>
        DenseKernels.AddWeighted(weights, input, outputGradient, batchSize, 1, InputSize, OutputSize, T.One, DenseKernels.GradientOf(Weight), DenseKernels.GradientOf(Bias), context);

    /// <inheritdoc />
    void IBookkeepingLayer<T>.DescribeNorms(ClippingMode mode, List<ParameterClipping> destination) =>
        DenseKernels.Describe(mode, 1, InputSize, OutputSize, Weight, Bias, destination);

    private static void FillUniform(T[] destination, double limit, Random random)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = T.CreateChecked(((2 * random.NextDouble()) - 1) * limit);
        }
    }

    private static void FillNormal(T[] destination, double standardDeviation, Random random)
    {
        var normal = new MathNet.Numerics.Distributions.Normal(0, standardDeviation, random);
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = T.CreateChecked(normal.Sample());
        }
    }
}

using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Tests.Layers.Sequence;

namespace LlmCore.Optimization.Tests.Layers;

/// <summary>
/// <see cref="Sequential{T}"/>, <see cref="Dense{T}"/> and <see cref="PerExampleGradients{T}"/>: a two-layer network
/// worked by hand (forward, MSE gradients of the mean loss, per-example gradients), clipped sums against the
/// Opacus-style definition (each example's gradient from a batch of that example alone, wᵢ = min(1, C/‖gᵢ‖),
/// Σ wᵢgᵢ; Abadi et al. 2016) on every clipping path and as the batch grows, the clipping plan, and every argument
/// check with the parameter it names.
/// </summary>
/// <remarks>
/// Hand network: a = Dense(W = [[1, −1], [2, 0], [0, 1]], b = [0, −3, 0.5]), ReLU, c = Dense(W = [[1, 1, −2]], b = [0.25]).
/// x = [1, 2]: z = [−1, −1, 2.5], h = [0, 0, 2.5], ŷ = −5 + 0.25 = −4.75. x = [3, 1]: z = h = [2, 3, 1.5],
/// ŷ = 2 + 3 − 3 + 0.25 = 2.25. x = [0, 0]: z = [0, −3, 0.5], h = [0, 0, 0.5], ŷ = −0.75.
/// </remarks>
public class LayersMutationGapTests2
{
    [Fact]
    public void Predict_ByHand_AcrossGrowingAndShrinkingBatches()
    {
        var model = HandModel();
        Assert.Equal(2, model.InputSize);
        Assert.Equal(1, model.OutputSize);
        Assert.Equal(["a.weight", "a.bias", "c.weight", "c.bias"], model.Parameters.Select(p => p.Name));
        var one = new double[1];
        model.Predict([1.0, 2], one, 1);
        Assert.Equal(-4.75, one[0]);
        var three = new double[3];
        model.Predict([1.0, 2, 3, 1, 0, 0], three, 3);
        Assert.Equal([-4.75, 2.25, -0.75], three);
        var two = new double[2];
        model.Predict([3.0, 1, 0, 0], two, 2);
        Assert.Equal([2.25, -0.75], two);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => model.Predict(new double[3], new double[1], 1)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => model.Predict(new double[2], new double[2], 1)).ParamName);
    }

    [Fact]
    public void ComputeGradients_ByHand_MeanLossGradientAndPerExampleGradients()
    {
        // MSE (torch.nn.MSELoss): targets [−5, 2] give residuals 0.25 and 0.25, ℓᵢ = 0.0625, ∂ℓᵢ/∂ŷ = 0.5.
        // c: ∂ℓ/∂b = mean(0.5) = 0.5, ∂ℓ/∂W = mean(0.5·hᵢ) = 0.5·([0, 0, 2.5] + [2, 3, 1.5])/2 = [0.5, 0.75, 1].
        // a: δᵢ = 0.5·W_c ⊙ 1[zᵢ > 0] = [0, 0, −1] and [0.5, 0.5, −1]; ∂ℓ/∂b = mean δ = [0.25, 0.25, −1];
        // ∂ℓ/∂W = mean δᵢxᵢᵀ = ([[0, 0], [0, 0], [−1, −2]] + [[1.5, 0.5], [1.5, 0.5], [−3, −1]])/2.
        var model = HandModel();
        var perExample = model.CreatePerExampleGradients(2);
        model.ZeroGrad();
        var loss = model.ComputeGradients([1.0, 2, 3, 1], [-5.0, 2], 2, new MeanSquaredError<double>(), perExample);
        Assert.Equal(0.0625, loss, 1e-15);
        Assert.Equal([0.75, 0.25, 0.75, 0.25, -2, -1.5], model.Parameters[0].Gradient.ToArray());
        Assert.Equal([0.25, 0.25, -1], model.Parameters[1].Gradient.ToArray());
        Assert.Equal([0.5, 0.75, 1], model.Parameters[2].Gradient.ToArray());
        Assert.Equal([0.5], model.Parameters[3].Gradient.ToArray());
        Assert.Equal([0.0, 0, 0, 0, -1, -2], perExample.Get(0, 0).ToArray());
        Assert.Equal([1.5, 0.5, 1.5, 0.5, -3, -1], perExample.Get(0, 1).ToArray());
        Assert.Equal([0.0, 0, -1], perExample.Get(1, 0).ToArray());
        Assert.Equal([0.0, 0, 1.25], perExample.Get(2, 0).ToArray());
        Assert.Equal([0.5], perExample.Get(3, 1).ToArray());

        // A second call adds (PyTorch's accumulation); an explicit scale replaces 1/B.
        model.ComputeGradients([1.0, 2, 3, 1], [-5.0, 2], 2, new MeanSquaredError<double>());
        Assert.Equal([1.0], model.Parameters[3].Gradient.ToArray());
        model.ZeroGrad();
        Assert.All(model.Parameters, p => Assert.All(p.Gradient.ToArray(), g => Assert.Equal(0.0, g)));
        model.ComputeGradients([1.0, 2, 3, 1], [-5.0, 2], 2, new MeanSquaredError<double>(), 3.0);
        Assert.Equal([3.0], model.Parameters[3].Gradient.ToArray());
    }

    [Fact]
    public void ComputeGradients_ThreeLayers_MatchCentralDifferencesOfTheMeanLoss()
    {
        var model = ModelFactory.Mlp<double>(3, [5, 4], 3, Activation.Tanh, seed: 9);
        const int batch = 4;
        var x = GradientCheck.Random(batch * 3, 21, 2);
        double[] y = [0, 2, 1, 2];
        var lossFunction = new SoftmaxCrossEntropy<double>();
        var output = new double[batch * 3];
        double Loss()
        {
            model.Predict(x, output, batch);
            return lossFunction.Compute(output, y, batch, Span<double>.Empty);
        }

        model.ZeroGrad();
        var value = model.ComputeGradients(x, y, batch, lossFunction);
        Assert.Equal(Loss(), value, 1e-15);
        foreach (var p in model.Parameters)
        {
            var analytic = p.Gradient.ToArray();
            for (var j = 0; j < p.Length; j++)
            {
                SequenceHarness.AssertClose(analytic[j], GradientCheck.Central(Loss, p.Values, j, 1e-5), $"{p.Name}[{j}]");
            }
        }
    }

    [Fact]
    public void ComputeGradients_Guards_NameTheArgument()
    {
        var model = HandModel();
        var mse = new MeanSquaredError<double>();
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeGradients([], [], 0, mse)).ParamName);
        Assert.Equal("loss", Assert.Throws<ArgumentNullException>(() => model.ComputeGradients([1.0, 2], [1.0], 1, null!)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => model.ComputeGradients([1.0, 2, 3], [1.0], 1, mse)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => model.ComputeGradients([1.0, 2], [1.0, 2], 1, mse)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeGradients([1.0, 2, 3, 4, 5, 6], [1.0, 2, 3], 3, mse, model.CreatePerExampleGradients(2))).ParamName);
    }

    [Fact]
    public void Constructor_Guards_NameLayers()
    {
        Assert.Equal("layers", Assert.Throws<ArgumentNullException>(() => new Sequential<double>(null!)).ParamName);
        Assert.Equal("layers", Assert.Throws<ArgumentException>(() => new Sequential<double>()).ParamName);
        Assert.Equal("layers", Assert.Throws<ArgumentNullException>(() => new Sequential<double>(new Relu<double>(2), null!)).ParamName);
        var widths = Assert.Throws<ArgumentException>(() => new Sequential<double>(new Dense<double>(2, 3, 1), new Relu<double>(3), new Relu<double>(4)));
        Assert.Equal("layers", widths.ParamName);
        Assert.Contains("Layer 2 takes 4 inputs but layer 1 gives 3 outputs", widths.Message, StringComparison.Ordinal);
        var names = Assert.Throws<ArgumentException>(() => new Sequential<double>(new Dense<double>(2, 2, 1, name: "d"), new Dense<double>(2, 2, 2, name: "d")));
        Assert.Equal("layers", names.ParamName);
        Assert.Contains("'d.weight'", names.Message, StringComparison.Ordinal);

        // The model keeps its own copy of the layer array.
        ILayer<double>[] layers = [new Dense<double>(2, 3, 1), new Relu<double>(3)];
        var model = new Sequential<double>(layers);
        layers[1] = new Tanh<double>(3);
        Assert.IsType<Relu<double>>(model.Layers[1]);
    }

    public static TheoryData<int> Variants() => new() { 0, 1, 2, 3 };

    [Theory]
    [MemberData(nameof(Variants))]
    public void ComputeWeightedGradients_EveryMode_EqualsClippedSumOfSingleExampleGradients(int variant)
    {
        // Variants: 0 plain MLP; 1 a frozen dense weight; 2 a user layer with two parameters (the materialised
        // fallback) whose second one is frozen, and a frozen dense bias; 3 the user layer wholly frozen (no per-example
        // work for it). Batches 2 then 5 on one model, so every buffer grows once.
        var model = Variant(variant);
        var loss = new SoftmaxCrossEntropy<double>();
        foreach (var mode in new[] { ClippingMode.Materialized, ClippingMode.Ghost, ClippingMode.Automatic })
        {
            foreach (var batch in new[] { 2, 5 })
            {
                var x = GradientCheck.Random(batch * 3, batch + variant, 2);
                var y = Enumerable.Range(0, batch).Select(i => (double)((i + variant) % 2)).ToArray();
                var (expected, expectedNorms) = ClippedSum(model, x, y, batch, loss, 0.3);
                model.ZeroGrad();
                var norms = new double[batch + 1];
                model.ComputeWeightedGradients(x, y, batch, loss, new Models.GptTestModels.Clip(0.3), norms, mode);
                for (var i = 0; i < batch; i++)
                {
                    SequenceHarness.AssertRelative(expectedNorms[i], norms[i], 1e-10, $"{mode} batch {batch} norm {i}");
                }

                Assert.Equal(0.0, norms[batch]);
                Models.GptTestModels.AssertGradientsEqual(expected, model.Parameters.Select(p => p.Gradient.ToArray()).ToArray(), 1e-10, $"{mode} batch {batch}");
            }
        }
    }

    [Fact]
    public void ComputeWeightedGradients_Guards_NameTheArgument()
    {
        var model = HandModel();
        var mse = new MeanSquaredError<double>();
        var clip = new Models.GptTestModels.Clip(1);
        Assert.Equal("weighting", Assert.Throws<ArgumentNullException>(() => model.ComputeWeightedGradients([1.0, 2], [1.0], 1, mse, null!, new double[1])).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeWeightedGradients([], [], 0, mse, clip, new double[1])).ParamName);
        Assert.Equal("norms", Assert.Throws<ArgumentException>(() => model.ComputeWeightedGradients([1.0, 2, 3, 4], [1.0, 2], 2, mse, clip, new double[1])).ParamName);
        Assert.Equal("mode", Assert.Throws<ArgumentOutOfRangeException>(() => model.ComputeWeightedGradients([1.0, 2], [1.0], 1, mse, clip, new double[1], (ClippingMode)7)).ParamName);
        Assert.Equal("mode", Assert.Throws<ArgumentOutOfRangeException>(() => model.PlanClipping((ClippingMode)7)).ParamName);
    }

    [Fact]
    public void PlanClipping_ListsTrainableParametersInOrderWithTheirMethod()
    {
        var model = Variant(2);
        var ghost = model.PlanClipping(ClippingMode.Ghost);
        Assert.Equal(
            [new("d0.weight", PerExampleNormMethod.Ghost), new("d0.bias", PerExampleNormMethod.Ghost), new("scale.a", PerExampleNormMethod.Materialized), new("d1.weight", PerExampleNormMethod.Ghost)],
            ghost.Parameters);
        Assert.Equal("mixed", ghost.Summary);
        Assert.All(model.PlanClipping(ClippingMode.Materialized).Parameters, e => Assert.Equal(PerExampleNormMethod.Materialized, e.Method));
        Assert.Equal(4, model.PlanClipping(ClippingMode.Materialized).Parameters.Count);
        foreach (var p in model.Parameters)
        {
            p.RequiresGrad = false;
        }

        Assert.Equal("none", model.PlanClipping(ClippingMode.Automatic).Summary);
    }

    [Fact]
    public void Dense_Constructors_GuardsNamesAndShapes()
    {
        Assert.Equal("inputSize", Assert.Throws<ArgumentOutOfRangeException>(() => new Dense<double>(0, 2, 1)).ParamName);
        Assert.Equal("outputSize", Assert.Throws<ArgumentOutOfRangeException>(() => new Dense<double>(2, 0, 1)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => new Dense<double>(2, 2, 1, name: " ")).ParamName);
        Assert.Equal("initialization", Assert.Throws<ArgumentOutOfRangeException>(() => new Dense<double>(2, 2, 1, (WeightInitialization)99)).ParamName);
        var dense = new Dense<double>(3, 2, 1, WeightInitialization.HeNormal, "fc");
        Assert.Equal("fc.weight", dense.Weight.Name);
        Assert.Equal("fc.bias", dense.Bias.Name);
        Assert.Equal([2, 3], dense.Weight.Shape.ToArray());
        Assert.Equal(3, dense.InputSize);
        Assert.Equal(2, dense.OutputSize);
        Assert.Equal([dense.Weight, dense.Bias], dense.Parameters);

        var w = new Parameter<double>("w", new double[6], 2, 3);
        Assert.Equal("weight", Assert.Throws<ArgumentNullException>(() => new Dense<double>(null!, new Parameter<double>("b", new double[2]))).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentNullException>(() => new Dense<double>(w, null!)).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => new Dense<double>(new Parameter<double>("v", new double[6]), new Parameter<double>("b", new double[6]))).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => new Dense<double>(w, new Parameter<double>("b", new double[3]))).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => new Dense<double>(new Parameter<double>("e", [], 0, 3), new Parameter<double>("b", [], 0))).ParamName);
        var given = new Dense<double>(w, new Parameter<double>("b", new double[2]));
        Assert.Equal(3, given.InputSize);
        Assert.Equal(2, given.OutputSize);
    }

    [Fact]
    public void Dense_Backward_FrozenBiasAndUntrackedWeight()
    {
        // The hand layer a on x = [1, 2], [3, 1] with δ = [1, 0, −1], [0, 2, 1]: ∂ℓ/∂W = Σ δᵢxᵢᵀ =
        // [[1, 2], [0, 0], [−1, −2]] + [[0, 0], [6, 2], [3, 1]], dx = δ·W.
        var a = (Dense<double>)HandModel().Layers[0];
        a.Bias.RequiresGrad = false;
        double[] x = [1, 2, 3, 1];
        double[] delta = [1, 0, -1, 0, 2, 1];
        var y = new double[6];
        a.Forward(x, y, 2);
        var perExample = new PerExampleGradients<double>([a.Bias], 2);
        perExample.Reset(2);
        var dx = new double[4];
        a.Backward(x, y, delta, dx, 2, 1.0, perExample);
        Assert.Equal([1.0, 2, 6, 2, 2, -1], a.Weight.Gradient.ToArray());
        Assert.All(a.Bias.Gradient.ToArray(), g => Assert.Equal(0.0, g));
        Assert.Equal([1.0, 0, -1, 0, 2, 1], perExample.GetBlock(0).ToArray());

        // δ·W: [1, −1] − [0, 1] = [1, −2]; 2·[2, 0] + [0, 1] = [4, 1]. An empty input gradient (first layer) is allowed.
        Assert.Equal([1.0, -2, 4, 1], dx);
        a.Weight.ZeroGrad();
        a.Backward(x, y, delta, Span<double>.Empty, 2, 0.5, null);
        Assert.Equal([0.5, 1, 3, 1, 1, -0.5], a.Weight.Gradient.ToArray());
        Assert.Equal("outputGradient", Assert.Throws<ArgumentException>(() => a.Backward(x, y, new double[5], dx, 2, 1.0, null)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => a.Forward([], [], -1)).ParamName);
    }

    [Fact]
    public void PerExampleGradients_NormsAndWeightedSums_ByHand()
    {
        // Two parameters of lengths 2 and 1; example 0 holds [3, 4] and [12] (norm √(9 + 16 + 144) = 13, or 5 over the
        // first alone), example 1 holds [1, 0] and [0] (norm 1).
        var p = new Parameter<double>("p", new double[2]);
        var q = new Parameter<double>("q", new double[1]);
        var buffer = new PerExampleGradients<double>([p, q], 3);
        Assert.Equal(3, buffer.Capacity);
        buffer.Reset(2);
        Assert.Equal(2, buffer.BatchSize);
        Assert.Equal(4, buffer.GetBlock(0).Length);
        Assert.Equal(2, buffer.GetBlock(1).Length);
        new double[] { 3, 4, 1, 0 }.CopyTo(buffer.GetBlock(0));
        new double[] { 12, 0 }.CopyTo(buffer.GetBlock(1));
        var norms = new double[3];
        buffer.ComputeNorms(norms);
        Assert.Equal([13.0, 1, 0], norms);
        q.RequiresGrad = false;
        buffer.ComputeNorms(norms, trainableOnly: true);
        Assert.Equal([5.0, 1, 0], norms);

        // AccumulateWeighted overwrites every gradient (frozen too) with Σ wᵢgᵢ; AddWeighted adds, skipping frozen ones.
        p.Gradient.Fill(100);
        q.Gradient.Fill(100);
        buffer.AccumulateWeighted([2.0, -1]);
        Assert.Equal([5.0, 8], p.Gradient.ToArray());
        Assert.Equal([24.0], q.Gradient.ToArray());
        buffer.AddWeighted([1.0, 1], trainableOnly: true);
        Assert.Equal([9.0, 12], p.Gradient.ToArray());
        Assert.Equal([24.0], q.Gradient.ToArray());
        buffer.AddWeighted([1.0, 1], trainableOnly: false);
        Assert.Equal([36.0], q.Gradient.ToArray());
    }

    [Fact]
    public void PerExampleGradients_Guards_NameTheArgument()
    {
        var p = new Parameter<double>("p", new double[2]);
        Assert.Equal("parameters", Assert.Throws<ArgumentNullException>(() => new PerExampleGradients<double>(null!, 1)).ParamName);
        Assert.Equal("capacity", Assert.Throws<ArgumentOutOfRangeException>(() => new PerExampleGradients<double>([p], 0)).ParamName);
        var buffer = new PerExampleGradients<double>([p], 2);
        buffer.Reset(2);
        Assert.Equal(2, buffer.Get(0, 1).Length);
        Assert.Equal("parameterIndex", Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Get(-1, 0)).ParamName);
        Assert.Equal("parameterIndex", Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Get(1, 0)).ParamName);
        Assert.Equal("example", Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Get(0, -1)).ParamName);
        Assert.Equal("example", Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Get(0, 2)).ParamName);
        Assert.Equal("parameterIndex", Assert.Throws<ArgumentOutOfRangeException>(() => buffer.GetBlock(-1)).ParamName);
        Assert.Equal("parameterIndex", Assert.Throws<ArgumentOutOfRangeException>(() => buffer.GetBlock(1)).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => buffer.ComputeNorms(new double[1])).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => buffer.AccumulateWeighted([1.0])).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => buffer.AccumulateWeighted([1.0, 1, 1])).ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => buffer.AddWeighted([1.0], true)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Reset(3)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Reset(-1)).ParamName);
        buffer.Reset(1);
        Assert.Equal("example", Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Get(0, 1)).ParamName);
        var stranger = new Parameter<double>("stranger", new double[2]);
        Assert.True(buffer.TryBlockFor(stranger).IsEmpty);
        Assert.Equal(2, buffer.TryBlockFor(p).Length);
        Assert.Equal(2, buffer.BlockFor(p).Length);
        Assert.Equal("parameter", Assert.Throws<ArgumentException>(() => buffer.BlockFor(stranger)).ParamName);
    }

    private static Sequential<double> HandModel() =>
        new(
            new Dense<double>(new Parameter<double>("a.weight", [1, -1, 2, 0, 0, 1], 3, 2), new Parameter<double>("a.bias", [0, -3, 0.5])),
            new Relu<double>(3),
            new Dense<double>(new Parameter<double>("c.weight", [1, 1, -2], 1, 3), new Parameter<double>("c.bias", [0.25])));

    private static Sequential<double> Variant(int variant)
    {
        var d0 = new Dense<double>(3, 4, 5, name: "d0");
        var d1 = new Dense<double>(4, 2, 6, name: "d1");
        switch (variant)
        {
            case 1:
                d0.Weight.RequiresGrad = false;
                return new Sequential<double>(d0, new Tanh<double>(4), d1);
            case 2:
            case 3:
                var scale = new ElementScale(4);
                scale.Parameters[0].RequiresGrad = variant == 2;
                scale.Parameters[1].RequiresGrad = false;
                d1.Bias.RequiresGrad = false;
                return new Sequential<double>(d0, new Tanh<double>(4), scale, d1);
            default:
                return new Sequential<double>(d0, new Tanh<double>(4), d1);
        }
    }

    /// <summary>The clipped sum by definition: each gᵢ from a batch of example i alone, wᵢ = min(1, c/(‖gᵢ‖ + 1e-6)) as <see cref="Models.GptTestModels.Clip"/>.</summary>
    private static (double[][] Gradient, double[] Norms) ClippedSum(Sequential<double> model, double[] x, double[] y, int batch, ILoss<double> loss, double c)
    {
        var sum = model.Parameters.Select(p => new double[p.Length]).ToArray();
        var norms = new double[batch];
        for (var i = 0; i < batch; i++)
        {
            model.ZeroGrad();
            model.ComputeGradients(x.AsSpan(i * 3, 3), y.AsSpan(i, 1), 1, loss);
            var g = model.Parameters.Select(p => p.Gradient.ToArray()).ToArray();
            norms[i] = Math.Sqrt(model.Parameters.Select((p, k) => p.RequiresGrad ? g[k].Sum(v => v * v) : 0).Sum());
            var w = Math.Min(1, c / (norms[i] + 1e-6));
            for (var k = 0; k < sum.Length; k++)
            {
                for (var j = 0; j < sum[k].Length; j++)
                {
                    sum[k][j] += model.Parameters[k].RequiresGrad ? w * g[k][j] : 0;
                }
            }
        }

        return (sum, norms);
    }

    /// <summary>A user-written layer with parameters and no book-keeping support: y = a⊙x + b.</summary>
    private sealed class ElementScale : ILayer<double>
    {
        private readonly Parameter<double> _a;
        private readonly Parameter<double> _b;

        public ElementScale(int size)
        {
            _a = new Parameter<double>("scale.a", Enumerable.Range(0, size).Select(i => 0.5 + (0.25 * i)).ToArray());
            _b = new Parameter<double>("scale.b", Enumerable.Range(0, size).Select(i => 0.1 * i).ToArray());
            InputSize = size;
        }

        public int InputSize { get; }

        public int OutputSize => InputSize;

        public IReadOnlyList<Parameter<double>> Parameters => [_a, _b];

        public void Forward(ReadOnlySpan<double> input, Span<double> output, int batchSize)
        {
            for (var i = 0; i < input.Length; i++)
            {
                output[i] = (input[i] * _a.Values[i % InputSize]) + _b.Values[i % InputSize];
            }
        }

        public void Backward(ReadOnlySpan<double> input, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGradient, Span<double> inputGradient, int batchSize, double scale, PerExampleGradients<double>? perExample)
        {
            var indexA = perExample is null ? -1 : perExample.Parameters.ToList().IndexOf(_a);
            var indexB = perExample is null ? -1 : perExample.Parameters.ToList().IndexOf(_b);
            var blockA = indexA < 0 ? default : perExample!.GetBlock(indexA);
            var blockB = indexB < 0 ? default : perExample!.GetBlock(indexB);
            for (var i = 0; i < input.Length; i++)
            {
                if (!inputGradient.IsEmpty)
                {
                    inputGradient[i] = outputGradient[i] * _a.Values[i % InputSize];
                }

                if (_a.RequiresGrad)
                {
                    _a.Gradient[i % InputSize] += scale * outputGradient[i] * input[i];
                }

                if (_b.RequiresGrad)
                {
                    _b.Gradient[i % InputSize] += scale * outputGradient[i];
                }

                if (!blockA.IsEmpty)
                {
                    blockA[i] = outputGradient[i] * input[i];
                }

                if (!blockB.IsEmpty)
                {
                    blockB[i] = outputGradient[i];
                }
            }
        }
    }
}

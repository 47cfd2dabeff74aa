using CsCheck;
using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Tests.Layers.Sequence;

namespace LlmCore.Optimization.Tests.Layers;

/// <summary>Ghost clipping with book-keeping in <see cref="Sequential{T}"/> against its materialised path.</summary>
public class SequentialClippingTests
{
    [Fact]
    public void ComputeWeightedGradients_RandomMlps_GhostEqualsMaterialized()
    {
        var gen = Gen.Select(Gen.Int[1, 64], Gen.Int[1, 9], Gen.Int[0, 2], Gen.Int[0, 1_000_000]);
        gen.Sample(
            (batch, width, variant, seed) =>
            {
                Sequential<double> Create()
                {
                    var model = ModelFactory.Mlp<double>(width, [width + 3, 5], 4, Activation.Tanh, seed);
                    if (variant == 1)
                    {
                        model.Parameters[0].RequiresGrad = false;
                    }

                    if (variant == 2)
                    {
                        return new Sequential<double>([.. model.Layers, new Affine(4, seed)]);
                    }

                    return model;
                }

                var x = SequenceHarness.Random(batch * width, seed, 2);
                var y = Enumerable.Range(0, batch).Select(i => (double)((i + seed) % 4)).ToArray();
                Compare(Create, x, y, batch);
            },
            iter: 40,
            seed: "2mXq8Gv0LcAa");
    }

    [Fact]
    public void PlanClipping_DenseLayersUseGhostNorms()
    {
        var model = ModelFactory.Mlp<float>(8, [16], 3);
        Assert.Equal("ghost", model.PlanClipping(ClippingMode.Automatic).Summary);
        Assert.Equal("materialized", model.PlanClipping(ClippingMode.Materialized).Summary);
        model.Parameters[0].RequiresGrad = false;
        Assert.Equal(3, model.PlanClipping(ClippingMode.Ghost).Parameters.Count);
        var mixed = new Sequential<float>(new Dense<float>(2, 3, 1), new Affine<float>(3, 2));
        Assert.Equal("mixed", mixed.PlanClipping(ClippingMode.Ghost).Summary);
    }

    [Fact]
    public void Backward_FrozenDenseWeight_GetsNoGradient()
    {
        var model = ModelFactory.Mlp<double>(3, [4], 2, Activation.Relu, seed: 1);
        model.Parameters[0].RequiresGrad = false;
        model.ZeroGrad();
        model.ComputeGradients(SequenceHarness.Random(6, 2), [0.0, 1.0], 2, new SoftmaxCrossEntropy<double>());
        Assert.All(model.Parameters[0].Gradient.ToArray(), g => Assert.Equal(0.0, g));
        Assert.Contains(model.Parameters[1].Gradient.ToArray(), g => g != 0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1025)]
    public void Relu_VectorisedGradient_MatchesScalarRule(int length)
    {
        var relu = new Relu<double>(Math.Max(length, 1));
        var n = Math.Max(length, 1);
        var x = SequenceHarness.Random(n, length + 3);
        x[0] = 0;
        var dy = SequenceHarness.Random(n, length + 4);
        var dx = new double[n];
        relu.Backward(x, new double[n], dy, dx, 1, 1.0, null);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(x[i] > 0 ? dy[i] : 0.0, dx[i]);
        }
    }

    private static void Compare(Func<Sequential<double>> create, double[] x, double[] y, int batch)
    {
        var loss = new SoftmaxCrossEntropy<double>();
        double[][]? expected = null;
        double[]? expectedNorms = null;
        foreach (var mode in new[] { ClippingMode.Materialized, ClippingMode.Ghost, ClippingMode.Automatic })
        {
            var model = create();
            model.ZeroGrad();
            var norms = new double[batch];
            model.ComputeWeightedGradients(x, y, batch, loss, new Models.GptTestModels.Clip(0.3), norms, mode);
            var gradient = model.Parameters.Select(p => p.Gradient.ToArray()).ToArray();
            Assert.All(model.Parameters.Where(p => !p.RequiresGrad), p => Assert.All(p.Gradient.ToArray(), g => Assert.Equal(0.0, g)));
            if (expected is null)
            {
                expected = gradient;
                expectedNorms = norms;
                continue;
            }

            for (var i = 0; i < batch; i++)
            {
                SequenceHarness.AssertRelative(expectedNorms![i], norms[i], 1e-10, $"{mode} norm {i}");
            }

            Models.GptTestModels.AssertGradientsEqual(expected, gradient, 1e-10, mode.ToString());
        }
    }

    /// <summary>A user-written layer with a parameter (y = a⊙x): exercises the materialised fallback.</summary>
    private sealed class Affine<T>(int size, int seed) : ILayer<T>
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        private readonly Parameter<T> _scale = new("affine.scale", Enumerable.Range(0, size).Select(i => T.CreateTruncating(1 + (0.1 * ((i + seed) % 5)))).ToArray());

        public int InputSize => size;

        public int OutputSize => size;

        public IReadOnlyList<Parameter<T>> Parameters => [_scale];

        public void Forward(ReadOnlySpan<T> input, Span<T> output, int batchSize)
        {
            for (var i = 0; i < input.Length; i++)
            {
                output[i] = input[i] * _scale.Values[i % size];
            }
        }

        public void Backward(ReadOnlySpan<T> input, ReadOnlySpan<T> output, ReadOnlySpan<T> outputGradient, Span<T> inputGradient, int batchSize, T scale, PerExampleGradients<T>? perExample)
        {
            var block = perExample is null ? default : perExample.GetBlock(perExample.Parameters.ToList().IndexOf(_scale));
            block.Clear();
            for (var i = 0; i < input.Length; i++)
            {
                if (!inputGradient.IsEmpty)
                {
                    inputGradient[i] = outputGradient[i] * _scale.Values[i % size];
                }

                _scale.Gradient[i % size] += scale * outputGradient[i] * input[i];
                if (!block.IsEmpty)
                {
                    block[i] += outputGradient[i] * input[i];
                }
            }
        }
    }

    private sealed class Affine(int size, int seed) : ILayer<double>
    {
        private readonly Affine<double> _inner = new(size, seed);

        public int InputSize => size;

        public int OutputSize => size;

        public IReadOnlyList<Parameter<double>> Parameters => _inner.Parameters;

        public void Forward(ReadOnlySpan<double> input, Span<double> output, int batchSize) => _inner.Forward(input, output, batchSize);

        public void Backward(ReadOnlySpan<double> input, ReadOnlySpan<double> output, ReadOnlySpan<double> outputGradient, Span<double> inputGradient, int batchSize, double scale, PerExampleGradients<double>? perExample) =>
            _inner.Backward(input, output, outputGradient, inputGradient, batchSize, scale, perExample);
    }
}

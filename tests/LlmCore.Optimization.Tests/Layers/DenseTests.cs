using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Losses;

namespace LlmCore.Optimization.Tests.Layers;

public class DenseTests
{
    [Fact]
    public void Backward_FiniteDifferences_MatchAnalyticGradients()
    {
        GradientCheck.CheckLayer(new Dense<double>(5, 3, seed: 1), batch: 4, seed: 10);
    }

    [Fact]
    public void Forward_KnownWeights_ComputesXWTransposePlusBias()
    {
        // y = x·Wᵀ + b by hand: W = [[1, 2], [3, 4], [5, 6]], b = [0.5, -1, 2], x = [1, -1].
        var dense = new Dense<double>(new Parameter<double>("w", [1, 2, 3, 4, 5, 6], 3, 2), new Parameter<double>("b", [0.5, -1, 2]));
        var output = new double[3];
        dense.Forward([1.0, -1.0], output, 1);
        Assert.Equal([-0.5, -2.0, 1.0], output);
    }

    [Theory]
    [InlineData(WeightInitialization.GlorotUniform, 0.1889822365)] // limit √(6/(100+68)) = 0.18898...
    [InlineData(WeightInitialization.HeUniform, 0.2449489743)] // limit √(6/100) = 0.24494...
    public void Constructor_UniformInitialization_StaysWithinLimitAndFillsIt(WeightInitialization initialization, double limit)
    {
        var dense = new Dense<double>(100, 68, seed: 3, initialization);
        var values = dense.Weight.Values.ToArray();
        Assert.All(values, v => Assert.InRange(v, -limit, limit));
        Assert.True(values.Max() > 0.95 * limit && values.Min() < -0.95 * limit);
        Assert.All(dense.Bias.Values.ToArray(), v => Assert.Equal(0.0, v));
    }

    [Theory]
    [InlineData(WeightInitialization.GlorotNormal, 0.1091089451)] // √(2/(100+68))
    [InlineData(WeightInitialization.HeNormal, 0.1414213562)] // √(2/100)
    public void Constructor_NormalInitialization_HasTheStatedStandardDeviation(WeightInitialization initialization, double sigma)
    {
        // 6800 draws: the sample σ has a standard error of σ/√(2·6800) ≈ 0.86 %; 5 % is > 5 standard errors.
        var values = new Dense<double>(100, 68, seed: 4, initialization).Weight.Values.ToArray();
        var mean = values.Average();
        var sd = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(sd, sigma * 0.95, sigma * 1.05);
    }

    [Fact]
    public void Constructor_SameSeed_SameWeights()
    {
        Assert.Equal(new Dense<double>(4, 3, 7).Weight.Values.ToArray(), new Dense<double>(4, 3, 7).Weight.Values.ToArray());
        Assert.NotEqual(new Dense<double>(4, 3, 7).Weight.Values.ToArray(), new Dense<double>(4, 3, 8).Weight.Values.ToArray());
    }

    [Fact]
    public void Forward_WrongInputLength_ThrowsArgumentException()
    {
        var dense = new Dense<double>(3, 2, 0);
        var ex = Assert.Throws<ArgumentException>(() => dense.Forward(new double[5], new double[4], 2));
        Assert.Equal("input", ex.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1025)]
    public void ForwardAndBackward_VectorisedRows_MatchScalarReference(int inputs)
    {
        // The TensorPrimitives row kernels against the textbook triple loops, on odd widths (and an empty batch).
        const int outputs = 3;
        foreach (var batch in new[] { 0, 2 })
        {
            var dense = new Dense<double>(inputs == 0 ? 1 : inputs, outputs, seed: 8);
            var n = dense.InputSize;
            var x = GradientCheck.Random(batch * n, 9);
            var y = new double[batch * outputs];
            dense.Forward(x, y, batch);
            var delta = GradientCheck.Random(batch * outputs, 10);
            var dx = new double[batch * n];
            dense.Backward(x, y, delta, dx, batch, 0.5, null);
            var w = dense.Weight.Values.ToArray();
            for (var i = 0; i < batch; i++)
            {
                for (var o = 0; o < outputs; o++)
                {
                    var sum = dense.Bias.Values[o];
                    for (var j = 0; j < n; j++)
                    {
                        sum += x[(i * n) + j] * w[(o * n) + j];
                    }

                    Assert.Equal(sum, y[(i * outputs) + o], 1e-9);
                }

                for (var j = 0; j < n; j++)
                {
                    var sum = 0.0;
                    for (var o = 0; o < outputs; o++)
                    {
                        sum += delta[(i * outputs) + o] * w[(o * n) + j];
                    }

                    Assert.Equal(sum, dx[(i * n) + j], 1e-9);
                }
            }

            for (var o = 0; o < outputs; o++)
            {
                for (var j = 0; j < n; j++)
                {
                    var sum = 0.0;
                    for (var i = 0; i < batch; i++)
                    {
                        sum += 0.5 * delta[(i * outputs) + o] * x[(i * n) + j];
                    }

                    Assert.Equal(sum, dense.Weight.Gradient[(o * n) + j], 1e-9);
                }
            }
        }
    }

    [Fact]
    public void Forward_FloatAndDouble_Agree()
    {
        var d = new Dense<double>(33, 7, 5);
        var f = new Dense<float>(33, 7, 5);
        var x = GradientCheck.Random(3 * 33, 6);
        var yd = new double[21];
        var yf = new float[21];
        d.Forward(x, yd, 3);
        f.Forward(x.Select(v => (float)v).ToArray(), yf, 3);
        for (var i = 0; i < yd.Length; i++)
        {
            Assert.Equal(yd[i], yf[i], 1e-4);
        }
    }
}

public class PerExampleGradientsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    public void ComputeGradients_PerExample_SumToBatchSizeTimesBatchGradient(int batch)
    {
        var model = Optimization.Models.ModelFactory.Mlp<double>(5, [8, 6], 3, Optimization.Models.Activation.Tanh, seed: 2);
        var x = GradientCheck.Random(batch * 5, 11);
        var y = Enumerable.Range(0, batch).Select(i => (double)(i % 3)).ToArray();
        var perExample = model.CreatePerExampleGradients(batch);
        model.ZeroGrad();
        model.ComputeGradients(x, y, batch, new SoftmaxCrossEntropy<double>(), perExample);
        for (var p = 0; p < model.Parameters.Count; p++)
        {
            var batchGradient = model.Parameters[p].Gradient.ToArray();
            var sum = new double[batchGradient.Length];
            for (var i = 0; i < batch; i++)
            {
                var row = perExample.Get(p, i);
                for (var j = 0; j < sum.Length; j++)
                {
                    sum[j] += row[j];
                }
            }

            for (var j = 0; j < sum.Length; j++)
            {
                Assert.Equal(batchGradient[j], sum[j] / batch, 1e-12);
            }
        }
    }

    [Fact]
    public void ComputeGradients_PerExample_EqualsSingleExamplePasses()
    {
        // The batched per-example gradient of example i equals the gradient of a batch holding example i alone.
        var model = Optimization.Models.ModelFactory.Mlp<double>(4, [5], 1, Optimization.Models.Activation.Gelu, seed: 3);
        const int batch = 6;
        var x = GradientCheck.Random(batch * 4, 12);
        var y = GradientCheck.Random(batch, 13);
        var loss = new HuberLoss<double>(0.5);
        var perExample = model.CreatePerExampleGradients(batch);
        model.ZeroGrad();
        model.ComputeGradients(x, y, batch, loss, perExample);
        for (var i = 0; i < batch; i++)
        {
            model.ZeroGrad();
            model.ComputeGradients(x.AsSpan(i * 4, 4), y.AsSpan(i, 1), 1, loss);
            for (var p = 0; p < model.Parameters.Count; p++)
            {
                var single = model.Parameters[p].Gradient.ToArray();
                var batched = perExample.Get(p, i).ToArray();
                for (var j = 0; j < single.Length; j++)
                {
                    Assert.Equal(single[j], batched[j], 1e-12);
                }
            }
        }
    }

    [Fact]
    public void AccumulateWeighted_ClipWeights_BoundsEveryContribution()
    {
        var model = Optimization.Models.ModelFactory.Mlp<double>(3, [4], 2, Optimization.Models.Activation.Relu, seed: 4);
        const int batch = 5;
        var x = GradientCheck.Random(batch * 3, 14, 5);
        var y = Enumerable.Range(0, batch).Select(i => (double)(i % 2)).ToArray();
        var perExample = model.CreatePerExampleGradients(batch);
        model.ComputeGradients(x, y, batch, new SoftmaxCrossEntropy<double>(), perExample);
        var norms = new double[batch];
        perExample.ComputeNorms(norms);
        const double c = 0.1;
        var weights = norms.Select(n => Math.Min(1, c / n)).ToArray();
        perExample.AccumulateWeighted(weights);
        var total = Math.Sqrt(model.Parameters.Sum(p => p.Gradient.ToArray().Sum(g => g * g)));
        Assert.True(total <= (batch * c) + 1e-12, $"‖Σ clipped gᵢ‖ = {total} exceeds B·C");

        // With weights 1/B the result is the batch gradient again.
        var expected = model.Parameters.Select(p => p.Gradient.ToArray()).ToArray();
        model.ZeroGrad();
        model.ComputeGradients(x, y, batch, new SoftmaxCrossEntropy<double>(), perExample);
        var batchGradient = model.Parameters.Select(p => p.Gradient.ToArray()).ToArray();
        perExample.AccumulateWeighted(Enumerable.Repeat(1.0 / batch, batch).ToArray());
        for (var p = 0; p < model.Parameters.Count; p++)
        {
            var g = model.Parameters[p].Gradient.ToArray();
            for (var j = 0; j < g.Length; j++)
            {
                Assert.Equal(batchGradient[p][j], g[j], 1e-12);
            }
        }

        Assert.NotNull(expected);
    }
}

using BenchmarkDotNet.Attributes;
using LlmCore.Optimization;
using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Optimizers;
using LlmCore.Optimization.Training;
using MathNet.Numerics.LinearAlgebra;

namespace LlmCore.Benchmarks.Optimization;

/// <summary>
/// One epoch of an MLP 32-64-64-10 (ReLU, softmax cross-entropy, SGD) on 10,000 × 32 inputs in batches of 256
/// (40 steps): the batch gradient (baseline), with per-example gradients, and with DP-SGD's per-example clipping.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Optimization")]
public class TrainingBenchmarks
{
    private const int Examples = 10_000;
    private const int Features = 32;
    private const int Classes = 10;
    private const int Batch = 256;
    private float[] _x = [];
    private float[] _y = [];
    private Trainer<float> _batch = null!;
    private Trainer<float> _perExample = null!;
    private Trainer<float> _clipped = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _x = new float[Examples * Features];
        _y = new float[Examples];
        for (var i = 0; i < _x.Length; i++)
        {
            _x[i] = (float)((2 * random.NextDouble()) - 1);
        }

        for (var i = 0; i < Examples; i++)
        {
            _y[i] = random.Next(Classes);
        }

        _batch = Create();
        _perExample = Create();
        _perExample.GradientTransform = new PerExampleOnly();
        _clipped = Create();
        _clipped.GradientTransform = new ClipEachExample(1.0f);
    }

    [Benchmark(Baseline = true)]
    public double BatchGradientEpoch() => Epoch(_batch);

    [Benchmark]
    public double PerExampleGradientEpoch() => Epoch(_perExample);

    [Benchmark]
    public double PerExampleClippedEpoch() => Epoch(_clipped);

    private static Trainer<float> Create() =>
        new(ModelFactory.Mlp<float>(Features, [64, 64], Classes, Activation.Relu, seed: 1), new SoftmaxCrossEntropy<float>(), p => new Sgd<float>(p, 0.01));

    private double Epoch(Trainer<float> trainer)
    {
        var loss = 0.0;
        for (var start = 0; start < Examples; start += Batch)
        {
            var size = Math.Min(Batch, Examples - start);
            loss += trainer.TrainStep(_x.AsSpan(start * Features, size * Features), _y.AsSpan(start, size), size);
        }

        return loss;
    }

    /// <summary>Per-example gradients with weight 1/B each: the mean gradient, through the weighted (per-example) path.</summary>
    private sealed class PerExampleOnly : IGradientTransform<float>, IExampleWeighting<float>
    {
        public IExampleWeighting<float>? ExampleWeighting => this;

        public ClippingMode ClippingMode => ClippingMode.Materialized;

        public void ComputeWeights(ReadOnlySpan<float> norms, Span<float> weights) => weights.Fill(1f / norms.Length);

        public void Apply(IReadOnlyList<Parameter<float>> parameters, in GradientTransformContext context)
        {
        }
    }

    /// <summary>DP-SGD's clipping without noise: weights min(1, c/‖gᵢ‖)/B.</summary>
    private sealed class ClipEachExample(float c) : IGradientTransform<float>, IExampleWeighting<float>
    {
        public IExampleWeighting<float>? ExampleWeighting => this;

        public ClippingMode ClippingMode => ClippingMode.Materialized;

        public void ComputeWeights(ReadOnlySpan<float> norms, Span<float> weights)
        {
            for (var i = 0; i < norms.Length; i++)
            {
                weights[i] = MathF.Min(1, c / MathF.Max(norms[i], 1e-12f)) / norms.Length;
            }
        }

        public void Apply(IReadOnlyList<Parameter<float>> parameters, in GradientTransformContext context)
        {
        }
    }
}

/// <summary>
/// The forward pass of one dense layer at the training sizes (256 × 32 → 64, float): the row-by-row
/// TensorPrimitives kernel of <see cref="Dense{T}"/> against MathNet.Numerics' managed matrix product X·Wᵀ (baseline).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Optimization")]
public class DenseKernelBenchmarks
{
    private const int Batch = 256;
    private const int Inputs = 32;
    private const int Outputs = 64;
    private float[] _x = [];
    private float[] _y = [];
    private Dense<float> _dense = null!;
    private Matrix<float> _xm = null!;
    private Matrix<float> _wt = null!;
    private Matrix<float> _ym = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _x = new float[Batch * Inputs];
        for (var i = 0; i < _x.Length; i++)
        {
            _x[i] = (float)random.NextDouble();
        }

        _y = new float[Batch * Outputs];
        _dense = new Dense<float>(Inputs, Outputs, seed: 1);
        _xm = Matrix<float>.Build.Dense(Batch, Inputs, (r, c) => _x[(r * Inputs) + c]);
        var w = _dense.Weight.Values.ToArray();
        _wt = Matrix<float>.Build.Dense(Inputs, Outputs, (r, c) => w[(c * Inputs) + r]);
        _ym = Matrix<float>.Build.Dense(Batch, Outputs);
    }

    [Benchmark(Baseline = true)]
    public void MathNetMultiply() => _xm.Multiply(_wt, _ym);

    [Benchmark]
    public void TensorPrimitivesRows() => _dense.Forward(_x, _y, Batch);
}

using BenchmarkDotNet.Attributes;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Optimizers;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Training;

namespace LlmCore.Benchmarks.Privacy;

/// <summary>
/// One training step of an MLP 32-64-64-10 (ReLU, softmax cross-entropy, SGD, float) with a batch of 256 out of
/// 10,000 examples: the plain step (baseline) against a DP-SGD step (Poisson sampling with q = 256/10,000,
/// per-example gradients, clipping, Gaussian noise, division by the expected batch size, accounting), with the
/// secure noise source (the default) and with the seeded one.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Privacy")]
public class DpSgdBenchmarks
{
    private const int Examples = 10_000;
    private const int Features = 32;
    private const int Classes = 10;
    private const int Batch = 256;
    private float[] _x = [];
    private float[] _y = [];
    private int _start;
    private Trainer<float> _plain = null!;
    private PrivateTrainer<float> _secure = null!;
    private PrivateTrainer<float> _seeded = null!;

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

        var data = new Dataset<float>(_x, Features, _y, 1, LearningTask.Classification);
        _plain = new Trainer<float>(ModelFactory.Mlp<float>(Features, [64, 64], Classes, Activation.Relu, seed: 1), new SoftmaxCrossEntropy<float>(), p => new Sgd<float>(p, 0.01));
        _secure = CreatePrivate(data, SecureRandomSource.Instance);
        _seeded = CreatePrivate(data, new SeededRandomSource(42));
    }

    [Benchmark(Baseline = true)]
    public double NonPrivateStep()
    {
        _start = (_start + Batch) % (Examples - Batch);
        return _plain.TrainStep(_x.AsSpan(_start * Features, Batch * Features), _y.AsSpan(_start, Batch), Batch);
    }

    [Benchmark]
    public int PrivateStepSecureNoise()
    {
        _secure.TryStep(out _, out var sampled);
        return sampled;
    }

    [Benchmark]
    public int PrivateStepSeededNoise()
    {
        _seeded.TryStep(out _, out var sampled);
        return sampled;
    }

    private static PrivateTrainer<float> CreatePrivate(Dataset<float> data, IRandomSource source)
    {
        var model = ModelFactory.Mlp<float>(Features, [64, 64], Classes, Activation.Relu, seed: 1);
        var options = new DpSgdOptions { ExpectedBatchSize = Batch, NoiseMultiplier = 1.0, MaxGradNorm = 1.0, Delta = 1e-5, RandomSource = source };
        return new PrivateTrainer<float>(model, new SoftmaxCrossEntropy<float>(), new Sgd<float>(model.Parameters, 0.01), data, options);
    }
}

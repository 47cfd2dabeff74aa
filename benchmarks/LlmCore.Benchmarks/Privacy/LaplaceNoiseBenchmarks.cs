using BenchmarkDotNet.Attributes;
using LlmCore.Privacy.Mechanisms;
using LlmCore.Privacy.Sampling;
using MathNet.Numerics.Distributions;

namespace LlmCore.Benchmarks.Privacy;

/// <summary>
/// Filling 1,000,000 doubles with Laplace noise (b = 1): MathNet.Numerics' sampler (baseline), the fast seeded
/// vectorised inverse-CDF sampler, and the floating-point-safe grid mechanism drawing from the secure source.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Privacy")]
public class LaplaceNoiseBenchmarks
{
    private const int Length = 1_000_000;
    private double[] _destination = [];
    private Random _random = null!;
    private SeededRandomSource _seeded = null!;
    private LaplaceMechanism _secure = null!;

    [GlobalSetup]
    public void Setup()
    {
        _destination = new double[Length];
        _random = new Random(42);
        _seeded = new SeededRandomSource(42);
        _secure = new LaplaceMechanism(epsilon: 1, sensitivity: 1, SecureRandomSource.Instance);
    }

    [Benchmark(Baseline = true)]
    public void MathNet() => Laplace.Samples(_random, _destination, 0, 1);

    [Benchmark]
    public void Fast() => LaplaceSampler.Fill(_seeded, 1, _destination);

    [Benchmark]
    public void Secure() => _secure.FillNoise(_destination);
}

using BenchmarkDotNet.Attributes;
using LlmCore.Privacy.Mechanisms;
using LlmCore.Privacy.Sampling;
using MathNet.Numerics.Distributions;

namespace LlmCore.Benchmarks.Privacy;

/// <summary>
/// Filling 1,000,000 doubles with Gaussian noise (σ = 1 for the samplers): MathNet.Numerics' sampler (baseline),
/// the fast seeded vectorised Box–Muller sampler, and the floating-point-safe grid mechanism (analytic σ for
/// ε = 1, δ = 1e-6, Δ = 1) drawing from the secure source.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Privacy")]
public class GaussianNoiseBenchmarks
{
    private const int Length = 1_000_000;
    private double[] _destination = [];
    private Random _random = null!;
    private SeededRandomSource _seeded = null!;
    private GaussianMechanism _secure = null!;

    [GlobalSetup]
    public void Setup()
    {
        _destination = new double[Length];
        _random = new Random(42);
        _seeded = new SeededRandomSource(42);
        _secure = new GaussianMechanism(epsilon: 1, delta: 1e-6, sensitivity: 1, source: SecureRandomSource.Instance);
    }

    [Benchmark(Baseline = true)]
    public void MathNet() => Normal.Samples(_random, _destination, 0, 1);

    [Benchmark]
    public void Fast() => GaussianSampler.Fill(_seeded, 1, _destination);

    [Benchmark]
    public void Secure() => _secure.FillNoise(_destination);
}

using System.Numerics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using LlmCore.Optimization;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Benchmarks.Optimization;

/// <summary>
/// One SGD step with momentum 0.9 over 16M float parameters against its memory floor (one vectorised pass that reads
/// p, g and the buffer and writes p and the buffer) and a plain scalar loop.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Optimization")]
public class SgdMomentumBenchmarks
{
    private const int Length = 1 << 24;
    private float[] _p = [];
    private float[] _g = [];
    private float[] _b = [];
    private Sgd<float> _sgd = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _p = new float[Length];
        _g = new float[Length];
        _b = new float[Length];
        for (var i = 0; i < Length; i++)
        {
            _p[i] = (float)random.NextDouble();
            _g[i] = (float)(random.NextDouble() - 0.5);
        }

        var parameter = new Parameter<float>("w", (float[])_p.Clone());
        _g.CopyTo(parameter.Gradient);
        _sgd = new Sgd<float>([parameter], learningRate: 1e-6, momentum: 0.9);
        _sgd.Step();
    }

    /// <summary>Reads p, g, b and writes p, b once, vectorised, on all cores (the bandwidth floor).</summary>
    [Benchmark(Baseline = true)]
    public void MemoryFloor()
    {
        Parallel.For(0, Environment.ProcessorCount, k =>
        {
            var chunk = Length / Environment.ProcessorCount;
            var start = k * chunk;
            var p = MemoryMarshal.Cast<float, Vector<float>>(_p.AsSpan(start, chunk));
            var g = MemoryMarshal.Cast<float, Vector<float>>(_g.AsSpan(start, chunk));
            var b = MemoryMarshal.Cast<float, Vector<float>>(_b.AsSpan(start, chunk));
            for (var i = 0; i < p.Length; i++)
            {
                var bi = b[i] + g[i];
                b[i] = bi;
                p[i] += bi;
            }
        });
    }

    /// <summary>SGD with momentum as a plain scalar loop (one thread).</summary>
    [Benchmark]
    public void Scalar()
    {
        var p = _p;
        var g = _g;
        var b = _b;
        for (var i = 0; i < p.Length; i++)
        {
            b[i] = (b[i] * 0.9f) + g[i];
            p[i] -= 1e-6f * b[i];
        }
    }

    /// <summary>LlmCore's SGD: one fused Vector&lt;T&gt; pass, split across cores.</summary>
    [Benchmark]
    public void LlmCore() => _sgd.Step();
}

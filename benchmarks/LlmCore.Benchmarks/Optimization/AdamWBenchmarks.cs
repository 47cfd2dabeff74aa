using System.Numerics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using LlmCore.Optimization;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Benchmarks.Optimization;

/// <summary>
/// One AdamW step over 16M float parameters against the memory floor of that step (one vectorised pass that reads
/// four float arrays and writes three: what AdamW must touch), a plain scalar loop, and, for comparison in the same
/// table, Lion, Adafactor (a 4096×4096 matrix) and 8-bit AdamW on the same parameter count.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Optimization")]
public class AdamWBenchmarks
{
    private const int Length = 1 << 24;
    private float[] _p = [];
    private float[] _g = [];
    private float[] _m = [];
    private float[] _v = [];
    private AdamW<float> _adamw = null!;
    private Lion<float> _lion = null!;
    private Adafactor<float> _adafactor = null!;
    private Adam8Bit<float> _adamw8 = null!;
    private long _step;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _p = new float[Length];
        _g = new float[Length];
        _m = new float[Length];
        _v = new float[Length];
        for (var i = 0; i < Length; i++)
        {
            _p[i] = (float)random.NextDouble();
            _g[i] = (float)(random.NextDouble() - 0.5);
        }

        _adamw = new AdamW<float>([Make("adamw", Length)], 1e-6);
        _lion = new Lion<float>([Make("lion", Length)], 1e-7);
        _adafactor = new Adafactor<float>([Make("adafactor", 4096, 4096)], 1e-6);
        _adamw8 = new Adam8Bit<float>([Make("adamw8bit", Length)], 1e-6, weightDecay: 0.01, decoupledWeightDecay: true);
    }

    /// <summary>Reads p, g, m, v and writes p, m, v once, vectorised, on all cores (the bandwidth floor).</summary>
    [Benchmark(Baseline = true)]
    public void MemoryFloor()
    {
        Parallel.For(0, Environment.ProcessorCount, k =>
        {
            var chunk = Length / Environment.ProcessorCount;
            var start = k * chunk;
            var p = MemoryMarshal.Cast<float, Vector<float>>(_p.AsSpan(start, chunk));
            var g = MemoryMarshal.Cast<float, Vector<float>>(_g.AsSpan(start, chunk));
            var m = MemoryMarshal.Cast<float, Vector<float>>(_m.AsSpan(start, chunk));
            var v = MemoryMarshal.Cast<float, Vector<float>>(_v.AsSpan(start, chunk));
            for (var i = 0; i < p.Length; i++)
            {
                var gi = g[i];
                p[i] += gi;
                m[i] += gi;
                v[i] += p[i];
            }
        });
    }

    /// <summary>AdamW as a plain scalar loop (PyTorch's rule, one thread).</summary>
    [Benchmark]
    public void Scalar()
    {
        _step++;
        const float Lr = 1e-6f, B1 = 0.9f, B2 = 0.999f, Eps = 1e-8f, Wd = 0.01f;
        var bc1 = 1 - MathF.Pow(B1, _step);
        var bc2Sqrt = MathF.Sqrt(1 - MathF.Pow(B2, _step));
        var stepSize = Lr / bc1;
        var p = _p;
        var g = _g;
        var m = _m;
        var v = _v;
        for (var i = 0; i < p.Length; i++)
        {
            p[i] *= 1 - (Lr * Wd);
            m[i] += (1 - B1) * (g[i] - m[i]);
            v[i] = (v[i] * B2) + ((1 - B2) * g[i] * g[i]);
            p[i] -= stepSize * m[i] / ((MathF.Sqrt(v[i]) / bc2Sqrt) + Eps);
        }
    }

    /// <summary>LlmCore's AdamW: one fused Vector&lt;T&gt; pass, split across cores.</summary>
    [Benchmark]
    public void LlmCore() => _adamw.Step();

    /// <summary>LlmCore's Lion (reads p, g, m; writes p, m).</summary>
    [Benchmark]
    public void Lion() => _lion.Step();

    /// <summary>LlmCore's Adafactor on a 4096×4096 matrix (factored second moment).</summary>
    [Benchmark]
    public void Adafactor() => _adafactor.Step();

    /// <summary>LlmCore's 8-bit block-wise AdamW.</summary>
    [Benchmark]
    public void AdamW8Bit() => _adamw8.Step();

    private Parameter<float> Make(string name, params int[] shape)
    {
        var parameter = new Parameter<float>(name, (float[])_p.Clone(), shape);
        _g.CopyTo(parameter.Gradient);
        return parameter;
    }
}

using BenchmarkDotNet.Attributes;
using LlmCore.Optimization;
using LlmCore.Optimization.Internal;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Benchmarks.Optimization;

/// <summary>
/// One NAdam step (decoupled weight decay) over 1M float parameters: LlmCore's NAdam, whose per-element rule runs
/// inside the shared <c>ElementwiseUpdate</c> loop, against the loop NAdam had before that helper existed (kept here,
/// verbatim, as the baseline) so that the helper's cost reads as a ratio in one run.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Optimization")]
public class ScalarOptimizerBenchmarks
{
    private const int Length = 1 << 20;
    private const double Lr = 1e-6, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8, WeightDecay = 0.01, MomentumDecay = 4e-3;
    private float[] _p = [];
    private float[] _g = [];
    private float[] _m = [];
    private float[] _v = [];
    private double _muProduct = 1;
    private long _step;
    private NAdam<float> _nadam = null!;

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

        var parameter = new Parameter<float>("nadam", (float[])_p.Clone());
        _g.CopyTo(parameter.Gradient);
        _nadam = new NAdam<float>([parameter], Lr, weightDecay: WeightDecay, decoupledWeightDecay: true);
    }

    /// <summary>NAdam's loop before the shared helper (LlmCore 0.1.0's <c>NAdam.Update</c>, inlined here).</summary>
    [Benchmark(Baseline = true)]
    public void NAdamBefore()
    {
        _step++;
        double t = _step;
        var p = _p.AsSpan();
        var g = _g.AsSpan();
        var m = _m.AsSpan();
        var v = _v.AsSpan();
        var n = p.Length;
        var bc2 = (float)(1 - Math.Pow(Beta2, t));
        var mu = Beta1 * (1 - (0.5 * Math.Pow(0.96, t * MomentumDecay)));
        var muNext = Beta1 * (1 - (0.5 * Math.Pow(0.96, (t + 1) * MomentumDecay)));
        var product = _muProduct * mu;
        _muProduct = product;
        var c1 = (float)(-Lr * (1 - mu) / (1 - product));
        var c2 = (float)(-Lr * muNext / (1 - (product * muNext)));
        var w = (float)(1 - Beta1);
        var omw = 1 - w;
        var low = Math.Abs(1 - Beta1) < 0.5;
        var b2 = (float)Beta2;
        var omb2 = (float)(1 - Beta2);
        var eps = (float)Epsilon;
        var wd = (float)WeightDecay;
        var decay = (float)(1 - (Lr * WeightDecay));
        var decoupled = true;
        for (var i = 0; i < n; i++)
        {
            var gi = g[i];
            var pi = p[i];
            if (WeightDecay != 0)
            {
                if (decoupled)
                {
                    pi *= decay;
                }
                else
                {
                    gi += wd * pi;
                }
            }

            var mi = Kernels.Lerp(m[i], gi, w, omw, low);
            m[i] = mi;
            var vi = (v[i] * b2) + (omb2 * gi * gi);
            v[i] = vi;
            var denom = MathF.Sqrt(vi / bc2) + eps;
            pi += c1 * gi / denom;
            p[i] = pi + (c2 * mi / denom);
        }
    }

    /// <summary>LlmCore's NAdam: the same rule inside <c>ElementwiseUpdate.Run</c>.</summary>
    [Benchmark]
    public void NAdam() => _nadam.Step();
}

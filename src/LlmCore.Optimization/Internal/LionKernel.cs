using System.Numerics;
using System.Runtime.InteropServices;

namespace LlmCore.Optimization.Internal;

/// <summary>
/// Lion in one pass (Chen et al. 2023; lucidrains/lion-pytorch, Optax <c>lion</c>):
/// θ ← θ(1 − lr·λ); c ← β₁m + (1 − β₁)g; θ ← θ − lr·sign(c); m ← β₂m + (1 − β₂)g.
/// </summary>
internal static class LionKernel
{
    public static void Scalar<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> m, T decay, bool decoupled, T beta1, T oneMinusBeta1, T beta2, T oneMinusBeta2, T negLr)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var i = 0; i < p.Length; i++)
        {
            var pi = p[i];
            if (decoupled)
            {
                pi *= decay;
            }

            var gi = g[i];
            var mi = m[i];
            var c = (mi * beta1) + (oneMinusBeta1 * gi);
            var sign = c > T.Zero ? T.One : c < T.Zero ? -T.One : T.Zero;
            p[i] = pi + (sign * negLr);
            m[i] = (mi * beta2) + (oneMinusBeta2 * gi);
        }
    }

    public static void Vectorized<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> m, T decay, bool decoupled, T beta1, T oneMinusBeta1, T beta2, T oneMinusBeta2, T negLr)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var pv = MemoryMarshal.Cast<T, Vector<T>>(p);
        var gv = MemoryMarshal.Cast<T, Vector<T>>(g);
        var mv = MemoryMarshal.Cast<T, Vector<T>>(m);
        var dv = new Vector<T>(decay);
        var b1 = new Vector<T>(beta1);
        var omb1 = new Vector<T>(oneMinusBeta1);
        var b2 = new Vector<T>(beta2);
        var omb2 = new Vector<T>(oneMinusBeta2);
        var lr = new Vector<T>(negLr);
        var negLrv = -lr;
        var zero = Vector<T>.Zero;
        for (var i = 0; i < pv.Length; i++)
        {
            var pi = pv[i];
            if (decoupled)
            {
                pi *= dv;
            }

            var gi = gv[i];
            var mi = mv[i];
            var c = (mi * b1) + (omb1 * gi);

            // sign(c)·(−lr): −lr where c > 0, +lr where c < 0, 0 elsewhere (NaN included, as sign(NaN)·x is NaN only in torch).
            var step = Vector.ConditionalSelect(Vector.GreaterThan(c, zero), lr, Vector.ConditionalSelect(Vector.LessThan(c, zero), negLrv, zero));
            pv[i] = pi + step;
            mv[i] = (mi * b2) + (omb2 * gi);
        }

        var done = pv.Length * Vector<T>.Count;
        if (done < p.Length)
        {
            Scalar(p[done..], g[done..], m[done..], decay, decoupled, beta1, oneMinusBeta1, beta2, oneMinusBeta2, negLr);
        }
    }
}

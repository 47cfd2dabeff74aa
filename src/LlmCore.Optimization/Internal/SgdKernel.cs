using System.Numerics;
using System.Runtime.InteropServices;

namespace LlmCore.Optimization.Internal;

/// <summary>
/// SGD with momentum in one pass, in <c>torch/optim/sgd.py::_single_tensor_sgd</c>'s operation order:
/// g ← g + λθ; b ← g (first step) or μb + (1 − τ)g; g ← g + μb (Nesterov) or b; θ ← θ + (−lr)g.
/// </summary>
internal static class SgdKernel
{
    public static void Scalar<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> buffer, T negLr, T wd, T mu, T oneMinusDampening, bool momentum, bool first, bool nesterov)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var decay = wd != T.Zero;
        for (var i = 0; i < p.Length; i++)
        {
            var gi = g[i];
            if (decay)
            {
                gi += wd * p[i];
            }

            if (momentum)
            {
                var b = first ? gi : (buffer[i] * mu) + (oneMinusDampening * gi);
                buffer[i] = b;
                gi = nesterov ? gi + (mu * b) : b;
            }

            p[i] += negLr * gi;
        }
    }

    public static void Vectorized<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> buffer, T negLr, T wd, T mu, T oneMinusDampening, bool momentum, bool first, bool nesterov)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var pv = MemoryMarshal.Cast<T, Vector<T>>(p);
        var gv = MemoryMarshal.Cast<T, Vector<T>>(g);
        var bv = MemoryMarshal.Cast<T, Vector<T>>(buffer);
        var decay = wd != T.Zero;
        var lrv = new Vector<T>(negLr);
        var wdv = new Vector<T>(wd);
        var muv = new Vector<T>(mu);
        var omd = new Vector<T>(oneMinusDampening);
        for (var i = 0; i < pv.Length; i++)
        {
            var gi = gv[i];
            if (decay)
            {
                gi += wdv * pv[i];
            }

            if (momentum)
            {
                var b = first ? gi : (bv[i] * muv) + (omd * gi);
                bv[i] = b;
                gi = nesterov ? gi + (muv * b) : b;
            }

            pv[i] += lrv * gi;
        }

        var done = pv.Length * Vector<T>.Count;
        if (done < p.Length)
        {
            Scalar(p[done..], g[done..], momentum ? buffer[done..] : default, negLr, wd, mu, oneMinusDampening, momentum, first, nesterov);
        }
    }
}

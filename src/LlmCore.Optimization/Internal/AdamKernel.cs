using System.Numerics;
using System.Runtime.InteropServices;

namespace LlmCore.Optimization.Internal;

/// <summary>The per-step constants of one Adam/AdamW update, computed in double as PyTorch's Python scalars.</summary>
internal readonly struct AdamScalars<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public AdamScalars(double lr, double beta1, double beta2, double eps, double weightDecay, bool decoupled, bool amsgrad, long step)
    {
        var bc1 = 1 - Math.Pow(beta1, step);
        var bc2 = 1 - Math.Pow(beta2, step);
        L2 = !decoupled && weightDecay != 0;
        Decoupled = decoupled && weightDecay != 0;
        WeightDecay = T.CreateChecked(weightDecay);
        Decay = T.CreateChecked(1 - (lr * weightDecay));
        W1 = T.CreateChecked(1 - beta1);
        OneMinusW1 = T.CreateChecked(beta1);
        Low = Math.Abs(1 - beta1) < 0.5;
        Beta2 = T.CreateChecked(beta2);
        OneMinusBeta2 = T.CreateChecked(1 - beta2);
        Bc2Sqrt = T.CreateChecked(Math.Sqrt(bc2));
        NegStepSize = T.CreateChecked(-(lr / bc1));
        Eps = T.CreateChecked(eps);
        AmsGrad = amsgrad;
    }

    public bool L2 { get; }

    public bool Decoupled { get; }

    public T WeightDecay { get; }

    public T Decay { get; }

    public T W1 { get; }

    public T OneMinusW1 { get; }

    public bool Low { get; }

    public T Beta2 { get; }

    public T OneMinusBeta2 { get; }

    public T Bc2Sqrt { get; }

    public T NegStepSize { get; }

    public T Eps { get; }

    public bool AmsGrad { get; }
}

/// <summary>
/// Adam / AdamW / AMSGrad in one pass, in <c>torch/optim/adam.py::_single_tensor_adam</c>'s operation order.
/// </summary>
internal static class AdamKernel
{
    public static void Scalar<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, Span<T> vmax, in AdamScalars<T> s)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var i = 0; i < p.Length; i++)
        {
            var gi = g[i];
            var pi = p[i];
            if (s.L2)
            {
                gi += s.WeightDecay * pi;
            }
            else if (s.Decoupled)
            {
                pi *= s.Decay;
            }

            var mi = Kernels.Lerp(m[i], gi, s.W1, s.OneMinusW1, s.Low);
            var vi = (v[i] * s.Beta2) + (s.OneMinusBeta2 * gi * gi);
            m[i] = mi;
            v[i] = vi;
            if (s.AmsGrad)
            {
                vi = T.Max(vmax[i], vi);
                vmax[i] = vi;
            }

            var denom = (T.Sqrt(vi) / s.Bc2Sqrt) + s.Eps;
            p[i] = pi + (s.NegStepSize * mi / denom);
        }
    }

    public static void Vectorized<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, Span<T> vmax, in AdamScalars<T> s)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var pv = MemoryMarshal.Cast<T, Vector<T>>(p);
        var gv = MemoryMarshal.Cast<T, Vector<T>>(g);
        var mv = MemoryMarshal.Cast<T, Vector<T>>(m);
        var vv = MemoryMarshal.Cast<T, Vector<T>>(v);
        var xv = MemoryMarshal.Cast<T, Vector<T>>(vmax);
        var wd = new Vector<T>(s.WeightDecay);
        var decay = new Vector<T>(s.Decay);
        var w1 = new Vector<T>(s.W1);
        var omw1 = new Vector<T>(s.OneMinusW1);
        var b2 = new Vector<T>(s.Beta2);
        var omb2 = new Vector<T>(s.OneMinusBeta2);
        var bc2 = new Vector<T>(s.Bc2Sqrt);
        var nss = new Vector<T>(s.NegStepSize);
        var eps = new Vector<T>(s.Eps);
        for (var i = 0; i < pv.Length; i++)
        {
            var gi = gv[i];
            var pi = pv[i];
            if (s.L2)
            {
                gi += wd * pi;
            }
            else if (s.Decoupled)
            {
                pi *= decay;
            }

            var mi = Kernels.Lerp(mv[i], gi, w1, omw1, s.Low);
            var vi = (vv[i] * b2) + (omb2 * gi * gi);
            mv[i] = mi;
            vv[i] = vi;
            if (s.AmsGrad)
            {
                vi = Vector.Max(xv[i], vi);
                xv[i] = vi;
            }

            var denom = (Vector.SquareRoot(vi) / bc2) + eps;
            pv[i] = pi + (nss * mi / denom);
        }

        var done = pv.Length * Vector<T>.Count;
        if (done < p.Length)
        {
            Scalar(p[done..], g[done..], m[done..], v[done..], s.AmsGrad ? vmax[done..] : default, s);
        }
    }
}

using System.Numerics;
using System.Numerics.Tensors;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Layers.Sequence;

/// <summary>
/// GELU in GPT-2's tanh form, f(x) = ½x(1 + tanh(k(x + 0.044715x³))), k = √(2/π) (Hendrycks and Gimpel 2016,
/// arXiv:1606.08415, eq. for the tanh approximation; <c>torch.nn.functional.gelu(approximate="tanh")</c>), with
/// f′(x) = ½(1 + t) + ½x(1 − t²)·k(1 + 3·0.044715x²), t = tanh(k(x + 0.044715x³)).
/// </summary>
/// <remarks>
/// The vectorised kernels work on L1-sized chunks: the polynomial parts in <see cref="Vector{T}"/> loops and the
/// tanh by <see cref="TensorPrimitives.Tanh{T}(ReadOnlySpan{T}, Span{T})"/>; <see cref="ForwardScalar{T}"/> and
/// <see cref="BackwardScalar{T}"/> are the references they are tested against. Thread-safe (no state).
/// </remarks>
internal static class GeluTanh
{
    /// <summary>0.044715, the cubic coefficient of the approximation.</summary>
    public const double Cubic = 0.044715;

    /// <summary>√(2/π).</summary>
    public static readonly double K = Math.Sqrt(2.0 / Math.PI);

    private const int Chunk = 512;

    /// <summary>y = f(x), vectorised.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Span<T> t = stackalloc T[Chunk];
        for (var start = 0; start < x.Length; start += Chunk)
        {
            var n = Math.Min(Chunk, x.Length - start);
            var xs = x.Slice(start, n);
            var ts = t[..n];
            Inner(xs, ts);
            TensorPrimitives.Tanh<T>(ts, ts);
            var half = T.CreateTruncating(0.5);
            var ys = y.Slice(start, n);
            var i = 0;
            if (Vector.IsHardwareAccelerated && n >= Vector<T>.Count)
            {
                var vh = new Vector<T>(half);
                for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
                {
                    var vx = new Vector<T>(xs[i..]);
                    var vt = new Vector<T>(ts[i..]);
                    ((vh * vx) * (Vector<T>.One + vt)).CopyTo(ys[i..]);
                }
            }

            for (; i < n; i++)
            {
                ys[i] = half * xs[i] * (T.One + ts[i]);
            }
        }
    }

    /// <summary>dx = f′(x)·dy, vectorised (the tanh is recomputed, nothing is stored by the forward pass).</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Span<T> t = stackalloc T[Chunk];
        var half = T.CreateTruncating(0.5);
        var k = T.CreateTruncating(K);
        var k3c = T.CreateTruncating(3 * Cubic * K);
        for (var start = 0; start < x.Length; start += Chunk)
        {
            var n = Math.Min(Chunk, x.Length - start);
            var xs = x.Slice(start, n);
            var ts = t[..n];
            Inner(xs, ts);
            TensorPrimitives.Tanh<T>(ts, ts);
            var gs = dy.Slice(start, n);
            var ds = dx.Slice(start, n);
            var i = 0;
            if (Vector.IsHardwareAccelerated && n >= Vector<T>.Count)
            {
                var vh = new Vector<T>(half);
                var vk = new Vector<T>(k);
                var vk3c = new Vector<T>(k3c);
                for (; i <= n - Vector<T>.Count; i += Vector<T>.Count)
                {
                    var vx = new Vector<T>(xs[i..]);
                    var vt = new Vector<T>(ts[i..]);
                    var vg = new Vector<T>(gs[i..]);
                    var inner = vk + (vk3c * vx * vx);
                    var d = (vh * (Vector<T>.One + vt)) + (vh * vx * (Vector<T>.One - (vt * vt)) * inner);
                    (d * vg).CopyTo(ds[i..]);
                }
            }

            for (; i < n; i++)
            {
                var xv = xs[i];
                var tv = ts[i];
                var inner = k + (k3c * xv * xv);
                var d = (half * (T.One + tv)) + (half * xv * (T.One - (tv * tv)) * inner);
                ds[i] = d * gs[i];
            }
        }
    }

    /// <summary>The scalar reference of <see cref="Forward{T}"/>, in double.</summary>
    public static void ForwardScalar<T>(ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++)
        {
            var v = double.CreateTruncating(x[i]);
            y[i] = T.CreateTruncating(0.5 * v * (1 + Math.Tanh(K * (v + (Cubic * v * v * v)))));
        }
    }

    /// <summary>The scalar reference of <see cref="Backward{T}"/>, in double.</summary>
    public static void BackwardScalar<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> dy, Span<T> dx)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++)
        {
            var v = double.CreateTruncating(x[i]);
            var t = Math.Tanh(K * (v + (Cubic * v * v * v)));
            var d = (0.5 * (1 + t)) + (0.5 * v * (1 - (t * t)) * K * (1 + (3 * Cubic * v * v)));
            dx[i] = T.CreateTruncating(d * double.CreateTruncating(dy[i]));
        }
    }

    /// <summary>t = k(x + 0.044715x³).</summary>
    private static void Inner<T>(ReadOnlySpan<T> x, Span<T> t)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var k = T.CreateTruncating(K);
        var kc = T.CreateTruncating(K * Cubic);
        var i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var vk = new Vector<T>(k);
            var vkc = new Vector<T>(kc);
            for (; i <= x.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var vx = new Vector<T>(x[i..]);
                (vx * (vk + (vkc * vx * vx))).CopyTo(t[i..]);
            }
        }

        for (; i < x.Length; i++)
        {
            var v = x[i];
            t[i] = v * (k + (kc * v * v));
        }
    }
}

/// <summary>The GELU (tanh form) activation as a sequence layer: <see cref="GeluTanh"/> at every value.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>Not thread-safe.</remarks>
internal sealed class GeluTanhLayer<T> : SequenceLayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Initializes a new instance of the <see cref="GeluTanhLayer{T}"/> class.</summary>
    /// <param name="width">Values per position.</param>
    public GeluTanhLayer(int width)
        : base(width, width)
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<Parameter<T>> Parameters => [];

    private const int Chunk = 1 << 13;

    /// <inheritdoc />
    protected override void ForwardCore(T[] input, in ForwardPass pass)
    {
        var n = Rows * InputWidth;
        SequenceParallel.For(SequenceParallel.Chunks(n, Chunk), new Work(input, null, EnsureOutput(), n));
    }

    /// <inheritdoc />
    protected override void BackwardCore(T[] outputGradient, BackwardContext<T> context)
    {
        var n = Rows * InputWidth;
        SequenceParallel.For(SequenceParallel.Chunks(n, Chunk), new Work(Input, outputGradient, EnsureInputGradient(), n));
    }

    /// <summary>One chunk of the forward (no output gradient) or backward pass.</summary>
    private readonly struct Work(T[] x, T[]? dy, T[] destination, int length) : IParallelBody
    {
        public void Invoke(int index)
        {
            var chunks = SequenceParallel.Chunks(length, Chunk);
            var start = (int)((long)index * length / chunks);
            var count = (int)((long)(index + 1) * length / chunks) - start;
            if (dy is null)
            {
                GeluTanh.Forward<T>(x.AsSpan(start, count), destination.AsSpan(start, count));
            }
            else
            {
                GeluTanh.Backward<T>(x.AsSpan(start, count), dy.AsSpan(start, count), destination.AsSpan(start, count));
            }
        }
    }
}

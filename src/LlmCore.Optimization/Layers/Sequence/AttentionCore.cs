using System.Numerics;
using System.Numerics.Tensors;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Layers.Sequence;

/// <summary>
/// Causal multi-head scaled dot-product attention on a fused [Q | K | V] input of width 3C (Vaswani et al. 2017):
/// per sequence and head h, Yₕ = softmax(QₕKₕᵀ/√dₕ + M)·Vₕ with M the causal mask (−∞ above the diagonal),
/// dₕ = C/H; the heads' outputs are concatenated into C values per position. No parameters of its own (the
/// projections around it are <see cref="LinearLayer{T}"/>s).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// Every product runs through <see cref="Gemm"/> on strided slices of the fused projection (no copies):
/// S = QKᵀ, Y = PV forward; dP = dY·Vᵀ, dV = Pᵀ·dY, dS = P⊙(dP − rowsum(dP⊙P)), dQ = dS·K/√dₕ, dK = dSᵀ·Q/√dₕ backward.
/// The softmax subtracts each row's maximum over the causal positions before exponentiating, and masked entries
/// are exactly zero, so no position ever reads a later one. Optional dropout on the probabilities (GPT-2's
/// <c>attn_dropout</c>) uses <see cref="DropoutMask"/>.
/// </para>
/// <para>Not thread-safe.</para>
/// </remarks>
internal sealed class AttentionCore<T> : SequenceLayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly int _width;
    private T[] _probabilities = [];
    private T[] _mask = [];
    private T[] _dropped = [];
    private bool _dropout;

    /// <summary>Initializes a new instance of the <see cref="AttentionCore{T}"/> class.</summary>
    /// <param name="width">C, a multiple of <paramref name="heads"/>.</param>
    /// <param name="heads">H ≥ 1.</param>
    /// <param name="dropout">The attention-probability dropout rate in [0, 1).</param>
    /// <param name="site">The dropout site number.</param>
    public AttentionCore(int width, int heads, double dropout, int site)
        : base(3 * width, width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        if (width % heads != 0)
        {
            throw new ArgumentException($"The head count {heads} must divide the width {width}.", nameof(heads));
        }

        if (!(dropout >= 0 && dropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "The dropout probability must be in [0, 1).");
        }

        _width = width;
        Heads = heads;
        Dropout = dropout;
        Site = site;
    }

    /// <summary>Gets H.</summary>
    public int Heads { get; }

    /// <summary>Gets the attention-probability dropout rate.</summary>
    public double Dropout { get; }

    /// <summary>Gets the dropout site number.</summary>
    public int Site { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Parameter<T>> Parameters => [];

    /// <summary>Gets the attention probabilities of the last forward pass, [B, H, T, T] (for tests).</summary>
    internal ReadOnlySpan<T> Probabilities => _probabilities.AsSpan(0, Batch * Heads * Length * Length);

    /// <inheritdoc />
    protected override void ForwardCore(T[] input, in ForwardPass pass)
    {
        var area = Length * Length;
        var heads = Batch * Heads;
        var probabilities = Ensure(ref _probabilities, heads * area);
        var y = EnsureOutput();
        _dropout = pass.Training && Dropout > 0;
        if (_dropout)
        {
            var mask = Ensure(ref _mask, heads * area).AsSpan(0, heads * area);
            DropoutMask.Fill(DropoutMask.Key(pass.Seed, pass.Counter, Site), 0, Dropout, mask);
            Ensure(ref _dropped, heads * area);
        }

        SequenceParallel.For(heads, new ForwardWork(input, probabilities, _mask, _dropped, y, Length, _width, Heads, _dropout));
    }

    /// <inheritdoc />
    protected override void BackwardCore(T[] outputGradient, BackwardContext<T> context)
    {
        var heads = Batch * Heads;
        var scores = context.Buffer(ScratchSlot.Attention, heads * Length * Length);
        SequenceParallel.For(heads, new BackwardWork(Input, _probabilities, _mask, _dropped, outputGradient, EnsureInputGradient(), scores, Length, _width, Heads, _dropout));
    }

    /// <summary>One (sequence, head) of the forward pass.</summary>
    private readonly struct ForwardWork(T[] input, T[] probabilities, T[] mask, T[] dropped, T[] output, int length, int width, int heads, bool dropout) : IParallelBody
    {
        public void Invoke(int index)
        {
            var at = new HeadSlices(index, length, width, heads);
            var dh = at.HeadSize;
            var area = at.Area;
            ReadOnlySpan<T> q = input.AsSpan(at.Query);
            ReadOnlySpan<T> k = input.AsSpan(at.Key);
            ReadOnlySpan<T> v = input.AsSpan(at.Value);
            var p = probabilities.AsSpan(index * area, area);
            var scale = T.One / T.Sqrt(T.CreateTruncating(dh));
            Gemm.Multiply(false, true, length, length, dh, scale, q, 3 * width, k, 3 * width, T.Zero, p, length);
            for (var t = 0; t < length; t++)
            {
                var row = p.Slice(t * length, length);
                var live = row[..(t + 1)];
                var max = TensorPrimitives.Max<T>(live);
                TensorPrimitives.Subtract(live, max, live);
                TensorPrimitives.Exp<T>(live, live);
                TensorPrimitives.Multiply(live, T.One / TensorPrimitives.Sum<T>(live), live);
                row[(t + 1)..].Clear();
            }

            ReadOnlySpan<T> used = p;
            if (dropout)
            {
                var kept = dropped.AsSpan(index * area, area);
                TensorPrimitives.Multiply(p, mask.AsSpan(index * area, area), kept);
                used = kept;
            }

            Gemm.Multiply(false, false, length, dh, length, T.One, used, length, v, 3 * width, T.Zero, output.AsSpan(at.Output), width);
        }
    }

    /// <summary>One (sequence, head) of the backward pass.</summary>
    private readonly struct BackwardWork(T[] input, T[] probabilities, T[] mask, T[] dropped, T[] outputGradient, T[] inputGradient, T[] scores, int length, int width, int heads, bool dropout) : IParallelBody
    {
        public void Invoke(int index)
        {
            var at = new HeadSlices(index, length, width, heads);
            var dh = at.HeadSize;
            var area = at.Area;
            ReadOnlySpan<T> q = input.AsSpan(at.Query);
            ReadOnlySpan<T> k = input.AsSpan(at.Key);
            ReadOnlySpan<T> v = input.AsSpan(at.Value);
            var dq = inputGradient.AsSpan(at.Query);
            var dk = inputGradient.AsSpan(at.Key);
            var dv = inputGradient.AsSpan(at.Value);
            ReadOnlySpan<T> dy = outputGradient.AsSpan(at.Output);
            ReadOnlySpan<T> p = probabilities.AsSpan(index * area, area);
            ReadOnlySpan<T> used = dropout ? dropped.AsSpan(index * area, area) : p;
            var dp = scores.AsSpan(index * area, area);
            var scale = T.One / T.Sqrt(T.CreateTruncating(dh));

            // dV = P̃ᵀ·dY and dP̃ = dY·Vᵀ (P̃ the probabilities after dropout), then dP = dP̃⊙mask.
            Gemm.Multiply(true, false, length, dh, length, T.One, used, length, dy, width, T.Zero, dv, 3 * width);
            Gemm.Multiply(false, true, length, length, dh, T.One, dy, width, v, 3 * width, T.Zero, dp, length);
            if (dropout)
            {
                TensorPrimitives.Multiply(dp, mask.AsSpan(index * area, area), dp);
            }

            // dS = P⊙(dP − Σ dP⊙P) on the causal part, zero above the diagonal.
            for (var t = 0; t < length; t++)
            {
                var row = dp.Slice(t * length, length);
                var live = row[..(t + 1)];
                var pr = p.Slice(t * length, t + 1);
                var dot = TensorPrimitives.Dot(live, pr);
                TensorPrimitives.Subtract(live, dot, live);
                TensorPrimitives.Multiply(live, pr, live);
                row[(t + 1)..].Clear();
            }

            Gemm.Multiply(false, false, length, dh, length, scale, dp, length, k, 3 * width, T.Zero, dq, 3 * width);
            Gemm.Multiply(true, false, length, dh, length, scale, dp, length, q, 3 * width, T.Zero, dk, 3 * width);
        }
    }

    /// <summary>Where one (sequence, head) lives: offsets of its Q, K, V columns in the fused [B·T, 3C] input and of its columns in the [B·T, C] output.</summary>
    private readonly struct HeadSlices
    {
        public HeadSlices(int index, int length, int width, int heads)
        {
            var b = index / heads;
            HeadSize = width / heads;
            Area = length * length;
            var column = (index % heads) * HeadSize;
            Query = (b * length * 3 * width) + column;
            Key = Query + width;
            Value = Query + (2 * width);
            Output = (b * length * width) + column;
        }

        public int HeadSize { get; }

        public int Area { get; }

        public int Query { get; }

        public int Key { get; }

        public int Value { get; }

        public int Output { get; }
    }
}

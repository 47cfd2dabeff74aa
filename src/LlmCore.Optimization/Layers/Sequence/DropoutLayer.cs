using System.Numerics;
using System.Numerics.Tensors;

namespace LlmCore.Optimization.Layers.Sequence;

/// <summary>
/// Inverted dropout's keep mask as a pure function of (seed, training-forward counter, site, element): element e of
/// dropout site s in the training forward pass number c is kept when u ≥ p, with u ∈ [0, 1) the top 53 bits of
/// SplitMix64(key(seed, c, s) + e·φ) (Steele, Lea, Flood 2014, "Fast splittable pseudorandom number generators").
/// Kept values are scaled by 1/(1 − p) (Srivastava et al. 2014; <c>torch.nn.Dropout</c>).
/// </summary>
/// <remarks>
/// Because the mask depends on nothing but those four numbers, a model restored from a checkpoint with its counter
/// draws the very masks an uninterrupted run would have drawn. Thread-safe (no state).
/// </remarks>
internal static class DropoutMask
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The key of one site in one forward pass.</summary>
    public static ulong Key(ulong seed, long counter, int site) =>
        Mix(Mix(seed ^ 0x243F6A8885A308D3UL) ^ Mix(unchecked((ulong)counter) + 0x13198A2E03707344UL) ^ Mix(unchecked((ulong)site * 0xA4093822299F31D0UL) + 1));

    /// <summary>The uniform u ∈ [0, 1) of element <paramref name="element"/> under <paramref name="key"/>.</summary>
    public static double Uniform(ulong key, long element) => (Mix(key + (unchecked((ulong)element) * Golden)) >> 11) * (1.0 / (1UL << 53));

    /// <summary>Fills mask[e] = 1/(1 − p) when element (offset + e) is kept, else 0.</summary>
    public static void Fill<T>(ulong key, long offset, double probability, Span<T> mask)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var keep = T.CreateTruncating(1.0 / (1.0 - probability));
        for (var e = 0; e < mask.Length; e++)
        {
            mask[e] = Uniform(key, offset + e) >= probability ? keep : T.Zero;
        }
    }

    /// <summary>SplitMix64's output function.</summary>
    public static ulong Mix(ulong z)
    {
        z += Golden;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>Inverted dropout at rate p with masks from <see cref="DropoutMask"/>; the identity outside training or at p = 0.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>At p = 0 (or in inference) output and input gradient are the very arrays given, so p = 0 is exactly no dropout. Not thread-safe.</remarks>
internal sealed class DropoutLayer<T> : SequenceLayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private T[] _mask = [];
    private T[] _output = [];
    private T[] _inputGradient = [];
    private bool _active;

    /// <summary>Initializes a new instance of the <see cref="DropoutLayer{T}"/> class.</summary>
    /// <param name="width">Values per position.</param>
    /// <param name="probability">p ∈ [0, 1).</param>
    /// <param name="site">This layer's site number within its model (distinct per dropout layer).</param>
    public DropoutLayer(int width, double probability, int site)
        : base(width, width)
    {
        if (!(probability >= 0 && probability < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The dropout probability must be in [0, 1).");
        }

        Probability = probability;
        Site = site;
    }

    /// <summary>Gets p.</summary>
    public double Probability { get; }

    /// <summary>Gets the site number.</summary>
    public int Site { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Parameter<T>> Parameters => [];

    /// <inheritdoc />
    protected override void ForwardCore(T[] input, in ForwardPass pass)
    {
        _active = pass.Training && Probability > 0;
        if (!_active)
        {
            AliasOutput(input);
            return;
        }

        var n = Rows * InputWidth;
        var mask = Ensure(ref _mask, n).AsSpan(0, n);
        DropoutMask.Fill(DropoutMask.Key(pass.Seed, pass.Counter, Site), 0, Probability, mask);
        var y = Ensure(ref _output, n);
        TensorPrimitives.Multiply(input.AsSpan(0, n), mask, y.AsSpan(0, n));
        AliasOutput(y);
    }

    /// <inheritdoc />
    protected override void BackwardCore(T[] outputGradient, BackwardContext<T> context)
    {
        if (!_active)
        {
            AliasInputGradient(outputGradient);
            return;
        }

        var n = Rows * InputWidth;
        var dx = Ensure(ref _inputGradient, n);
        TensorPrimitives.Multiply(outputGradient.AsSpan(0, n), _mask.AsSpan(0, n), dx.AsSpan(0, n));
        AliasInputGradient(dx);
    }
}

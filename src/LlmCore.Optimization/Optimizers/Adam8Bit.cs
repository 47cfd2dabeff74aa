using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Optimizers;

/// <summary>
/// Adam and AdamW with 8-bit block-wise quantized state (Dettmers, Lewis, Shleifer and Zettlemoyer 2022, "8-bit
/// Optimizers via Block-wise Quantization"), as bitsandbytes' <c>Adam8bit</c>/<c>AdamW8bit</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// Both moments are stored as one byte per element: a code into a dynamic (tree) quantization map (signed for m,
/// unsigned for v) times the absolute maximum of its block of 256 elements, kept as a float. Each step dequantizes a
/// block, applies the Adam update in single precision (θ ← θ(1 − lr·λ) when decoupled; m ← β₁m + (1 − β₁)g;
/// v ← β₂v + (1 − β₂)g²; θ ← θ − lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·m/(√v + ε√(1 − β₂ᵗ))), and requantizes with the new block
/// maximum. Tensors with fewer than 4,096 elements keep 32-bit state, as bitsandbytes' <c>min_8bit_size</c>.
/// </para>
/// <para>
/// Memory per parameter for optimizer state: 2 bytes of codes + 2 × 4/256 bytes of block scales = 2.03 bytes, against
/// 8 bytes for 32-bit Adam (and 2·sizeof(T) for small tensors). Quantization makes results differ from exact Adam at
/// the level of the map's resolution (about 1% relative error per moment). This type is not thread-safe.
/// </para>
/// </remarks>
public sealed class Adam8Bit<T> : Optimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The block size of the quantized state.</summary>
    public const int BlockSize = 256;

    /// <summary>Tensors shorter than this keep 32-bit state.</summary>
    public const int MinimumQuantizedLength = 4096;

    /// <summary>Initializes a new instance of the <see cref="Adam8Bit{T}"/> class.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-3.</param>
    /// <param name="beta1">β₁ in [0, 1); default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1); default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-8.</param>
    /// <param name="weightDecay">The weight decay λ, ≥ 0; default 0.</param>
    /// <param name="decoupledWeightDecay">Whether weight decay is decoupled (AdamW8bit) rather than an L2 term.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range.</exception>
    public Adam8Bit(IEnumerable<Parameter<T>> parameters, double learningRate = Adam8BitOptions.DefaultLearningRate, double beta1 = Adam8BitOptions.DefaultBeta1, double beta2 = Adam8BitOptions.DefaultBeta2, double epsilon = Adam8BitOptions.DefaultEpsilon, double weightDecay = Adam8BitOptions.DefaultWeightDecay, bool decoupledWeightDecay = Adam8BitOptions.DefaultDecoupledWeightDecay)
        : base(parameters, learningRate, weightDecay)
    {
        (Beta1, Beta2, Epsilon) = AdamUpdate.Validate(beta1, beta2, epsilon);
        DecoupledWeightDecay = decoupledWeightDecay;
    }

    /// <summary>Initializes a new instance of the <see cref="Adam8Bit{T}"/> class over parameter groups.</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-3.</param>
    /// <param name="beta1">β₁ in [0, 1); default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1); default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-8.</param>
    /// <param name="weightDecay">The weight decay λ, ≥ 0; default 0.</param>
    /// <param name="decoupledWeightDecay">Whether weight decay is decoupled (AdamW8bit).</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range.</exception>
    public Adam8Bit(IEnumerable<ParameterGroup<T>> groups, double learningRate = Adam8BitOptions.DefaultLearningRate, double beta1 = Adam8BitOptions.DefaultBeta1, double beta2 = Adam8BitOptions.DefaultBeta2, double epsilon = Adam8BitOptions.DefaultEpsilon, double weightDecay = Adam8BitOptions.DefaultWeightDecay, bool decoupledWeightDecay = Adam8BitOptions.DefaultDecoupledWeightDecay)
        : base(groups, learningRate, weightDecay)
    {
        (Beta1, Beta2, Epsilon) = AdamUpdate.Validate(beta1, beta2, epsilon);
        DecoupledWeightDecay = decoupledWeightDecay;
    }

    /// <summary>Initializes a new instance of the <see cref="Adam8Bit{T}"/> class from named hyperparameters.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="options">The hyperparameters; <c>new Adam8BitOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Adam8Bit(IEnumerable<Parameter<T>> parameters, Adam8BitOptions options)
        : this(parameters, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, options.DecoupledWeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Initializes a new instance of the <see cref="Adam8Bit{T}"/> class from named hyperparameters.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="options">The hyperparameters; <c>new Adam8BitOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Adam8Bit(IEnumerable<ParameterGroup<T>> groups, Adam8BitOptions options)
        : this(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, options.DecoupledWeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Gets β₁.</summary>
    public double Beta1 { get; }

    /// <summary>Gets β₂.</summary>
    public double Beta2 { get; }

    /// <summary>Gets ε.</summary>
    public double Epsilon { get; }

    /// <summary>Gets a value indicating whether weight decay is decoupled.</summary>
    public bool DecoupledWeightDecay { get; }

    /// <inheritdoc />
    public override string Kind => DecoupledWeightDecay ? "adamw8bit" : "adam8bit";

    private protected override StateSlot[] Slots => StateSlots.Adam;

    private protected override ParameterState<T> CreateState(Parameter<T> parameter)
    {
        var state = base.CreateState(parameter);
        if (parameter.Length >= MinimumQuantizedLength)
        {
            var blocks = (parameter.Length + BlockSize - 1) / BlockSize;
            state.Bytes = [new byte[parameter.Length], new byte[parameter.Length]];
            state.Floats = [new float[blocks], new float[blocks]];
        }

        return state;
    }

    private protected override void Update(Parameter<T> parameter, ParameterState<T> state, double learningRate, double weightDecay)
    {
        if (parameter.Length < MinimumQuantizedLength)
        {
            AdamUpdate.Apply(parameter, state, new AdamScalars<T>(learningRate, Beta1, Beta2, Epsilon, weightDecay, DecoupledWeightDecay, false, state.Step), ParallelThreshold);
            return;
        }

        var c1 = 1 - Math.Pow(Beta1, state.Step);
        var c2 = Math.Sqrt(1 - Math.Pow(Beta2, state.Step));
        var constants = new Constants(
            (float)Beta1, (float)(1 - Beta1), (float)Beta2, (float)(1 - Beta2), (float)(-learningRate * c2 / c1), (float)(Epsilon * c2),
            (float)weightDecay, (float)(1 - (learningRate * weightDecay)), weightDecay != 0 && !DecoupledWeightDecay, weightDecay != 0 && DecoupledWeightDecay);
        var p = parameter.ValueArray;
        var g = parameter.GradientArray;
        var mCodes = state.Bytes[0]!;
        var vCodes = state.Bytes[1]!;
        var mMax = state.Floats[0]!;
        var vMax = state.Floats[1]!;
        var blocks = mMax.Length;
        if (parameter.Length < ParallelThreshold)
        {
            for (var b = 0; b < blocks; b++)
            {
                UpdateBlock(p, g, mCodes, vCodes, mMax, vMax, b, constants);
            }

            return;
        }

        Parallel.For(0, blocks, b => UpdateBlock(p, g, mCodes, vCodes, mMax, vMax, b, constants));
    }

    private static void UpdateBlock(T[] p, T[] g, byte[] mCodes, byte[] vCodes, float[] mMax, float[] vMax, int block, in Constants c)
    {
        var start = block * BlockSize;
        var count = Math.Min(BlockSize, p.Length - start);
        Span<float> m = stackalloc float[BlockSize];
        Span<float> v = stackalloc float[BlockSize];
        var signed = DynamicQuantization.Signed;
        var unsigned = DynamicQuantization.Unsigned;
        var mScale = mMax[block];
        var vScale = vMax[block];
        var newMMax = 0f;
        var newVMax = 0f;
        for (var i = 0; i < count; i++)
        {
            var k = start + i;
            var pi = float.CreateTruncating(p[k]);
            var gi = float.CreateTruncating(g[k]);
            if (c.L2)
            {
                gi += c.WeightDecay * pi;
            }
            else if (c.Decoupled)
            {
                pi *= c.Decay;
            }

            var mi = (c.Beta1 * (signed[mCodes[k]] * mScale)) + (c.OneMinusBeta1 * gi);
            var vi = (c.Beta2 * (unsigned[vCodes[k]] * vScale)) + (c.OneMinusBeta2 * gi * gi);
            m[i] = mi;
            v[i] = vi;
            newMMax = MathF.Max(newMMax, MathF.Abs(mi));
            newVMax = MathF.Max(newVMax, vi);
            p[k] = T.CreateTruncating(pi + (c.StepSize * (mi / (MathF.Sqrt(vi) + c.Epsilon))));
        }

        mMax[block] = newMMax;
        vMax[block] = newVMax;
        var mInverse = newMMax > 0 ? 1f / newMMax : 0f;
        var vInverse = newVMax > 0 ? 1f / newVMax : 0f;
        for (var i = 0; i < count; i++)
        {
            mCodes[start + i] = DynamicQuantization.NearestSigned(m[i] * mInverse);
            vCodes[start + i] = DynamicQuantization.NearestUnsigned(v[i] * vInverse);
        }
    }

    private readonly record struct Constants(
        float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float StepSize, float Epsilon, float WeightDecay, float Decay, bool L2, bool Decoupled);
}

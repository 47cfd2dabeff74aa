using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Optimizers;

/// <summary>
/// Adam (Kingma and Ba 2015, "Adam: A Method for Stochastic Optimization"), with the AMSGrad variant (Reddi et al.
/// 2018) and optional decoupled weight decay, exactly as <c>torch.optim.Adam</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// t ← t + 1; g ← g + λθ (or θ ← θ(1 − lr·λ) when decoupled, before the moments, with the scheduled lr);
/// m ← lerp(m, g, 1 − β₁); v ← β₂v + (1 − β₂)g²; AMSGrad: v_max ← max(v_max, v) over the raw v;
/// θ ← θ − (lr/(1 − β₁ᵗ))·m/(√v/√(1 − β₂ᵗ) + ε). ε is outside the square root and after bias correction
/// (Keras' ε̂ equals this ε·√(1 − β₂ᵗ)). One fused vectorised pass per tensor, split across cores above
/// <see cref="Optimizer{T}.ParallelThreshold"/>. This type is not thread-safe.
/// </remarks>
public class Adam<T> : Optimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Initializes a new instance of the <see cref="Adam{T}"/> class.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The learning rate, ≥ 0; PyTorch's default 1e-3.</param>
    /// <param name="beta1">The first-moment decay β₁ in [0, 1); default 0.9.</param>
    /// <param name="beta2">The second-moment decay β₂ in [0, 1); default 0.999.</param>
    /// <param name="epsilon">The ε added to the denominator, &gt; 0; default 1e-8.</param>
    /// <param name="weightDecay">The weight decay λ, ≥ 0; default 0.</param>
    /// <param name="amsGrad">Whether to use AMSGrad's running maximum of v.</param>
    /// <param name="decoupledWeightDecay">Whether weight decay is decoupled (AdamW) rather than an L2 term.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range.</exception>
    public Adam(IEnumerable<Parameter<T>> parameters, double learningRate = AdamOptions.DefaultLearningRate, double beta1 = AdamOptions.DefaultBeta1, double beta2 = AdamOptions.DefaultBeta2, double epsilon = AdamOptions.DefaultEpsilon, double weightDecay = AdamOptions.DefaultWeightDecay, bool amsGrad = AdamOptions.DefaultAmsGrad, bool decoupledWeightDecay = AdamOptions.DefaultDecoupledWeightDecay)
        : base(parameters, learningRate, weightDecay)
    {
        (Beta1, Beta2, Epsilon) = AdamUpdate.Validate(beta1, beta2, epsilon);
        AmsGrad = amsGrad;
        DecoupledWeightDecay = decoupledWeightDecay;
    }

    /// <summary>Initializes a new instance of the <see cref="Adam{T}"/> class over parameter groups.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides.</param>
    /// <param name="learningRate">The default learning rate, ≥ 0.</param>
    /// <param name="beta1">β₁ in [0, 1).</param>
    /// <param name="beta2">β₂ in [0, 1).</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0.</param>
    /// <param name="amsGrad">Whether to use AMSGrad.</param>
    /// <param name="decoupledWeightDecay">Whether weight decay is decoupled (AdamW).</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range.</exception>
    public Adam(IEnumerable<ParameterGroup<T>> groups, double learningRate = AdamOptions.DefaultLearningRate, double beta1 = AdamOptions.DefaultBeta1, double beta2 = AdamOptions.DefaultBeta2, double epsilon = AdamOptions.DefaultEpsilon, double weightDecay = AdamOptions.DefaultWeightDecay, bool amsGrad = AdamOptions.DefaultAmsGrad, bool decoupledWeightDecay = AdamOptions.DefaultDecoupledWeightDecay)
        : base(groups, learningRate, weightDecay)
    {
        (Beta1, Beta2, Epsilon) = AdamUpdate.Validate(beta1, beta2, epsilon);
        AmsGrad = amsGrad;
        DecoupledWeightDecay = decoupledWeightDecay;
    }

    /// <summary>Initializes a new instance of the <see cref="Adam{T}"/> class from named hyperparameters.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="options">The hyperparameters; <c>new AdamOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Adam(IEnumerable<Parameter<T>> parameters, AdamOptions options)
        : this(parameters, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, options.AmsGrad, options.DecoupledWeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Initializes a new instance of the <see cref="Adam{T}"/> class from named hyperparameters.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="options">The hyperparameters; <c>new AdamOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Adam(IEnumerable<ParameterGroup<T>> groups, AdamOptions options)
        : this(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, options.AmsGrad, options.DecoupledWeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Gets β₁.</summary>
    public double Beta1 { get; }

    /// <summary>Gets β₂.</summary>
    public double Beta2 { get; }

    /// <summary>Gets ε.</summary>
    public double Epsilon { get; }

    /// <summary>Gets a value indicating whether AMSGrad is used.</summary>
    public bool AmsGrad { get; }

    /// <summary>Gets a value indicating whether weight decay is decoupled.</summary>
    public bool DecoupledWeightDecay { get; }

    /// <inheritdoc />
    public override string Kind => "adam";

    private protected sealed override StateSlot[] Slots => StateSlots.Adam;

    private protected sealed override void Update(Parameter<T> parameter, ParameterState<T> state, double learningRate, double weightDecay)
        => AdamUpdate.Apply(parameter, state, new AdamScalars<T>(learningRate, Beta1, Beta2, Epsilon, weightDecay, DecoupledWeightDecay, AmsGrad, state.Step), ParallelThreshold);
}

/// <summary>
/// AdamW (Loshchilov and Hutter 2019, "Decoupled Weight Decay Regularization"), exactly as <c>torch.optim.AdamW</c>:
/// <see cref="Adam{T}"/> with decoupled weight decay θ ← θ(1 − lr·λ) applied before the moment update, with default
/// λ = 0.01. As in PyTorch ≥ 2.x, where <c>AdamW</c> is <c>Adam(decoupled_weight_decay=True)</c>, this type adds
/// nothing to <see cref="Adam{T}"/> but the defaults and the saved-state kind <c>"adamw"</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>See <see cref="Adam{T}"/> for the update rule. This type is not thread-safe.</remarks>
public sealed class AdamW<T> : Adam<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Initializes a new instance of the <see cref="AdamW{T}"/> class.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-3.</param>
    /// <param name="beta1">β₁ in [0, 1); default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1); default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-8.</param>
    /// <param name="weightDecay">The decoupled weight decay λ, ≥ 0; default 0.01 (Optax 1e-4, Keras 0.004).</param>
    /// <param name="amsGrad">Whether to use AMSGrad.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range.</exception>
    public AdamW(IEnumerable<Parameter<T>> parameters, double learningRate = AdamWOptions.DefaultLearningRate, double beta1 = AdamWOptions.DefaultBeta1, double beta2 = AdamWOptions.DefaultBeta2, double epsilon = AdamWOptions.DefaultEpsilon, double weightDecay = AdamWOptions.DefaultWeightDecay, bool amsGrad = AdamWOptions.DefaultAmsGrad)
        : base(parameters, learningRate, beta1, beta2, epsilon, weightDecay, amsGrad, decoupledWeightDecay: true)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AdamW{T}"/> class over parameter groups (a group with weight decay 0 is masked).</summary>
    /// <param name="groups">The parameter groups.</param>
    /// <param name="learningRate">The default learning rate, ≥ 0.</param>
    /// <param name="beta1">β₁ in [0, 1).</param>
    /// <param name="beta2">β₂ in [0, 1).</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    /// <param name="weightDecay">The default decoupled weight decay λ, ≥ 0.</param>
    /// <param name="amsGrad">Whether to use AMSGrad.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range.</exception>
    public AdamW(IEnumerable<ParameterGroup<T>> groups, double learningRate = AdamWOptions.DefaultLearningRate, double beta1 = AdamWOptions.DefaultBeta1, double beta2 = AdamWOptions.DefaultBeta2, double epsilon = AdamWOptions.DefaultEpsilon, double weightDecay = AdamWOptions.DefaultWeightDecay, bool amsGrad = AdamWOptions.DefaultAmsGrad)
        : base(groups, learningRate, beta1, beta2, epsilon, weightDecay, amsGrad, decoupledWeightDecay: true)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AdamW{T}"/> class from named hyperparameters.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="options">The hyperparameters; <c>new AdamWOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public AdamW(IEnumerable<Parameter<T>> parameters, AdamWOptions options)
        : this(parameters, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, options.AmsGrad)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Initializes a new instance of the <see cref="AdamW{T}"/> class over parameter groups from named hyperparameters.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="options">The hyperparameters; <c>new AdamWOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public AdamW(IEnumerable<ParameterGroup<T>> groups, AdamWOptions options)
        : this(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, options.AmsGrad)
    {
        Maximize = options.Maximize;
    }

    /// <inheritdoc />
    public override string Kind => "adamw";
}

/// <summary>Shared checks and dispatch of the Adam family.</summary>
internal static class AdamUpdate
{
    public static (double Beta1, double Beta2, double Epsilon) Validate(double beta1, double beta2, double epsilon)
    {
        Guard.Beta(beta1);
        Guard.Beta(beta2);
        Guard.PositiveFinite(epsilon);
        return (beta1, beta2, epsilon);
    }

    public static void Apply<T>(Parameter<T> parameter, ParameterState<T> state, AdamScalars<T> s, int threshold)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var m = state.Buffer(StateSlots.ExpAvg, parameter.Length);
        var v = state.Buffer(StateSlots.ExpAvgSq, parameter.Length);
        var vmax = s.AmsGrad ? state.Buffer(StateSlots.MaxExpAvgSq, parameter.Length) : [];
        if (parameter.Length < threshold)
        {
            AdamKernel.Vectorized<T>(parameter.Values, parameter.Gradient, m, v, vmax, s);
            return;
        }

        ApplyParallel(parameter.ValueArray, parameter.GradientArray, m, v, vmax, s, threshold);
    }

    // A separate method, so that the serial path does not allocate the lambda's closure.
    private static void ApplyParallel<T>(T[] p, T[] g, T[] m, T[] v, T[] vmax, AdamScalars<T> s, int threshold)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Kernels.Run(p.Length, threshold, (start, count) => AdamKernel.Vectorized<T>(
            p.AsSpan(start, count), g.AsSpan(start, count), m.AsSpan(start, count), v.AsSpan(start, count), vmax.Length == 0 ? default : vmax.AsSpan(start, count), s));
}

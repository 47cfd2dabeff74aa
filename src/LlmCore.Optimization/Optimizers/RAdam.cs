using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Optimizers;

/// <summary>
/// RAdam, rectified Adam (Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond"), exactly as <c>torch.optim.RAdam</c>, with decoupled weight decay as an option.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// m, v as in Adam; ρ∞ = 2/(1 − β₂) − 1, ρₜ = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ); if ρₜ &gt; 5: r = √((ρₜ − 4)(ρₜ − 2)ρ∞/((ρ∞ − 4)(ρ∞ − 2)ρₜ)), θ ← θ − m̂·lr·√(1 − β₂ᵗ)/(√v + ε)·r (ε on the uncorrected √v); otherwise θ ← θ − m̂·lr. With β₂ = 0.999 the rectified branch starts at step 6. This type is not thread-safe.
/// </remarks>
public sealed class RAdam<T> : Optimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Initializes a new instance of the <see cref="RAdam{T}"/> class.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-3.</param>
    /// <param name="beta1">β₁ in [0, 1); default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1); default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-8.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <param name="decoupledWeightDecay">Whether weight decay is decoupled (θ ← θ(1 − lr·λ)).</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public RAdam(IEnumerable<Parameter<T>> parameters, double learningRate = RAdamOptions.DefaultLearningRate, double beta1 = RAdamOptions.DefaultBeta1, double beta2 = RAdamOptions.DefaultBeta2, double epsilon = RAdamOptions.DefaultEpsilon, double weightDecay = RAdamOptions.DefaultWeightDecay, bool decoupledWeightDecay = RAdamOptions.DefaultDecoupledWeightDecay)
        : base(parameters, learningRate, weightDecay)
    {
        Guard.Beta(beta1);
        Beta1 = beta1;
        Guard.Beta(beta2);
        Beta2 = beta2;
        Guard.PositiveFinite(epsilon);
        Epsilon = epsilon;
        DecoupledWeightDecay = decoupledWeightDecay;
    }

    /// <summary>Initializes a new instance of the <see cref="RAdam{T}"/> class over parameter groups.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-3.</param>
    /// <param name="beta1">β₁ in [0, 1); default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1); default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-8.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <param name="decoupledWeightDecay">Whether weight decay is decoupled (θ ← θ(1 − lr·λ)).</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public RAdam(IEnumerable<ParameterGroup<T>> groups, double learningRate = RAdamOptions.DefaultLearningRate, double beta1 = RAdamOptions.DefaultBeta1, double beta2 = RAdamOptions.DefaultBeta2, double epsilon = RAdamOptions.DefaultEpsilon, double weightDecay = RAdamOptions.DefaultWeightDecay, bool decoupledWeightDecay = RAdamOptions.DefaultDecoupledWeightDecay)
        : base(groups, learningRate, weightDecay)
    {
        Guard.Beta(beta1);
        Beta1 = beta1;
        Guard.Beta(beta2);
        Beta2 = beta2;
        Guard.PositiveFinite(epsilon);
        Epsilon = epsilon;
        DecoupledWeightDecay = decoupledWeightDecay;
    }

    /// <summary>Initializes a new instance of the <see cref="RAdam{T}"/> class from named hyperparameters.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="options">The hyperparameters; <c>new RAdamOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public RAdam(IEnumerable<Parameter<T>> parameters, RAdamOptions options)
        : this(parameters, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, options.DecoupledWeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Initializes a new instance of the <see cref="RAdam{T}"/> class from named hyperparameters.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="options">The hyperparameters; <c>new RAdamOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public RAdam(IEnumerable<ParameterGroup<T>> groups, RAdamOptions options)
        : this(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, options.DecoupledWeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Gets the value given as <c>beta1</c> at construction.</summary>
    public double Beta1 { get; }

    /// <summary>Gets the value given as <c>beta2</c> at construction.</summary>
    public double Beta2 { get; }

    /// <summary>Gets the value given as <c>epsilon</c> at construction.</summary>
    public double Epsilon { get; }

    /// <summary>Gets the value given as <c>decoupledWeightDecay</c> at construction.</summary>
    public bool DecoupledWeightDecay { get; }

    /// <inheritdoc />
    public override string Kind => "radam";

    private protected override StateSlot[] Slots => StateSlots.AdamMoments;

    private protected override void Update(Parameter<T> parameter, ParameterState<T> state, double learningRate, double weightDecay)
    {
        var n = parameter.Length;
        double t = state.Step;
        var bc1 = 1 - Math.Pow(Beta1, t);
        var bc2 = 1 - Math.Pow(Beta2, t);
        var rhoInf = (2 / (1 - Beta2)) - 1;
        var rhoT = rhoInf - (2 * t * Math.Pow(Beta2, t) / bc2);
        var rectified = rhoT > 5;
        var w = T.CreateChecked(1 - Beta1);
        var rule = new Rule(
            state.Buffer(StateSlots.ExpAvg, n),
            state.Buffer(StateSlots.ExpAvgSq, n),
            rectified,
            rectified ? T.CreateChecked(Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT))) : T.One,
            T.CreateChecked(bc1),
            T.CreateChecked(Math.Sqrt(bc2)),
            T.CreateChecked(learningRate),
            w,
            T.One - w,
            Math.Abs(1 - Beta1) < 0.5,
            T.CreateChecked(Beta2),
            T.CreateChecked(1 - Beta2),
            T.CreateChecked(Epsilon));
        ElementwiseUpdate.Run(parameter.Values, parameter.Gradient, ElementwiseUpdate.Mode(weightDecay, DecoupledWeightDecay), learningRate, weightDecay, ref rule);
    }

    /// <summary>m, v as in Adam; θ ← θ − m̂·lr·√bc₂/(√v + ε)·r when rectified, else θ ← θ − m̂·lr.</summary>
    private readonly struct Rule(T[] m, T[] v, bool rectified, T rect, T bc1, T bc2Sqrt, T lr, T w, T omw, bool low, T b2, T omb2, T eps) : IElementRule<T>
    {
        public T Apply(T parameter, T gradient, int i)
        {
            var mi = Kernels.Lerp(m[i], gradient, w, omw, low);
            m[i] = mi;
            var vi = (v[i] * b2) + (omb2 * gradient * gradient);
            v[i] = vi;
            var mHat = mi / bc1;
            return rectified
                ? parameter - (mHat * lr * (bc2Sqrt / (T.Sqrt(vi) + eps)) * rect)
                : parameter - (mHat * lr);
        }
    }
}

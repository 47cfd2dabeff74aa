using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Optimizers;

/// <summary>
/// NAdam, Adam with Nesterov momentum (Dozat 2016, "Incorporating Nesterov Momentum into Adam"), exactly as <c>torch.optim.NAdam</c>, with decoupled weight decay as an option (NAdamW).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// μₜ = β₁(1 − ½·0.96^(tψ)); Π ← Π·μₜ; m, v as in Adam; d = √(v/(1 − β₂ᵗ)) + ε; θ ← θ − lr(1 − μₜ)/(1 − Π)·g/d − lr·μₜ₊₁/(1 − Π·μₜ₊₁)·m/d. The μ product is kept in double (PyTorch keeps it in the default dtype, float32 unless changed). This type is not thread-safe.
/// </remarks>
public sealed class NAdam<T> : Optimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The scalar slot of PyTorch's <c>mu_product</c>, Π μₜ.</summary>
    private const int MuProduct = 0;

    /// <summary>Initializes a new instance of the <see cref="NAdam{T}"/> class.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 2e-3.</param>
    /// <param name="beta1">β₁ in [0, 1); default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1); default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-8.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <param name="momentumDecay">The momentum decay ψ, ≥ 0; default 4e-3.</param>
    /// <param name="decoupledWeightDecay">Whether weight decay is decoupled (θ ← θ(1 − lr·λ)).</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public NAdam(IEnumerable<Parameter<T>> parameters, double learningRate = NAdamOptions.DefaultLearningRate, double beta1 = NAdamOptions.DefaultBeta1, double beta2 = NAdamOptions.DefaultBeta2, double epsilon = NAdamOptions.DefaultEpsilon, double weightDecay = NAdamOptions.DefaultWeightDecay, double momentumDecay = NAdamOptions.DefaultMomentumDecay, bool decoupledWeightDecay = NAdamOptions.DefaultDecoupledWeightDecay)
        : base(parameters, learningRate, weightDecay)
    {
        Guard.Beta(beta1);
        Beta1 = beta1;
        Guard.Beta(beta2);
        Beta2 = beta2;
        Guard.PositiveFinite(epsilon);
        Epsilon = epsilon;
        Guard.NonNegativeFinite(momentumDecay);
        MomentumDecay = momentumDecay;
        DecoupledWeightDecay = decoupledWeightDecay;
    }

    /// <summary>Initializes a new instance of the <see cref="NAdam{T}"/> class over parameter groups.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 2e-3.</param>
    /// <param name="beta1">β₁ in [0, 1); default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1); default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-8.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <param name="momentumDecay">The momentum decay ψ, ≥ 0; default 4e-3.</param>
    /// <param name="decoupledWeightDecay">Whether weight decay is decoupled (θ ← θ(1 − lr·λ)).</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public NAdam(IEnumerable<ParameterGroup<T>> groups, double learningRate = NAdamOptions.DefaultLearningRate, double beta1 = NAdamOptions.DefaultBeta1, double beta2 = NAdamOptions.DefaultBeta2, double epsilon = NAdamOptions.DefaultEpsilon, double weightDecay = NAdamOptions.DefaultWeightDecay, double momentumDecay = NAdamOptions.DefaultMomentumDecay, bool decoupledWeightDecay = NAdamOptions.DefaultDecoupledWeightDecay)
        : base(groups, learningRate, weightDecay)
    {
        Guard.Beta(beta1);
        Beta1 = beta1;
        Guard.Beta(beta2);
        Beta2 = beta2;
        Guard.PositiveFinite(epsilon);
        Epsilon = epsilon;
        Guard.NonNegativeFinite(momentumDecay);
        MomentumDecay = momentumDecay;
        DecoupledWeightDecay = decoupledWeightDecay;
    }

    /// <summary>Initializes a new instance of the <see cref="NAdam{T}"/> class from named hyperparameters.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="options">The hyperparameters; <c>new NAdamOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public NAdam(IEnumerable<Parameter<T>> parameters, NAdamOptions options)
        : this(parameters, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, options.MomentumDecay, options.DecoupledWeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Initializes a new instance of the <see cref="NAdam{T}"/> class from named hyperparameters.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="options">The hyperparameters; <c>new NAdamOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public NAdam(IEnumerable<ParameterGroup<T>> groups, NAdamOptions options)
        : this(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, options.MomentumDecay, options.DecoupledWeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Gets the value given as <c>beta1</c> at construction.</summary>
    public double Beta1 { get; }

    /// <summary>Gets the value given as <c>beta2</c> at construction.</summary>
    public double Beta2 { get; }

    /// <summary>Gets the value given as <c>epsilon</c> at construction.</summary>
    public double Epsilon { get; }

    /// <summary>Gets the value given as <c>momentumDecay</c> at construction.</summary>
    public double MomentumDecay { get; }

    /// <summary>Gets the value given as <c>decoupledWeightDecay</c> at construction.</summary>
    public bool DecoupledWeightDecay { get; }

    /// <inheritdoc />
    public override string Kind => "nadam";

    private protected override StateSlot[] Slots => StateSlots.AdamMoments;

    private protected override int ScalarCount => 1;

    private protected override ParameterState<T> CreateState(Parameter<T> parameter)
    {
        var state = base.CreateState(parameter);
        state.Scalars[MuProduct] = 1;
        return state;
    }

    private protected override void Update(Parameter<T> parameter, ParameterState<T> state, double learningRate, double weightDecay)
    {
        var n = parameter.Length;
        double t = state.Step;
        var mu = Beta1 * (1 - (0.5 * Math.Pow(0.96, t * MomentumDecay)));
        var muNext = Beta1 * (1 - (0.5 * Math.Pow(0.96, (t + 1) * MomentumDecay)));
        var product = state.Scalars[MuProduct] * mu;
        state.Scalars[MuProduct] = product;
        var w = T.CreateChecked(1 - Beta1);
        var rule = new Rule(
            state.Buffer(StateSlots.ExpAvg, n),
            state.Buffer(StateSlots.ExpAvgSq, n),
            T.CreateChecked(-learningRate * (1 - mu) / (1 - product)),
            T.CreateChecked(-learningRate * muNext / (1 - (product * muNext))),
            w,
            T.One - w,
            Math.Abs(1 - Beta1) < 0.5,
            T.CreateChecked(Beta2),
            T.CreateChecked(1 - Beta2),
            T.CreateChecked(1 - Math.Pow(Beta2, t)),
            T.CreateChecked(Epsilon));
        ElementwiseUpdate.Run(parameter.Values, parameter.Gradient, ElementwiseUpdate.Mode(weightDecay, DecoupledWeightDecay), learningRate, weightDecay, ref rule);
    }

    /// <summary>m ← lerp(m, g, 1 − β₁); v ← β₂v + (1 − β₂)g²; d = √(v/bc₂) + ε; θ ← θ + c₁g/d + c₂m/d.</summary>
    private readonly struct Rule(T[] m, T[] v, T c1, T c2, T w, T omw, bool low, T b2, T omb2, T bc2, T eps) : IElementRule<T>
    {
        public T Apply(T parameter, T gradient, int i)
        {
            var mi = Kernels.Lerp(m[i], gradient, w, omw, low);
            m[i] = mi;
            var vi = (v[i] * b2) + (omb2 * gradient * gradient);
            v[i] = vi;
            var denom = T.Sqrt(vi / bc2) + eps;
            parameter += c1 * gradient / denom;
            return parameter + (c2 * mi / denom);
        }
    }
}

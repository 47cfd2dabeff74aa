using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Optimizers;

/// <summary>
/// LAMB, layer-wise adaptive moments (You et al. 2020, "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes"), as Optax <c>lamb</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; u = m̂/(√(v̂ + ε_root) + ε) + λθ; r = ‖θ‖/‖u‖ per tensor (1 when either norm is 0); θ ← θ − lr·r·u. DeepSpeed’s FusedLamb clamps r to [0.01, 10]; Optax and this type do not. <see cref="LastTrustRatio"/> holds r of the last updated tensor. This type is not thread-safe.
/// </remarks>
public sealed class Lamb<T> : Optimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static readonly StateSlot s_update = new(2, "update");
    private static readonly StateSlot[] s_slots = [StateSlots.ExpAvg, StateSlots.ExpAvgSq, s_update];

    /// <summary>Initializes a new instance of the <see cref="Lamb{T}"/> class.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-3.</param>
    /// <param name="beta1">β₁ in [0, 1); default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1); default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-6.</param>
    /// <param name="epsilonRoot">ε_root inside the root, ≥ 0; default 0.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public Lamb(IEnumerable<Parameter<T>> parameters, double learningRate = LambOptions.DefaultLearningRate, double beta1 = LambOptions.DefaultBeta1, double beta2 = LambOptions.DefaultBeta2, double epsilon = LambOptions.DefaultEpsilon, double epsilonRoot = LambOptions.DefaultEpsilonRoot, double weightDecay = LambOptions.DefaultWeightDecay)
        : base(parameters, learningRate, weightDecay)
    {
        Guard.Beta(beta1);
        Beta1 = beta1;
        Guard.Beta(beta2);
        Beta2 = beta2;
        Guard.PositiveFinite(epsilon);
        Epsilon = epsilon;
        Guard.NonNegativeFinite(epsilonRoot);
        EpsilonRoot = epsilonRoot;
    }

    /// <summary>Initializes a new instance of the <see cref="Lamb{T}"/> class over parameter groups.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-3.</param>
    /// <param name="beta1">β₁ in [0, 1); default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1); default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-6.</param>
    /// <param name="epsilonRoot">ε_root inside the root, ≥ 0; default 0.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public Lamb(IEnumerable<ParameterGroup<T>> groups, double learningRate = LambOptions.DefaultLearningRate, double beta1 = LambOptions.DefaultBeta1, double beta2 = LambOptions.DefaultBeta2, double epsilon = LambOptions.DefaultEpsilon, double epsilonRoot = LambOptions.DefaultEpsilonRoot, double weightDecay = LambOptions.DefaultWeightDecay)
        : base(groups, learningRate, weightDecay)
    {
        Guard.Beta(beta1);
        Beta1 = beta1;
        Guard.Beta(beta2);
        Beta2 = beta2;
        Guard.PositiveFinite(epsilon);
        Epsilon = epsilon;
        Guard.NonNegativeFinite(epsilonRoot);
        EpsilonRoot = epsilonRoot;
    }

    /// <summary>Initializes a new instance of the <see cref="Lamb{T}"/> class from named hyperparameters.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="options">The hyperparameters; <c>new LambOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Lamb(IEnumerable<Parameter<T>> parameters, LambOptions options)
        : this(parameters, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.EpsilonRoot, options.WeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Initializes a new instance of the <see cref="Lamb{T}"/> class from named hyperparameters.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="options">The hyperparameters; <c>new LambOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Lamb(IEnumerable<ParameterGroup<T>> groups, LambOptions options)
        : this(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.EpsilonRoot, options.WeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Gets the value given as <c>beta1</c> at construction.</summary>
    public double Beta1 { get; }

    /// <summary>Gets the value given as <c>beta2</c> at construction.</summary>
    public double Beta2 { get; }

    /// <summary>Gets the value given as <c>epsilon</c> at construction.</summary>
    public double Epsilon { get; }

    /// <summary>Gets the value given as <c>epsilonRoot</c> at construction.</summary>
    public double EpsilonRoot { get; }

    /// <inheritdoc />
    public override string Kind => "lamb";

    private protected override StateSlot[] Slots => s_slots;

    /// <summary>Gets the trust ratio ‖θ‖/‖u‖ of the last tensor updated (1 when either norm was 0; NaN before the first step).</summary>
    public double LastTrustRatio { get; private set; } = double.NaN;

    private protected override void Update(Parameter<T> parameter, ParameterState<T> state, double learningRate, double weightDecay)
    {
        var n = parameter.Length;
        var p = parameter.Values;
        var u = state.Buffer(s_update, n);
        double t = state.Step;
        var moments = new MomentsRule(
            state.Buffer(StateSlots.ExpAvg, n),
            state.Buffer(StateSlots.ExpAvgSq, n),
            u,
            T.CreateChecked(Beta1),
            T.CreateChecked(1 - Beta1),
            T.CreateChecked(Beta2),
            T.CreateChecked(1 - Beta2),
            T.CreateChecked(1 - Math.Pow(Beta1, t)),
            T.CreateChecked(1 - Math.Pow(Beta2, t)),
            T.CreateChecked(Epsilon),
            T.CreateChecked(EpsilonRoot),
            T.CreateChecked(weightDecay));

        // λθ belongs to u (it is scaled by the trust ratio), not to g: the loop applies no weight decay itself.
        ElementwiseUpdate.Run(p, parameter.Gradient, WeightDecayMode.None, learningRate, weightDecay, ref moments);
        var paramNorm = Norms.L2<T>(p);
        var updateNorm = Norms.L2<T>(u);
        var ratio = paramNorm == 0 || updateNorm == 0 ? 1.0 : paramNorm / updateNorm;
        LastTrustRatio = ratio;
        var step = new TrustStepRule(u, T.CreateChecked(ratio), T.CreateChecked(-learningRate));
        ElementwiseUpdate.Run(p, parameter.Gradient, WeightDecayMode.None, learningRate, weightDecay, ref step);
    }

    /// <summary>m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; u ← m̂/(√(v̂ + ε_root) + ε) + λθ; θ unchanged.</summary>
    private readonly struct MomentsRule(T[] m, T[] v, T[] u, T b1, T omb1, T b2, T omb2, T bc1, T bc2, T eps, T epsRoot, T wd) : IElementRule<T>
    {
        public T Apply(T parameter, T gradient, int i)
        {
            var mi = (omb1 * gradient) + (b1 * m[i]);
            var vi = (omb2 * (gradient * gradient)) + (b2 * v[i]);
            m[i] = mi;
            v[i] = vi;
            u[i] = (mi / bc1 / (T.Sqrt((vi / bc2) + epsRoot) + eps)) + (wd * parameter);
            return parameter;
        }
    }

    /// <summary>θ ← θ − lr·r·u.</summary>
    private readonly struct TrustStepRule(T[] u, T ratio, T negLr) : IElementRule<T>
    {
        public T Apply(T parameter, T gradient, int i) => parameter + (u[i] * ratio * negLr);
    }
}

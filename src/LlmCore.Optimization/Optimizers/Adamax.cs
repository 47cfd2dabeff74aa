using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Optimizers;

/// <summary>
/// Adamax, the infinity-norm variant of Adam (Kingma and Ba 2015, section 7.1), exactly as <c>torch.optim.Adamax</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// g ← g + λθ; m ← lerp(m, g, 1 − β₁); u ← max(β₂u, |g| + ε) (ε inside the max); θ ← θ − (lr/(1 − β₁ᵗ))·m/u. This type is not thread-safe.
/// </remarks>
public sealed class Adamax<T> : Optimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static readonly StateSlot s_expInf = new(1, "exp_inf");
    private static readonly StateSlot[] s_slots = [StateSlots.ExpAvg, s_expInf];

    /// <summary>Initializes a new instance of the <see cref="Adamax{T}"/> class.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 2e-3.</param>
    /// <param name="beta1">β₁ in [0, 1); default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1); default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-8.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public Adamax(IEnumerable<Parameter<T>> parameters, double learningRate = AdamaxOptions.DefaultLearningRate, double beta1 = AdamaxOptions.DefaultBeta1, double beta2 = AdamaxOptions.DefaultBeta2, double epsilon = AdamaxOptions.DefaultEpsilon, double weightDecay = AdamaxOptions.DefaultWeightDecay)
        : base(parameters, learningRate, weightDecay)
    {
        Guard.Beta(beta1);
        Beta1 = beta1;
        Guard.Beta(beta2);
        Beta2 = beta2;
        Guard.PositiveFinite(epsilon);
        Epsilon = epsilon;
    }

    /// <summary>Initializes a new instance of the <see cref="Adamax{T}"/> class over parameter groups.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 2e-3.</param>
    /// <param name="beta1">β₁ in [0, 1); default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1); default 0.999.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-8.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public Adamax(IEnumerable<ParameterGroup<T>> groups, double learningRate = AdamaxOptions.DefaultLearningRate, double beta1 = AdamaxOptions.DefaultBeta1, double beta2 = AdamaxOptions.DefaultBeta2, double epsilon = AdamaxOptions.DefaultEpsilon, double weightDecay = AdamaxOptions.DefaultWeightDecay)
        : base(groups, learningRate, weightDecay)
    {
        Guard.Beta(beta1);
        Beta1 = beta1;
        Guard.Beta(beta2);
        Beta2 = beta2;
        Guard.PositiveFinite(epsilon);
        Epsilon = epsilon;
    }

    /// <summary>Initializes a new instance of the <see cref="Adamax{T}"/> class from named hyperparameters.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="options">The hyperparameters; <c>new AdamaxOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Adamax(IEnumerable<Parameter<T>> parameters, AdamaxOptions options)
        : this(parameters, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Initializes a new instance of the <see cref="Adamax{T}"/> class from named hyperparameters.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="options">The hyperparameters; <c>new AdamaxOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Adamax(IEnumerable<ParameterGroup<T>> groups, AdamaxOptions options)
        : this(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Gets the value given as <c>beta1</c> at construction.</summary>
    public double Beta1 { get; }

    /// <summary>Gets the value given as <c>beta2</c> at construction.</summary>
    public double Beta2 { get; }

    /// <summary>Gets the value given as <c>epsilon</c> at construction.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public override string Kind => "adamax";

    private protected override StateSlot[] Slots => s_slots;

    private protected override void Update(Parameter<T> parameter, ParameterState<T> state, double learningRate, double weightDecay)
    {
        var n = parameter.Length;
        var w = T.CreateChecked(1 - Beta1);
        var rule = new Rule(
            state.Buffer(StateSlots.ExpAvg, n),
            state.Buffer(s_expInf, n),
            w,
            T.One - w,
            Math.Abs(1 - Beta1) < 0.5,
            T.CreateChecked(Beta2),
            T.CreateChecked(Epsilon),
            T.CreateChecked(-(learningRate / (1 - Math.Pow(Beta1, state.Step)))));
        ElementwiseUpdate.Run(parameter.Values, parameter.Gradient, ElementwiseUpdate.Mode(weightDecay, decoupled: false), learningRate, weightDecay, ref rule);
    }

    /// <summary>m ← lerp(m, g, 1 − β₁); u ← max(β₂u, |g| + ε); θ ← θ − clr·m/u.</summary>
    private readonly struct Rule(T[] m, T[] u, T w, T omw, bool low, T b2, T eps, T negClr) : IElementRule<T>
    {
        public T Apply(T parameter, T gradient, int i)
        {
            var mi = Kernels.Lerp(m[i], gradient, w, omw, low);
            m[i] = mi;
            var ui = T.Max(u[i] * b2, T.Abs(gradient) + eps);
            u[i] = ui;
            return parameter + (negClr * mi / ui);
        }
    }
}

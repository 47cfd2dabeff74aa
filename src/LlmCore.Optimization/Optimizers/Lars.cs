using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Optimizers;

/// <summary>
/// LARS, layer-wise adaptive rate scaling (You, Gitman and Ginsburg 2017, "Large Batch Training of Convolutional Networks"), as Optax <c>lars</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// u = g + λθ; u ← u·c·‖θ‖/(‖u‖ + ε) per tensor (factor 1 when either norm is 0); u ← −lr·u; b ← u + μb; θ ← θ + b, or θ ← θ + u + μb with Nesterov. This type is not thread-safe.
/// </remarks>
public sealed class Lars<T> : Optimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static readonly StateSlot s_momentumBuffer = new(0, "momentum_buffer");
    private static readonly StateSlot s_update = new(1, "update");
    private static readonly StateSlot[] s_slots = [s_momentumBuffer, s_update];

    /// <summary>Initializes a new instance of the <see cref="Lars{T}"/> class.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-3.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <param name="trustCoefficient">The trust coefficient c, &gt; 0; default 1e-3.</param>
    /// <param name="epsilon">ε added to ‖u‖, ≥ 0; default 0.</param>
    /// <param name="momentum">The momentum μ, ≥ 0; default 0.9.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public Lars(IEnumerable<Parameter<T>> parameters, double learningRate = LarsOptions.DefaultLearningRate, double weightDecay = LarsOptions.DefaultWeightDecay, double trustCoefficient = LarsOptions.DefaultTrustCoefficient, double epsilon = LarsOptions.DefaultEpsilon, double momentum = LarsOptions.DefaultMomentum, bool nesterov = LarsOptions.DefaultNesterov)
        : base(parameters, learningRate, weightDecay)
    {
        Guard.PositiveFinite(trustCoefficient);
        TrustCoefficient = trustCoefficient;
        Guard.NonNegativeFinite(epsilon);
        Epsilon = epsilon;
        Guard.NonNegativeFinite(momentum);
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Initializes a new instance of the <see cref="Lars{T}"/> class over parameter groups.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-3.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <param name="trustCoefficient">The trust coefficient c, &gt; 0; default 1e-3.</param>
    /// <param name="epsilon">ε added to ‖u‖, ≥ 0; default 0.</param>
    /// <param name="momentum">The momentum μ, ≥ 0; default 0.9.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public Lars(IEnumerable<ParameterGroup<T>> groups, double learningRate = LarsOptions.DefaultLearningRate, double weightDecay = LarsOptions.DefaultWeightDecay, double trustCoefficient = LarsOptions.DefaultTrustCoefficient, double epsilon = LarsOptions.DefaultEpsilon, double momentum = LarsOptions.DefaultMomentum, bool nesterov = LarsOptions.DefaultNesterov)
        : base(groups, learningRate, weightDecay)
    {
        Guard.PositiveFinite(trustCoefficient);
        TrustCoefficient = trustCoefficient;
        Guard.NonNegativeFinite(epsilon);
        Epsilon = epsilon;
        Guard.NonNegativeFinite(momentum);
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Initializes a new instance of the <see cref="Lars{T}"/> class from named hyperparameters.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="options">The hyperparameters; <c>new LarsOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Lars(IEnumerable<Parameter<T>> parameters, LarsOptions options)
        : this(parameters, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.WeightDecay, options.TrustCoefficient, options.Epsilon, options.Momentum, options.Nesterov)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Initializes a new instance of the <see cref="Lars{T}"/> class from named hyperparameters.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="options">The hyperparameters; <c>new LarsOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Lars(IEnumerable<ParameterGroup<T>> groups, LarsOptions options)
        : this(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.WeightDecay, options.TrustCoefficient, options.Epsilon, options.Momentum, options.Nesterov)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Gets the value given as <c>trustCoefficient</c> at construction.</summary>
    public double TrustCoefficient { get; }

    /// <summary>Gets the value given as <c>epsilon</c> at construction.</summary>
    public double Epsilon { get; }

    /// <summary>Gets the value given as <c>momentum</c> at construction.</summary>
    public double Momentum { get; }

    /// <summary>Gets the value given as <c>nesterov</c> at construction.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    public override string Kind => "lars";

    private protected override StateSlot[] Slots => s_slots;

    private protected override void Update(Parameter<T> parameter, ParameterState<T> state, double learningRate, double weightDecay)
    {
        var n = parameter.Length;
        var p = parameter.Values;
        var u = state.Buffer(s_update, n);

        // u ← g + λθ: the loop's L2 weight decay does the sum, the rule keeps it.
        var collect = new CollectRule(u);
        ElementwiseUpdate.Run(p, parameter.Gradient, ElementwiseUpdate.Mode(weightDecay, decoupled: false), learningRate, weightDecay, ref collect);
        var paramNorm = Norms.L2<T>(p);
        var updateNorm = Norms.L2<T>(u);
        var ratio = paramNorm == 0 || updateNorm == 0 ? 1.0 : TrustCoefficient * paramNorm / (updateNorm + Epsilon);
        var step = new MomentumRule(state.Buffer(s_momentumBuffer, n), u, T.CreateChecked(ratio), T.CreateChecked(-learningRate), T.CreateChecked(Momentum), Nesterov);
        ElementwiseUpdate.Run(p, parameter.Gradient, WeightDecayMode.None, learningRate, weightDecay, ref step);
    }

    /// <summary>u ← g (g already holds λθ); θ unchanged.</summary>
    private readonly struct CollectRule(T[] u) : IElementRule<T>
    {
        public T Apply(T parameter, T gradient, int i)
        {
            u[i] = gradient;
            return parameter;
        }
    }

    /// <summary>uᵢ ← −lr·r·u; b ← uᵢ + μb; θ ← θ + uᵢ + μb (Nesterov) or θ + b.</summary>
    private readonly struct MomentumRule(T[] trace, T[] u, T ratio, T negLr, T mu, bool nesterov) : IElementRule<T>
    {
        public T Apply(T parameter, T gradient, int i)
        {
            var ui = u[i] * ratio * negLr;
            var b = ui + (mu * trace[i]);
            trace[i] = b;
            return parameter + (nesterov ? ui + (mu * b) : b);
        }
    }
}

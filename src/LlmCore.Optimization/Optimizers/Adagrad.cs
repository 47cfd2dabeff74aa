using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Optimizers;

/// <summary>
/// Adagrad (Duchi, Hazan and Singer 2011, "Adaptive Subgradient Methods for Online Learning and Stochastic Optimization") exactly as <c>torch.optim.Adagrad</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// clr ← lr/(1 + (t − 1)·decay); g ← g + λθ; s ← s + g² (s starts at the initial accumulator value); θ ← θ − clr·g/(√s + ε). This type is not thread-safe.
/// </remarks>
public sealed class Adagrad<T> : Optimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static readonly StateSlot s_sum = new(0, "sum");
    private static readonly StateSlot[] s_slots = [s_sum];

    /// <summary>Initializes a new instance of the <see cref="Adagrad{T}"/> class.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-2.</param>
    /// <param name="learningRateDecay">The learning-rate decay, ≥ 0; default 0.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <param name="initialAccumulatorValue">The accumulator's starting value, ≥ 0; default 0.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-10.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public Adagrad(IEnumerable<Parameter<T>> parameters, double learningRate = AdagradOptions.DefaultLearningRate, double learningRateDecay = AdagradOptions.DefaultLearningRateDecay, double weightDecay = AdagradOptions.DefaultWeightDecay, double initialAccumulatorValue = AdagradOptions.DefaultInitialAccumulatorValue, double epsilon = AdagradOptions.DefaultEpsilon)
        : base(parameters, learningRate, weightDecay)
    {
        Guard.NonNegativeFinite(learningRateDecay);
        LearningRateDecay = learningRateDecay;
        Guard.NonNegativeFinite(initialAccumulatorValue);
        InitialAccumulatorValue = initialAccumulatorValue;
        Guard.PositiveFinite(epsilon);
        Epsilon = epsilon;
    }

    /// <summary>Initializes a new instance of the <see cref="Adagrad{T}"/> class over parameter groups.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-2.</param>
    /// <param name="learningRateDecay">The learning-rate decay, ≥ 0; default 0.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <param name="initialAccumulatorValue">The accumulator's starting value, ≥ 0; default 0.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-10.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public Adagrad(IEnumerable<ParameterGroup<T>> groups, double learningRate = AdagradOptions.DefaultLearningRate, double learningRateDecay = AdagradOptions.DefaultLearningRateDecay, double weightDecay = AdagradOptions.DefaultWeightDecay, double initialAccumulatorValue = AdagradOptions.DefaultInitialAccumulatorValue, double epsilon = AdagradOptions.DefaultEpsilon)
        : base(groups, learningRate, weightDecay)
    {
        Guard.NonNegativeFinite(learningRateDecay);
        LearningRateDecay = learningRateDecay;
        Guard.NonNegativeFinite(initialAccumulatorValue);
        InitialAccumulatorValue = initialAccumulatorValue;
        Guard.PositiveFinite(epsilon);
        Epsilon = epsilon;
    }

    /// <summary>Initializes a new instance of the <see cref="Adagrad{T}"/> class from named hyperparameters.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="options">The hyperparameters; <c>new AdagradOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Adagrad(IEnumerable<Parameter<T>> parameters, AdagradOptions options)
        : this(parameters, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.LearningRateDecay, options.WeightDecay, options.InitialAccumulatorValue, options.Epsilon)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Initializes a new instance of the <see cref="Adagrad{T}"/> class from named hyperparameters.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="options">The hyperparameters; <c>new AdagradOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Adagrad(IEnumerable<ParameterGroup<T>> groups, AdagradOptions options)
        : this(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.LearningRateDecay, options.WeightDecay, options.InitialAccumulatorValue, options.Epsilon)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Gets the value given as <c>learningRateDecay</c> at construction.</summary>
    public double LearningRateDecay { get; }

    /// <summary>Gets the value given as <c>initialAccumulatorValue</c> at construction.</summary>
    public double InitialAccumulatorValue { get; }

    /// <summary>Gets the value given as <c>epsilon</c> at construction.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public override string Kind => "adagrad";

    private protected override StateSlot[] Slots => s_slots;

    private protected override void Update(Parameter<T> parameter, ParameterState<T> state, double learningRate, double weightDecay)
    {
        var clr = learningRate / (1 + ((state.Step - 1) * LearningRateDecay));
        var rule = new Rule(
            state.Buffer(s_sum, parameter.Length, T.CreateChecked(InitialAccumulatorValue)),
            T.CreateChecked(-clr),
            T.CreateChecked(Epsilon));
        ElementwiseUpdate.Run(parameter.Values, parameter.Gradient, ElementwiseUpdate.Mode(weightDecay, decoupled: false), learningRate, weightDecay, ref rule);
    }

    /// <summary>s ← s + g²; θ ← θ − clr·g/(√s + ε).</summary>
    private readonly struct Rule(T[] sum, T negClr, T eps) : IElementRule<T>
    {
        public T Apply(T parameter, T gradient, int i)
        {
            var s = sum[i] + (gradient * gradient);
            sum[i] = s;
            return parameter + (negClr * gradient / (T.Sqrt(s) + eps));
        }
    }
}

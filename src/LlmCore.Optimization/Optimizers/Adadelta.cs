using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Optimizers;

/// <summary>
/// Adadelta (Zeiler 2012, "ADADELTA: An Adaptive Learning Rate Method") exactly as <c>torch.optim.Adadelta</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// g ← g + λθ; v ← ρv + (1 − ρ)g²; δ ← √(a + ε)/√(v + ε)·g (a before its update); a ← ρa + (1 − ρ)δ²; θ ← θ − lr·δ. This type is not thread-safe.
/// </remarks>
public sealed class Adadelta<T> : Optimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static readonly StateSlot s_squareAvg = new(0, "square_avg");
    private static readonly StateSlot s_accDelta = new(1, "acc_delta");
    private static readonly StateSlot[] s_slots = [s_squareAvg, s_accDelta];

    /// <summary>Initializes a new instance of the <see cref="Adadelta{T}"/> class.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1.0.</param>
    /// <param name="rho">The decay ρ in [0, 1); default 0.9.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-6.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public Adadelta(IEnumerable<Parameter<T>> parameters, double learningRate = AdadeltaOptions.DefaultLearningRate, double rho = AdadeltaOptions.DefaultRho, double epsilon = AdadeltaOptions.DefaultEpsilon, double weightDecay = AdadeltaOptions.DefaultWeightDecay)
        : base(parameters, learningRate, weightDecay)
    {
        Guard.Beta(rho);
        Rho = rho;
        Guard.PositiveFinite(epsilon);
        Epsilon = epsilon;
    }

    /// <summary>Initializes a new instance of the <see cref="Adadelta{T}"/> class over parameter groups.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1.0.</param>
    /// <param name="rho">The decay ρ in [0, 1); default 0.9.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-6.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public Adadelta(IEnumerable<ParameterGroup<T>> groups, double learningRate = AdadeltaOptions.DefaultLearningRate, double rho = AdadeltaOptions.DefaultRho, double epsilon = AdadeltaOptions.DefaultEpsilon, double weightDecay = AdadeltaOptions.DefaultWeightDecay)
        : base(groups, learningRate, weightDecay)
    {
        Guard.Beta(rho);
        Rho = rho;
        Guard.PositiveFinite(epsilon);
        Epsilon = epsilon;
    }

    /// <summary>Initializes a new instance of the <see cref="Adadelta{T}"/> class from named hyperparameters.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="options">The hyperparameters; <c>new AdadeltaOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Adadelta(IEnumerable<Parameter<T>> parameters, AdadeltaOptions options)
        : this(parameters, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Rho, options.Epsilon, options.WeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Initializes a new instance of the <see cref="Adadelta{T}"/> class from named hyperparameters.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="options">The hyperparameters; <c>new AdadeltaOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Adadelta(IEnumerable<ParameterGroup<T>> groups, AdadeltaOptions options)
        : this(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Rho, options.Epsilon, options.WeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Gets the value given as <c>rho</c> at construction.</summary>
    public double Rho { get; }

    /// <summary>Gets the value given as <c>epsilon</c> at construction.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public override string Kind => "adadelta";

    private protected override StateSlot[] Slots => s_slots;

    private protected override void Update(Parameter<T> parameter, ParameterState<T> state, double learningRate, double weightDecay)
    {
        var n = parameter.Length;
        var rule = new Rule(
            state.Buffer(s_squareAvg, n),
            state.Buffer(s_accDelta, n),
            T.CreateChecked(Rho),
            T.CreateChecked(1 - Rho),
            T.CreateChecked(Epsilon),
            T.CreateChecked(-learningRate));
        ElementwiseUpdate.Run(parameter.Values, parameter.Gradient, ElementwiseUpdate.Mode(weightDecay, decoupled: false), learningRate, weightDecay, ref rule);
    }

    /// <summary>v ← ρv + (1 − ρ)g²; δ ← √(a + ε)/√(v + ε)·g; a ← ρa + (1 − ρ)δ²; θ ← θ − lr·δ.</summary>
    private readonly struct Rule(T[] squareAvg, T[] accDelta, T rho, T omr, T eps, T negLr) : IElementRule<T>
    {
        public T Apply(T parameter, T gradient, int i)
        {
            var v = (squareAvg[i] * rho) + (omr * gradient * gradient);
            squareAvg[i] = v;
            var delta = T.Sqrt(accDelta[i] + eps) / T.Sqrt(v + eps) * gradient;
            accDelta[i] = (accDelta[i] * rho) + (omr * delta * delta);
            return parameter + (negLr * delta);
        }
    }
}

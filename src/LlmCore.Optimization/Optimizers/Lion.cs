using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Optimizers;

/// <summary>
/// Lion, "EvoLved Sign Momentum" (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), as lucidrains/lion-pytorch and Optax <c>lion</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// θ ← θ(1 − lr·λ); θ ← θ − lr·sign(β₁m + (1 − β₁)g); m ← β₂m + (1 − β₂)g (β₁ in the sign, β₂ in the state). Use a learning rate 3-10× smaller than AdamW’s and a larger weight decay. One fused vectorised pass per tensor. This type is not thread-safe.
/// </remarks>
public sealed class Lion<T> : Optimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static readonly StateSlot[] s_slots = [StateSlots.ExpAvg];

    /// <summary>Initializes a new instance of the <see cref="Lion{T}"/> class.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-4.</param>
    /// <param name="beta1">β₁ in [0, 1); default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1); default 0.99.</param>
    /// <param name="weightDecay">The default decoupled weight decay λ, ≥ 0; default 0 (Optax 1e-3).</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public Lion(IEnumerable<Parameter<T>> parameters, double learningRate = LionOptions.DefaultLearningRate, double beta1 = LionOptions.DefaultBeta1, double beta2 = LionOptions.DefaultBeta2, double weightDecay = LionOptions.DefaultWeightDecay)
        : base(parameters, learningRate, weightDecay)
    {
        Guard.Beta(beta1);
        Beta1 = beta1;
        Guard.Beta(beta2);
        Beta2 = beta2;
    }

    /// <summary>Initializes a new instance of the <see cref="Lion{T}"/> class over parameter groups.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-4.</param>
    /// <param name="beta1">β₁ in [0, 1); default 0.9.</param>
    /// <param name="beta2">β₂ in [0, 1); default 0.99.</param>
    /// <param name="weightDecay">The default decoupled weight decay λ, ≥ 0; default 0 (Optax 1e-3).</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public Lion(IEnumerable<ParameterGroup<T>> groups, double learningRate = LionOptions.DefaultLearningRate, double beta1 = LionOptions.DefaultBeta1, double beta2 = LionOptions.DefaultBeta2, double weightDecay = LionOptions.DefaultWeightDecay)
        : base(groups, learningRate, weightDecay)
    {
        Guard.Beta(beta1);
        Beta1 = beta1;
        Guard.Beta(beta2);
        Beta2 = beta2;
    }

    /// <summary>Initializes a new instance of the <see cref="Lion{T}"/> class from named hyperparameters.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="options">The hyperparameters; <c>new LionOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Lion(IEnumerable<Parameter<T>> parameters, LionOptions options)
        : this(parameters, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta1, options.Beta2, options.WeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Initializes a new instance of the <see cref="Lion{T}"/> class from named hyperparameters.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="options">The hyperparameters; <c>new LionOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Lion(IEnumerable<ParameterGroup<T>> groups, LionOptions options)
        : this(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta1, options.Beta2, options.WeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Gets the value given as <c>beta1</c> at construction.</summary>
    public double Beta1 { get; }

    /// <summary>Gets the value given as <c>beta2</c> at construction.</summary>
    public double Beta2 { get; }

    /// <inheritdoc />
    public override string Kind => "lion";

    private protected override StateSlot[] Slots => s_slots;

    private protected override void Update(Parameter<T> parameter, ParameterState<T> state, double learningRate, double weightDecay)
    {
        var m = state.Buffer(StateSlots.ExpAvg, parameter.Length);
        var decay = T.CreateChecked(1 - (learningRate * weightDecay));
        var decoupled = weightDecay != 0;
        var b1 = T.CreateChecked(Beta1);
        var omb1 = T.CreateChecked(1 - Beta1);
        var b2 = T.CreateChecked(Beta2);
        var omb2 = T.CreateChecked(1 - Beta2);
        var negLr = T.CreateChecked(-learningRate);
        if (parameter.Length < ParallelThreshold)
        {
            LionKernel.Vectorized<T>(parameter.Values, parameter.Gradient, m, decay, decoupled, b1, omb1, b2, omb2, negLr);
            return;
        }

        UpdateParallel(parameter.ValueArray, parameter.GradientArray, m, decay, decoupled, b1, omb1, b2, omb2, negLr, ParallelThreshold);
    }

    // A separate method, so that the serial path does not allocate the lambda's closure.
    private static void UpdateParallel(T[] p, T[] g, T[] m, T decay, bool decoupled, T b1, T omb1, T b2, T omb2, T negLr, int threshold) =>
        Kernels.Run(p.Length, threshold, (start, count) => LionKernel.Vectorized<T>(
            p.AsSpan(start, count), g.AsSpan(start, count), m.AsSpan(start, count), decay, decoupled, b1, omb1, b2, omb2, negLr));
}

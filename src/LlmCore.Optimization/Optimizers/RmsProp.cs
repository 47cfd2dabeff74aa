using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Optimizers;

/// <summary>
/// RMSprop (Hinton, Srivastava and Swersky 2012, Neural Networks for Machine Learning, lecture 6e; centered form after Graves 2013, "Generating Sequences With Recurrent Neural Networks") exactly as <c>torch.optim.RMSprop</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// g ← g + λθ; v ← αv + (1 − α)g²; centered: ḡ ← lerp(ḡ, g, 1 − α), d ← √(v − ḡ²) + ε, else d ← √v + ε (ε outside the root; Keras puts it inside with ρ = 0.9); with momentum μ: b ← μb + g/d, θ ← θ − lr·b, else θ ← θ − lr·g/d. This type is not thread-safe.
/// </remarks>
public sealed class RmsProp<T> : Optimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static readonly StateSlot s_squareAvg = new(0, "square_avg");
    private static readonly StateSlot s_gradAvg = new(1, "grad_avg");
    private static readonly StateSlot s_momentumBuffer = new(2, "momentum_buffer");
    private static readonly StateSlot[] s_slots = [s_squareAvg, s_gradAvg, s_momentumBuffer];

    /// <summary>Initializes a new instance of the <see cref="RmsProp{T}"/> class.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-2.</param>
    /// <param name="alpha">The smoothing constant α in [0, 1); default 0.99.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-8.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <param name="momentum">The momentum μ, ≥ 0; default 0.</param>
    /// <param name="centered">Whether to normalise by the centred second moment.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public RmsProp(IEnumerable<Parameter<T>> parameters, double learningRate = RmsPropOptions.DefaultLearningRate, double alpha = RmsPropOptions.DefaultAlpha, double epsilon = RmsPropOptions.DefaultEpsilon, double weightDecay = RmsPropOptions.DefaultWeightDecay, double momentum = RmsPropOptions.DefaultMomentum, bool centered = RmsPropOptions.DefaultCentered)
        : base(parameters, learningRate, weightDecay)
    {
        Guard.Beta(alpha);
        Alpha = alpha;
        Guard.PositiveFinite(epsilon);
        Epsilon = epsilon;
        Guard.NonNegativeFinite(momentum);
        Momentum = momentum;
        Centered = centered;
    }

    /// <summary>Initializes a new instance of the <see cref="RmsProp{T}"/> class over parameter groups.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-2.</param>
    /// <param name="alpha">The smoothing constant α in [0, 1); default 0.99.</param>
    /// <param name="epsilon">ε &gt; 0; default 1e-8.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <param name="momentum">The momentum μ, ≥ 0; default 0.</param>
    /// <param name="centered">Whether to normalise by the centred second moment.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public RmsProp(IEnumerable<ParameterGroup<T>> groups, double learningRate = RmsPropOptions.DefaultLearningRate, double alpha = RmsPropOptions.DefaultAlpha, double epsilon = RmsPropOptions.DefaultEpsilon, double weightDecay = RmsPropOptions.DefaultWeightDecay, double momentum = RmsPropOptions.DefaultMomentum, bool centered = RmsPropOptions.DefaultCentered)
        : base(groups, learningRate, weightDecay)
    {
        Guard.Beta(alpha);
        Alpha = alpha;
        Guard.PositiveFinite(epsilon);
        Epsilon = epsilon;
        Guard.NonNegativeFinite(momentum);
        Momentum = momentum;
        Centered = centered;
    }

    /// <summary>Initializes a new instance of the <see cref="RmsProp{T}"/> class from named hyperparameters.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="options">The hyperparameters; <c>new RmsPropOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public RmsProp(IEnumerable<Parameter<T>> parameters, RmsPropOptions options)
        : this(parameters, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Alpha, options.Epsilon, options.WeightDecay, options.Momentum, options.Centered)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Initializes a new instance of the <see cref="RmsProp{T}"/> class from named hyperparameters.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="options">The hyperparameters; <c>new RmsPropOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public RmsProp(IEnumerable<ParameterGroup<T>> groups, RmsPropOptions options)
        : this(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Alpha, options.Epsilon, options.WeightDecay, options.Momentum, options.Centered)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Gets the value given as <c>alpha</c> at construction.</summary>
    public double Alpha { get; }

    /// <summary>Gets the value given as <c>epsilon</c> at construction.</summary>
    public double Epsilon { get; }

    /// <summary>Gets the value given as <c>momentum</c> at construction.</summary>
    public double Momentum { get; }

    /// <summary>Gets the value given as <c>centered</c> at construction.</summary>
    public bool Centered { get; }

    /// <inheritdoc />
    public override string Kind => "rmsprop";

    private protected override StateSlot[] Slots => s_slots;

    private protected override void Update(Parameter<T> parameter, ParameterState<T> state, double learningRate, double weightDecay)
    {
        var n = parameter.Length;
        var w = T.CreateChecked(1 - Alpha);
        var rule = new Rule(
            state.Buffer(s_squareAvg, n),
            Centered ? state.Buffer(s_gradAvg, n) : [],
            Momentum > 0 ? state.Buffer(s_momentumBuffer, n) : [],
            Centered,
            Momentum > 0,
            T.CreateChecked(Alpha),
            w,
            T.One - w,
            Math.Abs(1 - Alpha) < 0.5,
            T.CreateChecked(Epsilon),
            T.CreateChecked(Momentum),
            T.CreateChecked(-learningRate));
        ElementwiseUpdate.Run(parameter.Values, parameter.Gradient, ElementwiseUpdate.Mode(weightDecay, decoupled: false), learningRate, weightDecay, ref rule);
    }

    /// <summary>v ← αv + (1 − α)g²; d ← √(v − ḡ²) + ε (centred) or √v + ε; θ ← θ − lr·b with b ← μb + g/d, or θ ← θ − lr·g/d.</summary>
    private readonly struct Rule(T[] squareAvg, T[] gradAvg, T[] buffer, bool centered, bool momentum, T alpha, T w, T omw, bool low, T eps, T mu, T negLr) : IElementRule<T>
    {
        public T Apply(T parameter, T gradient, int i)
        {
            var v = (squareAvg[i] * alpha) + (w * gradient * gradient);
            squareAvg[i] = v;
            T avg;
            if (centered)
            {
                var a = Kernels.Lerp(gradAvg[i], gradient, w, omw, low);
                gradAvg[i] = a;
                avg = T.Sqrt(v + (-a * a)) + eps;
            }
            else
            {
                avg = T.Sqrt(v) + eps;
            }

            if (momentum)
            {
                var b = (buffer[i] * mu) + (gradient / avg);
                buffer[i] = b;
                return parameter + (negLr * b);
            }

            return parameter + (negLr * gradient / avg);
        }
    }
}

using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum, as <c>torch.optim.SGD</c> defines it.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// With weight decay λ, momentum μ and dampening τ: g ← g + λθ; on the first step b ← g (no dampening), later
/// b ← μb + (1 − τ)g; g ← g + μb (Nesterov) or g ← b; θ ← θ − lr·g. The learning rate stays outside the buffer
/// (Keras puts it inside, which differs when the rate changes). Nesterov momentum after Sutskever et al. (2013),
/// "On the importance of initialization and momentum in deep learning". One fused vectorised pass per tensor.
/// This type is not thread-safe.
/// </remarks>
public sealed class Sgd<T> : Optimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static readonly StateSlot s_momentumBuffer = new(0, "momentum_buffer");
    private static readonly StateSlot[] s_slots = [s_momentumBuffer];

    /// <summary>Initializes a new instance of the <see cref="Sgd{T}"/> class.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The learning rate, ≥ 0 (PyTorch's default is 0.001).</param>
    /// <param name="momentum">The momentum factor μ, ≥ 0.</param>
    /// <param name="dampening">The dampening τ of the momentum.</param>
    /// <param name="weightDecay">The L2 penalty λ, ≥ 0.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (needs μ &gt; 0 and τ = 0).</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is negative, NaN or infinite.</exception>
    /// <exception cref="ArgumentException">Nesterov momentum is asked for with μ = 0 or τ ≠ 0.</exception>
    public Sgd(IEnumerable<Parameter<T>> parameters, double learningRate = SgdOptions.DefaultLearningRate, double momentum = SgdOptions.DefaultMomentum, double dampening = SgdOptions.DefaultDampening, double weightDecay = SgdOptions.DefaultWeightDecay, bool nesterov = SgdOptions.DefaultNesterov)
        : base(parameters, learningRate, weightDecay)
    {
        (Momentum, Dampening, Nesterov) = Validate(momentum, dampening, nesterov);
    }

    /// <summary>Initializes a new instance of the <see cref="Sgd{T}"/> class over parameter groups.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides.</param>
    /// <param name="learningRate">The default learning rate, ≥ 0.</param>
    /// <param name="momentum">The momentum factor μ, ≥ 0.</param>
    /// <param name="dampening">The dampening τ of the momentum.</param>
    /// <param name="weightDecay">The default L2 penalty λ, ≥ 0.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (needs μ &gt; 0 and τ = 0).</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is negative, NaN or infinite.</exception>
    /// <exception cref="ArgumentException">Nesterov momentum is asked for with μ = 0 or τ ≠ 0, or two parameters share a name.</exception>
    public Sgd(IEnumerable<ParameterGroup<T>> groups, double learningRate = SgdOptions.DefaultLearningRate, double momentum = SgdOptions.DefaultMomentum, double dampening = SgdOptions.DefaultDampening, double weightDecay = SgdOptions.DefaultWeightDecay, bool nesterov = SgdOptions.DefaultNesterov)
        : base(groups, learningRate, weightDecay)
    {
        (Momentum, Dampening, Nesterov) = Validate(momentum, dampening, nesterov);
    }

    /// <summary>Initializes a new instance of the <see cref="Sgd{T}"/> class from named hyperparameters.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="options">The hyperparameters; <c>new SgdOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Sgd(IEnumerable<Parameter<T>> parameters, SgdOptions options)
        : this(parameters, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Momentum, options.Dampening, options.WeightDecay, options.Nesterov)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Initializes a new instance of the <see cref="Sgd{T}"/> class from named hyperparameters.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="options">The hyperparameters; <c>new SgdOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Sgd(IEnumerable<ParameterGroup<T>> groups, SgdOptions options)
        : this(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Momentum, options.Dampening, options.WeightDecay, options.Nesterov)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Gets the momentum factor μ.</summary>
    public double Momentum { get; }

    /// <summary>Gets the dampening τ.</summary>
    public double Dampening { get; }

    /// <summary>Gets a value indicating whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    public override string Kind => "sgd";

    private protected override StateSlot[] Slots => s_slots;

    private protected override void Update(Parameter<T> parameter, ParameterState<T> state, double learningRate, double weightDecay)
    {
        var momentum = Momentum != 0;
        var first = momentum && state.Buffers[s_momentumBuffer.Index] is null;
        var buffer = momentum ? state.Buffer(s_momentumBuffer, parameter.Length) : [];
        var negLr = T.CreateChecked(-learningRate);
        var wd = T.CreateChecked(weightDecay);
        var mu = T.CreateChecked(Momentum);
        var omd = T.CreateChecked(1 - Dampening);
        var nesterov = Nesterov;
        if (parameter.Length < ParallelThreshold)
        {
            SgdKernel.Vectorized<T>(parameter.Values, parameter.Gradient, buffer, negLr, wd, mu, omd, momentum, first, nesterov);
            return;
        }

        UpdateParallel(parameter.ValueArray, parameter.GradientArray, buffer, negLr, wd, mu, omd, momentum, first, nesterov, ParallelThreshold);
    }

    // A separate method, so that the serial path does not allocate the lambda's closure.
    private static void UpdateParallel(T[] p, T[] g, T[] buffer, T negLr, T wd, T mu, T omd, bool momentum, bool first, bool nesterov, int threshold) =>
        Kernels.Run(p.Length, threshold, (start, count) => SgdKernel.Vectorized<T>(
            p.AsSpan(start, count), g.AsSpan(start, count), momentum ? buffer.AsSpan(start, count) : default, negLr, wd, mu, omd, momentum, first, nesterov));

    private static (double Momentum, double Dampening, bool Nesterov) Validate(double momentum, double dampening, bool nesterov)
    {
        Guard.NonNegativeFinite(momentum);
        Guard.Finite(dampening);
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum requires momentum > 0 and dampening = 0.", nameof(nesterov));
        }

        return (momentum, dampening, nesterov);
    }
}

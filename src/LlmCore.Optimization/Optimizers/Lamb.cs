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
    public Lamb(IEnumerable<Parameter<T>> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-6, double epsilonRoot = 0, double weightDecay = 0)
        : base(parameters, learningRate, weightDecay)
    {
        Guard.Beta(beta1, nameof(beta1));
        Beta1 = beta1;
        Guard.Beta(beta2, nameof(beta2));
        Beta2 = beta2;
        Guard.Positive(epsilon, nameof(epsilon));
        Epsilon = epsilon;
        Guard.NonNegative(epsilonRoot, nameof(epsilonRoot));
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
    public Lamb(IEnumerable<ParameterGroup<T>> groups, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-6, double epsilonRoot = 0, double weightDecay = 0)
        : base(groups, learningRate, weightDecay)
    {
        Guard.Beta(beta1, nameof(beta1));
        Beta1 = beta1;
        Guard.Beta(beta2, nameof(beta2));
        Beta2 = beta2;
        Guard.Positive(epsilon, nameof(epsilon));
        Epsilon = epsilon;
        Guard.NonNegative(epsilonRoot, nameof(epsilonRoot));
        EpsilonRoot = epsilonRoot;
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

    private protected override int BufferCount => 3;

    /// <summary>Gets the trust ratio ‖θ‖/‖u‖ of the last tensor updated (1 when either norm was 0; NaN before the first step).</summary>
    public double LastTrustRatio { get; private set; } = double.NaN;

    private protected override void Update(Parameter<T> parameter, ParameterState<T> state, double learningRate, double weightDecay)
    {
        var n = parameter.Length;
        var p = parameter.Values;
        var g = parameter.Gradient;
        var m = state.Buffer(0, n);
        var v = state.Buffer(1, n);
        var u = state.Buffer(2, n);
        double t = state.Step;
        var b1 = T.CreateChecked(Beta1);
        var omb1 = T.CreateChecked(1 - Beta1);
        var b2 = T.CreateChecked(Beta2);
        var omb2 = T.CreateChecked(1 - Beta2);
        var bc1 = T.CreateChecked(1 - Math.Pow(Beta1, t));
        var bc2 = T.CreateChecked(1 - Math.Pow(Beta2, t));
        var eps = T.CreateChecked(Epsilon);
        var epsRoot = T.CreateChecked(EpsilonRoot);
        var wd = T.CreateChecked(weightDecay);
        for (var i = 0; i < n; i++)
        {
            var gi = g[i];
            var mi = (omb1 * gi) + (b1 * m[i]);
            var vi = (omb2 * (gi * gi)) + (b2 * v[i]);
            m[i] = mi;
            v[i] = vi;
            u[i] = (mi / bc1 / (T.Sqrt((vi / bc2) + epsRoot) + eps)) + (wd * p[i]);
        }

        var paramNorm = Norms.L2<T>(p);
        var updateNorm = Norms.L2<T>(u);
        var ratio = paramNorm == 0 || updateNorm == 0 ? 1.0 : paramNorm / updateNorm;
        LastTrustRatio = ratio;
        var r = T.CreateChecked(ratio);
        var negLr = T.CreateChecked(-learningRate);
        for (var i = 0; i < n; i++)
        {
            p[i] += u[i] * r * negLr;
        }
    }
}

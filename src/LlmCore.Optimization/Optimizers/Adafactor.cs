using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Optimizers;

/// <summary>
/// Adafactor (Shazeer and Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost") exactly as <c>torch.optim.Adafactor</c>: factored second moments for tensors of two or more dimensions.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// w = t^β₂decay; ρ = min(lr, 1/√t); α = max(ε₂, RMS(θ))·ρ (θ before decay); θ ← θ(1 − lr·λ); matrices (over the last two dimensions): R ← lerp(R, mean_cols(g²), w), C ← lerp(C, mean_rows(g²), w), V̂ = R⊗C/max(mean(R), ε₁); vectors: V ← lerp(V, g², w); U = g/√max(V̂, ε₁²); θ ← θ − α/max(1, RMS(U)/d)·U. As PyTorch documents, lr caps ρ (the paper uses 0.01) and ε₁ is applied at the end rather than added to the factors. State per m×n matrix: m + n values. This type is not thread-safe.
/// </remarks>
public sealed class Adafactor<T> : Optimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static readonly StateSlot s_rowVar = new(0, "row_var");
    private static readonly StateSlot s_colVar = new(1, "col_var");
    private static readonly StateSlot s_variance = new(2, "variance");
    private static readonly StateSlot s_update = new(3, "update");
    private static readonly StateSlot[] s_slots = [s_rowVar, s_colVar, s_variance, s_update];

    /// <summary>Initializes a new instance of the <see cref="Adafactor{T}"/> class.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-2.</param>
    /// <param name="beta2Decay">The decay exponent of the second-moment weight, ≤ 0; default −0.8.</param>
    /// <param name="epsilon1">ε₁ that floors the second moment, &gt; 0, or <see langword="null"/> for the machine epsilon of <typeparamref name="T"/> (PyTorch’s default).</param>
    /// <param name="epsilon2">ε₂ that floors RMS(θ), &gt; 0; default 1e-3.</param>
    /// <param name="clipThreshold">The update clipping threshold d, &gt; 0; default 1.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public Adafactor(IEnumerable<Parameter<T>> parameters, double learningRate = AdafactorOptions.DefaultLearningRate, double beta2Decay = AdafactorOptions.DefaultBeta2Decay, double? epsilon1 = null, double epsilon2 = AdafactorOptions.DefaultEpsilon2, double clipThreshold = AdafactorOptions.DefaultClipThreshold, double weightDecay = AdafactorOptions.DefaultWeightDecay)
        : base(parameters, learningRate, weightDecay)
    {
        Guard.NonPositiveFinite(beta2Decay);
        Beta2Decay = beta2Decay;
        Guard.PositiveFiniteOrNull(epsilon1);
        Epsilon1 = epsilon1;
        Guard.PositiveFinite(epsilon2);
        Epsilon2 = epsilon2;
        Guard.PositiveFinite(clipThreshold);
        ClipThreshold = clipThreshold;
    }

    /// <summary>Initializes a new instance of the <see cref="Adafactor{T}"/> class over parameter groups.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-2.</param>
    /// <param name="beta2Decay">The decay exponent of the second-moment weight, ≤ 0; default −0.8.</param>
    /// <param name="epsilon1">ε₁ that floors the second moment, &gt; 0, or <see langword="null"/> for the machine epsilon of <typeparamref name="T"/> (PyTorch’s default).</param>
    /// <param name="epsilon2">ε₂ that floors RMS(θ), &gt; 0; default 1e-3.</param>
    /// <param name="clipThreshold">The update clipping threshold d, &gt; 0; default 1.</param>
    /// <param name="weightDecay">The default weight decay λ, ≥ 0; default 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public Adafactor(IEnumerable<ParameterGroup<T>> groups, double learningRate = AdafactorOptions.DefaultLearningRate, double beta2Decay = AdafactorOptions.DefaultBeta2Decay, double? epsilon1 = null, double epsilon2 = AdafactorOptions.DefaultEpsilon2, double clipThreshold = AdafactorOptions.DefaultClipThreshold, double weightDecay = AdafactorOptions.DefaultWeightDecay)
        : base(groups, learningRate, weightDecay)
    {
        Guard.NonPositiveFinite(beta2Decay);
        Beta2Decay = beta2Decay;
        Guard.PositiveFiniteOrNull(epsilon1);
        Epsilon1 = epsilon1;
        Guard.PositiveFinite(epsilon2);
        Epsilon2 = epsilon2;
        Guard.PositiveFinite(clipThreshold);
        ClipThreshold = clipThreshold;
    }

    /// <summary>Initializes a new instance of the <see cref="Adafactor{T}"/> class from named hyperparameters.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="options">The hyperparameters; <c>new AdafactorOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Adafactor(IEnumerable<Parameter<T>> parameters, AdafactorOptions options)
        : this(parameters, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta2Decay, options.Epsilon1, options.Epsilon2, options.ClipThreshold, options.WeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Initializes a new instance of the <see cref="Adafactor{T}"/> class from named hyperparameters.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="options">The hyperparameters; <c>new AdafactorOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Adafactor(IEnumerable<ParameterGroup<T>> groups, AdafactorOptions options)
        : this(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.Beta2Decay, options.Epsilon1, options.Epsilon2, options.ClipThreshold, options.WeightDecay)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Gets the value given as <c>beta2Decay</c> at construction.</summary>
    public double Beta2Decay { get; }

    /// <summary>Gets the value given as <c>epsilon1</c> at construction.</summary>
    public double? Epsilon1 { get; }

    /// <summary>Gets the value given as <c>epsilon2</c> at construction.</summary>
    public double Epsilon2 { get; }

    /// <summary>Gets the value given as <c>clipThreshold</c> at construction.</summary>
    public double ClipThreshold { get; }

    /// <inheritdoc />
    public override string Kind => "adafactor";

    private protected override StateSlot[] Slots => s_slots;

    private protected override void Update(Parameter<T> parameter, ParameterState<T> state, double learningRate, double weightDecay)
    {
        var n = parameter.Length;
        var p = parameter.Values;
        var g = parameter.Gradient;
        double t = state.Step;
        var weight = Math.Pow(t, Beta2Decay);
        var w = T.CreateChecked(weight);
        var omw = T.One - w;
        var low = Math.Abs(weight) < 0.5;
        var rho = Math.Min(learningRate, 1 / Math.Sqrt(t));
        var eps1 = Epsilon1 ?? (typeof(T) == typeof(float) ? 1.1920928955078125e-07 : 2.220446049250313e-16);
        var alpha = Math.Max(Epsilon2, Norms.L2<T>(p) / Math.Sqrt(n)) * rho;
        if (weightDecay != 0)
        {
            var decay = T.CreateChecked(1 - (learningRate * weightDecay));
            for (var i = 0; i < n; i++)
            {
                p[i] *= decay;
            }
        }

        var update = state.Buffer(s_update, n);
        var floor = T.CreateChecked(eps1 * eps1);
        var shape = parameter.Shape;
        if (shape.Length > 1)
        {
            var rows = shape[^2];
            var cols = shape[^1];
            var batch = rows * cols == 0 ? 0 : n / (rows * cols);
            var rowVar = state.Buffer(s_rowVar, batch * rows);
            var colVar = state.Buffer(s_colVar, batch * cols);
            var eps1T = T.CreateChecked(eps1);
            for (var b = 0; b < batch; b++)
            {
                var gb = g.Slice(b * rows * cols, rows * cols);
                for (var r = 0; r < rows; r++)
                {
                    var norm = T.Sqrt(SumSquares(gb.Slice(r * cols, cols), 1, cols));
                    rowVar[(b * rows) + r] = Kernels.Lerp(rowVar[(b * rows) + r], norm * norm / T.CreateChecked(cols), w, omw, low);
                }

                for (var c = 0; c < cols; c++)
                {
                    var norm = T.Sqrt(SumSquares(gb[c..], cols, rows));
                    colVar[(b * cols) + c] = Kernels.Lerp(colVar[(b * cols) + c], norm * norm / T.CreateChecked(rows), w, omw, low);
                }

                var rowSum = T.Zero;
                for (var r = 0; r < rows; r++)
                {
                    rowSum += rowVar[(b * rows) + r];
                }

                var rowMean = T.Max(rowSum / T.CreateChecked(rows), eps1T);
                for (var r = 0; r < rows; r++)
                {
                    for (var c = 0; c < cols; c++)
                    {
                        var k = (b * rows * cols) + (r * cols) + c;
                        var v = rowVar[(b * rows) + r] * colVar[(b * cols) + c] / rowMean;
                        update[k] = T.One / T.Sqrt(T.Max(v, floor)) * g[k];
                    }
                }
            }
        }
        else
        {
            var variance = state.Buffer(s_variance, n);
            for (var i = 0; i < n; i++)
            {
                var v = Kernels.Lerp(variance[i], g[i] * g[i], w, omw, low);
                variance[i] = v;
                update[i] = T.One / T.Sqrt(T.Max(v, floor)) * g[i];
            }
        }

        var denom = Math.Max(1.0, Norms.L2<T>(update) / (Math.Sqrt(n) * ClipThreshold));
        var scale = T.CreateChecked(-alpha / denom);
        for (var i = 0; i < n; i++)
        {
            p[i] += scale * update[i];
        }
    }

    private static T SumSquares(ReadOnlySpan<T> values, int stride, int count)
    {
        var sum = T.Zero;
        for (var k = 0; k < count; k++)
        {
            var x = values[k * stride];
            sum += x * x;
        }

        return sum;
    }
}

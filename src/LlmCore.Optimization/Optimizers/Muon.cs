using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Optimizers;

/// <summary>
/// Muon, momentum orthogonalized by Newton-Schulz (Jordan et al. 2024, "Muon: An optimizer for hidden layers in neural networks"), as <c>torch.optim.Muon</c>, for 2-D parameters.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// b ← lerp(b, g, 1 − μ); u = lerp(g, b, μ) with Nesterov, else b; X = NS₅(u): X ← u/max(‖u‖_F, ε) (transposed when rows &gt; cols), then five times A = XXᵀ, X ← aX + (bA + cA²)X with (a, b, c) = (3.4445, −4.7750, 2.0315); θ ← θ(1 − lr·λ); θ ← θ − lr·√max(1, rows/cols)·X. The Newton-Schulz iteration runs in double here (PyTorch runs it in bfloat16). This type is not thread-safe.
/// </remarks>
public sealed class Muon<T> : Optimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static readonly StateSlot s_momentumBuffer = new(0, "momentum_buffer");
    private static readonly StateSlot[] s_slots = [s_momentumBuffer];

    /// <summary>Initializes a new instance of the <see cref="Muon{T}"/> class.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-3.</param>
    /// <param name="weightDecay">The default decoupled weight decay λ, ≥ 0; default 0.1.</param>
    /// <param name="momentum">The momentum μ in [0, 1); default 0.95.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum; default true.</param>
    /// <param name="epsilon">ε that floors the Frobenius norm, &gt; 0; default 1e-7.</param>
    /// <param name="newtonSchulzSteps">The number of Newton-Schulz iterations, ≥ 1; default 5.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public Muon(IEnumerable<Parameter<T>> parameters, double learningRate = MuonOptions.DefaultLearningRate, double weightDecay = MuonOptions.DefaultWeightDecay, double momentum = MuonOptions.DefaultMomentum, bool nesterov = MuonOptions.DefaultNesterov, double epsilon = MuonOptions.DefaultEpsilon, int newtonSchulzSteps = MuonOptions.DefaultNewtonSchulzSteps)
        : base(parameters, learningRate, weightDecay)
    {
        Guard.Beta(momentum);
        Momentum = momentum;
        Nesterov = nesterov;
        Guard.PositiveFinite(epsilon);
        Epsilon = epsilon;
        Guard.PositiveFinite(newtonSchulzSteps);
        NewtonSchulzSteps = newtonSchulzSteps;
    }

    /// <summary>Initializes a new instance of the <see cref="Muon{T}"/> class over parameter groups.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="learningRate">The learning rate, ≥ 0; default 1e-3.</param>
    /// <param name="weightDecay">The default decoupled weight decay λ, ≥ 0; default 0.1.</param>
    /// <param name="momentum">The momentum μ in [0, 1); default 0.95.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum; default true.</param>
    /// <param name="epsilon">ε that floors the Frobenius norm, &gt; 0; default 1e-7.</param>
    /// <param name="newtonSchulzSteps">The number of Newton-Schulz iterations, ≥ 1; default 5.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is outside its range (the exception names it).</exception>
    public Muon(IEnumerable<ParameterGroup<T>> groups, double learningRate = MuonOptions.DefaultLearningRate, double weightDecay = MuonOptions.DefaultWeightDecay, double momentum = MuonOptions.DefaultMomentum, bool nesterov = MuonOptions.DefaultNesterov, double epsilon = MuonOptions.DefaultEpsilon, int newtonSchulzSteps = MuonOptions.DefaultNewtonSchulzSteps)
        : base(groups, learningRate, weightDecay)
    {
        Guard.Beta(momentum);
        Momentum = momentum;
        Nesterov = nesterov;
        Guard.PositiveFinite(epsilon);
        Epsilon = epsilon;
        Guard.PositiveFinite(newtonSchulzSteps);
        NewtonSchulzSteps = newtonSchulzSteps;
    }

    /// <summary>Initializes a new instance of the <see cref="Muon{T}"/> class from named hyperparameters.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="options">The hyperparameters; <c>new MuonOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Muon(IEnumerable<Parameter<T>> parameters, MuonOptions options)
        : this(parameters, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.WeightDecay, options.Momentum, options.Nesterov, options.Epsilon, options.NewtonSchulzSteps)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Initializes a new instance of the <see cref="Muon{T}"/> class from named hyperparameters.</summary>
    /// <param name="groups">The parameter groups, each with optional learning-rate and weight-decay overrides (weight decay 0 masks a group).</param>
    /// <param name="options">The hyperparameters; <c>new MuonOptions()</c> holds the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="groups"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A hyperparameter is outside its range or inconsistent with another (the exception names it).</exception>
    public Muon(IEnumerable<ParameterGroup<T>> groups, MuonOptions options)
        : this(groups, (options ?? throw new ArgumentNullException(nameof(options))).LearningRate, options.WeightDecay, options.Momentum, options.Nesterov, options.Epsilon, options.NewtonSchulzSteps)
    {
        Maximize = options.Maximize;
    }

    /// <summary>Gets the value given as <c>momentum</c> at construction.</summary>
    public double Momentum { get; }

    /// <summary>Gets the value given as <c>nesterov</c> at construction.</summary>
    public bool Nesterov { get; }

    /// <summary>Gets the value given as <c>epsilon</c> at construction.</summary>
    public double Epsilon { get; }

    /// <summary>Gets the value given as <c>newtonSchulzSteps</c> at construction.</summary>
    public int NewtonSchulzSteps { get; }

    /// <inheritdoc />
    public override string Kind => "muon";

    private protected override StateSlot[] Slots => s_slots;

    private protected override void Update(Parameter<T> parameter, ParameterState<T> state, double learningRate, double weightDecay)
    {
        var shape = parameter.Shape;
        if (shape.Length != 2)
        {
            throw new InvalidOperationException($"Muon updates 2-D parameters only; '{parameter.Name}' has {shape.Length} dimensions.");
        }

        var rows = shape[0];
        var cols = shape[1];
        var n = parameter.Length;
        var p = parameter.Values;
        var g = parameter.Gradient;
        var buf = state.Buffer(s_momentumBuffer, n);
        var mu = T.CreateChecked(Momentum);
        var w = T.CreateChecked(1 - Momentum);
        var lowW = Math.Abs(1 - Momentum) < 0.5;
        var lowMu = Math.Abs(Momentum) < 0.5;
        var transpose = rows > cols;
        var r = transpose ? cols : rows;
        var c = transpose ? rows : cols;
        var x = new double[r * c];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                var k = (i * cols) + j;
                var b = Kernels.Lerp(buf[k], g[k], w, T.One - w, lowW);
                buf[k] = b;
                var u = Nesterov ? Kernels.Lerp(g[k], b, mu, T.One - mu, lowMu) : b;
                x[transpose ? (j * c) + i : (i * c) + j] = double.CreateChecked(u);
            }
        }

        NewtonSchulz(x, r, c, Epsilon, NewtonSchulzSteps);
        var adjusted = learningRate * Math.Sqrt(Math.Max(1.0, (double)rows / cols));
        var decay = T.CreateChecked(1 - (learningRate * weightDecay));
        var negLr = T.CreateChecked(-adjusted);
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                var k = (i * cols) + j;
                var xk = T.CreateChecked(x[transpose ? (j * c) + i : (i * c) + j]);
                p[k] = (p[k] * decay) + (negLr * xk);
            }
        }
    }

    private static void NewtonSchulz(double[] x, int r, int c, double eps, int steps)
    {
        const double A = 3.4445;
        const double B = -4.7750;
        const double C = 2.0315;
        var norm = Math.Max(Math.Sqrt(x.Sum(static v => v * v)), eps);
        for (var i = 0; i < x.Length; i++)
        {
            x[i] /= norm;
        }

        var gram = new double[r * r];
        var poly = new double[r * r];
        var next = new double[r * c];
        for (var step = 0; step < steps; step++)
        {
            for (var i = 0; i < r; i++)
            {
                for (var j = 0; j < r; j++)
                {
                    var s = 0.0;
                    for (var k = 0; k < c; k++)
                    {
                        s += x[(i * c) + k] * x[(j * c) + k];
                    }

                    gram[(i * r) + j] = s;
                }
            }

            for (var i = 0; i < r; i++)
            {
                for (var j = 0; j < r; j++)
                {
                    var s = 0.0;
                    for (var k = 0; k < r; k++)
                    {
                        s += gram[(i * r) + k] * gram[(k * r) + j];
                    }

                    poly[(i * r) + j] = (B * gram[(i * r) + j]) + (C * s);
                }
            }

            for (var i = 0; i < r; i++)
            {
                for (var j = 0; j < c; j++)
                {
                    var s = 0.0;
                    for (var k = 0; k < r; k++)
                    {
                        s += poly[(i * r) + k] * x[(k * c) + j];
                    }

                    next[(i * c) + j] = (A * x[(i * c) + j]) + s;
                }
            }

            Array.Copy(next, x, x.Length);
        }
    }
}

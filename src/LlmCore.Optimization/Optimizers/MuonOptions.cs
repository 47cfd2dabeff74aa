namespace LlmCore.Optimization.Optimizers;

/// <summary>The hyperparameters of <see cref="Muon{T}"/>, named as the arguments of <c>torch.optim.Muon</c>, with its defaults (torch/optim/_muon.py).</summary>
/// <remarks>Immutable and thread-safe. The optimizer checks the ranges when it is constructed; the exception names the hyperparameter.</remarks>
public sealed record MuonOptions
{
    internal const double DefaultLearningRate = 1e-3;
    internal const double DefaultWeightDecay = 0.1;
    internal const double DefaultMomentum = 0.95;
    internal const bool DefaultNesterov = true;
    internal const double DefaultEpsilon = 1e-7;
    internal const int DefaultNewtonSchulzSteps = 5;

    /// <summary>Gets the learning rate, ≥ 0 (<c>lr</c>).</summary>
    /// <value>The default value is 1e-3 (torch/optim/_muon.py).</value>
    public double LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>Gets the weight decay λ, ≥ 0 (<c>weight_decay</c>).</summary>
    /// <value>The default value is 0.1 (torch/optim/_muon.py).</value>
    public double WeightDecay { get; init; } = DefaultWeightDecay;

    /// <summary>Gets the momentum μ, in [0, 1) (<c>momentum</c>).</summary>
    /// <value>The default value is 0.95 (torch/optim/_muon.py).</value>
    public double Momentum { get; init; } = DefaultMomentum;

    /// <summary>Gets a value indicating whether Nesterov momentum is used (<c>nesterov</c>).</summary>
    /// <value>The default value is <see langword="true"/> (torch/optim/_muon.py).</value>
    public bool Nesterov { get; init; } = DefaultNesterov;

    /// <summary>Gets ε, which floors the Frobenius norm, &gt; 0 (<c>eps</c>).</summary>
    /// <value>The default value is 1e-7 (torch/optim/_muon.py).</value>
    public double Epsilon { get; init; } = DefaultEpsilon;

    /// <summary>Gets the number of Newton-Schulz iterations, ≥ 1 (<c>ns_steps</c>).</summary>
    /// <value>The default value is 5 (torch/optim/_muon.py).</value>
    public int NewtonSchulzSteps { get; init; } = DefaultNewtonSchulzSteps;

    /// <summary>Gets a value indicating whether the objective is maximised (<c>maximize</c>).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Maximize { get; init; }
}

namespace LlmCore.Optimization.Optimizers;

/// <summary>The hyperparameters of <see cref="Adadelta{T}"/>, named as the arguments of <c>torch.optim.Adadelta</c>, with its defaults (torch/optim/adadelta.py).</summary>
/// <remarks>Immutable and thread-safe. The optimizer checks the ranges when it is constructed; the exception names the hyperparameter.</remarks>
public sealed record AdadeltaOptions
{
    internal const double DefaultLearningRate = 1.0;
    internal const double DefaultRho = 0.9;
    internal const double DefaultEpsilon = 1e-6;
    internal const double DefaultWeightDecay = 0;

    /// <summary>Gets the learning rate, ≥ 0 (<c>lr</c>).</summary>
    /// <value>The default value is 1.0 (torch/optim/adadelta.py).</value>
    public double LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>Gets the decay ρ, in [0, 1) (<c>rho</c>).</summary>
    /// <value>The default value is 0.9 (torch/optim/adadelta.py).</value>
    public double Rho { get; init; } = DefaultRho;

    /// <summary>Gets ε, added to the denominator, &gt; 0 (<c>eps</c>).</summary>
    /// <value>The default value is 1e-6 (torch/optim/adadelta.py).</value>
    public double Epsilon { get; init; } = DefaultEpsilon;

    /// <summary>Gets the weight decay λ, ≥ 0 (<c>weight_decay</c>).</summary>
    /// <value>The default value is 0 (torch/optim/adadelta.py).</value>
    public double WeightDecay { get; init; } = DefaultWeightDecay;

    /// <summary>Gets a value indicating whether the objective is maximised (<c>maximize</c>).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Maximize { get; init; }
}

namespace LlmCore.Optimization.Optimizers;

/// <summary>The hyperparameters of <see cref="Adam{T}"/>, named as the arguments of <c>torch.optim.Adam</c>, with its defaults (torch/optim/adam.py).</summary>
/// <remarks>Immutable and thread-safe. The optimizer checks the ranges when it is constructed; the exception names the hyperparameter.</remarks>
public sealed record AdamOptions
{
    internal const double DefaultLearningRate = 1e-3;
    internal const double DefaultBeta1 = 0.9;
    internal const double DefaultBeta2 = 0.999;
    internal const double DefaultEpsilon = 1e-8;
    internal const double DefaultWeightDecay = 0;
    internal const bool DefaultAmsGrad = false;
    internal const bool DefaultDecoupledWeightDecay = false;

    /// <summary>Gets the learning rate, ≥ 0 (<c>lr</c>).</summary>
    /// <value>The default value is 1e-3 (torch/optim/adam.py).</value>
    public double LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>Gets β₁, the first-moment decay, in [0, 1) (<c>betas[0]</c>).</summary>
    /// <value>The default value is 0.9 (torch/optim/adam.py).</value>
    public double Beta1 { get; init; } = DefaultBeta1;

    /// <summary>Gets β₂, the second-moment decay, in [0, 1) (<c>betas[1]</c>).</summary>
    /// <value>The default value is 0.999 (torch/optim/adam.py).</value>
    public double Beta2 { get; init; } = DefaultBeta2;

    /// <summary>Gets ε, added to the denominator, &gt; 0 (<c>eps</c>).</summary>
    /// <value>The default value is 1e-8 (torch/optim/adam.py).</value>
    public double Epsilon { get; init; } = DefaultEpsilon;

    /// <summary>Gets the weight decay λ, ≥ 0 (<c>weight_decay</c>).</summary>
    /// <value>The default value is 0 (torch/optim/adam.py).</value>
    public double WeightDecay { get; init; } = DefaultWeightDecay;

    /// <summary>Gets a value indicating whether AMSGrad's running maximum of v is used (<c>amsgrad</c>).</summary>
    /// <value>The default value is <see langword="false"/> (torch/optim/adam.py).</value>
    public bool AmsGrad { get; init; } = DefaultAmsGrad;

    /// <summary>Gets a value indicating whether weight decay is decoupled (θ ← θ(1 − lr·λ)) rather than an L2 term (<c>decoupled_weight_decay</c>).</summary>
    /// <value>The default value is <see langword="false"/> (torch/optim/adam.py).</value>
    public bool DecoupledWeightDecay { get; init; } = DefaultDecoupledWeightDecay;

    /// <summary>Gets a value indicating whether the objective is maximised (<c>maximize</c>).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Maximize { get; init; }
}

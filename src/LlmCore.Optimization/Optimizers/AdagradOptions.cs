namespace LlmCore.Optimization.Optimizers;

/// <summary>The hyperparameters of <see cref="Adagrad{T}"/>, named as the arguments of <c>torch.optim.Adagrad</c>, with its defaults (torch/optim/adagrad.py).</summary>
/// <remarks>Immutable and thread-safe. The optimizer checks the ranges when it is constructed; the exception names the hyperparameter.</remarks>
public sealed record AdagradOptions
{
    internal const double DefaultLearningRate = 1e-2;
    internal const double DefaultLearningRateDecay = 0;
    internal const double DefaultWeightDecay = 0;
    internal const double DefaultInitialAccumulatorValue = 0;
    internal const double DefaultEpsilon = 1e-10;

    /// <summary>Gets the learning rate, ≥ 0 (<c>lr</c>).</summary>
    /// <value>The default value is 1e-2 (torch/optim/adagrad.py).</value>
    public double LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>Gets the learning-rate decay, ≥ 0 (<c>lr_decay</c>).</summary>
    /// <value>The default value is 0 (torch/optim/adagrad.py).</value>
    public double LearningRateDecay { get; init; } = DefaultLearningRateDecay;

    /// <summary>Gets the weight decay λ, ≥ 0 (<c>weight_decay</c>).</summary>
    /// <value>The default value is 0 (torch/optim/adagrad.py).</value>
    public double WeightDecay { get; init; } = DefaultWeightDecay;

    /// <summary>Gets the accumulator's starting value, ≥ 0 (<c>initial_accumulator_value</c>).</summary>
    /// <value>The default value is 0 (torch/optim/adagrad.py).</value>
    public double InitialAccumulatorValue { get; init; } = DefaultInitialAccumulatorValue;

    /// <summary>Gets ε, added to the denominator, &gt; 0 (<c>eps</c>).</summary>
    /// <value>The default value is 1e-10 (torch/optim/adagrad.py).</value>
    public double Epsilon { get; init; } = DefaultEpsilon;

    /// <summary>Gets a value indicating whether the objective is maximised (<c>maximize</c>).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Maximize { get; init; }
}

namespace LlmCore.Optimization.Factories;

/// <summary>
/// Hyperparameters for <see cref="IOptimizerFactory"/>, named after <c>torch.optim</c>'s arguments; a
/// <see langword="null"/> value means the optimizer's own default (PyTorch's, or Optax's for Lion, LAMB and LARS).
/// </summary>
/// <remarks>Settings an optimizer does not have are ignored (for example <see cref="Nesterov"/> for Adam). Immutable and thread-safe.</remarks>
public sealed record OptimizerSettings
{
    /// <summary>Gets the learning rate (<c>lr</c>), ≥ 0.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Gets β₁ (<c>betas[0]</c>), in [0, 1).</summary>
    public double? Beta1 { get; init; }

    /// <summary>Gets β₂ (<c>betas[1]</c>), in [0, 1).</summary>
    public double? Beta2 { get; init; }

    /// <summary>Gets ε (<c>eps</c>), &gt; 0.</summary>
    public double? Epsilon { get; init; }

    /// <summary>Gets the weight decay (<c>weight_decay</c>), ≥ 0.</summary>
    public double? WeightDecay { get; init; }

    /// <summary>Gets the momentum (<c>momentum</c>), ≥ 0.</summary>
    public double? Momentum { get; init; }

    /// <summary>Gets the dampening (<c>dampening</c>) of SGD.</summary>
    public double? Dampening { get; init; }

    /// <summary>Gets RMSprop's smoothing constant (<c>alpha</c>), in [0, 1).</summary>
    public double? Alpha { get; init; }

    /// <summary>Gets Adagrad's learning-rate decay (<c>lr_decay</c>), ≥ 0.</summary>
    public double? LearningRateDecay { get; init; }

    /// <summary>Gets Adagrad's initial accumulator value (<c>initial_accumulator_value</c>), ≥ 0.</summary>
    public double? InitialAccumulatorValue { get; init; }

    /// <summary>Gets a value indicating whether Nesterov momentum is used (SGD, LARS, Muon).</summary>
    public bool? Nesterov { get; init; }

    /// <summary>Gets a value indicating whether AMSGrad is used (Adam, AdamW).</summary>
    public bool AmsGrad { get; init; }

    /// <summary>Gets a value indicating whether RMSprop is centred.</summary>
    public bool Centered { get; init; }

    /// <summary>Gets a value indicating whether weight decay is decoupled (Adam, NAdam, RAdam).</summary>
    public bool DecoupledWeightDecay { get; init; }

    /// <summary>Gets a value indicating whether the objective is maximised.</summary>
    public bool Maximize { get; init; }
}

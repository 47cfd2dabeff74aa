namespace LlmCore.Optimization.Optimizers;

/// <summary>The hyperparameters of <see cref="Adafactor{T}"/>, named as the arguments of <c>torch.optim.Adafactor</c>, with its defaults (torch/optim/_adafactor.py).</summary>
/// <remarks>Immutable and thread-safe. The optimizer checks the ranges when it is constructed; the exception names the hyperparameter.</remarks>
public sealed record AdafactorOptions
{
    internal const double DefaultLearningRate = 1e-2;
    internal const double DefaultBeta2Decay = -0.8;
    internal const double DefaultEpsilon2 = 1e-3;
    internal const double DefaultClipThreshold = 1.0;
    internal const double DefaultWeightDecay = 0;

    /// <summary>Gets the learning rate, ≥ 0 (<c>lr</c>).</summary>
    /// <value>The default value is 1e-2 (torch/optim/_adafactor.py).</value>
    public double LearningRate { get; init; } = DefaultLearningRate;

    /// <summary>Gets the decay exponent of the second-moment weight, ≤ 0 (<c>beta2_decay</c>).</summary>
    /// <value>The default value is -0.8 (torch/optim/_adafactor.py).</value>
    public double Beta2Decay { get; init; } = DefaultBeta2Decay;

    /// <summary>Gets ε₁ that floors the second moment, &gt; 0, or <see langword="null"/> for the machine epsilon of the element type (<c>eps[0]</c>).</summary>
    /// <value>The default value is <see langword="null"/> (torch/optim/_adafactor.py).</value>
    public double? Epsilon1 { get; init; }

    /// <summary>Gets ε₂ that floors RMS(θ), &gt; 0 (<c>eps[1]</c>).</summary>
    /// <value>The default value is 1e-3 (torch/optim/_adafactor.py).</value>
    public double Epsilon2 { get; init; } = DefaultEpsilon2;

    /// <summary>Gets the update clipping threshold d, &gt; 0 (<c>d</c>).</summary>
    /// <value>The default value is 1.0 (torch/optim/_adafactor.py).</value>
    public double ClipThreshold { get; init; } = DefaultClipThreshold;

    /// <summary>Gets the weight decay λ, ≥ 0 (<c>weight_decay</c>).</summary>
    /// <value>The default value is 0 (torch/optim/_adafactor.py).</value>
    public double WeightDecay { get; init; } = DefaultWeightDecay;

    /// <summary>Gets a value indicating whether the objective is maximised (<c>maximize</c>).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Maximize { get; init; }
}

namespace LlmCore.Optimization.Training;

/// <summary>How <see cref="Trainer{T}"/> fits a model (the arguments of Keras' <c>Model.fit</c>).</summary>
/// <remarks>Options are read once at the start of a run. This type is not thread-safe while being changed.</remarks>
public sealed class FitOptions
{
    /// <summary>Gets or sets the number of passes over the training data, ≥ 1.</summary>
    /// <value>The default value is 10.</value>
    public int Epochs { get; set; } = 10;

    /// <summary>Gets or sets the number of examples per optimizer step, ≥ 1 (the last batch of an epoch may be smaller).</summary>
    /// <value>The default value is 32 (Keras' default).</value>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Gets or sets the fraction of the training data held out for validation when no validation set is given, in
    /// [0, 1): as in Keras, the last examples, taken before any shuffling.
    /// </summary>
    /// <value>The default value is 0.</value>
    public double ValidationSplit { get; set; }

    /// <summary>Gets or sets a value indicating whether the training examples are reshuffled before each epoch.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Shuffle { get; set; } = true;

    /// <summary>Gets or sets the seed of the shuffling; the same seed gives the same batches and the same history.</summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; set; }

    /// <summary>Gets or sets the learning-rate schedule, or <see langword="null"/> to keep the optimizer's rate.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public ILearningRateSchedule? Schedule { get; set; }

    /// <summary>Gets or sets when the schedule is stepped.</summary>
    /// <value>The default value is <see cref="ScheduleStepping.PerEpoch"/>.</value>
    public ScheduleStepping ScheduleStepping { get; set; } = ScheduleStepping.PerEpoch;

    /// <summary>Gets the callbacks, run in order after each epoch.</summary>
    public IList<ITrainingCallback> Callbacks { get; } = [];

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Epochs, 1, nameof(Epochs));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        if (!(ValidationSplit >= 0 && ValidationSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationSplit), ValidationSplit, "The validation split must be in [0, 1).");
        }

        if (!Enum.IsDefined(ScheduleStepping))
        {
            throw new ArgumentOutOfRangeException(nameof(ScheduleStepping), ScheduleStepping, "Unknown schedule stepping.");
        }
    }
}

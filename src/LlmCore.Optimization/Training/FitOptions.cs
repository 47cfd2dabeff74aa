namespace LlmCore.Optimization.Training;

/// <summary>How <see cref="Trainer{T}"/> fits a model (the arguments of Keras' <c>Model.fit</c>, plus what training a language model needs).</summary>
/// <remarks>
/// Options are read once at the start of a run (<see cref="Trainer{T}.Fit(Data.IDataset{T}, FitOptions, Data.IDataset{T}?, IProgress{EpochResult}?, CancellationToken)"/>).
/// This type is not thread-safe while being changed.
/// </remarks>
public sealed class FitOptions
{
    private List<ITrainingCallback> _callbacks = [];
    private List<ITrainingStepCallback> _stepCallbacks = [];

    /// <summary>Gets or sets the number of epochs this call runs, ≥ 1 (after a resume from a checkpoint taken inside an epoch, finishing that epoch counts as the first).</summary>
    /// <value>The default value is 10.</value>
    public int Epochs { get; set; } = 10;

    /// <summary>Gets or sets the number of examples per optimizer step of the default sampler, ≥ 1 (the last batch of a pass may be smaller); ignored when <see cref="BatchSampler"/> is set.</summary>
    /// <value>The default value is 32 (Keras' default).</value>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Gets or sets the fraction of the training data held out for validation when no validation set is given, in
    /// [0, 1): as in Keras, the last examples, taken before any shuffling.
    /// </summary>
    /// <value>The default value is 0.</value>
    public double ValidationSplit { get; set; }

    /// <summary>Gets or sets a value indicating whether the default sampler reshuffles the training examples before each pass.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Shuffle { get; set; } = true;

    /// <summary>Gets or sets the seed of the default sampler's shuffling; the same seed gives the same batches and the same history.</summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; set; }

    /// <summary>
    /// Gets or sets the sampler that draws the batches, or <see langword="null"/> for fixed-size batches of
    /// <see cref="BatchSize"/> from a permutation seeded by <see cref="Seed"/> (in order when <see cref="Shuffle"/> is off).
    /// Its <see cref="IBatchSampler.DatasetSize"/> must equal the training examples (after <see cref="ValidationSplit"/>).
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IBatchSampler? BatchSampler { get; set; }

    /// <summary>
    /// Gets or sets the largest number of examples run through the model at once, or <see langword="null"/> to run each
    /// batch whole. A larger (logical) batch is split into physical chunks whose gradients are summed before one optimizer
    /// step: gradient accumulation, and DP-SGD's virtual steps (noise once per logical step). Range ≥ 1.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? MaxPhysicalBatchSize { get; set; }

    /// <summary>Gets or sets the largest number of optimizer steps this call takes, or <see langword="null"/> for no limit (the run may then end inside an epoch). Range ≥ 1.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public long? MaxSteps { get; set; }

    /// <summary>
    /// Gets or sets the number of steps that make an epoch (Keras' <c>steps_per_epoch</c>), or <see langword="null"/> for
    /// one pass of the sampler. Batches keep coming from the sampler's stream across its passes. Range ≥ 1.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? StepsPerEpoch { get; set; }

    /// <summary>Gets or sets the number of evaluation batches the validation loss is measured on, or <see langword="null"/> for all the validation data (the first batches, in order). Range ≥ 1.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? MaxValidationBatches { get; set; }

    /// <summary>
    /// Gets or sets the examples per forward pass when evaluating, or <see langword="null"/> to choose by output size:
    /// as many as keep a batch's outputs under 2²⁰ values, at most 1,024 (a language model's output row is
    /// block × vocabulary values). Range ≥ 1.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? EvaluationBatchSize { get; set; }

    /// <summary>
    /// Gets or sets the global gradient norm every step is clipped to (<c>torch.nn.utils.clip_grad_norm_</c>, after any
    /// <see cref="Trainer{T}.GradientTransform"/>), or <see langword="null"/> for no clipping. Finite and &gt; 0.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public double? MaxGradientNorm { get; set; }

    /// <summary>Gets or sets the learning-rate schedule, or <see langword="null"/> to keep the optimizer's rate. A schedule that implements <see cref="ICheckpointParticipant"/> (every <see cref="Schedules.LearningRateSchedule"/> does) is saved in checkpoints.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public ILearningRateSchedule? Schedule { get; set; }

    /// <summary>Gets or sets when the schedule is stepped.</summary>
    /// <value>The default value is <see cref="ScheduleStepping.PerEpoch"/>.</value>
    public ScheduleStepping ScheduleStepping { get; set; } = ScheduleStepping.PerEpoch;

    /// <summary>
    /// Gets or sets a value indicating whether the trainer's metrics are computed on the training data after every epoch
    /// (a full evaluation pass); without metrics no pass is made whatever this says.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool ComputeTrainingMetrics { get; set; } = true;

    /// <summary>Gets or sets the tokens per example used for <see cref="StepResult.TokensPerSecond"/>, or <see langword="null"/> to take them from an <see cref="Data.ITokenDataset{T}"/>. Range ≥ 1.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? TokensPerExample { get; set; }

    /// <summary>Gets or sets the receiver of every step's <see cref="StepResult"/>, or <see langword="null"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IProgress<StepResult>? StepProgress { get; set; }

    /// <summary>Gets or sets the clock that step times are measured with.</summary>
    /// <value>The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets the callbacks, run in order at the start of a run and after each epoch.</summary>
    public IList<ITrainingCallback> Callbacks => _callbacks;

    /// <summary>Gets the step callbacks, run in order before and after each optimizer step.</summary>
    public IList<ITrainingStepCallback> StepCallbacks => _stepCallbacks;

    /// <summary>Creates a copy of these options; the callback lists are new lists holding the same callbacks.</summary>
    /// <returns>The copy.</returns>
    public FitOptions Clone()
    {
        var copy = (FitOptions)MemberwiseClone();
        copy._callbacks = [.. _callbacks];
        copy._stepCallbacks = [.. _stepCallbacks];
        return copy;
    }

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

        CheckAtLeastOne(MaxPhysicalBatchSize, nameof(MaxPhysicalBatchSize));
        CheckAtLeastOne(MaxSteps, nameof(MaxSteps));
        CheckAtLeastOne(StepsPerEpoch, nameof(StepsPerEpoch));
        CheckAtLeastOne(MaxValidationBatches, nameof(MaxValidationBatches));
        CheckAtLeastOne(EvaluationBatchSize, nameof(EvaluationBatchSize));
        CheckAtLeastOne(TokensPerExample, nameof(TokensPerExample));
        if (MaxGradientNorm is { } norm && !(double.IsFinite(norm) && norm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxGradientNorm), norm, "The maximum gradient norm must be a finite number > 0.");
        }

        if (TimeProvider is null)
        {
            throw new ArgumentNullException(nameof(TimeProvider), "A clock is required; use TimeProvider.System.");
        }

        foreach (var callback in Callbacks)
        {
            ArgumentNullException.ThrowIfNull(callback, nameof(Callbacks));
        }

        foreach (var callback in StepCallbacks)
        {
            ArgumentNullException.ThrowIfNull(callback, nameof(StepCallbacks));
        }
    }

    private static void CheckAtLeastOne(long? value, string name)
    {
        if (value is { } v && v < 1)
        {
            throw new ArgumentOutOfRangeException(name, v, $"{name} must be ≥ 1 (or unset).");
        }
    }
}

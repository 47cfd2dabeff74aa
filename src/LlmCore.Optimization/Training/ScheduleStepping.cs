namespace LlmCore.Optimization.Training;

/// <summary>When <see cref="Trainer{T}"/> steps the learning-rate schedule.</summary>
public enum ScheduleStepping
{
    /// <summary>After each epoch, with the validation loss (or the training loss) as the metric.</summary>
    PerEpoch,

    /// <summary>After each optimizer step, with the batch loss as the metric.</summary>
    PerBatch,
}

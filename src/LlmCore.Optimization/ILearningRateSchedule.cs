namespace LlmCore.Optimization;

/// <summary>
/// A learning-rate schedule that is stepped like a <c>torch.optim.lr_scheduler</c>: after each optimizer step or epoch.
/// </summary>
/// <remarks>Schedules hold state and are not thread-safe.</remarks>
public interface ILearningRateSchedule
{
    /// <summary>Gets the learning rate the schedule prescribes now.</summary>
    double LearningRate { get; }

    /// <summary>Gets how many times <see cref="Step"/> has been called.</summary>
    long StepCount { get; }

    /// <summary>Advances the schedule by one step (or epoch, as the caller uses it).</summary>
    /// <param name="metric">The monitored metric, for schedules that react to it (ReduceLROnPlateau); others ignore it.</param>
    /// <returns>The new learning rate.</returns>
    double Step(double? metric = null);
}

namespace LlmCore.Optimization.Training;

/// <summary>Code run by <see cref="Trainer{T}"/> at the start of a run and after each epoch (early stopping, checkpoints, logging).</summary>
/// <remarks>
/// Callbacks run in the order of <see cref="FitOptions.Callbacks"/>; per-step code is an <see cref="ITrainingStepCallback"/>.
/// A callback instance serves one run at a time and need not be thread-safe; one with state that a resumed run needs
/// also implements <see cref="ICheckpointParticipant"/>.
/// </remarks>
public interface ITrainingCallback
{
    /// <summary>Called once before the first epoch.</summary>
    /// <param name="trainer">The running trainer.</param>
    void OnTrainBegin(ITrainingSession trainer);

    /// <summary>Called after each complete epoch, once its result is known (not for the partial epoch of a run that stops inside one).</summary>
    /// <param name="trainer">The running trainer.</param>
    /// <param name="epoch">The epoch's result.</param>
    /// <returns><see langword="true"/> to go on, <see langword="false"/> to stop the run after this epoch.</returns>
    bool OnEpochEnd(ITrainingSession trainer, EpochResult epoch);

    /// <summary>Called once after the last epoch (also after an early stop).</summary>
    /// <param name="trainer">The running trainer.</param>
    /// <param name="history">The run's history.</param>
    void OnTrainEnd(ITrainingSession trainer, History history);
}

/// <summary>What a callback may do with the trainer that runs it, independent of the number type.</summary>
/// <remarks>Implemented by <see cref="Trainer{T}"/>; not thread-safe.</remarks>
public interface ITrainingSession
{
    /// <summary>Gets whether validation data is in use (so that <c>val_loss</c> is recorded).</summary>
    bool HasValidation { get; }

    /// <summary>Writes the parameters' names, shapes and values (no optimizer state).</summary>
    /// <param name="destination">The stream to write to.</param>
    void SaveParameters(Stream destination);

    /// <summary>Restores parameters written by <see cref="SaveParameters"/>.</summary>
    /// <param name="source">The stream to read from.</param>
    /// <exception cref="InvalidDataException">The data does not fit the model's parameters.</exception>
    void LoadParameters(Stream source);

    /// <summary>Writes a full checkpoint: the parameters, the optimizer's state (<see cref="IOptimizer{T}.SaveState"/>), the model's state and the training loop's position with the state of every <see cref="ICheckpointParticipant"/> of the run.</summary>
    /// <param name="destination">The stream to write to.</param>
    void SaveCheckpoint(Stream destination);

    /// <summary>Restores a checkpoint written by <see cref="SaveCheckpoint"/>, so that the next fit continues the checkpointed run where it stopped.</summary>
    /// <param name="source">The stream to read from.</param>
    /// <exception cref="InvalidDataException">The checkpoint does not fit the model or its optimizer.</exception>
    void LoadCheckpoint(Stream source);
}

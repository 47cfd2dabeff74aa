namespace LlmCore.Optimization.Training;

/// <summary>
/// State that a <see cref="Trainer{T}"/> checkpoint carries besides the parameters, the optimizer and the model: the
/// position of an <see cref="IBatchSampler"/>, a learning-rate schedule's counters, an <see cref="IGradientTransform{T}"/>'s
/// or a callback's memory (the best loss of <see cref="EarlyStopping"/>, the steps an accounting callback has composed).
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Trainer{T}.SaveCheckpoint"/> asks every participant of the run for its state; the first
/// <see cref="Trainer{T}.Fit(Data.IDataset{T}, FitOptions, Data.IDataset{T}?, IProgress{EpochResult}?, CancellationToken)"/>
/// after <see cref="Trainer{T}.LoadCheckpoint"/> gives each participant of the new run the state its counterpart saved,
/// after <see cref="ITrainingCallback.OnTrainBegin"/>. Counterparts are matched by role and type: the sampler, the
/// schedule, the transform of the same type, the k-th step callback or epoch callback of the same type. The sampler
/// and the schedule must have saved state (a resumed run would otherwise draw other batches or restart its learning
/// rate); a transform or callback the checkpointed run did not have starts fresh, and saved state no participant
/// takes is ignored.
/// </para>
/// <para>Implementations are called by one training loop at a time and need not be thread-safe.</para>
/// </remarks>
public interface ICheckpointParticipant
{
    /// <summary>Writes the state.</summary>
    /// <param name="destination">The stream to write to.</param>
    void SaveState(Stream destination);

    /// <summary>Restores a state written by <see cref="SaveState"/> of an equally configured instance.</summary>
    /// <param name="source">The stream to read from.</param>
    /// <exception cref="InvalidDataException">The data is not a state of an instance configured like this one.</exception>
    void LoadState(Stream source);
}

namespace LlmCore.Optimization.Training;

/// <summary>
/// Writes a checkpoint (parameters and optimizer state, <see cref="ITrainingSession.SaveCheckpoint"/>) to a file
/// after each epoch, or only when the monitored loss improves (Keras' <c>ModelCheckpoint</c>).
/// </summary>
/// <remarks>
/// The file is written to a temporary name and then moved over the old one, so a crash never leaves a half-written
/// checkpoint. The monitored loss is the validation loss when there is one. A checkpoint holds the state the run's
/// participants have when it is written: list this callback after the callbacks whose state it should capture (after
/// <see cref="EarlyStopping"/>, for example). Its own best loss is saved too (<see cref="ICheckpointParticipant"/>).
/// Checkpoints are written at the end of complete epochs only. One instance serves one run; not thread-safe.
/// </remarks>
public sealed class ModelCheckpoint : ITrainingCallback, ICheckpointParticipant
{
    private const string StateTag = "llmcore.model-checkpoint.v1";

    private double _best = double.PositiveInfinity;

    /// <summary>Initializes a new instance of the <see cref="ModelCheckpoint"/> class.</summary>
    /// <param name="path">The checkpoint file; <c>{epoch}</c> in it is replaced by the epoch number.</param>
    /// <param name="saveBestOnly">Whether to write only when the monitored loss improves.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public ModelCheckpoint(string path, bool saveBestOnly = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        SaveBestOnly = saveBestOnly;
    }

    /// <summary>Gets the checkpoint path pattern.</summary>
    public string Path { get; }

    /// <summary>Gets a value indicating whether only improvements are written.</summary>
    public bool SaveBestOnly { get; }

    /// <summary>Gets the path of the last checkpoint written, or <see langword="null"/>.</summary>
    public string? LastWritten { get; private set; }

    /// <inheritdoc />
    public void OnTrainBegin(ITrainingSession trainer)
    {
        _best = double.PositiveInfinity;
        LastWritten = null;
    }

    /// <inheritdoc />
    public bool OnEpochEnd(ITrainingSession trainer, EpochResult epoch)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(epoch);
        var value = epoch.ValidationLoss ?? epoch.Loss;
        if (SaveBestOnly && !(value < _best))
        {
            return true;
        }

        _best = Math.Min(_best, value);
        var path = Path.Replace("{epoch}", epoch.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        {
            trainer.SaveCheckpoint(stream);
        }

        File.Move(temporary, path, overwrite: true);
        LastWritten = path;
        return true;
    }

    /// <inheritdoc />
    public void OnTrainEnd(ITrainingSession trainer, History history)
    {
    }

    /// <inheritdoc />
    public void SaveState(Stream destination) => CheckpointState.Write(destination, StateTag, writer => writer.Write(_best));

    /// <inheritdoc />
    public void LoadState(Stream source) => CheckpointState.Read(source, StateTag, "a model checkpoint callback", reader => _best = reader.ReadDouble());
}

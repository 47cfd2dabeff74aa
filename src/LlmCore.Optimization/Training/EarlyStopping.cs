namespace LlmCore.Optimization.Training;

/// <summary>
/// Stops training when the monitored loss has not improved by more than <see cref="MinDelta"/> for
/// <see cref="Patience"/> epochs (Keras' <c>EarlyStopping</c>), optionally restoring the best parameters.
/// </summary>
/// <remarks>
/// Monitors the validation loss when validation data is in use, else the training loss (Prechelt 1998,
/// "Early stopping — but when?"). Its memory (the best loss, the epochs waited, the best parameters) is saved in
/// checkpoints (<see cref="ICheckpointParticipant"/>), so a resumed run stops where an uninterrupted one would.
/// One instance serves one run at a time; not thread-safe.
/// </remarks>
public sealed class EarlyStopping : ITrainingCallback, ICheckpointParticipant
{
    private const string StateTag = "llmcore.early-stopping.v1";

    private MemoryStream? _best;
    private double _bestValue;
    private int _wait;

    /// <summary>Initializes a new instance of the <see cref="EarlyStopping"/> class.</summary>
    /// <param name="patience">Epochs without improvement before stopping, ≥ 0.</param>
    /// <param name="minDelta">The smallest decrease that counts as an improvement, ≥ 0.</param>
    /// <param name="restoreBestWeights">Whether to put back the parameters of the best epoch when the run ends.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative or not finite.</exception>
    public EarlyStopping(int patience = 3, double minDelta = 0, bool restoreBestWeights = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        if (!double.IsFinite(minDelta) || minDelta < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(minDelta), minDelta, "minDelta must be a finite number ≥ 0.");
        }

        Patience = patience;
        MinDelta = minDelta;
        RestoreBestWeights = restoreBestWeights;
    }

    /// <summary>Gets the number of epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>Gets the smallest decrease that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Gets a value indicating whether the best parameters are restored at the end.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>Gets the epoch with the best monitored loss so far (0 before the first epoch).</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Gets the epoch after which training was stopped, or 0 if it was not.</summary>
    public int StoppedEpoch { get; private set; }

    /// <inheritdoc />
    public void OnTrainBegin(ITrainingSession trainer)
    {
        _bestValue = double.PositiveInfinity;
        _wait = 0;
        BestEpoch = 0;
        StoppedEpoch = 0;
        _best?.Dispose();
        _best = null;
    }

    /// <inheritdoc />
    public bool OnEpochEnd(ITrainingSession trainer, EpochResult epoch)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(epoch);
        var value = epoch.ValidationLoss ?? epoch.Loss;
        if (value < _bestValue - MinDelta)
        {
            _bestValue = value;
            BestEpoch = epoch.Epoch;
            _wait = 0;
            if (RestoreBestWeights)
            {
                _best ??= new MemoryStream();
                _best.SetLength(0);
                trainer.SaveParameters(_best);
            }

            return true;
        }

        _wait++;
        if (_wait > Patience)
        {
            StoppedEpoch = epoch.Epoch;
            return false;
        }

        return true;
    }

    /// <inheritdoc />
    public void OnTrainEnd(ITrainingSession trainer, History history)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        if (RestoreBestWeights && _best is not null && StoppedEpoch != 0)
        {
            _best.Position = 0;
            trainer.LoadParameters(_best);
        }
    }

    /// <inheritdoc />
    public void SaveState(Stream destination) => CheckpointState.Write(destination, StateTag, writer =>
    {
        writer.Write(_bestValue);
        writer.Write(_wait);
        writer.Write(BestEpoch);
        writer.Write(StoppedEpoch);
        writer.Write(_best is not null);
        if (_best is not null)
        {
            writer.Write(checked((int)_best.Length));
            writer.Write(_best.GetBuffer(), 0, (int)_best.Length);
        }
    });

    /// <inheritdoc />
    public void LoadState(Stream source) => CheckpointState.Read(source, StateTag, "early stopping", reader =>
    {
        _bestValue = reader.ReadDouble();
        _wait = reader.ReadInt32();
        BestEpoch = reader.ReadInt32();
        StoppedEpoch = reader.ReadInt32();
        _best?.Dispose();
        _best = null;
        if (reader.ReadBoolean())
        {
            var length = reader.ReadInt32();
            var bytes = reader.ReadBytes(Math.Max(0, length));
            if (length < 0 || bytes.Length != length)
            {
                throw new EndOfStreamException();
            }

            _best = new MemoryStream();
            _best.Write(bytes);
        }
    });
}

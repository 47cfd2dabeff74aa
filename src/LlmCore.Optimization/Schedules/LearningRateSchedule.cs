using System.Text;
using LlmCore.Optimization.Internal;
using LlmCore.Optimization.Training;

namespace LlmCore.Optimization.Schedules;

/// <summary>
/// The common machinery of the LlmCore learning-rate schedules: the current rate, the step count and a saved state.
/// </summary>
/// <remarks>
/// <para>
/// Schedules follow <c>torch.optim.lr_scheduler</c>: the rate after construction is the epoch-0 value, and each
/// <see cref="Step"/> advances one epoch (or one optimizer step, as the caller uses it). Where PyTorch's
/// <c>step()</c> is recursive (chainable: each step multiplies the current rate), so is this one, so values match
/// PyTorch's to the last bit, including CosineAnnealingLR's rise after T_max. Apply a schedule with
/// <c>optimizer.LearningRate = schedule.Step()</c> after each optimizer step (or epoch).
/// </para>
/// <para>
/// State (<see cref="SaveState"/>): a <see cref="BinaryWriter"/> stream holding the tag <c>"llmcore.schedule"</c>,
/// version 1, the kind, the step count, the current rate and the schedule's own counters; a restored schedule
/// continues bit-identically; <see cref="Trainer{T}"/> saves it with its checkpoints. Schedules are not thread-safe.
/// </para>
/// </remarks>
public abstract class LearningRateSchedule : ILearningRateSchedule, ICheckpointParticipant
{
    private const string Tag = "llmcore.schedule";

    private protected LearningRateSchedule(double baseLearningRate)
    {
        Guard.NonNegativeFinite(baseLearningRate);
        BaseLearningRate = baseLearningRate;
        LearningRate = baseLearningRate;
    }

    /// <summary>Gets the base (initial) learning rate the schedule was built with.</summary>
    public double BaseLearningRate { get; }

    /// <inheritdoc />
    public double LearningRate { get; private protected set; }

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <summary>Gets the short name written into saved state.</summary>
    public abstract string Kind { get; }

    /// <inheritdoc />
    public double Step(double? metric = null)
    {
        StepCount++;
        LearningRate = Next(StepCount, LearningRate, metric);
        return LearningRate;
    }

    /// <summary>Writes the schedule's complete state.</summary>
    /// <param name="destination">The stream to write to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    public void SaveState(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(Tag);
        writer.Write(1);
        writer.Write(Kind);
        writer.Write(StepCount);
        writer.Write(LearningRate);
        WriteExtra(writer);
    }

    /// <summary>Restores a state written by <see cref="SaveState"/> of a schedule of the same kind.</summary>
    /// <param name="source">The stream to read from.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The state is not a schedule state of this kind.</exception>
    public void LoadState(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        try
        {
            var tag = reader.ReadString();
            var version = reader.ReadInt32();
            var kind = reader.ReadString();
            if (tag != Tag || version != 1 || kind != Kind)
            {
                throw new InvalidDataException($"Expected a '{Kind}' schedule state (version 1), found '{tag}' '{kind}' version {version}.");
            }

            StepCount = reader.ReadInt64();
            LearningRate = reader.ReadDouble();
            ReadExtra(reader);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("The schedule state ends early.", ex);
        }
    }

    /// <summary>Computes the rate after step <paramref name="epoch"/> from the current rate (PyTorch's <c>get_lr</c>).</summary>
    private protected abstract double Next(long epoch, double current, double? metric);

    private protected virtual void WriteExtra(BinaryWriter writer)
    {
    }

    private protected virtual void ReadExtra(BinaryReader reader)
    {
    }
}

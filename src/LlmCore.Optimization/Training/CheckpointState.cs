using System.Text;

namespace LlmCore.Optimization.Training;

/// <summary>
/// Helpers for implementing <see cref="ICheckpointParticipant"/>: a state section that starts with a tag naming its
/// kind and version, written and read with <see cref="BinaryWriter"/> and <see cref="BinaryReader"/> (UTF-8, the stream
/// left open), so that a wrong or truncated state fails with an <see cref="InvalidDataException"/> that says what was expected.
/// </summary>
/// <remarks>The methods are thread-safe; the streams they are given are not.</remarks>
public static class CheckpointState
{
    /// <summary>Writes <paramref name="tag"/>, then whatever <paramref name="write"/> writes.</summary>
    /// <param name="destination">The stream to write to.</param>
    /// <param name="tag">The kind and version of the state, e.g. <c>"llmcore.early-stopping.v1"</c>.</param>
    /// <param name="write">Writes the state's fields.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static void Write(Stream destination, string tag, Action<BinaryWriter> write)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(tag);
        ArgumentNullException.ThrowIfNull(write);
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(tag);
        write(writer);
    }

    /// <summary>Reads and checks the tag, then lets <paramref name="read"/> read the fields.</summary>
    /// <param name="source">The stream to read from.</param>
    /// <param name="tag">The tag <see cref="Write"/> was given.</param>
    /// <param name="description">What the state belongs to, for messages (e.g. "early stopping").</param>
    /// <param name="read">Reads the state's fields; it may throw <see cref="InvalidDataException"/> for values that do not fit.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The tag differs or the state ends early.</exception>
    public static void Read(Stream source, string tag, string description, Action<BinaryReader> read)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(tag);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(read);
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        try
        {
            var found = reader.ReadString();
            if (found != tag)
            {
                throw new InvalidDataException($"Expected the state of {description} ('{tag}'); found '{found}'.");
            }

            read(reader);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException($"The state of {description} ends early.", ex);
        }
    }
}

namespace LlmCore.Optimization.Models;

/// <summary>
/// State of a model beyond its parameters that a checkpoint must carry for a resumed run to continue
/// bit-identically (for example the counter behind seeded dropout masks).
/// </summary>
/// <remarks>
/// <see cref="Training.Trainer{T}"/> saves and restores it with its checkpoints when the model implements this
/// interface. Implementations are not thread-safe, like the models that carry them.
/// </remarks>
public interface IModelState
{
    /// <summary>Writes the state.</summary>
    /// <param name="destination">The stream to write to.</param>
    void SaveState(Stream destination);

    /// <summary>Restores a state written by <see cref="SaveState"/>.</summary>
    /// <param name="source">The stream to read from.</param>
    /// <exception cref="InvalidDataException">The data is not a state of this model.</exception>
    void LoadState(Stream source);
}

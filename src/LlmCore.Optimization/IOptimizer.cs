using System.Numerics;

namespace LlmCore.Optimization;

/// <summary>
/// A gradient-based optimizer that updates parameters in place from their gradients.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// Optimizers hold per-parameter state and are not thread-safe: one training loop drives one optimizer.
/// </remarks>
public interface IOptimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Gets the parameter groups this optimizer updates.</summary>
    IReadOnlyList<ParameterGroup<T>> ParameterGroups { get; }

    /// <summary>Gets or sets the base learning rate (a group's own <see cref="ParameterGroup{T}.LearningRate"/> overrides it).</summary>
    double LearningRate { get; set; }

    /// <summary>Gets the number of steps taken so far.</summary>
    long StepCount { get; }

    /// <summary>Applies one update to every parameter with <see cref="Parameter{T}.RequiresGrad"/> from its gradient.</summary>
    void Step();

    /// <summary>Sets the gradient of every parameter to zero.</summary>
    void ZeroGrad();

    /// <summary>Writes the optimizer's complete state (step count, hyperparameters, per-parameter buffers keyed by name).</summary>
    /// <param name="destination">The stream to write to.</param>
    void SaveState(Stream destination);

    /// <summary>Restores a state written by <see cref="SaveState"/>, so that a resumed run continues bit-identically.</summary>
    /// <param name="source">The stream to read from.</param>
    /// <exception cref="InvalidDataException">The state does not fit this optimizer or its parameters.</exception>
    void LoadState(Stream source);
}

namespace LlmCore.Optimization.Training;

/// <summary>What one optimizer step of <see cref="Trainer{T}"/> did: reported to <see cref="FitOptions.StepProgress"/> and <see cref="ITrainingStepCallback.OnStepEnd"/>.</summary>
/// <param name="Step">The step's number in the run, from 1.</param>
/// <param name="Epoch">The epoch it belongs to, from 1.</param>
/// <param name="BatchSize">The examples in its batch (0 for an empty Poisson batch).</param>
/// <param name="Loss">The batch's mean loss before the step (NaN for an empty batch).</param>
/// <param name="LearningRate">The learning rate the optimizer stepped with.</param>
/// <param name="GradientNorm">The global gradient norm before clipping, when <see cref="FitOptions.MaxGradientNorm"/> is set.</param>
/// <param name="Elapsed">The step's time, from sampling its batch to the end of the optimizer step.</param>
/// <param name="ExamplesPerSecond"><paramref name="BatchSize"/> / <paramref name="Elapsed"/> (0 when no time was measured).</param>
/// <param name="TokensPerSecond">Examples per second times the tokens per example, when those are known (<see cref="FitOptions.TokensPerExample"/> or an <see cref="Data.ITokenDataset{T}"/>).</param>
/// <remarks>Immutable and thread-safe.</remarks>
public readonly record struct StepResult(
    long Step,
    int Epoch,
    int BatchSize,
    double Loss,
    double LearningRate,
    double? GradientNorm,
    TimeSpan Elapsed,
    double ExamplesPerSecond,
    double? TokensPerSecond);

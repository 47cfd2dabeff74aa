namespace LlmCore.Optimization.Training;

/// <summary>
/// Code run by <see cref="Trainer{T}"/> around every optimizer step: before it (and able to refuse it) and after it.
/// DP-SGD's accounting is one: it refuses the step that would take ε past a target, and composes each step's privacy
/// event into the accountant when the step has been taken.
/// </summary>
/// <remarks>
/// <para>
/// Step callbacks run in the order of <see cref="FitOptions.StepCallbacks"/>. When <see cref="OnStepBegin"/> of any of
/// them returns <see langword="false"/> the run stops before that step: no batch is sampled, no gradient computed and
/// no noise drawn, and the <see cref="History"/> says <see cref="TrainingStopReason.StepRefused"/>. A callback that
/// writes checkpoints from <see cref="OnStepEnd"/> should come after callbacks whose state it must capture.
/// </para>
/// <para>A callback instance serves one run at a time and need not be thread-safe. One with state that a resumed
/// run needs also implements <see cref="ICheckpointParticipant"/>.</para>
/// </remarks>
public interface ITrainingStepCallback
{
    /// <summary>Called before each step, before its batch is sampled.</summary>
    /// <param name="trainer">The running trainer.</param>
    /// <param name="context">The step about to be taken and the sampler that will draw it.</param>
    /// <returns><see langword="true"/> to take the step; <see langword="false"/> to refuse it and stop the run.</returns>
    bool OnStepBegin(ITrainingSession trainer, in TrainingStepContext context);

    /// <summary>Called after each step, once the optimizer has updated the parameters.</summary>
    /// <param name="trainer">The running trainer.</param>
    /// <param name="step">What the step did.</param>
    void OnStepEnd(ITrainingSession trainer, in StepResult step);
}

/// <summary>The step a <see cref="ITrainingStepCallback"/> is asked about.</summary>
/// <param name="Step">The step's number in the run, from 1.</param>
/// <param name="Epoch">The epoch it belongs to, from 1.</param>
/// <param name="Sampler">The sampler that will draw its batch.</param>
/// <remarks>Immutable; the sampler it refers to is not thread-safe.</remarks>
public readonly record struct TrainingStepContext(long Step, int Epoch, IBatchSampler Sampler);

namespace LlmCore.Optimization.Training;

/// <summary>Why a run of <see cref="Trainer{T}"/> ended (<see cref="History.StopReason"/>).</summary>
public enum TrainingStopReason
{
    /// <summary>Every requested epoch ran.</summary>
    Completed,

    /// <summary><see cref="FitOptions.MaxSteps"/> steps ran.</summary>
    MaxSteps,

    /// <summary>An epoch callback (<see cref="EarlyStopping"/>, for example) asked to stop.</summary>
    EpochCallback,

    /// <summary>A step callback refused the next step (a DP-SGD accountant at its target ε, for example).</summary>
    StepRefused,
}

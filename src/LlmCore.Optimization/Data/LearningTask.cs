namespace LlmCore.Optimization.Data;

/// <summary>What a dataset's targets are.</summary>
public enum LearningTask
{
    /// <summary>Real-valued targets, one or more per example.</summary>
    Regression,

    /// <summary>One class index 0 … C−1 per example.</summary>
    Classification,
}

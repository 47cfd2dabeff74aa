namespace LlmCore.Scheduling.Simulation;

/// <summary>One job of a trace: the request, when it arrives and how long it really runs.</summary>
/// <param name="Spec">The job's request (id, GPUs, tenant, priority); simulators add runtime estimates and checkpointing with <c>with</c>.</param>
/// <param name="SubmitSeconds">Submission time in seconds on the trace's clock, ≥ 0.</param>
/// <param name="DurationSeconds">The true run time in seconds (queueing excluded), ≥ 0.</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record TraceJob(JobSpec Spec, double SubmitSeconds, double DurationSeconds)
{
    /// <summary>Gets the job's id.</summary>
    public string Id => Spec.Id;

    /// <summary>Gets the GPU-seconds the job needs: <c>Gpus × DurationSeconds</c>.</summary>
    public double GpuSeconds => Spec.Gpus * DurationSeconds;
}

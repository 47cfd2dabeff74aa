namespace LlmCore.Scheduling.Slurm;

/// <summary>
/// A batch job to submit: its script, its GPUs as gres, and the LlmCore job id as name and comment.
/// </summary>
/// <remarks>
/// Immutable and thread-safe. The name must be unique among the cluster's live jobs: a retried submit looks for a
/// job with this name and returns it instead of submitting twice. Slurm 22.05 refuses a script that does not start
/// with <c>#!</c> (the job is accepted and then fails with "Exec format error"), so this is checked here.
/// </remarks>
public sealed record SlurmJobRequest
{
    /// <summary>Gets the job name (1-200 characters, no whitespace); LlmCore uses its own job id here.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the batch script; it must start with <c>#!</c>.</summary>
    public required string Script { get; init; }

    /// <summary>Gets the GPUs per node, requested as gres <c>gpu:N</c> (or <c>gpu:TYPE:N</c>); 0 for none. Range 0-1024.</summary>
    public int GpusPerNode { get; init; }

    /// <summary>Gets the GPU type for <c>gpu:TYPE:N</c>, or <see langword="null"/> for any GPU.</summary>
    public string? GpuType { get; init; }

    /// <summary>Gets the number of nodes (a gang over several nodes); range 1-100000. The default is 1.</summary>
    public int Nodes { get; init; } = 1;

    /// <summary>Gets the CPUs of the single task; range 1-100000. The default is 1.</summary>
    public int CpusPerTask { get; init; } = 1;

    /// <summary>Gets the time limit in minutes, or <see langword="null"/> for the partition's limit.</summary>
    public int? TimeLimitMinutes { get; init; }

    /// <summary>Gets the partition, or <see langword="null"/> for <see cref="SlurmOptions.Partition"/> (or the cluster default).</summary>
    public string? Partition { get; init; }

    /// <summary>Gets the comment, or <see langword="null"/> for <c>llmcore:</c> followed by <see cref="Name"/>.</summary>
    public string? Comment { get; init; }

    /// <summary>Gets a value indicating whether the job is submitted held (it starts only after <see cref="ISlurmClient.ReleaseAsync"/>). The default is <see langword="true"/>.</summary>
    public bool Hold { get; init; } = true;

    /// <summary>Gets a value indicating whether Slurm may requeue the job (needed for preemption by requeue). The default is <see langword="true"/>.</summary>
    public bool Requeue { get; init; } = true;

    /// <summary>Gets the job's environment (slurmrestd requires one; <c>PATH</c> is added when missing).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Gets the working directory, or <see langword="null"/> for <see cref="SlurmOptions.WorkingDirectory"/>.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Gets the standard output path (Slurm patterns such as <c>%j</c> allowed). The default is <c>/dev/null</c>.</summary>
    public string StandardOutput { get; init; } = "/dev/null";
}

/// <summary>The outcome of a submit.</summary>
/// <param name="JobId">Slurm's job id.</param>
/// <param name="IsHeld">Whether Slurm confirmed the job is held (error 2042 in the answer).</param>
/// <param name="AlreadyExisted">Whether a job with the same name already existed (a retried submit found it instead of submitting again).</param>
/// <remarks>Immutable and thread-safe.</remarks>
public readonly record struct SlurmSubmitResult(long JobId, bool IsHeld, bool AlreadyExisted);

using LlmCore.Scheduling;

namespace LlmCore.Scheduling.Slurm.Execution;

/// <summary>
/// How <see cref="SlurmJobExecutor"/> turns LlmCore's launches into Slurm batch jobs and follows them.
/// </summary>
/// <remarks>This type is mutable and not thread-safe; <see cref="SlurmJobExecutor"/> copies it at construction.</remarks>
public sealed class SlurmExecutorOptions
{
    /// <summary>Gets or sets the prefix put before LlmCore's job id to make the Slurm job name (names must be unique among the jobs Slurm still shows, i.e. for <c>MinJobAge</c>).</summary>
    /// <value>The default value is an empty string (the Slurm job name is the LlmCore job id). No whitespace, at most 100 characters.</value>
    public string JobNamePrefix { get; set; } = string.Empty;

    /// <summary>Gets or sets the batch script of a launch (it must start with <c>#!</c>), or <see langword="null"/> for the default: sleep for <see cref="JobLaunch.ExpectedRunSeconds"/> divided by <see cref="TimeScale"/> (or exit at once without an estimate).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<JobLaunch, string>? Script { get; set; }

    /// <summary>Gets or sets how much faster than the estimates the default script runs (a job with a 600 s estimate sleeps 600/<c>TimeScale</c> s).</summary>
    /// <value>The default value is 1. Range 1e-3 to 1e9.</value>
    public double TimeScale { get; set; } = 1;

    /// <summary>Gets or sets the partition of the jobs, or <see langword="null"/> for <see cref="SlurmOptions.Partition"/> (or the cluster default).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Partition { get; set; }

    /// <summary>Gets or sets the Slurm time limit of each job in minutes, or <see langword="null"/> for the partition's limit.</summary>
    /// <value>The default value is <see langword="null"/>. Range 1-525600.</value>
    public int? TimeLimitMinutes { get; set; }

    /// <summary>Gets or sets the CPUs of each job's single task.</summary>
    /// <value>The default value is 1. Range 1-100000.</value>
    public int CpusPerTask { get; set; } = 1;

    /// <summary>Gets or sets the first interval between two polls of Slurm's job table; it doubles (up to <see cref="MaxPollInterval"/>) while nothing changes and resets on a change.</summary>
    /// <value>The default value is 200 ms. Range 10 ms to 1 min.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the longest interval between two polls.</summary>
    /// <value>The default value is 2 s. Range <see cref="PollInterval"/> to 10 min.</value>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    internal SlurmExecutorOptions Clone() => (SlurmExecutorOptions)MemberwiseClone();

    internal IEnumerable<string> Errors()
    {
        if (PollInterval < TimeSpan.FromMilliseconds(10) || PollInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"SlurmExecutorOptions.PollInterval must be between 10 ms and 1 min (was {PollInterval}).";
        }

        if (MaxPollInterval < PollInterval || MaxPollInterval > TimeSpan.FromMinutes(10))
        {
            yield return $"SlurmExecutorOptions.MaxPollInterval must be between PollInterval and 10 min (was {MaxPollInterval}).";
        }

        if (!double.IsFinite(TimeScale) || TimeScale < 1e-3 || TimeScale > 1e9)
        {
            yield return $"SlurmExecutorOptions.TimeScale must be between 1e-3 and 1e9 (was {TimeScale}).";
        }

        if (JobNamePrefix is null || JobNamePrefix.Length > 100 || JobNamePrefix.Any(char.IsWhiteSpace))
        {
            yield return "SlurmExecutorOptions.JobNamePrefix must have at most 100 characters and no whitespace.";
        }

        if (CpusPerTask is < 1 or > 100_000)
        {
            yield return $"SlurmExecutorOptions.CpusPerTask must be between 1 and 100000 (was {CpusPerTask}).";
        }

        if (TimeLimitMinutes is < 1 or > 525_600)
        {
            yield return $"SlurmExecutorOptions.TimeLimitMinutes must be between 1 and 525600 (was {TimeLimitMinutes}).";
        }
    }
}

/// <summary>An LlmCore job that Slurm still knows, found when an executor rebuilds its view after a restart.</summary>
/// <param name="JobId">LlmCore's job id (the Slurm job name without <see cref="SlurmExecutorOptions.JobNamePrefix"/>).</param>
/// <param name="Job">What Slurm reports about it.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record SlurmRecoveredJob(string JobId, SlurmJob Job);

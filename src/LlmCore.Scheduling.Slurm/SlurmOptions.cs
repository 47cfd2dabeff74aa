using System.ComponentModel.DataAnnotations;

namespace LlmCore.Scheduling.Slurm;

/// <summary>
/// How to reach slurmrestd, and how hard to retry.
/// </summary>
/// <remarks>
/// Set exactly one of <see cref="BaseAddress"/> (HTTP with a JWT: <see cref="UserName"/> and <see cref="Token"/> are
/// sent as <c>X-SLURM-USER-NAME</c> and <c>X-SLURM-USER-TOKEN</c>) and <see cref="UnixSocketPath"/> (slurmrestd's
/// unix socket with <c>rest_auth/local</c>: no headers, the peer's uid authenticates). This type is mutable and not
/// thread-safe; <see cref="SlurmRestClient"/> copies it at construction.
/// </remarks>
public sealed class SlurmOptions
{
    /// <summary>Gets or sets slurmrestd's HTTP base address (e.g. <c>http://127.0.0.1:6820</c>), or <see langword="null"/> to use <see cref="UnixSocketPath"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Uri? BaseAddress { get; set; }

    /// <summary>Gets or sets the path of slurmrestd's unix socket, or <see langword="null"/> to use <see cref="BaseAddress"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? UnixSocketPath { get; set; }

    /// <summary>Gets or sets the user name sent as <c>X-SLURM-USER-NAME</c> with <see cref="BaseAddress"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? UserName { get; set; }

    /// <summary>Gets or sets the JWT sent as <c>X-SLURM-USER-TOKEN</c> with <see cref="BaseAddress"/> (e.g. from <c>scontrol token</c>).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Token { get; set; }

    /// <summary>Gets or sets the REST API version in the path <c>/slurm/{version}/</c>: <c>v0.0.38</c> for Slurm 22.05 (23.02 also serves it; 23.11 and later do not).</summary>
    /// <value>The default value is <c>v0.0.38</c>.</value>
    [Required]
    [RegularExpression(@"^v0\.0\.[0-9]{2}$")]
    public string ApiVersion { get; set; } = "v0.0.38";

    /// <summary>Gets or sets the partition for jobs that name none, or <see langword="null"/> for the cluster's default partition.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Partition { get; set; }

    /// <summary>Gets or sets the working directory of jobs that name none (slurmrestd otherwise uses its own).</summary>
    /// <value>The default value is <c>/tmp</c>.</value>
    [Required]
    public string WorkingDirectory { get; set; } = "/tmp";

    /// <summary>Gets or sets how often a transient failure (connection refused or reset, 502-504, a controller that does not answer) is retried.</summary>
    /// <value>The default value is 6. Range 0-50.</value>
    [Range(0, 50)]
    public int MaxRetryAttempts { get; set; } = 6;

    /// <summary>Gets or sets the first retry delay; later delays grow exponentially with jitter (Polly's decorrelated jitter backoff).</summary>
    /// <value>The default value is 200 ms. Range 1 ms to 1 min.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the time-out of one HTTP attempt.</summary>
    /// <value>The default value is 30 s. Range 100 ms to 10 min.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many connections to slurmrestd are kept open at most (one is enough for about 550-700 submits/s).</summary>
    /// <value>The default value is 1. Range 1-64.</value>
    [Range(1, 64)]
    public int MaxConnections { get; set; } = 1;

    /// <summary>Gets or sets the <c>scontrol</c> executable used to requeue (REST API v0.0.38 has no requeue call).</summary>
    /// <value>The default value is <c>scontrol</c> (found on <c>PATH</c>).</value>
    [Required]
    public string ScontrolPath { get; set; } = "scontrol";

    /// <summary>Gets or sets the <c>SLURM_CONF</c> passed to <c>scontrol</c>, or <see langword="null"/> to inherit the process's.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? SlurmConfPath { get; set; }

    internal SlurmOptions Clone() => (SlurmOptions)MemberwiseClone();
}

using System.ComponentModel.DataAnnotations;

namespace LlmCore.Scheduling.Slurm;

/// <summary>
/// How to reach slurmrestd, which REST API version to speak, and how hard to retry.
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

    /// <summary>
    /// Gets or sets the REST API version to speak (pinned), or <see langword="null"/> to pick it at connect time: the
    /// client reads slurmrestd's <c>GET /openapi/v3</c> and uses the highest version both sides support
    /// (<see cref="SlurmRestClient.SupportedApiVersions"/>: v0.0.38 for Slurm 22.05-23.02, v0.0.40 for 23.11, v0.0.41
    /// for 24.05, v0.0.42 for 24.11, v0.0.43 for 25.05, v0.0.44 for 25.11).
    /// </summary>
    /// <value>The default value is <see langword="null"/> (negotiate). A pinned value must be one of <see cref="SlurmRestClient.SupportedApiVersions"/>.</value>
    [RegularExpression(@"^v0\.0\.[0-9]{2}$")]
    public string? ApiVersion { get; set; }

    /// <summary>Gets or sets the partition for jobs that name none, or <see langword="null"/> for the cluster's default partition.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Partition { get; set; }

    /// <summary>Gets or sets the working directory of jobs that name none (slurmrestd otherwise uses its own).</summary>
    /// <value>The default value is <c>/tmp</c>.</value>
    [Required]
    public string WorkingDirectory { get; set; } = "/tmp";

    /// <summary>
    /// Gets or sets how often a transient failure (connection refused or reset, HTTP 408, 429, 502-504, a controller
    /// that does not answer) is retried: by the standard resilience handler of <c>Microsoft.Extensions.Http.Resilience</c>
    /// for every request but a submit, and by the client itself for a submit (idempotently, see <see cref="ISlurmClient.SubmitAsync"/>).
    /// </summary>
    /// <value>The default value is 6. Range 0-50.</value>
    [Range(0, 50)]
    public int MaxRetryAttempts { get; set; } = 6;

    /// <summary>Gets or sets the first retry delay; later delays grow exponentially with jitter (Polly's decorrelated jitter backoff), at most 5 s apart.</summary>
    /// <value>The default value is 200 ms. Range 1 ms to 1 min.</value>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets or sets the time-out of one HTTP attempt (the standard resilience handler's attempt time-out; the total time-out covers every retry).</summary>
    /// <value>The default value is 30 s. Range 100 ms to 10 min.</value>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how many connections to slurmrestd carry submits, releases, holds and cancels. Reads (job polls,
    /// node and partition lists, ping) use one more connection of their own, so that a large job table never delays a
    /// submit. One connection carried 550-700 submits/s on an idle machine, four 886-1,070/s.
    /// </summary>
    /// <value>The default value is 2. Range 1-64.</value>
    [Range(1, 64)]
    public int MaxConnections { get; set; } = 2;

    /// <summary>Gets or sets the <c>scontrol</c> executable used to requeue (no REST API version up to v0.0.44 has a requeue call).</summary>
    /// <value>The default value is <c>scontrol</c> (found on <c>PATH</c>).</value>
    [Required]
    public string ScontrolPath { get; set; } = "scontrol";

    /// <summary>Gets or sets the <c>SLURM_CONF</c> passed to <c>scontrol</c>, or <see langword="null"/> to inherit the process's.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? SlurmConfPath { get; set; }

    internal SlurmOptions Clone() => (SlurmOptions)MemberwiseClone();

    internal void CopyTo(SlurmOptions target)
    {
        target.BaseAddress = BaseAddress;
        target.UnixSocketPath = UnixSocketPath;
        target.UserName = UserName;
        target.Token = Token;
        target.ApiVersion = ApiVersion;
        target.Partition = Partition;
        target.WorkingDirectory = WorkingDirectory;
        target.MaxRetryAttempts = MaxRetryAttempts;
        target.RetryDelay = RetryDelay;
        target.RequestTimeout = RequestTimeout;
        target.MaxConnections = MaxConnections;
        target.ScontrolPath = ScontrolPath;
        target.SlurmConfPath = SlurmConfPath;
    }
}

namespace LlmCore.Scheduling.Slurm;

/// <summary>
/// A typed client of slurmrestd: the operations an executor needs to run a scheduler's decisions on Slurm.
/// </summary>
/// <remarks>
/// Implementations are thread-safe. Transient failures (connection refused or reset, HTTP 408, 429, 502-504, a
/// slurmctld that is restarting) are retried with exponential backoff and jitter; Slurm's refusals are thrown as
/// <see cref="SlurmException"/> at once, with the message of the answer's <c>errors</c>.
/// </remarks>
public interface ISlurmClient
{
    /// <summary>Gets the REST API version in use (e.g. <c>v0.0.41</c>), or an empty string while it has not been negotiated yet.</summary>
    string ApiVersion { get; }

    /// <summary>Asks slurmctld whether it is up (<c>GET /ping</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The primary controller's answer.</returns>
    /// <exception cref="SlurmException">slurmrestd did not answer or refused.</exception>
    Task<SlurmPing> PingAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the scheduler statistics (<c>GET /diag</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The statistics.</returns>
    /// <exception cref="SlurmException">slurmrestd did not answer or refused.</exception>
    Task<SlurmDiagnostics> GetDiagnosticsAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads every node with its GPUs (<c>GET /nodes</c>), so that a scheduler's cluster model can match the real cluster.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The nodes in Slurm's order.</returns>
    /// <exception cref="SlurmException">slurmrestd did not answer or refused.</exception>
    Task<IReadOnlyList<SlurmNode>> GetNodesAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads every partition (<c>GET /partitions</c>).</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The partitions.</returns>
    /// <exception cref="SlurmException">slurmrestd did not answer or refused.</exception>
    Task<IReadOnlyList<SlurmPartition>> GetPartitionsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Submits a batch job (<c>POST /job/submit</c>), held by default. A held submit answered with error or warning
    /// 2042 ("Job is in held state") and a job id is a success. Idempotent: when an attempt fails transiently, the next attempt first looks for a job
    /// with the request's name submitted by this call, and returns it instead of submitting again.
    /// </summary>
    /// <param name="request">The job.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>Slurm's job id, and whether the job was held or already existed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The name is empty, longer than 200 characters or contains whitespace; the script does not start with <c>#!</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">GPUs, nodes or CPUs are out of range.</exception>
    /// <exception cref="SlurmException">Slurm refused the job (e.g. "Requested node configuration is not available").</exception>
    Task<SlurmSubmitResult> SubmitAsync(SlurmJobRequest request, CancellationToken cancellationToken = default);

    /// <summary>Releases a held job (<c>POST /job/{id}</c> with <c>{"hold":false}</c>, what <c>scontrol release</c> does). Idempotent.</summary>
    /// <param name="jobId">Slurm's job id (positive).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when Slurm accepted the release.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="jobId"/> is not positive.</exception>
    /// <exception cref="SlurmJobNotFoundException">Slurm does not know the job.</exception>
    /// <exception cref="SlurmException">Slurm refused.</exception>
    Task ReleaseAsync(long jobId, CancellationToken cancellationToken = default);

    /// <summary>Holds a pending job (<c>POST /job/{id}</c> with <c>{"hold":true}</c>).</summary>
    /// <param name="jobId">Slurm's job id (positive).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when Slurm accepted the hold.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="jobId"/> is not positive.</exception>
    /// <exception cref="SlurmJobNotFoundException">Slurm does not know the job.</exception>
    /// <exception cref="SlurmException">Slurm refused.</exception>
    Task HoldAsync(long jobId, CancellationToken cancellationToken = default);

    /// <summary>Cancels a job with SIGKILL (<c>DELETE /job/{id}</c>); it ends <c>CANCELLED</c>. Cancelling a finished job is a no-op.</summary>
    /// <param name="jobId">Slurm's job id (positive).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when Slurm accepted the cancel.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="jobId"/> is not positive.</exception>
    /// <exception cref="SlurmJobNotFoundException">Slurm does not know the job.</exception>
    /// <exception cref="SlurmException">Slurm refused.</exception>
    Task CancelAsync(long jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Requeues a running job (preemption by requeue): it goes back to pending with its restart count one higher and
    /// runs again after Slurm's requeue delay (<c>cred_expire</c> + 1 s). No REST API version up to v0.0.44 has a
    /// requeue call (v0.0.45 adds one), so this runs <c>scontrol requeue</c> (<c>requeuehold</c> when
    /// <paramref name="hold"/>) on this host, with <see cref="SlurmOptions.SlurmConfPath"/> as <c>SLURM_CONF</c>.
    /// </summary>
    /// <param name="jobId">Slurm's job id (positive).</param>
    /// <param name="hold">Whether the requeued job stays held until <see cref="ReleaseAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>A task that completes when Slurm accepted the requeue.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="jobId"/> is not positive.</exception>
    /// <exception cref="SlurmJobNotFoundException">Slurm does not know the job.</exception>
    /// <exception cref="SlurmException"><c>scontrol</c> failed or could not be started.</exception>
    Task RequeueAsync(long jobId, bool hold = false, CancellationToken cancellationToken = default);

    /// <summary>Reads one job (<c>GET /job/{id}</c>); finished jobs stay visible for <c>MinJobAge</c>.</summary>
    /// <param name="jobId">Slurm's job id (positive).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The job, or <see langword="null"/> when Slurm does not know it (error 2017; HTTP 500 from Slurm 22.05, 404 from 23.11).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="jobId"/> is not positive.</exception>
    /// <exception cref="SlurmException">slurmrestd did not answer or refused.</exception>
    Task<SlurmJob?> GetJobAsync(long jobId, CancellationToken cancellationToken = default);

    /// <summary>Reads every job Slurm knows (<c>GET /jobs</c>): the way to follow many jobs' states with one request.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The jobs.</returns>
    /// <exception cref="SlurmException">slurmrestd did not answer or refused.</exception>
    Task<IReadOnlyList<SlurmJob>> GetJobsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads every job if any job changed since <paramref name="changedSince"/> (<c>GET /jobs?update_time=</c>, a
    /// whole-table check at slurmctld's one-second resolution: v0.0.38 answers HTTP 304 when nothing changed, v0.0.40
    /// and later HTTP 200 with no jobs and the warning "No job changes since update_time").
    /// </summary>
    /// <param name="changedSince">The time of the last read (whole seconds are used).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>All jobs, or <see langword="null"/> when nothing changed.</returns>
    /// <exception cref="SlurmException">slurmrestd did not answer or refused.</exception>
    Task<IReadOnlyList<SlurmJob>?> GetJobsIfChangedAsync(DateTimeOffset changedSince, CancellationToken cancellationToken = default);

    /// <summary>Finds the jobs with a given name (LlmCore's job id), newest first; how an executor rebuilds its view after a restart.</summary>
    /// <param name="name">The job name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The matching jobs, newest (highest id) first; empty when none.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    /// <exception cref="SlurmException">slurmrestd did not answer or refused.</exception>
    Task<IReadOnlyList<SlurmJob>> FindJobsByNameAsync(string name, CancellationToken cancellationToken = default);
}

using System.Globalization;
using LlmCore.Scheduling.Execution;
using LlmCore.Scheduling.Slurm.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmCore.Scheduling.Slurm.Execution;

/// <summary>
/// Runs LlmCore's scheduling decisions on a Slurm cluster: each launch becomes a held batch job named after the
/// LlmCore job (comment <c>llmcore:&lt;id&gt;</c>) with its GPUs as gres, released by a background releaser that
/// releases the jobs admitted in one pass together, in admission order; preemption requeues it held
/// (<c>scontrol requeuehold</c>: no REST API version up to v0.0.44 has a requeue call) and the next launch of the job
/// releases the same Slurm job again; cancellation cancels it. One background loop polls the followed jobs (one by
/// one while few, else the job table with <c>update_time</c>, with backoff while nothing changes) on the client's read
/// connection and reports <see cref="JobRunEvent.Started"/>, <see cref="JobRunEvent.Completed"/>,
/// <see cref="JobRunEvent.Failed"/> and <see cref="JobRunEvent.Preempted"/>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="StartAsync"/> returns once the held job is submitted and its release is queued (the hand-over of
/// <see cref="IJobExecutor"/>'s contract); the submit of the next launch does not wait for the release, which goes
/// out on another connection of the client (<see cref="SlurmOptions.MaxConnections"/>).
/// </para>
/// <para>
/// Placement is advisory on Slurm: the executor does not pin a job to named nodes, so the job asks for
/// <c>Nodes = placement's node count</c> and <c>gpu:N</c> per node (N = the largest per-node share of the placement)
/// and Slurm picks the nodes. With <c>SchedulerType=sched/builtin</c> (strict FIFO) and LlmCore releasing only what it
/// admitted, Slurm starts exactly the jobs LlmCore admitted, in LlmCore's order; the nodes may differ from LlmCore's
/// choice. <see cref="JobRunEvent.Started"/> reports carry the nodes Slurm chose, comma-separated
/// (<c>nodes=n1,n2</c>).
/// </para>
/// <para>
/// A job Slurm requeues on its own (its partition preemption, a node failure) is reported
/// <see cref="JobRunEvent.Preempted"/> and held until LlmCore starts it again; a job cancelled outside LlmCore is
/// reported <see cref="JobRunEvent.Failed"/>. Disposing stops following jobs but leaves them in Slurm: a new executor
/// (after a host restart) adopts each job by name when the scheduler launches it again, and
/// <see cref="RecoverAsync"/> lists them so that the host can resubmit them to its scheduler.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed partial class SlurmJobExecutor : IJobExecutor, IAsyncDisposable, IDisposable
{
    private const int PerJobPollLimit = 48;
    private const double CostSmoothing = 0.3;
    private static readonly TimeSpan s_releaseRetry = TimeSpan.FromSeconds(1);

    private readonly ISlurmClient _client;
    private readonly SlurmExecutorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Run> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _requeuedRestarts = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _snapshotGate = new(1, 1);
    private Dictionary<string, long>? _known;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly Queue<Run> _releases = new();
    private readonly SemaphoreSlim _releaseSignal = new(0);
    private Task? _loop;
    private Task? _releaser;
    private double _perJobReadTicks;
    private double _tableReadTicks;
    private int _disposed;

    /// <summary>Creates the executor.</summary>
    /// <param name="client">The Slurm client (not disposed by the executor).</param>
    /// <param name="options">The options (copied); <see langword="null"/> uses the defaults.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> uses <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are out of range (see <see cref="SlurmExecutorOptions"/>).</exception>
    public SlurmJobExecutor(ISlurmClient client, SlurmExecutorOptions? options = null, TimeProvider? timeProvider = null, ILogger<SlurmJobExecutor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _options = (options ?? new SlurmExecutorOptions()).Clone();
        var errors = _options.Errors().ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _client = client;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Gets the number of runs the executor follows.</summary>
    public int ActiveRuns
    {
        get
        {
            lock (_lock)
            {
                return _runs.Count;
            }
        }
    }

    /// <summary>Gets Slurm's job id of a job's current run, or <see langword="null"/> when the executor does not follow it.</summary>
    /// <param name="jobId">LlmCore's job id.</param>
    /// <returns>The Slurm job id.</returns>
    public long? GetSlurmJobId(string jobId)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        lock (_lock)
        {
            return _runs.TryGetValue(jobId, out var run) ? run.SlurmJobId : null;
        }
    }

    /// <summary>The Slurm job name of an LlmCore job: <see cref="SlurmExecutorOptions.JobNamePrefix"/> followed by the id.</summary>
    /// <param name="jobId">LlmCore's job id.</param>
    /// <returns>The name.</returns>
    public string SlurmJobName(string jobId)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return _options.JobNamePrefix + jobId;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ObjectDisposedException">The executor was disposed.</exception>
    /// <exception cref="SlurmException">Slurm refused the job or did not answer after the client's retries.</exception>
    public async Task StartAsync(JobLaunch launch, IJobRunReporter reporter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        ArgumentNullException.ThrowIfNull(reporter);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_lock)
        {
            if (_runs.TryGetValue(launch.JobId, out var current) && current.Launch.Attempt >= launch.Attempt)
            {
                return;
            }
        }

        var name = SlurmJobName(launch.JobId);
        var existing = await FindExistingAsync(name, cancellationToken).ConfigureAwait(false);
        Run run;
        if (existing is not null && (!existing.IsFinished || existing.State == SlurmJobState.Completed))
        {
            // A job of an earlier attempt (preempted and requeued held) or of a host that restarted: adopt it.
            int minRestarts;
            lock (_lock)
            {
                minRestarts = _requeuedRestarts.Remove(launch.JobId, out var expected) ? expected : existing.RestartCount;
            }

            run = new Run(launch, reporter, existing.JobId, minRestarts, _time.GetUtcNow());
            Log.Adopted(_logger, launch.JobId, existing.JobId, existing.SlurmState);
        }
        else
        {
            var gang = launch.Placement.Nodes;
            var request = new SlurmJobRequest
            {
                Name = name,
                Script = BuildScript(launch),
                GpusPerNode = gang.Count == 0 ? launch.Spec.Gpus : gang.Max(n => n.Gpus),
                Nodes = Math.Max(1, gang.Count),
                CpusPerTask = _options.CpusPerTask,
                Partition = _options.Partition,
                TimeLimitMinutes = _options.TimeLimitMinutes,
                Comment = "llmcore:" + launch.JobId,
                Hold = true,
            };
            var submitted = await _client.SubmitAsync(request, cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                _known![name] = submitted.JobId;
            }

            run = new Run(launch, reporter, submitted.JobId, 0, _time.GetUtcNow());
            Log.Submitted(_logger, launch.JobId, submitted.JobId, request.Nodes, request.GpusPerNode);
        }

        lock (_lock)
        {
            _runs[launch.JobId] = run;
        }

        EnsureLoop();
        if (existing is null || existing.State == SlurmJobState.Held)
        {
            EnqueueRelease(run);
        }

        _wake.Release();
    }

    /// <inheritdoc/>
    /// <remarks>Cancels the Slurm job (SIGKILL, it ends <c>CANCELLED</c>); a job the executor does not follow is looked up by name. Idempotent.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="launch"/> is <see langword="null"/>.</exception>
    /// <exception cref="SlurmException">Slurm did not answer after the client's retries.</exception>
    public async Task CancelAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var ids = new List<long>();
        lock (_lock)
        {
            if (_runs.Remove(launch.JobId, out var run))
            {
                ids.Add(run.SlurmJobId);
            }

            _requeuedRestarts.Remove(launch.JobId);
        }

        if (ids.Count == 0)
        {
            var found = await _client.FindJobsByNameAsync(SlurmJobName(launch.JobId), cancellationToken).ConfigureAwait(false);
            ids.AddRange(found.Where(j => !j.IsFinished).Select(j => j.JobId));
        }

        foreach (var id in ids)
        {
            try
            {
                await _client.CancelAsync(id, cancellationToken).ConfigureAwait(false);
                Log.Cancelled(_logger, launch.JobId, id);
            }
            catch (SlurmJobNotFoundException)
            {
                // Already gone.
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Requeues the running Slurm job held (<c>scontrol requeuehold</c>): it goes back to pending with its restart
    /// count one higher, and the next <see cref="StartAsync"/> of the job releases it (it then waits Slurm's requeue
    /// delay, <c>cred_expire</c> + 1 s). A job that has not started yet is only held. Idempotent; a run that already
    /// ended is left alone.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="launch"/> is <see langword="null"/>.</exception>
    public async Task PreemptAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        Run? run;
        lock (_lock)
        {
            if (!_runs.TryGetValue(launch.JobId, out run) || run.Launch.Attempt != launch.Attempt)
            {
                return;
            }

            _runs.Remove(launch.JobId);
        }

        try
        {
            await _client.RequeueAsync(run.SlurmJobId, hold: true, cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                _requeuedRestarts[launch.JobId] = run.RestartCount + 1;
            }

            Log.Requeued(_logger, launch.JobId, run.SlurmJobId);
        }
        catch (SlurmJobNotFoundException)
        {
            // Gone: the next start submits a new job.
        }
        catch (SlurmException ex) when (!ex.IsTransient)
        {
            // Not running (still pending, or already finished): hold it if it is pending.
            try
            {
                await _client.HoldAsync(run.SlurmJobId, cancellationToken).ConfigureAwait(false);
                Log.Held(_logger, launch.JobId, run.SlurmJobId, ex.Message);
            }
            catch (SlurmException)
            {
                // Finished meanwhile: nothing to stop.
            }
        }
    }

    /// <summary>
    /// Lists the LlmCore jobs Slurm still knows that are not finished (held, pending or running), for a host that
    /// restarted and rebuilds its scheduler's queue; launching them again adopts the Slurm jobs instead of submitting
    /// new ones.
    /// </summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The jobs, in Slurm's job id order.</returns>
    /// <exception cref="SlurmException">Slurm did not answer after the client's retries.</exception>
    public async Task<IReadOnlyList<SlurmRecoveredJob>> RecoverAsync(CancellationToken cancellationToken = default)
    {
        var jobs = await _client.GetJobsAsync(cancellationToken).ConfigureAwait(false);
        return
        [
            .. jobs
                .Where(j => !j.IsFinished
                    && j.Comment.StartsWith("llmcore:", StringComparison.Ordinal)
                    && j.Name.StartsWith(_options.JobNamePrefix, StringComparison.Ordinal)
                    && j.Name.Length > _options.JobNamePrefix.Length)
                .OrderBy(j => j.JobId)
                .Select(j => new SlurmRecoveredJob(j.Name[_options.JobNamePrefix.Length..], j)),
        ];
    }

    /// <summary>Stops following jobs (they keep running in Slurm) and waits for the poll loop to end.</summary>
    /// <returns>A task that completes when the loop ended.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var task in new[] { _loop, _releaser })
        {
            if (task is null)
            {
                continue;
            }

            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping.
            }
        }

        _stop.Dispose();
        _wake.Dispose();
        _releaseSignal.Dispose();
        _snapshotGate.Dispose();
    }

    /// <summary>Stops following jobs (they keep running in Slurm).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// The Slurm job that already carries <paramref name="name"/>: one this executor submitted, or one Slurm knew when
    /// the executor made its first start (read once, so that a host restart loses nothing and a start costs two
    /// requests, submit and release, instead of a scan of the job table).
    /// </summary>
    private async Task<SlurmJob?> FindExistingAsync(string name, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _known) is null)
        {
            await _snapshotGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_known is null)
                {
                    var read = System.Diagnostics.Stopwatch.StartNew();
                    var jobs = await _client.GetJobsAsync(cancellationToken).ConfigureAwait(false);
                    Volatile.Write(ref _tableReadTicks, read.Elapsed.Ticks);
                    var known = new Dictionary<string, long>(StringComparer.Ordinal);
                    foreach (var job in jobs.Where(j => j.Comment.StartsWith("llmcore:", StringComparison.Ordinal)).OrderBy(j => j.JobId))
                    {
                        known[job.Name] = job.JobId;
                    }

                    lock (_lock)
                    {
                        Volatile.Write(ref _known, known);
                    }
                }
            }
            finally
            {
                _snapshotGate.Release();
            }
        }

        long id;
        lock (_lock)
        {
            if (!_known!.TryGetValue(name, out id))
            {
                return null;
            }
        }

        return await _client.GetJobAsync(id, cancellationToken).ConfigureAwait(false);
    }

    private string BuildScript(JobLaunch launch)
    {
        if (_options.Script is { } script)
        {
            return script(launch);
        }

        var seconds = (launch.ExpectedRunSeconds ?? 0) / _options.TimeScale;
        return seconds > 0
            ? string.Create(CultureInfo.InvariantCulture, $"#!/bin/bash\nsleep {seconds:0.###}\n")
            : "#!/bin/bash\ntrue\n";
    }

    /// <summary>Queues a run's release for the releaser (at most once at a time).</summary>
    private void EnqueueRelease(Run run)
    {
        lock (_lock)
        {
            if (run.ReleaseQueued)
            {
                return;
            }

            run.ReleaseQueued = true;
            run.LastRelease = _time.GetUtcNow();
            _releases.Enqueue(run);
        }

        _releaseSignal.Release();
    }

    /// <summary>
    /// Releases what is queued: all the runs queued since the last round (the jobs admitted in one scheduling pass
    /// arrive together), in admission order, so that Slurm's FIFO starts them in LlmCore's order. A release that fails
    /// is tried again by the poll loop once the job still shows held a second later.
    /// </summary>
    private async Task ReleaseLoopAsync(CancellationToken cancellationToken)
    {
        var batch = new List<Run>();
        while (!cancellationToken.IsCancellationRequested)
        {
            await _releaseSignal.WaitAsync(cancellationToken).ConfigureAwait(false);
            while (_releaseSignal.CurrentCount > 0)
            {
                await _releaseSignal.WaitAsync(0, cancellationToken).ConfigureAwait(false);
            }

            batch.Clear();
            lock (_lock)
            {
                while (_releases.TryDequeue(out var queued))
                {
                    queued.ReleaseQueued = false;
                    if (_runs.TryGetValue(queued.Launch.JobId, out var current) && ReferenceEquals(current, queued))
                    {
                        batch.Add(queued);
                    }
                }
            }

            foreach (var run in batch)
            {
                await TryReleaseAsync(run, cancellationToken).ConfigureAwait(false);
            }

            if (batch.Count > 0)
            {
                Log.Released(_logger, batch.Count);
            }
        }
    }

    private async Task TryReleaseAsync(Run run, CancellationToken cancellationToken)
    {
        run.LastRelease = _time.GetUtcNow();
        try
        {
            await _client.ReleaseAsync(run.SlurmJobId, cancellationToken).ConfigureAwait(false);
        }
        catch (SlurmException ex)
        {
            // E.g. still completing after a requeue, or slurmrestd unreachable beyond the client's retries: the poll
            // loop releases it again once it still shows held a second later.
            Log.ReleaseDeferred(_logger, run.Launch.JobId, run.SlurmJobId, ex.Message);
        }
    }

    private void EnsureLoop()
    {
        lock (_lock)
        {
            _loop ??= Task.Run(() => PollLoopAsync(_stop.Token));
            _releaser ??= Task.Run(() => ReleaseLoopAsync(_stop.Token));
        }
    }

    private async Task PollLoopAsync(CancellationToken cancellationToken)
    {
        var delay = _options.PollInterval;
        DateTimeOffset? lastPoll = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            bool idle;
            lock (_lock)
            {
                idle = _runs.Count == 0;
            }

            if (idle)
            {
                lastPoll = null;
                await _wake.WaitAsync(_options.MaxPollInterval, cancellationToken).ConfigureAwait(false);
                delay = _options.PollInterval;
                continue;
            }

            var pollStart = _time.GetUtcNow();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                IReadOnlyList<SlurmJob>? jobs;
                if (FollowedIds() is { } ids)
                {
                    // Read just the followed jobs (a few KB each) when that costs less than the whole table, which
                    // holds every job of the last MinJobAge seconds (about 2 MB for 1,000 jobs on Slurm 22.05).
                    var list = new List<SlurmJob>(ids.Count);
                    foreach (var id in ids)
                    {
                        if (await _client.GetJobAsync(id, cancellationToken).ConfigureAwait(false) is { } one)
                        {
                            list.Add(one);
                        }
                    }

                    jobs = list;
                    lastPoll = null;
                    Smooth(ref _perJobReadTicks, (double)watch.Elapsed.Ticks / Math.Max(1, ids.Count));
                }
                else
                {
                    // update_time compares whole seconds: look back one more second so that no change is missed.
                    jobs = lastPoll is { } since
                        ? await _client.GetJobsIfChangedAsync(since.AddSeconds(-1), cancellationToken).ConfigureAwait(false)
                        : await _client.GetJobsAsync(cancellationToken).ConfigureAwait(false);
                    lastPoll = pollStart;
                    if (jobs is not null)
                    {
                        Smooth(ref _tableReadTicks, watch.Elapsed.Ticks);
                    }
                }

                if (jobs is null)
                {
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxPollInterval.Ticks));
                }
                else
                {
                    await ApplyAsync(jobs, pollStart, cancellationToken).ConfigureAwait(false);
                    delay = _options.PollInterval;
                }

                // The poll has its own connection, but shares slurmrestd's and slurmctld's CPU with submits and releases:
                // leave them at least two thirds of the time, however long a read takes.
                delay = TimeSpan.FromTicks(Math.Max(delay.Ticks, 2 * watch.Elapsed.Ticks));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (SlurmException ex)
            {
                Log.PollFailed(_logger, ex);
                delay = _options.MaxPollInterval;
            }

            // A new start wakes the loop early; drain extra signals so the next wait really waits.
            await _wake.WaitAsync(delay, cancellationToken).ConfigureAwait(false);
            while (_wake.CurrentCount > 0)
            {
                await _wake.WaitAsync(0, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The followed jobs' ids when they are read one by one: always up to <see cref="PerJobPollLimit"/> of them, and
    /// more while that is measured to cost less than one read of the whole table; else <see langword="null"/>.
    /// </summary>
    private List<long>? FollowedIds()
    {
        var perJob = Volatile.Read(ref _perJobReadTicks);
        var table = Volatile.Read(ref _tableReadTicks);
        lock (_lock)
        {
            var oneByOne = _runs.Count <= PerJobPollLimit || (perJob > 0 && table > 0 && _runs.Count * perJob <= table);
            return oneByOne ? [.. _runs.Values.Select(r => r.SlurmJobId)] : null;
        }
    }

    private static void Smooth(ref double average, double sample) =>
        Volatile.Write(ref average, average <= 0 ? sample : (CostSmoothing * sample) + ((1 - CostSmoothing) * average));

    private async Task ApplyAsync(IReadOnlyList<SlurmJob> jobs, DateTimeOffset pollStart, CancellationToken cancellationToken)
    {
        var byId = new Dictionary<long, SlurmJob>(jobs.Count);
        foreach (var job in jobs)
        {
            byId[job.JobId] = job;
        }

        List<Run> runs;
        lock (_lock)
        {
            runs = [.. _runs.Values];
        }

        foreach (var run in runs)
        {
            if (!byId.TryGetValue(run.SlurmJobId, out var job))
            {
                if (run.Since < pollStart.AddSeconds(-2) && await _client.GetJobAsync(run.SlurmJobId, cancellationToken).ConfigureAwait(false) is null)
                {
                    End(run, JobRunEvent.Failed, $"Slurm job {run.SlurmJobId} disappeared");
                }

                continue;
            }

            await ApplyAsync(run, job, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ApplyAsync(Run run, SlurmJob job, CancellationToken cancellationToken)
    {
        switch (job.State)
        {
            case SlurmJobState.Held:
                if (_time.GetUtcNow() - run.LastRelease >= s_releaseRetry)
                {
                    EnqueueRelease(run);
                }

                break;
            case SlurmJobState.Pending:
                if (run.StartedReported && job.RestartCount > run.RestartCount)
                {
                    // Slurm requeued it on its own (its partition preemption, a node failure): hold it for LlmCore.
                    if (End(run, JobRunEvent.Preempted, $"requeued by Slurm ({job.Reason})"))
                    {
                        lock (_lock)
                        {
                            _requeuedRestarts[run.Launch.JobId] = job.RestartCount;
                        }

                        try
                        {
                            await _client.HoldAsync(job.JobId, cancellationToken).ConfigureAwait(false);
                        }
                        catch (SlurmException ex) when (!ex.IsTransient)
                        {
                            Log.ReleaseDeferred(_logger, run.Launch.JobId, job.JobId, ex.Message);
                        }
                    }
                }

                break;
            case SlurmJobState.Running:
                if (!run.StartedReported && job.RestartCount >= run.MinRestarts)
                {
                    ReportStarted(run, job);
                }

                break;
            case SlurmJobState.Completed:
                if (!run.StartedReported)
                {
                    ReportStarted(run, job);
                }

                End(run, JobRunEvent.Completed, null);
                break;
            case SlurmJobState.Failed:
                End(run, JobRunEvent.Failed, string.Create(CultureInfo.InvariantCulture, $"Slurm job {job.JobId} ended {job.SlurmState} ({job.Reason}, exit code {job.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "-"}, signal {job.Signal?.ToString(CultureInfo.InvariantCulture) ?? "-"})"));
                break;
            case SlurmJobState.Cancelled:
                End(run, JobRunEvent.Failed, $"Slurm job {job.JobId} was cancelled outside LlmCore");
                break;
            case SlurmJobState.Preempted:
                End(run, JobRunEvent.Preempted, $"Slurm job {job.JobId} was preempted by Slurm");
                break;
            default:
                break;
        }
    }

    private void ReportStarted(Run run, SlurmJob job)
    {
        run.StartedReported = true;
        run.RestartCount = job.RestartCount;
        var nodes = string.Join(',', SlurmHostList.Expand(job.Nodes));
        run.Reporter.Report(new JobRunReport(run.Launch.JobId, run.Launch.Attempt, JobRunEvent.Started, "nodes=" + nodes));
    }

    private bool End(Run run, JobRunEvent outcome, string? message)
    {
        lock (_lock)
        {
            if (!_runs.TryGetValue(run.Launch.JobId, out var current) || !ReferenceEquals(current, run))
            {
                return false;
            }

            _runs.Remove(run.Launch.JobId);
        }

        run.Reporter.Report(new JobRunReport(run.Launch.JobId, run.Launch.Attempt, outcome, message));
        return true;
    }

    private sealed class Run(JobLaunch launch, IJobRunReporter reporter, long slurmJobId, int minRestarts, DateTimeOffset since)
    {
        public JobLaunch Launch { get; } = launch;

        public IJobRunReporter Reporter { get; } = reporter;

        public long SlurmJobId { get; } = slurmJobId;

        public int MinRestarts { get; } = minRestarts;

        public DateTimeOffset Since { get; } = since;

        public int RestartCount { get; set; } = minRestarts;

        public bool StartedReported { get; set; }

        public DateTimeOffset LastRelease { get; set; }

        /// <summary>Gets or sets a value indicating whether the run waits in the release queue (guarded by the executor's lock).</summary>
        public bool ReleaseQueued { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Job {JobId} submitted as Slurm job {SlurmJobId} ({Nodes} nodes x {Gpus} GPUs)")]
        public static partial void Submitted(ILogger logger, string jobId, long slurmJobId, int nodes, int gpus);

        [LoggerMessage(2, LogLevel.Information, "Job {JobId} adopted existing Slurm job {SlurmJobId} ({State})")]
        public static partial void Adopted(ILogger logger, string jobId, long slurmJobId, string state);

        [LoggerMessage(3, LogLevel.Debug, "Job {JobId}: Slurm job {SlurmJobId} cancelled")]
        public static partial void Cancelled(ILogger logger, string jobId, long slurmJobId);

        [LoggerMessage(4, LogLevel.Debug, "Job {JobId}: Slurm job {SlurmJobId} requeued held")]
        public static partial void Requeued(ILogger logger, string jobId, long slurmJobId);

        [LoggerMessage(5, LogLevel.Debug, "Job {JobId}: Slurm job {SlurmJobId} held instead of requeued ({Reason})")]
        public static partial void Held(ILogger logger, string jobId, long slurmJobId, string reason);

        [LoggerMessage(6, LogLevel.Debug, "Job {JobId}: release of Slurm job {SlurmJobId} deferred ({Reason})")]
        public static partial void ReleaseDeferred(ILogger logger, string jobId, long slurmJobId, string reason);

        [LoggerMessage(7, LogLevel.Warning, "Polling Slurm's jobs failed; retrying")]
        public static partial void PollFailed(ILogger logger, Exception exception);

        [LoggerMessage(8, LogLevel.Debug, "Released {Count} Slurm jobs")]
        public static partial void Released(ILogger logger, int count);
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using LlmCore.Scheduling.Execution;

namespace LlmCore.Scheduling;

/// <summary>What a scheduler event is about.</summary>
public enum SchedulerEventKind
{
    /// <summary>A job was submitted and queued.</summary>
    Submitted = 0,

    /// <summary>A job was rejected at submission.</summary>
    Rejected = 1,

    /// <summary>A run was started.</summary>
    Started = 2,

    /// <summary>A run was preempted or lost to a node failure; the job is queued again.</summary>
    Requeued = 3,

    /// <summary>A job completed.</summary>
    Completed = 4,

    /// <summary>A job failed.</summary>
    Failed = 5,

    /// <summary>A job was cancelled (by a user, a failed dependency or its deadline).</summary>
    Cancelled = 6,

    /// <summary>An elastic job was resized: its run stopped at a checkpoint and a new run started on another number of GPUs.</summary>
    Resized = 7,
}

/// <summary>An event of the online scheduler.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="JobId">The job.</param>
/// <param name="Time">When.</param>
/// <param name="Detail">A reason or placement.</param>
public sealed record SchedulerEvent(SchedulerEventKind Kind, string JobId, DateTimeOffset Time, string? Detail);

/// <summary>The online scheduler a host uses: submit, cancel, executor reports, events and queue inspection.</summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IJobScheduler : IJobRunReporter
{
    /// <summary>Raised after each job event, outside the scheduler's lock, on the thread that caused it.</summary>
    event EventHandler<SchedulerEvent>? JobEvent;

    /// <summary>Submits a job.</summary>
    /// <param name="spec">The job.</param>
    /// <returns>A snapshot: <see cref="JobState.Pending"/>, or <see cref="JobState.Rejected"/> with the reason.</returns>
    /// <exception cref="ArgumentException">The id is used or a dependency is unknown.</exception>
    /// <exception cref="UnknownTenantException">Quotas are configured and the tenant has none.</exception>
    JobInfo Submit(JobSpec spec);

    /// <summary>Submits jobs that may depend on each other.</summary>
    /// <param name="specs">The jobs.</param>
    /// <returns>Snapshots, in order.</returns>
    /// <exception cref="ArgumentException">An id is used or a dependency is unknown.</exception>
    /// <exception cref="UnknownTenantException">Quotas are configured and a tenant has none.</exception>
    /// <exception cref="DependencyCycleException">Dependencies form a cycle.</exception>
    IReadOnlyList<JobInfo> SubmitMany(IReadOnlyList<JobSpec> specs);

    /// <summary>Cancels a job.</summary>
    /// <param name="jobId">The job.</param>
    /// <returns><see langword="true"/> when a pending or running job was cancelled.</returns>
    bool Cancel(string jobId);

    /// <summary>Gets a snapshot of a job, or <see langword="null"/>.</summary>
    /// <param name="jobId">The job.</param>
    /// <returns>The snapshot.</returns>
    JobInfo? Get(string jobId);

    /// <summary>Gets snapshots of the pending jobs (submission order) with their reasons.</summary>
    /// <returns>The queue.</returns>
    IReadOnlyList<JobInfo> GetQueue();

    /// <summary>Gets snapshots of every job.</summary>
    /// <returns>All jobs.</returns>
    IReadOnlyList<JobInfo> GetJobs();

    /// <summary>Marks a node down (its jobs are requeued) or up.</summary>
    /// <param name="nodeName">The node.</param>
    /// <param name="up"><see langword="true"/> to recover it.</param>
    /// <exception cref="ArgumentException">No node has that name.</exception>
    void SetNodeState(string nodeName, bool up);

    /// <summary>Runs one scheduling pass at the provider's current time and queues its commands for the executor.</summary>
    /// <returns>The applied plan.</returns>
    SchedulingPlan RunSchedulingPass();

    /// <summary>Gets the commands for the executor, in order (read by the dispatcher).</summary>
    ChannelReader<ExecutorCommand> Commands { get; }

    /// <summary>Waits until the state changed since the last pass, or <paramref name="timeout"/> passed.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when a pass is due.</returns>
    Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>
/// The thread-safe online scheduler: a <see cref="SchedulingEngine"/> behind a lock, with time from a
/// <see cref="TimeProvider"/>, events, metrics (meter <c>LlmCore.Scheduling</c>) and a command queue for an
/// <see cref="IJobExecutor"/>.
/// </summary>
/// <remarks>Thread-safe. Deterministic given the order of calls and the provider's times, so a simulator can drive it
/// with a fake or simulated <see cref="TimeProvider"/>.</remarks>
public sealed class JobScheduler : IJobScheduler, IDisposable
{
    /// <summary>The name of the meter.</summary>
    public const string MeterName = "LlmCore.Scheduling";

    private readonly Lock _lock = new();
    private readonly SchedulingEngine _engine;
    private readonly TimeProvider _time;
    private readonly Channel<ExecutorCommand>? _commands;
    private readonly Lock _signalLock = new();
    private TaskCompletionSource _work = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Meter _meter;
    private readonly Counter<long> _submitted;
    private readonly Counter<long> _started;
    private readonly Counter<long> _ended;
    private readonly Counter<long> _preemptions;
    private readonly Histogram<double> _wait;
    private readonly Histogram<double> _passDuration;

    /// <summary>Creates a scheduler.</summary>
    /// <param name="engine">The engine (owned by this scheduler from now on).</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="queueExecutorCommands">Whether to queue commands on <see cref="Commands"/> (turn off when nothing reads them, e.g. in a simulator).</param>
    /// <param name="meterFactory">Creates the meter; <see langword="null"/> uses a standalone meter.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public JobScheduler(SchedulingEngine engine, TimeProvider timeProvider, bool queueExecutorCommands = true, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _engine = engine;
        _time = timeProvider;
        _commands = queueExecutorCommands ? Channel.CreateUnbounded<ExecutorCommand>(new UnboundedChannelOptions { SingleReader = true }) : null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _submitted = _meter.CreateCounter<long>("llmcore.scheduling.jobs.submitted", "{job}", "Jobs submitted (including rejected ones).");
        _started = _meter.CreateCounter<long>("llmcore.scheduling.jobs.started", "{job}", "Runs started.");
        _ended = _meter.CreateCounter<long>("llmcore.scheduling.jobs.ended", "{job}", "Jobs that reached a terminal state, tagged by state.");
        _preemptions = _meter.CreateCounter<long>("llmcore.scheduling.preemptions", "{job}", "Runs preempted or lost to node failures.");
        _wait = _meter.CreateHistogram<double>("llmcore.scheduling.queue.wait", "s", "Time from queueing to start of each run.");
        _passDuration = _meter.CreateHistogram<double>("llmcore.scheduling.pass.duration", "s", "Wall time of a scheduling pass.");
        _meter.CreateObservableGauge("llmcore.scheduling.jobs.pending", () => { lock (_lock) { return _engine.PendingCount; } }, "{job}", "Pending jobs.");
        _meter.CreateObservableGauge("llmcore.scheduling.jobs.running", () => { lock (_lock) { return _engine.Running.Count; } }, "{job}", "Running jobs.");
        _meter.CreateObservableGauge("llmcore.scheduling.gpus.allocated", () => { lock (_lock) { return _engine.AllocatedGpus; } }, "{gpu}", "GPUs allocated to running jobs.");
    }

    /// <inheritdoc/>
    public event EventHandler<SchedulerEvent>? JobEvent;

    /// <summary>Gets the engine (read it only inside <see cref="Inspect{T}"/>).</summary>
    internal SchedulingEngine Engine => _engine;

    /// <inheritdoc/>
    public ChannelReader<ExecutorCommand> Commands => _commands?.Reader ?? throw new InvalidOperationException("This scheduler does not queue executor commands.");

    /// <summary>Runs <paramref name="read"/> on the engine under the scheduler's lock (for consistent multi-value reads).</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="read">The reader; it must not change the engine.</param>
    /// <returns>What <paramref name="read"/> returns.</returns>
    public T Inspect<T>(Func<SchedulingEngine, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (_lock)
        {
            return read(_engine);
        }
    }

    /// <inheritdoc/>
    public JobInfo Submit(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return SubmitMany([spec])[0];
    }

    /// <inheritdoc/>
    public IReadOnlyList<JobInfo> SubmitMany(IReadOnlyList<JobSpec> specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        List<JobInfo> infos;
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            infos = [.. _engine.Submit(specs, now).Select(j => j.ToInfo(now))];
        }

        foreach (var info in infos)
        {
            _submitted.Add(1, new KeyValuePair<string, object?>("tenant", info.Spec.Tenant));
            if (info.State == JobState.Rejected)
            {
                _ended.Add(1, new KeyValuePair<string, object?>("state", "rejected"));
            }

            Raise(info.State == JobState.Rejected ? SchedulerEventKind.Rejected : SchedulerEventKind.Submitted, info.Id, now, info.Reason);
        }

        Signal();
        return infos;
    }

    /// <inheritdoc/>
    public bool Cancel(string jobId)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var now = _time.GetUtcNow();
        JobState? before;
        JobLaunch? launch = null;
        lock (_lock)
        {
            if (_engine.Jobs.TryGetValue(jobId, out var job) && job.State == JobState.Running)
            {
                launch = new JobLaunch(job.Spec, job.Attempts, job.Placement!, job.ProgressSeconds, job.CurrentRestartCostSeconds) { Speed = job.RunSpeed };
            }

            before = _engine.Cancel(jobId, now);
            if (launch is not null)
            {
                _commands?.Writer.TryWrite(new ExecutorCommand(ExecutorCommandKind.Cancel, launch));
            }
        }

        if (before is JobState.Pending or JobState.Running)
        {
            _ended.Add(1, new KeyValuePair<string, object?>("state", "cancelled"));
            Raise(SchedulerEventKind.Cancelled, jobId, now, "cancelled");
            Signal();
            return true;
        }

        return false;
    }

    /// <inheritdoc/>
    public void Report(JobRunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = _time.GetUtcNow();
        bool changed;
        lock (_lock)
        {
            changed = report.Event switch
            {
                JobRunEvent.Completed => _engine.Finish(report.JobId, report.Attempt, true, now),
                JobRunEvent.Failed => _engine.Finish(report.JobId, report.Attempt, false, now, report.Message),
                JobRunEvent.Preempted => _engine.Requeue(report.JobId, report.Attempt, now, report.Message ?? "preempted by the executor"),
                _ => false,
            };
        }

        if (!changed)
        {
            return;
        }

        switch (report.Event)
        {
            case JobRunEvent.Completed:
                _ended.Add(1, new KeyValuePair<string, object?>("state", "completed"));
                Raise(SchedulerEventKind.Completed, report.JobId, now, null);
                break;
            case JobRunEvent.Failed:
                _ended.Add(1, new KeyValuePair<string, object?>("state", "failed"));
                Raise(SchedulerEventKind.Failed, report.JobId, now, report.Message);
                break;
            default:
                _preemptions.Add(1);
                Raise(SchedulerEventKind.Requeued, report.JobId, now, report.Message);
                break;
        }

        Signal();
    }

    /// <inheritdoc/>
    public JobInfo? Get(string jobId)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            return _engine.Jobs.TryGetValue(jobId, out var job) ? job.ToInfo(now) : null;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<JobInfo> GetQueue()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            return [.. _engine.Pending.Select(j => j.ToInfo(now))];
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<JobInfo> GetJobs()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            return [.. _engine.Jobs.Values.OrderBy(j => j.Sequence).Select(j => j.ToInfo(now))];
        }
    }

    /// <inheritdoc/>
    public void SetNodeState(string nodeName, bool up)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        var now = _time.GetUtcNow();
        var node = _engine.Cluster.IndexOf(nodeName);
        IReadOnlyList<JobLaunch> affected = [];
        lock (_lock)
        {
            if (up)
            {
                _engine.RecoverNode(node, now);
            }
            else
            {
                affected = _engine.FailNode(node, now);
                foreach (var launch in affected)
                {
                    _commands?.Writer.TryWrite(new ExecutorCommand(ExecutorCommandKind.Cancel, launch));
                }
            }
        }

        foreach (var launch in affected)
        {
            _preemptions.Add(1);
            Raise(SchedulerEventKind.Requeued, launch.JobId, now, $"node {nodeName} failed");
        }

        Signal();
    }

    /// <inheritdoc/>
    public SchedulingPlan RunSchedulingPass()
    {
        var stopwatch = Stopwatch.StartNew();
        var now = _time.GetUtcNow();
        SchedulingPlan plan;
        var waits = new List<double>();
        lock (_lock)
        {
            plan = _engine.Plan(now);
            foreach (var s in plan.Starts)
            {
                waits.Add((now - _engine.Jobs[s.JobId].QueuedSince).TotalSeconds);
            }

            if (_commands is not null)
            {
                foreach (var p in plan.Preemptions)
                {
                    var v = _engine.Jobs[p.JobId];
                    _commands.Writer.TryWrite(new ExecutorCommand(ExecutorCommandKind.Preempt, new JobLaunch(v.Spec, p.Attempt, v.Placement!, v.ProgressSeconds, v.CurrentRestartCostSeconds) { Speed = v.RunSpeed }));
                }

                // A resize stops the old run (at a checkpoint) before the pass's starts, and starts the new one with them.
                foreach (var r in plan.Resizes)
                {
                    var v = _engine.Jobs[r.JobId];
                    _commands.Writer.TryWrite(new ExecutorCommand(ExecutorCommandKind.Preempt, new JobLaunch(v.Spec, r.Attempt, v.Placement!, v.ProgressSeconds, v.CurrentRestartCostSeconds) { Speed = v.RunSpeed }));
                }
            }

            _engine.Apply(plan);
            if (_commands is not null)
            {
                foreach (var r in plan.Resizes)
                {
                    _commands.Writer.TryWrite(new ExecutorCommand(ExecutorCommandKind.Start, r.Launch));
                }

                foreach (var s in plan.Starts)
                {
                    _commands.Writer.TryWrite(new ExecutorCommand(ExecutorCommandKind.Start, s));
                }
            }
        }

        _passDuration.Record(stopwatch.Elapsed.TotalSeconds);
        foreach (var e in plan.Expired)
        {
            _ended.Add(1, new KeyValuePair<string, object?>("state", "cancelled"));
            Raise(SchedulerEventKind.Cancelled, e.JobId, now, e.Reason);
        }

        foreach (var p in plan.Preemptions)
        {
            _preemptions.Add(1);
            Raise(SchedulerEventKind.Requeued, p.JobId, now, $"preempted ({p.Reason}) for {p.ForJobId}");
        }

        foreach (var r in plan.Resizes)
        {
            Raise(SchedulerEventKind.Resized, r.JobId, now, $"{r.Kind.ToString().ToLowerInvariant()} to {r.Launch.Placement}");
        }

        for (var i = 0; i < plan.Starts.Count; i++)
        {
            _started.Add(1);
            _wait.Record(waits[i]);
            Raise(SchedulerEventKind.Started, plan.Starts[i].JobId, now, plan.Starts[i].Placement.ToString());
        }

        return plan;
    }

    /// <inheritdoc/>
    public async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task work;
        lock (_signalLock)
        {
            work = _work.Task;
        }

        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var delay = Task.Delay(timeout, _time, cts.Token);
            await Task.WhenAny(work, delay).ConfigureAwait(false);
            await cts.CancelAsync().ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        lock (_signalLock)
        {
            if (_work.Task.IsCompleted)
            {
                _work = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Completes the command queue and releases the meter.</summary>
    public void Dispose()
    {
        _commands?.Writer.TryComplete();
        _meter.Dispose();
    }

    private void Signal()
    {
        lock (_signalLock)
        {
            _work.TrySetResult();
        }
    }

    private void Raise(SchedulerEventKind kind, string jobId, DateTimeOffset time, string? detail) =>
        JobEvent?.Invoke(this, new SchedulerEvent(kind, jobId, time, detail));
}

using LlmCore.Scheduling.Internal;
using LlmCore.Scheduling.Metrics;
using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.Simulation;

/// <summary>
/// A discrete-event simulator that replays a <see cref="Trace"/> through the production scheduler
/// (<see cref="SchedulingEngine"/>, the same policies and pass), with simulated time.
/// </summary>
/// <remarks>
/// <para>
/// Event-driven, not time-stepped: the clock jumps to the next arrival, run end, injected failure or node repair;
/// for Tiresias' discretized LAS also to the instants a running job crosses a queue threshold and a waiting job
/// becomes due for starvation promotion, the only other instants its order can change. All events of an instant are
/// applied (run ends, then node failures, repairs, arrivals), then one pass runs; a pass that preempted is followed by
/// up to <see cref="SimulationOptions.MaxExtraPassesPerInstant"/> more.
/// </para>
/// <para>
/// A run of a job with true duration d lasts <c>d − progress + restart cost</c>, where progress is the checkpointed
/// work of earlier runs (<see cref="SchedulingEngine"/> accounts it on preemption and failure). Runtime estimates for
/// SJF, SRTF and backfill come from <see cref="SimulationOptions.RuntimeEstimates"/>. Deterministic for a seed:
/// events at one instant are ordered by kind, then by the order they were scheduled; the engine breaks ties by
/// submission order. The design follows the trace-driven simulators of Tiresias (Gu et al., NSDI 2019), Helios
/// (Hu et al., SC 2021) and Pollux (Qiao et al., OSDI 2021).
/// </para>
/// <para>Thread-safety: a simulator keeps no state between runs; concurrent <see cref="Run"/> calls are safe.</para>
/// </remarks>
public sealed class Simulator
{
    /// <summary>The size of the event queue below which a run never compacts it (see <see cref="EventCompactionFloor"/>).</summary>
    private const int DefaultEventCompactionFloor = 4096;

    [ThreadStatic]
    private static int s_eventCompactionFloor;

    [ThreadStatic]
    private static Action<int, int>? s_eventsCompacted;

    /// <summary>Creates a simulator.</summary>
    /// <param name="cluster">The simulated cluster.</param>
    /// <param name="policy">The policy, e.g. <see cref="SchedulingPolicy.Create(string, bool, bool)"/>.</param>
    /// <param name="options">The settings; <see langword="null"/> uses the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="cluster"/> or <paramref name="policy"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An injected node failure names no node or has a negative or NaN time.</exception>
    public Simulator(Cluster cluster, SchedulingPolicy policy, SimulationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(policy);
        Cluster = cluster;
        Policy = policy;
        Options = options ?? new SimulationOptions();
        foreach (var f in Options.NodeFailures)
        {
            if (f.Node < 0 || f.Node >= cluster.Nodes.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(options), f.Node, $"A node failure names node {f.Node}; the cluster has nodes 0..{cluster.Nodes.Count - 1}.");
            }

            if (!(f.AtSeconds >= 0) || !(f.RepairSeconds >= 0) || double.IsPositiveInfinity(f.AtSeconds))
            {
                throw new ArgumentOutOfRangeException(nameof(options), f.AtSeconds, "A node failure needs a finite time ≥ 0 and a repair time ≥ 0.");
            }
        }
    }

    /// <summary>Gets the simulated cluster.</summary>
    public Cluster Cluster { get; }

    /// <summary>Gets or sets, on this thread, the size of the event queue below which the runs started from now on never
    /// compact it (a test hook; 0, the default, means 4,096).</summary>
    internal static int EventCompactionFloor
    {
        get => s_eventCompactionFloor > 0 ? s_eventCompactionFloor : DefaultEventCompactionFloor;
        set => s_eventCompactionFloor = value;
    }

    /// <summary>Gets or sets, on this thread, what is told the queue's size before and after each compaction of a run
    /// started from now on (a test hook).</summary>
    internal static Action<int, int>? EventsCompacted
    {
        get => s_eventsCompacted;
        set => s_eventsCompacted = value;
    }

    /// <summary>Gets the policy.</summary>
    public SchedulingPolicy Policy { get; }

    /// <summary>Gets the settings.</summary>
    public SimulationOptions Options { get; }

    /// <summary>Replays a trace.</summary>
    /// <param name="trace">The workload.</param>
    /// <param name="progress">Receives the fraction of jobs submitted so far, in [0, 1].</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The schedule's metrics, run segments and samples.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trace"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public SimulationResult Run(Trace trace, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return new SimulationRun(this, trace, progress, cancellationToken).Execute();
    }

    private enum EventKind
    {
        RunEnd = 0,
        RunFail = 1,
        NodeFail = 2,
        NodeRecover = 3,
        Wake = 4,
    }

    /// <summary>An event; <see cref="Job"/> is the job's index in the trace (its submission sequence).</summary>
    private readonly record struct SimEvent(EventKind Kind, int Job, int Attempt, int Node);

    /// <summary>A job's current run, kept in its <see cref="JobSlot"/> (no object per run); the default value, with no
    /// placement, means that the job does not run.</summary>
    private readonly struct OpenRun(int attempt, double start, Placement placement, int gpus, double restart, int type)
    {
        /// <summary>The placement (<see langword="null"/>: no run); its text is made only for a segment that is kept.</summary>
        public Placement? Placement { get; } = placement;

        public double Start { get; } = start;

        public double Restart { get; } = restart;

        public int Attempt { get; } = attempt;

        public int Gpus { get; } = gpus;

        public int Type { get; } = type;

        /// <summary>Gets whether this is a run (not the default value).</summary>
        public bool IsOpen => Placement is not null;
    }

    /// <summary>
    /// What a run keeps per trace job, side by side, so that a job's run end, launch or preemption touches one or two cache
    /// lines of one array rather than a line in each of nine arrays as long as the trace (at a million jobs each is 4–8 MB,
    /// far beyond the caches, and the jobs that end at one instant are spread over the trace).
    /// </summary>
    private struct JobSlot
    {
        /// <summary>The engine's job, from submission until the run lets go of it (see <see cref="SimulationRun"/>'s
        /// <c>Release</c>).</summary>
        public Job? Job;

        /// <summary>The job's current run; the default value (not <see cref="OpenRun.IsOpen"/>) while it does not run.</summary>
        public OpenRun Open;

        /// <summary>When the job completed (seconds), NaN until then.</summary>
        public double Completed;

        /// <summary>When the job first started (seconds), NaN until then.</summary>
        public double FirstStart;

        /// <summary>The lost GPU-seconds of a job the run has let go of.</summary>
        public double LostOfReleased;

        /// <summary>The injected failures of the job so far.</summary>
        public int Failures;

        /// <summary>The terminal state of a job the run has let go of; 0 while it holds the job.</summary>
        public JobState ReleasedState;

        /// <summary>1 + the job's tenant's slot in the run's GPU-seconds by tenant (0: not looked up yet), so that a
        /// segment's GPU-seconds go to its tenant without hashing the tenant's name at every run's end.</summary>
        public int TenantSlot;

        /// <summary>How many samples there were when the job completed: the last sample at or before its completion is the
        /// next one (taken at the end of that instant) if it is at that time, else the one before (see
        /// <c>FinishTimeFairness</c>).</summary>
        public int SamplesAtCompletion;
    }

    /// <summary>One run of a trace. Jobs are addressed by their index in the trace, which is also their submission
    /// sequence in the engine (the simulator is the engine's only submitter), so the run keeps arrays, not maps by id.</summary>
    private sealed class SimulationRun
    {
        private const double WakeSlackSeconds = 1e-3;
        private readonly Simulator _owner;
        private readonly Trace _trace;
        private readonly IProgress<double>? _progress;
        private readonly CancellationToken _cancellationToken;
        private readonly SimulationOptions _options;
        private readonly SchedulingEngine _engine;
        /// <summary>The events by (time, kind, the order they were scheduled in): the order is
        /// <c>kind · 2⁵⁶ + sequence</c>.</summary>
        private readonly EventHeap<SimEvent> _events = new();
        private readonly int _compactionFloor = EventCompactionFloor;
        private readonly Action<int, int>? _compacted = EventsCompacted;
        private int _compactAt;

        /// <summary>What the run keeps per trace job, one entry per job (see <see cref="JobSlot"/>).</summary>
        private readonly JobSlot[] _slots;

        /// <summary>Whether ended jobs are dropped (engine and run), so that memory follows the jobs in the system,
        /// not the trace: only without dependencies, which the engine looks up by id.</summary>
        private readonly bool _releaseEnded;
        private TimeSpan[]? _noisyEstimates;
        private readonly List<JobRunSegment> _segments = [];
        private readonly ChunkedList<ClusterSample> _samples = new();
        private readonly SegmentTotals _totals = new();
        private readonly Dictionary<string, int> _tenantSlots = new(StringComparer.Ordinal);
        private readonly List<(string Tenant, double GpuSeconds)> _gpuSecondsByTenant = [];

        private readonly double[] _gpuSecondsByType;
        private readonly Random _random;
        // The ordering's service queues (LAS): the thresholds and starvation factor, read once (null: no wake-ups).
        private readonly double[]? _lasThresholds;
        private readonly double _lasStarvation;
        private readonly bool _normalized;
        private int _openCount;
        private long _sequence;
        private long _passes;
        private double _restartGpuSeconds;
        private int _resizes;

        public SimulationRun(Simulator owner, Trace trace, IProgress<double>? progress, CancellationToken cancellationToken)
        {
            _owner = owner;
            _trace = trace;
            _progress = progress;
            _cancellationToken = cancellationToken;
            _options = owner.Options;
            _random = new Random(_options.Seed);
            if (owner.Policy.Ordering is IServiceQueues queues)
            {
                _lasThresholds = [.. queues.ThresholdsGpuSeconds];
                _lasStarvation = queues.StarvationFactor;
            }
            _normalized = owner.Policy.CountsNormalizedService;
            _engine = new SchedulingEngine(owner.Cluster, owner.Policy, _options.Tenants, _options.Epoch, _options.FairShareHalfLife);
            var n = trace.Jobs.Count;
            _slots = new JobSlot[n];
            _releaseEnded = !trace.Jobs.Any(static j => j.Spec.Dependencies.Count > 0);
            Array.Fill(_slots, new JobSlot { Completed = double.NaN, FirstStart = double.NaN });
            _gpuSecondsByType = new double[owner.Cluster.GpuTypes.Count];
            _compactAt = _compactionFloor;
        }

        public SimulationResult Execute()
        {
            DrawEstimates();
            foreach (var f in _options.NodeFailures)
            {
                Push(f.AtSeconds, new SimEvent(EventKind.NodeFail, -1, 0, f.Node));
                if (double.IsFinite(f.RepairSeconds))
                {
                    Push(f.AtSeconds + f.RepairSeconds, new SimEvent(EventKind.NodeRecover, -1, 0, f.Node));
                }
            }

            var jobs = _trace.Jobs;
            var next = 0;
            var until = _options.UntilSeconds ?? double.PositiveInfinity;
            var lastReported = -1;
            var batch = new List<JobSpec>();
            var now = 0.0;
            long instants = 0;
            while (true)
            {
                var hasEvent = _events.TryPeek(out _, out var eventTime);
                var t = Math.Min(hasEvent ? eventTime : double.PositiveInfinity, next < jobs.Count ? jobs[next].SubmitSeconds : double.PositiveInfinity);
                if (double.IsPositiveInfinity(t) || t > until)
                {
                    break;
                }

                if ((++instants & 1023) == 0)
                {
                    _cancellationToken.ThrowIfCancellationRequested();
                }

                now = t;
                var at = At(t);
                var needPass = false;
                while (_events.TryPeek(out var e, out var et) && et <= t)
                {
                    _events.Dequeue();
                    needPass |= Handle(e, t, at);
                }

                batch.Clear();
                var first = next;
                while (next < jobs.Count && jobs[next].SubmitSeconds <= t)
                {
                    batch.Add(SpecOf(next));
                    next++;
                }

                if (batch.Count > 0)
                {
                    var submitted = _engine.Submit(batch, at);
                    for (var i = 0; i < submitted.Count; i++)
                    {
                        _slots[first + i].Job = submitted[i];
                    }

                    needPass = true;
                    var percent = (int)(100L * next / jobs.Count);
                    if (_progress is not null && percent != lastReported)
                    {
                        lastReported = percent;
                        _progress.Report((double)next / jobs.Count);
                    }
                }

                if (needPass)
                {
                    for (var pass = 0; pass <= _options.MaxExtraPassesPerInstant; pass++)
                    {
                        var plan = _engine.RunPass(at);
                        _passes++;
                        Apply(plan, t);
                        if (plan.Preemptions.Count == 0)
                        {
                            break;
                        }
                    }
                }

                Sample(t);
            }

            var stop = double.IsPositiveInfinity(until) ? now : Math.Max(now, until);
            _progress?.Report(1);
            return Finish(stop);
        }

        /// <summary>Draws the noisy estimates of every job up front, in trace order, before any other draw of the run's
        /// generator (the order the draws have always had, so a seed gives the same run).</summary>
        private void DrawEstimates()
        {
            if (_options.RuntimeEstimates != RuntimeEstimateMode.Noisy)
            {
                return;
            }

            var jobs = _trace.Jobs;
            _noisyEstimates = new TimeSpan[jobs.Count];
            for (var i = 0; i < jobs.Count; i++)
            {
                // Capped at 100 × TraceReader.MaxSeconds: a large σ must not overflow TimeSpan (about 9.2e11 s).
                _noisyEstimates[i] = TimeSpan.FromSeconds(Math.Min(jobs[i].DurationSeconds * Math.Exp(_options.EstimateErrorSigma * StandardNormal()), 100 * TraceReader.MaxSeconds));
            }
        }

        /// <summary>The spec the engine gets for a trace job, made when the job is submitted (not for the whole trace up
        /// front: at a million jobs the copies are a large part of the run's memory).</summary>
        private JobSpec SpecOf(int index)
        {
            var job = _trace.Jobs[index];
            TimeSpan? estimate = _options.RuntimeEstimates switch
            {
                RuntimeEstimateMode.Perfect => TimeSpan.FromSeconds(job.DurationSeconds),
                RuntimeEstimateMode.Noisy => _noisyEstimates![index],
                _ => null,
            };
            return job.Spec with
            {
                RuntimeEstimate = estimate,
                CheckpointInterval = _options.CheckpointInterval,
                RestartCost = _options.RestartCost,
            };
        }

        /// <summary>Lets go of an ended job (see <see cref="_releaseEnded"/>), keeping what <see cref="Finish"/> reads.</summary>
        private void Release(int index)
        {
            ref var slot = ref _slots[index];
            if (!_releaseEnded || slot.Job is not { } job || job.State is not (JobState.Completed or JobState.Failed))
            {
                return;
            }

            slot.LostOfReleased = job.LostGpuSeconds;
            slot.ReleasedState = job.State;
            _engine.Forget(job);
            slot.Job = null;
        }

        private double StandardNormal()
        {
            // Box-Muller on the run's seeded generator (1 − U keeps the logarithm finite).
            var u1 = 1.0 - _random.NextDouble();
            var u2 = _random.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }

        private DateTimeOffset At(double seconds) => _options.Epoch.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));

        private void Push(double time, SimEvent e)
        {
            // A sequence stays far below 2⁵⁶ (a 1,000,000-job run schedules about 10⁷ events).
            _events.Enqueue(e, time, ((long)e.Kind << 56) | _sequence++);
            if (_events.Count >= _compactAt)
            {
                CompactEvents();
            }
        }

        /// <summary>
        /// Drops the queued events that can do nothing any more (<see cref="IsSpent"/>): a preempted run leaves its end
        /// behind, and under preemption these pile up (a million-job SRTF run kept some 850,000 in the queue on average,
        /// almost all spent; LAS 585,000, and its run took 27 s with compaction against 34–36 s without). Events have
        /// distinct keys (time, kind, sequence), so the
        /// order in which the rest come out is unchanged; a spent event, had it come out, would have changed nothing (no
        /// pass, no sample). The next compaction waits until the queue has doubled, so each costs O(1) per push.
        /// </summary>
        private void CompactEvents()
        {
            var before = _events.Count;
            _events.RemoveWhere(IsSpent);
            _compactAt = Math.Max(_compactionFloor, 2 * _events.Count);
            _compacted?.Invoke(before, _events.Count);
        }

        /// <summary>Whether <see cref="Handle"/> would do nothing with <paramref name="e"/>, now and at any later time: the
        /// run it belongs to has ended (attempts only grow), or its job has ended.</summary>
        private bool IsSpent(SimEvent e) => e.Kind switch
        {
            EventKind.RunEnd or EventKind.RunFail => !IsCurrent(e),
            EventKind.Wake => _slots[e.Job].Job is not { } job || job.State is JobState.Completed or JobState.Failed or JobState.Cancelled
                || (e.Attempt > 0 && (job.Attempts != e.Attempt || job.State != JobState.Running)),
            _ => false,
        };

        private bool Handle(SimEvent e, double t, DateTimeOffset at)
        {
            switch (e.Kind)
            {
                case EventKind.RunEnd:
                    if (IsCurrent(e) && _engine.Finish(_slots[e.Job].Job!, e.Attempt, succeeded: true, at, null))
                    {
                        var run = Close(e.Job, t, RunOutcome.Completed);
                        _restartGpuSeconds += run.Gpus * run.Restart;
                        ref var done = ref _slots[e.Job];
                        done.Completed = t;
                        done.SamplesAtCompletion = _samples.Count;
                        Release(e.Job);
                        return true;
                    }

                    return false;
                case EventKind.RunFail:
                    if (!IsCurrent(e))
                    {
                        return false;
                    }

                    var failures = ++_slots[e.Job].Failures;
                    var job = _slots[e.Job].Job!;
                    var changed = failures <= _options.MaxRetries
                        ? _engine.Requeue(job.Spec.Id, e.Attempt, at, "run failed (injected); retrying")
                        : _engine.Finish(job, e.Attempt, succeeded: false, at, "run failed (injected) after " + _options.MaxRetries + " retries");
                    if (changed)
                    {
                        Close(e.Job, t, RunOutcome.Failed);
                        ScheduleStarvationWake(e.Job, t);
                        Release(e.Job);
                    }

                    return changed;
                case EventKind.NodeFail:
                    var lost = _engine.FailNode(e.Node, at);
                    foreach (var launch in lost)
                    {
                        var index = IndexOf(launch);
                        Close(index, t, RunOutcome.Failed);
                        ScheduleStarvationWake(index, t);
                    }

                    return true;
                case EventKind.NodeRecover:
                    _engine.RecoverNode(e.Node, at);
                    return true;
                default:
                    // A LAS queue change: only worth a pass while the job is still in the state it was scheduled for.
                    // A job the run let go of has ended: no pass.
                    if (_slots[e.Job].Job is not { } woken)
                    {
                        return false;
                    }

                    return e.Attempt > 0 ? woken.State == JobState.Running && woken.Attempts == e.Attempt : woken.State == JobState.Pending;
            }
        }

        /// <summary>The trace index of a launch's job (its submission sequence).</summary>
        private static int IndexOf(JobLaunch launch) => (int)launch.Job!.Sequence;

        private bool IsCurrent(SimEvent e)
        {
            ref readonly var run = ref _slots[e.Job].Open;
            return run.IsOpen && run.Attempt == e.Attempt;
        }

        private OpenRun Close(int index, double t, RunOutcome outcome)
        {
            ref var slot = ref _slots[index];
            var run = slot.Open;
            slot.Open = default;
            _openCount--;
            var end = Math.Max(run.Start, t);
            if (_options.KeepRunSegments)
            {
                _segments.Add(new JobRunSegment(_trace.Jobs[index].Id, run.Placement!.ToString(), run.Gpus, run.Start, end, outcome));
            }

            Record(index, run.Gpus, run.Start, end, outcome, run.Type);
            return run;
        }

        /// <summary>Adds a segment to the totals in segment order (finished ones in the order they ended, then open ones).</summary>
        private void Record(int index, int gpus, double start, double end, RunOutcome outcome, int type)
        {
            var used = gpus * (end - start);
            ref var jobSlot = ref _slots[index];
            _totals.Add(gpus, start, end, outcome, ref jobSlot.FirstStart);
            var slot = jobSlot.TenantSlot - 1;
            if (slot < 0)
            {
                var tenant = _trace.Jobs[index].Spec.Tenant;
                if (!_tenantSlots.TryGetValue(tenant, out slot))
                {
                    slot = _gpuSecondsByTenant.Count;
                    _tenantSlots.Add(tenant, slot);
                    _gpuSecondsByTenant.Add((tenant, 0));
                }

                jobSlot.TenantSlot = slot + 1;
            }

            var (name, sum) = _gpuSecondsByTenant[slot];
            _gpuSecondsByTenant[slot] = (name, sum + used);
            _gpuSecondsByType[type] += used;
        }

        private void Apply(SchedulingPlan plan, double t)
        {
            // Indexed loops: the plan's lists are IReadOnlyList, whose foreach would box an enumerator per list per pass.
            var preemptions = plan.Preemptions;
            for (var i = 0; i < preemptions.Count; i++)
            {
                var index = (int)preemptions[i].Job!.Sequence;
                Close(index, t, RunOutcome.Preempted);
                ScheduleStarvationWake(index, t);
            }

            var resizes = plan.Resizes;
            for (var i = 0; i < resizes.Count; i++)
            {
                _resizes++;
                var closed = Close(IndexOf(resizes[i].Launch), t, RunOutcome.Resized);
                _restartGpuSeconds += closed.Gpus * Math.Min(closed.Restart, t - closed.Start);
            }

            for (var i = 0; i < resizes.Count; i++)
            {
                Launch(resizes[i].Launch, t);
            }

            var starts = plan.Starts;
            for (var i = 0; i < starts.Count; i++)
            {
                Launch(starts[i], t);
            }
        }

        private void Launch(JobLaunch s, double t)
        {
            var index = IndexOf(s);
            var gpus = s.Gpus;
            var type = _owner.Cluster.TypeOf[s.Placement.Nodes[0].NodeIndex];
            _slots[index].Open = new OpenRun(s.Attempt, t, s.Placement, gpus, s.RestartCostSeconds, type);
            _openCount++;
            var work = Math.Max(0, _trace.Jobs[index].DurationSeconds - s.ProgressSeconds);
            var length = (s.Speed == 1 ? work : work / s.Speed) + s.RestartCostSeconds;
            if (_options.JobFailureProbability > 0 && _random.NextDouble() < _options.JobFailureProbability)
            {
                Push(t + (_random.NextDouble() * length), new SimEvent(EventKind.RunFail, index, s.Attempt, 0));
            }
            else
            {
                Push(t + length, new SimEvent(EventKind.RunEnd, index, s.Attempt, 0));
            }

            if (_lasThresholds is { } thresholds)
            {
                var job = _slots[index].Job!;
                var attained = _normalized ? job.AttainedNormalizedGpuSecondsBeforeRun : job.AttainedGpuSecondsBeforeRun;
                var rate = _normalized ? gpus * s.Speed : gpus;
                for (var i = 0; i < thresholds.Length; i++)
                {
                    var threshold = thresholds[i];
                    var crossAt = t + ((threshold - attained) / rate) + WakeSlackSeconds;
                    if (threshold > attained && crossAt < t + length)
                    {
                        Push(crossAt, new SimEvent(EventKind.Wake, index, s.Attempt, 0));
                    }
                }
            }
        }

        private void ScheduleStarvationWake(int index, double t)
        {
            if (_lasThresholds is not { Length: > 0 } thresholds || _lasStarvation <= 0)
            {
                return;
            }

            var job = _slots[index].Job!;
            var attained = job.AttainedGpuSecondsBeforeRun;
            if (job.State != JobState.Pending || attained < thresholds[0])
            {
                return;
            }

            Push(t + (_lasStarvation * attained / job.Spec.Gpus) + WakeSlackSeconds, new SimEvent(EventKind.Wake, index, 0, 0));
        }

        private void Sample(double t)
        {
            var busy = _engine.AllocatedGpus;
            var queued = _engine.PendingCount;
            var running = _engine.Running.Count;
            if (_samples.Count > 0)
            {
                var last = _samples.Last;
                if (last.BusyGpus == busy && last.QueuedJobs == queued && last.RunningJobs == running)
                {
                    return;
                }

                if (last.Seconds == t)
                {
                    _samples.Last = new ClusterSample(t, busy, queued) { RunningJobs = running };
                    return;
                }
            }

            _samples.Add(new ClusterSample(t, busy, queued) { RunningJobs = running });
        }

        /// <summary>Per GPU type: GPU-seconds of the segments on it over its GPUs × the makespan.</summary>
        private Dictionary<string, double> UtilizationByType(double makespan)
        {
            var cluster = _owner.Cluster;
            var result = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var t = 0; t < _gpuSecondsByType.Length; t++)
            {
                result[cluster.GpuTypes[t]] = makespan <= 0 ? 0 : Math.Min(1, _gpuSecondsByType[t] / (cluster.GpusOfType[t] * makespan));
            }

            return result;
        }

        /// <summary>Finish-time fairness ρ = JCT / T_isolated of every completed job (see <see cref="SimulationMetrics.FinishTimeFairnessMean"/>).</summary>
        private (double Mean, double Max) FinishTimeFairness(IReadOnlyList<JobOutcomeRecord> records)
        {
            // Prefix integral of the jobs in the system (waiting or running) over the samples, which hold from their time on.
            // (The samples' own times are read where needed: a copy would be another array as long as the samples, fresh
            // memory at the end of a long run.)
            var samples = _samples;
            var area = new double[samples.Count];
            for (var i = 1; i < samples.Count; i++)
            {
                area[i] = area[i - 1] + ((samples[i - 1].QueuedJobs + samples[i - 1].RunningJobs) * (samples[i].Seconds - samples[i - 1].Seconds));
            }

            // A completion's sample without a search: samples before it are from earlier instants, the next one is taken at
            // the end of its instant (time = done) or later.
            double IntegralAtCompletion(int job, double done)
            {
                var next = _slots[job].SamplesAtCompletion;
                return At(next < samples.Count && samples[next].Seconds <= done ? next : next - 1, done);
            }

            // The integral up to t from the last sample at or before it (a sample at t adds nothing: t − its time is 0).
            double At(int i, double t) => i < 0 ? 0 : area[i] + ((samples[i].QueuedJobs + samples[i].RunningJobs) * (t - samples[i].Seconds));

            // Submissions come in trace order, which is by time: their samples are found by a pointer that only moves on.
            var cursor = -1;
            double IntegralFromSubmit(double t)
            {
                while (cursor + 1 < samples.Count && samples[cursor + 1].Seconds <= t)
                {
                    cursor++;
                }

                return At(cursor, t);
            }

            var cluster = _owner.Cluster;
            var matrix = _owner.Policy.Throughputs;
            double sum = 0;
            double max = 0;
            var count = 0;
            for (var j = 0; j < records.Count; j++)
            {
                var record = records[j];
                if (record.CompletedSeconds is not { } done)
                {
                    continue;
                }

                var jct = done - record.SubmitSeconds;
                var inSystem = jct > 0 ? (IntegralAtCompletion(j, done) - IntegralFromSubmit(record.SubmitSeconds)) / jct : 1;
                var n = Math.Max(1, inSystem);
                var spec = _trace.Jobs[j].Spec;
                var rate = SimulationStatistics.IsolatedRate(cluster, matrix, spec.JobClass, spec.Gpus, n);
                var isolated = rate > 0 ? _trace.Jobs[j].DurationSeconds / rate : 0;
                var rho = isolated > 0 ? jct / isolated : 1;
                sum += rho;
                max = Math.Max(max, rho);
                count++;
            }

            return count == 0 ? (0, 0) : (sum / count, max);
        }

        private SimulationResult Finish(double stop)
        {
            var jobs = _trace.Jobs;
            var open = new List<JobRunSegment>(_openCount);
            for (var i = 0; i < jobs.Count; i++)
            {
                if (_slots[i].Open is { IsOpen: true } run)
                {
                    var segment = new JobRunSegment(jobs[i].Id, run.Placement!.ToString(), run.Gpus, run.Start, Math.Max(run.Start, stop), RunOutcome.Cancelled);
                    open.Add(segment);
                    Record(i, segment.Gpus, segment.StartSeconds, segment.EndSeconds, segment.Outcome, run.Type);
                }
            }

            var records = new JobOutcomeRecord[jobs.Count];
            var completed = new double[jobs.Count];
            var firstStart = new double[jobs.Count];
            var submit = new double[jobs.Count];
            var durations = new double[jobs.Count];
            var unfinished = new List<string>();
            var rejected = 0;
            var failed = 0;
            double lostGpuSeconds = 0;
            for (var i = 0; i < jobs.Count; i++)
            {
                var job = jobs[i];
                ref var slot = ref _slots[i];
                var done = slot.Completed;
                completed[i] = done;
                firstStart[i] = slot.FirstStart;
                records[i] = new JobOutcomeRecord(job.Id, job.Spec.Tenant, job.Spec.Gpus, job.SubmitSeconds, double.IsNaN(done) ? null : done);
                submit[i] = job.SubmitSeconds;
                durations[i] = job.DurationSeconds;
                JobState state;
                if (slot.Job is { } held)
                {
                    lostGpuSeconds += held.LostGpuSeconds;
                    state = held.State;
                }
                else if (slot.ReleasedState != default)
                {
                    lostGpuSeconds += slot.LostOfReleased;
                    state = slot.ReleasedState;
                }
                else
                {
                    unfinished.Add(job.Id);
                    continue;
                }

                switch (state)
                {
                    case JobState.Pending:
                    case JobState.Running:
                        unfinished.Add(job.Id);
                        break;
                    case JobState.Rejected:
                        rejected++;
                        break;
                    case JobState.Failed:
                        failed++;
                        break;
                }
            }

            var clusterGpus = _owner.Cluster.TotalGpus;
            var metrics = ScheduleMetrics.FromIndexed(submit, completed, firstStart, _totals, clusterGpus);
            var (ftfMean, ftfMax) = FinishTimeFairness(records);
            var details = SimulationStatistics.FromIndexed(_trace.OfferedLoad(clusterGpus), records, durations, firstStart, _gpuSecondsByTenant.ToDictionary(e => e.Tenant, e => e.GpuSeconds, StringComparer.Ordinal), _totals.GpuSeconds) with
            {
                Rejected = rejected,
                Failed = failed,
                Unfinished = unfinished.Count,
                LostGpuHours = lostGpuSeconds / 3600,
                RestartGpuHours = _restartGpuSeconds / 3600,
                Passes = _passes,
                FinishTimeFairnessMean = ftfMean,
                FinishTimeFairnessMax = ftfMax,
                UtilizationByGpuType = UtilizationByType(metrics.MakespanSeconds),
                Resizes = _resizes,
            };
            return new SimulationResult(_owner.Policy.Name, metrics, details, records, _segments, open, unfinished, _samples);
        }
    }
}

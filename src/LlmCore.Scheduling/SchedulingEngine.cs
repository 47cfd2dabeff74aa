using System.Globalization;
using LlmCore.Scheduling.Internal;
using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling;

/// <summary>
/// The deterministic, time-agnostic core of the scheduler: it holds the cluster and job state, and a scheduling
/// pass (<see cref="Plan"/>) computes — without changing anything — which jobs start where, which are preempted,
/// which expire and the head job's backfill reservation, for a time the caller gives. <see cref="Apply"/> commits a
/// plan. Every other method takes the current time explicitly, so a simulator drives it with simulated time.
/// </summary>
/// <remarks>
/// Not thread-safe: one thread at a time (<see cref="JobScheduler"/> is the thread-safe online wrapper).
/// Ties are broken by submission order, so the same calls produce the same decisions. When the ordering gives keys that
/// hold while jobs wait (<see cref="IJobOrdering.TryComputeQueueKey"/>: FIFO, priority, SJF, SRTF, LAS), the queue is
/// kept sorted between passes and a pass reads it from the front, stopping once nothing more can start, so a pass costs
/// what it decides rather than the length of the queue.
/// EASY backfill: Lifka, "The ANL/IBM SP scheduling system", JSSPP 1995; Mu'alem and Feitelson, IEEE TPDS 2001.
/// </remarks>
public sealed class SchedulingEngine
{
    private readonly Cluster _cluster;
    private readonly SchedulingPolicy _policy;
    private readonly CapacityLedger _capacity;
    private readonly TenantLedger _ledger;
    private readonly CapacityLedger _empty;
    private readonly ReasonBoard _board = new();
    private readonly Dictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    // The pending jobs in submission order, kept only while the ordering gives no stable queue keys (_queue is null):
    // with keys, _queue holds exactly the pending jobs and a second sorted set would double every enqueue and start.
    private SortedSet<Job>? _pending;

    // The same jobs by group, in submission order, under an ordering with monotone groups (see PendingGroups).
    private readonly PendingGroups? _groups;
    private readonly SortedSet<Job> _conditional = new(BySequence.Instance);
    private readonly List<Job> _running = [];

    // Pending jobs by the end of their queue key's validity, in UTC ticks (cheaper to compare than DateTimeOffset).
    private readonly PriorityQueue<Job, long> _keyExpiry = new();

    /// <summary><see cref="CompactKeyExpiry"/>'s scratch list, kept between compactions (each would otherwise allocate a
    /// large-object array; 36 MB in a 1,000,000-job LAS run).</summary>
    private readonly List<(Job, long)> _liveExpiries = [];
    private readonly int _keyExpiryCompactionFloor = KeyExpiryCompactionFloor;
    private readonly Action<int, int>? _keyExpiryCompacted = s_keyExpiryCompacted;
    private int _keyExpiryCompactAt = KeyExpiryCompactionFloor;

    // True while RunPass applies a plan whose capacity changes the ledger already holds (Launch and Release skip theirs).
    private bool _capacityKept;

    /// <summary>The size of the key-expiry heap below which it is never compacted (see <see cref="KeyExpiryCompactionFloor"/>).</summary>
    private const int DefaultKeyExpiryCompactionFloor = 4096;

    [ThreadStatic]
    private static int s_keyExpiryCompactionFloor;

    [ThreadStatic]
    private static Action<int, int>? s_keyExpiryCompacted;
    private readonly Dictionary<(int, int, ulong), int[]?> _typeCandidates = [];
    private readonly Dictionary<(int, TopologyLevel, ulong, double, double, TopologyRequest?), bool> _feasible = [];
    private readonly int[] _matrixColumn;
    // The running preemptible jobs per priority, ascending by priority (a few distinct priorities: a short sorted list,
    // cheaper to keep at every start and stop than a tree).
    private readonly List<(int Priority, int Count)> _preemptibleByPriority = [];
    private int _lowestPreemptiblePriority = int.MaxValue;
    private readonly SortedSet<Job> _runningElastic = new(BySequence.Instance);
    private readonly IAnchoredRunningKey? _anchored;
    private readonly SortedJobs? _preemptibleByAnchor;
    private readonly bool _victimIndexAllowed;
    private VictimIndex? _victimIndex;
    private PassPlanner? _planner;
    private SortedJobs? _queue = SortedJobs.ByQueueKey();
    private long _sequence;
    private long _version;

    /// <summary>Creates an engine.</summary>
    /// <param name="cluster">The cluster.</param>
    /// <param name="policy">The policy.</param>
    /// <param name="tenants">Tenant quotas; empty means any tenant, no quotas.</param>
    /// <param name="start">The time the engine starts at (the origin of usage accounting).</param>
    /// <param name="fairShareHalfLife">The half-life of usage decay for fair share (Slurm PriorityDecayHalfLife); zero disables decay.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fairShareHalfLife"/> is negative.</exception>
    /// <exception cref="ArgumentException">A tenant is configured twice, a cohort mixes quotas with and without flavours, or a
    /// quota with flavours also has a tenant-wide borrowing or lending limit (limits are per flavour then).</exception>
    public SchedulingEngine(Cluster cluster, SchedulingPolicy policy, IEnumerable<TenantQuota>? tenants = null, DateTimeOffset start = default, TimeSpan? fairShareHalfLife = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(policy);
        var halfLife = Guard.NonNegative(fairShareHalfLife ?? TimeSpan.FromDays(7), nameof(fairShareHalfLife));
        _cluster = cluster;
        _policy = policy;
        _capacity = new CapacityLedger(cluster);
        _empty = new CapacityLedger(cluster);
        var quotas = (tenants ?? []).ToArray();
        foreach (var q in quotas)
        {
            if (q is not null && q.Flavors.Count > 0 && (q.BorrowingLimitGpus is not null || q.LendingLimitGpus is not null))
            {
                // Kueue has borrowing and lending limits per flavour only; a tenant-wide one would silently be ignored.
                throw new ArgumentException($"Tenant '{q.Name}' has flavours and a tenant-wide borrowing or lending limit; with flavours, set BorrowingLimitGpus and LendingLimitGpus on each FlavorQuota.", nameof(tenants));
            }
        }

        foreach (var cohort in quotas.GroupBy(q => q.Cohort, StringComparer.Ordinal))
        {
            if (cohort.Any(q => q.Flavors.Count > 0) && cohort.Any(q => q.Flavors.Count == 0))
            {
                throw new ArgumentException($"Cohort '{cohort.Key}' mixes quotas with and without flavours; give every tenant of a cohort per-type quotas, or none.", nameof(tenants));
            }
        }

        _ledger = new TenantLedger(quotas, _capacity, halfLife.TotalSeconds) { UsageUpdatedAt = start };
        _anchored = policy.Ordering as IAnchoredRunningKey;
        _groups = policy.Ordering is IGroupedKeys { HasMonotoneGroups: true } grouped ? new PendingGroups(grouped) : null;
        _preemptibleByAnchor = _anchored is null ? null : SortedJobs.ByRunningKeyAnchor();
        _victimIndexAllowed = policy is { PreemptionEnabled: true, Ordering.IsPreemptive: true, Preemption: ILostWorkVictimCost }
            && policy.Ordering is IServiceRunningKey and IBoundedKey;
        if (PassPlanner.OpenIndexAtOnce)
        {
            VictimIndexOpensAt = 0;
            VictimIndexClosesAt = -1;
        }
        _matrixColumn = new int[cluster.GpuTypes.Count];
        for (var t = 0; t < _matrixColumn.Length; t++)
        {
            _matrixColumn[t] = policy.Throughputs?.TypeIndex(cluster.GpuTypes[t]) ?? -1;
        }
    }

    /// <summary>Gets the cluster.</summary>
    public Cluster Cluster => _cluster;

    /// <summary>Gets the policy.</summary>
    public SchedulingPolicy Policy => _policy;

    /// <summary>Gets every job ever submitted, by id.</summary>
    public IReadOnlyDictionary<string, Job> Jobs => _jobs;

    /// <summary>Gets a snapshot of the pending jobs in submission order (a new list on every call; O(pending)).</summary>
    public IReadOnlyList<Job> Pending => _queue is null ? [.. _pending!] : [.. _queue.Order(BySequence.Instance)];

    /// <summary>Gets the number of pending jobs.</summary>
    public int PendingCount => _queue?.Count ?? _pending!.Count;

    /// <summary>Gets the running jobs, in no particular order.</summary>
    public IReadOnlyList<Job> Running => _running;

    /// <summary>Gets the GPUs allocated to running jobs.</summary>
    public int AllocatedGpus => _capacity.AllocatedGpus;

    internal long Version => _version;

    /// <summary>The running preemptible jobs by <see cref="Job.RunningKeyAnchor"/> (ascending), when the ordering has
    /// anchored running keys (<see cref="IAnchoredRunningKey"/>); otherwise <see langword="null"/>.</summary>
    internal SortedJobs? PreemptibleByAnchor => _preemptibleByAnchor;

    /// <summary>The running preemptible jobs in victim-order groups, under an ordering whose running keys are queues of
    /// attained service (LAS) with the built-in least-lost-work victim cost and preemption on, while more than <see cref="VictimIndexOpensAt"/> jobs run (until
    /// fewer than <see cref="VictimIndexClosesAt"/> do); otherwise <see langword="null"/>.</summary>
    internal VictimIndex? VictimIndex => _victimIndex;

    /// <summary>Gets whether this engine's policy lets it keep a <see cref="VictimIndex"/>: an ordering whose running keys
    /// are queues of attained service (LAS; the planner reads the index queue by queue), the built-in least-lost-work
    /// victim cost, preemption on. SRTF reads its victims from the anchor order instead.</summary>
    internal bool VictimIndexAllowed => _victimIndexAllowed;

    /// <summary>
    /// Gets or sets the running-job count above which a pass opens the <see cref="VictimIndex"/> (built from the running
    /// jobs, then kept by every start and stop). Below it a preemptor lists its few eligible victims directly. Measured on
    /// 2026-12-07 with the index as it now is (chunked anchor lists, a reading without iterators): opening it above 16
    /// running jobs instead of 2,048 made no LAS case slower and the 100,000-job trace on 100 × 8 GPUs (at most 800
    /// running) about twice as fast (the threshold dated from the index's treaps, when its upkeep cost more than a
    /// direct listing up to a few thousand running jobs). The index gives exactly the full sort's order, so where it
    /// opens changes no decision.
    /// </summary>
    internal int VictimIndexOpensAt { get; set; } = 16;

    /// <summary>Gets or sets the running-job count below which a pass drops the open <see cref="VictimIndex"/> (half the
    /// opening count by default, so that a count hovering at the threshold does not rebuild it pass after pass).</summary>
    internal int VictimIndexClosesAt { get; set; } = 8;

    /// <summary>Buffers the passes reuse (they never overlap: a pass runs to completion before the next).</summary>
    internal PassScratch Scratch { get; } = new();

    internal TenantLedger Ledger => _ledger;

    internal CapacityLedger Capacity => _capacity;

    /// <summary>The pending jobs in submission order; kept only while <see cref="Queue"/> is <see langword="null"/> (with
    /// stable queue keys the queue holds the pending jobs).</summary>
    internal SortedSet<Job> PendingBySequence => _pending ?? throw new InvalidOperationException("The pending jobs are kept by queue key.");

    /// <summary>The pending jobs by group (the same jobs as <see cref="PendingBySequence"/>), when the ordering has
    /// monotone groups (<see cref="IGroupedKeys"/>) and every submission time so far has been in sequence order;
    /// otherwise <see langword="null"/> and a pass computes every pending job's key.</summary>
    internal PendingGroups? PendingGroups => _queue is null && _groups is { InOrder: true } groups ? groups : null;

    /// <summary>The running elastic jobs in submission order.</summary>
    internal SortedSet<Job> RunningElastic => _runningElastic;

    /// <summary>The pending jobs with dependencies or deadlines, in submission order (every pass checks them).</summary>
    internal SortedSet<Job> ConditionalPending => _conditional;

    /// <summary>The pending jobs sorted by their ordering's queue key, or <see langword="null"/> when keys are recomputed every pass.</summary>
    internal SortedJobs? Queue => _queue;

    /// <summary>Gets the free GPUs of node <paramref name="node"/> (0 when down).</summary>
    /// <param name="node">The node index.</param>
    /// <returns>Free GPUs.</returns>
    public int FreeGpus(int node) => _capacity.Up[node] ? _capacity.FreeGpus[node] : 0;

    /// <summary>Gets whether node <paramref name="node"/> is up.</summary>
    /// <param name="node">The node index.</param>
    /// <returns><see langword="true"/> when up.</returns>
    public bool IsUp(int node) => _capacity.Up[node];

    /// <summary>Gets the GPUs allocated on node <paramref name="node"/> by running jobs (for invariant checks).</summary>
    /// <param name="node">The node index.</param>
    /// <returns>Allocated GPUs.</returns>
    public int AllocatedGpusOn(int node) => _cluster.Nodes[node].Gpus - _capacity.FreeGpus[node];

    /// <summary>Gets the GPUs the tenant uses now.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>GPUs in use (0 for a tenant never seen).</returns>
    public int TenantUsedGpus(string tenant) => TenantUsedGpus(tenant, null);

    /// <summary>Gets the GPUs of one type the tenant uses now.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <param name="gpuType">The GPU type, or <see langword="null"/> for every type.</param>
    /// <returns>GPUs in use (0 for a tenant never seen or a type the cluster lacks).</returns>
    public int TenantUsedGpus(string tenant, string? gpuType)
    {
        for (var t = 0; t < _ledger.Count; t++)
        {
            if (string.Equals(_ledger.Names[t], tenant, StringComparison.Ordinal))
            {
                if (gpuType is null)
                {
                    return _ledger.UsedGpus[t];
                }

                var type = _cluster.TypeIndex(gpuType);
                return type < 0 ? 0 : _capacity.UsedByType[t][type];
            }
        }

        return 0;
    }

    /// <summary>Submits jobs (a batch may depend on each other). Jobs no placement could ever satisfy are <see cref="JobState.Rejected"/> with their reason.</summary>
    /// <param name="specs">The jobs.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The jobs, in the given order.</returns>
    /// <exception cref="ArgumentException">A job id is repeated or already used, or a dependency names no job.</exception>
    /// <exception cref="UnknownTenantException">Quotas are configured and a job names another tenant.</exception>
    /// <exception cref="DependencyCycleException">Dependencies form a cycle.</exception>
    public IReadOnlyList<Job> Submit(IReadOnlyList<JobSpec> specs, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(specs);

        // One job without dependencies (the simulator's usual arrival) needs no batch map and cannot close a cycle.
        var single = specs.Count == 1 && specs[0] is { Dependencies.Count: 0 };
        var batch = single ? null : new Dictionary<string, JobSpec>(StringComparer.Ordinal);
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            ArgumentNullException.ThrowIfNull(spec, nameof(specs));
            if (_jobs.ContainsKey(spec.Id) || (batch is not null && !batch.TryAdd(spec.Id, spec)))
            {
                throw new ArgumentException($"Job id '{spec.Id}' is already used.", nameof(specs));
            }
        }

        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            for (var d = 0; d < spec.Dependencies.Count; d++)
            {
                var dep = spec.Dependencies[d];
                if (!_jobs.ContainsKey(dep) && !batch!.ContainsKey(dep))
                {
                    throw new ArgumentException($"Job '{spec.Id}' depends on '{dep}', which was never submitted.", nameof(specs));
                }
            }

            _ledger.IndexOf(spec.Tenant);
        }

        if (batch is not null)
        {
            ThrowIfCycle(specs, batch);
        }

        _ledger.Accrue(now);
        var result = new List<Job>(specs.Count);
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var job = new Job(spec, _sequence++, _ledger.IndexOf(spec.Tenant), now, _board);
            _jobs.Add(spec.Id, job);
            _groups?.Submitted(job);
            result.Add(job);
            if (RejectionReason(job) is { } reason)
            {
                job.State = JobState.Rejected;
                job.EndedAt = now;
                job.SetReason("rejected: " + reason);
            }
            else
            {
                Enqueue(job, now);
            }
        }

        _version++;
        return result;
    }

    /// <summary>Cancels a pending or running job; its GPUs are freed at once.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="now">The current time.</param>
    /// <param name="reason">Why.</param>
    /// <returns>The job's state before the call, or <see langword="null"/> when the id is unknown.</returns>
    public JobState? Cancel(string jobId, DateTimeOffset now, string reason = "cancelled")
    {
        ArgumentNullException.ThrowIfNull(jobId);
        if (!_jobs.TryGetValue(jobId, out var job))
        {
            return null;
        }

        var before = job.State;
        if (before == JobState.Pending)
        {
            Dequeue(job);
            End(job, JobState.Cancelled, now, reason);
        }
        else if (before == JobState.Running)
        {
            _ledger.Accrue(now);
            Release(job, now);
            End(job, JobState.Cancelled, now, reason);
        }

        return before;
    }

    /// <summary>Records that the run <paramref name="attempt"/> of a job ended: completed or failed. Stale attempts are ignored.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="attempt">The run's attempt number.</param>
    /// <param name="succeeded"><see langword="true"/> for completed, else failed.</param>
    /// <param name="now">The current time.</param>
    /// <param name="reason">A failure reason.</param>
    /// <returns><see langword="true"/> when the report changed the job.</returns>
    public bool Finish(string jobId, int attempt, bool succeeded, DateTimeOffset now, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(jobId);
        return _jobs.TryGetValue(jobId, out var job) && Finish(job, attempt, succeeded, now, reason);
    }

    /// <summary><see cref="Finish(string, int, bool, DateTimeOffset, string?)"/> for a job the caller holds.</summary>
    internal bool Finish(Job job, int attempt, bool succeeded, DateTimeOffset now, string? reason)
    {
        if (job.State != JobState.Running || job.Attempts != attempt)
        {
            return false;
        }

        _ledger.Accrue(now);
        Release(job, now);
        if (succeeded)
        {
            job.ProgressSeconds = job.Spec.RuntimeEstimate?.TotalSeconds ?? job.ProgressSeconds;
        }

        End(job, succeeded ? JobState.Completed : JobState.Failed, now, succeeded ? null : reason ?? "failed");
        return true;
    }

    /// <summary>
    /// Drops a completed or failed job from <see cref="Jobs"/> so that it can be collected: the simulator calls it for
    /// jobs it no longer needs when no job of the run has dependencies (a dependency is looked up by id). A job in any
    /// other state is kept.
    /// </summary>
    internal void Forget(Job job)
    {
        if (job.State is JobState.Completed or JobState.Failed)
        {
            _jobs.Remove(job.Spec.Id);
        }
    }

    /// <summary>Requeues the running attempt of a job (executor-side preemption or loss), charging the work since its last checkpoint.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="attempt">The run's attempt number.</param>
    /// <param name="now">The current time.</param>
    /// <param name="reason">Why.</param>
    /// <returns><see langword="true"/> when the job was requeued.</returns>
    public bool Requeue(string jobId, int attempt, DateTimeOffset now, string reason = "preempted")
    {
        ArgumentNullException.ThrowIfNull(jobId);
        if (!_jobs.TryGetValue(jobId, out var job) || job.State != JobState.Running || job.Attempts != attempt)
        {
            return false;
        }

        _ledger.Accrue(now);
        RequeueRunning(job, now, reason);
        _version++;
        return true;
    }

    /// <summary>Marks a node down; jobs running on it are requeued (losing the work since their last checkpoint).</summary>
    /// <param name="node">The node index.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The requeued jobs' launches in submission order (executors should stop their other processes).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="node"/> is not a node index.</exception>
    public IReadOnlyList<JobLaunch> FailNode(int node, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(node);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(node, _cluster.Nodes.Count);
        if (!_capacity.Up[node])
        {
            return [];
        }

        _ledger.Accrue(now);
        var hit = _running.Where(job => job.Placement!.Nodes.Any(a => a.NodeIndex == node)).OrderBy(job => job.Sequence).ToList();
        var affected = new List<JobLaunch>(hit.Count);
        foreach (var job in hit)
        {
            affected.Add(new JobLaunch(job.Spec, job.Attempts, job.Placement!, job.ProgressSeconds, job.CurrentRestartCostSeconds) { Speed = job.CurrentSpeed, Job = job });
            RequeueRunning(job, now, $"node {_cluster.Nodes[node].Name} failed");
        }

        _capacity.SetUp(node, false);
        _version++;
        return affected;
    }

    /// <summary>Marks a node up again.</summary>
    /// <param name="node">The node index.</param>
    /// <param name="now">The current time.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="node"/> is not a node index.</exception>
    public void RecoverNode(int node, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(node);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(node, _cluster.Nodes.Count);
        _ledger.Accrue(now);
        _capacity.SetUp(node, true);
        _version++;
    }

    /// <summary>
    /// A scheduling pass: computes the decisions for time <paramref name="now"/> without changing any state.
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <returns>The plan; commit it with <see cref="Apply"/> before any other change.</returns>
    public SchedulingPlan Plan(DateTimeOffset now) => PlanPass(now, keepCapacity: false);

    private SchedulingPlan PlanPass(DateTimeOffset now, bool keepCapacity)
    {
        GateVictimIndex();
        if (_planner is null)
        {
            _planner = new PassPlanner(this, now);
        }
        else
        {
            _planner.Reset(now);
        }

        return _planner.Run(keepCapacity);
    }

    /// <summary>Commits a plan computed by <see cref="Plan"/> on the current state.</summary>
    /// <param name="plan">The plan.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The state changed after the plan was computed.</exception>
    public void Apply(SchedulingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Version != _version)
        {
            throw new InvalidOperationException("The engine's state changed after the plan was computed; plan again.");
        }

        var now = plan.Now;
        _ledger.Accrue(now);
        _board.Stamp++;
        _board.Deferred = plan.Deferred;
        for (var i = 0; i < plan.Expired.Count; i++)
        {
            var e = plan.Expired[i];
            var job = _jobs[e.JobId];
            Dequeue(job);
            End(job, JobState.Cancelled, now, e.Reason);
        }

        var own = ReferenceEquals(plan.Owner, this);
        for (var i = 0; i < plan.Preemptions.Count; i++)
        {
            var p = plan.Preemptions[i];
            var job = own && p.Job is { } planned ? planned : _jobs[p.JobId];
            RequeueRunning(job, now, new PreemptedReason(p.Reason, p.ForJobId));
            if (_anchored is not null && p.Reason == PreemptionReason.Ordering)
            {
                job.OrderingPreemptor = _jobs[p.ForJobId];
                job.OrderingPreemptedAt = now;
            }
        }

        for (var i = 0; i < plan.Resizes.Count; i++)
        {
            var r = plan.Resizes[i];
            // A planned resize checkpoints first: no work is lost; the new run pays the restart cost.
            var job = _jobs[r.JobId];
            Release(job, now);
            job.ProgressSeconds = r.Launch.ProgressSeconds;
            job.Resizes++;
            Launch(job, r.Launch, now);
        }

        for (var i = 0; i < plan.Starts.Count; i++)
        {
            var s = plan.Starts[i];
            var job = own && s.Job is { } planned ? planned : _jobs[s.JobId];
            Dequeue(job);
            Launch(job, s, now);
        }

        for (var i = 0; i < plan.Reasons.Count; i++)
        {
            var (job, reason) = plan.Reasons[i];
            if (job.State == JobState.Pending)
            {
                job.SetReason(reason);
            }
        }

        _version++;
    }

    /// <summary>Plans and applies one pass.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>The applied plan.</returns>
    /// <remarks>The pass's own changes to the capacity ledger (its starts, preemptions and resizes) are kept rather than
    /// undone and made again by <see cref="Apply"/> (a simulation runs millions of passes). Tenant usage accrues first,
    /// at the usage before the pass, as <see cref="Apply"/> would accrue it; the pass reads decayed usage through the same
    /// formula either way.</remarks>
    public SchedulingPlan RunPass(DateTimeOffset now)
    {
        _ledger.Accrue(now);
        var plan = PlanPass(now, keepCapacity: true);
        _capacityKept = true;
        try
        {
            Apply(plan);
        }
        finally
        {
            _capacityKept = false;
        }

        return plan;
    }

    internal static string Describe(JobSpec spec)
    {
        var type = spec.GpuTypes.Count == 0 ? string.Empty : " " + string.Join("/", spec.GpuTypes);
        var span = spec.MaxSpan switch
        {
            TopologyLevel.Node => " on one node",
            TopologyLevel.NvLinkDomain => " in one NVLink domain",
            TopologyLevel.Rack => " in one rack",
            _ => string.Empty,
        };
        var gpus = spec.IsElastic ? $"{spec.MinGpus}–{spec.Gpus}" : spec.Gpus.ToString(CultureInfo.InvariantCulture);
        var topology = string.Empty;
        if (spec.Topology is { } t)
        {
            if (t.RequiredLevel is { } required)
            {
                topology += $" in one {required}";
            }

            if (t.SliceGpus is { } k)
            {
                topology += $" in slices of {k} per {t.SliceLevel}";
            }
        }

        return $"needs {gpus}{type} GPUs{span}{topology}";
    }

    /// <summary>
    /// The GPU types to try for <paramref name="job"/>, in order, or <see langword="null"/> for the default order (the
    /// job's list, or every type of the cluster): a tenant with flavours tries its flavours in its order; a
    /// heterogeneity-aware policy tries types by normalised throughput; a class never goes where its throughput is 0 or
    /// unknown. <paramref name="mask"/> is the set of the types (bit per type index), for memos keyed by it; on a cluster
    /// of more than 64 GPU types it is <see langword="null"/> (no 64-bit mask tells the types apart) and nothing is cached.
    /// </summary>
    internal int[]? TypeCandidates(Job job, out ulong? mask)
    {
        var spec = job.Spec;
        var wide = _cluster.GpuTypes.Count > 64;
        var acceptable = wide ? 0 : AcceptableMask(spec);
        var flavored = _ledger.Quotas[job.TenantIndex] is { Flavors.Count: > 0 };
        var row = _policy.Throughputs?.ClassIndex(spec.JobClass) ?? -1;
        if (!flavored && row < 0)
        {
            mask = wide ? null : acceptable;
            return null;
        }

        var key = (flavored ? job.TenantIndex : -1, row, acceptable);
        if (wide || !_typeCandidates.TryGetValue(key, out var order))
        {
            order = BuildTypeCandidates(job, wide, acceptable, flavored, row);
            if (!wide)
            {
                _typeCandidates[key] = order;
            }
        }

        if (wide)
        {
            mask = null;
            return order;
        }

        var bits = 0UL;
        foreach (var t in order!)
        {
            bits |= 1UL << t;
        }

        mask = bits;
        return order;
    }

    /// <summary>The slow path of <see cref="TypeCandidates"/> (kept apart so that the fast path allocates no closure).</summary>
    private int[] BuildTypeCandidates(Job job, bool wide, ulong acceptable, bool flavored, int row)
    {
        var spec = job.Spec;
        IEnumerable<int> types;
        if (flavored)
        {
            types = _ledger.Quotas[job.TenantIndex]!.Flavors.Select(f => _cluster.TypeIndex(f.GpuType))
                .Where(t => t >= 0 && (wide ? Accepts(spec, t) : (acceptable & (1UL << t)) != 0));
        }
        else if (spec.GpuTypes.Count > 0)
        {
            types = spec.GpuTypes.Select(_cluster.TypeIndex).Where(t => t >= 0).Distinct();
        }
        else
        {
            types = Enumerable.Range(0, _cluster.GpuTypes.Count);
        }

        var list = types.ToList();
        if (row >= 0)
        {
            var matrix = _policy.Throughputs!;
            list.RemoveAll(t => _matrixColumn[t] < 0 || matrix.RelativeSpeed(row, _matrixColumn[t]) <= 0);
            if (_policy.HeterogeneityAware && !flavored)
            {
                // Comparative advantage: where the class is fastest relative to what an average class gets there.
                list = [.. list.Select((t, i) => (t, i, score: matrix.RelativeSpeed(row, _matrixColumn[t]) / matrix.MeanThroughput[_matrixColumn[t]]))
                    .OrderByDescending(x => x.score).ThenBy(x => x.i).Select(x => x.t)];
            }
        }

        return [.. list];
    }

    /// <summary>The speed of a run of <paramref name="spec"/> on <paramref name="placement"/> relative to the job's speed on
    /// the reference GPU type at its full size.</summary>
    internal double SpeedOf(JobSpec spec, Placement placement)
    {
        var speed = 1.0;
        if (_policy.Throughputs is { } matrix && matrix.ClassIndex(spec.JobClass) is var row && row >= 0)
        {
            var column = _matrixColumn[_cluster.TypeOf[placement.Nodes[0].NodeIndex]];
            speed = column < 0 ? 1 : matrix.RelativeSpeed(row, column);
        }

        return spec.IsElastic ? speed * spec.Scaling.RelativeSpeed(placement.Gpus, spec.Gpus) : speed;
    }

    /// <summary>Places <paramref name="job"/> on <paramref name="view"/>: a rigid gang as it is, an elastic one at the
    /// largest size from <paramref name="maxGpus"/> (at most <see cref="JobSpec.Gpus"/>) down to its minimum that fits
    /// (in whole slices).</summary>
    internal Placement? PlaceLargest(Job job, ClusterCapacityView view, int maxGpus)
    {
        var spec = job.Spec;
        if (!spec.IsElastic)
        {
            return _policy.Placement.TryPlace(spec, view);
        }

        var step = spec.Topology?.SliceGpus ?? 1;
        for (var g = Math.Min(maxGpus, spec.Gpus); g >= spec.SmallestGang; g--)
        {
            if (g % step == 0 && _policy.Placement.TryPlace(spec, g, view) is { } placement)
            {
                return placement;
            }
        }

        return null;
    }

    /// <summary>The lowest priority among running preemptible jobs (<see cref="int.MaxValue"/> when there are none).</summary>
    internal int LowestRunningPreemptiblePriority() => _lowestPreemptiblePriority;

    /// <summary>Recomputes the queue keys that expired by <paramref name="context"/>'s time; <see langword="false"/> when the
    /// ordering stopped giving stable keys (the engine then recomputes every pass).</summary>
    internal bool RefreshQueueKeys(OrderingContext context)
    {
        if (_queue is null)
        {
            return false;
        }

        var nowTicks = context.Now.UtcTicks;
        while (_keyExpiry.TryPeek(out var job, out var until) && until <= nowTicks)
        {
            _keyExpiry.Dequeue();
            if (job.State != JobState.Pending || job.QueueKeyValidUntil.UtcTicks != until)
            {
                continue;
            }

            _queue.Remove(job);
            if (!AssignQueueKey(job, context))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The GPU types <paramref name="spec"/> accepts, bit per type index (every bit when it names none), on a
    /// cluster of at most 64 types.</summary>
    private ulong AcceptableMask(JobSpec spec)
    {
        if (spec.GpuTypes.Count == 0)
        {
            return ulong.MaxValue;
        }

        var mask = 0UL;
        foreach (var name in spec.GpuTypes)
        {
            var t = _cluster.TypeIndex(name);
            if (t >= 0)
            {
                mask |= 1UL << t;
            }
        }

        return mask;
    }

    /// <summary>Whether <paramref name="spec"/> accepts the GPU type of index <paramref name="type"/> (any type when it
    /// names none).</summary>
    private bool Accepts(JobSpec spec, int type) =>
        spec.GpuTypes.Count == 0 || spec.GpuTypes.Any(name => _cluster.TypeIndex(name) == type);

    /// <summary>Whether the job's smallest gang could be placed on the GPU types given if every GPU were free (cached by
    /// shape; <paramref name="mask"/> identifies the set of types in the cache key, <see langword="null"/>: not cached).</summary>
    private bool FeasibleOnEmptyCluster(JobSpec spec, int[]? types, ulong? mask)
    {
        var key = (spec.SmallestGang, spec.MaxSpan, mask ?? 0, spec.CpuPerGpu, spec.MemoryPerGpu, spec.Topology);
        if (mask is null || !_feasible.TryGetValue(key, out var feasible))
        {
            var view = new ClusterCapacityView(_empty) { TypeOrder = types };
            feasible = _policy.Placement.TryPlace(spec, spec.SmallestGang, view) is not null;
            if (mask is not null)
            {
                _feasible.Add(key, feasible);
            }
        }

        return feasible;
    }

    /// <summary>Why no placement or quota could ever satisfy the job, or <see langword="null"/>.</summary>
    private string? RejectionReason(Job job)
    {
        var spec = job.Spec;
        if (spec.MinGpus is { } min && min > spec.Gpus)
        {
            return $"{Describe(spec)} but its MinGpus ({min}) exceeds its Gpus ({spec.Gpus})";
        }

        if (spec.Topology is { } topology)
        {
            foreach (var level in new[] { topology.RequiredLevel, topology.PreferredLevel, topology.SliceGpus is null ? null : topology.SliceLevel })
            {
                if (level is not null && !_cluster.HasTopologyLevel(level))
                {
                    return $"{Describe(spec)} but the cluster has no topology level '{level}' (its levels: {Cluster.NodeLevel}, {string.Join(", ", _cluster.TopologyLevels.Reverse())}, {Cluster.ClusterLevel})";
                }
            }

            if (topology.SliceGpus is { } k && (spec.Gpus % k != 0 || spec.SmallestGang % k != 0))
            {
                return $"{Describe(spec)} but its gang is not a whole number of slices";
            }
        }

        if (_policy.Throughputs is { } matrix && spec.JobClass is { } jobClass && !matrix.Contains(jobClass))
        {
            return $"{Describe(spec)} but its job class '{jobClass}' is not in the throughput matrix";
        }

        var types = TypeCandidates(job, out var mask);
        if (types is { Length: 0 })
        {
            return $"{Describe(spec)} but no GPU type it accepts is available to it (its tenant's flavours, the throughput matrix)";
        }

        if (!FeasibleOnEmptyCluster(spec, types, mask))
        {
            return Describe(spec) + " and no such placement exists in the cluster (" + _cluster.TotalGpus + " GPUs, at most " + _cluster.MaxGpusPerNode + " per node)";
        }

        if (_ledger.Quotas[job.TenantIndex] is { } quota)
        {
            if (quota.Flavors.Count == 0)
            {
                if (CohortQuotaAdmission.Ceiling(_ledger, job.TenantIndex, null) is { } ceiling && spec.SmallestGang > ceiling)
                {
                    return $"{Describe(spec)} but tenant {spec.Tenant} can never hold more than {ceiling} GPUs (nominal quota plus what it may borrow)";
                }
            }
            else
            {
                // A gang runs on one GPU type, so the quota and the placement must both hold on the same type: a
                // type with room in the quota but no domain large enough, and another with the domain but not the
                // quota, leave the job waiting for ever.
                var best = 0;
                var bothOnOneType = false;
                foreach (var t in types ?? [.. Enumerable.Range(0, _cluster.GpuTypes.Count)])
                {
                    var ceiling = CohortQuotaAdmission.Ceiling(_ledger, job.TenantIndex, _cluster.GpuTypes[t]) ?? int.MaxValue;
                    best = Math.Max(best, ceiling);
                    if (!bothOnOneType && ceiling >= spec.SmallestGang && FeasibleOnEmptyCluster(spec, [t], _cluster.GpuTypes.Count > 64 ? null : 1UL << t))
                    {
                        bothOnOneType = true;
                    }
                }

                if (spec.SmallestGang > best)
                {
                    return $"{Describe(spec)} but tenant {spec.Tenant} can never hold more than {best} GPUs of one of its flavours (nominal quota plus what it may borrow)";
                }

                if (!bothOnOneType)
                {
                    return $"{Describe(spec)} but no GPU type has both a placement for it in the cluster and room for it in tenant {spec.Tenant}'s quota for that type";
                }
            }
        }

        return null;
    }

    private static void ThrowIfCycle(IReadOnlyList<JobSpec> specs, Dictionary<string, JobSpec> batch)
    {
        // Only jobs in the batch can form a cycle (earlier jobs cannot depend on new ones).
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        foreach (var spec in specs)
        {
            Visit(spec.Id);
        }

        void Visit(string id)
        {
            if (!batch.TryGetValue(id, out var spec))
            {
                return;
            }

            state.TryGetValue(id, out var s);
            if (s == 2)
            {
                return;
            }

            if (s == 1)
            {
                var start = path.IndexOf(id);
                throw new DependencyCycleException([.. path.Skip(start), id]);
            }

            state[id] = 1;
            path.Add(id);
            foreach (var dep in spec.Dependencies)
            {
                Visit(dep);
            }

            path.RemoveAt(path.Count - 1);
            state[id] = 2;
        }
    }

    private void Enqueue(Job job, DateTimeOffset now)
    {
        if (job.Conditional)
        {
            _conditional.Add(job);
        }

        if (_queue is null)
        {
            _pending!.Add(job);
            _groups?.Add(job);
        }
        else
        {
            var context = Scratch.EnqueueOrdering ??= new OrderingContext(now, _cluster, _ledger, _policy.CountsNormalizedService);
            context.Reset(now);
            AssignQueueKey(job, context);
        }
    }

    /// <summary>Computes the job's queue key and (re)inserts it; switches to recomputing every pass when the ordering declines.</summary>
    private bool AssignQueueKey(Job job, OrderingContext context)
    {
        if (!_policy.Ordering.TryComputeQueueKey(context, job, out var key, out var validUntil))
        {
            // From now on every pass orders the pending jobs itself: keep them by submission. The queue holds every
            // pending job but this one (being enqueued, or taken out to renew its key).
            _pending = new SortedSet<Job>(_queue!, BySequence.Instance) { job };
            _queue = null;
            if (_groups is not null)
            {
                foreach (var pending in _pending)
                {
                    _groups.Add(pending);
                }
            }

            _keyExpiry.Clear();
            return false;
        }

        job.QueueKey = key;
        job.QueueKeyValidUntil = validUntil;
        _queue!.Add(job);
        if (validUntil != DateTimeOffset.MaxValue)
        {
            _keyExpiry.Enqueue(job, validUntil.UtcTicks);
            if (_keyExpiry.Count >= _keyExpiryCompactAt)
            {
                CompactKeyExpiry();
            }
        }

        return true;
    }

    /// <summary>Gets or sets, on this thread, the size of the key-expiry heap below which engines created from now on never
    /// compact it (a test hook; 0, the default, means 4,096).</summary>
    internal static int KeyExpiryCompactionFloor
    {
        get => s_keyExpiryCompactionFloor > 0 ? s_keyExpiryCompactionFloor : DefaultKeyExpiryCompactionFloor;
        set => s_keyExpiryCompactionFloor = value;
    }

    /// <summary>Gets or sets, on this thread, what is told the heap's size before and after each key-expiry compaction of
    /// an engine created from now on (a test hook).</summary>
    internal static Action<int, int>? KeyExpiryCompacted
    {
        get => s_keyExpiryCompacted;
        set => s_keyExpiryCompacted = value;
    }

    /// <summary>
    /// Drops the key expiries that can do nothing any more: the job is no longer pending, or has a newer key (a job that
    /// starts leaves its expiry behind; in a 1,000,000-job LAS simulation they piled up in the heap, whose upkeep was
    /// then about 3 % of the run). What is dropped is exactly what <see cref="RefreshQueueKeys"/> would skip when it came
    /// out: a job's expiry is its <see cref="Job.QueueKeyValidUntil"/> while it is pending, and a job that becomes pending
    /// again gets a new expiry. The next compaction waits until the heap has doubled, so each costs O(1) per expiry.
    /// </summary>
    private void CompactKeyExpiry()
    {
        var before = _keyExpiry.Count;
        var live = _liveExpiries;
        live.Clear();
        foreach (var (job, until) in _keyExpiry.UnorderedItems)
        {
            if (job.State == JobState.Pending && job.QueueKeyValidUntil.UtcTicks == until)
            {
                live.Add((job, until));
            }
        }

        if (live.Count < _keyExpiry.Count)
        {
            _keyExpiry.Clear();
            _keyExpiry.EnqueueRange(live);
        }

        live.Clear();
        _keyExpiryCompacted?.Invoke(before, _keyExpiry.Count);
        _keyExpiryCompactAt = Math.Max(_keyExpiryCompactionFloor, 2 * _keyExpiry.Count);
    }

    private void Dequeue(Job job)
    {
        if (job.Conditional)
        {
            _conditional.Remove(job);
        }

        if (_queue is null)
        {
            _pending!.Remove(job);
            _groups?.Remove(job);
        }
        else
        {
            _queue.Remove(job);
        }
    }

    private void Launch(Job job, JobLaunch launch, DateTimeOffset now)
    {
        job.State = JobState.Running;
        job.Attempts = launch.Attempt;
        job.Placement = launch.Placement;
        job.RunStartedAt = now;
        job.FirstStartedAt ??= now;
        job.CurrentRestartCostSeconds = launch.RestartCostSeconds;
        job.CurrentSpeed = launch.Speed;
        job.SetReason(null);
        job.OrderingPreemptor = null;
        if (!_capacityKept)
        {
            _capacity.Take(job.Spec, launch.Placement, job.TenantIndex);
        }

        job.RunningIndex = _running.Count;
        _running.Add(job);
        if (job.Spec.Preemptible)
        {
            CountPreemptible(job.Spec.Priority, +1);
            if (_preemptibleByAnchor is not null)
            {
                job.RunningKeyAnchor = _anchored!.RunningKeyAnchor(job);
                _preemptibleByAnchor.Add(job);
            }

            _victimIndex?.Add(job);
        }

        if (job.Spec.IsElastic)
        {
            _runningElastic.Add(job);
        }
    }

    /// <summary>Opens the victim index once more than <see cref="VictimIndexOpensAt"/> jobs run (adding every running
    /// preemptible job) and drops it once fewer than <see cref="VictimIndexClosesAt"/> do.</summary>
    private void GateVictimIndex()
    {
        if (!_victimIndexAllowed)
        {
            return;
        }

        if (_victimIndex is null && _running.Count > VictimIndexOpensAt)
        {
            _victimIndex = new VictimIndex(_policy.CountsNormalizedService ? VictimAnchors.NormalizedGpuSeconds : VictimAnchors.GpuSeconds);
            foreach (var job in _running)
            {
                if (job.Spec.Preemptible)
                {
                    _victimIndex.Add(job);
                }
            }
        }
        else if (_victimIndex is not null && _running.Count < VictimIndexClosesAt)
        {
            _victimIndex = null;
        }
    }

    private void RequeueRunning(Job job, DateTimeOffset now, object reason)
    {
        var elapsed = Math.Max(0, (now - job.RunStartedAt!.Value).TotalSeconds);
        var saved = job.SavedSeconds(elapsed);
        var lost = elapsed - saved;
        job.LostGpuSeconds += lost * job.RunningGpus;
        job.ProgressSeconds += job.CurrentSpeed == 1 ? saved : saved * job.CurrentSpeed;
        job.Preemptions++;
        Release(job, now);
        job.State = JobState.Pending;
        job.QueuedSince = now;
        job.SetReason(reason);
        Enqueue(job, now);
    }

    private void Release(Job job, DateTimeOffset now)
    {
        var elapsed = Math.Max(0, (now - job.RunStartedAt!.Value).TotalSeconds);
        var gpus = job.RunningGpus;
        job.AttainedGpuSecondsBeforeRun += gpus * elapsed;
        job.AttainedNormalizedGpuSecondsBeforeRun += gpus * job.CurrentSpeed * elapsed;
        if (!_capacityKept)
        {
            _capacity.Give(job.Spec, job.Placement!, job.TenantIndex);
        }

        var last = _running[^1];
        _running[job.RunningIndex] = last;
        last.RunningIndex = job.RunningIndex;
        _running.RemoveAt(_running.Count - 1);
        job.RunningIndex = -1;
        if (job.Spec.Preemptible)
        {
            CountPreemptible(job.Spec.Priority, -1);
            _preemptibleByAnchor?.Remove(job);
            _victimIndex?.Remove(job);
        }

        if (job.Spec.IsElastic)
        {
            _runningElastic.Remove(job);
        }

        job.Placement = null;
        job.RunStartedAt = null;
        job.CurrentSpeed = 1;
        _version++;
    }

    /// <summary>Counts a running preemptible job of <paramref name="priority"/> in (+1) or out (−1), keeping
    /// <see cref="_lowestPreemptiblePriority"/> the lowest priority with a count.</summary>
    private void CountPreemptible(int priority, int delta)
    {
        var counts = _preemptibleByPriority;
        var lo = 0;
        var hi = counts.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (counts[mid].Priority < priority)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        if (lo < counts.Count && counts[lo].Priority == priority)
        {
            var count = counts[lo].Count + delta;
            if (count == 0)
            {
                counts.RemoveAt(lo);
            }
            else
            {
                counts[lo] = (priority, count);
            }
        }
        else
        {
            counts.Insert(lo, (priority, delta));
        }

        _lowestPreemptiblePriority = counts.Count == 0 ? int.MaxValue : counts[0].Priority;
    }

    private void End(Job job, JobState state, DateTimeOffset now, string? reason)
    {
        job.State = state;
        job.EndedAt = now;
        job.SetReason(reason);
        _version++;
    }

    /// <summary>Submission order.</summary>
    private sealed class BySequence : IComparer<Job>
    {
        public static BySequence Instance { get; } = new();

        public int Compare(Job? x, Job? y) => x!.Sequence.CompareTo(y!.Sequence);
    }

    /// <summary>Buffers reused by every pass of an engine.</summary>
    internal sealed class PassScratch
    {
        public Job[] One { get; } = new Job[1];

        /// <summary>Counts passes, so a job can carry "preempted in pass n" instead of a per-pass set.</summary>
        public long Passes { get; set; }

        public Job[] VictimJobs { get; set; } = [];

        public PassPlanner.VictimKey[] VictimKeys { get; set; } = [];

        /// <summary>A preemption trial's eligible victims (cleared by each trial before use).</summary>
        public List<(int Index, PreemptionReason Reason)> Eligible { get; } = [];

        /// <summary>A preemption trial's chosen victims (cleared by each trial before use).</summary>
        public List<(Job Victim, PreemptionReason Reason)> Chosen { get; } = [];

        /// <summary>Job descriptions (<see cref="Describe"/>) by every field their text depends on, kept for the engine's
        /// lifetime (up to <see cref="PassPlanner.MaxCachedTexts"/> of them): the same few shapes recur pass after pass.</summary>
        public Dictionary<(int, int, TopologyLevel, string, TopologyRequest?), string> Descriptions { get; } = [];

        /// <summary>The pass's capacity view, reused pass after pass (reset by each pass).</summary>
        public ClusterCapacityView? View { get; set; }

        /// <summary>The pass's admission context, reused pass after pass (reset by each pass).</summary>
        public AdmissionContext? Admission { get; set; }

        /// <summary>The pass's ordering context, reused pass after pass (reset by each pass).</summary>
        public OrderingContext? Ordering { get; set; }

        /// <summary>The ordering context of <see cref="Enqueue"/>'s queue keys, reused between passes.</summary>
        public OrderingContext? EnqueueOrdering { get; set; }

        /// <summary>The blocked head's texts of the last pass that had one, reused while the same head blocks with the same
        /// reservation (and, for its own reason, the same free GPUs).</summary>
        public PassPlanner.HeadTexts? LastHead { get; set; }

        /// <summary>The last pass's deferred reasons, reused by a pass that would make equal ones (see
        /// <see cref="PassPlanner"/>).</summary>
        public PassPlanner.DeferredReasons? LastDeferred { get; set; }

        // Per-pass sets of the planner, cleared by each pass when it starts (a pass of new ones would allocate them again
        // for every pass; a simulation runs millions).
        public HashSet<Job> Ineligible { get; } = [];

        public HashSet<(int Gpus, int Min, TopologyLevel Span, ulong Types, double Cpu, double Memory, bool Limited, TopologyRequest? Topology)> FailedShapes { get; } = [];

        public Dictionary<(int Tenant, ulong Types), (int Gpus, string Reason)> QuotaRejections { get; } = [];

        public List<int> Admitted { get; } = [];

        public List<(double End, JobSpec Spec, Placement Placement, int Tenant)> StartedEnds { get; } = [];

        private Job[] _candidates = [];
        private SortedJobs.Reader[] _groupReaders = [];
        private GroupSums[] _groupSums = [];
        private double[] _keys = [];
        private double[] _runningKeys = [];
        private PassPlanner.OrderEntry[] _order = [];

        /// <summary>The merge of a pass over <see cref="PendingGroups"/>: each group's next job, by (key, submission).</summary>
        public PriorityQueue<int, PassPlanner.OrderEntry> GroupHeap { get; } = new(default(PassPlanner.OrderEntryComparer));

        /// <summary>A reader per group for the merge (the caller clears what it wrote: readers hold jobs).</summary>
        public SortedJobs.Reader[] GroupReaders(int count) => _groupReaders.Length >= count ? _groupReaders : _groupReaders = new SortedJobs.Reader[Grow(count)];

        /// <summary>The sums of each group's jobs read so far in the merge.</summary>
        public GroupSums[] GroupSums(int count) => _groupSums.Length >= count ? _groupSums : _groupSums = new GroupSums[Grow(count)];

        /// <summary>A buffer of at least <paramref name="count"/> jobs (the caller clears what it wrote).</summary>
        public Job[] Candidates(int count) => _candidates.Length >= count ? _candidates : _candidates = new Job[Grow(count)];

        /// <summary>The first <paramref name="count"/> entries of the key buffer.</summary>
        public Span<double> Keys(int count)
        {
            if (_keys.Length < count)
            {
                _keys = new double[Grow(count)];
            }

            return _keys.AsSpan(0, count);
        }

        /// <summary>The first <paramref name="count"/> entries of the running-key buffer (apart from <see cref="Keys"/>:
        /// a pass uses both at once).</summary>
        public Span<double> RunningKeys(int count)
        {
            if (_runningKeys.Length < count)
            {
                _runningKeys = new double[Grow(count)];
            }

            return _runningKeys.AsSpan(0, count);
        }

        /// <summary>The first <paramref name="count"/> entries of the order buffer.</summary>
        public Span<PassPlanner.OrderEntry> Order(int count)
        {
            if (_order.Length < count)
            {
                _order = new PassPlanner.OrderEntry[Grow(count)];
            }

            return _order.AsSpan(0, count);
        }

        private static int Grow(int count) => Math.Max(count, 16) + (count / 4);
    }
}

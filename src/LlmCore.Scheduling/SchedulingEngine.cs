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
/// Ties are broken by submission order, so the same calls produce the same decisions.
/// EASY backfill: Lifka, "The ANL/IBM SP scheduling system", JSSPP 1995; Mu'alem and Feitelson, IEEE TPDS 2001.
/// </remarks>
public sealed class SchedulingEngine
{
    private readonly Cluster _cluster;
    private readonly SchedulingPolicy _policy;
    private readonly TenantLedger _ledger;
    private readonly Dictionary<string, Job> _jobs = new(StringComparer.Ordinal);
    private readonly List<Job> _pending = [];
    private readonly List<Job> _running = [];
    private readonly int[] _freeGpus;
    private readonly double[] _freeCpu;
    private readonly double[] _freeMemory;
    private readonly bool[] _up;
    private readonly ClusterCapacityView _emptyCluster;
    private readonly Dictionary<(int, TopologyLevel, string, double, double), bool> _feasible = [];
    private long _sequence;
    private long _version;

    /// <summary>Creates an engine.</summary>
    /// <param name="cluster">The cluster.</param>
    /// <param name="policy">The policy.</param>
    /// <param name="tenants">Tenant quotas; empty means any tenant, no quotas.</param>
    /// <param name="start">The time the engine starts at (the origin of usage accounting).</param>
    /// <param name="fairShareHalfLife">The half-life of usage decay for fair share (Slurm PriorityDecayHalfLife); zero disables decay.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A tenant is configured twice.</exception>
    public SchedulingEngine(Cluster cluster, SchedulingPolicy policy, IEnumerable<TenantQuota>? tenants = null, DateTimeOffset start = default, TimeSpan? fairShareHalfLife = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(policy);
        _cluster = cluster;
        _policy = policy;
        _ledger = new TenantLedger(tenants ?? [], cluster, (fairShareHalfLife ?? TimeSpan.FromDays(7)).TotalSeconds) { UsageUpdatedAt = start };
        var n = cluster.Nodes.Count;
        _freeGpus = new int[n];
        _freeCpu = new double[n];
        _freeMemory = new double[n];
        _up = new bool[n];
        for (var i = 0; i < n; i++)
        {
            _freeGpus[i] = cluster.Nodes[i].Gpus;
            _freeCpu[i] = cluster.Nodes[i].CpuCores;
            _freeMemory[i] = cluster.Nodes[i].MemoryGib;
            _up[i] = true;
        }

        _emptyCluster = new ClusterCapacityView(cluster, [.. _freeGpus], [.. _freeCpu], [.. _freeMemory], [.. _up]);
    }

    /// <summary>Gets the cluster.</summary>
    public Cluster Cluster => _cluster;

    /// <summary>Gets the policy.</summary>
    public SchedulingPolicy Policy => _policy;

    /// <summary>Gets every job ever submitted, by id.</summary>
    public IReadOnlyDictionary<string, Job> Jobs => _jobs;

    /// <summary>Gets the pending jobs in submission order.</summary>
    public IReadOnlyList<Job> Pending => _pending;

    /// <summary>Gets the running jobs.</summary>
    public IReadOnlyList<Job> Running => _running;

    /// <summary>Gets the GPUs allocated to running jobs.</summary>
    public int AllocatedGpus { get; private set; }

    /// <summary>Gets the free GPUs of node <paramref name="node"/> (0 when down).</summary>
    /// <param name="node">The node index.</param>
    /// <returns>Free GPUs.</returns>
    public int FreeGpus(int node) => _up[node] ? _freeGpus[node] : 0;

    /// <summary>Gets whether node <paramref name="node"/> is up.</summary>
    /// <param name="node">The node index.</param>
    /// <returns><see langword="true"/> when up.</returns>
    public bool IsUp(int node) => _up[node];

    /// <summary>Gets the GPUs allocated on node <paramref name="node"/> by running jobs (for invariant checks).</summary>
    /// <param name="node">The node index.</param>
    /// <returns>Allocated GPUs.</returns>
    public int AllocatedGpusOn(int node) => _cluster.Nodes[node].Gpus - _freeGpus[node];

    /// <summary>Gets the GPUs the tenant uses now.</summary>
    /// <param name="tenant">The tenant.</param>
    /// <returns>GPUs in use (0 for a tenant never seen).</returns>
    public int TenantUsedGpus(string tenant)
    {
        for (var t = 0; t < _ledger.Count; t++)
        {
            if (string.Equals(_ledger.Names[t], tenant, StringComparison.Ordinal))
            {
                return _ledger.UsedGpus[t];
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
        var batch = new Dictionary<string, JobSpec>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            ArgumentNullException.ThrowIfNull(spec, nameof(specs));
            if (_jobs.ContainsKey(spec.Id) || !batch.TryAdd(spec.Id, spec))
            {
                throw new ArgumentException($"Job id '{spec.Id}' is already used.", nameof(specs));
            }
        }

        foreach (var spec in specs)
        {
            foreach (var dep in spec.Dependencies)
            {
                if (!_jobs.ContainsKey(dep) && !batch.ContainsKey(dep))
                {
                    throw new ArgumentException($"Job '{spec.Id}' depends on '{dep}', which was never submitted.", nameof(specs));
                }
            }

            _ledger.IndexOf(spec.Tenant);
        }

        ThrowIfCycle(specs, batch);
        _ledger.Accrue(now);
        var result = new List<Job>(specs.Count);
        foreach (var spec in specs)
        {
            var job = new Job(spec, _sequence++, _ledger.IndexOf(spec.Tenant), now);
            _jobs.Add(spec.Id, job);
            result.Add(job);
            var shape = (spec.Gpus, spec.MaxSpan, string.Join('/', spec.GpuTypes), spec.CpuPerGpu, spec.MemoryPerGpu);
            if (!_feasible.TryGetValue(shape, out var feasible))
            {
                feasible = _policy.Placement.TryPlace(spec, _emptyCluster) is not null;
                _feasible.Add(shape, feasible);
            }

            if (!feasible)
            {
                job.State = JobState.Rejected;
                job.EndedAt = now;
                job.Reason = "rejected: " + Describe(spec) + " and no such placement exists in the cluster (" + _cluster.TotalGpus + " GPUs, at most " + _cluster.MaxGpusPerNode + " per node)";
            }
            else if (QuotaCeiling(job.TenantIndex) is { } ceiling && spec.Gpus > ceiling)
            {
                job.State = JobState.Rejected;
                job.EndedAt = now;
                job.Reason = $"rejected: {Describe(spec)} but tenant {spec.Tenant} can never hold more than {ceiling} GPUs (nominal quota plus what it may borrow)";
            }
            else
            {
                _pending.Add(job);
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
            _pending.Remove(job);
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
        if (!_jobs.TryGetValue(jobId, out var job) || job.State != JobState.Running || job.Attempts != attempt)
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
    /// <returns>The requeued jobs' launches (executors should stop their other processes).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="node"/> is not a node index.</exception>
    public IReadOnlyList<JobLaunch> FailNode(int node, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(node);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(node, _cluster.Nodes.Count);
        if (!_up[node])
        {
            return [];
        }

        _ledger.Accrue(now);
        var affected = new List<JobLaunch>();
        foreach (var job in _running.ToArray())
        {
            if (job.Placement!.Nodes.Any(a => a.NodeIndex == node))
            {
                affected.Add(new JobLaunch(job.Spec, job.Attempts, job.Placement, job.ProgressSeconds, job.CurrentRestartCostSeconds));
                RequeueRunning(job, now, $"node {_cluster.Nodes[node].Name} failed");
            }
        }

        _up[node] = false;
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
        _up[node] = true;
        _version++;
    }

    /// <summary>
    /// A scheduling pass: computes the decisions for time <paramref name="now"/> without changing any state.
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <returns>The plan; commit it with <see cref="Apply"/> before any other change.</returns>
    public SchedulingPlan Plan(DateTimeOffset now) => new PassPlanner(this, now).Run();

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
        foreach (var e in plan.Expired)
        {
            var job = _jobs[e.JobId];
            _pending.Remove(job);
            End(job, JobState.Cancelled, now, e.Reason);
        }

        foreach (var p in plan.Preemptions)
        {
            var job = _jobs[p.JobId];
            job.Reason = $"preempted ({p.Reason}) for {p.ForJobId}";
            RequeueRunning(job, now, job.Reason);
        }

        if (plan.Starts.Count > 0)
        {
            var started = new HashSet<Job>();
            foreach (var s in plan.Starts)
            {
                var job = _jobs[s.JobId];
                job.State = JobState.Running;
                job.Attempts = s.Attempt;
                job.Placement = s.Placement;
                job.RunStartedAt = now;
                job.FirstStartedAt ??= now;
                job.CurrentRestartCostSeconds = s.RestartCostSeconds;
                job.Reason = null;
                Allocate(job, s.Placement, -1);
                _ledger.Allocate(job.TenantIndex, job.Spec, 1);
                AllocatedGpus += job.Spec.Gpus;
                _running.Add(job);
                started.Add(job);
            }

            _pending.RemoveAll(started.Contains);
        }

        foreach (var (job, reason) in plan.Reasons)
        {
            job.Reason = reason;
        }

        _version++;
    }

    /// <summary>Plans and applies one pass.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>The applied plan.</returns>
    public SchedulingPlan RunPass(DateTimeOffset now)
    {
        var plan = Plan(now);
        Apply(plan);
        return plan;
    }

    internal long Version => _version;

    internal TenantLedger Ledger => _ledger;

    internal int[] FreeGpusArray => _freeGpus;

    internal double[] FreeCpuArray => _freeCpu;

    internal double[] FreeMemoryArray => _freeMemory;

    internal bool[] UpArray => _up;

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
        return $"needs {spec.Gpus}{type} GPUs{span}";
    }

    private int? QuotaCeiling(int tenant)
    {
        if (_ledger.Quotas[tenant] is not { } q)
        {
            return null;
        }

        long lendable = 0;
        for (var t = 0; t < _ledger.Count; t++)
        {
            if (t != tenant && _ledger.Quotas[t] is { } other && string.Equals(other.Cohort, q.Cohort, StringComparison.Ordinal))
            {
                lendable += Math.Min(other.LendingLimitGpus ?? int.MaxValue, other.NominalGpus);
            }
        }

        return (int)Math.Min(int.MaxValue, q.NominalGpus + Math.Min(q.BorrowingLimitGpus ?? int.MaxValue, lendable));
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

    private void RequeueRunning(Job job, DateTimeOffset now, string reason)
    {
        var elapsed = Math.Max(0, (now - job.RunStartedAt!.Value).TotalSeconds);
        var saved = job.SavedSeconds(elapsed);
        var lost = elapsed - saved;
        job.LostGpuSeconds += lost * job.Spec.Gpus;
        job.ProgressSeconds += saved;
        job.Preemptions++;
        Release(job, now);
        job.State = JobState.Pending;
        job.QueuedSince = now;
        job.Reason = reason;
        _pending.Add(job);
        _pending.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
    }

    private void Release(Job job, DateTimeOffset now)
    {
        job.AttainedGpuSecondsBeforeRun += job.Spec.Gpus * Math.Max(0, (now - job.RunStartedAt!.Value).TotalSeconds);
        Allocate(job, job.Placement!, 1);
        _ledger.Allocate(job.TenantIndex, job.Spec, -1);
        AllocatedGpus -= job.Spec.Gpus;
        _running.Remove(job);
        job.Placement = null;
        job.RunStartedAt = null;
        _version++;
    }

    private void Allocate(Job job, Placement placement, int sign)
    {
        foreach (var a in placement.Nodes)
        {
            _freeGpus[a.NodeIndex] += sign * a.Gpus;
            _freeCpu[a.NodeIndex] += sign * job.Spec.CpuPerGpu * a.Gpus;
            _freeMemory[a.NodeIndex] += sign * job.Spec.MemoryPerGpu * a.Gpus;
        }
    }

    private void End(Job job, JobState state, DateTimeOffset now, string? reason)
    {
        job.State = state;
        job.EndedAt = now;
        job.Reason = reason;
        _version++;
    }
}

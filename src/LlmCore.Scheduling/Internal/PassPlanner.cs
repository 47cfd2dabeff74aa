using System.Globalization;
using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.Internal;

/// <summary>One scheduling pass over a copy of the engine's free capacity. Not thread-safe; used once.</summary>
internal sealed class PassPlanner
{
    private readonly SchedulingEngine _engine;
    private readonly DateTimeOffset _now;
    private readonly Cluster _cluster;
    private readonly SchedulingPolicy _policy;
    private readonly int[] _gpus;
    private readonly double[] _cpu;
    private readonly double[] _memory;
    private readonly int[] _freeByType;
    private readonly int[] _used;
    private readonly ClusterCapacityView _view;
    private readonly AdmissionContext _admission;
    private readonly OrderingContext _ordering;
    private readonly List<JobLaunch> _starts = [];
    private readonly List<JobPreemption> _preemptions = [];
    private readonly List<JobExpiry> _expired = [];
    private readonly List<(Job Job, string Reason)> _reasons = [];
    private readonly HashSet<Job> _preempted = [];
    private readonly List<(double End, JobSpec Spec, Placement Placement)> _startedEnds = [];
    private readonly HashSet<(int Gpus, TopologyLevel Span, string Types, double Cpu, double Memory, bool Limited)> _failedShapes = [];
    private readonly Dictionary<int, (int Gpus, string Reason)> _quotaRejections = [];
    private readonly Dictionary<(int, TopologyLevel, string), string> _descriptions = [];
    private readonly Dictionary<(string, string), string> _joined = new(ReferencePairComparer.Instance);
    private readonly bool _quotaTextsCacheable;
    private readonly string?[] _quotaTexts;
    private Dictionary<Job, double>? _runningKeys;
    private List<(Job Victim, double Cost)>? _victimOrder;

    public PassPlanner(SchedulingEngine engine, DateTimeOffset now)
    {
        _engine = engine;
        _now = now;
        _cluster = engine.Cluster;
        _policy = engine.Policy;
        _gpus = [.. engine.FreeGpusArray];
        _cpu = [.. engine.FreeCpuArray];
        _memory = [.. engine.FreeMemoryArray];
        _used = [.. engine.Ledger.UsedGpus];
        _view = new ClusterCapacityView(_cluster, _gpus, _cpu, _memory, engine.UpArray);
        _admission = new AdmissionContext(engine.Ledger, _used);
        _ordering = new OrderingContext(now, _cluster, engine.Ledger);
        _quotaTextsCacheable = _policy.Admission is CohortQuotaAdmission;
        _quotaTexts = new string?[engine.Ledger.Count * 2];
        _freeByType = new int[_cluster.GpuTypes.Count];
        for (var n = 0; n < _gpus.Length; n++)
        {
            if (engine.UpArray[n])
            {
                _freeByType[_cluster.TypeOf[n]] += _gpus[n];
            }
        }
    }

    public SchedulingPlan Run()
    {
        var candidates = new List<Job>(_engine.Pending.Count);
        foreach (var job in _engine.Pending)
        {
            if (CheckEligible(job))
            {
                candidates.Add(job);
            }
        }

        var keys = new double[candidates.Count];
        _policy.Ordering.ComputeKeys(_ordering, candidates, keys);
        var order = new OrderEntry[candidates.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = new OrderEntry(keys[i], candidates[i].Sequence, i);
        }

        order.AsSpan().Sort(default(OrderEntryComparer));
        Job? head = null;
        Reservation? reservation = null;
        int[]? gpuLimit = null;
        double[]? cpuLimit = null;
        double[]? memLimit = null;
        string? blockedReason = null;
        string? noRoomReason = null;
        var preemptors = 0;
        for (var k = 0; k < order.Length; k++)
        {
            var job = candidates[order[k].Index];
            var spec = job.Spec;
            // Usage only grows during a pass (until a preemption, which clears this memo), so a tenant refused g GPUs
            // is refused any larger job too.
            if (_quotaRejections.TryGetValue(job.TenantIndex, out var refused) && spec.Gpus >= refused.Gpus)
            {
                _reasons.Add((job, Joined(Describe(spec), refused.Reason)));
                continue;
            }

            if (QuotaReason(job) is { } quotaReason)
            {
                if (!_quotaRejections.TryGetValue(job.TenantIndex, out var known) || spec.Gpus < known.Gpus)
                {
                    _quotaRejections[job.TenantIndex] = (spec.Gpus, quotaReason);
                }

                _reasons.Add((job, Joined(Describe(spec), quotaReason)));
                continue;
            }

            var fits = FreeOfTypes(spec) >= spec.Gpus;
            if (head is null)
            {
                var placement = fits ? Place(spec, limited: false) : null;
                if (placement is not null)
                {
                    Start(job, placement);
                    continue;
                }

                if (_policy.PreemptionEnabled && preemptors < _policy.MaxPreemptorsPerPass)
                {
                    preemptors++;

                    if (TryPreempt(job))
                    {
                        continue;
                    }
                }

                head = job;
                var free = FreeOfTypes(spec);
                if (_policy.Backfill)
                {
                    (reservation, gpuLimit, cpuLimit, memLimit) = Reserve(job);
                }

                var at = reservation is null ? string.Empty : "; reserved to start by " + reservation.StartAt.ToString("u", CultureInfo.InvariantCulture);
                _reasons.Add((job, Describe(spec) + $"; {free} suitable GPUs free{at}"));
                blockedReason = reservation is null
                    ? $"waiting behind {job.Spec.Id} (strict order: no reservation can be computed without runtime estimates)"
                    : $"waiting: starting now would delay the reservation of {job.Spec.Id} at {reservation.StartAt.ToString("u", CultureInfo.InvariantCulture)}";
                noRoomReason = $"waiting for GPUs behind {job.Spec.Id}";
                continue;
            }

            if (reservation is null)
            {
                _reasons.Add((job, blockedReason!));
                continue;
            }

            if (!fits)
            {
                _reasons.Add((job, noRoomReason!));
                continue;
            }

            var remaining = job.RemainingSeconds(_now);
            var endsBeforeShadow = remaining is { } r && _now.AddSeconds(r) <= reservation.StartAt;
            if (!endsBeforeShadow)
            {
                _view.GpuLimit = gpuLimit;
                _view.CpuLimit = cpuLimit;
                _view.MemoryLimit = memLimit;
            }

            var backfill = Place(spec, limited: !endsBeforeShadow);
            _view.GpuLimit = null;
            _view.CpuLimit = null;
            _view.MemoryLimit = null;
            if (backfill is null)
            {
                _reasons.Add((job, blockedReason!));
                continue;
            }

            Start(job, backfill);
            if (!endsBeforeShadow)
            {
                foreach (var a in backfill.Nodes)
                {
                    if (gpuLimit![a.NodeIndex] != int.MaxValue)
                    {
                        gpuLimit[a.NodeIndex] -= a.Gpus;
                        cpuLimit![a.NodeIndex] -= spec.CpuPerGpu * a.Gpus;
                        memLimit![a.NodeIndex] -= spec.MemoryPerGpu * a.Gpus;
                    }
                }
            }
        }

        return new SchedulingPlan(_now, _engine.Version, _starts, _preemptions, _expired, reservation, _reasons);
    }

    /// <summary>The quota refusal of <paramref name="job"/>, or <see langword="null"/>. With the built-in
    /// <see cref="CohortQuotaAdmission"/> the text is built once per tenant and verdict until usage changes (it does
    /// not depend on the job's size), so a pass over many refused jobs does not format a string per job.</summary>
    private string? QuotaReason(Job job)
    {
        if (!_quotaTextsCacheable)
        {
            return _policy.Admission.Check(job, _admission);
        }

        var verdict = CohortQuotaAdmission.Evaluate(job, _admission);
        if (verdict == QuotaVerdict.Admit)
        {
            return null;
        }

        var slot = (job.TenantIndex * 2) + (int)verdict - 1;
        return _quotaTexts[slot] ??= CohortQuotaAdmission.Explain(verdict, job, _admission);
    }

    /// <summary><c>description + "; " + reason</c>, shared between jobs that get the same two string instances.</summary>
    private string Joined(string description, string reason)
    {
        if (!_quotaTextsCacheable)
        {
            return description + "; " + reason;
        }

        if (!_joined.TryGetValue((description, reason), out var text))
        {
            text = description + "; " + reason;
            _joined.Add((description, reason), text);
        }

        return text;
    }

    private void UsageChanged() => Array.Clear(_quotaTexts);

    private string Describe(JobSpec spec)
    {
        var key = (spec.Gpus, spec.MaxSpan, spec.GpuTypes.Count == 0 ? string.Empty : string.Join('/', spec.GpuTypes));
        if (!_descriptions.TryGetValue(key, out var text))
        {
            text = SchedulingEngine.Describe(spec);
            _descriptions.Add(key, text);
        }

        return text;
    }

    /// <summary>Places on the pass's capacity, remembering failed shapes: capacity only shrinks while a pass admits
    /// jobs, so a shape that did not fit will not fit later in the pass (the memo is cleared when a preemption frees GPUs).</summary>
    private Placement? Place(JobSpec spec, bool limited)
    {
        var types = spec.GpuTypes.Count == 0 ? string.Empty : string.Join('/', spec.GpuTypes);
        var key = (spec.Gpus, spec.MaxSpan, types, spec.CpuPerGpu, spec.MemoryPerGpu, limited);
        if (_failedShapes.Contains(key) || (limited && _failedShapes.Contains(key with { limited = false })))
        {
            return null;
        }

        var placement = _policy.Placement.TryPlace(spec, _view);

        if (placement is null)
        {
            _failedShapes.Add(key);
        }

        return placement;
    }

    private bool CheckEligible(Job job)
    {
        var spec = job.Spec;
        List<string>? waiting = null;
        foreach (var dep in spec.Dependencies)
        {
            var d = _engine.Jobs[dep];
            switch (d.State)
            {
                case JobState.Completed:
                    continue;
                case JobState.Failed:
                case JobState.Cancelled:
                case JobState.Rejected:
                    _expired.Add(new JobExpiry(spec.Id, $"dependency {dep} ended {d.State.ToString().ToLowerInvariant()}"));
                    return false;
                default:
                    (waiting ??= []).Add(dep);
                    break;
            }
        }

        if (spec.Deadline is { } deadline && _now.AddSeconds(job.RemainingSeconds(_now) ?? 0) > deadline)
        {
            _expired.Add(new JobExpiry(spec.Id, "cannot finish by its deadline " + deadline.ToString("u", CultureInfo.InvariantCulture)));
            return false;
        }

        if (waiting is not null)
        {
            _reasons.Add((job, "waiting for dependencies: " + string.Join(", ", waiting)));
            return false;
        }

        return true;
    }

    private int FreeOfTypes(JobSpec spec)
    {
        if (spec.GpuTypes.Count == 0)
        {
            var max = 0;
            foreach (var f in _freeByType)
            {
                max = Math.Max(max, f);
            }

            return max;
        }

        var best = 0;
        foreach (var name in spec.GpuTypes)
        {
            var t = _cluster.TypeIndex(name);
            if (t >= 0)
            {
                best = Math.Max(best, _freeByType[t]);
            }
        }

        return best;
    }

    private void Start(Job job, Placement placement)
    {
        var spec = job.Spec;
        Take(_gpus, _cpu, _memory, spec, placement, -1);
        _freeByType[_cluster.TypeOf[placement.Nodes[0].NodeIndex]] -= spec.Gpus;
        _used[job.TenantIndex] += spec.Gpus;
        UsageChanged();
        var launch = new JobLaunch(spec, job.Attempts + 1, placement, job.ProgressSeconds, job.RestartCostSecondsForRun);
        _starts.Add(launch);
        _startedEnds.Add((launch.ExpectedRunSeconds ?? double.PositiveInfinity, spec, placement));
    }

    private static void Take(int[] gpus, double[] cpu, double[] memory, JobSpec spec, Placement placement, int sign)
    {
        foreach (var a in placement.Nodes)
        {
            gpus[a.NodeIndex] += sign * a.Gpus;
            cpu[a.NodeIndex] += sign * spec.CpuPerGpu * a.Gpus;
            memory[a.NodeIndex] += sign * spec.MemoryPerGpu * a.Gpus;
        }
    }

    private bool TryPreempt(Job job)
    {
        var spec = job.Spec;
        var quota = _engine.Ledger.Quotas[job.TenantIndex];
        var withinNominal = quota is not null && _used[job.TenantIndex] + spec.Gpus <= quota.NominalGpus;
        var victims = new List<(Job Victim, PreemptionReason Reason, double Cost)>();
        double? jobKey = null;

        // The running jobs in victim order (cost, priority, newest first) are the same for every preemptor of the
        // pass; only who may be touched differs, so filter the pass's sorted list (a total order: same result as
        // sorting each preemptor's victims).
        foreach (var (v, cost) in VictimOrder())
        {
            if (_preempted.Contains(v))
            {
                continue;
            }

            // A job that would borrow must not take GPUs from another tenant that stays within its nominal quota
            // (Kueue: borrowing workloads do not preempt nominal ones); otherwise reclaim and priority could alternate.
            var victimQuota = _engine.Ledger.Quotas[v.TenantIndex];
            var victimBorrowing = victimQuota is not null && _used[v.TenantIndex] > victimQuota.NominalGpus;
            var mayTouch = quota is null || victimQuota is null || v.TenantIndex == job.TenantIndex || withinNominal || victimBorrowing;
            PreemptionReason? reason = null;
            if (v.Spec.Priority < spec.Priority && mayTouch)
            {
                reason = PreemptionReason.Priority;
            }
            else if (withinNominal && victimBorrowing && string.Equals(victimQuota!.Cohort, quota!.Cohort, StringComparison.Ordinal)
                && v.TenantIndex != job.TenantIndex)
            {
                reason = PreemptionReason.QuotaReclaim;
            }
            else if (_policy.Ordering.IsPreemptive && v.Spec.Priority <= spec.Priority && mayTouch)
            {
                jobKey ??= KeyOf(job);
                if (jobKey < RunningKey(v))
                {
                    reason = PreemptionReason.Ordering;
                }
            }

            if (reason is { } r)
            {
                victims.Add((v, r, cost));
            }
        }

        if (victims.Count == 0)
        {
            return false;
        }

        int[] gpus = [.. _gpus];
        double[] cpu = [.. _cpu];
        double[] memory = [.. _memory];
        var trial = new ClusterCapacityView(_cluster, gpus, cpu, memory, _engine.UpArray);
        int[] byType = [.. _freeByType];
        var chosen = new List<(Job Victim, PreemptionReason Reason, double Cost)>();
        var found = false;
        foreach (var v in victims)
        {
            Take(gpus, cpu, memory, v.Victim.Spec, v.Victim.Placement!, 1);
            AddByType(byType, v.Victim.Placement!, 1);
            chosen.Add(v);
            if (!HasRoom(byType, spec))
            {
                continue;
            }

            if (Fits(spec, trial))
            {
                found = true;
                break;
            }
        }

        if (!found)
        {
            return false;
        }

        for (var i = chosen.Count - 2; i >= 0; i--)
        {
            var v = chosen[i].Victim;
            AddByType(byType, v.Placement!, -1);
            if (!HasRoom(byType, spec))
            {
                AddByType(byType, v.Placement!, 1);
                continue;
            }

            Take(gpus, cpu, memory, v.Spec, v.Placement!, -1);
            if (Fits(spec, trial))
            {
                chosen.RemoveAt(i);
            }
            else
            {
                Take(gpus, cpu, memory, v.Spec, v.Placement!, 1);
                AddByType(byType, v.Placement!, 1);
            }
        }

        var placement = _policy.Placement.TryPlace(spec, trial)!;
        foreach (var (v, reason, _) in chosen)
        {
            Take(_gpus, _cpu, _memory, v.Spec, v.Placement!, 1);
            _freeByType[_cluster.TypeOf[v.Placement!.Nodes[0].NodeIndex]] += v.Spec.Gpus;
            _used[v.TenantIndex] -= v.Spec.Gpus;
            _preempted.Add(v);
            _preemptions.Add(new JobPreemption(v.Spec.Id, v.Attempts, spec.Id, reason, v.Spec.Gpus * v.SecondsSinceCheckpoint(_now)));
        }

        _failedShapes.Clear();
        _quotaRejections.Clear();
        UsageChanged();
        Start(job, placement);
        return true;
    }

    /// <summary>Whether the placement strategy would place <paramref name="spec"/> on <paramref name="capacity"/>;
    /// the built-in strategy answers without building the placement.</summary>
    private bool Fits(JobSpec spec, ClusterCapacityView capacity) =>
        _policy.Placement is BestFitTopologyPlacement
            ? BestFitTopologyPlacement.Fits(spec, capacity)
            : _policy.Placement.TryPlace(spec, capacity) is not null;

    /// <summary>The preemptible running jobs sorted once per pass by victim cost, then priority, then newest first.</summary>
    private List<(Job Victim, double Cost)> VictimOrder()
    {
        if (_victimOrder is null)
        {
            _victimOrder = [];
            foreach (var v in _engine.Running)
            {
                // A run started at this instant is never a victim now: preempting it would leave a zero-length
                // segment (started and stopped at once, e.g. a job backfilled by the pass before at the same instant).
                if (v.Spec.Preemptible && v.RunStartedAt != _now)
                {
                    _victimOrder.Add((v, _policy.Preemption.VictimCost(v, _now)));
                }
            }

            _victimOrder.Sort((a, b) =>
            {
                var c = a.Cost.CompareTo(b.Cost);
                if (c != 0)
                {
                    return c;
                }

                c = a.Victim.Spec.Priority.CompareTo(b.Victim.Spec.Priority);
                return c != 0 ? c : b.Victim.Sequence.CompareTo(a.Victim.Sequence);
            });
        }

        return _victimOrder;
    }

    private void AddByType(int[] byType, Placement placement, int sign)
    {
        foreach (var a in placement.Nodes)
        {
            if (_engine.UpArray[a.NodeIndex])
            {
                byType[_cluster.TypeOf[a.NodeIndex]] += sign * a.Gpus;
            }
        }
    }

    private double KeyOf(Job job)
    {
        Span<double> key = stackalloc double[1];
        _policy.Ordering.ComputeKeys(_ordering, [job], key);
        return key[0];
    }

    private double RunningKey(Job job)
    {
        if (_runningKeys is null)
        {
            var running = _engine.Running;
            var keys = new double[running.Count];
            _policy.Ordering.ComputeKeys(_ordering, running, keys);
            _runningKeys = [];
            for (var i = 0; i < keys.Length; i++)
            {
                _runningKeys[running[i]] = keys[i];
            }
        }

        return _runningKeys[job];
    }

    private (Reservation?, int[]?, double[]?, double[]?) Reserve(Job head)
    {
        var ends = new List<(double End, JobSpec Spec, Placement Placement)>();
        foreach (var r in _engine.Running)
        {
            if (!_preempted.Contains(r) && r.RemainingSeconds(_now) is { } left)
            {
                ends.Add((left, r.Spec, r.Placement!));
            }
        }

        foreach (var s in _startedEnds)
        {
            if (double.IsFinite(s.End))
            {
                ends.Add(s);
            }
        }

        ends.Sort((a, b) => a.End.CompareTo(b.End));
        int[] gpus = [.. _gpus];
        double[] cpu = [.. _cpu];
        double[] memory = [.. _memory];
        int[] byType = [.. _freeByType];
        var trial = new ClusterCapacityView(_cluster, gpus, cpu, memory, _engine.UpArray);
        var spec = head.Spec;
        for (var i = 0; i < ends.Count; i++)
        {
            var e = ends[i];
            Take(gpus, cpu, memory, e.Spec, e.Placement, 1);
            foreach (var a in e.Placement.Nodes)
            {
                if (_engine.UpArray[a.NodeIndex])
                {
                    byType[_cluster.TypeOf[a.NodeIndex]] += a.Gpus;
                }
            }

            if (i + 1 < ends.Count && ends[i + 1].End == e.End)
            {
                continue;
            }

            if (!HasRoom(byType, spec) || !Fits(spec, trial))
            {
                continue;
            }

            var placement = _policy.Placement.TryPlace(spec, trial)!;

            var gpuLimit = new int[gpus.Length];
            var cpuLimit = new double[gpus.Length];
            var memLimit = new double[gpus.Length];
            Array.Fill(gpuLimit, int.MaxValue);
            Array.Fill(cpuLimit, double.PositiveInfinity);
            Array.Fill(memLimit, double.PositiveInfinity);
            foreach (var a in placement.Nodes)
            {
                gpuLimit[a.NodeIndex] = gpus[a.NodeIndex] - a.Gpus;
                cpuLimit[a.NodeIndex] = cpu[a.NodeIndex] - (spec.CpuPerGpu * a.Gpus);
                memLimit[a.NodeIndex] = memory[a.NodeIndex] - (spec.MemoryPerGpu * a.Gpus);
            }

            return (new Reservation(spec.Id, _now.AddSeconds(e.End), placement), gpuLimit, cpuLimit, memLimit);
        }

        return (null, null, null, null);
    }

    private bool HasRoom(int[] byType, JobSpec spec)
    {
        if (spec.GpuTypes.Count == 0)
        {
            foreach (var f in byType)
            {
                if (f >= spec.Gpus)
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var name in spec.GpuTypes)
        {
            var t = _cluster.TypeIndex(name);
            if (t >= 0 && byType[t] >= spec.Gpus)
            {
                return true;
            }
        }

        return false;
    }

    private readonly record struct OrderEntry(double Key, long Sequence, int Index);

    /// <summary>Ordering key, then submission order (a total order, so the unstable sort is deterministic).</summary>
    private readonly struct OrderEntryComparer : IComparer<OrderEntry>
    {
        public int Compare(OrderEntry x, OrderEntry y)
        {
            var c = x.Key.CompareTo(y.Key);
            return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
        }
    }

    /// <summary>Compares pairs of strings by reference (the cached description and reason instances).</summary>
    private sealed class ReferencePairComparer : IEqualityComparer<(string, string)>
    {
        public static ReferencePairComparer Instance { get; } = new();

        public bool Equals((string, string) x, (string, string) y) => ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((string, string) obj) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item1), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item2));
    }
}

using System.Globalization;
using System.Numerics;
using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.Internal;

/// <summary>
/// One scheduling pass. It changes the engine's <see cref="CapacityLedger"/> tentatively as it decides (starts,
/// preemption trials, reservation replays) and rolls every change back before it returns, so the engine is as it was.
/// The pass walks the pending jobs in order and stops as soon as no later job can change the outcome: after a blocked
/// head without a reservation, or once no GPU is free; the jobs it did not reach get their reasons on demand
/// (<see cref="DeferredReasons"/>). Not thread-safe; used once.
/// </summary>
internal sealed class PassPlanner
{
    [ThreadStatic]
    private static bool s_openIndexAtOnce;

    private readonly SchedulingEngine _engine;
    private readonly Cluster _cluster;
    private readonly SchedulingPolicy _policy;
    private readonly CapacityLedger _ledger;
    private readonly TenantLedger _tenants;
    private readonly ClusterCapacityView _view;
    private readonly AdmissionContext _admission;
    private readonly OrderingContext _ordering;

    // Per pass (Reset): the plan takes the lists of starts and reasons, so each pass has its own.
    private DateTimeOffset _now;
    private readonly List<JobLaunch> _starts = [];
    private List<JobPreemption>? _preemptions;
    private List<JobExpiry>? _expired;
    private readonly List<(Job Job, object Reason)> _reasons = [];
    private long _pass;
    private readonly HashSet<Job> _ineligible;
    private readonly List<(double End, JobSpec Spec, Placement Placement, int Tenant)> _startedEnds;
    private readonly HashSet<(int Gpus, int Min, TopologyLevel Span, ulong Types, double Cpu, double Memory, bool Limited, TopologyRequest? Topology)> _failedShapes;
    private List<JobResize>? _resizes;
    private readonly Dictionary<(int Tenant, ulong Types), (int Gpus, string Reason)> _quotaRejections;
    private readonly Dictionary<(int, int, TopologyLevel, string, TopologyRequest?), string> _descriptions;
    private readonly List<int> _admitted;
    private Dictionary<(string, string), string>? _joined;
    private readonly List<(int Index, PreemptionReason Reason)> _eligible;
    private readonly List<(Job Victim, PreemptionReason Reason)> _chosen;

    /// <summary>The queue, preemptor key and priority of the victim reading under way (<see cref="IndexedByQueue"/>), and
    /// the one filter delegate that reads them.</summary>
    private double _readingQueue;
    private double _readingJobKey;
    private int _readingPriority;
    private Func<Job, bool>? _inReadingQueue;
    private QueueReading? _queueReading;

    /// <summary>Whether the policy's ordering keys a job independently of the others (its own key, not its running
    /// key), read once: the victim filter asks it for every job it filters.</summary>
    private readonly bool _keysAreIndependent;

    private readonly PriorityQueue<Job, VictimKey> _ranked = new();
    private bool _runningKeysComputed;
    private VictimSequence? _victims;
    private double? _maxVictimKey;
    private Job? _head;
    private Reservation? _reservation;
    private int[]? _gpuLimit;
    private double[]? _cpuLimit;
    private double[]? _memLimit;
    private HeadTexts? _headTexts;
    private int _preemptors;
    private bool[]? _quotaClosed;
    private int _quotaClosedCount;
    private bool _allQuotasClosed;

    /// <summary>Creates the engine's planner; <see cref="Reset"/> readies it for each pass (one planner per engine, so that
    /// a pass allocates no planner: a simulation runs millions of passes).</summary>
    public PassPlanner(SchedulingEngine engine, DateTimeOffset now)
    {
        _engine = engine;
        _cluster = engine.Cluster;
        _policy = engine.Policy;
        _keysAreIndependent = _policy.Ordering.KeysAreIndependent;
        _ledger = engine.Capacity;
        _tenants = engine.Ledger;
        // The contexts are the engine's, reset for this pass (their documented lifetime is the call that receives them).
        var contexts = engine.Scratch;
        var ledger = _ledger;
        _view = contexts.View ??= new ClusterCapacityView(ledger);
        _admission = contexts.Admission ??= new AdmissionContext(_tenants, _cluster, ledger.UsedGpus, ledger.UsedByType, () => ledger.Version);
        _ordering = contexts.Ordering ??= new OrderingContext(now, _cluster, _tenants, _policy.CountsNormalizedService);

        // The preemption trial's lists are the engine's, cleared before each use: a pass of a new list would grow it again
        // to the running set's size (hundreds of entries) on every preemptive pass.
        _eligible = engine.Scratch.Eligible;
        _chosen = engine.Scratch.Chosen;

        // The per-pass sets are the engine's too, emptied by Reset; the descriptions are kept from pass to pass.
        var scratch = engine.Scratch;
        _ineligible = scratch.Ineligible;
        _startedEnds = scratch.StartedEnds;
        _failedShapes = scratch.FailedShapes;
        _quotaRejections = scratch.QuotaRejections;
        _admitted = scratch.Admitted;
        _descriptions = scratch.Descriptions;
        Reset(now);
    }

    /// <summary>Readies the planner for a pass at <paramref name="now"/>: every per-pass field as a new planner has it (the
    /// pass number advanced, the contexts and per-pass sets emptied, new lists for the plan's starts and reasons).</summary>
    public void Reset(DateTimeOffset now)
    {
        _now = now;
        _view.Reset();
        _admission.Reset();
        _ordering.Reset(now);
        _pass = ++_engine.Scratch.Passes;
        _ineligible.Clear();
        _startedEnds.Clear();
        _failedShapes.Clear();
        _quotaRejections.Clear();
        _admitted.Clear();
        _starts.Clear();
        _preemptions = null;
        _expired = null;
        _reasons.Clear();
        _resizes = null;
        _joined?.Clear();
        _runningKeysComputed = false;
        _victims = null;
        _maxVictimKey = null;
        _head = null;
        _reservation = null;
        _gpuLimit = null;
        _cpuLimit = null;
        _memLimit = null;
        _headTexts = null;
        _preemptors = 0;
        if (_quotaClosed is not null && _quotaClosed.Length == _tenants.Count)
        {
            Array.Clear(_quotaClosed);
        }
        else
        {
            // Tenants can be added between passes (a job of a new tenant): the next pass makes an array of the new size.
            _quotaClosed = null;
        }

        _quotaClosedCount = 0;
        _allQuotasClosed = false;
    }

    /// <summary>The most texts a cache of the planner keeps (joined reasons per pass, descriptions per engine).</summary>
    internal const int MaxCachedTexts = 4096;

    /// <summary>Runs the pass.</summary>
    /// <param name="keepCapacity">Whether the ledger keeps the plan's capacity changes (the caller applies the plan at
    /// once and skips them, see <see cref="SchedulingEngine.RunPass"/>); otherwise it is left as it was found.</param>
    public SchedulingPlan Run(bool keepCapacity = false)
    {
        var mark = _ledger.Mark();
        var keep = false;
        try
        {
            if (_engine.ConditionalPending.Count > 0)
            {
                foreach (var job in _engine.ConditionalPending)
                {
                    if (!CheckEligible(job))
                    {
                        _ineligible.Add(job);
                    }
                }
            }

            var complete = true;
            if (_engine.Queue is not null && _engine.RefreshQueueKeys(_ordering) && _engine.Queue is { } queue)
            {
                // The head first: a pass that stops at a blocked head, the usual case under a strict order, then walks
                // nothing more.
                var head = queue.Count > 0 ? queue.Min : null;
                if (head is not null && !_ineligible.Contains(head) && !Examine(head))
                {
                    complete = false;
                }
                else if (queue.Count > 1)
                {
                    foreach (var job in queue)
                    {
                        if (!ReferenceEquals(job, head) && !_ineligible.Contains(job) && !Examine(job))
                        {
                            complete = false;
                            break;
                        }
                    }
                }
            }
            else if (_engine.PendingGroups is { } groups && _policy.Ordering is IGroupedKeys grouped)
            {
                complete = ExamineGroups(groups, grouped);
            }
            else
            {
                // The candidate, key and order buffers are the engine's, reused pass after pass: at 100,000 pending jobs
                // they are large-object-heap arrays that would otherwise be allocated, zeroed and collected every pass.
                var scratch = _engine.Scratch;
                var candidates = scratch.Candidates(_engine.PendingCount);
                var count = 0;
                var filter = _ineligible.Count > 0;
                foreach (var job in _engine.PendingBySequence)
                {
                    if (!filter || !_ineligible.Contains(job))
                    {
                        candidates[count++] = job;
                    }
                }

                try
                {
                    var keys = scratch.Keys(count);
                    _policy.Ordering.ComputeKeys(_ordering, new ArraySegment<Job>(candidates, 0, count), keys);
                    var order = scratch.Order(count);
                    for (var i = 0; i < order.Length; i++)
                    {
                        order[i] = new OrderEntry(keys[i], candidates[i].Sequence, i);
                    }

                    complete = ExamineInOrder(candidates, order);
                }
                finally
                {
                    // No finished job stays reachable through the buffer.
                    Array.Clear(candidates, 0, count);
                }
            }

            // A walk cut short because every tenant's quota refuses even one GPU would only have added quota reasons: for
            // what it decides, it ran to the end.
            if ((complete || _allQuotasClosed) && _head is null && _engine.RunningElastic.Count > 0)
            {
                GrowElasticJobs();
            }

            var deferred = complete ? null : DeferredReasonsOfPass();
            // The lists a pass rarely fills are made on first use, and the starts and reasons are collected in lists reused
            // pass after pass and handed out as arrays of their exact size (a simulation runs millions of passes).
            var plan = new SchedulingPlan(_now, _engine.Version, _starts.Count == 0 ? [] : _starts.ToArray(), (IReadOnlyList<JobPreemption>?)_preemptions ?? [], (IReadOnlyList<JobExpiry>?)_expired ?? [], _reservation, _reasons.Count == 0 ? [] : _reasons.ToArray(), deferred, (IReadOnlyList<JobResize>?)_resizes ?? []) { Owner = _engine };
            keep = keepCapacity;
            return plan;
        }
        finally
        {
            if (keep)
            {
                _ledger.Commit(mark);
            }
            else
            {
                _ledger.Rollback(mark);
            }
        }
    }

    /// <summary>
    /// Examines the candidates in the order of <paramref name="order"/> (key, then submission), stopping when
    /// <see cref="Examine"/> says no later job can change the outcome. Most passes over a long queue stop well before its
    /// end, so the order is produced lazily by <see cref="IncrementalSort{T, TComparer}"/>: the first k entries cost
    /// O(n + k log k) instead of a full O(n log n) sort. The order is the same total order as a full sort's, so the
    /// decisions are too.
    /// </summary>
    private bool ExamineInOrder(Job[] candidates, Span<OrderEntry> order)
    {
        var sort = new IncrementalSort<OrderEntry, OrderEntryComparer>(order.Length, default);
        for (var i = 0; i < order.Length; i++)
        {
            sort.Settle(order, i);
            if (!Examine(candidates[order[i].Index]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Examines the pending jobs in the order of their keys (key, then submission) by merging the engine's groups
    /// (<see cref="IGroupedKeys"/>): each group's next eligible job waits in a heap with its key, and a group's next key is
    /// computed only once its previous job has been examined, so a pass that stops early computes a few keys per group
    /// instead of one per pending job and sorts nothing. The first job of every group is keyed before any job is decided:
    /// the values a key reads from the engine's state are then the pass's starting ones, as when every key is computed
    /// up front. The order is the full sort's (the merge of runs sorted by the same total order), so are the decisions.
    /// </summary>
    private bool ExamineGroups(PendingGroups groups, IGroupedKeys grouped)
    {
        var list = groups.Groups;
        var scratch = _engine.Scratch;
        var readers = scratch.GroupReaders(list.Count);
        var sums = scratch.GroupSums(list.Count);
        var heap = scratch.GroupHeap;
        try
        {
            for (var g = 0; g < list.Count; g++)
            {
                if (list[g].Count > 0)
                {
                    readers[g] = list[g].GetEnumerator();
                    sums[g] = default;
                    KeyNext(g);
                }
            }

            while (heap.TryDequeue(out var g, out _))
            {
                if (!Examine(readers[g].Current))
                {
                    return false;
                }

                KeyNext(g);
            }

            return true;
        }
        finally
        {
            // No finished job stays reachable through the buffers.
            heap.Clear();
            Array.Clear(readers, 0, list.Count);
        }

        void KeyNext(int g)
        {
            ref var reader = ref readers[g];
            while (reader.MoveNext())
            {
                var job = reader.Current;
                if (_ineligible.Count == 0 || !_ineligible.Contains(job))
                {
                    heap.Enqueue(g, new OrderEntry(grouped.NextKey(_ordering, job, ref sums[g]), job.Sequence, g));
                    return;
                }
            }
        }
    }

    /// <summary>Decides for one pending job; <see langword="false"/> when no later job can start or preempt any more.</summary>
    private bool Examine(Job job)
    {
        var spec = job.Spec;
        var types = TypeCandidates(job, out var mask);

        // Usage only grows during a pass (until a preemption, which clears this memo), so a tenant refused g GPUs of some
        // types is refused any larger job on those types too.
        if (mask is { } known && _quotaRejections.TryGetValue((job.TenantIndex, known), out var refused) && spec.SmallestGang >= refused.Gpus)
        {
            _reasons.Add((job, Joined(Describe(spec), refused.Reason)));
            return !CloseQuota(job, refused.Gpus);
        }

        if (Admit(job, types) is { } quotaReason)
        {
            if (mask is { } typeSet && (!_quotaRejections.TryGetValue((job.TenantIndex, typeSet), out var earlier) || spec.SmallestGang < earlier.Gpus))
            {
                _quotaRejections[(job.TenantIndex, typeSet)] = (spec.SmallestGang, quotaReason);
            }

            _reasons.Add((job, Joined(Describe(spec), quotaReason)));
            return !CloseQuota(job, spec.SmallestGang);
        }

        _view.TypeOrder = _admitted.Count == 0 ? types : [.. _admitted];
        try
        {
            return Decide(job);
        }
        finally
        {
            _view.TypeOrder = null;
        }
    }

    /// <summary>
    /// Notes that <paramref name="job"/>'s tenant was refused <paramref name="refusedGpus"/> GPUs by quota; returns
    /// <see langword="true"/> once every tenant's quota refuses a single GPU, after which no later job can be admitted, so
    /// none can start, backfill or preempt and the walk may stop (the unreached jobs get their quota reasons on demand).
    /// Only for an admission that declares <see cref="IUsageAndSizeAdmission"/> (the built-in quotas) and a tenant without
    /// flavours: its verdict then depends on usage and the requested size alone, not on the job's GPU types; usage only
    /// grows until a preemption, which reopens every tenant (<see cref="ReopenQuotas"/>), and the verdict is monotone.
    /// </summary>
    private bool CloseQuota(Job job, int refusedGpus)
    {
        if (refusedGpus > 1 || _policy.Admission is not IUsageAndSizeAdmission || _tenants.Quotas[job.TenantIndex] is not { Flavors.Count: 0 })
        {
            return false;
        }

        _quotaClosed ??= new bool[_tenants.Count];
        if (!_quotaClosed[job.TenantIndex])
        {
            _quotaClosed[job.TenantIndex] = true;
            _quotaClosedCount++;
        }

        _allQuotasClosed = _quotaClosedCount == _tenants.Count;
        return _allQuotasClosed;
    }

    /// <summary>Forgets the tenants closed by <see cref="CloseQuota"/> (a preemption gave GPUs back).</summary>
    private void ReopenQuotas()
    {
        if (_quotaClosed is not null)
        {
            Array.Clear(_quotaClosed);
        }

        _quotaClosedCount = 0;
        _allQuotasClosed = false;
    }

    private bool Decide(Job job)
    {
        var spec = job.Spec;
        var fits = FreeOfAcceptable(spec) >= spec.SmallestGang;
        if (_head is null)
        {
            var placement = fits ? Place(job, limited: false) : null;
            if (placement is not null)
            {
                Start(job, placement);
                return true;
            }

            if (_policy.PreemptionEnabled && _preemptors < _policy.MaxPreemptorsPerPass)
            {
                _preemptors++;
                if (TryPreempt(job))
                {
                    return true;
                }
            }

            _head = job;
            var free = FreeOfAcceptable(spec);
            if (_policy.Backfill)
            {
                (_reservation, _gpuLimit, _cpuLimit, _memLimit) = Reserve(job);
            }

            var texts = HeadTextsFor(spec, free);
            _reasons.Add((job, texts.Reason));
            _headTexts = texts;

            // Without a reservation every later job waits; with one, only free GPUs let a later job start.
            return _reservation is not null && _ledger.MaxFreeOfAnyType() > 0;
        }

        if (_reservation is null)
        {
            _reasons.Add((job, _headTexts!.Blocked));
            return false;
        }

        if (!fits)
        {
            _reasons.Add((job, _headTexts!.NoRoom));
            return true;
        }

        var remaining = job.RemainingSeconds(_now);
        var endsBeforeShadow = remaining is { } r && _now.AddSeconds(r) <= _reservation.StartAt;
        if (!endsBeforeShadow)
        {
            _view.GpuLimit = _gpuLimit;
            _view.CpuLimit = _cpuLimit;
            _view.MemoryLimit = _memLimit;
        }

        var backfill = Place(job, limited: !endsBeforeShadow);
        _view.GpuLimit = null;
        _view.CpuLimit = null;
        _view.MemoryLimit = null;
        if (backfill is null)
        {
            _reasons.Add((job, _headTexts!.Blocked));
            return true;
        }

        Start(job, backfill);
        if (!endsBeforeShadow)
        {
            foreach (var a in backfill.Nodes)
            {
                if (_gpuLimit![a.NodeIndex] != int.MaxValue)
                {
                    _gpuLimit[a.NodeIndex] -= a.Gpus;
                    _cpuLimit![a.NodeIndex] -= spec.CpuPerGpu * a.Gpus;
                    _memLimit![a.NodeIndex] -= spec.MemoryPerGpu * a.Gpus;
                }
            }
        }

        return _ledger.MaxFreeOfAnyType() > 0;
    }

    /// <summary>
    /// The GPU types to try for <paramref name="job"/>, in order, or <see langword="null"/> for the default order (the
    /// job's list, or every type of the cluster): a tenant with flavours tries its flavours in its order; a
    /// heterogeneity-aware policy tries types by normalised throughput; a class never goes where its throughput is 0.
    /// <paramref name="mask"/> is the set of those types (for memos), or <see langword="null"/> on a cluster of more than 64
    /// types (nothing is remembered then).
    /// </summary>
    private int[]? TypeCandidates(Job job, out ulong? mask) => _engine.TypeCandidates(job, out mask);

    /// <summary>The quota refusal of <paramref name="job"/>, or <see langword="null"/>; for a tenant with flavours, the
    /// admitted types are left in <see cref="_admitted"/> in order.</summary>
    private string? Admit(Job job, int[]? types)
    {
        _admitted.Clear();
        if (_tenants.Quotas[job.TenantIndex] is not { Flavors.Count: > 0 } || types is null)
        {
            _admission.GpuTypeIndex = -1;
            return _policy.Admission.Check(job, _admission);
        }

        string? first = null;
        foreach (var t in types)
        {
            _admission.GpuTypeIndex = t;
            var reason = _policy.Admission.Check(job, _admission);
            if (reason is null)
            {
                _admitted.Add(t);
            }
            else
            {
                first ??= reason;
            }
        }

        _admission.GpuTypeIndex = -1;
        return _admitted.Count > 0 ? null : first ?? "no GPU type the job accepts is in its tenant's flavours";
    }

    /// <summary>The blocked head's own reason and the reasons of the jobs behind it, reused from the last pass while the
    /// same head blocks with the same reservation (the head's reason also needs the same free GPUs): a head that blocks
    /// for thousands of passes would otherwise give new reasons thousands of times. The reasons are
    /// <see cref="LazyReason"/>s: written only if read.</summary>
    private HeadTexts HeadTextsFor(JobSpec spec, int free)
    {
        var reservedAt = _reservation?.StartAt;
        var scratch = _engine.Scratch;
        if (scratch.LastHead is { } last && ReferenceEquals(last.Spec, spec) && last.ReservedAt == reservedAt)
        {
            if (last.Free != free)
            {
                last.Free = free;
                last.Reason = new HeadReason(Describe(spec), free, reservedAt);
            }

            return last;
        }

        var texts = new HeadTexts(
            spec,
            reservedAt,
            free,
            new HeadReason(Describe(spec), free, reservedAt));
        scratch.LastHead = texts;
        return texts;
    }

    /// <summary>A blocked head's reasons (see <see cref="HeadTextsFor"/>); the head's own reason is replaced when only the
    /// free GPUs change (the reasons handed out are never changed).</summary>
    internal sealed class HeadTexts(JobSpec spec, DateTimeOffset? reservedAt, int free, LazyReason reason)
    {
        private LazyReason? _blocked;
        private LazyReason? _noRoom;

        public JobSpec Spec { get; } = spec;

        public DateTimeOffset? ReservedAt { get; } = reservedAt;

        public int Free { get; set; } = free;

        public LazyReason Reason { get; set; } = reason;

        /// <summary>Gets the reason of a job behind the head that may not start (made on first use).</summary>
        public LazyReason Blocked => _blocked ??= new BehindHeadReason(Spec.Id, ReservedAt, noRoom: false);

        /// <summary>Gets the reason of a job behind the head for which no GPUs are free (made on first use).</summary>
        public LazyReason NoRoom => _noRoom ??= new BehindHeadReason(Spec.Id, ReservedAt, noRoom: true);
    }

    /// <summary><c>description + "; " + reason</c>, shared between jobs that get the same two string instances.</summary>
    private string Joined(string description, string reason)
    {
        _joined ??= new(ReferencePairComparer.Instance);
        if (!_joined.TryGetValue((description, reason), out var text))
        {
            text = description + "; " + reason;
            if (_joined.Count < MaxCachedTexts)
            {
                _joined.Add((description, reason), text);
            }
        }

        return text;
    }

    /// <summary><see cref="SchedulingEngine.Describe"/>, shared between jobs whose descriptions are the same: the key holds
    /// every field the text depends on (GPUs, the elastic minimum, span, types, topology).</summary>
    private string Describe(JobSpec spec)
    {
        var key = (spec.Gpus, spec.SmallestGang, spec.MaxSpan, spec.GpuTypes.Count == 0 ? string.Empty : string.Join('/', spec.GpuTypes), spec.Topology);
        if (!_descriptions.TryGetValue(key, out var text))
        {
            text = SchedulingEngine.Describe(spec);
            if (_descriptions.Count < MaxCachedTexts)
            {
                _descriptions.Add(key, text);
            }
        }

        return text;
    }

    /// <summary>Places on the pass's capacity, remembering failed shapes: capacity only shrinks while a pass admits
    /// jobs, so a shape that did not fit will not fit later in the pass (the memo is cleared when a preemption frees GPUs).
    /// A shape includes the set of GPU types the job may use; on a cluster of more than 64 types, where that set has no
    /// 64-bit mask, nothing is remembered.</summary>
    private Placement? Place(Job job, bool limited)
    {
        var spec = job.Spec;
        var largest = MaxAdmittedGang(job);
        if (TypeMask(spec) is not { } types)
        {
            return _engine.PlaceLargest(job, _view, largest);
        }

        var key = (largest, spec.SmallestGang, spec.MaxSpan, types, spec.CpuPerGpu, spec.MemoryPerGpu, limited, spec.Topology);
        if (_failedShapes.Contains(key) || (limited && _failedShapes.Contains(key with { limited = false })))
        {
            return null;
        }

        var placement = _engine.PlaceLargest(job, _view, largest);
        if (placement is null)
        {
            _failedShapes.Add(key);
        }

        return placement;
    }

    /// <summary>The largest gang of <paramref name="job"/> its tenant's quota admits now: its gang for a rigid job; for an
    /// elastic one, from <see cref="JobSpec.Gpus"/> down to its minimum (on every GPU type the pass allows it).</summary>
    private int MaxAdmittedGang(Job job)
    {
        var spec = job.Spec;
        if (!spec.IsElastic || _tenants.Quotas[job.TenantIndex] is null)
        {
            return spec.Gpus;
        }

        var flavoured = _tenants.Quotas[job.TenantIndex]!.Flavors.Count > 0;
        var types = flavoured ? _view.TypeOrder ?? [] : [-1];
        var step = spec.Topology?.SliceGpus ?? 1;
        var best = spec.Gpus;
        foreach (var t in types)
        {
            _admission.GpuTypeIndex = t;
            var g = best;
            while (g > spec.SmallestGang)
            {
                _admission.GangOverride = g;
                if (g % step == 0 && _policy.Admission.Check(job, _admission) is null)
                {
                    break;
                }

                g--;
            }

            best = Math.Min(best, g);
        }

        _admission.GangOverride = 0;
        _admission.GpuTypeIndex = -1;
        return best;
    }

    /// <summary>The set of types the view lets the current job use (bit per type), or <see langword="null"/> on a cluster
    /// of more than 64 types.</summary>
    private ulong? TypeMask(JobSpec spec)
    {
        if (_cluster.GpuTypes.Count > 64)
        {
            return null;
        }

        var mask = 0UL;
        if (_view.TypeOrder is { } order)
        {
            foreach (var t in order)
            {
                mask |= 1UL << t;
            }

            return mask;
        }

        if (spec.GpuTypes.Count == 0)
        {
            return _cluster.GpuTypes.Count == 64 ? ulong.MaxValue : (1UL << _cluster.GpuTypes.Count) - 1;
        }

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
                    (_expired ??= []).Add(new JobExpiry(spec.Id, $"dependency {dep} ended {d.State.ToString().ToLowerInvariant()}"));
                    return false;
                default:
                    (waiting ??= []).Add(dep);
                    break;
            }
        }

        if (spec.Deadline is { } deadline && _now.AddSeconds(job.RemainingSeconds(_now) ?? 0) > deadline)
        {
            (_expired ??= []).Add(new JobExpiry(spec.Id, "cannot finish by its deadline " + deadline.ToString("u", CultureInfo.InvariantCulture)));
            return false;
        }

        if (waiting is not null)
        {
            _reasons.Add((job, "waiting for dependencies: " + string.Join(", ", waiting)));
            return false;
        }

        return true;
    }

    /// <summary>The largest free GPUs of one type the current job may use (up nodes).</summary>
    private int FreeOfAcceptable(JobSpec spec)
    {
        if (_view.TypeOrder is { } order)
        {
            var best = 0;
            foreach (var t in order)
            {
                best = Math.Max(best, _ledger.FreeByType[t]);
            }

            return best;
        }

        return _ledger.FreeOfTypes(spec);
    }

    private void Start(Job job, Placement placement)
    {
        var spec = job.Spec;
        _ledger.Take(spec, placement, job.TenantIndex);
        var launch = new JobLaunch(spec, job.Attempts + 1, placement, job.ProgressSeconds, job.RestartCostSecondsForRun)
        {
            Speed = _engine.SpeedOf(spec, placement),
            Job = job,
        };
        _starts.Add(launch);
        _startedEnds.Add((launch.ExpectedRunSeconds ?? double.PositiveInfinity, spec, placement, job.TenantIndex));
    }

    private bool TryPreempt(Job job)
    {
        var withinNominal = WithinNominal(job);
        if (!withinNominal || _tenants.Quotas[job.TenantIndex] is not { Flavors.Count: > 0 } quota)
        {
            return TryPreempt(job, withinNominal);
        }

        // A job that preempts on the strength of its nominal quota must run within it: were it placed on a GPU type
        // where it borrows, the tenants it took from could reclaim at once and the two would preempt each other for
        // ever. So it considers only the types where its smallest gang stays within its flavour's nominal quota.
        var saved = _view.TypeOrder;
        var within = new List<int>();
        foreach (var t in saved ?? [])
        {
            if (quota.Flavor(_cluster.GpuTypes[t]) is { } f && _ledger.UsedByType[job.TenantIndex][t] + job.Spec.SmallestGang <= f.NominalGpus)
            {
                within.Add(t);
            }
        }

        _view.TypeOrder = [.. within];
        try
        {
            return TryPreempt(job, withinNominal);
        }
        finally
        {
            _view.TypeOrder = saved;
        }
    }

    private bool TryPreempt(Job job, bool withinNominal)
    {
        var spec = job.Spec;
        var quota = _tenants.Quotas[job.TenantIndex];
        if (!AnyVictimPossible(job, withinNominal))
        {
            return false;
        }

        double? jobKey = null;

        // Without quotas and with no running job of lower priority, only the ordering can make a victim: when the job
        // ranks after every candidate, no trial can succeed, so skip the scan (common under SRTF and LAS: the blocked
        // head usually ranks after what runs).
        if (_policy.Ordering.IsPreemptive && !_tenants.HasQuotas && _engine.LowestRunningPreemptiblePriority() >= spec.Priority
            && (jobKey = KeyOf(job)) >= MaxVictimKey())
        {
            return false;
        }

        var eligible = _eligible;
        eligible.Clear();
        VictimSequence victims = null!;
        IEnumerable<(Job Victim, PreemptionReason Reason)>? ordered = null;
        var onlyOrdering = !_tenants.HasQuotas && _engine.LowestRunningPreemptiblePriority() >= spec.Priority;
        var anchored = _engine.PreemptibleByAnchor is not null && onlyOrdering;
        var indexed = onlyOrdering && _engine.VictimIndex is { Complete: true };
        if (anchored)
        {
            // Only the ordering can make a victim (no quotas, no running job of lower priority): the eligible victims are
            // the candidates ranked after this job, the last-ranked first, read lazily from the top of the anchor order.
            ordered = RankedFromTop(_engine.PreemptibleByAnchor!, job, jobKey ??= KeyOf(job), spec.Priority);
        }
        else if (indexed)
        {
            // Only the ordering can make a victim: read the index queue by queue, the last queue first, each in its
            // victim order (the preemptor usually needs the first one or two).
            ordered = IndexedByQueue(_engine.VictimIndex!, jobKey ??= KeyOf(job), spec.Priority);
        }
        else
        {
            victims = Victims();
        }

        // The eligible victims, in one scan: lower priority; a borrower the tenant may reclaim from; or, under a
        // preemptive ordering, a job ranked after this one. Another tenant's jobs are victims only while that tenant
        // borrows (Kueue: a tenant within its nominal quota is never preempted by another; preemption inside a tenant
        // follows priority and ordering). Otherwise two tenants can preempt each other without end: one by priority,
        // the other by reclaiming its quota (found by the property tests).
        for (var i = 0; !anchored && !indexed && i < victims.Count; i++)
        {
            var v = victims.Job(i);
            if (v.PreemptedInPass == _pass)
            {
                continue;
            }

            var victimQuota = _tenants.Quotas[v.TenantIndex];
            // Judged on the usage before the trial frees anything (the trial re-checks it victim by victim).
            var victimBorrowing = victimQuota is not null && StillBorrowing(v);
            var mayTouch = quota is null || victimQuota is null || v.TenantIndex == job.TenantIndex || victimBorrowing;
            if (v.Spec.Priority < spec.Priority && mayTouch)
            {
                eligible.Add((i, PreemptionReason.Priority));
            }
            else if (withinNominal && victimBorrowing && string.Equals(victimQuota!.Cohort, quota!.Cohort, StringComparison.Ordinal)
                && v.TenantIndex != job.TenantIndex)
            {
                eligible.Add((i, PreemptionReason.QuotaReclaim));
            }
            else if (_policy.Ordering.IsPreemptive && v.Spec.Priority <= spec.Priority && mayTouch && !Reverts(job, v))
            {
                jobKey ??= KeyOf(job);
                if (jobKey < RunningKey(v))
                {
                    eligible.Add((i, PreemptionReason.Ordering));
                }
            }
        }

        // Under a preemptive ordering the victim order is the ordering's: lower priority, then the job ranked last (the
        // largest running key), then the least lost work (see VictimKey). Without it, the least lost work first.
        if (!anchored && !indexed && _policy.Ordering.IsPreemptive)
        {
            foreach (var (i, _) in eligible)
            {
                victims.RankAs(i, RunningKey(victims.Job(i)));
            }
        }

        // Trial on the ledger: free the eligible victims in victim order until the gang fits, then take back the ones it
        // does not need. The order is produced lazily: usually one or two suffice.
        ordered ??= InVictimOrder(victims, eligible);

        var trial = _ledger.Mark();
        var chosen = _chosen;
        chosen.Clear();
        var found = false;
        foreach (var (v, reason) in ordered)
        {
            if (quota is not null && v.TenantIndex != job.TenantIndex && _tenants.Quotas[v.TenantIndex] is not null
                && (withinNominal ? !StillBorrowing(v) : !StaysAtNominalWithout(v)))
            {
                // Another tenant's job is a victim only while its tenant still borrows (Kueue): once the victims taken
                // so far bring the tenant back to its nominal quota, the rest of its jobs are safe. A preemptor that
                // borrows itself takes only what the other tenant borrows, never part of its nominal quota: otherwise
                // that tenant reclaims at once and the two preempt each other for ever (property tests, seed 1628663494).
                continue;
            }

            _ledger.Give(v.Spec, v.Placement!, v.TenantIndex);
            chosen.Add((v, reason));
            if (FreeOfAcceptable(spec) >= spec.SmallestGang && Fits(spec))
            {
                found = true;
                break;
            }
        }

        Placement? placement = null;
        if (found)
        {
            for (var i = chosen.Count - 2; i >= 0; i--)
            {
                var v = chosen[i].Victim;
                _ledger.Take(v.Spec, v.Placement!, v.TenantIndex);
                if (FreeOfAcceptable(spec) >= spec.SmallestGang && Fits(spec))
                {
                    chosen.RemoveAt(i);
                }
                else
                {
                    _ledger.Give(v.Spec, v.Placement!, v.TenantIndex);
                }
            }

            placement = _engine.PlaceLargest(job, _view, PreemptorGang(job, withinNominal));
        }

        _ledger.Rollback(trial);
        if (placement is null)
        {
            return false;
        }

        foreach (var (v, _) in chosen)
        {
            _ledger.Give(v.Spec, v.Placement!, v.TenantIndex);
            v.PreemptedInPass = _pass;
        }

        _failedShapes.Clear();
        _quotaRejections.Clear();
        ReopenQuotas();
        Start(job, placement);

        // Shrink before preempting: an elastic victim restarts at once on what is left (at most its current size, at
        // least its minimum, as its quota admits) instead of going back to the queue.
        foreach (var (v, reason) in chosen)
        {
            if (v.Spec.IsElastic && Relaunch(v, v.RunningGpus) is { } smaller)
            {
                (_resizes ??= []).Add(new JobResize(v.Spec.Id, v.Attempts, smaller, ResizeKind.Shrink, spec.Id));
                continue;
            }

            (_preemptions ??= []).Add(new JobPreemption(v.Spec.Id, v.Attempts, spec.Id, reason, v.RunningGpus * v.SecondsSinceCheckpoint(_now)) { Job = v });
        }

        return true;
    }

    private static IEnumerable<(Job Victim, PreemptionReason Reason)> InVictimOrder(VictimSequence victims, List<(int Index, PreemptionReason Reason)> eligible)
    {
        foreach (var (index, reason) in victims.InOrder(eligible))
        {
            yield return (victims.Job(index), reason);
        }
    }

    /// <summary>Gets or sets, on this thread, whether engines created from now on keep their victim index from the first
    /// running job instead of above <see cref="SchedulingEngine.VictimIndexOpensAt"/> (a test hook: a small test cluster
    /// runs 16 jobs or fewer much of the time, and then lists its victims directly).</summary>
    internal static bool OpenIndexAtOnce
    {
        get => s_openIndexAtOnce;
        set => s_openIndexAtOnce = value;
    }

    /// <summary>
    /// The eligible victims of a preemptor of key <paramref name="jobKey"/> and priority <paramref name="priority"/> under
    /// an ordering with anchored running keys (SRTF) when only the ordering can make a victim, in victim order: the job
    /// ranked last (largest key) first, equal keys by least lost work, then newest (<see cref="VictimKey"/>; every
    /// eligible victim has the preemptor's priority). Eligible exactly as in the full scan: a candidate not preempted in
    /// this pass, of priority at most the preemptor's, ranked after it.
    /// </summary>
    /// <remarks>
    /// Read lazily from the top of the anchor order: a running job's key is max(0, anchor − t), so the anchor order is
    /// the key order up to the rounding of the key's own arithmetic. Each job read is keyed exactly (as the full scan
    /// keys it) into a small heap, whose first job is given out only once the next unread anchor lies more than
    /// <see cref="VictimIndex.AnchorMargin"/> below that job's line (key + t), so that every unread job has a smaller
    /// key: the same sequence as sorting every eligible job. Reading stops at the preemptor's own line (less the
    /// margin), below which no job ranks after it. A trial that needs one victim reads a few jobs.
    /// </remarks>
    private IEnumerable<(Job Victim, PreemptionReason Reason)> RankedFromTop(SortedJobs byAnchor, Job preemptor, double jobKey, int priority)
    {
        var t = (_now - DateTimeOffset.UnixEpoch).TotalSeconds;
        var line = jobKey + t;
        var floor = double.IsPositiveInfinity(line) ? line : line - VictimIndex.AnchorMargin(line);
        var heap = _ranked;
        heap.Clear();
        var top = byAnchor.FromTop();
        var more = top.MoveNext() && !(top.Current.RunningKeyAnchor < floor);
        while (true)
        {
            while (more && (heap.Count == 0 || !RanksAfterUnread(heap, top.Current.RunningKeyAnchor, t)))
            {
                var v = top.Current;
                if (IsVictimCandidate(v) && v.PreemptedInPass != _pass && v.Spec.Priority <= priority && !Reverts(preemptor, v))
                {
                    var key = KeyOf(v);
                    if (jobKey < key)
                    {
                        heap.Enqueue(v, new VictimKey(_policy.Preemption.VictimCost(v, _now), v.Spec.Priority, v.Sequence) { Rank = key, ByRank = true });
                    }
                }

                more = top.MoveNext() && !(top.Current.RunningKeyAnchor < floor);
            }

            if (heap.Count == 0)
            {
                yield break;
            }

            yield return (heap.Dequeue(), PreemptionReason.Ordering);
        }

        // Whether the heap's first job ranks after every job whose anchor is at most the next unread anchor.
        static bool RanksAfterUnread(PriorityQueue<Job, VictimKey> heap, double nextAnchor, double t)
        {
            heap.TryPeek(out _, out var first);
            if (double.IsPositiveInfinity(first.Rank))
            {
                return nextAnchor < double.PositiveInfinity;
            }

            var firstLine = first.Rank + t;
            return nextAnchor < firstLine - VictimIndex.AnchorMargin(firstLine);
        }
    }

    /// <summary>
    /// The eligible victims of a preemptor of key <paramref name="jobKey"/> and priority <paramref name="priority"/> under
    /// an ordering whose running keys are queues of attained service (2D-LAS) when only the ordering can make a victim,
    /// in victim order: the last queue first, and in each queue the index's order (least lost work, then newest; every
    /// eligible victim has the preemptor's priority), which is <see cref="VictimKey"/>'s order by rank. Each queue is one
    /// reading of the index with the floor of that queue's threshold, so the jobs of lower queues are passed over without
    /// computing their keys.
    /// </summary>
    private IEnumerable<(Job Victim, PreemptionReason Reason)> IndexedByQueue(VictimIndex index, double jobKey, int priority)
    {
        // One filter delegate per planner, reading the queue, key and priority of the reading under way (the index reads
        // one at a time): a closure per reading was 100 MB of a 1,000,000-job LAS run.
        _inReadingQueue ??= InReadingQueue;
        _readingJobKey = jobKey;
        _readingPriority = priority;
        return (_queueReading ??= new QueueReading(this)).Start(index, jobKey);
    }

    /// <summary>Whether a running job is an eligible victim of the reading under way in <see cref="IndexedByQueue"/>: a
    /// candidate not preempted in this pass, of priority at most the preemptor's, in the queue read and ranked after the
    /// preemptor.</summary>
    private bool InReadingQueue(Job v)
    {
        if (!IsVictimCandidate(v) || v.PreemptedInPass == _pass || v.Spec.Priority > _readingPriority)
        {
            return false;
        }

        var key = _keysAreIndependent ? KeyOf(v) : RunningKey(v);
        return key == _readingQueue && _readingJobKey < key;
    }

    /// <summary>Places a running elastic job anew, at most <paramref name="maxGpus"/> GPUs, on the ledger as it is (its own
    /// GPUs already given back), and takes them: the launch of its resized run, or <see langword="null"/>.</summary>
    private JobLaunch? Relaunch(Job job, int maxGpus)
    {
        var saved = _view.TypeOrder;

        // Only the GPU types its tenant's quota admits now, as for a pending job (a shrink found a place on a type
        // whose flavour had no room: a quota overrun found by the property tests, seed 1125474286).
        var types = _engine.TypeCandidates(job, out _);
        if (Admit(job, types) is not null)
        {
            return null;
        }

        _view.TypeOrder = _admitted.Count == 0 ? types : [.. _admitted];
        try
        {
            var largest = Math.Min(maxGpus, MaxAdmittedGang(job));
            if (largest < job.Spec.SmallestGang || _engine.PlaceLargest(job, _view, largest) is not { } placement)
            {
                return null;
            }

            _ledger.Take(job.Spec, placement, job.TenantIndex);
            return new JobLaunch(job.Spec, job.Attempts + 1, placement, job.ProgressAtCheckpoint(_now), job.Spec.RestartCost.TotalSeconds)
            {
                Speed = _engine.SpeedOf(job.Spec, placement),
                Job = job,
            };
        }
        finally
        {
            _view.TypeOrder = saved;
        }
    }

    /// <summary>Grows running elastic jobs into GPUs no pending job can use (in submission order), each to the largest
    /// size that fits and its quota admits, when the gain outweighs the restart (with an estimate) or always (without).</summary>
    private void GrowElasticJobs()
    {
        foreach (var job in _engine.RunningElastic)
        {
            if (job.RunningGpus >= job.Spec.Gpus || job.PreemptedInPass == _pass || job.RunStartedAt == _now || _ledger.MaxFreeOfAnyType() == 0)
            {
                continue;
            }

            var trial = _ledger.Mark();
            _ledger.Give(job.Spec, job.Placement!, job.TenantIndex);
            var launch = Relaunch(job, job.Spec.Gpus);
            _ledger.Rollback(trial);
            if (launch is null || launch.Gpus <= job.RunningGpus || !WorthGrowing(job, launch))
            {
                continue;
            }

            _ledger.Give(job.Spec, job.Placement!, job.TenantIndex);
            _ledger.Take(job.Spec, launch.Placement, job.TenantIndex);
            job.PreemptedInPass = _pass;
            (_resizes ??= []).Add(new JobResize(job.Spec.Id, job.Attempts, launch, ResizeKind.Grow, null));
        }
    }

    /// <summary>Whether restarting on more GPUs finishes sooner: restart cost + work left at the new speed below the time left
    /// at the current speed (always, without an estimate).</summary>
    private bool WorthGrowing(Job job, JobLaunch launch)
    {
        if (job.Spec.RuntimeEstimate is not { } estimate)
        {
            return true;
        }

        var work = Math.Max(0, estimate.TotalSeconds - launch.ProgressSeconds);
        return launch.RestartCostSeconds + (work / launch.Speed) < work / job.CurrentSpeed;
    }

    /// <summary>Whether any running job could be a victim of <paramref name="job"/>: one of lower priority, a borrower
    /// its tenant may reclaim from, or any job under a preemptive ordering. Answers without looking at the jobs in the
    /// common case of one priority, no quotas and a non-preemptive ordering.</summary>
    private bool AnyVictimPossible(Job job, bool withinNominal) =>
        _policy.Ordering.IsPreemptive
        || (withinNominal && _tenants.HasQuotas)
        || _engine.LowestRunningPreemptiblePriority() < job.Spec.Priority;

    private bool WithinNominal(Job job)
    {
        if (_tenants.Quotas[job.TenantIndex] is not { } quota)
        {
            return false;
        }

        if (quota.Flavors.Count == 0)
        {
            return _ledger.UsedGpus[job.TenantIndex] + job.Spec.SmallestGang <= quota.NominalGpus;
        }

        foreach (var t in _view.TypeOrder ?? [])
        {
            if (quota.Flavor(_cluster.GpuTypes[t]) is { } f && _ledger.UsedByType[job.TenantIndex][t] + job.Spec.SmallestGang <= f.NominalGpus)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The largest gang a preemptor may start with once its victims are freed: what admission allows, and for an
    /// elastic job that preempts on the strength of its nominal quota, no more than that quota's headroom (at least its
    /// smallest gang). Starting larger would make it borrow, and the tenants it preempted could reclaim at once: the two
    /// would preempt each other for ever (found by the property tests, seed 318797610).</summary>
    private int PreemptorGang(Job job, bool withinNominal)
    {
        var largest = MaxAdmittedGang(job);
        var spec = job.Spec;
        if (!withinNominal || !spec.IsElastic || _tenants.Quotas[job.TenantIndex] is not { } quota)
        {
            return largest;
        }

        var headroom = 0;
        if (quota.Flavors.Count == 0)
        {
            headroom = quota.NominalGpus - _ledger.UsedGpus[job.TenantIndex];
        }
        else
        {
            foreach (var t in _view.TypeOrder ?? [])
            {
                if (quota.Flavor(_cluster.GpuTypes[t]) is { } f)
                {
                    headroom = Math.Max(headroom, f.NominalGpus - _ledger.UsedByType[job.TenantIndex][t]);
                }
            }
        }

        var step = spec.Topology?.SliceGpus ?? 1;
        return Math.Max(spec.SmallestGang, Math.Min(largest, headroom / step * step));
    }

    /// <summary>Whether a running job's tenant holds more than its nominal quota (of the job's GPU type, with flavours) on
    /// the ledger as it stands, victims freed by the current trial included.</summary>
    private bool StillBorrowing(Job victim)
    {
        var quota = _tenants.Quotas[victim.TenantIndex]!;
        if (quota.Flavors.Count == 0)
        {
            return _ledger.UsedGpus[victim.TenantIndex] > quota.NominalGpus;
        }

        var type = _cluster.TypeOf[victim.Placement!.Nodes[0].NodeIndex];
        return quota.Flavor(_cluster.GpuTypes[type]) is not { } f || _ledger.UsedByType[victim.TenantIndex][type] > f.NominalGpus;
    }

    /// <summary>Whether a running job's tenant would still hold at least its nominal quota (of the job's GPU type, with
    /// flavours) on the ledger as it stands were the job freed: the test for a victim of a preemptor that borrows
    /// (Kueue's proposed <c>LowerPriorityBorrowersOnly</c>, kubernetes-sigs/kueue PR 10211).</summary>
    private bool StaysAtNominalWithout(Job victim)
    {
        var quota = _tenants.Quotas[victim.TenantIndex]!;
        var gpus = victim.Placement!.Gpus;
        if (quota.Flavors.Count == 0)
        {
            return _ledger.UsedGpus[victim.TenantIndex] - gpus >= quota.NominalGpus;
        }

        var type = _cluster.TypeOf[victim.Placement.Nodes[0].NodeIndex];
        return quota.Flavor(_cluster.GpuTypes[type]) is not { } f || _ledger.UsedByType[victim.TenantIndex][type] - gpus >= f.NominalGpus;
    }

    /// <summary>Whether the placement strategy would place the current job's smallest gang on the ledger now.</summary>
    private bool Fits(JobSpec spec) => spec.IsElastic
        ? _policy.Placement.TryPlace(spec, spec.SmallestGang, _view) is not null
        : _policy.Placement.Fits(spec, _view);

    /// <summary>The preemptible running jobs in victim order (cost, then priority, then newest first), produced lazily
    /// from a heap built once per pass: a preemptor usually needs the first few only.</summary>
    private VictimSequence Victims()
    {
        if (_victims is null)
        {
            var running = _engine.Running;
            var scratch = _engine.Scratch;
            if (scratch.VictimJobs.Length < running.Count)
            {
                scratch.VictimJobs = new Job[running.Count * 2];
                scratch.VictimKeys = new VictimKey[running.Count * 2];
            }

            var count = 0;
            foreach (var v in running)
            {
                if (IsVictimCandidate(v))
                {
                    scratch.VictimJobs[count] = v;
                    scratch.VictimKeys[count++] = new VictimKey(double.NaN, v.Spec.Priority, v.Sequence);
                }
            }

            _victims = new VictimSequence(scratch.VictimJobs, scratch.VictimKeys, count, _policy.Preemption, _now);
        }

        return _victims;
    }

    /// <summary>The largest ordering key of the pass's candidate victims (−∞ when there are none), computed once per pass
    /// from the running jobs that <see cref="Victims"/> would list: from the top of the engine's anchor order when the
    /// ordering has anchored running keys (SRTF), else by a scan that stops at the ordering's largest possible key (LAS:
    /// the last queue), else by a scan of every running job.</summary>
    private double MaxVictimKey()
    {
        if (_maxVictimKey is not { } max)
        {
            max = _engine.PreemptibleByAnchor is { } byAnchor ? MaxAnchoredVictimKey(byAnchor) : MaxScannedVictimKey();
            _maxVictimKey = max;
        }

        return max;
    }

    /// <summary>
    /// The largest key among the candidate victims of an ordering with anchored running keys (<see
    /// cref="IAnchoredRunningKey"/>): a running job's key is max(0, anchor − t), so the largest key belongs to a job
    /// whose anchor is within rounding of the largest candidate anchor. The exact key is computed (as the scan would)
    /// for every candidate within a tolerance of the top: 1e-9 of the anchor's magnitude plus a microsecond, far above
    /// the few ulps (about 1e-16 relative per operation) by which the anchor and the key's own arithmetic can differ.
    /// </summary>
    private double MaxAnchoredVictimKey(SortedJobs byAnchor)
    {
        var max = double.NegativeInfinity;
        var floor = double.NaN;
        foreach (var v in byAnchor.FromTop())
        {
            if (!IsVictimCandidate(v))
            {
                continue;
            }

            if (double.IsNaN(floor))
            {
                floor = double.IsPositiveInfinity(v.RunningKeyAnchor)
                    ? double.PositiveInfinity
                    : v.RunningKeyAnchor - VictimIndex.AnchorMargin(v.RunningKeyAnchor);
            }
            else if (v.RunningKeyAnchor < floor)
            {
                break;
            }

            var key = KeyOf(v);
            if (key > max)
            {
                max = key;
            }
        }

        return max;
    }

    private double MaxScannedVictimKey()
    {
        var max = double.NegativeInfinity;
        var running = _engine.Running;
        if (_policy.Ordering is { KeysAreIndependent: true } and IBoundedKey bounded)
        {
            // Key by key, stopping at the first candidate with the largest possible key (under LAS, usually a long job
            // in the last queue, found among the first few).
            var bound = bounded.MaxKey;
            for (var i = 0; i < running.Count && max < bound; i++)
            {
                var v = running[i];
                if (IsVictimCandidate(v) && KeyOf(v) is var key && key > max)
                {
                    max = key;
                }
            }

            return max;
        }

        foreach (var v in running)
        {
            if (IsVictimCandidate(v) && RunningKey(v) is var key && key > max)
            {
                max = key;
            }
        }

        return max;
    }

    // A run started at this instant is never a victim now: preempting it would leave a zero-length segment (started and
    // stopped at once, e.g. a job backfilled by the pass before at the same instant).
    private bool IsVictimCandidate(Job running) => running.Spec.Preemptible && running.RunStartedAt != _now;

    /// <summary>
    /// Whether <paramref name="preemptor"/> taking <paramref name="victim"/> by ordering would undo the preemption that
    /// started <paramref name="victim"/>'s current run, under an ordering with anchored running keys (SRTF): there a
    /// waiting job's key is its remaining time at full size, while a running elastic (or heterogeneity-sped) job's key is
    /// at the speed its placement gives, so two elastic jobs on partial placements could each look shorter than the other
    /// while waiting and preempt each other for ever (found by the property test, seed 309235882). With the same speed on
    /// both sides a victim's waiting key is at least its running key was, which was above its preemptor's, so the victim
    /// could not rank before its preemptor anyway and the rule changes nothing. Under LAS a preempted job may legitimately preempt its preemptor later, once that one's service has
    /// grown past it, so the rule is SRTF's only.
    /// </summary>
    private bool Reverts(Job preemptor, Job victim) =>
        ReferenceEquals(preemptor.OrderingPreemptor, victim) && victim.RunStartedAt == preemptor.OrderingPreemptedAt;

    private double KeyOf(Job job)
    {
        var one = _engine.Scratch.One;
        one[0] = job;
        Span<double> key = stackalloc double[1];
        _policy.Ordering.ComputeKeys(_ordering, one, key);
        one[0] = null!;
        return key[0];
    }

    /// <summary>The ordering key of a running job, from one computation over all running jobs per pass (a pass changes no
    /// running job, and each preemption trial would otherwise recompute the keys of every candidate victim).</summary>
    private double RunningKey(Job job)
    {
        if (!_runningKeysComputed)
        {
            var running = _engine.Running;
            _policy.Ordering.ComputeKeys(_ordering, running, _engine.Scratch.RunningKeys(running.Count));
            _runningKeysComputed = true;
        }

        return _engine.Scratch.RunningKeys(_engine.Running.Count)[job.RunningIndex];
    }

    private (Reservation?, int[]?, double[]?, double[]?) Reserve(Job head)
    {
        var ends = new List<(double End, JobSpec Spec, Placement Placement, int Tenant)>();
        foreach (var r in _engine.Running)
        {
            if (r.PreemptedInPass != _pass && r.RemainingSeconds(_now) is { } left)
            {
                ends.Add((left, r.Spec, r.Placement!, r.TenantIndex));
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
        var spec = head.Spec;
        var mark = _ledger.Mark();
        try
        {
            for (var i = 0; i < ends.Count; i++)
            {
                var e = ends[i];
                _ledger.Give(e.Spec, e.Placement, e.Tenant);
                if (i + 1 < ends.Count && ends[i + 1].End == e.End)
                {
                    continue;
                }

                if (FreeOfAcceptable(spec) < spec.SmallestGang || !Fits(spec))
                {
                    continue;
                }

                var placement = _engine.PlaceLargest(head, _view, MaxAdmittedGang(head))!;
                var n = _ledger.FreeGpus.Length;
                var gpuLimit = new int[n];
                var cpuLimit = new double[n];
                var memLimit = new double[n];
                Array.Fill(gpuLimit, int.MaxValue);
                Array.Fill(cpuLimit, double.PositiveInfinity);
                Array.Fill(memLimit, double.PositiveInfinity);
                foreach (var a in placement.Nodes)
                {
                    gpuLimit[a.NodeIndex] = _ledger.FreeGpus[a.NodeIndex] - a.Gpus;
                    cpuLimit[a.NodeIndex] = _ledger.FreeCpu[a.NodeIndex] - (spec.CpuPerGpu * a.Gpus);
                    memLimit[a.NodeIndex] = _ledger.FreeMemory[a.NodeIndex] - (spec.MemoryPerGpu * a.Gpus);
                }

                return (new Reservation(spec.Id, _now.AddSeconds(e.End), placement), gpuLimit, cpuLimit, memLimit);
            }

            return (null, null, null, null);
        }
        finally
        {
            _ledger.Rollback(mark);
        }
    }

    internal readonly record struct OrderEntry(double Key, long Sequence, int Index);

    /// <summary>Ordering key, then submission order (a total order, so the unstable sort is deterministic).</summary>
    internal readonly struct OrderEntryComparer : IComparer<OrderEntry>
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

    /// <summary>
    /// The reading of <see cref="IndexedByQueue"/>: for each queue from the last down to the one above the preemptor's key,
    /// one reading of the victim index with that queue's service floor. One per planner, reused reading after reading (an
    /// iterator per reading, with the index's own, was about 170 MB of a 1,000,000-job LAS run); its enumerator is itself,
    /// so one enumeration at a time.
    /// </summary>
    private sealed class QueueReading(PassPlanner planner) : IEnumerable<(Job Victim, PreemptionReason Reason)>, IEnumerator<(Job Victim, PreemptionReason Reason)>
    {
        private VictimIndex _index = null!;
        private double _jobKey;
        private double _queue;
        private bool _reading;
        private bool _started;

        public (Job Victim, PreemptionReason Reason) Current { get; private set; }

        object System.Collections.IEnumerator.Current => Current;

        public QueueReading Start(VictimIndex index, double jobKey)
        {
            _index = index;
            _jobKey = jobKey;
            _reading = false;
            _started = false;
            Current = default;
            return this;
        }

        public bool MoveNext()
        {
            while (true)
            {
                if (_reading && _index.TryNext(out var victim))
                {
                    Current = (victim, PreemptionReason.Ordering);
                    return true;
                }

                _queue = _started ? _queue - 1 : Math.Floor(((IBoundedKey)planner._policy.Ordering).MaxKey);
                _started = true;
                if (!(_queue > _jobKey))
                {
                    _reading = false;
                    return false;
                }

                planner._readingQueue = _queue;
                _index.Begin(planner._now, planner._inReadingQueue!, ((IServiceRunningKey)planner._policy.Ordering).ServiceAbove(_queue - 1));
                _reading = true;
            }
        }

        public IEnumerator<(Job Victim, PreemptionReason Reason)> GetEnumerator() => this;

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => this;

        public void Reset() => throw new NotSupportedException("A queue reading is started by the planner, not reset.");

        public void Dispose()
        {
        }
    }

    /// <summary>
    /// Victim order. Under a preemptive ordering (<see cref="ByRank"/>): lower priority first, then the job the ordering
    /// ranks last (larger <see cref="Rank"/>, its running key), then smaller cost, then the newest (larger sequence).
    /// Otherwise: smaller cost first, then lower priority, then the newest. One sequence of victims uses one of the two.
    /// </summary>
    internal readonly record struct VictimKey(double Cost, int Priority, long Sequence) : IComparable<VictimKey>
    {
        /// <summary>Gets the victim's ordering key (its running key) when <see cref="ByRank"/>.</summary>
        public double Rank { get; init; }

        /// <summary>Gets whether the order is the preemptive ordering's: priority, then rank, then cost.</summary>
        public bool ByRank { get; init; }

        public int CompareTo(VictimKey other)
        {
            int c;
            if (ByRank)
            {
                c = Priority.CompareTo(other.Priority);
                if (c != 0)
                {
                    return c;
                }

                c = other.Rank.CompareTo(Rank);
                if (c != 0)
                {
                    return c;
                }

                c = Cost.CompareTo(other.Cost);
                return c != 0 ? c : other.Sequence.CompareTo(Sequence);
            }

            c = Cost.CompareTo(other.Cost);
            if (c != 0)
            {
                return c;
            }

            c = Priority.CompareTo(other.Priority);
            return c != 0 ? c : other.Sequence.CompareTo(Sequence);
        }
    }

    /// <summary>
    /// The preemptible running jobs of a pass with their victim keys, and their order: <see cref="InOrder"/> yields a
    /// subset in victim order, the first few by linear scans for the next smallest key (a preemptor usually needs one
    /// or two), the rest by one sort once more are asked for. The key order is total (it ends with the submission
    /// sequence), so this equals a full sort. Buffers are the engine's, reused across passes.
    /// </summary>
    private sealed class VictimSequence(Job[] jobs, VictimKey[] keys, int count, IPreemptionPolicy policy, DateTimeOffset now)
    {
        private const int ScansBeforeSort = 4;

        public int Count => count;

        public Job Job(int index) => jobs[index];

        /// <summary>Orders the victim at <paramref name="index"/> by the preemptive ordering's rank (its running key).</summary>
        public void RankAs(int index, double rank) => keys[index] = keys[index] with { Rank = rank, ByRank = true };

        public IEnumerable<(int Index, PreemptionReason Reason)> InOrder(List<(int Index, PreemptionReason Reason)> subset)
        {
            // Costs only of the victims a preemptor may take, once per pass.
            foreach (var (index, _) in subset)
            {
                if (double.IsNaN(keys[index].Cost))
                {
                    keys[index] = keys[index] with { Cost = policy.VictimCost(jobs[index], now) };
                }
            }

            var taken = 0;
            var hasLast = false;
            VictimKey last = default;
            while (taken < subset.Count)
            {
                if (taken == ScansBeforeSort)
                {
                    var rest = new List<(int Index, PreemptionReason Reason)>(subset.Count);
                    foreach (var item in subset)
                    {
                        if (keys[item.Index].CompareTo(last) > 0)
                        {
                            rest.Add(item);
                        }
                    }

                    rest.Sort((a, b) => keys[a.Index].CompareTo(keys[b.Index]));
                    foreach (var item in rest)
                    {
                        yield return item;
                    }

                    yield break;
                }

                var best = -1;
                for (var i = 0; i < subset.Count; i++)
                {
                    var k = keys[subset[i].Index];
                    if ((!hasLast || k.CompareTo(last) > 0) && (best < 0 || k.CompareTo(keys[subset[best].Index]) < 0))
                    {
                        best = i;
                    }
                }

                last = keys[subset[best].Index];
                hasLast = true;
                taken++;
                yield return subset[best];
            }
        }
    }

    /// <summary>The pass's deferred reasons: without quotas they depend only on the blocked head's texts and on whether
    /// there is a reservation, so the last pass's object is reused while those are the same (it is immutable); a
    /// simulation's passes otherwise made one each (125 MB in a 1,000,000-job LAS run; reused, 64 MB: its head changes
    /// often).</summary>
    private DeferredReasons DeferredReasonsOfPass()
    {
        var scratch = _engine.Scratch;
        if (!_tenants.HasQuotas && scratch.LastDeferred is { } last && last.SameAs(this))
        {
            return last;
        }

        var made = new DeferredReasons(this);
        scratch.LastDeferred = _tenants.HasQuotas ? null : made;
        return made;
    }

    /// <summary>
    /// The reasons of the pending jobs a pass stopped before: the refusal of the tenant quota (usage as it stands when
    /// asked; right after the plan is applied, as the pass left it), else what blocked the queue (the head without a
    /// reservation, or no free GPUs behind it).
    /// </summary>
    internal sealed class DeferredReasons : IDeferredReasons
    {
        private readonly SchedulingEngine _engine;
        private readonly IAdmissionPolicy _admission;
        private readonly AdmissionContext? _context;
        private readonly HeadTexts? _head;
        private readonly bool _reserved;

        public DeferredReasons(PassPlanner pass)
        {
            _engine = pass._engine;
            _admission = pass._policy.Admission;

            // The plan this belongs to is applied as computed, so the engine's usage after it is what the pass ended with;
            // later changes show in the reasons too (quota as it stands when asked).
            _context = pass._tenants.HasQuotas ? QuotaContext(pass) : null;
            _head = pass._headTexts;
            _reserved = pass._reservation is not null;
        }

        /// <summary>The admission context over the pass's ledger (its own method, so that a pass without quotas does not
        /// allocate the closure: one per pass, 54 MB in a 1,000,000-job LAS run).</summary>
        private static AdmissionContext QuotaContext(PassPlanner pass)
        {
            var ledger = pass._ledger;
            return new AdmissionContext(pass._tenants, pass._cluster, ledger.UsedGpus, ledger.UsedByType, () => ledger.Version);
        }

        /// <summary>Whether a pass without quotas would make reasons equal to these: the same blocked head texts and
        /// reservation (the engine and its admission policy are the same for every pass that reads the engine's scratch).</summary>
        public bool SameAs(PassPlanner pass) => ReferenceEquals(_head, pass._headTexts) && _reserved == (pass._reservation is not null);

        public string? For(Job job)
        {
            if (_context is null)
            {
                return Waiting;
            }

            if (job.TenantIndex >= _context.Ledger.Count)
            {
                return null;
            }

            string? refusal;
            var types = _engine.TypeCandidates(job, out _);
            if (_context.Ledger.Quotas[job.TenantIndex] is { Flavors.Count: > 0 } && types is not null)
            {
                refusal = null;
                foreach (var t in types)
                {
                    _context.GpuTypeIndex = t;
                    var r = _admission.Check(job, _context);
                    if (r is null)
                    {
                        refusal = null;
                        break;
                    }

                    refusal ??= r;
                }

                _context.GpuTypeIndex = -1;
            }
            else
            {
                refusal = _admission.Check(job, _context);
            }

            return refusal is null ? Waiting : SchedulingEngine.Describe(job.Spec) + "; " + refusal;
        }

        /// <summary>What blocked the queue: the head without a reservation, or no free GPUs behind it.</summary>
        private string Waiting => _head is null ? "waiting" : (_reserved ? _head.NoRoom : _head.Blocked).ToString();
    }
}

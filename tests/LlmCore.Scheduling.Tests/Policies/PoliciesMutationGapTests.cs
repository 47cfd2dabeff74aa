using LlmCore.Scheduling.Policies;
using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests.Policies;

/// <summary>
/// The orderings' keys worked by hand from their published definitions, read against Stryker's mutators for
/// scripts/quality/mutation.sh scheduling Policies (docs/quality.md): Slurm's multifactor sum term by term with its
/// clamps and the classic fair-share factor 2^(−U/S), priority aging and its queue key, Tiresias' 2D-LAS queues at
/// their thresholds and the starvation guard at its promotion time, SRTF's running-key anchor, DRF's progressive
/// filling keys, and the documented ranges of the LAS and aging knobs. The scenario tests check whole schedules; these
/// pin each term, so that a wrong term cannot hide behind an order it happens not to change.
/// </summary>
public class PoliciesMutationGapTests
{
    private static readonly Dictionary<string, double> s_qos = new(StringComparer.Ordinal) { ["gold"] = 0.5, ["over"] = 3 };

    // SchedMD, "Multifactor Priority Plugin": priority = W_age·age + W_fs·F + W_size·size + W_prio·prio + W_qos·qos, each
    // factor in [0, 1]; age = wait / PriorityMaxAge capped at 1; size = GPUs / cluster GPUs (1 − that with
    // PriorityFavorSmall); the priority number normalised over Low (0)…Critical (300) and clamped; QOS factor from the
    // table, clamped, 0 when unknown. Weights 1, 10, 100, 1000, 10000 keep the terms apart. One tenant, no usage yet:
    // F = 2^0 = 1. Cluster 1 × 8 GPUs; jobs submitted at t = 0, keys at t = 1 h with MaxAge 2 h (age 0.5):
    //   j1: 2 GPUs, priority 200, QOS gold  → 0.5 + 10 + 100·0.25  + 1000·(2/3) + 10000·0.5
    //   j2: 8 GPUs, priority 400, QOS over  → 0.5 + 10 + 100·1     + 1000·1     + 10000·1   (both clamped to 1)
    //   j3: 1 GPU, priority −50, QOS bronze → 0.5 + 10 + 100·0.125 + 1000·0     + 10000·0   (clamped to 0; unknown QOS)
    //   j4: 4 GPUs, priority 0, no QOS      → 0.5 + 10 + 100·0.5   + 0          + 0
    // The key is the negated priority (larger priority first).
    [Fact]
    public void Multifactor_Keys_AreSlurmsWeightedSumTermByTerm()
    {
        var engine = MultifactorEngine(favorSmall: false);
        var jobs = engine.Submit(MultifactorJobs(), TestSim.T0);
        var context = new OrderingContext(TestSim.At(3600), engine.Cluster, engine.Ledger);

        var keys = Keys(engine, context, jobs);

        double[] expected =
        [
            0.5 + 10 + 25 + (1000.0 * 2 / 3) + 5000,
            0.5 + 10 + 100 + 1000 + 10000,
            0.5 + 10 + 12.5,
            0.5 + 10 + 50,
        ];
        var ordering = (MultifactorOrdering)engine.Policy.Ordering;
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(-expected[i], keys[i], 1e-9);
            Assert.Equal(expected[i], ordering.PriorityOf(context, jobs[i]), 1e-9);
        }
    }

    // PriorityFavorSmall: the size factor becomes 1 − GPUs / cluster GPUs. The age factor is capped at 1 after MaxAge
    // (t = 3 h) and is 0, not negative, before the submission (a context at t = −1 h).
    [Fact]
    public void Multifactor_FavorSmallAndAgeClamps()
    {
        var engine = MultifactorEngine(favorSmall: true);
        var jobs = engine.Submit(MultifactorJobs(), TestSim.T0);

        var late = new OrderingContext(TestSim.At(3 * 3600), engine.Cluster, engine.Ledger);
        var early = new OrderingContext(TestSim.At(-3600), engine.Cluster, engine.Ledger);
        var ordering = (MultifactorOrdering)engine.Policy.Ordering;

        Assert.Equal(-(1 + 10 + 75 + (1000.0 * 2 / 3) + 5000), Keys(engine, late, jobs)[0], 1e-9);
        Assert.Equal(1 + 10 + 0 + 1000 + 10000, ordering.PriorityOf(late, jobs[1]), 1e-9);
        Assert.Equal(-(0 + 10 + 87.5), Keys(engine, early, jobs)[2], 1e-9);
        Assert.Equal(0 + 10 + 50, ordering.PriorityOf(early, jobs[3]), 1e-9);
    }

    // Slurm's classic fair-share factor F = 2^(−U/S): U the tenant's share of all decayed usage, S its normalised
    // share. Tenants a (weight 3) and b (weight 1): S = 3/4 and 1/4. Only a has run (a 4-GPU job from t = 0), so at
    // t = 100 s U_a = 1 and U_b = 0: F_a = 2^(−4/3), F_b = 1, whatever the decay. Only the fair-share weight (1000) is set.
    [Fact]
    public void Multifactor_FairShare_IsTwoToTheMinusUsageOverShare()
    {
        var weights = new MultifactorWeights { Age = 0, FairShare = 1000, JobSize = 0, Priority = 0, Qos = 0 };
        var tenants = new[] { new TenantQuota("a", 4) { Weight = 3 }, new TenantQuota("b", 4) { Weight = 1 } };
        var engine = NewEngine(Cluster.Uniform(1, 8), "multifactor", preemption: false, tenants: tenants, parameters: new PolicyParameters { Multifactor = weights });
        engine.Submit([Job("run", 4, 1000, tenant: "a")], TestSim.T0);
        Assert.Single(engine.RunPass(TestSim.T0).Starts);
        var pending = engine.Submit([Job("pa", 8, 10, tenant: "a"), Job("pb", 8, 10, tenant: "b")], TestSim.At(100));
        var context = new OrderingContext(TestSim.At(100), engine.Cluster, engine.Ledger);

        var keys = Keys(engine, context, pending);

        Assert.Equal(0.75, context.NormalizedShare(pending[0]), 12);
        Assert.Equal(1.0, context.NormalizedUsage(pending[0]), 12);
        Assert.Equal(0.0, context.NormalizedUsage(pending[1]), 12);
        Assert.Equal(-1000 * Math.Pow(2, -4.0 / 3), keys[0], 1e-9);
        Assert.Equal(-1000.0, keys[1], 1e-9);
        Assert.Equal(1000 * Math.Pow(2, -4.0 / 3), ((MultifactorOrdering)engine.Policy.Ordering).PriorityOf(context, pending[0]), 1e-9);
    }

    // Aging (PriorityAgingOrdering's documentation): effective priority = priority + points per hour × hours waited,
    // larger first, so key = −that; the wait is clamped at 0. 10 points per hour; p (priority 100) at t = 0, q (0) at
    // t = 1 h; at t = 3 h: p 100 + 30, q 0 + 20; at t = 0.5 h q has not waited: 0.
    [Fact]
    public void PriorityAging_Keys_ByHand()
    {
        var engine = NewEngine(Cluster.Uniform(1, 1), "priority", parameters: new PolicyParameters { AgingPointsPerHour = 10 });
        var p = engine.Submit([Job("p", 1, 10, priority: 100)], TestSim.T0)[0];
        var q = engine.Submit([Job("q", 1, 10, priority: 0)], TestSim.At(3600))[0];
        Job[] jobs = [p, q];

        var at3h = new OrderingContext(TestSim.At(3 * 3600), engine.Cluster, engine.Ledger);
        var atHalf = new OrderingContext(TestSim.At(1800), engine.Cluster, engine.Ledger);

        Assert.Equal([-130.0, -20.0], Keys(engine, at3h, jobs).Select(static k => Math.Round(k, 9)));
        Assert.Equal([-105.0, 0.0], Keys(engine, atHalf, jobs).Select(static k => Math.Round(k, 9)));

        // The queue key orders waiting jobs as ComputeKeys does: the same difference (−110), valid for ever.
        var ordering = engine.Policy.Ordering;
        Assert.True(ordering.TryComputeQueueKey(at3h, p, out var kp, out var untilP));
        Assert.True(ordering.TryComputeQueueKey(at3h, q, out var kq, out _));
        Assert.Equal(-110.0, kp - kq, 1e-6);
        Assert.Equal(DateTimeOffset.MaxValue, untilP);

        // A job submitted after the context's time would need its age clamped: no queue key then; at its submission
        // time its age is 0, nothing to clamp.
        Assert.False(ordering.TryComputeQueueKey(atHalf, q, out _, out _));
        Assert.True(ordering.TryComputeQueueKey(new OrderingContext(TestSim.At(3600), engine.Cluster, engine.Ledger), q, out _, out _));
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void PriorityAging_PointsPerHour_MustBeNonNegativeFinite(double points)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PriorityAgingOrdering(points));
        Assert.Equal(0, new PriorityAgingOrdering(0).PointsPerHour);
    }

    // Tiresias 2D-LAS (Gu et al., NSDI 2019, §4.1): a job's queue is the number of thresholds its attained service
    // (GPUs × seconds run) has reached. Thresholds 100 and 200 GPU-s, no starvation guard; a 2-GPU job from t = 0 has
    // 2t: queue 0 before t = 50, 1 from t = 50 (exactly at the threshold), 2 from t = 100, never more than 2.
    [Fact]
    public void Las_Queue_CountsThresholdsReached()
    {
        var engine = NewEngine(Cluster.Uniform(1, 2), "las", parameters: new PolicyParameters { LasThresholdsGpuSeconds = [100, 200], LasStarvationFactor = 0 });
        var job = engine.Submit([new JobSpec("a", 2)], TestSim.T0)[0];
        Assert.Single(engine.RunPass(TestSim.T0).Starts);
        var las = (LeastAttainedServiceOrdering)engine.Policy.Ordering;

        Assert.Equal([0, 1, 1, 2, 2], new[] { 49.999, 50, 99.999, 100, 1e6 }.Select(t => las.QueueOf(job, TestSim.At(t))));
        Assert.Equal(2.0, ((IBoundedKey)las).MaxKey);

        // The guard promotes waiting jobs only: a running job (which has "waited" since its submission as long as it
        // has run) keeps its queue even under a factor of 1/2.
        Assert.Equal(2, new LeastAttainedServiceOrdering([100, 200], 0.5).QueueOf(job, TestSim.At(150)));
        var context = new OrderingContext(TestSim.At(75), engine.Cluster, engine.Ledger);
        Assert.Equal([1.0], Keys(engine, context, [job]));
    }

    // The starvation guard (Tiresias §4.1, "promote knob"): a pending job that has waited StarvationFactor times as long
    // as it has run goes back to the first queue. 1 GPU, threshold 100 GPU-s, factor 2: A runs 0..150 (queue 1), B
    // arrives at 150 in queue 0 and preempts it. A has run 150 s, so it is promoted when it has waited 300 s, at
    // t = 450 exactly; its queue key holds until then.
    [Fact]
    public void Las_StarvationGuard_PromotesAtFactorTimesRunTime()
    {
        var engine = NewEngine(Cluster.Uniform(1, 1), "las", parameters: new PolicyParameters { LasThresholdsGpuSeconds = [100], LasStarvationFactor = 2 });
        var a = engine.Submit([new JobSpec("A", 1)], TestSim.T0)[0];
        engine.RunPass(TestSim.T0);
        engine.Submit([new JobSpec("B", 1)], TestSim.At(150));
        var plan = engine.RunPass(TestSim.At(150));
        Assert.Equal("A", plan.Preemptions.Single().JobId);
        Assert.Equal(JobState.Pending, a.State);
        var las = (LeastAttainedServiceOrdering)engine.Policy.Ordering;

        Assert.Equal(1, las.QueueOf(a, TestSim.At(449.999)));
        Assert.Equal(0, las.QueueOf(a, TestSim.At(450)));

        var ordering = engine.Policy.Ordering;
        Assert.True(ordering.TryComputeQueueKey(new OrderingContext(TestSim.At(150), engine.Cluster, engine.Ledger), a, out var key, out var until));
        Assert.Equal(1.0, key);
        Assert.Equal(TestSim.At(450), until);
        Assert.True(ordering.TryComputeQueueKey(new OrderingContext(TestSim.At(460), engine.Cluster, engine.Ledger), a, out key, out until));
        Assert.Equal(0.0, key);
        Assert.Equal(DateTimeOffset.MaxValue, until);

        // A factor of 0 disables the guard: never promoted.
        Assert.Equal(1, new LeastAttainedServiceOrdering([100], 0).QueueOf(a, TestSim.At(1e6)));
    }

    // Thresholds must be finite, positive and strictly ascending (the constructor's documentation); none at all is one
    // queue. The promote knob is ≥ 0 and finite (0 disables the guard).
    [Fact]
    public void Las_Constructor_Ranges()
    {
        double[][] bad = [[0], [-1], [double.NaN], [double.PositiveInfinity], [100, 100], [200, 100]];
        foreach (var thresholds in bad)
        {
            Assert.Equal("thresholdsGpuSeconds", Assert.Throws<ArgumentException>(() => new LeastAttainedServiceOrdering(thresholds, 1)).ParamName);
        }

        Assert.Throws<ArgumentNullException>(() => new LeastAttainedServiceOrdering(null!, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeastAttainedServiceOrdering([100], -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeastAttainedServiceOrdering([100], double.NaN));

        var single = new LeastAttainedServiceOrdering([], 0);
        Assert.Equal(0.0, ((IBoundedKey)single).MaxKey);
        Assert.Equal([1e-9, 1.0], new LeastAttainedServiceOrdering([1e-9, 1.0], 0).ThresholdsGpuSeconds);
    }

    // SRTF's running key is max(0, estimate − progress + restart cost − (t − start)); the anchor fixes it as
    // estimate − progress + restart cost + start (IAnchoredRunningKey). A 100-s job started at t = 10 has anchor
    // 110 s after T0, key 70 at t = 40, 0 after its estimate; a job without an estimate has key +∞.
    [Fact]
    public void Srtf_RunningKeyAndAnchor_ByHand()
    {
        var engine = NewEngine(Cluster.Uniform(1, 1), "srtf");
        var job = engine.Submit([Job("a", 1, 100)], TestSim.At(10))[0];
        engine.RunPass(TestSim.At(10));
        var waiting = engine.Submit([new JobSpec("b", 1)], TestSim.At(20))[0];
        var anchored = (IAnchoredRunningKey)engine.Policy.Ordering;

        Assert.Equal((TestSim.At(110) - DateTimeOffset.UnixEpoch).TotalSeconds, anchored.RunningKeyAnchor(job), 1e-6);
        Assert.Equal(double.PositiveInfinity, anchored.RunningKeyAnchor(waiting));
        Assert.Equal([70.0, double.PositiveInfinity], Keys(engine, new OrderingContext(TestSim.At(40), engine.Cluster, engine.Ledger), [job, waiting]));
        Assert.Equal([0.0], Keys(engine, new OrderingContext(TestSim.At(200), engine.Cluster, engine.Ledger), [job]));
    }

    // SJF: the estimate in seconds, no estimate last (+∞); FIFO: the submission sequence.
    [Fact]
    public void SjfAndFifo_Keys()
    {
        var sjf = NewEngine(Cluster.Uniform(1, 1), "sjf");
        var jobs = sjf.Submit([Job("a", 1, 30), new JobSpec("b", 1), Job("c", 1, 5)], TestSim.T0);
        var context = new OrderingContext(TestSim.T0, sjf.Cluster, sjf.Ledger);
        Assert.Equal([30.0, double.PositiveInfinity, 5.0], Keys(sjf, context, jobs));
        Assert.True(sjf.Policy.Ordering.TryComputeQueueKey(context, jobs[1], out var key, out var until));
        Assert.Equal((double.PositiveInfinity, DateTimeOffset.MaxValue), (key, until));

        var fifo = NewEngine(Cluster.Uniform(1, 1), "fifo");
        var fifoJobs = fifo.Submit([Job("a", 1, 30), Job("b", 1, 5)], TestSim.T0);
        var fifoKeys = Keys(fifo, new OrderingContext(TestSim.T0, fifo.Cluster, fifo.Ledger), fifoJobs);
        Assert.Equal([fifoJobs[0].Sequence, fifoJobs[1].Sequence], fifoKeys.Select(static k => (long)k));
        Assert.True(fifoKeys[0] < fifoKeys[1]);
    }

    // DRF by progressive filling (Ghodsi et al., NSDI 2011): a pending job's key is its tenant's dominant share after it
    // and the tenant's earlier pending jobs, divided by the tenant's weight; a running job's key is the tenant's share
    // now. 8 GPUs, GPUs only; tenant a (weight 1) runs 2 GPUs and waits with 2 then 4 more; tenant b (weight 2) waits
    // with 1: a-run 2/8, a1 4/8, a2 8/8, b1 (1/8)/2.
    [Fact]
    public void Drf_Keys_AreProgressiveFillingShares()
    {
        var tenants = new[] { new TenantQuota("a", 4), new TenantQuota("b", 4) { Weight = 2 } };
        var engine = NewEngine(Cluster.Uniform(1, 8), "drf", preemption: false, tenants: tenants);
        var run = engine.Submit([Job("run", 2, 100, tenant: "a")], TestSim.T0)[0];
        Assert.Single(engine.RunPass(TestSim.T0).Starts);
        var pending = engine.Submit([Job("a1", 2, 10, tenant: "a"), Job("a2", 4, 10, tenant: "a"), Job("b1", 1, 10, tenant: "b")], TestSim.At(1));

        var keys = Keys(engine, new OrderingContext(TestSim.At(1), engine.Cluster, engine.Ledger), [run, .. pending]);

        Assert.Equal([0.25, 0.5, 1.0, 0.0625], keys);
    }

    private static SchedulingEngine MultifactorEngine(bool favorSmall)
    {
        var weights = new MultifactorWeights
        {
            Age = 1,
            FairShare = 10,
            JobSize = 100,
            Priority = 1000,
            Qos = 10000,
            MaxAge = TimeSpan.FromHours(2),
            FavorSmall = favorSmall,
            QosFactors = s_qos,
        };
        return NewEngine(Cluster.Uniform(1, 8), "multifactor", preemption: false, parameters: new PolicyParameters { Multifactor = weights });
    }

    private static JobSpec[] MultifactorJobs() =>
    [
        Job("j1", 2, 10, priority: 200) with { Qos = "gold" },
        Job("j2", 8, 10, priority: 400) with { Qos = "over" },
        Job("j3", 1, 10, priority: -50) with { Qos = "bronze" },
        Job("j4", 4, 10, priority: 0),
    ];

    private static double[] Keys(SchedulingEngine engine, OrderingContext context, IReadOnlyList<Job> jobs)
    {
        var keys = new double[jobs.Count];
        engine.Policy.Ordering.ComputeKeys(context, jobs, keys);
        return keys;
    }
}

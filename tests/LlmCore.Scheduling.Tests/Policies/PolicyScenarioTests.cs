using LlmCore.Scheduling.Policies;
using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests.Policies;

/// <summary>Hand-worked schedules, one or more per policy; the expected times are derived in each test's comment.</summary>
public class PolicyScenarioTests
{
    // 1 node x 8 GPUs; A(4 GPUs, 10 s), B(8, 10 s), C(2, 5 s), D(4, 20 s) all at t = 0.
    // EASY: A starts at 0; B (head) is reserved for t = 10 on the whole node; C ends at 5 <= 10 so it backfills at 0;
    // D would run past 10 on the reserved node, so it waits: B 10..20, D 20..40.
    [Fact]
    public void Fifo_WithBackfill_BackfillsOnlyJobsThatEndBeforeTheReservation()
    {
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 8), "fifo"));
        sim.Arrive(0, Job("A", 4, 10));
        sim.Arrive(0, Job("B", 8, 10));
        sim.Arrive(0, Job("C", 2, 5));
        sim.Arrive(0, Job("D", 4, 20));
        sim.Run();

        Assert.Equal(0, sim.StartOf("A"));
        Assert.Equal(0, sim.StartOf("C"));
        Assert.Equal(10, sim.StartOf("B"));
        Assert.Equal(20, sim.StartOf("D"));
        var first = sim.Plans[0].Plan.Reservation!;
        Assert.Equal("B", first.JobId);
        Assert.Equal(TestSim.At(10), first.StartAt);
    }

    // Same jobs, strict FIFO: A 0..10, B 10..20, then C and D both at 20.
    [Fact]
    public void Fifo_WithoutBackfill_HeadBlocksTheQueue()
    {
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 8), "fifo", backfill: false));
        sim.Arrive(0, Job("A", 4, 10));
        sim.Arrive(0, Job("B", 8, 10));
        sim.Arrive(0, Job("C", 2, 5));
        sim.Arrive(0, Job("D", 4, 20));
        sim.Run();

        Assert.Equal([0.0, 10, 20, 20], new[] { "A", "B", "C", "D" }.Select(id => sim.StartOf(id)));
        Assert.Null(sim.Plans[0].Plan.Reservation);
    }

    // 1 node x 1 GPU. X (10 s) runs from 0. At t = 1: A 30 s, B 5 s, C 20 s. SJF: B 10..15, C 15..35, A 35..65.
    [Fact]
    public void Sjf_RunsShortestEstimateFirst()
    {
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 1), "sjf"));
        sim.Arrive(0, Job("X", 1, 10));
        sim.Arrive(1, Job("A", 1, 30));
        sim.Arrive(1, Job("B", 1, 5));
        sim.Arrive(1, Job("C", 1, 20));
        sim.Run();

        Assert.Equal([10.0, 15, 35], new[] { "B", "C", "A" }.Select(id => sim.StartOf(id)));
    }

    // 1 GPU. A (100 s, no checkpoints) from 0. B (20 s) at 10: remaining 20 < 90, so B preempts A, losing A's 10 s.
    // B 10..30; A restarts at 30 from zero progress and ends at 130.
    [Fact]
    public void Srtf_PreemptsLongerRemainingJob_AndChargesLostWork()
    {
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 1), "srtf"));
        sim.Arrive(0, Job("A", 1, 100));
        sim.Arrive(10, Job("B", 1, 20));
        sim.Run();

        Assert.Equal(10, sim.StartOf("B"));
        Assert.Equal(30, sim.StartOf("A", 2));
        var a = sim.Engine.Jobs["A"];
        Assert.Equal(10, a.LostGpuSeconds, 9);
        Assert.Equal(1, a.Preemptions);
        Assert.Equal(130, sim.Completions.Single(c => c.JobId == "A").Time);
    }

    // 1 node x 4 GPUs, no checkpoints. A (2 GPUs, 1000 s) from 0, B (2, 500 s) from 10; C (2, 100 s) at 20 finds no free
    // GPU. Both running jobs rank after C (remaining 980 and 490 > 100). The least lost work is B's (2 x 10 = 20 GPU-s
    // against A's 40), but B ranks before A (490 < 980): SRTF's victim is the job it ranks last, A (least-lost-work
    // order would take B). So one preemption: C 20..120; B runs 10..510 untouched; A restarts at 120 from zero progress and ends
    // at 1120.
    [Fact]
    public void Srtf_PreemptsTheJobWithTheLongestRemainingTime_NotTheOneThatLosesLeast()
    {
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 4), "srtf"));
        sim.Arrive(0, Job("A", 2, 1000));
        sim.Arrive(10, Job("B", 2, 500));
        sim.Arrive(20, Job("C", 2, 100));
        sim.Run();

        var preemption = sim.Plans.SelectMany(p => p.Plan.Preemptions).Single();
        Assert.Equal(("A", "C", PreemptionReason.Ordering), (preemption.JobId, preemption.ForJobId, preemption.Reason));
        Assert.Equal(40, preemption.LostGpuSeconds, 9);
        Assert.Equal(20, sim.StartOf("C"));
        Assert.Equal(120, sim.StartOf("A", 2));
        Assert.DoesNotContain(sim.Starts, s => s.Launch.JobId == "B" && s.Launch.Attempt > 1);
        Assert.Equal([("C", 120.0), ("B", 510.0), ("A", 1120.0)], sim.Completions.Select(c => (c.JobId, c.Time)));
    }

    // 1 node x 7 GPUs, linear scaling, no checkpoints for J8. J9 (elastic 6-12 GPUs, 64 s at 12, checkpoint every 24 s,
    // restart 3 s) starts at 0 on all 7: speed 7/12, running key 64 / (7/12) = 109.7 s. J8 (elastic 5-10, 63 s at 10,
    // restart 3 s) arrives at 1 with key 63 < 108.7 and preempts J9 (nothing checkpointed); J8 runs on 7 at speed 0.7 and
    // ends at 1 + 63 / 0.7 = 91. At 10 a long job X arrives and a pass runs: J9 waits with key 64 + 3 = 67 (full size),
    // J8's running key is 90 - 9 = 81, so J9 looks shorter and would preempt J8 back, and then J8 J9, for ever (each at
    // 7 GPUs looks longer than the other waiting at full size). SRTF does not let a victim undo the preemption that
    // started its preemptor's run: J8 ends at 91, J9 restarts then and needs 64 / (7/12) + 3 = 112.71 s, ending at
    // 203.71; X starts after it.
    [Fact]
    public void Srtf_ElasticJobsOnPartialPlacements_DoNotPreemptEachOtherBack()
    {
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 7), "srtf"));
        sim.Arrive(0, Job("J9", 12, 64) with { MinGpus = 6, CheckpointInterval = TimeSpan.FromSeconds(24), RestartCost = TimeSpan.FromSeconds(3) });
        sim.Arrive(1, Job("J8", 10, 63) with { MinGpus = 5, RestartCost = TimeSpan.FromSeconds(3) });
        sim.Arrive(10, Job("X", 7, 1000));
        sim.Run();

        var preemption = sim.Plans.SelectMany(p => p.Plan.Preemptions).Single();
        Assert.Equal(("J9", "J8", PreemptionReason.Ordering), (preemption.JobId, preemption.ForJobId, preemption.Reason));
        Assert.Equal(1, sim.StartOf("J8"));
        Assert.Equal(91, sim.Completions.Single(c => c.JobId == "J8").Time, 9);
        Assert.Equal(91, sim.StartOf("J9", 2), 9);
        Assert.Equal(91 + (64 / (7.0 / 12)) + 3, sim.Completions.Single(c => c.JobId == "J9").Time, 9);
        Assert.Equal(91 + (64 / (7.0 / 12)) + 3, sim.StartOf("X"), 9);
    }

    // 1 node x 4 GPUs, LAS thresholds 100 and 1,000 GPU-s, no starvation guard, no checkpoints. A (2 GPUs, really 2000 s)
    // from 0; B (2, really 2000 s) at 450 takes the free half. C (2, really 50 s) at 510: A has attained 2 x 510 = 1020
    // GPU-s (queue 2), B 2 x 60 = 120 (queue 1), C none (queue 0), so both rank after C. B loses least (120 against 1020)
    // but ranks before A; 2D-LAS preempts from the last queue: A (least-lost-work order would take B). C 510..560; A resumes at 560
    // with nothing saved and ends at 2560; B runs 450..2450 untouched (it reaches A's queue at 950, and equal queues do not
    // preempt each other).
    [Fact]
    public void Las_PreemptsFromTheLastQueue_NotTheJobThatLosesLeast()
    {
        var parameters = new PolicyParameters { LasThresholdsGpuSeconds = [100, 1000], LasStarvationFactor = 0 };
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 4), "las", parameters: parameters));
        sim.Arrive(0, new JobSpec("A", 2), 2000);
        sim.Arrive(450, new JobSpec("B", 2), 2000);
        sim.Arrive(510, new JobSpec("C", 2), 50);
        sim.Run();

        var preemption = sim.Plans.SelectMany(p => p.Plan.Preemptions).Single();
        Assert.Equal(("A", "C", PreemptionReason.Ordering), (preemption.JobId, preemption.ForJobId, preemption.Reason));
        Assert.Equal(1020, preemption.LostGpuSeconds, 9);
        Assert.Equal(450, sim.StartOf("B"));
        Assert.Equal(560, sim.StartOf("A", 2));
        Assert.Equal([("C", 560.0), ("B", 2450.0), ("A", 2560.0)], sim.Completions.Select(c => (c.JobId, c.Time)));
    }

    // 1 GPU, one LAS threshold at 100 GPU-s, no starvation guard. A (no estimate, really 300 s) from 0.
    // B (really 20 s) at 150: A has attained 150 >= 100 (queue 1), B is in queue 0 and preempts A. B 150..170; A
    // resumes at 170 with nothing saved (no checkpoints), so it needs 300 s more: ends at 470.
    [Fact]
    public void Las_NewJobInLowerQueuePreemptsJobThatAttainedMoreService()
    {
        var parameters = new PolicyParameters { LasThresholdsGpuSeconds = [100], LasStarvationFactor = 0 };
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 1), "las", parameters: parameters));
        sim.Arrive(0, new JobSpec("A", 1), 300);
        sim.Arrive(150, new JobSpec("B", 1), 20);
        sim.Run();

        Assert.Equal(150, sim.StartOf("B"));
        Assert.Equal(170, sim.StartOf("A", 2));
        Assert.Equal(470, sim.Completions.Single(c => c.JobId == "A").Time);
    }

    // 1 node x 4 GPUs. Low job L (4 GPUs, 100 s, checkpoint every 30 s, restart cost 5 s) from 0. High job H (4, 10 s)
    // at 70: preempts L, which saved 60 s and loses 10 s x 4 GPUs = 40 GPU-s. H 70..80; L restarts at 80 from 60 s of
    // progress and pays 5 s: 80 + 40 + 5 = 125.
    [Fact]
    public void Priority_HigherPriorityPreemptsFromLastCheckpoint()
    {
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 4), "priority"));
        sim.Arrive(0, Job("L", 4, 100, PriorityClasses.Low) with { CheckpointInterval = TimeSpan.FromSeconds(30), RestartCost = TimeSpan.FromSeconds(5) });
        sim.Arrive(70, Job("H", 4, 10, PriorityClasses.High));
        sim.Run();

        var preemption = sim.Plans.SelectMany(p => p.Plan.Preemptions).Single();
        Assert.Equal(("L", "H", PreemptionReason.Priority), (preemption.JobId, preemption.ForJobId, preemption.Reason));
        Assert.Equal(40, preemption.LostGpuSeconds, 9);
        var restart = sim.Starts.Single(s => s.Launch.JobId == "L" && s.Launch.Attempt == 2);
        Assert.Equal((80.0, 60.0, 5.0), (restart.Time, restart.Launch.ProgressSeconds, restart.Launch.RestartCostSeconds));
        Assert.Equal(125, sim.Completions.Single(c => c.JobId == "L").Time);
    }

    // Aging at 10 points/hour: a low job (0) waiting behind a stream of normal jobs (100) outranks new ones after 10 h.
    // 1 GPU; a normal 1-hour job arrives every hour from t = 0; L arrives at t = 1 s. At the pass at hour k the queue
    // holds L with 10·(k − 1/3600) points and the job that just arrived with 100: L wins from k = 11 (at k = 10 it has
    // 99.997 < 100), so L starts at 11 h.
    [Fact]
    public void Priority_WithAging_LowJobEventuallyRunsUnderAStreamOfNormalJobs()
    {
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 1), "priority", preemption: false));
        for (var k = 0; k < 40; k++)
        {
            sim.Arrive(k * 3600, Job("N" + k, 1, 3600));
        }

        sim.Arrive(1, Job("L", 1, 60, PriorityClasses.Low));
        sim.Run();

        Assert.Equal(11 * 3600, sim.StartOf("L"));
    }

    // Two tenants with equal shares, only the fair-share weight on. Tenant "a" used 4 GPUs for 1000 s; then both
    // submit a 4-GPU job at the same time (a's first). 2^(-1/0.5) for a < 2^0 for b, so b's job starts first.
    [Fact]
    public void Multifactor_FairShare_FavoursTenantWithLessUsage()
    {
        var weights = new MultifactorWeights { Age = 0, JobSize = 0, Priority = 0, Qos = 0, FairShare = 1000 };
        var tenants = new[] { new TenantQuota("a", 4) { BorrowingLimitGpus = 0 }, new TenantQuota("b", 4) };
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 4), "multifactor", tenants: tenants, parameters: new PolicyParameters { Multifactor = weights }));
        sim.Arrive(0, Job("a0", 4, 1000, tenant: "a"));
        sim.Arrive(500, Job("a1", 4, 10, tenant: "a"));
        sim.Arrive(500, Job("b1", 4, 10, tenant: "b"));
        sim.Run();

        Assert.Equal(1000, sim.StartOf("b1"));
        Assert.Equal(1010, sim.StartOf("a1"));
    }

    // 1 node x 3 GPUs; tenant x submits four 1-GPU jobs, then y two. DRF keys: x1 1/3, x2 2/3, x3 1, x4 4/3; y1 1/3,
    // y2 2/3. Order x1, y1, x2, y2, ...: the three GPUs go to x1, y1, x2 (FIFO would give x1, x2, x3).
    [Fact]
    public void Drf_InterleavesTenantsByDominantShare()
    {
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 3), "drf", backfill: false));
        foreach (var id in new[] { "x1", "x2", "x3", "x4" })
        {
            sim.Arrive(0, Job(id, 1, 10, tenant: "x"));
        }

        sim.Arrive(0, Job("y1", 1, 10, tenant: "y"));
        sim.Arrive(0, Job("y2", 1, 10, tenant: "y"));
        sim.Run();

        // Admission order inside each pass is the DRF order; at t = 10 the cluster is empty again: x3 1/3, y2 1/3, x4 2/3.
        Assert.Equal(["x1", "y1", "x2"], sim.Starts.Where(s => s.Time == 0).Select(s => s.Launch.JobId));
        Assert.Equal(["x3", "y2", "x4"], sim.Starts.Where(s => s.Time == 10).Select(s => s.Launch.JobId));
    }

    // Quotas on 8 GPUs: a (nominal 4, may borrow 2), b (nominal 4). a runs three 2-GPU jobs (borrowing 2 of b's), a
    // fourth waits on its borrowing limit. b then submits 4 GPUs within its nominal quota: 2 are free, so one of a's
    // jobs is reclaimed.
    [Fact]
    public void Quota_BorrowingWithinLimit_AndReclaimByPreemption()
    {
        var tenants = new[] { new TenantQuota("a", 4) { BorrowingLimitGpus = 2 }, new TenantQuota("b", 4) };
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", tenants: tenants);
        engine.Submit([Job("a1", 2, 100, tenant: "a"), Job("a2", 2, 100, tenant: "a"), Job("a3", 2, 100, tenant: "a"), Job("a4", 2, 100, tenant: "a")], TestSim.T0);
        var first = engine.RunPass(TestSim.T0);
        Assert.Equal(["a1", "a2", "a3"], first.Starts.Select(s => s.JobId));
        Assert.Contains("tenant a has used its quota", engine.Jobs["a4"].Reason, StringComparison.Ordinal);

        engine.Submit([Job("b1", 4, 10, tenant: "b")], TestSim.At(5));
        var second = engine.RunPass(TestSim.At(5));
        var p = Assert.Single(second.Preemptions);
        Assert.Equal(PreemptionReason.QuotaReclaim, p.Reason);
        Assert.Equal("b1", Assert.Single(second.Starts).JobId);
        Assert.True(engine.TenantUsedGpus("a") <= 4 + 2);
    }

    // Regression (found by TopologyFlavorElasticPropertyTests, seed 318797610: 88,000 preemptions without an end).
    // 4 nodes x 8 GPUs; tenant a (nominal 16) runs a1 (13 GPUs, low priority) and a2 (6, normal): 19, borrowing 3.
    // e1 of tenant e (nominal 16), high priority and elastic (16 to 32 GPUs), arrives at t = 1: 13 GPUs are free, so it
    // preempts a2 (a borrows). Its 16-GPU minimum is within e's nominal quota, so it starts at 16 GPUs, its nominal
    // headroom. Before the fix it took all 19 free GPUs, borrowing 3; at the next pass (x1's arrival) a, back within its
    // quota, reclaimed them by preempting e1 whole, e1 preempted a's jobs again, and so on without end.
    [Fact]
    public void Quota_ElasticPreemptorStartsWithinItsNominalQuota_NoPreemptionCycle()
    {
        var tenants = new[] { new TenantQuota("a", 16), new TenantQuota("e", 16) };
        var sim = new TestSim(NewEngine(Cluster.Uniform(4, 8), "fifo", backfill: false, tenants: tenants));
        sim.Arrive(0, Job("a1", 13, 100, PriorityClasses.Low, "a"));
        sim.Arrive(0, Job("a2", 6, 100, PriorityClasses.Normal, "a"));
        sim.Arrive(1, Job("e1", 32, 50, PriorityClasses.High, "e") with { MinGpus = 16 });
        sim.Arrive(2, Job("x1", 1, 1, PriorityClasses.Low, "a"));
        sim.Run(maxSteps: 1_000);

        var first = sim.Plans.Single(p => p.Time == 1).Plan;
        Assert.Equal(("e1", 16), (Assert.Single(first.Starts).JobId, first.Starts[0].Placement.Gpus));
        Assert.Equal(("a2", "e1"), (Assert.Single(first.Preemptions).JobId, first.Preemptions[0].ForJobId));
        Assert.DoesNotContain(sim.Plans, p => p.Plan.Preemptions.Any(v => v.JobId == "e1"));
        Assert.Equal(["a1", "a2", "e1", "x1"], sim.Completions.Select(c => c.JobId).Order(StringComparer.Ordinal));
    }

    // Kueue's rule: a tenant within its nominal quota is never preempted by another tenant, whatever the priorities.
    // 4 x 8 GPUs; a (nominal 20) runs a1 (13, low) and a2 (6, normal): 19, within its quota. e1 (16 GPUs, high, tenant e
    // with nominal 16) waits for a's jobs (they end at t = 100) instead of preempting a2. Before, it preempted a2, and a
    // reclaimed as soon as e borrowed: the cycle the property tests found (seed 1400661910 under sjf).
    [Fact]
    public void Quota_TenantWithinNominalIsNotPreemptedByAnotherTenantsPriority()
    {
        var tenants = new[] { new TenantQuota("a", 20), new TenantQuota("e", 16) };
        var sim = new TestSim(NewEngine(Cluster.Uniform(4, 8), "fifo", backfill: false, tenants: tenants));
        sim.Arrive(0, Job("a1", 13, 100, PriorityClasses.Low, "a"));
        sim.Arrive(0, Job("a2", 6, 100, PriorityClasses.Normal, "a"));
        sim.Arrive(1, Job("e1", 16, 50, PriorityClasses.High, "e"));
        sim.Run(maxSteps: 1_000);

        Assert.DoesNotContain(sim.Plans, p => p.Plan.Preemptions.Count > 0);
        Assert.Equal(100, sim.StartOf("e1"));
    }

    // Reclaim takes another tenant's jobs only while that tenant still borrows. 4 x 8 GPUs; b (nominal 12) runs b1 (6
    // GPUs) and b2 (8): 14, borrowing 2; 18 GPUs are free. a1 of tenant a (nominal 28) needs 28, within a's quota, so it
    // would need both of b's jobs (18 + 6 + 8 = 32); but after the first, b holds at most 8 <= 12 and the other is
    // safe. So a1 preempts nobody and waits for b's jobs (they end at t = 100). Before the fix it preempted both.
    [Fact]
    public void Quota_ReclaimStopsOnceTheBorrowerIsBackWithinItsQuota()
    {
        var tenants = new[] { new TenantQuota("a", 28), new TenantQuota("b", 12) };
        var sim = new TestSim(NewEngine(Cluster.Uniform(4, 8), "fifo", backfill: false, tenants: tenants));
        sim.Arrive(0, Job("b1", 6, 100, tenant: "b"));
        sim.Arrive(0, Job("b2", 8, 100, tenant: "b"));
        sim.Arrive(1, Job("a1", 28, 10, tenant: "a"));
        sim.Run(maxSteps: 1_000);

        Assert.DoesNotContain(sim.Plans, p => p.Plan.Preemptions.Count > 0);
        Assert.Equal(100, sim.StartOf("a1"));
    }

    // Regression (found by SchedulingPropertyTests with CsCheck_Time=30: drf, workload seed 1628663494, without end). A
    // preemptor that borrows takes only what the other tenant borrows, never part of its nominal quota (Kueue's proposed
    // LowerPriorityBorrowersOnly, kubernetes-sigs/kueue PR 10211). Nodes of 4 A100 and 4 H100; every job wants H100.
    // t0 (nominal 4, lends it) is idle; t1 (nominal 2, may borrow 2) runs j7 (1 GPU, 100 s) and j10 (3 GPUs, 50 s): 4,
    // borrowing 2. At t = 10 j18 of t2 (nominal 2), high priority, needs all 4 H100, so t2 would borrow 2. Freeing j7
    // leaves t1 at 3 (>= 2); freeing j10 as well would leave it at 0, so j10 is no victim, 1 GPU is not enough and j18
    // preempts nobody: it starts at t = 100, when j7 (the later) ends; x (t0, A100, 20..25) only makes a pass. Before,
    // j18 preempted both; at the next pass t1, below its nominal quota, reclaimed with j7 (preempting j18, which
    // borrowed), j10 borrowed the rest in the same pass, and j18 preempted both again, at every pass without end (the
    // simulation ran out of its 1,000 steps).
    [Fact]
    public void Quota_BorrowingPreemptorTakesOnlyWhatTheOtherTenantBorrows_NoPreemptionCycle()
    {
        var cluster = new Cluster([new NodeSpec("n0", 4, "A100"), new NodeSpec("n1", 4, "H100")]);
        var tenants = new[] { new TenantQuota("t0", 4) { BorrowingLimitGpus = 0 }, new TenantQuota("t1", 2) { BorrowingLimitGpus = 2 }, new TenantQuota("t2", 2) };
        var sim = new TestSim(NewEngine(cluster, "drf", backfill: false, tenants: tenants));
        sim.Arrive(0, Job("j7", 1, 100, PriorityClasses.Normal, "t1") with { GpuTypes = ["H100"] });
        sim.Arrive(0, Job("j10", 3, 50, PriorityClasses.Low, "t1") with { GpuTypes = ["H100"] });
        sim.Arrive(10, Job("j18", 4, 30, PriorityClasses.High, "t2") with { GpuTypes = ["H100"] });
        sim.Arrive(20, Job("x", 1, 5, PriorityClasses.Low, "t0") with { GpuTypes = ["A100"] });
        sim.Run(maxSteps: 1_000);

        Assert.DoesNotContain(sim.Plans, p => p.Plan.Preemptions.Count > 0);
        Assert.Equal((0, 0, 100), (sim.StartOf("j7"), sim.StartOf("j10"), sim.StartOf("j18")));
        Assert.Equal([(25, "x"), (50, "j10"), (100, "j7"), (130, "j18")], sim.Completions);
    }

    // The reclaim that the rule above relies on: a within-nominal job preempts a borrower. 4 x 8 GPUs, tenants a and b
    // with nominal 16 each; b runs b1 (24 GPUs, borrowing 8); a1 (16 GPUs, a's whole nominal quota, normal priority)
    // reclaims: b1 is preempted.
    [Fact]
    public void Quota_WithinNominalJobStillReclaimsFromABorrower()
    {
        var tenants = new[] { new TenantQuota("a", 16), new TenantQuota("b", 16) };
        var engine = NewEngine(Cluster.Uniform(4, 8), "fifo", backfill: false, tenants: tenants);
        engine.Submit([Job("b1", 24, 100, PriorityClasses.Normal, "b")], TestSim.T0);
        Assert.Equal("b1", Assert.Single(engine.RunPass(TestSim.T0).Starts).JobId);

        engine.Submit([Job("a1", 16, 100, PriorityClasses.Normal, "a")], TestSim.At(1));
        var pass = engine.RunPass(TestSim.At(1));
        var p = Assert.Single(pass.Preemptions);
        Assert.Equal(("b1", PreemptionReason.QuotaReclaim), (p.JobId, p.Reason));
        Assert.Equal("a1", Assert.Single(pass.Starts).JobId);
    }
}

using CsCheck;
using LlmCore.Scheduling.Policies;
using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests.Internals;

/// <summary>
/// PassPlanner through the engine (issue 21, Scheduling Internal survivors): EASY backfill around the head's
/// reservation (docs/scheduling.md: "later jobs start only if they end before it or leave the reserved GPUs free";
/// Lifka 1995, Mu'alem and Feitelson 2001 — a backfilled job may run past the shadow time only on GPUs, cores and memory
/// the reservation does not need), the pending reasons quoted in docs/scheduling.md ("Pending reasons"), deadlines and
/// dependencies, the order a pass examines its queue in, and the growth of elastic jobs ("Grow": only after a pass that
/// left no job waiting for GPUs). Every expected value is worked by hand in the comments.
/// </summary>
public class PassPlannerMutationGapTests
{
    private static readonly DateTimeOffset T0 = TestSim.T0;

    private static SchedulingPlan Pass(SchedulingEngine engine, double at) => engine.RunPass(TestSim.At(at));

    private static JobSpec Spec(string id, int gpus, double? estimate = null, double cpu = 0, double memory = 0, string[]? types = null) =>
        Job(id, gpus, estimate) with { CpuCores = cpu, MemoryGib = memory, GpuTypes = types ?? [] };

    // One 8-GPU node. A (4 GPUs, 100 s) runs from t = 0. At t = 0 the queue is, in FIFO order:
    //   B 8 GPUs, 50 s  — 4 free < 8: the head; A ends at 100 s, then 8 are free: reserved at 00:01:40.
    //   C 8 GPUs        — 4 free < 8: no room ("waiting for GPUs behind B"), the walk goes on.
    //   E 4 GPUs, 200 s — fits now but would run past 100 s on GPUs the reservation needs (8 − 8 = 0 spare): blocked.
    //   D 2 GPUs, 100 s — ends at 100 s, by the shadow time (EASY's "terminates by the shadow time"): backfilled.
    [Fact]
    public void Backfill_AroundTheReservation_StartsOnlyWhatEndsInTime_WithTheDocumentedReasons()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", preemption: false);
        engine.Submit([Job("A", 4, 100)], T0);
        Pass(engine, 0);
        var jobs = engine.Submit([Job("B", 8, 50), Job("C", 8, 10), Job("E", 4, 200), Job("D", 2, 100)], T0).ToDictionary(j => j.Spec.Id);

        var plan = Pass(engine, 0);

        Assert.Equal(["D"], plan.Starts.Select(s => s.JobId));
        Assert.Equal(("B", TestSim.At(100)), (plan.Reservation!.JobId, plan.Reservation.StartAt));
        Assert.Equal("needs 8 GPUs; 4 suitable GPUs free; reserved to start by 2026-01-01 00:01:40Z", jobs["B"].Reason);
        Assert.Equal("waiting for GPUs behind B", jobs["C"].Reason);
        Assert.Equal("waiting: starting now would delay the reservation of B at 2026-01-01 00:01:40Z", jobs["E"].Reason);
    }

    // One 8-GPU node; A (2 GPUs, 100 s) runs. B (7 GPUs) is the head, reserved at 100 s on the node: 8 − 7 = 1 GPU spare
    // for jobs that run past it. E1 (1 GPU, no estimate) takes that spare GPU; E2 (1 GPU, no estimate) finds none left
    // (6 GPUs are free now, but only 1 − 1 = 0 may be used past the shadow time).
    [Fact]
    public void Backfill_PastTheShadow_UsesTheSpareGpusOnlyOnce()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", preemption: false);
        engine.Submit([Job("A", 2, 100)], T0);
        Pass(engine, 0);
        var jobs = engine.Submit([Job("B", 7, 10), Job("E1", 1), Job("E2", 1)], T0).ToDictionary(j => j.Spec.Id);

        var plan = Pass(engine, 0);

        Assert.Equal(["E1"], plan.Starts.Select(s => s.JobId));
        Assert.Equal("waiting: starting now would delay the reservation of B at 2026-01-01 00:01:40Z", jobs["E2"].Reason);
    }

    // The same for CPU cores and memory: one node of 16 GPUs, 64 cores, 64 GiB; A (12 GPUs, 100 s) runs, so 4 GPUs are
    // free. B (8 GPUs, 48 cores or GiB) is the head, reserved at 100 s: 64 − 48 = 16 spare past the shadow time. E1 (2
    // GPUs, 10) starts and leaves 16 − 10 = 6; E2 (1 GPU, 10) needs more than 6 and waits, although 54 are free now.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Backfill_PastTheShadow_CountsTheReservedCoresAndMemory(bool cpu)
    {
        var cluster = new Cluster([new NodeSpec("n0", 16) { CpuCores = 64, MemoryGib = 64 }]);
        var engine = NewEngine(cluster, "fifo", preemption: false);
        engine.Submit([Job("A", 12, 100)], T0);
        Pass(engine, 0);
        JobSpec Needing(string id, int gpus, double amount, double? estimate = null) =>
            cpu ? Spec(id, gpus, estimate, cpu: amount) : Spec(id, gpus, estimate, memory: amount);
        var jobs = engine.Submit([Needing("B", 8, 48, 10), Needing("E1", 2, 10), Needing("E2", 1, 10)], T0).ToDictionary(j => j.Spec.Id);

        var plan = Pass(engine, 0);

        Assert.Equal("B", plan.Reservation!.JobId);
        Assert.Equal(["E1"], plan.Starts.Select(s => s.JobId));
        Assert.Equal("waiting: starting now would delay the reservation of B at 2026-01-01 00:01:40Z", jobs["E2"].Reason);
    }

    // Nodes the reservation does not use are not limited: an H100 node (busy until 100 s, reserved for B, which needs 8
    // H100) and an A100 node. E (4 GPUs of any type, 1 core, 1 GiB, no estimate) runs past the shadow time on the A100
    // node, whose GPUs, cores and memory B does not need.
    [Fact]
    public void Backfill_PastTheShadow_OnANodeTheReservationDoesNotUse_IsNotLimited()
    {
        var cluster = new Cluster([new NodeSpec("h", 8, "H100"), new NodeSpec("a", 8, "A100")]);
        var engine = NewEngine(cluster, "fifo", preemption: false);
        engine.Submit([Spec("A", 8, 100, types: ["H100"])], T0);
        Pass(engine, 0);
        engine.Submit([Spec("B", 8, 10, types: ["H100"]), Spec("E", 4, cpu: 1, memory: 1)], T0);

        var plan = Pass(engine, 0);

        Assert.Equal("B", plan.Reservation!.JobId);
        var e = Assert.Single(plan.Starts);
        Assert.Equal(("E", "a"), (e.JobId, e.Placement.Nodes[0].NodeName));
    }

    // Without runtime estimates no reservation exists and the queue is strict: the head B waits (4 of its 8 GPUs free),
    // and the jobs behind it — never reached by the walk — wait behind it with the strict-order reason. With
    // multifactor's default weights the order is the same as FIFO's here (equal priority, one tenant, submitted together;
    // the size factor 1000 × Gpus / 8 puts B (8) before C (2) before D (1)).
    [Theory]
    [InlineData("fifo")]
    [InlineData("multifactor")]
    public void StrictOrder_JobsBehindTheHead_WaitBehindIt(string policy)
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), policy, preemption: false);
        engine.Submit([Job("A", 4)], T0);
        Pass(engine, 0);
        var jobs = engine.Submit([Job("B", 8), Job("C", 2), Job("D", 1)], T0).ToDictionary(j => j.Spec.Id);

        var plan = Pass(engine, 0);

        Assert.Empty(plan.Starts);
        Assert.Null(plan.Reservation);
        Assert.Equal("needs 8 GPUs; 4 suitable GPUs free", jobs["B"].Reason);
        const string Behind = "waiting behind B (strict order: no reservation can be computed without runtime estimates)";
        Assert.Equal(Behind, jobs["C"].Reason);
        Assert.Equal(Behind, jobs["D"].Reason);
    }

    // With a reservation and no GPU left, the jobs behind it wait for GPUs: one 8-GPU node fully used by A (100 s); B
    // (8 GPUs, 10 s) reserved at 100 s; C and D (1 GPU each) are not reached (nothing free) and wait for GPUs behind B.
    [Fact]
    public void Reservation_NothingFree_JobsBehindWaitForGpus()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "multifactor", preemption: false);
        engine.Submit([Job("A", 8, 100)], T0);
        Pass(engine, 0);
        var jobs = engine.Submit([Job("B", 8, 10), Job("C", 1, 10), Job("D", 1, 10)], T0).ToDictionary(j => j.Spec.Id);

        var plan = Pass(engine, 0);

        Assert.Equal("B", plan.Reservation!.JobId);
        Assert.Equal("waiting for GPUs behind B", jobs["C"].Reason);
        Assert.Equal("waiting for GPUs behind B", jobs["D"].Reason);
    }

    // A job "cannot finish by its deadline" when now + its remaining estimate is after the deadline: X (100 s, deadline
    // at 100 s) finishes exactly by it and starts; Y (100 s, deadline at 99 s) expires with the deadline in the reason.
    [Fact]
    public void Deadline_ExactlyReachable_Starts_OneSecondShort_Expires()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", preemption: false);
        engine.Submit([Job("X", 1, 100) with { Deadline = TestSim.At(100) }, Job("Y", 1, 100) with { Deadline = TestSim.At(99) }], T0);

        var plan = Pass(engine, 0);

        Assert.Equal(["X"], plan.Starts.Select(s => s.JobId));
        var expired = Assert.Single(plan.Expired);
        Assert.Equal(("Y", "cannot finish by its deadline 2026-01-01 00:01:39Z"), (expired.JobId, expired.Reason));
    }

    // C waits for both of its running dependencies, named in its order; D's only dependency completed, so D starts.
    [Fact]
    public void Dependencies_ListsEveryUnfinishedOne_AndACompletedOneAllowsTheStart()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", preemption: false);
        engine.Submit([Job("P1", 1), Job("P2", 1), Job("Q", 1)], T0);
        Pass(engine, 0);
        Assert.True(engine.Finish("Q", 1, true, TestSim.At(5)));
        var jobs = engine.Submit([Job("C", 1) with { Dependencies = ["P1", "P2"] }, Job("D", 1) with { Dependencies = ["Q"] }], TestSim.At(5)).ToDictionary(j => j.Spec.Id);

        var plan = Pass(engine, 5);

        Assert.Equal(["D"], plan.Starts.Select(s => s.JobId));
        Assert.Equal("waiting for dependencies: P1, P2", jobs["C"].Reason);
    }

    // The order a pass examines its queue in (multifactor: recomputed keys, sorted lazily by incremental quicksort) is
    // the documented total order — key, then submission. With one tenant, equal sizes and one submission time, the
    // multifactor key differs only in W_prio × (priority − Low) / (Critical − Low), so: higher priority first, then
    // submission order. Every job gets 1 GPU on a cluster with room for all, so the starts come in examination order.
    // Queue lengths 1–400 (partitioned ranges above 32), priorities from 1, 3 or 301 distinct values (many ties).
    [Fact]
    public void Multifactor_ExaminesByPriorityThenSubmission()
    {
        var gen =
            from count in Gen.Int[1, 400]
            from distinct in Gen.Int[0, 2].Select(k => new[] { 1, 3, 301 }[k])
            from seed in Gen.Int[0, int.MaxValue]
            select (count, distinct, seed);
        gen.Sample(c => CheckOrder(c.count, c.distinct, c.seed), iter: 40, seed: "0N0XIzNsQ0O2");
    }

    private static void CheckOrder(int count, int distinct, int seed)
    {
        var random = new Random(seed);
        var engine = NewEngine(Cluster.Uniform(50, 8), "multifactor", preemption: false);
        var values = Enumerable.Range(0, distinct).Select(v => distinct == 1 ? PriorityClasses.Normal : v * 300 / (distinct - 1)).ToArray();
        var specs = Enumerable.Range(0, count).Select(i => Job($"j{i}", 1, priority: values[random.Next(distinct)])).ToArray();
        engine.Submit(specs, T0);

        var plan = engine.RunPass(T0);

        var expected = specs.Select((s, i) => (s, i)).OrderByDescending(x => x.s.Priority).ThenBy(x => x.i).Select(x => x.s.Id);
        Assert.Equal(expected, plan.Starts.Select(s => s.JobId));
    }

    // Stopping early: 12 jobs of 1 GPU on 8 GPUs, no estimates, priorities 0..11 submitted in a shuffled order — the 8
    // of highest priority start (11 down to 4), the 4 lowest wait.
    [Fact]
    public void Multifactor_MoreJobsThanGpus_StartsTheHighestPriorities()
    {
        int[] priorities = [5, 0, 11, 3, 8, 1, 10, 6, 2, 9, 4, 7];
        var engine = NewEngine(Cluster.Uniform(1, 8), "multifactor", preemption: false);
        engine.Submit([.. priorities.Select(p => Job($"p{p}", 1, priority: p))], T0);

        var plan = engine.RunPass(T0);

        Assert.Equal(["p11", "p10", "p9", "p8", "p7", "p6", "p5", "p4"], plan.Starts.Select(s => s.JobId));
    }

    // "Grow": R (rigid 6 GPUs) runs on an 8-GPU node; E (elastic 2–8, no estimate) starts on the 2 left at t = 10. R ends
    // at 20; the pass at 20 examines every pending job (none) and grows E to 8 GPUs (without an estimate growing always
    // pays), as a resize whose new run has attempt 1 + 1 = 2.
    [Theory]
    [InlineData("fifo")]
    [InlineData("multifactor")]
    public void Grow_AfterACompletePass_GrowsIntoIdleGpus(string policy)
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), policy, preemption: false);
        engine.Submit([Job("R", 6)], T0);
        Pass(engine, 0);
        engine.Submit([Job("E", 8) with { MinGpus = 2 }], TestSim.At(10));
        Assert.Equal(2, Assert.Single(Pass(engine, 10).Starts).Gpus);
        Assert.True(engine.Finish("R", 1, true, TestSim.At(20)));

        var plan = Pass(engine, 20);

        var grow = Assert.Single(plan.Resizes);
        Assert.Equal(("E", ResizeKind.Grow, 8, 2), (grow.JobId, grow.Kind, grow.Launch.Gpus, grow.Launch.Attempt));
    }

    // Two elastic jobs grow in submission order into the same idle GPUs, each taking what the one before left. One
    // 12-GPU node: R (8) and F (2) run from t = 0; E1 (2–8) starts on the last 2 at t = 10; F ends at 11 and E2 (2–8),
    // pending then, takes its 2 (E1 does not grow: nothing is left free). R ends at 20: 8 free. E1 grows to 8 (gives its
    // 2 back: 10 free, takes 8: 2 left), then E2 to 2 + 2 = 4.
    [Fact]
    public void Grow_TwoElasticJobs_ShareTheIdleGpusInSubmissionOrder()
    {
        var engine = NewEngine(Cluster.Uniform(1, 12), "fifo", preemption: false);
        engine.Submit([Job("R", 8), Job("F", 2)], T0);
        Pass(engine, 0);
        engine.Submit([Job("E1", 8) with { MinGpus = 2 }], TestSim.At(10));
        Assert.Equal(2, Assert.Single(Pass(engine, 10).Starts).Gpus);
        Assert.True(engine.Finish("F", 1, true, TestSim.At(11)));
        engine.Submit([Job("E2", 8) with { MinGpus = 2 }], TestSim.At(11));
        var at11 = Pass(engine, 11);
        Assert.Equal(("E2", 2), (Assert.Single(at11.Starts).JobId, at11.Starts[0].Gpus));
        Assert.Empty(at11.Resizes);
        Assert.True(engine.Finish("R", 1, true, TestSim.At(20)));

        var plan = Pass(engine, 20);

        Assert.Equal([("E1", 8), ("E2", 4)], plan.Resizes.Select(r => (r.JobId, r.Launch.Gpus)));
    }

    // No growth while a job waits for GPUs ("left none waiting for GPUs"): as above, but H (8 GPUs, 10 s) is pending at
    // t = 20 with 6 free. E (2–8, 1000 s at 8 GPUs, so 4000 s at 2) ends at 4010 s, when H is reserved — a complete
    // walk (backfill, a reservation), but H waits, so E keeps its 2 GPUs.
    [Fact]
    public void Grow_NotWhileAJobWaitsForGpus()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", preemption: false);
        engine.Submit([Job("R", 6)], T0);
        Pass(engine, 0);
        engine.Submit([Job("E", 8, 1000) with { MinGpus = 2 }], TestSim.At(10));
        Pass(engine, 10);
        Assert.True(engine.Finish("R", 1, true, TestSim.At(20)));
        engine.Submit([Job("H", 8, 10)], TestSim.At(20));

        var plan = Pass(engine, 20);

        Assert.Empty(plan.Resizes);
        Assert.Equal(("H", TestSim.At(4010)), (plan.Reservation!.JobId, plan.Reservation.StartAt));
    }

    // Quota refusals (Kueue-style nominal quota; docs/scheduling.md "Pending reasons": `...; tenant vision has used its
    // quota (8/8 GPUs, may borrow 0)`). One 16-GPU node; tenant a: nominal 4, may borrow 0. J1 (4) starts: a uses 4/4.
    // J2 (2) and J3 (3, refused for the same usage, so from the pass's memo) wait with the quota reason.
    [Fact]
    public void Quota_Refusals_NameTheQuota_AlsoForARepeatedRefusal()
    {
        var engine = NewEngine(Cluster.Uniform(1, 16), "fifo", preemption: false, tenants: [new TenantQuota("a", 4) { BorrowingLimitGpus = 0 }]);
        var jobs = engine.Submit([Job("J1", 4, tenant: "a"), Job("J2", 2, tenant: "a"), Job("J3", 3, tenant: "a")], T0).ToDictionary(j => j.Spec.Id);

        var plan = Pass(engine, 0);

        Assert.Equal(["J1"], plan.Starts.Select(s => s.JobId));
        Assert.Equal("needs 2 GPUs; tenant a has used its quota (4/4 GPUs, may borrow 0)", jobs["J2"].Reason);
        Assert.Equal("needs 3 GPUs; tenant a has used its quota (4/4 GPUs, may borrow 0)", jobs["J3"].Reason);
    }

    // The jobs a pass did not reach get their reasons when asked: the quota refusal when their tenant's quota refuses
    // them, else what blocks the queue. One 8-GPU node; tenant a (nominal 4, may borrow 0) runs A1 (4), tenant b
    // (nominal 8) runs B1 (2): 2 GPUs free. H (b, 4 GPUs, no estimate) is admitted (2 + 4 ≤ 8) but does not fit: the
    // head, strict order, the walk stops. X (a, 1 GPU) would exceed a's quota (4 + 1 > 4); Y (b, 1 GPU) is admitted and
    // waits behind H.
    [Fact]
    public void DeferredReasons_QuotaRefusalOrWaitingBehindTheHead()
    {
        var tenants = new[] { new TenantQuota("a", 4) { BorrowingLimitGpus = 0 }, new TenantQuota("b", 8) };
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", preemption: false, tenants: tenants);
        engine.Submit([Job("A1", 4, tenant: "a"), Job("B1", 2, tenant: "b")], T0);
        Assert.Equal(2, Pass(engine, 0).Starts.Count);
        var jobs = engine.Submit([Job("H", 4, tenant: "b"), Job("X", 1, tenant: "a"), Job("Y", 1, tenant: "b")], T0).ToDictionary(j => j.Spec.Id);

        var plan = Pass(engine, 0);

        Assert.Empty(plan.Starts);
        Assert.Equal("needs 4 GPUs; 2 suitable GPUs free", jobs["H"].Reason);
        Assert.Equal("needs 1 GPUs; tenant a has used its quota (4/4 GPUs, may borrow 0)", jobs["X"].Reason);
        Assert.Equal("waiting behind H (strict order: no reservation can be computed without runtime estimates)", jobs["Y"].Reason);
    }

    // With flavours (Kueue ResourceFlavors) the tenant tries its flavours in order; refused on every one, the reason is
    // the first flavour's. Tenant f: H100 2 and A100 2, may borrow 0 on each; H1 (2 H100) and A1 (2 A100) use both. J
    // (1 GPU of any type) is refused on H100 first, so the reason names the H100 quota.
    [Fact]
    public void Flavours_RefusedOnEveryType_GiveTheFirstFlavoursReason()
    {
        var cluster = new Cluster([new NodeSpec("h", 8, "H100"), new NodeSpec("a", 8, "A100")]);
        var quota = new TenantQuota("f", [new FlavorQuota("H100", 2) { BorrowingLimitGpus = 0 }, new FlavorQuota("A100", 2) { BorrowingLimitGpus = 0 }]);
        var engine = NewEngine(cluster, "fifo", preemption: false, tenants: [quota]);
        engine.Submit([Spec("H1", 2, types: ["H100"]) with { Tenant = "f" }, Spec("A1", 2, types: ["A100"]) with { Tenant = "f" }], T0);
        Assert.Equal(2, Pass(engine, 0).Starts.Count);
        var j = engine.Submit([Job("J", 1, tenant: "f")], T0)[0];

        var plan = Pass(engine, 0);

        Assert.Empty(plan.Starts);
        Assert.Equal("needs 1 GPUs; tenant f has used its H100 quota (2/2 GPUs, may borrow 0)", j.Reason);
    }

    // SchedulingPolicy.MaxPreemptorsPerPass: "the most pending jobs that may preempt others in one pass; later ones wait
    // for the next pass". Two 8-GPU nodes run L1 and L2 (priority Low) since t = 0; at t = 10 H1 and H2 (High, 8 GPUs
    // each) arrive. With at most one preemptor per pass, H1 preempts one low job and starts; H2 waits.
    [Fact]
    public void Preemption_AtMostMaxPreemptorsPerPass()
    {
        var policy = SchedulingPolicy.Create("priority") with { MaxPreemptorsPerPass = 1 };
        var engine = new SchedulingEngine(Cluster.Uniform(2, 8), policy, null, T0);
        engine.Submit([Job("L1", 8, priority: PriorityClasses.Low), Job("L2", 8, priority: PriorityClasses.Low)], T0);
        Assert.Equal(2, Pass(engine, 0).Starts.Count);
        engine.Submit([Job("H1", 8, priority: PriorityClasses.High), Job("H2", 8, priority: PriorityClasses.High)], TestSim.At(10));

        var plan = Pass(engine, 10);

        Assert.Single(plan.Preemptions);
        Assert.Equal(["H1"], plan.Starts.Select(s => s.JobId));
    }
}

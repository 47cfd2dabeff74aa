using LlmCore.Scheduling.Policies;
using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests.Internals;

/// <summary>
/// PassPlanner's memos must never change a decision (issue 21, Scheduling Internal survivors): a shape that failed to
/// place is skipped for the rest of the pass only on the same GPU types; job descriptions are shared only between jobs
/// that ask for the same GPUs. Every expected value is worked by hand in the comments.
/// </summary>
public class PassPlannerMutationGapTests2
{
    private static readonly DateTimeOffset T0 = TestSim.T0;

    private static SchedulingPlan Pass(SchedulingEngine engine, double at) => engine.RunPass(TestSim.At(at));

    // Two nodes of type h, each with 3 of 4 GPUs busy until 100 s, and one node of type j, free. H (2 GPUs of type h on one
    // node, 10 s) finds 2 of its GPUs free but on two nodes: it is the head, reserved at 100 s. J (2 GPUs of type j on one
    // node, 10 s, ending long before the shadow time) has the same shape on another type: it starts on the j node. The
    // memo of failed shapes must tell any two types apart: T0 and T1, T1 and T2 (a mask built with the wrong shift would
    // give both 0), on clusters of 2 to 70 types (T1 and T65: the same bit were shifts taken modulo 64), and for a tenant
    // whose flavours are the two types (the types then come from its flavours).
    [Theory]
    [InlineData(2, "T0", "T1", false)]
    [InlineData(3, "T1", "T2", false)]
    [InlineData(3, "T1", "T2", true)]
    [InlineData(64, "T0", "T1", false)]
    [InlineData(65, "T0", "T1", false)]
    [InlineData(70, "T1", "T65", false)]
    [InlineData(70, "T1", "T65", true)]
    public void FailedShape_OnOtherGpuTypes_DoesNotBlockTheSameShape(int types, string h, string j, bool flavours)
    {
        // Type Tt is the cluster's type of index t (types are indexed in the order nodes name them).
        var nodes = new List<NodeSpec>();
        for (var t = 0; t < types; t++)
        {
            var type = $"T{t}";
            nodes.AddRange(type == h ? [new("ha", 4, h), new("hb", 4, h)] : type == j ? [new("j", 4, j)] : [new NodeSpec($"x{t}", 1, type)]);
        }

        var tenants = flavours ? new[] { new TenantQuota("default", [new FlavorQuota(h, 16), new FlavorQuota(j, 16)]) } : null;
        var engine = NewEngine(new Cluster(nodes), "fifo", preemption: false, tenants: tenants);
        engine.Submit([OnOne("A", 3, h, 100), OnOne("B", 3, h, 100)], T0);
        var first = engine.RunPass(T0);
        Assert.Equal(["ha", "hb"], first.Starts.Select(s => s.Placement.Nodes.Single().NodeName).Order());

        engine.Submit([OnOne("H", 2, h, 10), OnOne("J", 2, j, 10)], T0);
        var plan = engine.RunPass(T0);

        Assert.Equal("H", plan.Reservation!.JobId);
        var started = Assert.Single(plan.Starts);
        Assert.Equal(("J", "j"), (started.JobId, started.Placement.Nodes.Single().NodeName));
    }

    // A tenant whose only flavour is a GPU type beyond the 64th of the cluster: 65 one-GPU nodes of types T0 … T64 and
    // one 4-GPU node of type T65. F (2 GPUs, any type) may use only the tenant's flavour T65 (nominal 4): it starts on the
    // T65 node. G (2 GPUs, T64 only) accepts no type of the tenant's flavours: rejected at submission with that reason.
    [Fact]
    public void Flavour_BeyondThe64thGpuType_IsTried()
    {
        var nodes = Enumerable.Range(0, 65).Select(t => new NodeSpec($"n{t}", 1, $"T{t}")).Append(new NodeSpec("big", 4, "T65")).ToList();
        var tenant = new TenantQuota("f", [new FlavorQuota("T65", 4)]);
        var engine = NewEngine(new Cluster(nodes), "fifo", preemption: false, tenants: [tenant]);
        var jobs = engine.Submit([Job("F", 2, 10, tenant: "f"), Job("G", 2, 10, tenant: "f") with { GpuTypes = ["T64"] }], T0).ToDictionary(j => j.Spec.Id);

        var plan = engine.RunPass(T0);

        var f = Assert.Single(plan.Starts);
        Assert.Equal(("F", "big"), (f.JobId, f.Placement.Nodes.Single().NodeName));
        Assert.Equal(JobState.Rejected, jobs["G"].State);
        Assert.EndsWith("but no GPU type it accepts is available to it (its tenant's flavours, the throughput matrix)", jobs["G"].Reason);
    }

    // Two jobs of one class under a throughput matrix on a cluster of 66 types, each job restricted to a different type
    // beyond the 64th: each starts on its own type (a cache of type orders keyed by a mask that cannot tell T64 from T65
    // would send the second where the first may go).
    [Fact]
    public void TypeOrders_BeyondThe64thGpuType_AreKeptApart()
    {
        var names = Enumerable.Range(0, 66).Select(t => $"T{t}").ToArray();
        var nodes = names.Select(n => new NodeSpec("n" + n, 1, n)).ToList();
        var matrix = new ThroughputMatrix(names, [new KeyValuePair<string, IReadOnlyList<double>>("c", [.. names.Select(_ => 1.0)])], "T0");
        var engine = new SchedulingEngine(new Cluster(nodes), SchedulingPolicy.Create("fifo", backfill: true, preemption: false) with { Throughputs = matrix }, null, T0);
        engine.Submit([Job("a", 1, 10) with { JobClass = "c", GpuTypes = ["T64"] }, Job("b", 1, 10) with { JobClass = "c", GpuTypes = ["T65"] }], T0);

        var plan = engine.RunPass(T0);

        Assert.Equal([("a", "nT64"), ("b", "nT65")], plan.Starts.Select(s => (s.JobId, s.Placement.Nodes.Single().NodeName)).Order());
    }

    // 65 one-GPU nodes of types T0 … T64 and a 4-GPU node of type T65. A (2 GPUs of T64) can never be placed: rejected at
    // submission. B (2 GPUs of T65), submitted after it, fits the T65 node and starts (a feasibility memo keyed by a mask
    // that cannot tell T64 from T65 would reject B as well).
    [Fact]
    public void Feasibility_BeyondThe64thGpuType_IsJudgedPerType()
    {
        var nodes = Enumerable.Range(0, 65).Select(t => new NodeSpec($"n{t}", 1, $"T{t}")).Append(new NodeSpec("big", 4, "T65")).ToList();
        var engine = NewEngine(new Cluster(nodes), "fifo", preemption: false);
        var jobs = engine.Submit([Job("A", 2, 10) with { GpuTypes = ["T64"] }, Job("B", 2, 10) with { GpuTypes = ["T65"] }], T0).ToDictionary(j => j.Spec.Id);

        var plan = engine.RunPass(T0);

        Assert.Equal(JobState.Rejected, jobs["A"].State);
        Assert.Contains("no such placement exists in the cluster", jobs["A"].Reason);
        var b = Assert.Single(plan.Starts);
        Assert.Equal(("B", "big"), (b.JobId, b.Placement.Nodes.Single().NodeName));
    }

    // Pending reasons name each job's own request (docs/scheduling.md, "Pending reasons"), even where the pass shares
    // the text between jobs. Tenant t may hold 8 GPUs (nominal 8, no borrowing) and X holds them: every job below is
    // refused by quota in this pass.
    // E (elastic, 2–8 GPUs) is refused first; R (8 GPUs, rigid), H (8 H100), A (8 A100) and N (8 GPUs on one node) are
    // each described by its own request, not by an earlier job's with the same number of GPUs.
    [Fact]
    public void QuotaReasons_DescribeEachJobsOwnRequest()
    {
        var cluster = new Cluster([new NodeSpec("h", 8, "H100"), new NodeSpec("a", 8, "A100")]);
        var engine = NewEngine(cluster, "fifo", preemption: false, tenants: [new TenantQuota("t", 8) { BorrowingLimitGpus = 0 }]);
        engine.Submit([Job("X", 8, 100, tenant: "t")], T0);
        Assert.Single(engine.RunPass(T0).Starts);
        var jobs = engine.Submit(
        [
            Job("E", 8, 10, tenant: "t") with { MinGpus = 2 },
            Job("R", 8, 10, tenant: "t"),
            Job("H", 8, 10, tenant: "t") with { GpuTypes = ["H100"] },
            Job("A", 8, 10, tenant: "t") with { GpuTypes = ["A100"] },
            Job("N", 8, 10, tenant: "t") with { MaxSpan = TopologyLevel.Node },
        ], T0).ToDictionary(j => j.Spec.Id);

        var plan = engine.RunPass(T0);

        Assert.Empty(plan.Starts);
        Assert.StartsWith("needs 2–8 GPUs; ", jobs["E"].Reason);
        Assert.StartsWith("needs 8 GPUs; ", jobs["R"].Reason);
        Assert.StartsWith("needs 8 H100 GPUs; ", jobs["H"].Reason);
        Assert.StartsWith("needs 8 A100 GPUs; ", jobs["A"].Reason);
        Assert.StartsWith("needs 8 GPUs on one node; ", jobs["N"].Reason);
    }

    // The victim order (docs/scheduling.md, "The policies: when to use which" and "Required and preferred levels"): least
    // lost work first, then lower priority, then the newest.
    // One 8-GPU node; two 4-GPU jobs start at t = 0 with no checkpoints, so at t = 10 each would lose 4 × 10 = 40
    // GPU-seconds: the same cost. P (4 GPUs, Critical) preempts one of them by priority: with priorities Low and High
    // the Low one (lower priority first), whichever was submitted first; with equal priorities the one submitted later.
    [Theory]
    [InlineData(PriorityClasses.Low, PriorityClasses.High, "first")]
    [InlineData(PriorityClasses.High, PriorityClasses.Low, "second")]
    [InlineData(PriorityClasses.Low, PriorityClasses.Low, "second")]
    [InlineData(PriorityClasses.High, PriorityClasses.High, "second")]
    public void Victims_OfEqualCost_LowerPriorityFirst_ThenTheNewest(int first, int second, string victim)
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        engine.Submit([Job("first", 4, 1000, first), Job("second", 4, 1000, second)], T0);
        Assert.Equal(2, engine.RunPass(T0).Starts.Count);
        engine.Submit([Job("P", 4, 10, PriorityClasses.Critical)], TestSim.At(10));

        var plan = engine.RunPass(TestSim.At(10));

        var preemption = Assert.Single(plan.Preemptions);
        Assert.Equal((victim, "P", PreemptionReason.Priority, 40.0), (preemption.JobId, preemption.ForJobId, preemption.Reason, preemption.LostGpuSeconds));
        Assert.Equal("P", Assert.Single(plan.Starts).JobId);
    }

    // Least lost work before priority: "first" (Low, 4 GPUs) started at t = 0 and "second" (High, 2 GPUs) at t = 0 too;
    // at t = 10 they would lose 40 and 20 GPU-seconds. P (2 GPUs, Critical) on the 6-GPU node needs 2 GPUs: it preempts
    // "second", the cheaper, although its priority is higher.
    [Fact]
    public void Victims_LeastLostWorkFirst_BeforePriority()
    {
        var engine = NewEngine(Cluster.Uniform(1, 6), "fifo");
        engine.Submit([Job("first", 4, 1000, PriorityClasses.Low), Job("second", 2, 1000, PriorityClasses.High)], T0);
        Assert.Equal(2, engine.RunPass(T0).Starts.Count);
        engine.Submit([Job("P", 2, 10, PriorityClasses.Critical)], TestSim.At(10));

        var plan = engine.RunPass(TestSim.At(10));

        var preemption = Assert.Single(plan.Preemptions);
        Assert.Equal(("second", 20.0), (preemption.JobId, preemption.LostGpuSeconds));
    }

    // The preemption trial frees victims in victim order until the gang fits, then takes back those it does not need
    // (docs/scheduling.md, "The policies: when to use which"). One 6-GPU node, full: V1 (2 GPUs) and V2 (4 GPUs), both
    // Low, started at t = 0
    // without checkpoints; at t = 10 they would lose 20 and 40 GPU-seconds, so V1 comes first. P (Critical) needs 4 GPUs:
    // the trial frees V1 (2 free), then V2 (6 free), and takes V1 back (4 still free): only V2 is preempted. Needing 6,
    // P takes both.
    [Theory]
    [InlineData(4, new[] { "V2" })]
    [InlineData(6, new[] { "V1", "V2" })]
    public void PreemptionTrial_TakesBackTheVictimsTheGangDoesNotNeed(int gpus, string[] victims)
    {
        var engine = NewEngine(Cluster.Uniform(1, 6), "fifo");
        engine.Submit([Job("V1", 2, 1000, PriorityClasses.Low), Job("V2", 4, 1000, PriorityClasses.Low)], T0);
        Assert.Equal(2, engine.RunPass(T0).Starts.Count);
        engine.Submit([Job("P", gpus, 10, PriorityClasses.Critical)], TestSim.At(10));

        var plan = engine.RunPass(TestSim.At(10));

        Assert.Equal(victims, plan.Preemptions.Select(p => p.JobId).Order());
        var start = Assert.Single(plan.Starts);
        Assert.Equal(("P", gpus), (start.JobId, start.Gpus));
    }

    // Kueue's rule for priority preemption across tenants (docs/scheduling.md, "The policies: when to use which"):
    // another tenant's job is a victim only while its tenant borrows. One 8-GPU node; tenants a (nominal 8) and b (nominal 4) in one cohort. A1 (a, 4 GPUs,
    // Low) and then B1 (b, 4 GPUs, Low) start at t = 0; b holds 4 of its 4: not borrowing. At t = 10 A2 (a, 4 GPUs,
    // Critical; a would hold 8 of its 8) preempts A1, its own tenant's Low job, not B1 (the same cost, 40 GPU-seconds,
    // and the newer, so B1 would come first were it a victim at all). With b at nominal 2, b borrows and B1 is the victim.
    [Theory]
    [InlineData(4, "A1")]
    [InlineData(2, "B1")]
    public void PriorityPreemption_AcrossTenants_OnlyOfABorrower(int nominalOfB, string victim)
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", tenants: [new TenantQuota("a", 8), new TenantQuota("b", nominalOfB)]);
        engine.Submit([Job("A1", 4, 1000, PriorityClasses.Low, "a"), Job("B1", 4, 1000, PriorityClasses.Low, "b")], T0);
        Assert.Equal(2, engine.RunPass(T0).Starts.Count);
        engine.Submit([Job("A2", 4, 10, PriorityClasses.Critical, "a")], TestSim.At(10));

        var plan = engine.RunPass(TestSim.At(10));

        var preemption = Assert.Single(plan.Preemptions);
        Assert.Equal((victim, "A2", PreemptionReason.Priority), (preemption.JobId, preemption.ForJobId, preemption.Reason));
        Assert.Equal("A2", Assert.Single(plan.Starts).JobId);
    }

    // "Grow" only when it pays (docs/scheduling.md, "Elastic jobs"): restart cost + work left at the new speed must be
    // below the time left at the current speed. One 8-GPU node: R (4 GPUs, until t = 20) and Q (2 GPUs, long) run; E
    // (elastic 2–8, estimate 100 s at 8 GPUs, linear scaling) starts at t = 10 on the last 2, at speed 2 / 8 = 0.25. At
    // t = 20 R ends: E has done 10 × 0.25 = 2.5 s of its 100, so 97.5 s are left: 97.5 / 0.25 = 390 s at 2 GPUs. On the
    // 4 + 2 = 6 GPUs it could have, speed 0.75: restart + 97.5 / 0.75 = restart + 130 s. With a restart cost of 259 s
    // (389 < 390) E grows to 6; with 260 s (390, not below 390) it stays at 2.
    [Theory]
    [InlineData(259, true)]
    [InlineData(260, false)]
    public void Grow_OnlyWhenRestartPlusWorkAtTheNewSpeedIsShorter(double restartSeconds, bool grows)
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", preemption: false);
        engine.Submit([Job("R", 4, 20), Job("Q", 2, 10_000)], T0);
        Pass(engine, 0);
        engine.Submit([Job("E", 8, 100) with { MinGpus = 2, RestartCost = TimeSpan.FromSeconds(restartSeconds) }], TestSim.At(10));
        Assert.Equal(2, Assert.Single(Pass(engine, 10).Starts).Gpus);
        Assert.True(engine.Finish("R", 1, true, TestSim.At(20)));

        var plan = Pass(engine, 20);

        if (grows)
        {
            var grow = Assert.Single(plan.Resizes);
            Assert.Equal(("E", ResizeKind.Grow, 6), (grow.JobId, grow.Kind, grow.Launch.Gpus));
            Assert.Equal(2.5, grow.Launch.ProgressSeconds, 12);
            Assert.Equal(0.75, grow.Launch.Speed, 12);
        }
        else
        {
            Assert.Empty(plan.Resizes);
        }
    }

    // An ordering counts attained service in Gavel's normalised units only when the policy is heterogeneity-aware and has a
    // throughput matrix (docs/scheduling.md, "Heterogeneous GPUs (Gavel)"): the pass says so in the context it gives
    // every ordering, built-in or not.
    [Theory]
    [InlineData(false, false, false)]
    [InlineData(false, true, false)]
    [InlineData(true, false, false)]
    [InlineData(true, true, true)]
    public void OrderingContext_IsHeterogeneityAware_OnlyWithAMatrixAndTheFlag(bool aware, bool withMatrix, bool expected)
    {
        var matrix = new ThroughputMatrix(["k80", "v100"], [new KeyValuePair<string, IReadOnlyList<double>>("c", [1.0, 4.0])], "k80");
        var recording = new RecordingOrdering();
        var policy = SchedulingPolicy.Create("fifo") with { Ordering = recording, HeterogeneityAware = aware, Throughputs = withMatrix ? matrix : null };
        var engine = new SchedulingEngine(new Cluster([new NodeSpec("k", 1, "k80"), new NodeSpec("v", 1, "v100")]), policy, null, T0);
        engine.Submit([Job("j", 1) with { JobClass = "c" }], T0);

        engine.RunPass(T0);

        Assert.Equal([expected], recording.Seen);
    }

    // Dependencies under the orderings whose keys are computed every pass (DRF, multifactor), as under the others
    // (docs/scheduling.md, "Pending reasons"): X runs on 2 of 8 GPUs; A (2 GPUs, after X) waits for it although GPUs are
    // free; B (2 GPUs) starts.
    [Theory]
    [InlineData("drf")]
    [InlineData("multifactor")]
    [InlineData("fifo")]
    public void Dependencies_UnderEveryOrdering_HoldBackOnlyTheDependentJob(string policy)
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), policy, preemption: false);
        engine.Submit([Job("X", 2, 100)], T0);
        Pass(engine, 0);
        var jobs = engine.Submit([Job("A", 2, 10) with { Dependencies = ["X"] }, Job("B", 2, 10)], TestSim.At(1)).ToDictionary(j => j.Spec.Id);

        var plan = Pass(engine, 1);

        Assert.Equal("B", Assert.Single(plan.Starts).JobId);
        Assert.Equal(JobState.Pending, jobs["A"].State);
        Assert.Equal("waiting for dependencies: X", jobs["A"].Reason);
    }

    // A failed backfill past the shadow time says nothing about the same shape ending before it. One 8-GPU node; A (4
    // GPUs, 100 s) runs; B (8 GPUs) is the head, reserved at t = 100 with no GPU to spare. E (2 GPUs, 200 s) would run
    // past 100 s on GPUs the reservation needs: blocked. D (2 GPUs, 100 s), the same shape, ends by the shadow time: it is
    // backfilled on the 4 free GPUs.
    [Fact]
    public void Backfill_SameShapeEndingBeforeTheShadow_StartsAfterOneRunningPastItFailed()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", preemption: false);
        engine.Submit([Job("A", 4, 100)], T0);
        Pass(engine, 0);
        var jobs = engine.Submit([Job("B", 8, 50), Job("E", 2, 200), Job("D", 2, 100)], T0).ToDictionary(j => j.Spec.Id);

        var plan = Pass(engine, 0);

        Assert.Equal("B", plan.Reservation!.JobId);
        Assert.Equal("D", Assert.Single(plan.Starts).JobId);
        Assert.Equal("waiting: starting now would delay the reservation of B at 2026-01-01 00:01:40Z", jobs["E"].Reason);
    }

    // Reasons of the jobs a strict-order walk never reached, for a tenant with flavours (docs/scheduling.md, "Pending
    // reasons"): each is the quota's refusal on every GPU type the job may use, or the head's waiting reason when some
    // type admits it. Tenant f: H100 nominal 16, A100 nominal 4, no borrowing; an H100 node and an A100 node of 8. X (6
    // H100) and Y (2 A100) run. B (4 H100, no estimate) is the head: 2 H100 free, no reservation without estimates, so the
    // walk stops there. C (4 A100): 2 + 4 > 4 on its only type, refused. D (1 A100): admitted (2 + 1 ≤ 4), waits behind
    // B. E (4 GPUs of either type): H100 admits it (6 + 4 ≤ 16), waits behind B. F (4 GPUs of either type, but of a job
    // class whose throughput on H100 is 0 in the policy's matrix, so A100 only): refused like C, although the H100
    // flavour alone would admit it.
    [Fact]
    public void DeferredReasons_WithFlavours_AreTheQuotasOnEveryTypeOrTheWait()
    {
        var cluster = new Cluster([new NodeSpec("h", 8, "H100"), new NodeSpec("a", 8, "A100")]);
        var tenant = new TenantQuota("f", [new FlavorQuota("H100", 16) { BorrowingLimitGpus = 0 }, new FlavorQuota("A100", 4) { BorrowingLimitGpus = 0 }]);
        var matrix = new ThroughputMatrix(["H100", "A100"], [new KeyValuePair<string, IReadOnlyList<double>>("a-only", [0.0, 1.0])], "A100");
        var engine = new SchedulingEngine(cluster, SchedulingPolicy.Create("fifo") with { Throughputs = matrix }, [tenant], T0);
        engine.Submit([Job("X", 6, tenant: "f") with { GpuTypes = ["H100"] }, Job("Y", 2, tenant: "f") with { GpuTypes = ["A100"] }], T0);
        Assert.Equal(2, Pass(engine, 0).Starts.Count);
        var jobs = engine.Submit(
        [
            Job("B", 4, tenant: "f") with { GpuTypes = ["H100"] },
            Job("C", 4, tenant: "f") with { GpuTypes = ["A100"] },
            Job("D", 1, tenant: "f") with { GpuTypes = ["A100"] },
            Job("E", 4, tenant: "f"),
            Job("F", 4, tenant: "f") with { JobClass = "a-only" },
        ], T0).ToDictionary(j => j.Spec.Id);

        var plan = Pass(engine, 1);

        Assert.Empty(plan.Starts);
        Assert.Null(plan.Reservation);
        const string Waiting = "waiting behind B (strict order: no reservation can be computed without runtime estimates)";
        Assert.StartsWith("needs 4 A100 GPUs; ", jobs["C"].Reason);
        Assert.NotEqual(Waiting, jobs["C"].Reason);
        Assert.Equal(Waiting, jobs["D"].Reason);
        Assert.Equal(Waiting, jobs["E"].Reason);
        Assert.Equal("needs 4 GPUs" + jobs["C"].Reason!["needs 4 A100 GPUs".Length..], jobs["F"].Reason);
    }

    private static JobSpec OnOne(string id, int gpus, string type, double estimate) =>
        Job(id, gpus, estimate) with { GpuTypes = [type], MaxSpan = TopologyLevel.Node };

    /// <summary>FIFO keys (all equal: submission order), recording whether each pass's context was heterogeneity-aware.</summary>
    private sealed class RecordingOrdering : IJobOrdering
    {
        public List<bool> Seen { get; } = [];

        public string Name => "recording";

        public bool IsPreemptive => false;

        public void ComputeKeys(OrderingContext context, IReadOnlyList<Job> jobs, Span<double> keys)
        {
            Seen.Add(context.HeterogeneityAware);
            keys.Clear();
        }
    }
}

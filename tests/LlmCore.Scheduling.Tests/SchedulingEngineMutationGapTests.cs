using LlmCore.Scheduling.Internal;
using LlmCore.Scheduling.Policies;
using static LlmCore.Scheduling.Tests.Specs;
using static LlmCore.Scheduling.Tests.TestSim;

namespace LlmCore.Scheduling.Tests;

/// <summary>
/// Tests for behaviour of <see cref="SchedulingEngine"/> that Stryker showed unchecked (issue 21, item 1). Every expected
/// value comes from the engine's XML docs or docs/scheduling.md, with the arithmetic written beside it.
/// </summary>
public class SchedulingEngineMutationGapTests
{
    private static Job Start(SchedulingEngine engine, JobSpec spec, double at = 0)
    {
        var job = engine.Submit([spec], At(at)).Single();
        engine.RunPass(At(at));
        Assert.Equal(JobState.Running, job.State);
        return job;
    }

    // ---- Guards: the documented exceptions name the parameter ----

    [Fact]
    public void Constructor_NullClusterOrPolicy_ThrowsNamingIt()
    {
        var policy = SchedulingPolicy.Create("fifo");
        Assert.Equal("cluster", Assert.Throws<ArgumentNullException>(() => new SchedulingEngine(null!, policy)).ParamName);
        Assert.Equal("policy", Assert.Throws<ArgumentNullException>(() => new SchedulingEngine(Cluster.Uniform(1, 8), null!)).ParamName);
    }

    [Fact]
    public void Submit_NullSpecsOrNullSpec_ThrowsNamingSpecs()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        Assert.Equal("specs", Assert.Throws<ArgumentNullException>(() => engine.Submit(null!, T0)).ParamName);
        Assert.Equal("specs", Assert.Throws<ArgumentNullException>(() => engine.Submit([Job("a", 1), null!], T0)).ParamName);
        Assert.Empty(engine.Jobs);
    }

    [Fact]
    public void Submit_IdRepeatedInBatchOrAlreadyUsed_ThrowsNamingSpecsAndAddsNothing()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        var inBatch = Assert.Throws<ArgumentException>(() => engine.Submit([Job("a", 1), Job("a", 2)], T0));
        Assert.Equal("specs", inBatch.ParamName);
        Assert.StartsWith("Job id 'a' is already used.", inBatch.Message, StringComparison.Ordinal);
        Assert.Empty(engine.Jobs);

        engine.Submit([Job("b", 1)], T0);
        var used = Assert.Throws<ArgumentException>(() => engine.Submit([Job("c", 1), Job("b", 1)], T0));
        Assert.Equal("specs", used.ParamName);
        Assert.Equal(["b"], engine.Jobs.Keys);
    }

    [Fact]
    public void Submit_UnknownTenantLaterInBatch_ThrowsBeforeAddingAnyJob()
    {
        // The batch is validated before anything changes (as for cycles): the valid first job must not stay behind.
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", tenants: [new TenantQuota("vision", 8)]);
        Assert.Throws<UnknownTenantException>(() => engine.Submit([Job("a", 1, tenant: "vision"), Job("b", 1, tenant: "audio")], T0));
        Assert.Empty(engine.Jobs);
    }

    [Fact]
    public void CancelFinishRequeue_NullJobId_ThrowNamingJobId()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        Assert.Equal("jobId", Assert.Throws<ArgumentNullException>(() => engine.Cancel(null!, T0)).ParamName);
        Assert.Equal("jobId", Assert.Throws<ArgumentNullException>(() => engine.Finish(null!, 1, true, T0)).ParamName);
        Assert.Equal("jobId", Assert.Throws<ArgumentNullException>(() => engine.Requeue(null!, 1, T0)).ParamName);
    }

    [Fact]
    public void Apply_NullPlan_ThrowsNamingPlan()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        Assert.Equal("plan", Assert.Throws<ArgumentNullException>(() => engine.Apply(null!)).ParamName);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)] // == Nodes.Count
    public void FailNodeRecoverNode_IndexOutsideNodes_ThrowOutOfRangeNamingNode(int node)
    {
        var engine = NewEngine(Cluster.Uniform(2, 8), "fifo");
        Assert.Equal("node", Assert.Throws<ArgumentOutOfRangeException>(() => engine.FailNode(node, T0)).ParamName);
        Assert.Equal("node", Assert.Throws<ArgumentOutOfRangeException>(() => engine.RecoverNode(node, T0)).ParamName);
    }

    [Fact]
    public void CancelRequeue_UnknownId_ReturnNullAndFalse()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        Assert.Null(engine.Cancel("nobody", T0));
        Assert.False(engine.Requeue("nobody", 1, T0));
    }

    // ---- Read-only queries ----

    [Fact]
    public void FreeGpus_DownNode_IsZero()
    {
        // Documented: "free GPUs of node (0 when down)"; node 0 has 8 GPUs, none allocated.
        var engine = NewEngine(Cluster.Uniform(2, 8), "fifo");
        engine.FailNode(0, T0);
        Assert.Equal(0, engine.FreeGpus(0));
        Assert.Equal(8, engine.FreeGpus(1));
    }

    [Fact]
    public void TenantUsedGpus_UnknownTenantOrType_IsZero()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8, "A100"), "fifo");
        Start(engine, Job("a", 3, tenant: "vision"));
        Assert.Equal(0, engine.TenantUsedGpus("nobody"));
        Assert.Equal(0, engine.TenantUsedGpus("vision", "H100"));
        Assert.Equal(3, engine.TenantUsedGpus("vision", "A100"));
    }

    // ---- The state version: a plan is only valid on the state it was computed on ----
    // Apply "commits only if the state version still matches": every change between Plan and Apply must make Apply throw,
    // also when two changes follow each other (a change that moved the version backwards would be undone by the next).

    [Fact]
    public void Apply_AfterSubmitThenRecover_ThrowsStale()
    {
        var engine = NewEngine(Cluster.Uniform(2, 8), "fifo");
        var plan = engine.Plan(T0);
        engine.Submit([Job("a", 1)], T0);
        engine.RecoverNode(0, T0);
        Assert.Throws<InvalidOperationException>(() => engine.Apply(plan));
    }

    [Fact]
    public void Apply_AfterFailNode_ThrowsStale_AloneAndFollowedByAnotherChange()
    {
        var engine = NewEngine(Cluster.Uniform(2, 8), "fifo");
        var plan = engine.Plan(T0);
        engine.FailNode(1, T0); // an empty node: no job is requeued, only the node state changes
        Assert.Throws<InvalidOperationException>(() => engine.Apply(plan));

        var engine2 = NewEngine(Cluster.Uniform(2, 8), "fifo");
        var plan2 = engine2.Plan(T0);
        engine2.FailNode(1, T0);
        engine2.Submit([Job("a", 1)], T0);
        Assert.Throws<InvalidOperationException>(() => engine2.Apply(plan2));
    }

    [Fact]
    public void Apply_AfterRecoverNode_ThrowsStale_AloneAndFollowedByAnotherChange()
    {
        var engine = NewEngine(Cluster.Uniform(2, 8), "fifo");
        engine.FailNode(1, T0);
        var plan = engine.Plan(T0);
        engine.RecoverNode(1, T0);
        Assert.Throws<InvalidOperationException>(() => engine.Apply(plan));

        var plan2 = engine.Plan(T0);
        engine.RecoverNode(1, T0);
        engine.Submit([Job("a", 1)], T0);
        Assert.Throws<InvalidOperationException>(() => engine.Apply(plan2));
    }

    [Fact]
    public void FailNode_NodeAlreadyDown_ChangesNothing()
    {
        // A second failure report of a down node is a no-op: it returns no launches and a plan made before it still applies.
        var engine = NewEngine(Cluster.Uniform(2, 8), "fifo");
        engine.FailNode(1, T0);
        var plan = engine.Plan(T0);
        Assert.Empty(engine.FailNode(1, T0));
        engine.Apply(plan);
        Assert.False(engine.IsUp(1));
        Assert.Equal(0, engine.FreeGpus(1));
    }

    [Fact]
    public void Apply_SamePlanTwice_SecondThrows_AlsoAfterAnotherChange()
    {
        var engine = NewEngine(Cluster.Uniform(2, 8), "fifo");
        engine.Submit([Job("a", 1)], T0);
        var plan = engine.Plan(T0);
        engine.Apply(plan);
        Assert.Throws<InvalidOperationException>(() => engine.Apply(plan));
        engine.Submit([Job("b", 1)], T0);
        Assert.Throws<InvalidOperationException>(() => engine.Apply(plan));
    }

    [Fact]
    public void Apply_AfterCancelOfPendingJob_ThrowsStale_AloneAndFollowedByAnotherChange()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        Start(engine, Job("hold", 8));
        engine.Submit([Job("p", 8), Job("q", 8)], T0);
        var plan = engine.Plan(T0);
        engine.Cancel("p", T0); // a pending job: only its end changes the state
        Assert.Throws<InvalidOperationException>(() => engine.Apply(plan));

        var plan2 = engine.Plan(T0);
        engine.Cancel("q", T0);
        engine.RecoverNode(0, T0);
        Assert.Throws<InvalidOperationException>(() => engine.Apply(plan2));
    }

    [Fact]
    public void Apply_AfterRequeueOrFailNodeOfRunningJob_ThrowsStale()
    {
        var engine = NewEngine(Cluster.Uniform(2, 8), "fifo");
        var a = Start(engine, Job("a", 8));
        var plan = engine.Plan(T0);
        Assert.True(engine.Requeue("a", a.Attempts, At(1)));
        Assert.Throws<InvalidOperationException>(() => engine.Apply(plan));

        var engine2 = NewEngine(Cluster.Uniform(1, 8), "fifo");
        Start(engine2, Job("b", 8));
        var plan2 = engine2.Plan(T0);
        engine2.FailNode(0, At(1));
        Assert.Throws<InvalidOperationException>(() => engine2.Apply(plan2));
    }

    // ---- Requeue, node failure and finish ----

    [Fact]
    public void Requeue_StaleAttemptOrNotRunning_ReturnsFalse_CurrentAttempt_RequeuesWithReason()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        var a = Start(engine, Job("a", 8));
        engine.Submit([Job("p", 8)], T0);
        Assert.False(engine.Requeue("a", a.Attempts + 1, At(1)));
        Assert.False(engine.Requeue("p", 0, At(1))); // pending, not running
        Assert.Equal(JobState.Running, a.State);

        Assert.True(engine.Requeue("a", a.Attempts, At(1)));
        Assert.Equal(JobState.Pending, a.State);
        Assert.Equal("preempted", a.Reason); // the documented default reason
        Assert.Equal(0, engine.AllocatedGpus);
        Assert.Equal(1, a.Preemptions);
    }

    [Fact]
    public void RequeueThenRestart_KeepsFirstStart_SetsReasonThenClearsIt()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        var a = Start(engine, Job("a", 8, 100));
        Assert.True(engine.Requeue("a", a.Attempts, At(5), "spot reclaimed"));
        Assert.Equal("spot reclaimed", a.Reason);

        engine.RunPass(At(7));
        Assert.Equal(JobState.Running, a.State);
        Assert.Equal(T0, a.FirstStartedAt); // the first start, not the restart at 7 s
        Assert.Equal(At(7), a.RunStartedAt);
        Assert.Null(a.Reason); // a running job has no pending reason
    }

    [Fact]
    public void FailNode_RequeuesOnlyJobsOnThatNode_InSubmissionOrder_WithReason()
    {
        // n0 has 3 GPUs, n1 4: best fit puts the three 1-GPU jobs on n0 (the tightest node) and the 4-GPU job on n1.
        var engine = new SchedulingEngine(new Cluster([new NodeSpec("n0", 3), new NodeSpec("n1", 4)]), SchedulingPolicy.Create("fifo"), null, T0);
        engine.Submit([Job("x", 1), Job("y", 1), Job("z", 1), Job("w", 4)], T0);
        engine.RunPass(T0);
        var jobs = engine.Jobs;
        Assert.All(["x", "y", "z"], id => Assert.Equal(0, jobs[id].Placement!.Nodes.Single().NodeIndex));
        Assert.Equal(1, jobs["w"].Placement!.Nodes.Single().NodeIndex);

        var launches = engine.FailNode(0, At(10));

        // Documented: "the requeued jobs' launches in submission order".
        Assert.Equal(["x", "y", "z"], launches.Select(l => l.JobId));
        Assert.All(launches, l => Assert.Same(engine.Jobs[l.JobId], l.Job));
        Assert.All(["x", "y", "z"], id => Assert.Equal(JobState.Pending, jobs[id].State));
        Assert.All(["x", "y", "z"], id => Assert.Equal("node n0 failed", jobs[id].Reason));
        Assert.Equal(JobState.Running, jobs["w"].State);
        Assert.Equal(4, engine.AllocatedGpus);
    }

    [Fact]
    public void Finish_Failed_KeepsReasonOrSaysFailed_Succeeded_HasNoReason()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        engine.Submit([Job("a", 2), Job("b", 2), Job("c", 2)], T0);
        engine.RunPass(T0);
        var jobs = engine.Jobs;

        Assert.True(engine.Finish("a", jobs["a"].Attempts, false, At(1), "out of memory"));
        Assert.True(engine.Finish("b", jobs["b"].Attempts, false, At(1)));
        Assert.True(engine.Finish("c", jobs["c"].Attempts, true, At(1)));

        Assert.Equal(JobState.Failed, jobs["a"].State);
        Assert.Equal("out of memory", jobs["a"].Reason);
        Assert.Equal(JobState.Failed, jobs["b"].State);
        Assert.Equal("failed", jobs["b"].Reason);
        Assert.Equal(JobState.Completed, jobs["c"].State);
        Assert.Null(jobs["c"].Reason);
        Assert.Equal(-1, jobs["c"].RunningIndex); // documented: "index in the running list, or −1"
        Assert.Equal(0, engine.AllocatedGpus);
    }

    [Fact]
    public void Finish_Succeeded_CreditsTheEstimate_Failed_KeepsCheckpointedProgress()
    {
        // A completed job has done its whole estimate (100 s), although only 30 s of wall time passed; a failed one
        // without checkpoints keeps what it had (0).
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        engine.Submit([Job("ok", 4, 100), Job("bad", 4, 100)], T0);
        engine.RunPass(T0);
        var ok = engine.Jobs["ok"];
        var bad = engine.Jobs["bad"];
        Assert.True(engine.Finish("ok", ok.Attempts, true, At(30)));
        Assert.True(engine.Finish("bad", bad.Attempts, false, At(30)));
        Assert.Equal(100, ok.ProgressSeconds);
        Assert.Equal(0, bad.ProgressSeconds);
        Assert.False(engine.Finish("ok", ok.Attempts, true, At(31))); // no longer running: ignored
    }

    [Fact]
    public void Forget_DropsOnlyCompletedOrFailedJobs()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        engine.Submit([Job("done", 4), Job("broken", 4), Job("wait", 8)], T0);
        engine.RunPass(T0);
        var jobs = engine.Jobs;
        var done = jobs["done"];
        var broken = jobs["broken"];
        var wait = jobs["wait"];
        engine.Finish("done", done.Attempts, true, At(1));
        engine.Finish("broken", broken.Attempts, false, At(1));

        engine.Forget(done);
        engine.Forget(broken);
        engine.Forget(wait); // pending: kept (documented: "a job in any other state is kept")

        Assert.Equal(["wait"], engine.Jobs.Keys);
    }

    // ---- Fair-share usage accrues at the GPUs in use before each change (half-life 0: no decay, usage = ∫ GPUs dt) ----

    private static SchedulingEngine NoDecayEngine(int gpus = 8) =>
        new(Cluster.Uniform(1, gpus), SchedulingPolicy.Create("fifo"), null, T0, TimeSpan.Zero);

    [Fact]
    public void Usage_JobStartedAt10FinishedAt30_Is80GpuSeconds()
    {
        // 4 GPUs × (30 − 10) s = 80 GPU-s; nothing ran during [0, 10).
        var engine = NoDecayEngine();
        var job = engine.Submit([Job("a", 4)], T0).Single();
        engine.RunPass(At(10));
        engine.Finish("a", job.Attempts, true, At(30));
        Assert.Equal(80, engine.Ledger.DecayedUsageAt(job.TenantIndex, At(30)), 9);
    }

    public static TheoryData<string> Stoppers => new() { "cancel", "requeue", "failnode" };

    [Theory]
    [MemberData(nameof(Stoppers))]
    public void Usage_JobRunFrom0To10ThenStopped_Is40GpuSecondsAt20(string how)
    {
        // 4 GPUs × 10 s = 40 GPU-s, and nothing accrues after the stop at 10 s.
        var engine = NoDecayEngine();
        var job = Start(engine, Job("a", 4));
        switch (how)
        {
            case "cancel":
                engine.Cancel("a", At(10));
                break;
            case "requeue":
                engine.Requeue("a", job.Attempts, At(10));
                break;
            default:
                engine.FailNode(0, At(10));
                break;
        }

        Assert.Equal(0, engine.TenantUsedGpus("default"));
        Assert.Equal(40, engine.Ledger.DecayedUsageAt(job.TenantIndex, At(20)), 9);
    }

    // ---- Apply: expiries, preemptions, conditional jobs ----

    [Fact]
    public void Apply_ExpiredJob_LeavesThePendingQueue()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", preemption: false);
        Start(engine, Job("hold", 8) with { Preemptible = false });
        var d = engine.Submit([Job("d", 8) with { Deadline = At(5) }], T0).Single();

        var plan = engine.RunPass(At(10));

        Assert.Equal(["d"], plan.Expired.Select(e => e.JobId));
        Assert.Equal(JobState.Cancelled, d.State);
        Assert.Equal(0, engine.PendingCount);
        Assert.Empty(engine.Pending);
        Assert.Empty(engine.ConditionalPending);
    }

    [Fact]
    public void Start_OfJobWithDeadline_RemovesItFromTheConditionalSet()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        var job = engine.Submit([Job("d", 8) with { Deadline = At(1000) }], T0).Single();
        Assert.Single(engine.ConditionalPending);
        engine.RunPass(T0);
        Assert.Equal(JobState.Running, job.State);
        Assert.Empty(engine.ConditionalPending);
    }

    [Fact]
    public void PriorityPreemption_VictimReason_NamesReasonAndPreemptor()
    {
        var engine = NewEngine(Cluster.Uniform(1, 4), "priority");
        var lo = Start(engine, Job("lo", 4, priority: PriorityClasses.Low));
        engine.Submit([Job("hi", 4, priority: PriorityClasses.High)], At(5));

        var plan = engine.RunPass(At(5));

        Assert.Equal(["lo"], plan.Preemptions.Select(p => p.JobId));
        Assert.Equal(JobState.Pending, lo.State);
        Assert.Equal("preempted (Priority) for hi", lo.Reason);
        Assert.Equal(JobState.Running, engine.Jobs["hi"].State);
    }

    [Fact]
    public void PriorityOrdering_HigherPriorityStartsFirst_TiesBySubmission()
    {
        // One GPU: of lo (submitted first) and hi, hi starts (priority before submission order).
        var engine = NewEngine(Cluster.Uniform(1, 1), "priority", preemption: false);
        engine.Submit([Job("lo", 1, priority: PriorityClasses.Low), Job("hi", 1, priority: PriorityClasses.High)], T0);
        Assert.Equal(["hi"], engine.RunPass(T0).Starts.Select(s => s.JobId));

        // Two GPUs, two jobs of equal priority submitted together: equal keys, both queued and both start, a then b.
        var tie = NewEngine(Cluster.Uniform(1, 2), "priority", preemption: false);
        tie.Submit([Job("a", 1), Job("b", 1)], T0);
        Assert.Equal(["a", "b"], tie.RunPass(T0).Starts.Select(s => s.JobId));
    }

    // ---- Preemptible jobs per priority (the planner's shortcut) ----

    [Fact]
    public void LowestRunningPreemptiblePriority_FollowsStartsAndFinishes()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        Assert.Equal(int.MaxValue, engine.LowestRunningPreemptiblePriority());
        engine.Submit([Job("low", 2, priority: PriorityClasses.Low), Job("n1", 2), Job("n2", 2), Job("keep", 2, priority: PriorityClasses.Low) with { Preemptible = false }], T0);
        engine.RunPass(T0);
        var jobs = engine.Jobs;
        Assert.Equal(PriorityClasses.Low, engine.LowestRunningPreemptiblePriority());

        engine.Finish("low", jobs["low"].Attempts, true, At(1));
        Assert.Equal(PriorityClasses.Normal, engine.LowestRunningPreemptiblePriority()); // "keep" is not preemptible
        engine.Finish("n1", jobs["n1"].Attempts, true, At(1));
        Assert.Equal(PriorityClasses.Normal, engine.LowestRunningPreemptiblePriority()); // n2 still runs
        engine.Finish("n2", jobs["n2"].Attempts, true, At(1));
        Assert.Equal(int.MaxValue, engine.LowestRunningPreemptiblePriority());
    }

    // ---- Construction: which indexes exist ----

    [Theory]
    [InlineData("las", true, true)] // preemptive ordering, preemption on, built-in victim cost
    [InlineData("las", false, false)] // preemption off
    [InlineData("priority", true, false)] // ordering not preemptive
    public void VictimIndex_AllowedOnlyForPreemptiveOrderingWithPreemptionOn(string policy, bool preemption, bool expected)
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), policy, preemption: preemption);
        Assert.Equal(expected, engine.VictimIndexAllowed);
        Assert.Null(engine.VictimIndex); // opened by a pass only once enough jobs run
    }

    /// <summary>The index opens at the pass after more than <c>VictimIndexOpensAt</c> jobs run, holds exactly the running
    /// preemptible jobs while open (kept by every start and stop), and closes once fewer than <c>VictimIndexClosesAt</c> run.
    /// Thresholds 2 and 2 on eight 1-GPU jobs, one of them not preemptible (worked by hand: 8 start in pass 1; pass 2 opens
    /// the index with the 7 preemptible; finishing 6 leaves 2 running (not below 2: still open, 1 preemptible); finishing
    /// one more leaves 1 &lt; 2: pass 4 closes it).</summary>
    [Fact]
    public void VictimIndex_OpensAboveTheThresholdAndClosesBelowIt()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "las");
        engine.VictimIndexOpensAt = 2;
        engine.VictimIndexClosesAt = 2;
        var jobs = Enumerable.Range(0, 8).Select(i => Job($"j{i}", 1)).ToList();
        jobs[7] = jobs[7] with { Preemptible = false };
        engine.Submit(jobs, T0);
        engine.RunPass(T0);
        Assert.Equal(8, engine.Running.Count);
        Assert.Null(engine.VictimIndex); // judged before the pass started anything

        engine.RunPass(At(1));
        Assert.NotNull(engine.VictimIndex);
        Assert.Equal(7, engine.VictimIndex!.Count);

        for (var i = 0; i < 6; i++)
        {
            engine.Finish($"j{i}", 1, true, At(2));
        }

        Assert.Equal(1, engine.VictimIndex!.Count); // kept by the stops
        engine.RunPass(At(3));
        Assert.NotNull(engine.VictimIndex); // 2 running: not below 2

        engine.Finish("j6", 1, true, At(4));
        engine.RunPass(At(5));
        Assert.Null(engine.VictimIndex);
    }

    /// <summary>The index the gate opens anchors its jobs as the ordering's running keys need: LAS by attained GPU-seconds,
    /// heterogeneity-aware LAS (with a throughput matrix) by normalised GPU-seconds.</summary>
    [Theory]
    [InlineData("las", false, nameof(VictimAnchors.GpuSeconds))]
    [InlineData("las", true, nameof(VictimAnchors.NormalizedGpuSeconds))]
    public void VictimIndex_AnchorsFollowTheOrdering(string ordering, bool aware, string expected)
    {
        var policy = SchedulingPolicy.Create(ordering, backfill: true, preemption: true);
        if (aware)
        {
            policy = policy with
            {
                HeterogeneityAware = true,
                Throughputs = ThroughputMatrix.Parse("""{ "referenceGpuType": "gpu", "gpuTypes": ["gpu"], "classes": { "A": { "gpu": 1 } } }"""),
            };
        }

        var engine = new SchedulingEngine(Cluster.Uniform(1, 8), policy, start: T0) { VictimIndexOpensAt = 0 };
        engine.Submit([Job("a", 1) with { JobClass = "A" }], T0);
        engine.RunPass(T0);
        engine.RunPass(At(1));

        Assert.Equal(Enum.Parse<VictimAnchors>(expected), engine.VictimIndex!.Anchors);
        Assert.Equal(1, engine.VictimIndex.Count);
    }

    /// <summary>SRTF keeps no victim index even when the gate would open one: its victims are read from the top of the
    /// anchor order (the last-ranked first), which the engine keeps anyway.</summary>
    [Fact]
    public void VictimIndex_NeverOpensUnderSrtf()
    {
        var engine = new SchedulingEngine(Cluster.Uniform(1, 8), SchedulingPolicy.Create("srtf", backfill: true, preemption: true), start: T0)
        {
            VictimIndexOpensAt = 0,
        };
        engine.Submit([Job("a", 1), Job("b", 2)], T0);
        engine.RunPass(T0);
        engine.RunPass(At(1));

        Assert.Equal(2, engine.PreemptibleByAnchor!.Count);
        Assert.Null(engine.VictimIndex);
    }

    [Theory]
    [InlineData("srtf", true)] // ShortestRemainingTimeFirstOrdering implements IAnchoredRunningKey
    [InlineData("fifo", false)]
    public void PreemptibleByAnchor_ExistsOnlyForAnchoredOrderings(string policy, bool expected)
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), policy);
        Assert.Equal(expected, engine.PreemptibleByAnchor is not null);
    }

    // ---- Rejection reasons (docs/scheduling.md: "Rejected at submission with its reason") ----

    [Fact]
    public void Submit_Rejected_ReasonIsPrefixedAndNamesTypeAndClusterSize()
    {
        // Two nodes × 8 GPUs: "16 GPUs, at most 8 per node".
        var engine = NewEngine(Cluster.Uniform(2, 8, "A100"), "fifo");
        var job = engine.Submit([Job("h", 1) with { GpuTypes = ["H100"] }], T0).Single();
        Assert.Equal(JobState.Rejected, job.State);
        Assert.Equal("rejected: needs 1 H100 GPUs and no such placement exists in the cluster (16 GPUs, at most 8 per node)", job.Reason);
    }

    [Fact]
    public void Submit_GangLargerThanAnyNode_OnOneNode_IsRejectedSayingOnOneNode()
    {
        var engine = NewEngine(Cluster.Uniform(2, 8), "fifo");
        var job = engine.Submit([Job("n", 12) with { MaxSpan = TopologyLevel.Node }], T0).Single();
        Assert.Equal("rejected: needs 12 GPUs on one node and no such placement exists in the cluster (16 GPUs, at most 8 per node)", job.Reason);
    }

    [Fact]
    public void Submit_MinGpusAboveGpus_IsRejected_EqualIsAccepted()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        var bad = engine.Submit([Job("bad", 4) with { MinGpus = 5 }], T0).Single();
        var equal = engine.Submit([Job("equal", 4) with { MinGpus = 4 }], T0).Single();
        Assert.Equal(JobState.Rejected, bad.State);
        Assert.Equal("rejected: needs 4 GPUs but its MinGpus (5) exceeds its Gpus (4)", bad.Reason);
        Assert.Equal(JobState.Pending, equal.State);
    }

    private static Cluster RackedCluster() => new(
        [
            new NodeSpec("a", 4) { Labels = new Dictionary<string, string> { ["rack"] = "r0", ["nvlink"] = "d0" } },
            new NodeSpec("b", 4) { Labels = new Dictionary<string, string> { ["rack"] = "r0", ["nvlink"] = "d1" } },
        ],
        ["rack", "nvlink"]);

    [Fact]
    public void Submit_RequiredLevelTheClusterLacks_NamesTheLevelsNarrowestFirst()
    {
        // Levels are given widest first (rack, nvlink); docs/scheduling.md's message lists them narrowest first:
        // "(its levels: node, rack, cluster)" for a cluster with one level.
        var engine = new SchedulingEngine(RackedCluster(), SchedulingPolicy.Create("fifo"), null, T0);
        var job = engine.Submit([Job("j", 1) with { Topology = new TopologyRequest { RequiredLevel = "block" } }], T0).Single();
        Assert.Equal(JobState.Rejected, job.State);
        Assert.Equal("rejected: needs 1 GPUs in one block but the cluster has no topology level 'block' (its levels: node, nvlink, rack, cluster)", job.Reason);
    }

    [Fact]
    public void Submit_SliceLevelTheClusterLacks_IsRejectedOnlyWithSlices()
    {
        var engine = new SchedulingEngine(RackedCluster(), SchedulingPolicy.Create("fifo"), null, T0);
        var sliced = engine.Submit([Job("s", 2) with { Topology = new TopologyRequest { SliceGpus = 1, SliceLevel = "block" } }], T0).Single();
        Assert.Equal(JobState.Rejected, sliced.State);
        Assert.Contains("no topology level 'block'", sliced.Reason, StringComparison.Ordinal);

        // Without SliceGpus there are no slices, so the slice level names nothing the job needs.
        var unsliced = engine.Submit([Job("u", 2) with { Topology = new TopologyRequest { SliceLevel = "block" } }], T0).Single();
        Assert.Equal(JobState.Pending, unsliced.State);
    }

    [Fact]
    public void Submit_ElasticMinimumNotWholeSlices_IsRejected()
    {
        // Gpus 8 = 2 slices of 4, but the minimum 6 is 1.5 slices: docs say "the gang (and an elastic job's minimum)
        // must be a whole number of slices".
        var engine = NewEngine(Cluster.Uniform(2, 8), "fifo");
        var job = engine.Submit([Job("e", 8) with { MinGpus = 6, Topology = new TopologyRequest { SliceGpus = 4 } }], T0).Single();
        Assert.Equal(JobState.Rejected, job.State);
        Assert.Equal("rejected: needs 6–8 GPUs in slices of 4 per node but its gang is not a whole number of slices", job.Reason);
    }

    // ---- Dependencies ----

    [Fact]
    public void Submit_DependencyOnEarlierJob_IsAccepted()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        engine.Submit([Job("a", 1)], T0);
        var b = engine.Submit([Job("b", 1) with { Dependencies = ["a"] }], T0).Single();
        Assert.Equal(JobState.Pending, b.State);
    }

    [Fact]
    public void Submit_CycleAfterAFinishedBranch_ReportsOnlyTheCycle()
    {
        // a → d (no cycle there), a → c → a: the cycle is a, c, a; d was left behind on the way.
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        JobSpec[] specs = [Job("a", 1) with { Dependencies = ["d", "c"] }, Job("c", 1) with { Dependencies = ["a"] }, Job("d", 1)];
        var ex = Assert.Throws<DependencyCycleException>(() => engine.Submit(specs, T0));
        Assert.Equal(["a", "c", "a"], ex.Cycle);
    }

    // ---- GPU-type masks and feasibility (cached by the set of acceptable types) ----

    private static Cluster ThreeTypes() => new([new NodeSpec("a0", 2, "a"), new NodeSpec("b0", 2, "b"), new NodeSpec("c0", 8, "c")]);

    [Fact]
    public void Submit_SameShapeOnAnotherType_IsJudgedOnItsOwnTypes()
    {
        // 4 GPUs fit on no "b" node (2 GPUs) but on the "c" node (8): the first is rejected, the second waits/runs.
        var engine = new SchedulingEngine(ThreeTypes(), SchedulingPolicy.Create("fifo"), null, T0);
        var onB = engine.Submit([Job("onB", 4) with { GpuTypes = ["b"] }], T0).Single();
        var onC = engine.Submit([Job("onC", 4) with { GpuTypes = ["c"] }], T0).Single();
        var unknown = engine.Submit([Job("unknown", 4) with { GpuTypes = ["H100"] }], T0).Single();
        var twice = engine.Submit([Job("twice", 4) with { GpuTypes = ["c", "c"] }], T0).Single();
        Assert.Equal(JobState.Rejected, onB.State);
        Assert.Equal(JobState.Pending, onC.State);
        Assert.Equal(JobState.Rejected, unknown.State);
        Assert.Equal(JobState.Pending, twice.State);
    }

    [Fact]
    public void Submit_FlavoredTenant_FeasibleOnItsSecondFlavour_IsAccepted()
    {
        // Flavours b (2-GPU node) and c (8-GPU node), 8 GPUs of quota each: a 4-GPU gang has quota on both but a
        // placement only on c; "a gang runs on one GPU type", and c has both, so the job is accepted.
        var tenant = new TenantQuota("t", [new FlavorQuota("b", 8), new FlavorQuota("c", 8)]);
        var engine = new SchedulingEngine(ThreeTypes(), SchedulingPolicy.Create("fifo"), [tenant], T0);
        var job = engine.Submit([Job("j", 4, tenant: "t")], T0).Single();
        Assert.Equal(JobState.Pending, job.State);
    }

    [Fact]
    public void Submit_TwoFlavoredTenants_EachJudgedOnItsOwnFlavours()
    {
        // Tenant small may use only b (2-GPU node), tenant big only c (8-GPU node).
        var engine = new SchedulingEngine(
            ThreeTypes(),
            SchedulingPolicy.Create("fifo"),
            [new TenantQuota("small", [new FlavorQuota("b", 2)]), new TenantQuota("big", [new FlavorQuota("c", 8)])],
            T0);
        var s = engine.Submit([Job("s", 1, tenant: "small")], T0).Single();
        var b = engine.Submit([Job("b", 4, tenant: "big")], T0).Single();
        Assert.Equal(JobState.Pending, s.State);
        Assert.Equal(JobState.Pending, b.State);
        engine.RunPass(T0);
        Assert.Equal("c0", b.Placement!.Nodes.Single().NodeName);
    }

    // ---- Heterogeneity (Gavel): speed = the throughput matrix's relative speed ----

    /// <summary>Classes: "slow" 1 on k80, 4 on v100; "zero" 0 on k80, 1 on v100 (row 1). Reference type v100.</summary>
    private static ThroughputMatrix Matrix() => new(
        ["k80", "v100"],
        [
            new KeyValuePair<string, IReadOnlyList<double>>("slow", [1.0, 4.0]),
            new KeyValuePair<string, IReadOnlyList<double>>("zero", [0.0, 1.0]),
        ],
        "v100");

    private static SchedulingEngine Hetero(Cluster cluster) =>
        new(cluster, SchedulingPolicy.Create("fifo") with { Throughputs = Matrix() }, null, T0);

    private static Cluster KAndV() => new([new NodeSpec("k", 1, "k80"), new NodeSpec("v", 1, "v100")]);

    [Fact]
    public void Heterogeneity_RunOnK80_ProgressAndNormalisedServiceUseRelativeSpeed()
    {
        // "slow" on k80: relative speed = 1 / 4 = 0.25 (reference v100). 8 s with 1-s checkpoints: saved 8 s of wall time
        // → progress 8 × 0.25 = 2 s; normalised GPU-seconds = 1 GPU × 0.25 × 8 s = 2; plain GPU-seconds = 1 × 8 = 8.
        var engine = Hetero(KAndV());
        var job = engine.Submit([Job("j", 1, 100) with { JobClass = "slow", GpuTypes = ["k80"], CheckpointInterval = TimeSpan.FromSeconds(1) }], T0).Single();
        var plan = engine.RunPass(T0);
        Assert.Equal(0.25, plan.Starts.Single().Speed, 12);
        Assert.Equal(0.25, job.RunSpeed, 12);

        Assert.True(engine.Requeue("j", job.Attempts, At(8)));
        Assert.Equal(2, job.ProgressSeconds, 12);
        Assert.Equal(2, job.AttainedNormalizedGpuSecondsBeforeRun, 12);
        Assert.Equal(8, job.AttainedGpuSecondsBeforeRun, 12);
    }

    [Fact]
    public void Heterogeneity_RunOnV100_ProgressIsFourTimesWallTime()
    {
        // With k80 as the reference type, "slow" on v100 runs at 4 / 1 = 4.
        // 10 s, 1-s checkpoints → progress 10 × 4 = 40; normalised GPU-seconds 1 × 4 × 10 = 40.
        var matrix = new ThroughputMatrix(["k80", "v100"], [new KeyValuePair<string, IReadOnlyList<double>>("slow", [1.0, 4.0])], "k80");
        var engine = new SchedulingEngine(KAndV(), SchedulingPolicy.Create("fifo") with { Throughputs = matrix }, null, T0);
        var job = engine.Submit([Job("j", 1, 1000) with { JobClass = "slow", GpuTypes = ["v100"], CheckpointInterval = TimeSpan.FromSeconds(1) }], T0).Single();
        engine.RunPass(T0);
        Assert.Equal(4, job.RunSpeed, 12);
        Assert.True(engine.Requeue("j", job.Attempts, At(10)));
        Assert.Equal(40, job.ProgressSeconds, 12);
        Assert.Equal(40, job.AttainedNormalizedGpuSecondsBeforeRun, 12);
    }

    [Fact]
    public void Heterogeneity_TypeWithZeroSpeed_IsNeverUsed()
    {
        // "zero" runs at 0 on k80: with v100 taken, the job waits rather than start on k80.
        var engine = Hetero(KAndV());
        Start(engine, Job("hold", 1) with { GpuTypes = ["v100"] });
        var job = engine.Submit([Job("z", 1) with { JobClass = "zero" }], T0).Single();
        engine.RunPass(T0);
        Assert.Equal(JobState.Pending, job.State);
        Assert.Equal(1, engine.FreeGpus(0));
    }

    [Fact]
    public void Heterogeneity_TypeMissingFromTheMatrix_IsNeverUsed()
    {
        // The cluster's t4 is not in the matrix: the class's speed there is unknown, so it never goes there.
        var engine = Hetero(new Cluster([new NodeSpec("k", 1, "k80"), new NodeSpec("t", 1, "t4")]));
        Start(engine, Job("hold", 1) with { GpuTypes = ["k80"] });
        var job = engine.Submit([Job("s", 1) with { JobClass = "slow" }], T0).Single();
        engine.RunPass(T0);
        Assert.Equal(JobState.Pending, job.State);
        Assert.Equal(1, engine.FreeGpus(1));
    }

    [Fact]
    public void Heterogeneity_NoAcceptableType_IsRejectedWithReason()
    {
        var engine = Hetero(new Cluster([new NodeSpec("k", 1, "k80")]));
        var job = engine.Submit([Job("z", 1) with { JobClass = "zero" }], T0).Single();
        Assert.Equal(JobState.Rejected, job.State);
        Assert.Equal("rejected: needs 1 GPUs but no GPU type it accepts is available to it (its tenant's flavours, the throughput matrix)", job.Reason);
    }

    [Fact]
    public void Heterogeneity_FailNode_LaunchCarriesTheRunSpeed()
    {
        // "slow" on k80 runs at 1 / 4 = 0.25 of its v100 speed; the requeued launch reports the run as it was.
        var engine = Hetero(KAndV());
        var job = Start(engine, Job("j", 1, 100) with { JobClass = "slow", GpuTypes = ["k80"] });
        var launch = engine.FailNode(0, At(3)).Single();
        Assert.Equal(0.25, launch.Speed, 12);
        Assert.Same(job, launch.Job);
    }

    /// <summary>Rows a, b, c, t on types x, y (reference x). Mean relative speed: x 1; y (2 + 1 + 6 + 3) / 4 = 3.</summary>
    private static SchedulingEngine Aware()
    {
        var matrix = new ThroughputMatrix(
            ["x", "y"],
            [
                new KeyValuePair<string, IReadOnlyList<double>>("a", [1.0, 2.0]),
                new KeyValuePair<string, IReadOnlyList<double>>("b", [1.0, 1.0]),
                new KeyValuePair<string, IReadOnlyList<double>>("c", [1.0, 6.0]),
                new KeyValuePair<string, IReadOnlyList<double>>("t", [1.0, 3.0]),
            ],
            "x");

        // The cluster lists y first.
        var cluster = new Cluster([new NodeSpec("ny", 1, "y"), new NodeSpec("nx", 1, "x")]);
        return new SchedulingEngine(cluster, SchedulingPolicy.Create("fifo") with { Throughputs = matrix, HeterogeneityAware = true }, null, T0);
    }

    [Fact]
    public void HeterogeneityAware_PlacesByComparativeAdvantage()
    {
        // Class a: normalised throughput on x = 1 / 1 = 1, on y = 2 / 3 ≈ 0.67 (docs/scheduling.md: RelativeSpeed /
        // mean over classes): a goes to x although it runs faster on y and the cluster lists y first.
        var engine = Aware();
        var job = Start(engine, Job("j", 1) with { JobClass = "a" });
        Assert.Equal("nx", job.Placement!.Nodes.Single().NodeName);
    }

    [Fact]
    public void HeterogeneityAware_EqualNormalisedThroughput_TakesTheClusterOrder()
    {
        // Class t: x 1 / 1 = 1, y 3 / 3 = 1, a tie: "ties in the job's or the cluster's order" → y (listed first).
        var engine = Aware();
        var job = Start(engine, Job("j", 1) with { JobClass = "t" });
        Assert.Equal("ny", job.Placement!.Nodes.Single().NodeName);
    }

    // ---- Queue keys that expire (LAS starvation guard) ----

    private static SchedulingEngine Las(int gpus) => NewEngine(
        Cluster.Uniform(1, gpus), "las", parameters: new PolicyParameters { LasThresholdsGpuSeconds = [5], LasStarvationFactor = 1 });

    [Fact]
    public void Las_StarvationPromotion_HappensExactlyAtTheDueTime()
    {
        // A runs 1 GPU × 10 s = 10 GPU-s ≥ 5: queue 1. Requeued at 10 s, it is promoted to queue 0 when it has waited
        // StarvationFactor × ran = 1 × 10 s, i.e. at 20 s ("waited >= factor × ran"). Then A and B are both in queue 0 and
        // A, submitted first, goes first.
        var engine = Las(1);
        var a = Start(engine, Job("A", 1, 1000));
        Assert.True(engine.Requeue("A", a.Attempts, At(10)));
        engine.Submit([Job("H", 1, 1000), Job("B", 1, 1000)], At(10));
        engine.RunPass(At(10));
        var h = engine.Jobs["H"];
        Assert.Equal(JobState.Running, h.State); // queue 0, submitted before B

        Assert.True(engine.Finish("H", h.Attempts, true, At(20)));
        var plan = engine.RunPass(At(20));
        Assert.Equal(["A"], plan.Starts.Select(s => s.JobId));
    }

    [Fact]
    public void Las_JobStartedBeforeItsKeyExpired_IsNotStartedAgainAfterwards()
    {
        // Two GPUs. At 10 s H and B (queue 0) start, A (queue 1, key due at 20 s) waits; H ends at 15 s and A starts.
        // B ends at 25 s: A is running, so the pass at 25 s has nothing to start.
        var engine = Las(2);
        var a = Start(engine, Job("A", 1, 1000));
        Assert.True(engine.Requeue("A", a.Attempts, At(10)));
        engine.Submit([Job("H", 1, 1000), Job("B", 1, 1000)], At(10));
        engine.RunPass(At(10));
        Assert.Equal(JobState.Pending, a.State);
        engine.Finish("H", engine.Jobs["H"].Attempts, true, At(15));
        Assert.Equal(["A"], engine.RunPass(At(15)).Starts.Select(s => s.JobId));
        var attempts = a.Attempts;

        engine.Finish("B", engine.Jobs["B"].Attempts, true, At(25));
        var plan = engine.RunPass(At(25));
        Assert.Empty(plan.Starts);
        Assert.Equal(JobState.Running, a.State);
        Assert.Equal(attempts, a.Attempts);
        Assert.Equal(1, engine.AllocatedGpus);
    }
}

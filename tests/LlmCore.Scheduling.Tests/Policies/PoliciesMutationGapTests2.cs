using CsCheck;
using LlmCore.Scheduling.Policies;
using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests.Policies;

/// <summary>
/// Second pass over the survivors of scripts/quality/mutation.sh scheduling Policies (docs/quality.md; report of main at
/// c09d003) in Orderings.cs, Admission.cs, Contexts.cs and PolicyCatalog.cs: the orderings' documented flags and null
/// guards, SRTF's running key at a speed other than 1 and after progress, the 2D-LAS promotion time of a multi-GPU job,
/// DRF over CPU and memory, the capacity view's CPU and memory limits, the contexts' per-type and cached answers, Kueue
/// per-flavour admission over every acceptable type, the cohort ceiling, the victim cost, the configuration warning
/// and the policy catalogue's lookups. Every expected value is worked by hand from the cited definition.
/// </summary>
public class PoliciesMutationGapTests2
{
    private static readonly DateTimeOffset s_t0 = TestSim.T0;

    // ---- Orderings.cs ----

    // IJobOrdering's documentation: IsPreemptive holds for SRTF and 2D-LAS only ("a pending job with a smaller key may
    // preempt a running one (SRTF, 2D-LAS)"); KeysAreIndependent holds for "all built-in orderings except DRF, whose key
    // accumulates a tenant's earlier jobs", and defaults to false for an ordering that does not say.
    [Theory]
    [InlineData("fifo", false, true)]
    [InlineData("priority", false, true)]
    [InlineData("sjf", false, true)]
    [InlineData("srtf", true, true)]
    [InlineData("las", true, true)]
    [InlineData("multifactor", false, true)]
    [InlineData("drf", false, false)]
    public void Orderings_DocumentedFlags(string name, bool preemptive, bool independent)
    {
        var ordering = SchedulingPolicy.Create(name).Ordering;

        Assert.Equal(name, ordering.Name);
        Assert.Equal(preemptive, ordering.IsPreemptive);
        Assert.Equal(independent, ordering.KeysAreIndependent);
    }

    [Fact]
    public void Ordering_Defaults_AndFifoQueueKey()
    {
        IJobOrdering custom = new BareOrdering();

        Assert.False(custom.KeysAreIndependent);

        // FIFO's queue key is the submission sequence, valid for ever (the order never changes while jobs wait).
        var fifo = NewEngine(Cluster.Uniform(1, 1), "fifo");
        var job = fifo.Submit([Job("a", 1)], s_t0)[0];
        Assert.True(fifo.Policy.Ordering.TryComputeQueueKey(new OrderingContext(s_t0, fifo.Cluster, fifo.Ledger), job, out var fifoKey, out var fifoUntil));
        Assert.Equal(((double)job.Sequence, DateTimeOffset.MaxValue), (fifoKey, fifoUntil));
        Assert.False(custom.TryComputeQueueKey(null!, null!, out var key, out var until));
        Assert.Equal((0.0, default(DateTimeOffset)), (key, until));
    }

    // Guard clauses (STYLE.md): a null argument is an ArgumentNullException naming it, never a NullReferenceException
    // from inside. FIFO and SJF do not read the context, so only the job arguments are checked there.
    [Theory]
    [InlineData("fifo", false)]
    [InlineData("priority", true)]
    [InlineData("sjf", false)]
    [InlineData("srtf", true)]
    [InlineData("las", true)]
    [InlineData("multifactor", true)]
    [InlineData("drf", true)]
    public void Orderings_NullArguments_AreNamed(string name, bool readsContext)
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), name);
        var jobs = engine.Submit([Job("a", 1, 10)], s_t0);
        var context = new OrderingContext(s_t0, engine.Cluster, engine.Ledger);
        var ordering = engine.Policy.Ordering;
        var keys = new double[1];

        Assert.Equal("jobs", Assert.Throws<ArgumentNullException>(() => ordering.ComputeKeys(context, null!, keys)).ParamName);
        if (readsContext)
        {
            Assert.Equal("context", Assert.Throws<ArgumentNullException>(() => ordering.ComputeKeys(null!, jobs, new double[1])).ParamName);
        }

        // Multifactor and DRF keep no queue keys (the interface's default, false without reading anything).
        if (ordering.TryComputeQueueKey(context, jobs[0], out _, out _))
        {
            Assert.Equal("job", Assert.Throws<ArgumentNullException>(() => ordering.TryComputeQueueKey(context, null!, out _, out _)).ParamName);
            if (readsContext)
            {
                Assert.Equal("context", Assert.Throws<ArgumentNullException>(() => ordering.TryComputeQueueKey(null!, jobs[0], out _, out _)).ParamName);
            }
        }
    }

    [Fact]
    public void LasAndMultifactor_NullArguments_AreNamed()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "multifactor");
        var job = engine.Submit([Job("a", 1, 10)], s_t0)[0];
        var context = new OrderingContext(s_t0, engine.Cluster, engine.Ledger);
        var multifactor = (MultifactorOrdering)engine.Policy.Ordering;

        Assert.Equal("weights", Assert.Throws<ArgumentNullException>(() => new MultifactorOrdering(null!)).ParamName);
        Assert.Equal("context", Assert.Throws<ArgumentNullException>(() => multifactor.PriorityOf(null!, job)).ParamName);
        Assert.Equal("job", Assert.Throws<ArgumentNullException>(() => multifactor.PriorityOf(context, null!)).ParamName);
        Assert.Equal("job", Assert.Throws<ArgumentNullException>(() => new LeastAttainedServiceOrdering([100], 1).QueueOf(null!, s_t0)).ParamName);
    }

    // SRTF (Job.RemainingSeconds and IAnchoredRunningKey): a running job's key is max(0, left / speed + restart cost −
    // (t − start)) with left = estimate − checkpointed progress; the anchor is left / speed + restart cost + start.
    // Estimate 100 s, 40 s of progress checkpointed earlier, running at speed 2 (a faster GPU type) since t = 10 with a
    // restart cost of 5 s: left = 60, 60 / 2 = 30, anchor = 30 + 5 + 10 = 45 s after T0; key 25 at t = 20, 0 from t = 45.
    // The same job waiting (preempted, one attempt so far) has queue key left + restart cost = 60 + 5.
    [Fact]
    public void Srtf_AnchorAndKeys_AtSpeedTwoAfterProgress()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "srtf");
        var spec = Job("a", 2, 100) with { RestartCost = TimeSpan.FromSeconds(5) };
        var job = engine.Submit([spec], s_t0)[0];
        var ordering = engine.Policy.Ordering;
        job.ProgressSeconds = 40;
        job.Attempts = 1;

        Assert.True(ordering.TryComputeQueueKey(new OrderingContext(s_t0, engine.Cluster, engine.Ledger), job, out var queueKey, out var until));
        Assert.Equal(65.0, queueKey, 1e-9);
        Assert.Equal(DateTimeOffset.MaxValue, until);

        Run(job, TestSim.At(10), gpus: 2, speed: 2, restartCost: 5);
        var epochT0 = (s_t0 - DateTimeOffset.UnixEpoch).TotalSeconds;
        Assert.Equal(epochT0 + 45, ((IAnchoredRunningKey)ordering).RunningKeyAnchor(job), 1e-6);

        var keys = new double[1];
        ordering.ComputeKeys(new OrderingContext(TestSim.At(20), engine.Cluster, engine.Ledger), [job], keys);
        Assert.Equal(25.0, keys[0], 1e-9);
        ordering.ComputeKeys(new OrderingContext(TestSim.At(50), engine.Cluster, engine.Ledger), [job], keys);
        Assert.Equal(0.0, keys[0]);

        // At speed 1 the anchor is left + restart cost + start: 60 + 5 + 10.
        job.CurrentSpeed = 1;
        Assert.Equal(epochT0 + 75, ((IAnchoredRunningKey)ordering).RunningKeyAnchor(job), 1e-6);
    }

    // Tiresias' promote knob compares wall time: a pending job is promoted when it has waited StarvationFactor × the
    // time it ran, and its run time is attained GPU-seconds / GPUs. A 4-GPU job that attained 400 GPU-s (100 s of run)
    // and was queued again at t = 100, factor 2, threshold 100 GPU-s: queue 1 until t = 100 + 2 × 100 = 300, queue 0
    // from then; its queue key (1) holds until t = 300. With the guard off (factor 0) the key holds for ever.
    [Fact]
    public void Las_MultiGpuJob_PromotedAfterFactorTimesWallRunTime()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "las");
        var job = engine.Submit([new JobSpec("a", 4)], s_t0)[0];
        job.AttainedGpuSecondsBeforeRun = 400;
        job.QueuedSince = TestSim.At(100);
        var las = new LeastAttainedServiceOrdering([100], 2);

        Assert.Equal(1, las.QueueOf(job, TestSim.At(299.999)));
        Assert.Equal(0, las.QueueOf(job, TestSim.At(300)));
        var context = new OrderingContext(TestSim.At(150), engine.Cluster, engine.Ledger);
        Assert.True(las.TryComputeQueueKey(context, job, out var key, out var until));
        Assert.Equal((1.0, TestSim.At(300)), (key, until));

        var off = new LeastAttainedServiceOrdering([100], 0);
        Assert.True(off.TryComputeQueueKey(context, job, out key, out until));
        Assert.Equal((1.0, DateTimeOffset.MaxValue), (key, until));
    }

    // 2D-LAS (Tiresias, Gu et al., NSDI 2019): a running job's queue is the number of thresholds its attained service
    // has reached, so with thresholds 3,600 and 36,000 GPU-s (the defaults) it ranks after a preemptor of queue k exactly
    // once its service reaches threshold k: k = 0 (or 0.5) → 3,600, k = 1 → 36,000, k = 2 (the last queue) or more →
    // none (+∞), a negative k → every job (−∞), NaN (compared with nothing) → none.
    [Theory]
    [InlineData(-1.0, double.NegativeInfinity)]
    [InlineData(0.0, 3600.0)]
    [InlineData(0.5, 3600.0)]
    [InlineData(1.0, 36000.0)]
    [InlineData(1.999, 36000.0)]
    [InlineData(2.0, double.PositiveInfinity)]
    [InlineData(7.0, double.PositiveInfinity)]
    [InlineData(double.NaN, double.PositiveInfinity)]
    public void Las_ServiceAbove_IsTheThresholdOfTheKeysQueue(double key, double expected)
    {
        IServiceRunningKey las = new LeastAttainedServiceOrdering([3600, 36000], 1);
        Assert.Equal(expected, las.ServiceAbove(key));
    }

    // The same as a property against the ordering itself: for a running 1..8-GPU job with random service and a random
    // preemptor key, its key exceeds the preemptor's exactly when its service reaches ServiceAbove(key).
    [Fact]
    public void Las_ServiceAbove_AgreesWithTheRunningKeys()
    {
        var las = new LeastAttainedServiceOrdering([3600, 36000], 1);
        var engine = NewEngine(Cluster.Uniform(1, 8), "las");
        double[] round = [0, 3600, 36000, 3599];
        double[] keys = [-1, 0, 0.5, 1, 1.5, 2, 3];
        var gen =
            from gpus in Gen.Int[1, 8]
            from random in Gen.Double[0, 50_000]
            from pick in Gen.Int[0, round.Length]
            from seconds in Gen.Int[0, 20_000]
            from k in Gen.Int[0, keys.Length - 1]
            select (gpus, before: pick < round.Length ? round[pick] : random, seconds, key: keys[k]);
        gen.Sample(c =>
        {
            var job = new Job(new JobSpec("r", c.gpus), 1, 0, s_t0)
            {
                State = JobState.Running,
                Placement = new Placement([new NodeAllocation(0, "n0", c.gpus)], "gpu", TopologyLevel.Node),
                RunStartedAt = s_t0,
                AttainedGpuSecondsBeforeRun = c.before,
            };
            var now = s_t0.AddSeconds(c.seconds);
            var key = new double[1];
            las.ComputeKeys(new OrderingContext(now, engine.Cluster, engine.Ledger), [job], key);
            Assert.Equal(key[0] > c.key, job.AttainedGpuSeconds(now) >= ((IServiceRunningKey)las).ServiceAbove(c.key));
        }, iter: 500, seed: "1a5Serv1ce00");
    }

    // DRF (Ghodsi et al., NSDI 2011) over three resources: the dominant share is the largest of GPUs, CPU and memory
    // shares. One node of 8 GPUs, 64 cores, 256 GiB. Tenant a waits with two 1-GPU jobs of 16 cores each (CPU-dominant):
    // keys max(1/8, 16/64) = 0.25, then max(2/8, 32/64) = 0.5. Tenant b with two 1-GPU jobs of 128 and 64 GiB
    // (memory-dominant): 128/256 = 0.5, then 192/256 = 0.75.
    [Fact]
    public void Drf_Keys_CpuAndMemoryDominant()
    {
        var node = new NodeSpec("n0", 8) { CpuCores = 64, MemoryGib = 256 };
        var tenants = new[] { new TenantQuota("a", 8), new TenantQuota("b", 8) };
        var engine = new SchedulingEngine(new Cluster([node]), SchedulingPolicy.Create("drf"), tenants, s_t0);
        var jobs = engine.Submit(
            [
                Job("a1", 1, 10, tenant: "a") with { CpuCores = 16 },
                Job("b1", 1, 10, tenant: "b") with { MemoryGib = 128 },
                Job("a2", 1, 10, tenant: "a") with { CpuCores = 16 },
                Job("b2", 1, 10, tenant: "b") with { MemoryGib = 64 },
            ],
            s_t0);
        var keys = new double[4];

        engine.Policy.Ordering.ComputeKeys(new OrderingContext(s_t0, engine.Cluster, engine.Ledger), jobs, keys);

        Assert.Equal([0.25, 0.5, 0.5, 0.75], keys);
    }

    // ---- Contexts.cs ----

    // ClusterCapacityView.UsableGpus: the node's free GPUs, limited by floor(free CPU / CPU per GPU) when the job needs
    // CPU and by floor(free memory / memory per GPU) when it needs memory; a resource the job does not need never limits
    // it, even when the node has none of it left. Node 0: 8 GPUs free, 0 cores, 48 GiB; node 1: 8 GPUs, 64 cores, 0 GiB.
    // A 4-GPU job with 64 GiB (16 per GPU) gets floor(48 / 16) = 3 exactly on node 0 and 0 on node 1; a GPU-only job
    // gets all 8 on both.
    [Fact]
    public void CapacityView_UsableGpus_LimitedOnlyByWhatTheJobNeeds()
    {
        var view = new ClusterCapacityView(TwoTypes(), [8, 8], [0, 64], [48, 0], [true, true]);
        var gpuOnly = new JobSpec("g", 4);
        var memory = new JobSpec("m", 4) { MemoryGib = 64 };
        var cpu = new JobSpec("c", 4) { CpuCores = 32 };

        Assert.Equal([8, 8], new[] { 0, 1 }.Select(n => view.UsableGpus(gpuOnly, n)));
        Assert.Equal([3, 0], new[] { 0, 1 }.Select(n => view.UsableGpus(memory, n)));
        Assert.Equal([0, 8], new[] { 0, 1 }.Select(n => view.UsableGpus(cpu, n)));
        Assert.Equal("job", Assert.Throws<ArgumentNullException>(() => view.UsableGpus(null!, 0)).ParamName);

        // A backfill limit caps what the pass may use: free memory is the smaller of the two.
        view.MemoryLimit = [16, double.PositiveInfinity];
        Assert.Equal(16.0, view.FreeMemory(0));
        Assert.Equal(1, view.UsableGpus(memory, 0));
    }

    // The acceptable types: the job's own list in its order (names compared case-insensitively, types the cluster lacks
    // left out), or every type of the cluster in cluster order when it names none.
    [Fact]
    public void CapacityView_AcceptableGpuTypes()
    {
        var view = new ClusterCapacityView(TwoTypes(), [8, 8], [64, 64], [256, 256], [true, true]);

        Assert.Equal(["A100", "H100"], view.AcceptableGpuTypes(new JobSpec("any", 1)));
        Assert.Equal(["H100", "A100"], view.AcceptableGpuTypes(new JobSpec("own", 1) { GpuTypes = ["H100", "TPU", "a100"] }));
        Assert.Equal("job", Assert.Throws<ArgumentNullException>(() => view.AcceptableGpuTypes(null!)).ParamName);
    }

    // The ledger's per-domain sums answer for a job exactly when the view has a ledger, no backfill limit applies and the
    // job needs neither CPU nor memory (SumsExactFor's documentation).
    [Fact]
    public void CapacityView_SumsExactOnlyForGpuOnlyJobsOverALedger()
    {
        var cluster = TwoTypes();
        var overLedger = new ClusterCapacityView(new LlmCore.Scheduling.Internal.CapacityLedger(cluster));
        var bare = new ClusterCapacityView(cluster, [8, 8], [64, 64], [256, 256], [true, true]);
        var gpuOnly = new JobSpec("g", 1);

        Assert.True(overLedger.SumsExactFor(gpuOnly));
        Assert.False(overLedger.SumsExactFor(gpuOnly with { CpuCores = 1 }));
        Assert.False(overLedger.SumsExactFor(gpuOnly with { MemoryGib = 1 }));
        Assert.False(bare.SumsExactFor(gpuOnly));
        overLedger.GpuLimit = [8, 8];
        Assert.False(overLedger.SumsExactFor(gpuOnly));
    }

    // Attained service (OrderingContext.AttainedService): GPU-seconds, or with a heterogeneity-aware policy normalised
    // GPU-seconds = GPUs × seconds × speed (Gavel). 2 GPUs at speed 1.5 for 100 s: 200, normalised 300.
    [Fact]
    public void OrderingContext_AttainedService_PlainOrNormalised()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "las");
        var job = engine.Submit([new JobSpec("a", 2)], s_t0)[0];
        Run(job, s_t0, gpus: 2, speed: 1.5, restartCost: 0);

        Assert.Equal(200.0, new OrderingContext(TestSim.At(100), engine.Cluster, engine.Ledger).AttainedService(job), 1e-9);
        Assert.Equal(300.0, new OrderingContext(TestSim.At(100), engine.Cluster, engine.Ledger, heterogeneityAware: true).AttainedService(job), 1e-9);
    }

    // Shares (Slurm fair share; DRF): tenant a (weight 1, alone) runs 2 of 8 GPUs: share 1, dominant share 1/4, and its
    // normalised usage is 1 once it has run. A tenant that appears after the context first answered (b submits its first
    // job) is counted too: normalised usage 0, not a stale lookup; share 1/2. Tenant x of weight 3 beside y of weight 1:
    // normalised share 3/4.
    [Fact]
    public void OrderingContext_WeightsSharesAndUsage()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        var a = engine.Submit([Job("a", 2, 1000, tenant: "a")], s_t0)[0];
        Assert.Single(engine.RunPass(s_t0).Starts);
        var context = new OrderingContext(TestSim.At(100), engine.Cluster, engine.Ledger);

        Assert.Equal(1.0, context.Weight(a));
        Assert.Equal(1.0, context.NormalizedShare(a));
        Assert.Equal(0.25, context.DominantShare(a), 12);
        Assert.Equal(1.0, context.NormalizedUsage(a), 12);

        var b = engine.Submit([Job("b", 1, 10, tenant: "b")], TestSim.At(100))[0];
        Assert.Equal(0.0, context.NormalizedUsage(b));
        Assert.Equal(0.5, context.NormalizedShare(b), 12);

        var weighted = new SchedulingEngine(Cluster.Uniform(1, 8), SchedulingPolicy.Create("fifo"), [new TenantQuota("x", 8) { Weight = 3 }, new TenantQuota("y", 8)], s_t0);
        var x = weighted.Submit([Job("x", 1, 10, tenant: "x")], s_t0)[0];
        var weightedContext = new OrderingContext(s_t0, weighted.Cluster, weighted.Ledger);
        Assert.Equal(3.0, weightedContext.Weight(x));
        Assert.Equal(0.75, weightedContext.NormalizedShare(x), 12);

        // The dominant share is weighted (DRF with weights): x runs 1 of 8 GPUs at weight 3, (1/8) / 3.
        Assert.Single(weighted.RunPass(s_t0).Starts);
        Assert.Equal(1.0 / 24, new OrderingContext(s_t0, weighted.Cluster, weighted.Ledger).DominantShare(x), 12);

        foreach (var call in new Action[] { () => context.AttainedService(null!), () => context.NormalizedShare(null!), () => context.Weight(null!), () => context.NormalizedUsage(null!), () => context.DominantShare(null!) })
        {
            Assert.Equal("job", Assert.Throws<ArgumentNullException>(call).ParamName);
        }
    }

    // AdmissionContext: no type under consideration until the pass sets one (GpuType null); GPUs of a type the cluster
    // lacks are 0; every argument is checked.
    [Fact]
    public void AdmissionContext_TypeUsageAndGuards()
    {
        var (engine, context, _, byType) = Flavoured([new TenantQuota("t", [new FlavorQuota("H100", 4)])]);
        var job = NewJob(engine, "t", 2);
        byType[0][engine.Cluster.TypeIndex("H100")] = 3;

        Assert.Null(context.GpuType);
        Assert.Equal(3, context.UsedGpus(job, "h100"));
        Assert.Equal(0, context.UsedGpus(job, "TPU"));
        Assert.Equal(2, context.RequestedGpus(job));
        foreach (var call in new Action[] { () => context.RequestedGpus(null!), () => context.QuotaOf(null!), () => context.UsedGpus(null!), () => context.UsedGpus(null!, "H100") })
        {
            Assert.Equal("job", Assert.Throws<ArgumentNullException>(call).ParamName);
        }

        Assert.Equal("gpuType", Assert.Throws<ArgumentNullException>(() => context.UsedGpus(job, null!)).ParamName);
    }

    // ---- Admission.cs ----

    // The refusal text is cached per tenant and verdict only until usage changes (the ledger's version): tenant a,
    // nominal 4, may borrow 0, asks for 2 with 4 in use, then with 3 in use after the version moved.
    [Fact]
    public void Admission_RefusalText_FollowsUsage()
    {
        var engine = new SchedulingEngine(Cluster.Uniform(1, 8), SchedulingPolicy.Create("fifo"), [new TenantQuota("a", 4) { BorrowingLimitGpus = 0 }], s_t0);
        var job = NewJob(engine, "a", 2);
        var used = new List<int> { 4 };
        long version = 7;
        var context = new AdmissionContext(engine.Ledger, engine.Cluster, used, [new int[1]], () => version);
        var admission = engine.Policy.Admission;

        Assert.Equal("tenant a has used its quota (4/4 GPUs, may borrow 0)", admission.Check(job, context));
        used[0] = 3;
        version++;
        Assert.Equal("tenant a has used its quota (3/4 GPUs, may borrow 0)", admission.Check(job, context));
        used[0] = 2;
        version++;
        Assert.Null(admission.Check(job, context));
        Assert.Equal("job", Assert.Throws<ArgumentNullException>(() => admission.Check(null!, context)).ParamName);
        Assert.Equal("context", Assert.Throws<ArgumentNullException>(() => admission.Check(job, null!)).ParamName);
    }

    // Kueue cohort lending: a (nominal 2) has used its 2 and asks for 2 more; b (nominal 4, lendingLimit 1) lends at most
    // 1, so the cohort has 1 to lend and a is refused: the text names that 1 (not 0). The same per flavour (H100).
    [Fact]
    public void Admission_CohortExhaustedText_NamesWhatTheCohortStillLends()
    {
        var engine = new SchedulingEngine(Cluster.Uniform(1, 8), SchedulingPolicy.Create("fifo"), [new TenantQuota("a", 2), new TenantQuota("b", 4) { LendingLimitGpus = 1 }], s_t0);
        var context = new AdmissionContext(engine.Ledger, engine.Cluster, [2, 0], [new int[1], new int[1]], null);
        Assert.Equal("tenant a has used its quota (2/2 GPUs) and cohort default has 1 GPUs to lend", engine.Policy.Admission.Check(NewJob(engine, "a", 2), context));

        var (flavoured, byTypeContext, _, byType) = Flavoured([new TenantQuota("a", [new FlavorQuota("H100", 2)]), new TenantQuota("b", [new FlavorQuota("H100", 4) { LendingLimitGpus = 1 }])]);
        var h100 = flavoured.Cluster.TypeIndex("H100");
        byType[0][h100] = 2;
        byTypeContext.GpuTypeIndex = h100;
        Assert.Equal("tenant a has used its H100 quota (2/2 GPUs) and cohort default has 1 H100 GPUs to lend", flavoured.Policy.Admission.Check(NewJob(flavoured, "a", 2), byTypeContext));
    }

    // Per-flavour admission asked for every acceptable type at once (the pass's GpuType null): admitted when one of the
    // tenant's flavours the job accepts admits; else the first refusal; types the cluster lacks and types the job does not
    // accept (names compared case-insensitively) are skipped. The type under consideration is left unset afterwards.
    [Fact]
    public void Admission_EveryAcceptableFlavour()
    {
        var tenants = new[]
        {
            new TenantQuota("one", [new FlavorQuota("A100", 0) { BorrowingLimitGpus = 0 }, new FlavorQuota("H100", 4)]),
            new TenantQuota("none", [new FlavorQuota("A100", 0) { BorrowingLimitGpus = 0 }, new FlavorQuota("H100", 0)]) { Cohort = "alone" },
            new TenantQuota("first", [new FlavorQuota("V100", 0), new FlavorQuota("A100", 4)]) { Cohort = "first" },
            new TenantQuota("picky", [new FlavorQuota("A100", 4), new FlavorQuota("H100", 0) { BorrowingLimitGpus = 0 }]) { Cohort = "picky" },
        };
        var (engine, context, _, _) = Flavoured(tenants);

        Assert.Equal(QuotaVerdict.Admit, CohortQuotaAdmission.Evaluate(NewJob(engine, "one", 2), context));
        Assert.Null(context.GpuType);
        Assert.Equal(QuotaVerdict.OverBorrowingLimit, CohortQuotaAdmission.Evaluate(NewJob(engine, "none", 2), context));
        Assert.Equal(QuotaVerdict.Admit, CohortQuotaAdmission.Evaluate(NewJob(engine, "first", 2), context));
        Assert.Equal(QuotaVerdict.OverBorrowingLimit, CohortQuotaAdmission.Evaluate(NewJob(engine, "picky", 2, ["h100"]), context));
        Assert.Equal(QuotaVerdict.Admit, CohortQuotaAdmission.Evaluate(NewJob(engine, "picky", 2, ["a100"]), context));
        Assert.Equal(QuotaVerdict.NoFlavor, CohortQuotaAdmission.Evaluate(NewJob(engine, "picky", 2, ["TPU"]), context));
        Assert.Null(context.GpuType);
    }

    // The text of a refusal for want of a flavour names the type asked for, or "any acceptable GPU type" when the pass
    // asked for all at once, and lists the tenant's flavours.
    [Fact]
    public void Admission_NoFlavourText()
    {
        var (engine, context, _, _) = Flavoured([new TenantQuota("t", [new FlavorQuota("H100", 4), new FlavorQuota("V100", 4)])]);
        var admission = engine.Policy.Admission;

        Assert.Equal("tenant t has no quota for any acceptable GPU type (its flavours: H100, V100)", admission.Check(NewJob(engine, "t", 2, ["A100"]), context));
        context.GpuTypeIndex = engine.Cluster.TypeIndex("A100");
        Assert.Equal("tenant t has no quota for A100 GPUs (its flavours: H100, V100)", admission.Check(NewJob(engine, "t", 2), context));
    }

    // The most a tenant could ever hold of a type (Kueue: nominal quota + what it may borrow from what the other members
    // of its cohort could lend, each within its lending limit): a has 4 H100, b in its cohort lends at most 2 of its 6,
    // c in another cohort lends nothing to a: 4 + 2 = 6. A job of 7 H100 is rejected at submission, one of 6 is not.
    [Fact]
    public void Admission_Ceiling_NominalPlusWhatTheCohortCouldLend()
    {
        var tenants = new[]
        {
            new TenantQuota("a", [new FlavorQuota("H100", 4)]),
            new TenantQuota("b", [new FlavorQuota("H100", 6) { LendingLimitGpus = 2 }]),
            new TenantQuota("c", [new FlavorQuota("H100", 8)]) { Cohort = "other" },
        };
        var engine = new SchedulingEngine(new Cluster([new NodeSpec("h0", 8, "H100")]), SchedulingPolicy.Create("fifo"), tenants, s_t0);

        Assert.Equal(6, CohortQuotaAdmission.Ceiling(engine.Ledger, engine.Ledger.IndexOf("a"), "H100"));
        Assert.Equal(0, CohortQuotaAdmission.Ceiling(engine.Ledger, engine.Ledger.IndexOf("a"), "A100"));
        var submitted = engine.Submit([Job("big", 7, 10, tenant: "a"), Job("fits", 6, 10, tenant: "a")], s_t0);
        Assert.Equal([JobState.Rejected, JobState.Pending], submitted.Select(static j => j.State));
    }

    // Least lost work (LeastLostWorkPreemption's documentation): GPUs × (seconds since the last checkpoint + restart
    // cost). 2 GPUs, checkpoints every 60 s, restart cost 30 s, started at t = 0: at t = 150 the last checkpoint was at
    // 120 (whether or not the first run paid the restart cost: 150 − 30 = 120 is a multiple of 60 too), so 30 s are lost:
    // 2 × (30 + 30) = 120.
    [Fact]
    public void Preemption_VictimCost_ByHand()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        var job = engine.Submit([Job("v", 2, 1000) with { CheckpointInterval = TimeSpan.FromSeconds(60), RestartCost = TimeSpan.FromSeconds(30) }], s_t0)[0];
        Assert.Single(engine.RunPass(s_t0).Starts);

        Assert.Equal(120.0, engine.Policy.Preemption.VictimCost(job, TestSim.At(150)), 1e-9);
        Assert.Equal("victim", Assert.Throws<ArgumentNullException>(() => engine.Policy.Preemption.VictimCost(null!, s_t0)).ParamName);
    }

    // SchedulingPolicy.ConfigurationWarning's documentation: a preemptive ordering with preemption off never preempts, so
    // las degenerates to FIFO for jobs that never ran and srtf to a non-preemptive ordering; otherwise no warning.
    [Fact]
    public void Policy_ConfigurationWarning()
    {
        Assert.Equal(
            "policy las is preemptive by definition but preemption is off: running jobs are never preempted, so it only orders the queue (jobs that never ran all rank alike, as in FIFO)",
            SchedulingPolicy.Create("las", preemption: false).ConfigurationWarning);
        Assert.Equal(
            "policy srtf is preemptive by definition but preemption is off: running jobs are never preempted, so it only orders the queue (as a non-preemptive ordering)",
            SchedulingPolicy.Create("srtf", preemption: false).ConfigurationWarning);
        Assert.Null(SchedulingPolicy.Create("las").ConfigurationWarning);
        Assert.Null(SchedulingPolicy.Create("fifo", preemption: false).ConfigurationWarning);
    }

    // SchedulingPolicy.Create and MaxPreemptorsPerPass (≥ 0): bad arguments name themselves.
    [Fact]
    public void Policy_CreateAndMaxPreemptors_Guards()
    {
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => SchedulingPolicy.Create(null!, new PolicyParameters())).ParamName);
        Assert.Equal("parameters", Assert.Throws<ArgumentNullException>(() => SchedulingPolicy.Create("fifo", null!)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => SchedulingPolicy.Create("nope")).ParamName);
        var policy = SchedulingPolicy.Create("fifo");
        Assert.Equal("MaxPreemptorsPerPass", Assert.Throws<ArgumentOutOfRangeException>(() => policy with { MaxPreemptorsPerPass = -1 }).ParamName);
        Assert.Equal(0, (policy with { MaxPreemptorsPerPass = 0 }).MaxPreemptorsPerPass);
    }

    // ---- PolicyCatalog.cs ----

    // The catalogue's lookups: case-insensitive and trimmed, the first registered name (fifo, index 0) included; null
    // and unknown names are not registered, and an unknown name creates nothing.
    [Fact]
    public void Catalog_Lookups()
    {
        Assert.True(PolicyCatalog.Contains("fifo"));
        Assert.True(PolicyCatalog.Contains(" LAS "));
        Assert.True(PolicyCatalog.Contains("drf"));
        Assert.False(PolicyCatalog.Contains(null));
        Assert.False(PolicyCatalog.Contains("nope"));
        Assert.Null(PolicyCatalog.CreateOrdering("nope", new PolicyParameters()));
        Assert.Equal("drf", PolicyCatalog.CreateOrdering("DRF", new PolicyParameters())!.Name);
        Assert.Equal(["fifo", "priority", "sjf", "srtf", "las", "multifactor", "drf"], PolicyCatalog.Names);
    }

    /// <summary>Node a0: 8 A100 (type 0); node h0: 8 H100 (type 1).</summary>
    private static Cluster TwoTypes() => new([new NodeSpec("a0", 8, "A100"), new NodeSpec("h0", 8, "H100")]);

    private static (SchedulingEngine Engine, AdmissionContext Context, List<int> Used, int[][] ByType) Flavoured(TenantQuota[] tenants)
    {
        var engine = new SchedulingEngine(TwoTypes(), SchedulingPolicy.Create("fifo"), tenants, s_t0);
        var used = Enumerable.Repeat(0, tenants.Length).ToList();
        var byType = tenants.Select(_ => new int[engine.Cluster.GpuTypes.Count]).ToArray();
        return (engine, new AdmissionContext(engine.Ledger, engine.Cluster, used, byType, null), used, byType);
    }

    private static Job NewJob(SchedulingEngine engine, string tenant, int gpus, IReadOnlyList<string>? types = null) =>
        new(new JobSpec($"{tenant}-{gpus}", gpus) { Tenant = tenant, GpuTypes = types ?? [] }, 1, engine.Ledger.IndexOf(tenant), s_t0);

    private static void Run(Job job, DateTimeOffset start, int gpus, double speed, double restartCost)
    {
        job.State = JobState.Running;
        job.RunStartedAt = start;
        job.Placement = new Placement([new NodeAllocation(0, "node-0", gpus)], "GPU", TopologyLevel.Node);
        job.CurrentSpeed = speed;
        job.CurrentRestartCostSeconds = restartCost;
    }

    private sealed class BareOrdering : IJobOrdering
    {
        public string Name => "bare";

        public bool IsPreemptive => false;

        public void ComputeKeys(OrderingContext context, IReadOnlyList<Job> jobs, Span<double> keys)
        {
        }
    }
}

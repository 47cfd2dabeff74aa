using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests.Policies;

/// <summary>Elastic jobs (Kueue KEP-77; Pollux, Qiao et al., OSDI 2021): start at any size in [min, max], grow into idle
/// GPUs, shrink before being preempted; every resize is a checkpoint and a restart that pays the restart cost.</summary>
public class ElasticJobTests
{
    private static JobSpec Elastic(string id, int min, int max, double seconds, int priority = PriorityClasses.Low) => new(id, max)
    {
        MinGpus = min,
        RuntimeEstimate = TimeSpan.FromSeconds(seconds),
        CheckpointInterval = TimeSpan.FromSeconds(10),
        RestartCost = TimeSpan.FromSeconds(5),
        Priority = priority,
    };

    // One node of 8 GPUs, priority policy. E: 2–8 GPUs, 100 s of work at 8 GPUs, linear scaling (n/8 of full speed),
    // 5-s restarts. By hand:
    //   t = 0    R (rigid, 4 GPUs, 50 s, normal) starts first; E starts on the 4 GPUs left, at half speed.
    //   t = 50   R ends; nothing waits: E grows to 8. Checkpoint: 50 s × 0.5 = 25 s of work; 75 left. Growing pays:
    //            5 + 75 / 1 = 80 s < 75 / 0.5 = 150 s. New run ends at 50 + 5 + 75 = 130.
    //   t = 80   H (4 GPUs, 20 s, high) arrives: E (low) is the victim, and shrinks to the 4 GPUs H leaves instead of
    //            being preempted. Checkpoint: (80 − 50 − 5) s × 1 = 25 → 50 done, 50 left: ends at 80 + 5 + 100 = 185.
    //   t = 100  H ends: E grows back. Checkpoint: (100 − 80 − 5) × 0.5 = 7.5 → 57.5 done; 5 + 42.5 < 85, so grow:
    //            E ends at 100 + 5 + 42.5 = 147.5.
    [Fact]
    public void Elastic_GrowsIntoIdleGpusAndShrinksBeforePreemption_AsComputedByHand()
    {
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 8), "priority", backfill: false));
        sim.Arrive(0, Job("R", 4, 50));
        sim.Arrive(0, Elastic("E", 2, 8, 100));
        sim.Arrive(80, Job("H", 4, 20, PriorityClasses.High));
        sim.Run();

        var runs = sim.Starts.Where(s => s.Launch.JobId == "E").Select(s => (s.Time, s.Launch.Gpus, s.Launch.ProgressSeconds, s.Launch.Speed)).ToList();
        Assert.Equal([(0.0, 4, 0.0, 0.5), (50.0, 8, 25.0, 1.0), (80.0, 4, 50.0, 0.5), (100.0, 8, 57.5, 1.0)], runs);
        Assert.Equal(147.5, sim.Completions.Single(c => c.JobId == "E").Time, 9);
        Assert.Equal(100, sim.Completions.Single(c => c.JobId == "H").Time, 9);
        var e = sim.Engine.Jobs["E"];
        Assert.Equal((3, 0, 0.0), (e.Resizes, e.Preemptions, e.LostGpuSeconds));
        var kinds = sim.Plans.SelectMany(p => p.Plan.Resizes).Select(r => (r.Kind, r.ForJobId)).ToList();
        Assert.Equal([(ResizeKind.Grow, (string?)null), (ResizeKind.Shrink, "H"), (ResizeKind.Grow, null)], kinds);
        Assert.Empty(sim.Plans.SelectMany(p => p.Plan.Preemptions));
    }

    // An elastic job never starts below its minimum: with 3 GPUs free, E (min 4) waits; and never above what its
    // tenant's quota admits (nominal 6, no borrowing): on an empty 8-GPU node it starts at 6.
    [Fact]
    public void Elastic_StartsWithinMinAndQuota()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", tenants: [new TenantQuota("t", 6) { BorrowingLimitGpus = 0 }, new TenantQuota("u", 8)]);
        engine.Submit([Job("u1", 5, 100, tenant: "u")], TestSim.T0);
        engine.RunPass(TestSim.T0);
        engine.Submit([Elastic("E", 4, 8, 100) with { Tenant = "t" }], TestSim.At(1));
        Assert.Empty(engine.RunPass(TestSim.At(1)).Starts);
        Assert.Contains("needs 4–8 GPUs", engine.Jobs["E"].Reason, StringComparison.Ordinal);

        engine.Finish("u1", 1, true, TestSim.At(2));
        Assert.Equal(6, engine.RunPass(TestSim.At(2)).Starts.Single().Gpus);
    }

    // A grow that does not pay is skipped: 1 s of work left at half speed (2 s) beats a 5-s restart plus 1 s.
    [Fact]
    public void Elastic_DoesNotGrowWhenTheRestartCostsMoreThanItSaves()
    {
        var sim = new TestSim(NewEngine(Cluster.Uniform(1, 8), "fifo", backfill: false));
        sim.Arrive(0, Job("R", 4, 198));
        sim.Arrive(0, Elastic("E", 2, 8, 100));
        sim.Run();

        // E runs on 4 GPUs from 0 at half speed: 100 s of work take 200 s. R ends at 198 with 1 s of work left.
        Assert.Single(sim.Starts, s => s.Launch.JobId == "E");
        Assert.Equal(200, sim.Completions.Single(c => c.JobId == "E").Time, 9);
    }

    [Fact]
    public void ScalingCurves_GiveTheirThroughputs()
    {
        // Amdahl with 10% serial work: 1 / (0.1 + 0.9 / 4) = 3.0769...; points interpolate linearly (at 2 GPUs between
        // (1, 1) and (4, 3): 1 + 2 × 1/3) and stay flat beyond the last.
        Assert.Equal(1 / (0.1 + (0.9 / 4)), ScalingCurve.Amdahl(0.1).Throughput(4), 12);
        var measured = ScalingCurve.FromPoints([(1, 1.0), (4, 3.0), (8, 5.0)]);
        Assert.Equal(5.0 / 3, measured.Throughput(2), 12);
        Assert.Equal(4.0, measured.Throughput(6), 12);
        Assert.Equal(5.0, measured.Throughput(16), 12);
        Assert.Equal(0.5, ScalingCurve.Linear.RelativeSpeed(4, 8), 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => ScalingCurve.Amdahl(1));
        Assert.Throws<ArgumentException>(() => ScalingCurve.FromPoints([(2, 1.0), (2, 2.0)]));
    }

    [Fact]
    public void MinGpusAboveGpus_IsRejectedAtSubmission()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo");
        var job = engine.Submit([new JobSpec("x", 4) { MinGpus = 6 }], TestSim.T0).Single();
        Assert.Equal(JobState.Rejected, job.State);
        Assert.Contains("MinGpus (6) exceeds its Gpus (4)", job.Reason, StringComparison.Ordinal);
    }
}

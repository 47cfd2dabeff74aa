using LlmCore.Scheduling.Metrics;
using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;

namespace LlmCore.Scheduling.Tests.Simulation;

public class SimulatorTests
{
    // Checkpoint every second, free restarts: preempted runs keep all whole seconds of work, so schedules are easy
    // to compute by hand.
    private static readonly SimulationOptions s_exact = new() { CheckpointInterval = TimeSpan.FromSeconds(1), RestartCost = TimeSpan.Zero };

    private static Trace ThreeJobs() => new([
        new TraceJob(new JobSpec("j1", 4), 0, 100),
        new TraceJob(new JobSpec("j2", 4), 10, 50),
        new TraceJob(new JobSpec("j3", 4), 20, 10),
    ]);

    private static SimulationResult Simulate(string policy, Trace trace, SimulationOptions? options = null, int nodes = 1, int gpus = 4, bool backfill = false, PolicyParameters? parameters = null) =>
        new Simulator(Cluster.Uniform(nodes, gpus), SchedulingPolicy.Create(policy, parameters ?? new PolicyParameters(), backfill, preemption: true), options ?? s_exact).Run(trace);

    private static double Completion(SimulationResult result, string id) => result.Jobs.Single(j => j.JobId == id).CompletedSeconds!.Value;

    [Fact]
    public void Run_Fifo_RunsInArrivalOrder()
    {
        // By hand: j1 0–100, j2 100–150, j3 150–160; JCTs 100, 140, 140.
        var r = Simulate("fifo", ThreeJobs());
        Assert.Equal(100, Completion(r, "j1"), 6);
        Assert.Equal(150, Completion(r, "j2"), 6);
        Assert.Equal(160, Completion(r, "j3"), 6);
        Assert.Equal(380.0 / 3, r.Metrics.AvgJctSeconds, 6);
        Assert.Equal(0, r.Metrics.Preemptions);
        Assert.Equal(160, r.Metrics.MakespanSeconds, 6);
        Assert.Equal(1.0, r.Metrics.GpuUtilization, 6);
    }

    [Fact]
    public void Run_DependencyOnAJobThatEndedBeforeItArrived_RunsAfterIt()
    {
        // The run drops ended jobs to save memory only when no job has dependencies (the engine looks a dependency up
        // by id). By hand: a runs 0–10; b arrives at 20 depending on the completed a, starts at once and ends at 25.
        var trace = new Trace([
            new TraceJob(new JobSpec("a", 4), 0, 10),
            new TraceJob(new JobSpec("b", 4) { Dependencies = ["a"] }, 20, 5),
        ]);

        var r = Simulate("fifo", trace);

        Assert.Equal(10, Completion(r, "a"), 6);
        Assert.Equal(25, Completion(r, "b"), 6);
        Assert.Equal(0, r.Details.Unfinished);
    }

    [Fact]
    public void Run_EndedJobsOfATraceWithoutDependencies_CountedAsBefore()
    {
        // Ended jobs are dropped during the run; the totals still count them. Every run fails (probability 1) and is
        // retried MaxRetries = 1 time, so both jobs fail for good; by hand nothing completes and 2 jobs failed.
        var options = s_exact with { JobFailureProbability = 1, MaxRetries = 1 };

        var r = Simulate("fifo", new Trace(ThreeJobs().Jobs.Take(2)), options);

        Assert.Equal(2, r.Details.Failed);
        Assert.Equal(0, r.Details.Unfinished);
        Assert.All(r.Jobs, j => Assert.Null(j.CompletedSeconds));
    }

    [Fact]
    public void Run_Sjf_StartsShortestWaitingJobFirst()
    {
        // By hand: j1 0–100 (alone); at 100, j3 (10 s) before j2 (50 s): j3 100–110, j2 110–160; JCTs 100, 150, 90.
        var r = Simulate("sjf", ThreeJobs());
        Assert.Equal(100, Completion(r, "j1"), 6);
        Assert.Equal(110, Completion(r, "j3"), 6);
        Assert.Equal(160, Completion(r, "j2"), 6);
        Assert.Equal(340.0 / 3, r.Metrics.AvgJctSeconds, 6);
    }

    [Fact]
    public void Run_Srtf_PreemptsForShorterRemainingTime()
    {
        // By hand: j1 0–10 (preempted, 90 s left); j2 10–20 (preempted, 40 s left); j3 20–30; j2 30–70; j1 70–160.
        // JCTs: j1 160, j2 60, j3 10.
        var r = Simulate("srtf", ThreeJobs());
        Assert.Equal(30, Completion(r, "j3"), 6);
        Assert.Equal(70, Completion(r, "j2"), 6);
        Assert.Equal(160, Completion(r, "j1"), 6);
        Assert.Equal(230.0 / 3, r.Metrics.AvgJctSeconds, 6);
        Assert.Equal(2, r.Metrics.Preemptions);
        Assert.Equal(
            [("j1", 0.0, 10.0, RunOutcome.Preempted), ("j2", 10.0, 20.0, RunOutcome.Preempted), ("j3", 20.0, 30.0, RunOutcome.Completed), ("j2", 30.0, 70.0, RunOutcome.Completed), ("j1", 70.0, 160.0, RunOutcome.Completed)],
            r.Segments.Select(s => (s.JobId, Math.Round(s.StartSeconds, 6), Math.Round(s.EndSeconds, 6), s.Outcome)));
    }

    [Fact]
    public void Run_Las_DemotesAtThresholdAndPreempts()
    {
        // One LAS threshold at 100 GPU-s, no starvation promotion. 4-GPU jobs cross it after 25 s of running.
        // By hand (the simulator wakes 1 ms after a crossing): j1 0–25 (demoted, preempted by j2, 75 s left);
        // j2 25–50 (demoted, preempted by j3, 25 s left); j3 50–60; then j1 (earlier) 60–135 and j2 135–160.
        var parameters = new PolicyParameters { LasThresholdsGpuSeconds = [100], LasStarvationFactor = 0 };
        var r = Simulate("las", ThreeJobs(), parameters: parameters);
        Assert.Equal(60, Completion(r, "j3"), 1);
        Assert.Equal(135, Completion(r, "j1"), 1);
        Assert.Equal(160, Completion(r, "j2"), 1);
        Assert.Equal(2, r.Metrics.Preemptions);
        Assert.Equal(325.0 / 3, r.Metrics.AvgJctSeconds, 1);
    }

    [Fact]
    public void Run_FifoWithBackfill_ShortJobJumpsBlockedHead()
    {
        // a (2 GPUs, 0–100) runs; b needs all 4 GPUs and is reserved for t = 100; c (2 GPUs, 90 s) ends at 92 ≤ 100,
        // so EASY backfill starts it at 2. Without backfill: c waits for b: 150–240.
        var trace = new Trace([
            new TraceJob(new JobSpec("a", 2), 0, 100),
            new TraceJob(new JobSpec("b", 4), 1, 50),
            new TraceJob(new JobSpec("c", 2), 2, 90),
        ]);
        var with = Simulate("fifo", trace, backfill: true);
        Assert.Equal(92, Completion(with, "c"), 6);
        Assert.Equal(150, Completion(with, "b"), 6);
        var without = Simulate("fifo", trace, backfill: false);
        Assert.Equal(240, Completion(without, "c"), 6);
        Assert.Equal(150, Completion(without, "b"), 6);
    }

    [Fact]
    public void Run_NodeFailure_RestartsElsewhereFromCheckpoint()
    {
        // x (4 GPUs, 100 s) starts on one of two 4-GPU nodes; that node fails at 50 for 1000 s. With 1-s checkpoints
        // and free restarts, x resumes on the other node at 50 with 50 s left: completes at 100.
        var trace = new Trace([new TraceJob(new JobSpec("x", 4), 0, 100)]);
        var first = Simulate("fifo", trace, nodes: 2).Segments.Single();
        var failedNode = int.Parse(first.Placement.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture);
        var options = s_exact with { NodeFailures = [new NodeFailure(failedNode, 50, 1000)] };
        var r = Simulate("fifo", trace, options, nodes: 2);
        Assert.Equal(2, r.Segments.Count);
        Assert.Equal(RunOutcome.Failed, r.Segments[0].Outcome);
        Assert.Equal(50, r.Segments[0].EndSeconds, 6);
        Assert.NotEqual(first.Placement, r.Segments[1].Placement);
        Assert.Equal(100, Completion(r, "x"), 6);
        Assert.Equal(0, r.Details.LostGpuHours, 9);
    }

    [Fact]
    public void Run_JobFailureWithoutRetries_EndsFailedNotCompleted()
    {
        var trace = new Trace([new TraceJob(new JobSpec("x", 1), 0, 100), new TraceJob(new JobSpec("y", 1), 0, 10)]);
        var r = Simulate("fifo", trace, s_exact with { JobFailureProbability = 1, MaxRetries = 0 });
        Assert.Equal(0, r.Metrics.Completed);
        Assert.Equal(2, r.Details.Failed);
        Assert.All(r.Segments, s => Assert.Equal(RunOutcome.Failed, s.Outcome));
        Assert.All(r.Segments, s => Assert.InRange(s.EndSeconds - s.StartSeconds, 0, 100));
    }

    [Fact]
    public void Run_StopsAtHorizon_ReportsRunningAndWaitingJobsUnfinished()
    {
        var trace = new Trace([
            new TraceJob(new JobSpec("long", 4), 0, 100),
            new TraceJob(new JobSpec("waiting", 4), 10, 10),
            new TraceJob(new JobSpec("late", 1), 70, 10),
        ]);
        var r = Simulate("fifo", trace, s_exact with { UntilSeconds = 50 });
        Assert.Equal(["long", "waiting", "late"], r.UnfinishedJobIds);
        Assert.Equal(3, r.Metrics.Jobs);
        Assert.Equal(0, r.Metrics.Completed);
        Assert.Empty(r.Segments);
        var open = Assert.Single(r.OpenSegments);
        Assert.Equal(("long", 0.0, 50.0), (open.JobId, open.StartSeconds, open.EndSeconds));
        // 200 GPU-s in 4 GPUs × 50 s.
        Assert.Equal(1.0, r.Metrics.GpuUtilization, 6);
    }

    [Fact]
    public void Run_TooLargeJob_IsRejectedAndCounted()
    {
        var trace = new Trace([new TraceJob(new JobSpec("huge", 16), 0, 10), new TraceJob(new JobSpec("ok", 1), 0, 10)]);
        var r = Simulate("fifo", trace);
        Assert.Equal(1, r.Details.Rejected);
        Assert.Equal(1, r.Metrics.Completed);
        Assert.Empty(r.UnfinishedJobIds);
    }

    [Fact]
    public void Run_SameSeed_IdenticalSegments()
    {
        var trace = SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 300, Seed = 2, LoadFactor = 8 });
        var options = new SimulationOptions { RuntimeEstimates = RuntimeEstimateMode.Noisy, JobFailureProbability = 0.1, Seed = 4 };
        var a = Simulate("srtf", trace, options, nodes: 4, gpus: 8);
        var b = Simulate("srtf", trace, options, nodes: 4, gpus: 8);
        Assert.Equal(a.Segments, b.Segments);
        Assert.Equal(a.Metrics, b.Metrics);
    }

    [Fact]
    public void Run_DocsQuickStart_ReportsOfferedLoadWithMetrics()
    {
        // The quick start of docs/scheduling.md ## Simulation, on a 500-job window.
        var trace = TraceReader.ReadFile(Path.Combine(AppContext.BaseDirectory, "reference", "traces", "philly_2017-10.csv")).Take(500);
        var cluster = Cluster.Uniform(nodes: 64, gpusPerNode: 8);
        var policy = SchedulingPolicy.Create("srtf", backfill: false, preemption: true);
        var result = new Simulator(cluster, policy, new SimulationOptions { Seed = 1 }).Run(trace);
        Assert.Equal(500, result.Metrics.Completed + result.Details.Rejected);
        Assert.Equal(trace.OfferedLoad(512), result.Details.OfferedLoad, 12);
        Assert.True(result.Metrics.AvgJctSeconds > 0);
    }

    [Fact]
    public void JainFairnessIndex_KnownValues()
    {
        // Jain et al. 1984: equal allocations give 1; one of n taking everything gives 1/n; (1, 2, 3): 36 / (3·14).
        Assert.Equal(1.0, SimulationStatistics.JainFairnessIndex([2, 2, 2, 2]), 12);
        Assert.Equal(0.25, SimulationStatistics.JainFairnessIndex([5, 0, 0, 0]), 12);
        Assert.Equal(36.0 / 42, SimulationStatistics.JainFairnessIndex([1, 2, 3]), 12);
    }
}

using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;

namespace LlmCore.Scheduling.Tests.Simulation;

/// <summary>
/// The simulator drops spent events from its queue (a preempted run's end, the queue-change wake-ups of a run that is
/// over, the wake-ups of a job that has ended) once the queue has doubled since the last time. Dropping them must not
/// change a run: the same segments, open segments and metrics as a run that never compacts, under every kind of event
/// (run ends, injected run failures with retries, node failures and repairs, LAS queue changes and starvation wake-ups).
/// </summary>
public class EventCompactionTests
{
    /// <summary>Contended traces (offered load 3 on 4 × 8 GPUs) under preemptive SRTF and LAS (low thresholds and the
    /// starvation guard, so that wake-ups are many), 10 % of runs failing at a random point, a node failing for two hours:
    /// compacting whenever the queue doubles from a single event equals never compacting, and the compactions dropped
    /// events (the runs preempt, so spent ends pile up).</summary>
    [Theory]
    [InlineData("srtf", 4)] // seed 1 preempts only 10 times under SRTF since victims are taken last-ranked first
    [InlineData("las", 2)]
    [InlineData("las", 3)]
    public void Compacting_GivesTheSameRunAsNever(string policy, int seed)
    {
        var (trace, options, engine, cluster) = Contended(policy, seed);
        var dropped = 0L;
        var compactions = 0;
        try
        {
            Simulator.EventCompactionFloor = int.MaxValue;
            var never = new Simulator(cluster, engine, options).Run(trace);

            Simulator.EventCompactionFloor = 1;
            Simulator.EventsCompacted = (before, after) =>
            {
                Assert.True(after <= before, $"a compaction grew the queue: {before} → {after}");
                dropped += before - after;
                compactions++;
            };
            var often = new Simulator(cluster, engine, options).Run(trace);

            Assert.True(never.Metrics.Preemptions > 50, $"the trace must contend: {never.Metrics.Preemptions} preemptions");
            Assert.True(compactions > 5 && dropped > 0, $"{compactions} compactions dropped {dropped} events");
            TestSim.AssertSameSchedule(never, often);
        }
        finally
        {
            Simulator.EventCompactionFloor = 0;
            Simulator.EventsCompacted = null;
        }
    }

    /// <summary>The engine's key-expiry heap likewise drops spent expiries (of jobs that started or got a newer key since)
    /// once it has doubled: on the same contended LAS runs (the starvation guard gives every preempted job that attained
    /// service an expiring key), compacting from a single entry equals never compacting, and the compactions dropped
    /// entries. By default the heap is never compacted below 4,096 entries.</summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void CompactingKeyExpiries_GivesTheSameRunAsNever(int seed)
    {
        var (trace, options, policy, cluster) = Contended("las", seed);
        var dropped = 0L;
        var compactions = 0;
        Assert.Equal(4096, SchedulingEngine.KeyExpiryCompactionFloor);
        try
        {
            SchedulingEngine.KeyExpiryCompactionFloor = int.MaxValue;
            var never = new Simulator(cluster, policy, options).Run(trace);

            SchedulingEngine.KeyExpiryCompactionFloor = 1;
            SchedulingEngine.KeyExpiryCompacted = (before, after) =>
            {
                Assert.True(after <= before, $"a compaction grew the heap: {before} → {after}");
                dropped += before - after;
                compactions++;
            };
            var often = new Simulator(cluster, policy, options).Run(trace);

            Assert.True(never.Metrics.Preemptions > 50, $"the trace must contend: {never.Metrics.Preemptions} preemptions");
            Assert.True(compactions > 5 && dropped > 0, $"{compactions} compactions dropped {dropped} expiries");
            TestSim.AssertSameSchedule(never, often);
        }
        finally
        {
            SchedulingEngine.KeyExpiryCompactionFloor = 0;
            SchedulingEngine.KeyExpiryCompacted = null;
        }
    }

    /// <summary>By default the queue is never compacted below 4,096 events: a small run makes no compaction at all.</summary>
    [Fact]
    public void SmallRun_IsNeverCompactedByDefault()
    {
        var trace = SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 300, LoadFactor = 3, Seed = 5 });
        var compactions = 0;
        Simulator.EventsCompacted = (_, _) => compactions++;
        try
        {
            var r = new Simulator(Cluster.Uniform(4, 8), SchedulingPolicy.Create("srtf", backfill: true, preemption: true)).Run(trace);
            Assert.True(r.Metrics.Preemptions > 0);
            Assert.Equal(4096, Simulator.EventCompactionFloor);
            Assert.Equal(0, compactions);
        }
        finally
        {
            Simulator.EventsCompacted = null;
        }
    }

    /// <summary>A contended run (offered load 3 on 4 × 8 GPUs; LAS with low thresholds and the starvation guard, so that
    /// wake-ups and expiring keys are many; 10 % of runs failing at a random point; a node failing for two hours).</summary>
    private static (Trace Trace, SimulationOptions Options, SchedulingPolicy Policy, Cluster Cluster) Contended(string policy, int seed)
    {
        var trace = SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 600, LoadFactor = 3, Seed = seed, Tenants = 2 });
        var options = new SimulationOptions
        {
            Seed = seed,
            RuntimeEstimates = RuntimeEstimateMode.Perfect,
            CheckpointInterval = TimeSpan.FromMinutes(10),
            RestartCost = TimeSpan.FromSeconds(30),
            JobFailureProbability = 0.1,
            MaxRetries = 3,
            NodeFailures = [new NodeFailure(1, 3600, 7200)],
        };
        var parameters = new PolicyParameters { LasThresholdsGpuSeconds = [600, 6000], LasStarvationFactor = 2 };
        return (trace, options, SchedulingPolicy.Create(policy, parameters, backfill: true, preemption: true), Cluster.Uniform(4, 8));
    }
}

using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;

namespace LlmCore.Scheduling.Tests.Simulation;

/// <summary>
/// The engine drops spent queue-key expiries (of jobs that started or got a newer key since) once the heap has doubled
/// since the last time. Dropping them must not change a run: a contended LAS run with the starvation guard (every
/// preempted job that attained service waits with an expiring key) compacting from a single entry gives the same
/// segments, open segments and metrics as a run that never compacts, and the compactions dropped entries.
/// </summary>
public class KeyExpiryCompactionTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Compacting_GivesTheSameRunAsNever(int seed)
    {
        var trace = SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 600, LoadFactor = 3, Seed = seed, Tenants = 2 });
        var options = new SimulationOptions
        {
            Seed = seed,
            RuntimeEstimates = RuntimeEstimateMode.Perfect,
            CheckpointInterval = TimeSpan.FromMinutes(10),
            RestartCost = TimeSpan.FromSeconds(30),
        };
        var parameters = new PolicyParameters { LasThresholdsGpuSeconds = [600, 6000], LasStarvationFactor = 2 };
        var policy = SchedulingPolicy.Create("las", parameters, backfill: false, preemption: true);
        var cluster = Cluster.Uniform(4, 8);
        var dropped = 0L;
        var compactions = 0;
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

    [Fact]
    public void TheDefaultFloor_Is4096()
    {
        Assert.Equal(4096, SchedulingEngine.KeyExpiryCompactionFloor);
    }
}

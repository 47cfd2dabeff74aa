using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;

namespace LlmCore.Scheduling.Tests.Performance;

/// <summary>
/// The pass's shortcut for the running jobs' keys must not change a decision: under SRTF the engine keeps its running
/// preemptible jobs sorted by an anchor (start + remaining run) and reads the largest key and the eligible victims from
/// the top. (LAS's shortcut, stopping the search for the largest key at the last queue, cannot be compared this way:
/// the simulator wakes for LAS's queue changes only under the built-in ordering.) Each run is compared, segment by
/// segment (every start, preemption and end, with its placement), with the same run under an ordering that computes
/// the same keys but offers neither shortcut (a plain <see cref="IJobOrdering"/> wrapper), so the pass scans every
/// running job as before. Contended synthetic traces (offered load 3 on 4 × 8 GPUs, thousands of preemptions), with
/// mixed priorities, non-preemptible jobs, noisy estimates, checkpoints and restart costs, backfill on and off.
/// </summary>
public class RunningKeyShortcutTests
{
    [Theory]
    [InlineData("srtf", 1, true)]
    [InlineData("srtf", 2, false)]
    [InlineData("srtf", 3, true)]
    public void Simulate_WithAndWithoutTheShortcut_SameSegments(string policy, int seed, bool backfill)
    {
        var trace = Trace(seed);
        var options = new SimulationOptions
        {
            RuntimeEstimates = seed == 2 ? RuntimeEstimateMode.Noisy : RuntimeEstimateMode.Perfect,
            Seed = seed,
            CheckpointInterval = TimeSpan.FromMinutes(5),
            RestartCost = TimeSpan.FromSeconds(seed * 20),
        };
        var cluster = Cluster.Uniform(4, 8);
        var shortcut = SchedulingPolicy.Create(policy, backfill, preemption: true);
        var plain = shortcut with { Ordering = new PlainOrdering(shortcut.Ordering) };

        var fast = new Simulator(cluster, shortcut, options).Run(trace);
        var reference = new Simulator(cluster, plain, options).Run(trace);

        Assert.True(reference.Metrics.Preemptions > 100, $"the trace must contend: {reference.Metrics.Preemptions} preemptions");
        TestSim.AssertSameSchedule(reference, fast);
    }

    private static Trace Trace(int seed)
    {
        var generated = SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 700, LoadFactor = 3, Seed = seed, Tenants = 3 });
        var random = new Random(seed);
        return new Trace(generated.Jobs.Select(j => j with
        {
            Spec = j.Spec with
            {
                Priority = random.Next(4) == 0 ? 100 : 0,
                Preemptible = random.Next(10) != 0,
            },
        }));
    }

    /// <summary>The wrapped ordering's keys and nothing else (no internal shortcut interfaces).</summary>
    private sealed class PlainOrdering(IJobOrdering inner) : IJobOrdering
    {
        public string Name => inner.Name;

        public bool IsPreemptive => inner.IsPreemptive;

        public bool KeysAreIndependent => inner.KeysAreIndependent;

        public void ComputeKeys(OrderingContext context, IReadOnlyList<Job> jobs, Span<double> keys) => inner.ComputeKeys(context, jobs, keys);

        public bool TryComputeQueueKey(OrderingContext context, Job job, out double key, out DateTimeOffset validUntil) =>
            inner.TryComputeQueueKey(context, job, out key, out validUntil);
    }
}

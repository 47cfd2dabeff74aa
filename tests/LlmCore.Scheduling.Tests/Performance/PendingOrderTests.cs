using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;

namespace LlmCore.Scheduling.Tests.Performance;

/// <summary>
/// The engine keeps its pending jobs in one sorted set: by queue key while the ordering gives stable keys
/// (<see cref="IJobOrdering.TryComputeQueueKey"/>), by submission once it declines one, after which every pass computes
/// and sorts the keys itself. The switch may come at any enqueue or key renewal; it must change no decision and lose no
/// pending job. Each run is compared, segment by segment, with the same run under an ordering that never gives queue
/// keys (the pass computes every key from the start); contended synthetic traces (offered load 3 on 4 × 8 GPUs).
/// </summary>
public class PendingOrderTests
{
    [Theory]
    [InlineData("fifo", 0)]
    [InlineData("fifo", 5)]
    [InlineData("fifo", 400)]
    [InlineData("fifo", int.MaxValue)]
    [InlineData("priority", 300)]
    [InlineData("sjf", 250)]
    [InlineData("srtf", 600)]
    [InlineData("las", 350)]
    [InlineData("las", int.MaxValue)]
    public void Simulate_QueueKeysDeclinedAfterSomeCalls_SameSchedule(string policy, int keyedCalls)
    {
        var trace = new Trace(SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 600, LoadFactor = 3, Seed = 7, Tenants = 3 }).Jobs);
        var options = new SimulationOptions { RuntimeEstimates = RuntimeEstimateMode.Noisy, Seed = 7, CheckpointInterval = TimeSpan.FromMinutes(5) };
        var cluster = Cluster.Uniform(4, 8);
        var builtIn = SchedulingPolicy.Create(policy, backfill: true, preemption: true);
        var switching = builtIn with { Ordering = new KeysUntil(builtIn.Ordering, keyedCalls) };
        var keyless = builtIn with { Ordering = new KeysUntil(builtIn.Ordering, 0) };

        var reference = new Simulator(cluster, keyless, options).Run(trace);
        var run = new Simulator(cluster, switching, options).Run(trace);

        Assert.Equal(600, reference.Metrics.Completed);
        TestSim.AssertSameSchedule(reference, run);
    }

    [Fact]
    public void Engine_PendingBeforeAndAfterTheSwitch_IsEveryWaitingJobInSubmissionOrder()
    {
        // One GPU; keys for the first three enqueues (a, b, c), then declined (at d): a runs, b..e wait in order.
        var engine = new SchedulingEngine(Cluster.Uniform(1, 1), SchedulingPolicy.Create("fifo") with { Ordering = new KeysUntil(SchedulingPolicy.Create("fifo").Ordering, 3) }, null, TestSim.T0);
        engine.Submit([Specs.Job("a", 1, 10), Specs.Job("b", 1, 10), Specs.Job("c", 1, 10)], TestSim.T0);
        Assert.Equal(["a", "b", "c"], engine.Pending.Select(j => j.Spec.Id));
        Assert.Equal(3, engine.PendingCount);
        Assert.NotNull(engine.Queue);

        engine.Submit([Specs.Job("d", 1, 10), Specs.Job("e", 1, 10)], TestSim.T0);
        Assert.Null(engine.Queue);
        Assert.Equal(["a", "b", "c", "d", "e"], engine.Pending.Select(j => j.Spec.Id));
        Assert.Equal(5, engine.PendingCount);

        var plan = engine.RunPass(TestSim.T0);
        Assert.Equal("a", Assert.Single(plan.Starts).JobId);
        Assert.Equal(["b", "c", "d", "e"], engine.Pending.Select(j => j.Spec.Id));
        Assert.Equal(4, engine.PendingCount);
    }

    /// <summary>The wrapped ordering, giving queue keys for its first <paramref name="keyedCalls"/> requests only.</summary>
    private sealed class KeysUntil(IJobOrdering inner, int keyedCalls) : IJobOrdering
    {
        private int _calls;

        public string Name => inner.Name;

        public bool IsPreemptive => inner.IsPreemptive;

        public bool KeysAreIndependent => inner.KeysAreIndependent;

        public void ComputeKeys(OrderingContext context, IReadOnlyList<Job> jobs, Span<double> keys) => inner.ComputeKeys(context, jobs, keys);

        public bool TryComputeQueueKey(OrderingContext context, Job job, out double key, out DateTimeOffset validUntil)
        {
            if (_calls++ < keyedCalls)
            {
                return inner.TryComputeQueueKey(context, job, out key, out validUntil);
            }

            key = 0;
            validUntil = default;
            return false;
        }
    }
}

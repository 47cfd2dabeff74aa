using LlmCore.Scheduling.Policies;
using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests.Policies;

/// <summary>
/// The two key forms of the priority ordering with aging (Slurm's multifactor age factor, reduced to points per hour):
/// <see cref="IJobOrdering.ComputeKeys"/>, which a user can call through <see cref="SchedulingPolicy.Ordering"/>, and the
/// incremental queue key the engine caches. The engine's passes only use the second, so no scheduling test reaches the
/// first or the queue key's refusal for a job submitted after the context's time.
/// </summary>
public class PriorityAgingKeyTests
{
    // 2 points per hour. a: priority 100 submitted at T0; b: priority 101 submitted at T0 + 1 h; context at T0 + 2 h.
    //   ComputeKeys: a −(100 + 2 × 2) = −104, b −(101 + 2 × 1) = −103: a first, keys 1 apart.
    //   Queue keys −(priority − 2 × hours from the Unix epoch to submission), h = hours to T0: a −(100 − 2h),
    //   b −(101 − 2(h + 1)) = −(99 − 2h): b − a = 1, the same order and gap; valid for ever (ages only grow).
    //   c: submitted at T0 + 3 h, after the context's time: its age would be clamped at 0, so no queue key.
    [Fact]
    public void ComputeKeys_AndQueueKeys_GiveTheSameOrder_AsComputedByHand()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "priority", parameters: new PolicyParameters { AgingPointsPerHour = 2 });
        engine.Submit([Job("a", 1, 10, PriorityClasses.Normal)], TestSim.T0);
        engine.Submit([Job("b", 1, 10, PriorityClasses.Normal + 1)], TestSim.At(3600));
        engine.Submit([Job("c", 1, 10, PriorityClasses.Normal)], TestSim.At(3 * 3600));
        var ordering = SchedulingPolicy.Create("priority", new PolicyParameters { AgingPointsPerHour = 2 }, backfill: true, preemption: true).Ordering;
        var context = new OrderingContext(TestSim.At(2 * 3600), engine.Cluster, engine.Ledger);
        var a = engine.Jobs["a"];
        var b = engine.Jobs["b"];

        var keys = new double[2];
        ordering.ComputeKeys(context, [a, b], keys);

        Assert.Equal([-104.0, -103.0], keys);
        Assert.True(ordering.TryComputeQueueKey(context, a, out var qa, out var untilA));
        Assert.True(ordering.TryComputeQueueKey(context, b, out var qb, out _));
        Assert.Equal(1.0, qb - qa, 6);
        Assert.Equal(DateTimeOffset.MaxValue, untilA);
        Assert.False(ordering.TryComputeQueueKey(context, engine.Jobs["c"], out _, out _));
    }
}

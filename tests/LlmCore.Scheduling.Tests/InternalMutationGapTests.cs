using LlmCore.Scheduling.Policies;
using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests;

/// <summary>
/// Fair-share usage decay (TenantLedger, behind <see cref="SchedulingEngine"/>'s <c>fairShareHalfLife</c>, Slurm
/// PriorityDecayHalfLife), which no other test set to anything but its default: the usage a tenant has accrued halves
/// every half-life, 0 disables the decay, and a negative half-life is refused. Worked by hand from the ledger's
/// documented model: at each accrual the earlier usage decays by 2^(−Δt / half-life) and the running allocation adds
/// GPUs × Δt.
/// </summary>
public class InternalMutationGapTests
{
    // Half-life 100 s. Tenant a runs 2 GPUs from t = 0 to t = 100 (200 GPU-s accrued at its end); tenant b runs 2 GPUs
    // from t = 100. At t = 200: a's 200 has decayed one half-life to 100, b has accrued 2 × 100 = 200, so a's normalised
    // usage is 100 / 300 = 1/3 and b's 2/3. Without decay (half-life 0) both have 200: 1/2 each.
    [Theory]
    [InlineData(100.0, 1.0 / 3)]
    [InlineData(0.0, 0.5)]
    public void FairShareUsage_DecaysByHalfLives(double halfLifeSeconds, double expectedA)
    {
        var engine = new SchedulingEngine(Cluster.Uniform(1, 2), SchedulingPolicy.Create("fifo"), null, TestSim.T0, TimeSpan.FromSeconds(halfLifeSeconds));
        var a = engine.Submit([Job("a", 2, 100, tenant: "a")], TestSim.T0)[0];
        Assert.Single(engine.RunPass(TestSim.T0).Starts);
        Assert.True(engine.Finish("a", 1, true, TestSim.At(100)));
        var b = engine.Submit([Job("b", 2, 1000, tenant: "b")], TestSim.At(100))[0];
        Assert.Single(engine.RunPass(TestSim.At(100)).Starts);

        var context = new OrderingContext(TestSim.At(200), engine.Cluster, engine.Ledger);

        Assert.Equal(expectedA, context.NormalizedUsage(a), 12);
        Assert.Equal(1 - expectedA, context.NormalizedUsage(b), 12);
    }

    // The half-life's range is ≥ 0 (docs/scheduling.md, FairShareHalfLife; the DI options validator says the same): the
    // engine refuses a negative one naming the parameter, instead of treating it as "no decay".
    [Fact]
    public void Engine_NegativeHalfLife_IsRefused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new SchedulingEngine(Cluster.Uniform(1, 1), SchedulingPolicy.Create("fifo"), null, TestSim.T0, TimeSpan.FromSeconds(-1)));

        Assert.Equal("fairShareHalfLife", ex.ParamName);
        Assert.NotNull(new SchedulingEngine(Cluster.Uniform(1, 1), SchedulingPolicy.Create("fifo"), null, TestSim.T0, TimeSpan.Zero));
    }
}

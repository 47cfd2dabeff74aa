using LlmCore.Scheduling.Internal;
using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.Tests;

/// <summary>Scheduling Internal survivors (issue 21): first few, from /work/wt/notes/sched-internal-survivors.txt.</summary>
public class InternalMutationGapTests2
{
    [Theory]
    [InlineData(0.0)] // min: the message promises a closed interval "[min, max]"
    [InlineData(1.0)] // max
    public void GuardInRange_Bounds_AreAccepted(double value)
    {
        Assert.Equal(value, Guard.InRange(value, 0.0, 1.0));
    }

    [Fact]
    public void Engine_TenantConfiguredTwice_Throws()
    {
        // SchedulingEngine's docs: ArgumentException when "a tenant is configured twice".
        var ex = Assert.Throws<ArgumentException>(() => new SchedulingEngine(
            Cluster.Uniform(1, 8), SchedulingPolicy.Create("fifo"), [new TenantQuota("vision", 4), new TenantQuota("vision", 2)]));
        Assert.StartsWith("Tenant 'vision' is configured twice.", ex.Message, StringComparison.Ordinal);
    }
}

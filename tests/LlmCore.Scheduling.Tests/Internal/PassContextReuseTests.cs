using static LlmCore.Scheduling.Tests.Specs;
using static LlmCore.Scheduling.Tests.TestSim;

namespace LlmCore.Scheduling.Tests.Internals;

/// <summary>
/// The engine reuses one <c>ClusterCapacityView</c>, <c>AdmissionContext</c> and <c>OrderingContext</c> for every pass
/// (issue 18, allocation per pass): each pass must start from a clean context whatever the last one left in it. The
/// passes below examine no job (nothing is pending), so what the contexts hold after <c>Plan</c> is what the reset
/// left: the fields are dirtied by hand in between.
/// </summary>
public class PassContextReuseTests
{
    [Fact]
    public void CapacityView_IsReusedWithoutTheLastPassLimitsOrTypeOrder()
    {
        var engine = NewEngine(Cluster.Uniform(2, 8), "fifo");
        engine.Plan(T0);
        var view = engine.Scratch.View!;
        view.GpuLimit = [1, 1];
        view.CpuLimit = [1, 1];
        view.MemoryLimit = [1, 1];
        view.TypeOrder = [0];

        engine.Plan(At(1));

        Assert.Same(view, engine.Scratch.View);
        Assert.Null(view.GpuLimit);
        Assert.Null(view.CpuLimit);
        Assert.Null(view.MemoryLimit);
        Assert.Null(view.TypeOrder);
        Assert.Equal(8, view.FreeGpus(0)); // the limits no longer cap the free GPUs
    }

    [Fact]
    public void AdmissionContext_IsReusedWithoutTheLastPassTypeGangOrTexts()
    {
        var engine = NewEngine(Cluster.Uniform(2, 8), "fifo");
        engine.Plan(T0);
        var admission = engine.Scratch.Admission!;
        Assert.False(admission.TryGetCachedText(0, 1, out _)); // fixes the text cache's version to the ledger's
        admission.GpuTypeIndex = 0;
        admission.GangOverride = 5;
        admission.CacheText(0, 1, "refused");
        admission.GpuTypeIndex = 0;
        Assert.True(admission.TryGetCachedText(0, 1, out var cached)); // same version: still cached
        Assert.Equal("refused", cached);

        engine.Plan(At(1)); // the ledger did not change, so only the reset can drop the text

        Assert.Same(admission, engine.Scratch.Admission);
        Assert.Equal(-1, admission.GpuTypeIndex);
        Assert.Equal(0, admission.GangOverride);
        admission.GpuTypeIndex = 0;
        Assert.False(admission.TryGetCachedText(0, 1, out _));
    }

    [Fact]
    public void OrderingContext_IsReusedAtTheNewPassTime()
    {
        var engine = NewEngine(Cluster.Uniform(2, 8), "fifo");
        engine.Plan(T0);
        var ordering = engine.Scratch.Ordering!;
        Assert.Equal(T0, ordering.Now);

        engine.Plan(At(90));

        Assert.Same(ordering, engine.Scratch.Ordering);
        Assert.Equal(At(90), ordering.Now);
    }
}

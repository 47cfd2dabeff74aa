using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling.Tests.Internals;

/// <summary><see cref="TenantLedger"/> directly (issue 21, Scheduling Internal survivors).</summary>
public class TenantLedgerTests
{
    // NodeSpec: CPU cores and memory of PositiveInfinity (the default) mean "not tracked", so such a node adds nothing to
    // the totals the DRF shares divide by: 64 + 0 cores and 256 + 0 GiB, not infinity.
    [Fact]
    public void Totals_CountOnlyTrackedCpuAndMemory()
    {
        var cluster = new Cluster([new NodeSpec("tracked", 8) { CpuCores = 64, MemoryGib = 256 }, new NodeSpec("untracked", 8)]);

        var ledger = new TenantLedger([], new CapacityLedger(cluster), 0);

        Assert.Equal((16, 64.0, 256.0), (ledger.TotalGpus, ledger.TotalCpu, ledger.TotalMemory));
        Assert.False(ledger.HasQuotas);
    }
}

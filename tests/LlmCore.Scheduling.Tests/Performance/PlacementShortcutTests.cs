using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.Tests.Performance;

/// <summary>
/// The pass's shortcuts must not change a decision: <see cref="BestFitTopologyPlacement.Fits"/> (used by preemption
/// trials and reservations) must agree with <see cref="BestFitTopologyPlacement.TryPlace"/>, and <c>TryPlace</c> (which
/// skips the NVLink level when every node is its own domain) must return exactly the placement of its scalar reference.
/// </summary>
public class PlacementShortcutTests
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    [InlineData(5, false)]
    public void Fits_RandomClustersAndJobs_AgreesWithTryPlaceAndTheReference(int seed, bool withDomains)
    {
        var random = new Random(seed);
        var spans = new[] { TopologyLevel.Node, TopologyLevel.NvLinkDomain, TopologyLevel.Rack, TopologyLevel.Cluster };
        var checkedPlacements = 0;
        for (var round = 0; round < 40; round++)
        {
            var nodes = random.Next(1, 40);
            var cluster = new Cluster(Enumerable.Range(0, nodes).Select(i => new NodeSpec("n" + i, random.Next(1, 9), random.Next(3) == 0 ? "A100" : "H100")
            {
                Rack = "r" + random.Next(4),
                NvLinkDomain = withDomains ? "d" + random.Next(8) : null,
                CpuCores = 64,
                MemoryGib = 512,
            }));
            var free = cluster.Nodes.Select(n => random.Next(n.Gpus + 1)).ToArray();
            var cpu = free.Select(_ => (double)random.Next(0, 65)).ToArray();
            var memory = free.Select(_ => (double)random.Next(0, 513)).ToArray();
            var up = free.Select(_ => random.Next(10) != 0).ToArray();
            var view = new ClusterCapacityView(cluster, free, cpu, memory, up);
            if (random.Next(4) == 0)
            {
                // A backfill limit as the pass sets it: the head's reserved nodes give fewer GPUs.
                view.GpuLimit = free.Select(f => random.Next(3) == 0 ? random.Next(f + 1) : int.MaxValue).ToArray();
            }

            for (var j = 0; j < 50; j++)
            {
                var gpus = random.Next(1, 33);
                var job = new JobSpec("j" + j, gpus)
                {
                    MaxSpan = spans[random.Next(spans.Length)],
                    CpuCores = random.Next(3) == 0 ? random.Next(1, 8) * gpus : 0,
                    MemoryGib = random.Next(3) == 0 ? random.Next(1, 64) * gpus : 0,
                    GpuTypes = random.Next(3) switch { 0 => [], 1 => ["A100"], _ => ["H100", "A100"] },
                };

                var placement = BestFitTopologyPlacement.Instance.TryPlace(job, view);
                var reference = BestFitTopologyPlacement.TryPlaceReference(job, view);

                Assert.Equal(reference is not null, BestFitTopologyPlacement.Fits(job, view));
                Assert.Equal(reference?.ToString(), placement?.ToString());
                Assert.Equal(reference?.Span, placement?.Span);
                Assert.Equal(reference?.GpuType, placement?.GpuType);
                checkedPlacements += placement is null ? 0 : 1;
            }
        }

        // The generator must exercise both outcomes, or the agreement above proves little.
        Assert.InRange(checkedPlacements, 50, 40 * 50 - 50);
    }
}

using LlmCore.Scheduling.Internal;
using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.Tests.Performance;

/// <summary>
/// The placement's fast path (the capacity ledger's index of nodes by free GPUs and its per-domain sums) must give the
/// same answers as the scalar reference that scans every node, on random multi-level clusters with random allocations,
/// failed nodes and topology requests; and the ledger's sums must equal a recount after any sequence of takes, gives,
/// node failures and rollbacks.
/// </summary>
public class LedgerIndexTests
{
    internal static Cluster RandomLeveledCluster(Random random)
    {
        var nodes = random.Next(1, 60);
        string[] levels = random.Next(3) switch { 0 => [], 1 => ["rack"], _ => ["block", "rack", "nvl"] };
        return new Cluster(
            Enumerable.Range(0, nodes).Select(i => new NodeSpec("n" + i, random.Next(1, 9), random.Next(3) == 0 ? "A100" : "H100")
            {
                Labels = levels.ToDictionary(l => l, l => l + random.Next(3)),
                CpuCores = 64,
                MemoryGib = 512,
            }),
            levels);
    }

    internal static JobSpec RandomJob(Random random, Cluster cluster, string id)
    {
        var gpus = random.Next(1, 33);
        var levels = new[] { Cluster.NodeLevel, Cluster.ClusterLevel }.Concat(cluster.TopologyLevels).ToArray();
        TopologyRequest? topology = random.Next(3) switch
        {
            0 => null,
            1 => new TopologyRequest { RequiredLevel = levels[random.Next(levels.Length)], Balanced = random.Next(2) == 0 },
            _ => new TopologyRequest { PreferredLevel = levels[random.Next(levels.Length)], Balanced = random.Next(2) == 0 },
        };
        if (random.Next(4) == 0)
        {
            var k = new[] { 1, 2, 4 }[random.Next(3)];
            gpus = Math.Max(k, gpus / k * k);
            topology = (topology ?? new TopologyRequest()) with { SliceGpus = k, SliceLevel = levels[random.Next(levels.Length)] };
        }

        return new JobSpec(id, gpus)
        {
            MaxSpan = (TopologyLevel)random.Next(4),
            CpuCores = random.Next(4) == 0 ? random.Next(1, 8) * gpus : 0,
            GpuTypes = random.Next(3) switch { 0 => [], 1 => ["A100"], _ => ["H100", "A100"] },
            Topology = topology,
        };
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public void FastPath_RandomClustersAndAllocations_AgreesWithTheScanningReference(int seed)
    {
        var random = new Random(seed);
        var placed = 0;
        for (var round = 0; round < 30; round++)
        {
            var cluster = RandomLeveledCluster(random);
            var ledger = new CapacityLedger(cluster);
            ledger.AddTenant();
            var view = new ClusterCapacityView(ledger);
            for (var j = 0; j < 60; j++)
            {
                var job = RandomJob(random, cluster, "j" + j);
                var fast = BestFitTopologyPlacement.Instance.TryPlace(job, view);
                var reference = BestFitTopologyPlacement.TryPlaceReference(job, view);
                Assert.Equal(reference?.ToString(), fast?.ToString());
                Assert.Equal(reference?.SpanLevel, fast?.SpanLevel);
                Assert.Equal(reference is not null, BestFitTopologyPlacement.Fits(job, view));
                if (fast is not null && random.Next(3) != 0)
                {
                    ledger.Take(job, fast, 0);
                    placed++;
                }

                if (random.Next(15) == 0)
                {
                    ledger.SetUp(random.Next(cluster.Nodes.Count), random.Next(2) == 0);
                }
            }

            AssertSumsMatchRecount(ledger);
        }

        Assert.InRange(placed, 100, 30 * 60);
    }

    [Fact]
    public void Rollback_AfterTakesAndGives_RestoresEveryCountAndIndex()
    {
        var random = new Random(5);
        var cluster = RandomLeveledCluster(random);
        var ledger = new CapacityLedger(cluster);
        ledger.AddTenant();
        var view = new ClusterCapacityView(ledger);
        var before = Snapshot(ledger);
        var mark = ledger.Mark();
        var placements = new List<(JobSpec, Placement)>();
        for (var j = 0; j < 40; j++)
        {
            var job = RandomJob(random, cluster, "j" + j);
            if (BestFitTopologyPlacement.Instance.TryPlace(job, view) is { } p)
            {
                ledger.Take(job, p, 0);
                placements.Add((job, p));
            }

            if (placements.Count > 0 && random.Next(3) == 0)
            {
                var (spec, placement) = placements[^1];
                placements.RemoveAt(placements.Count - 1);
                ledger.Give(spec, placement, 0);
            }
        }

        Assert.NotEqual(before, Snapshot(ledger));
        ledger.Rollback(mark);
        Assert.Equal(before, Snapshot(ledger));
        AssertSumsMatchRecount(ledger);
    }

    private static string Snapshot(CapacityLedger ledger) =>
        string.Join(",", ledger.FreeGpus) + "|" + string.Join(",", ledger.FreeByType) + "|" + string.Join(";", ledger.FreeByDomain.Select(d => string.Join(",", d)))
        + "|" + ledger.UsedGpus[0] + "|" + ledger.AllocatedGpus;

    private static void AssertSumsMatchRecount(CapacityLedger ledger)
    {
        var cluster = ledger.Cluster;
        var types = cluster.GpuTypes.Count;
        for (var t = 0; t < types; t++)
        {
            Assert.Equal(Enumerable.Range(0, cluster.Nodes.Count).Where(n => ledger.Up[n] && cluster.TypeOf[n] == t).Sum(n => ledger.FreeGpus[n]), ledger.FreeByType[t]);
            for (var level = 0; level < cluster.LevelCount; level++)
            {
                for (var d = 0; d < cluster.DomainCounts[level]; d++)
                {
                    var expected = Enumerable.Range(0, cluster.Nodes.Count).Where(n => ledger.Up[n] && cluster.TypeOf[n] == t && cluster.DomainOf[level][n] == d).Sum(n => ledger.FreeGpus[n]);
                    Assert.Equal(expected, ledger.FreeByDomain[level][(d * types) + t]);
                }
            }

            // The index lists exactly the up nodes of the type with each free count.
            for (var free = 0; free <= cluster.MaxGpusPerNode; free++)
            {
                var listed = new List<int>();
                for (var n = ledger.NextNodeWithFree(t, free, 0); n >= 0; n = ledger.NextNodeWithFree(t, free, n + 1))
                {
                    listed.Add(n);
                }

                Assert.Equal(Enumerable.Range(0, cluster.Nodes.Count).Where(n => ledger.Up[n] && cluster.TypeOf[n] == t && ledger.FreeGpus[n] == free), listed);
            }
        }
    }
}

using CsCheck;
using LlmCore.Scheduling.Internal;
using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.Tests.Policies;

/// <summary>
/// Best-fit, topology-aware placement (<see cref="BestFitTopologyPlacement"/>) against the documented rules, read against
/// Stryker's mutators for <c>scripts/quality/mutation.sh scheduling Policies/Placement</c> (docs/quality.md): a CsCheck
/// property compares every answer (the GPUs on each node, the span, the GPU type, <c>Fits</c>) with a brute-force model
/// written from docs/scheduling.md (<see cref="PlacementReferenceModel"/>) on tiny random clusters, through the ledger's
/// shortcuts and through the scan over bare arrays; hand-worked cases pin the boundaries (exactly enough GPUs on a node,
/// in a domain, in the cluster), the guards and the interface's default methods.
/// </summary>
public class PlacementMutationGapTests
{
    private static readonly TopologyLevel[] s_spans = [TopologyLevel.Node, TopologyLevel.NvLinkDomain, TopologyLevel.Rack, TopologyLevel.Cluster];

    private static IPlacementStrategy Strategy => BestFitTopologyPlacement.Instance;

    /// <summary>A random tiny cluster, its free state, a view over it and the model's inputs.</summary>
    private sealed record Case(Cluster Cluster, bool Labeled, ClusterCapacityView View, int[] Free, int[] Limit, bool[] Up, double[] Cpu, int[]? TypeOrder)
    {
        public int[] FreeGpus() => [.. Enumerable.Range(0, Cluster.Nodes.Count).Select(n => Up[n] ? Math.Min(Free[n], Limit[n]) : 0)];

        public int[] Usable(JobSpec job) => [.. Enumerable.Range(0, Cluster.Nodes.Count).Select(n =>
        {
            var gpus = Up[n] ? Math.Min(Free[n], Limit[n]) : 0;
            return job.CpuCores > 0 ? Math.Min(gpus, (int)Math.Floor(Cpu[n] / (job.CpuCores / job.Gpus))) : gpus;
        })];
    }

    private static Case RandomCase(Random random)
    {
        // Mostly 1–7 nodes of 1–4 GPUs (boundaries and ties are frequent); sometimes up to 40 equal nodes (List.Sort is
        // then an introsort, so a missing tie-break shows).
        var large = random.Next(8) == 0;
        var count = large ? random.Next(17, 41) : random.Next(1, 8);
        var style = random.Next(5);
        string[] levels = style switch
        {
            2 => ["rack"],
            3 => ["block", "rack", "nvl"],
            4 => ["rack", "nvlink"],
            _ => [],
        };
        var labeled = style >= 2;
        var twoTypes = random.Next(3) != 0;
        var nodes = Enumerable.Range(0, count).Select(i => new NodeSpec("n" + i, large ? 4 : random.Next(1, 5), twoTypes && random.Next(3) == 0 ? "A100" : "H100")
        {
            Labels = levels.ToDictionary(l => l, l => l + random.Next(l == "block" ? 2 : 3)),
            Rack = style == 1 && random.Next(4) != 0 ? "r" + random.Next(3) : null,
            NvLinkDomain = style == 1 && random.Next(4) != 0 ? "d" + random.Next(4) : null,
            CpuCores = random.Next(0, 13),
        }).ToArray();
        var cluster = labeled ? new Cluster(nodes, levels) : new Cluster(nodes);
        var n = cluster.Nodes.Count;
        var free = cluster.Nodes.Select(x => large && random.Next(2) == 0 ? x.Gpus : random.Next(x.Gpus + 1)).ToArray();
        var up = free.Select(_ => random.Next(8) != 0).ToArray();
        var cpu = cluster.Nodes.Select(x => x.CpuCores).ToArray();
        var limit = Enumerable.Repeat(int.MaxValue, n).ToArray();
        ClusterCapacityView view;
        if (random.Next(2) == 0)
        {
            // The engine's ledger: its per-domain sums and best-fit index answer when the job needs no CPU.
            var ledger = new CapacityLedger(cluster);
            ledger.AddTenant();
            for (var i = 0; i < n; i++)
            {
                if (cluster.Nodes[i].Gpus - free[i] is > 0 and var used)
                {
                    ledger.Take(new JobSpec("busy" + i, used), new Placement([new NodeAllocation(i, cluster.Nodes[i].Name, used)], cluster.Nodes[i].GpuType, TopologyLevel.Node), 0);
                }

                if (!up[i])
                {
                    ledger.SetUp(i, false);
                }
            }

            view = new ClusterCapacityView(ledger);
        }
        else
        {
            view = new ClusterCapacityView(cluster, (int[])free.Clone(), (double[])cpu.Clone(), [.. Enumerable.Repeat(double.PositiveInfinity, n)], (bool[])up.Clone());
        }

        if (random.Next(4) == 0)
        {
            // A backfill limit as the pass sets it (the head's reserved nodes give fewer GPUs); the ledger's sums then no
            // longer hold, so the search scans.
            limit = [.. free.Select(f => random.Next(3) == 0 ? random.Next(f + 1) : int.MaxValue)];
            view.GpuLimit = (int[])limit.Clone();
        }

        int[]? order = null;
        if (random.Next(4) == 0)
        {
            order = cluster.GpuTypes.Count == 2 && random.Next(2) == 0 ? [1, 0] : [cluster.GpuTypes.Count - 1];
            view.TypeOrder = order;
        }

        return new Case(cluster, labeled, view, free, limit, up, cpu, order);
    }

    private static JobSpec RandomJob(Random random, Case c)
    {
        var gpus = random.Next(1, 13);
        var names = new[] { Cluster.NodeLevel, Cluster.ClusterLevel }.Concat(c.Labeled ? c.Cluster.TopologyLevels : ["rack", "nvlink"]).ToArray();
        string Level() => random.Next(12) == 0 ? "block9" : names[random.Next(names.Length)];
        TopologyRequest? topology = random.Next(4) switch
        {
            0 => null,
            1 => new TopologyRequest { RequiredLevel = Level(), Balanced = random.Next(2) == 0 },
            2 => new TopologyRequest { PreferredLevel = Level(), Balanced = random.Next(2) == 0 },
            _ => new TopologyRequest { Balanced = random.Next(2) == 0 },
        };
        if (c.Labeled && random.Next(3) == 0)
        {
            // Slices only on labelled (nested) clusters: the old rack and nvlink labels need not nest.
            var k = random.Next(1, 5);
            gpus = random.Next(6) == 0 ? gpus : Math.Max(k, gpus / k * k);
            topology = (topology ?? new TopologyRequest()) with { SliceGpus = k, SliceLevel = Level() };
        }

        return new JobSpec("j", gpus)
        {
            MaxSpan = s_spans[random.Next(4)],
            CpuCores = random.Next(3) == 0 ? random.Next(1, 4) * gpus : 0,
            GpuTypes = random.Next(4) switch { 0 => [], 1 => ["a100"], 2 => ["H100", "A100"], _ => ["B200", "H100"] },
            Topology = topology,
        };
    }

    // Every answer of the search, through the ledger's shortcuts and through the scan, equals the model's; Fits agrees.
    // 3,000 random cases of tiny clusters; the coverage counters make sure both outcomes and every kind of fill occur.
    [Fact]
    public void RandomTinyClusters_PlacementEqualsTheDocumentedRules()
    {
        var placed = 0;
        var none = 0;
        var multiNode = 0;
        Gen.Int[0, int.MaxValue].Sample(
            seed =>
            {
                var random = new Random(seed);
                var c = RandomCase(random);
                var model = new PlacementReferenceModel(c.Cluster, c.Labeled);
                for (var j = 0; j < 8; j++)
                {
                    var job = RandomJob(random, c);
                    var expected = model.Place(job, c.Usable(job), c.FreeGpus(), c.TypeOrder);
                    var actual = Strategy.TryPlace(job, c.View);
                    var context = $"seed {seed} job {j}: {job.Gpus} GPUs, span {job.MaxSpan}, cpu {job.CpuCores}, types [{string.Join(",", job.GpuTypes)}], {job.Topology}";
                    Assert.True(expected?.Nodes == actual?.ToString(), $"{context}: expected {expected?.Nodes ?? "none"}, got {actual?.ToString() ?? "none"}");
                    Assert.Equal(expected?.SpanLevel, actual?.SpanLevel);
                    Assert.Equal(expected?.Span, actual?.Span);
                    Assert.Equal(expected?.GpuType, actual?.GpuType);
                    Assert.True(expected is not null == Strategy.Fits(job, c.View), context + ": Fits");
                    Assert.Equal(expected?.Nodes, Strategy.TryPlace(job, job.Gpus, c.View)?.ToString());
                    if (actual is null)
                    {
                        none++;
                    }
                    else
                    {
                        placed++;
                        multiNode += actual.Nodes.Count > 1 ? 1 : 0;
                    }
                }
            },
            iter: 3000,
            seed: "0N1pYc3yWvQ1");

        Assert.True(placed > 3000 && none > 3000 && multiNode > 800, $"placed {placed}, none {none}, multi-node {multiNode}");
    }

    // Balanced over nodes with free 6, 5, 5, 2 (one flat cluster, every GPU free): 17 GPUs need all four nodes (6 + 5 + 5
    // = 16). Node 3 holds only 2; the other 15 split evenly, 5 + 5 + 5 (docs/scheduling.md, Balanced: "their shares
    // differ by at most one GPU"). A first round of 4 + extra gives 5, 4, 4, 4 and caps node 3 at 2; its 2 missing GPUs
    // must go to the nodes with the smallest shares (1 and 2), not again to node 0, which would give 6, 5, 4, 2.
    [Fact]
    public void Balanced_CappedNode_RemainderGoesToTheSmallestShares()
    {
        var cluster = new Cluster([new NodeSpec("a", 6), new NodeSpec("b", 5), new NodeSpec("c", 5), new NodeSpec("d", 2)]);
        var job = new JobSpec("spread", 17) { Topology = new TopologyRequest { Balanced = true } };

        var placement = Strategy.TryPlace(job, new ClusterCapacityView(new CapacityLedger(cluster)));

        Assert.Equal("0:5;1:5;2:5;3:2", placement!.ToString());
        Assert.Equal("cluster", placement.SpanLevel);
    }

    // Balanced spreading on its own: one flat cluster of 2–8 nodes with 1–8 free GPUs each (uneven, so groups cap), every
    // gang from 1 to all free GPUs, plain and sliced by node (units of 2): the model water-fills unit by unit.
    [Fact]
    public void Balanced_UnevenNodes_SharesAreWaterFilled()
    {
        var checkedGangs = 0;
        Gen.Int[0, int.MaxValue].Sample(
            seed =>
            {
                var random = new Random(seed);
                var nodes = Enumerable.Range(0, random.Next(2, 9)).Select(i => new NodeSpec("n" + i, random.Next(1, 9)) { Labels = new Dictionary<string, string> { ["rack"] = "r" } }).ToArray();
                var cluster = new Cluster(nodes, ["rack"]);
                var view = new ClusterCapacityView(new CapacityLedger(cluster));
                var model = new PlacementReferenceModel(cluster, labeled: true);
                var free = nodes.Select(x => x.Gpus).ToArray();
                foreach (var unit in new[] { 1, 2 })
                {
                    for (var g = unit; g <= free.Sum(); g += unit)
                    {
                        var job = new JobSpec("b", g) { Topology = new TopologyRequest { Balanced = true, SliceGpus = unit == 1 ? null : unit } };
                        var expected = model.Place(job, free, free, null);
                        Assert.True(expected?.Nodes == Strategy.TryPlace(job, view)?.ToString(), $"seed {seed}, {g} GPUs in units of {unit} on [{string.Join(",", free)}]: expected {expected?.Nodes ?? "none"}, got {Strategy.TryPlace(job, view)?.ToString() ?? "none"}");
                        checkedGangs++;
                    }
                }
            },
            iter: 200,
            seed: "0N1pYc3yWvQ1");

        Assert.True(checkedGangs > 2000, checkedGangs.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static ClusterCapacityView EmptyView(Cluster cluster) => new(new CapacityLedger(cluster));

    [Fact]
    public void Guards_NameTheArgument()
    {
        var view = EmptyView(Cluster.Uniform(2, 8));
        var job = new JobSpec("j", 4);

        Assert.Equal("job", Assert.Throws<ArgumentNullException>(() => Strategy.TryPlace(null!, view)).ParamName);
        Assert.Equal("capacity", Assert.Throws<ArgumentNullException>(() => Strategy.TryPlace(job, null!)).ParamName);
        Assert.Equal("job", Assert.Throws<ArgumentNullException>(() => Strategy.TryPlace(null!, 2, view)).ParamName);
        Assert.Equal("capacity", Assert.Throws<ArgumentNullException>(() => Strategy.TryPlace(job, 2, null!)).ParamName);
        Assert.Equal("gpus", Assert.Throws<ArgumentOutOfRangeException>(() => Strategy.TryPlace(job, 0, view)).ParamName);
        Assert.Equal("job", Assert.Throws<ArgumentNullException>(() => Strategy.Fits(null!, view)).ParamName);
        Assert.Equal("capacity", Assert.Throws<ArgumentNullException>(() => Strategy.Fits(job, null!)).ParamName);

        // An elastic gang smaller than the spec: 2 of the job's GPUs best-fit one node.
        Assert.Equal("0:2", Strategy.TryPlace(job, 2, view)!.ToString());
    }

    /// <summary>A strategy that implements only the required method, so the interface's default methods run.</summary>
    private sealed class OnlyTryPlace(Placement? answer) : IPlacementStrategy
    {
        public JobSpec? Seen { get; private set; }

        public Placement? TryPlace(JobSpec job, ClusterCapacityView capacity)
        {
            Seen = job;
            return answer;
        }
    }

    // IPlacementStrategy's documented defaults for a user's own strategy: an elastic gang of `gpus` is the job with that
    // gang and the job's CPU and memory per GPU (the same job when the gang is whole); Fits is "TryPlace found one".
    [Fact]
    public void DefaultMethods_ElasticGangAndFits_FollowTryPlace()
    {
        var view = EmptyView(Cluster.Uniform(1, 8));
        var placement = new Placement([new NodeAllocation(0, "n0", 4)], "GPU", TopologyLevel.Node);
        var job = new JobSpec("e", 4) { MinGpus = 2, CpuCores = 8, MemoryGib = 40 };
        var some = new OnlyTryPlace(placement);
        IPlacementStrategy strategy = some;

        Assert.Same(placement, strategy.TryPlace(job, 4, view));
        Assert.Same(job, some.Seen);

        strategy.TryPlace(job, 2, view);
        Assert.Equal((2, 4.0, 20.0), (some.Seen!.Gpus, some.Seen.CpuCores, some.Seen.MemoryGib));

        Assert.True(strategy.Fits(job, view));
        Assert.False(((IPlacementStrategy)new OnlyTryPlace(null)).Fits(job, view));
        Assert.Equal("job", Assert.Throws<ArgumentNullException>(() => strategy.TryPlace(null!, 2, view)).ParamName);
    }

    // Slices inside racks, all in one block (docs/scheduling.md, Slices: "each inside one domain of SliceLevel; with a
    // required level, all slices inside one domain of it"). 8 GPUs as 2 slices of 4, each in one rack, in one block:
    //   block 0: rack 0 = n0 (3 of 4 free) + n1 (3 of 4) → 6 GPUs, 1 slice; rack 1 = n2 (3) → 0 slices; 9 GPUs but 1 slice;
    //   block 1: rack 0 = n3 (4) + n4 (4) + n5 (2) → 10 GPUs, 2 slices.
    // Block 0 has the fewer free GPUs but cannot hold two slices: the gang goes to block 1, largest nodes first (n3, n4),
    // both in rack 0 of block 1. Counting GPUs instead of slices would pick block 0 and find no placement.
    [Fact]
    public void Slices_InRacksOfABlock_CountWholeSlicesNotGpus()
    {
        (string Block, string Rack, int Gpus)[] layout = [("b0", "r0", 4), ("b0", "r0", 4), ("b0", "r1", 3), ("b1", "r0", 4), ("b1", "r0", 4), ("b1", "r0", 2)];
        var cluster = new Cluster(
            layout.Select((x, i) => new NodeSpec("n" + i, x.Gpus) { Labels = new Dictionary<string, string> { ["block"] = x.Block, ["rack"] = x.Rack } }),
            ["block", "rack"]);
        var job = new JobSpec("sliced", 8) { Topology = new TopologyRequest { RequiredLevel = "block", SliceGpus = 4, SliceLevel = "rack" } };
        var ledger = new CapacityLedger(cluster);
        ledger.AddTenant();
        ledger.Take(new JobSpec("busy", 2), new Placement([new NodeAllocation(0, "n0", 1), new NodeAllocation(1, "n1", 1)], "GPU", TopologyLevel.Rack), 0);
        double[] untracked = [.. Enumerable.Repeat(double.PositiveInfinity, 6)];
        foreach (var view in new[] { new ClusterCapacityView(ledger), new ClusterCapacityView(cluster, [3, 3, 3, 4, 4, 2], untracked, untracked, [.. Enumerable.Repeat(true, 6)]) })
        {
            var placement = Strategy.TryPlace(job, view);

            Assert.Equal("3:4;4:4", placement!.ToString());
            Assert.Equal("rack", placement.SpanLevel);
            Assert.True(Strategy.Fits(job, view));
        }

        // With n2 busy and n0, n1 wholly free, both blocks hold exactly 2 slices: the tie goes to the lower block
        // (BestFitTopologyPlacement: "lowest index on a tie"), n0 and n1.
        var tie = new ClusterCapacityView(cluster, [4, 4, 0, 4, 4, 2], untracked, untracked, [.. Enumerable.Repeat(true, 6)]);
        Assert.Equal("0:4;1:4", Strategy.TryPlace(job, tie)!.ToString());
    }
}

using CsCheck;
using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling.Tests.Internals;

/// <summary>
/// <see cref="CapacityLedger"/> directly (issue 21, Scheduling Internal survivors): the per-type free-GPU bitsets against
/// a linear scan at the 64-bit word boundaries, CPU/memory and tenant book-keeping worked by hand, the journal of
/// <see cref="CapacityLedger.Mark"/>/<see cref="CapacityLedger.Rollback"/>, and <see cref="CapacityLedger.Version"/>.
/// </summary>
public class CapacityLedgerTests
{
    private static Cluster Nodes(int count, Func<int, int> gpus, Func<int, string>? type = null, double cpu = double.PositiveInfinity, double memory = double.PositiveInfinity) =>
        new(Enumerable.Range(0, count).Select(i => new NodeSpec($"n{i}", gpus(i), type?.Invoke(i) ?? "GPU") { CpuCores = cpu, MemoryGib = memory }));

    private static Placement On(Cluster cluster, int node, int gpus) =>
        new([new NodeAllocation(node, cluster.Nodes[node].Name, gpus)], cluster.Nodes[node].GpuType, TopologyLevel.Node);

    // The lowest up node of the type with exactly `free` free GPUs at index ≥ from, by a plain scan (the documented meaning).
    private static int Scan(CapacityLedger ledger, int type, int free, int from)
    {
        for (var i = Math.Max(from, 0); i < ledger.FreeGpus.Length; i++)
        {
            if (ledger.Up[i] && ledger.Cluster.TypeOf[i] == type && ledger.FreeGpus[i] == free)
            {
                return i;
            }
        }

        return -1;
    }

    // 64, 65, 127, 128 and 129 nodes put the last node at bit 63 of word 0, bit 0 of word 1, bit 63 of word 1 and bit 0 of
    // word 2: nodes 0, 63, 64, 127 and 128 are given 1 GPU each (the others keep 2) and must be found from every `from`.
    [Theory]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(129)]
    public void NextNodeWithFree_AtWordBoundaries_EqualsALinearScan(int nodes)
    {
        var cluster = Nodes(nodes, _ => 2);
        var ledger = new CapacityLedger(cluster);
        var tenant = ledger.AddTenant();
        var marked = new[] { 0, 63, 64, 127, 128 }.Where(i => i < nodes).ToArray();
        foreach (var i in marked)
        {
            ledger.Take(new JobSpec($"j{i}", 1), On(cluster, i, 1), tenant);
        }

        for (var from = 0; from <= nodes; from++)
        {
            // Expected: the first marked node at or after `from`, else −1.
            var expected = marked.Where(i => i >= from).DefaultIfEmpty(-1).First();
            Assert.Equal(expected, ledger.NextNodeWithFree(0, 1, from));
        }

        Assert.Equal(1, ledger.NextNodeWithFree(0, 2, 0)); // node 0 has 1 free, not 2
        Assert.Equal(-1, ledger.NextNodeWithFree(0, 0, 0)); // no node is full
    }

    // Free counts above the largest node's GPUs have no bitset row: the answer is −1, not a read of another row.
    [Fact]
    public void NextNodeWithFree_MoreThanTheLargestNode_IsMinusOne()
    {
        var ledger = new CapacityLedger(Nodes(3, _ => 4, i => i == 2 ? "B" : "A"));

        Assert.Equal(-1, ledger.NextNodeWithFree(0, 5, 0));
        Assert.Equal(-1, ledger.NextNodeWithFree(1, 5, 0));
        Assert.Equal(0, ledger.NextNodeWithFree(0, 4, 0));
        Assert.Equal(2, ledger.NextNodeWithFree(1, 4, 0));
    }

    // `from` equal to the node count (64 nodes: one full word) is past the last node: −1.
    [Fact]
    public void NextNodeWithFree_FromThePastTheLastNode_IsMinusOne()
    {
        var ledger = new CapacityLedger(Nodes(64, _ => 8));

        Assert.Equal(63, ledger.NextNodeWithFree(0, 8, 63));
        Assert.Equal(-1, ledger.NextNodeWithFree(0, 8, 64));
        Assert.Equal(-1, ledger.NextNodeWithFree(0, 8, 65));
    }

    // Largest free on one node per type, walking down from the largest node's GPUs: 8-GPU nodes with 8, 3 and 1 free
    // (type A) → 8; after taking node 0's 8 → 3; after node 1's 3 → 1; after node 2's 1 → 0. Type B (one 2-GPU node) → 2.
    [Fact]
    public void MaxFreeOnANode_WalksDownToOne()
    {
        var cluster = Nodes(4, i => i == 3 ? 2 : 8, i => i == 3 ? "B" : "A");
        var ledger = new CapacityLedger(cluster);
        var t = ledger.AddTenant();
        ledger.Take(new JobSpec("x", 5), On(cluster, 1, 5), t);
        ledger.Take(new JobSpec("y", 7), On(cluster, 2, 7), t);

        Assert.Equal(8, ledger.MaxFreeOnANode(0));
        Assert.Equal(2, ledger.MaxFreeOnANode(1));
        ledger.Take(new JobSpec("a", 8), On(cluster, 0, 8), t);
        Assert.Equal(3, ledger.MaxFreeOnANode(0));
        ledger.Take(new JobSpec("b", 3), On(cluster, 1, 3), t);
        Assert.Equal(1, ledger.MaxFreeOnANode(0));
        ledger.Take(new JobSpec("c", 1), On(cluster, 2, 1), t);
        Assert.Equal(0, ledger.MaxFreeOnANode(0));
        ledger.SetUp(3, false);
        Assert.Equal(0, ledger.MaxFreeOnANode(1)); // a down node is not in the index
        Assert.Equal(0, ledger.MaxFreeOfAnyType());
    }

    // CPU and memory per node: 64 cores, 512 GiB; a rigid 4-GPU job asking 16 cores and 128 GiB leaves 64 − 16 = 48 and
    // 512 − 128 = 384, and charges its tenant 16 and 128. An elastic job (Gpus 8, MinGpus 2, 32 cores = 4/GPU, 64 GiB =
    // 8/GPU) running on 3 GPUs takes 3 × 4 = 12 cores and 3 × 8 = 24 GiB from node and tenant (its share, not its spec).
    [Fact]
    public void TakeAndGive_BookCpuAndMemoryPerNodeAndTenant()
    {
        var cluster = Nodes(2, _ => 8, cpu: 64, memory: 512);
        var ledger = new CapacityLedger(cluster);
        var rigidTenant = ledger.AddTenant();
        var elasticTenant = ledger.AddTenant();
        var rigid = new JobSpec("r", 4) { CpuCores = 16, MemoryGib = 128 };
        var elastic = new JobSpec("e", 8) { MinGpus = 2, CpuCores = 32, MemoryGib = 64 };

        ledger.Take(rigid, On(cluster, 0, 4), rigidTenant);
        ledger.Take(elastic, On(cluster, 1, 3), elasticTenant);

        Assert.Equal([48.0, 52.0], ledger.FreeCpu);
        Assert.Equal([384.0, 488.0], ledger.FreeMemory);
        Assert.Equal([4, 3], ledger.UsedGpus);
        Assert.Equal([16.0, 12.0], ledger.UsedCpu);
        Assert.Equal([128.0, 24.0], ledger.UsedMemory);
        Assert.Equal(7, ledger.AllocatedGpus);
        Assert.Equal(16 - 7, ledger.FreeByType[0]);

        ledger.Give(elastic, On(cluster, 1, 3), elasticTenant);
        Assert.Equal([48.0, 64.0], ledger.FreeCpu);
        Assert.Equal([384.0, 512.0], ledger.FreeMemory);
        Assert.Equal([16.0, 0.0], ledger.UsedCpu);
        Assert.Equal([128.0, 0.0], ledger.UsedMemory);
        Assert.Equal(4, ledger.AllocatedGpus);
    }

    // "Rigid jobs charge their tenant exactly their spec": 0.9 cores and 0.9 GiB over 3 GPUs, where the per-GPU round trip
    // 0.9 / 3 × 3 is 0.8999999999999999 in binary floating point (IEEE 754 double).
    [Fact]
    public void Take_RigidJob_ChargesExactlyItsSpec()
    {
        var cluster = Nodes(1, _ => 4);
        var ledger = new CapacityLedger(cluster);
        var t = ledger.AddTenant();

        ledger.Take(new JobSpec("r", 3) { CpuCores = 0.9, MemoryGib = 0.9 }, On(cluster, 0, 3), t);

        Assert.Equal(0.9, ledger.UsedCpu[t]);
        Assert.Equal(0.9, ledger.UsedMemory[t]);
        Assert.Equal(3, ledger.UsedByType[t][0]);
    }

    // Only changes made while a mark is open are journaled: a Take outside any mark is not in the journal, so a later
    // Mark starts at 0 and its Rollback leaves that Take in place; once a Rollback closed the only section, Takes are
    // no longer journaled either.
    [Fact]
    public void Mark_JournalsOnlyWhileASectionIsOpen()
    {
        var cluster = Nodes(1, _ => 8);
        var ledger = new CapacityLedger(cluster);
        var t = ledger.AddTenant();

        ledger.Take(new JobSpec("kept", 2), On(cluster, 0, 2), t);
        var first = ledger.Mark();
        Assert.Equal(0, first);
        ledger.Take(new JobSpec("tentative", 3), On(cluster, 0, 3), t);
        Assert.Equal(3, ledger.FreeGpus[0]);
        ledger.Rollback(first);
        Assert.Equal(6, ledger.FreeGpus[0]);

        ledger.Take(new JobSpec("after", 1), On(cluster, 0, 1), t);
        Assert.Equal(0, ledger.Mark()); // the Take after the section closed was not journaled
        ledger.Rollback(0);
        Assert.Equal(5, ledger.FreeGpus[0]);
        Assert.Equal(3, ledger.UsedGpus[t]);
    }

    // Nested sections: the inner rollback undoes only its own changes, the outer one the rest, in reverse order.
    [Fact]
    public void Rollback_Nested_UndoesEachSection()
    {
        var cluster = Nodes(2, _ => 8);
        var ledger = new CapacityLedger(cluster);
        var t = ledger.AddTenant();
        var outer = ledger.Mark();
        ledger.Take(new JobSpec("a", 4), On(cluster, 0, 4), t);
        var inner = ledger.Mark();
        Assert.Equal(1, inner);
        ledger.Take(new JobSpec("b", 8), On(cluster, 1, 8), t);
        ledger.Rollback(inner);
        Assert.Equal([4, 8], ledger.FreeGpus);
        ledger.Rollback(outer);
        Assert.Equal([8, 8], ledger.FreeGpus);
        Assert.Equal(0, ledger.AllocatedGpus);
    }

    // Version is "bumped by every change, so callers can tell whether cached answers still hold": it grows on Take,
    // Give and SetUp, and after a rollback it differs from every value seen inside the section (a cache filled during
    // the section must not look valid afterwards).
    [Fact]
    public void Version_GrowsOnEveryChange()
    {
        var cluster = Nodes(2, _ => 8);
        var ledger = new CapacityLedger(cluster);
        var t = ledger.AddTenant();
        var seen = new List<long> { ledger.Version };

        void Changed()
        {
            Assert.True(ledger.Version > seen[^1], $"version {ledger.Version} after {seen[^1]}");
            seen.Add(ledger.Version);
        }

        ledger.Take(new JobSpec("a", 2), On(cluster, 0, 2), t);
        Changed();
        ledger.Give(new JobSpec("a", 2), On(cluster, 0, 2), t);
        Changed();
        ledger.SetUp(1, false);
        Changed();
        ledger.SetUp(1, true);
        Changed();
        var mark = ledger.Mark();
        ledger.Take(new JobSpec("b", 3), On(cluster, 0, 3), t);
        Changed();
        ledger.Rollback(mark);
        Changed();
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    // A node going down leaves the per-type free sum and the index; coming back it rejoins them with what it has free.
    [Fact]
    public void SetUp_MovesTheNodeInAndOutOfTheSums()
    {
        var cluster = Nodes(2, _ => 8, i => i == 0 ? "A" : "B");
        var ledger = new CapacityLedger(cluster);
        var t = ledger.AddTenant();
        ledger.Take(new JobSpec("a", 3), On(cluster, 0, 3), t);

        ledger.SetUp(0, false);
        Assert.Equal([0, 8], ledger.FreeByType);
        Assert.Equal(-1, ledger.NextNodeWithFree(0, 5, 0));
        Assert.Equal(8, ledger.MaxFreeOfAnyType());

        ledger.Give(new JobSpec("a", 3), On(cluster, 0, 3), t); // the job ends while the node is down
        Assert.Equal([0, 8], ledger.FreeByType);
        ledger.SetUp(0, true);
        Assert.Equal([8, 8], ledger.FreeByType);
        Assert.Equal(0, ledger.NextNodeWithFree(0, 8, 0));
    }

    // Property: after any sequence of takes, gives and node failures (inside and outside a Mark … Rollback), the ledger
    // agrees with a naive array model: free GPUs per node, per-type sums over up nodes, tenant GPUs, and
    // NextNodeWithFree / MaxFreeOnANode equal linear scans for every type, free count and start node. Clusters of 1 to 140
    // nodes (up to three 64-bit words), one or two GPU types, 1 to 8 GPUs per node.
    [Fact]
    public void AnySequence_MatchesANaiveModel()
    {
        var gen =
            from nodes in Gen.Int[1, 140]
            from seed in Gen.Int[0, int.MaxValue]
            from steps in Gen.Int[0, 60]
            select (nodes, seed, steps);
        gen.Sample(c => Check(c.nodes, c.seed, c.steps), iter: 120, seed: "0N0XIzNsQ0O2");
    }

    private static void Check(int nodes, int seed, int steps)
    {
        var random = new Random(seed);
        var sizes = Enumerable.Range(0, nodes).Select(_ => random.Next(1, 9)).ToArray();
        var twoTypes = random.Next(2) == 0;
        var cluster = Nodes(nodes, i => sizes[i], i => twoTypes && i % 3 == 0 ? "B" : "A");
        var ledger = new CapacityLedger(cluster);
        var tenants = new[] { ledger.AddTenant(), ledger.AddTenant() };
        var free = (int[])sizes.Clone();
        var up = Enumerable.Repeat(true, nodes).ToArray();
        var used = new int[2];
        var held = new List<(JobSpec Spec, Placement Placement, int Tenant)>();

        void Run(int count)
        {
            for (var s = 0; s < count; s++)
            {
                var op = random.Next(4);
                var node = random.Next(nodes);
                if (op <= 1 && free[node] > 0)
                {
                    var g = random.Next(1, free[node] + 1);
                    var tenant = tenants[random.Next(2)];
                    var spec = new JobSpec($"j{s}", g);
                    ledger.Take(spec, On(cluster, node, g), tenant);
                    held.Add((spec, On(cluster, node, g), tenant));
                    free[node] -= g;
                    used[tenant] += g;
                }
                else if (op == 2 && held.Count > 0)
                {
                    var k = random.Next(held.Count);
                    var (spec, placement, tenant) = held[k];
                    held.RemoveAt(k);
                    ledger.Give(spec, placement, tenant);
                    free[placement.Nodes[0].NodeIndex] += placement.Gpus;
                    used[tenant] -= placement.Gpus;
                }
                else if (op == 3)
                {
                    up[node] = !up[node];
                    ledger.SetUp(node, up[node]);
                }
            }
        }

        void Agree()
        {
            Assert.Equal(free, ledger.FreeGpus);
            Assert.Equal(up, ledger.Up);
            Assert.Equal(used, ledger.UsedGpus);
            Assert.Equal(used.Sum(), ledger.AllocatedGpus);
            for (var type = 0; type < cluster.GpuTypes.Count; type++)
            {
                var ofType = Enumerable.Range(0, nodes).Where(i => up[i] && cluster.TypeOf[i] == type).ToArray();
                Assert.Equal(ofType.Sum(i => free[i]), ledger.FreeByType[type]);
                Assert.Equal(ofType.Select(i => free[i]).DefaultIfEmpty(0).Max(), ledger.MaxFreeOnANode(type));
                for (var f = 0; f <= cluster.MaxGpusPerNode + 1; f++)
                {
                    for (var from = 0; from <= nodes; from++)
                    {
                        Assert.Equal(Scan(ledger, type, f, from), ledger.NextNodeWithFree(type, f, from));
                    }
                }
            }
        }

        Run(steps);
        Agree();
        var before = ((int[])free.Clone(), (bool[])up.Clone(), (int[])used.Clone(), held.ToList());
        var mark = ledger.Mark();
        Run(steps);
        Agree();
        ledger.Rollback(mark);

        // The rollback undoes the takes and gives, not the node states (SetUp is not journaled).
        (free, _, used, held) = before;
        Agree();
    }
}

using CsCheck;
using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Tests.Performance;

namespace LlmCore.Scheduling.Tests.Policies;

/// <summary>
/// Invariants of the topology, flavour and elastic constraints on random workloads (CsCheck; each sample is a seed that
/// builds a multi-level cluster, quotas per GPU type or not, a workload of rigid and elastic jobs with topology
/// requests, and node failures): never more GPUs on a node than it has; quotas per flavour; required levels; gangs and
/// slices all-or-nothing; elastic jobs within [min, max]; every job completes exactly once or is rejected.
/// </summary>
public class TopologyFlavorElasticPropertyTests
{
    public static TheoryData<string, bool> PolicyAndBackfill()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in SchedulingPolicy.Names)
        {
            data.Add(name, name.Length % 2 == 0);
        }

        data.Add("las", true);
        data.Add("fifo", false);
        return data;
    }

    [Theory]
    [MemberData(nameof(PolicyAndBackfill))]
    public void RandomWorkload_TopologyFlavoursElastic_KeepsEveryInvariant(string policy, bool backfill)
    {
        var seen = new Coverage();

        // Regressions: seeds whose workloads once never finished. 318797610 and 1400661910: preemption cycles between
        // tenants (PolicyScenarioTests.Quota_*); 223816782: a job whose placement and quota held on different GPU types
        // waited for ever (ResourceFlavorTests.Submit_PlacementOnOneTypeAndQuotaOnAnother_IsRejected), 1047444070 likewise;
        // 1125474286: an elastic victim shrank onto a GPU type beyond its tenant's flavour quota. 309235882 (SRTF with
        // backfill): two elastic jobs on partial placements preempted each other without end
        // (PolicyScenarioTests.Srtf_ElasticJobsOnPartialPlacements_DoNotPreemptEachOtherBack).
        foreach (var regression in new[] { 318797610, 1400661910, 223816782, 1047444070, 1125474286, 309235882 })
        {
            RunAndCheck(policy, backfill, regression, seen);
        }

        Gen.Int[0, int.MaxValue].Sample(seed => RunAndCheck(policy, backfill, seed, seen), iter: 30, seed: "0ML3vTCZOtM2");

        // The generator must reach the constraints under test, or the invariants above prove little.
        Assert.True(seen.RequiredLevels > 0 && seen.Slices > 0 && seen.ElasticStarts > 0 && seen.FlavouredStarts > 0, seen.ToString());
    }

    private sealed record Coverage
    {
        public int RequiredLevels { get; set; }

        public int Slices { get; set; }

        public int ElasticStarts { get; set; }

        public int FlavouredStarts { get; set; }
    }

    private static void RunAndCheck(string policyName, bool backfill, int seed, Coverage seen)
    {
        var random = new Random(seed);
        var cluster = LedgerIndexTests.RandomLeveledCluster(random);
        var flavoured = random.Next(2) == 0;
        var gpusOf = cluster.GpuTypes.ToDictionary(t => t, t => cluster.Nodes.Where(n => n.GpuType == t).Sum(n => n.Gpus), StringComparer.OrdinalIgnoreCase);
        TenantQuota[] quotas = random.Next(3) switch
        {
            0 => [],
            _ when flavoured =>
            [
                new TenantQuota("t0", cluster.GpuTypes.Select(t => new FlavorQuota(t, gpusOf[t] / 2) { BorrowingLimitGpus = random.Next(3) })),
                new TenantQuota("t1", cluster.GpuTypes.Reverse().Select(t => new FlavorQuota(t, gpusOf[t] / 4))),
                new TenantQuota("t2", cluster.GpuTypes.Select(t => new FlavorQuota(t, gpusOf[t] / 4) { LendingLimitGpus = random.Next(4) })),
            ],
            _ => [new TenantQuota("t0", cluster.TotalGpus / 2) { BorrowingLimitGpus = 2 }, new TenantQuota("t1", cluster.TotalGpus / 4), new TenantQuota("t2", cluster.TotalGpus / 4)],
        };
        var engine = Specs.NewEngine(cluster, policyName, backfill, preemption: true, tenants: quotas);
        var sim = new TestSim(engine);
        var specs = new List<JobSpec>();
        var t = 0.0;
        for (var i = 0; i < random.Next(1, 40); i++)
        {
            t += random.Next(0, 15);
            var spec = LedgerIndexTests.RandomJob(random, cluster, "j" + i) with
            {
                Tenant = "t" + random.Next(3),
                Priority = new[] { PriorityClasses.Low, PriorityClasses.Normal, PriorityClasses.High }[random.Next(3)],
                RuntimeEstimate = random.Next(5) == 0 ? null : TimeSpan.FromSeconds(random.Next(1, 100)),
                Preemptible = random.Next(4) != 0,
                CheckpointInterval = random.Next(2) == 0 ? TimeSpan.FromSeconds(random.Next(1, 30)) : null,
                RestartCost = TimeSpan.FromSeconds(random.Next(0, 5)),
            };
            if (random.Next(3) == 0)
            {
                var step = spec.Topology?.SliceGpus ?? 1;
                spec = spec with { MinGpus = Math.Max(step, spec.Gpus / 2 / step * step) };
            }

            specs.Add(spec);
            sim.Arrive(t, spec, random.Next(1, 100));
        }

        for (var i = 0; i < 3; i++)
        {
            sim.FailNode(random.Next(0, 200), random.Next(cluster.Nodes.Count), random.Next(1, 100));
        }

        sim.Run((now, plan) =>
        {
            foreach (var launch in plan.Resizes.Select(r => r.Launch).Concat(plan.Starts))
            {
                CheckLaunch(cluster, engine, launch);
                seen.RequiredLevels += launch.Spec.Topology?.RequiredLevel is not null ? 1 : 0;
                seen.Slices += launch.Spec.Topology?.SliceGpus is > 1 ? 1 : 0;
                seen.ElasticStarts += launch.Spec.IsElastic ? 1 : 0;
                seen.FlavouredStarts += quotas.Any(q => q.Flavors.Count > 0) ? 1 : 0;
            }

            // No node over-allocated, and the engine's books match the running placements.
            var perNode = new int[cluster.Nodes.Count];
            foreach (var r in engine.Running)
            {
                foreach (var a in r.Placement!.Nodes)
                {
                    perNode[a.NodeIndex] += a.Gpus;
                }

                var spec = r.Spec;
                Assert.InRange(r.RunningGpus, spec.SmallestGang, spec.Gpus);
            }

            for (var n = 0; n < perNode.Length; n++)
            {
                Assert.InRange(perNode[n], 0, cluster.Nodes[n].Gpus);
                Assert.Equal(perNode[n], engine.AllocatedGpusOn(n));
            }

            // Quotas hold per flavour (or over all types), except for explicitly allowed borrowing.
            foreach (var q in quotas)
            {
                if (q.Flavors.Count == 0)
                {
                    Assert.True(engine.TenantUsedGpus(q.Name) <= (long)q.NominalGpus + (q.BorrowingLimitGpus ?? int.MaxValue), $"{q.Name} over quota");
                    continue;
                }

                foreach (var type in cluster.GpuTypes)
                {
                    var used = engine.TenantUsedGpus(q.Name, type);
                    if (q.Flavor(type) is not { } f)
                    {
                        Assert.Equal(0, used);
                        continue;
                    }

                    Assert.True(used <= (long)f.NominalGpus + (f.BorrowingLimitGpus ?? int.MaxValue), $"{q.Name} over its {type} quota: {used}");
                }
            }
        });

        // Nothing lost, nothing run twice: every job completed exactly once or was rejected at submission.
        Assert.Equal(0, engine.PendingCount);
        Assert.Empty(engine.Running);
        foreach (var spec in specs)
        {
            var job = engine.Jobs[spec.Id];
            Assert.True(job.State is JobState.Completed or JobState.Rejected, $"{spec.Id} ended {job.State}: {job.Reason}");
            Assert.Equal(job.State == JobState.Completed ? 1 : 0, sim.Completions.Count(c => c.JobId == spec.Id));
        }
    }

    private static void CheckLaunch(Cluster cluster, SchedulingEngine engine, JobLaunch launch)
    {
        var spec = launch.Spec;
        var placement = launch.Placement;

        // All or nothing: a rigid gang gets exactly its GPUs, an elastic one a size in [min, max], on up nodes of one type.
        Assert.Equal(placement.Nodes.Sum(a => a.Gpus), launch.Gpus);
        Assert.InRange(launch.Gpus, spec.SmallestGang, spec.Gpus);
        if (!spec.IsElastic)
        {
            Assert.Equal(spec.Gpus, launch.Gpus);
        }

        Assert.All(placement.Nodes, a => Assert.True(a.Gpus > 0 && engine.IsUp(a.NodeIndex) && cluster.Nodes[a.NodeIndex].GpuType == placement.GpuType));
        if (spec.GpuTypes.Count > 0)
        {
            Assert.Contains(placement.GpuType, spec.GpuTypes, StringComparer.OrdinalIgnoreCase);
        }

        // The widest span allowed and the required level: one domain of that level holds every allocation.
        Assert.True(placement.Span <= spec.MaxSpan);
        foreach (var level in new[] { spec.Topology?.RequiredLevel }.OfType<string>())
        {
            var index = cluster.LevelIndexOf(level)!.Value;
            Assert.Single(placement.Nodes.Select(a => cluster.DomainOf[index][a.NodeIndex]).Distinct());
        }

        // Slices: each domain of the slice level holds a whole number of slices.
        if (spec.Topology is { SliceGpus: { } k } topology)
        {
            Assert.Equal(0, launch.Gpus % k);
            var sliceLevel = cluster.LevelIndexOf(topology.SliceLevel)!.Value;
            foreach (var group in placement.Nodes.GroupBy(a => cluster.DomainOf[sliceLevel][a.NodeIndex]))
            {
                Assert.Equal(0, group.Sum(a => a.Gpus) % k);
            }
        }
    }
}

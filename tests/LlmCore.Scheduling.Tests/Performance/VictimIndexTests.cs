using CsCheck;
using LlmCore.Scheduling.Internal;
using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;

namespace LlmCore.Scheduling.Tests.Performance;

/// <summary>
/// The engine's <see cref="VictimIndex"/> (running preemptible jobs in groups of equal GPUs and restart cost, each group
/// newest start first) must give the same victims in the same order as costing and sorting every running job by the
/// pass's victim key (least lost work, then lower priority, then newest submission), and whole preemptive simulations
/// must make the same decisions with the index as with the full scan it replaces.
/// </summary>
public class VictimIndexTests
{
    private static readonly DateTimeOffset Origin = DateTimeOffset.UnixEpoch;

    /// <summary>Random running sets (sizes 1–8 GPUs, restart costs 0 / 30 s, two priorities, starts on a coarse grid so
    /// that many tie, some jobs with checkpoints, some removed again): every group is in victim order at a random
    /// later instant, and the groups' merge is exactly the full sort of the indexed jobs.</summary>
    [Fact]
    public void Groups_MergedAtAnyInstant_EqualTheFullVictimOrder()
    {
        var gen =
            from count in Gen.Int[0, 60]
            from seed in Gen.Int[0, int.MaxValue]
            from later in Gen.Int[0, 100_000]
            select (count, seed, later);
        gen.Sample(c => Check(c.count, c.seed, c.later), iter: 200, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Complete_FollowsJobsWithCheckpoints()
    {
        var index = new VictimIndex();
        var plain = Running(Spec("a", 1, 0, null), 1, 10);
        var checkpointed = Running(Spec("b", 1, 0, TimeSpan.FromMinutes(10)), 2, 10);
        index.Add(plain);
        Assert.True(index.Complete);
        index.Add(checkpointed);
        Assert.False(index.Complete);
        Assert.Equal(1, index.Count);
        index.Remove(checkpointed);
        Assert.True(index.Complete);
        index.Remove(plain);
        Assert.Equal(0, index.Count);
    }

    /// <summary>SRTF and LAS without checkpoints (the index's path), contended traces (offered load 3 on 4 × 8 GPUs),
    /// mixed priorities, non-preemptible jobs, restart costs, backfill on and off: segment for segment the same as with a
    /// victim cost wrapped so that the engine keeps no index (the full scan of every running job).</summary>
    [Theory]
    [InlineData("srtf", 1, false)]
    [InlineData("srtf", 2, true)]
    [InlineData("las", 3, false)]
    [InlineData("las", 4, true)]
    public void Simulate_WithAndWithoutTheIndex_SameSegments(string policy, int seed, bool backfill)
    {
        var generated = SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 600, LoadFactor = 3, Seed = seed, Tenants = 3 });
        var random = new Random(seed);
        var trace = new Trace(generated.Jobs.Select(j => j with
        {
            Spec = j.Spec with { Priority = random.Next(4) == 0 ? 100 : 0, Preemptible = random.Next(10) != 0 },
        }));
        var options = new SimulationOptions
        {
            RuntimeEstimates = seed == 2 ? RuntimeEstimateMode.Noisy : RuntimeEstimateMode.Perfect,
            Seed = seed,
            CheckpointInterval = null,
            RestartCost = TimeSpan.FromSeconds(seed * 15),
        };
        var cluster = Cluster.Uniform(4, 8);
        var indexed = SchedulingPolicy.Create(policy, backfill, preemption: true);
        var scanned = indexed with { Preemption = new WrappedCost(indexed.Preemption) };

        var fast = new Simulator(cluster, indexed, options).Run(trace);
        var reference = new Simulator(cluster, scanned, options).Run(trace);

        Assert.True(reference.Metrics.Preemptions > 50, $"the trace must contend: {reference.Metrics.Preemptions} preemptions");
        Assert.Equal(reference.Segments, fast.Segments);
        Assert.Equal(reference.OpenSegments, fast.OpenSegments);
        Assert.Equal(reference.Metrics, fast.Metrics);
    }

    private static void Check(int count, int seed, int later)
    {
        var random = new Random(seed);
        var index = new VictimIndex();
        var jobs = new List<Job>();
        var latest = Origin;
        for (var i = 0; i < count; i++)
        {
            var checkpoint = random.Next(8) == 0 ? TimeSpan.FromMinutes(10) : (TimeSpan?)null;
            var spec = Spec("j" + i, 1 << random.Next(4), random.Next(2) * 30, checkpoint) with { Priority = random.Next(2) * 100 };
            var job = Running(spec, i, random.Next(50) * 60);
            index.Add(job);
            jobs.Add(job);
            latest = job.RunStartedAt!.Value > latest ? job.RunStartedAt.Value : latest;
        }

        foreach (var gone in jobs.Where(_ => random.Next(5) == 0).ToList())
        {
            index.Remove(gone);
            jobs.Remove(gone);
        }

        var now = latest.AddSeconds(later);
        var cost = LeastLostWorkPreemption.Instance;
        PassPlanner.VictimKey Key(Job j) => new(cost.VictimCost(j, now), j.Spec.Priority, j.Sequence);
        var expected = jobs.Where(j => j.Spec.CheckpointInterval is null).OrderBy(Key).ToList();

        Assert.Equal(jobs.All(j => j.Spec.CheckpointInterval is null), index.Complete);
        Assert.Equal(expected.Count, index.Count);
        var merged = new List<Job>();
        var cursors = index.Groups.Select(g => g.ToList()).ToList();
        var at = new int[cursors.Count];
        while (true)
        {
            var best = -1;
            for (var g = 0; g < cursors.Count; g++)
            {
                if (at[g] < cursors[g].Count && (best < 0 || Key(cursors[g][at[g]]).CompareTo(Key(cursors[best][at[best]])) < 0))
                {
                    best = g;
                }
            }

            if (best < 0)
            {
                break;
            }

            merged.Add(cursors[best][at[best]++]);
        }

        Assert.Equal(expected, merged);
    }

    private static JobSpec Spec(string id, int gpus, double restartSeconds, TimeSpan? checkpoint) => new(id, gpus)
    {
        RestartCost = TimeSpan.FromSeconds(restartSeconds),
        CheckpointInterval = checkpoint,
    };

    private static Job Running(JobSpec spec, long sequence, double startSeconds)
    {
        var job = new Job(spec, sequence, 0, Origin)
        {
            State = JobState.Running,
            Placement = new Placement([new NodeAllocation(0, "n0", spec.Gpus)], "gpu", TopologyLevel.Node),
            RunStartedAt = Origin.AddSeconds(startSeconds),
        };
        return job;
    }

    /// <summary>The wrapped victim cost and nothing else: the engine keeps no index for it.</summary>
    private sealed class WrappedCost(IPreemptionPolicy inner) : IPreemptionPolicy
    {
        public double VictimCost(Job victim, DateTimeOffset now) => inner.VictimCost(victim, now);
    }
}

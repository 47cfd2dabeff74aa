using CsCheck;
using LlmCore.Scheduling.Internal;
using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;

namespace LlmCore.Scheduling.Tests.Performance;

/// <summary>
/// Under multifactor and DRF a pass reads the pending jobs by merging the engine's groups of pending jobs
/// (<see cref="IGroupedKeys"/>, <see cref="PendingGroups"/>) instead of computing every pending job's key and sorting.
/// It must decide exactly as the full computation does: every run is compared with the same run under the same ordering
/// wrapped so that the engine does not see its groups (<see cref="Ungrouped"/>: the pass computes and sorts every key,
/// as before the groups existed). Compared are every start (time, job, attempt, placement), every preemption and every
/// job's reason after every pass.
/// </summary>
public class GroupedKeysTests
{
    private static readonly string[] QosNames = ["gold", "silver", "GOLD", "bronze"];

    [Fact]
    public void RandomWorkloads_GroupedAndFullKeys_DecideAlike()
    {
        // Each sample is a seed for a cluster, tenants (with and without quotas and weights), multifactor weights (any
        // sign but the age weight's, which must be ≥ 0 for the groups to apply) and jobs of mixed sizes, priorities,
        // QOS, CPU and memory, some depending on earlier ones, arriving over time; backfill and preemption both ways.
        Gen.Int[0, int.MaxValue].Sample(seed => CompareRuns(seed, "multifactor"), iter: 60, seed: "6r0upK3y5MF0");
        Gen.Int[0, int.MaxValue].Sample(seed => CompareRuns(seed, "drf"), iter: 60, seed: "6r0upK3y5DRF");
    }

    [Theory]
    [InlineData("multifactor", 1, false)]
    [InlineData("multifactor", 2, true)]
    [InlineData("drf", 3, false)]
    [InlineData("drf", 4, true)]
    public void Simulate_ContendedTrace_GroupedAndFullKeys_SameSegments(string policy, int seed, bool backfill)
    {
        // Offered load 3 on 4 × 8 GPUs, five tenants, a quarter of the jobs at high priority (preemption by priority
        // requeues jobs into the middle of their groups).
        var generated = SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 600, LoadFactor = 3, Seed = seed, Tenants = 5 });
        var random = new Random(seed);
        var trace = new Trace(generated.Jobs.Select(j => j with
        {
            Spec = j.Spec with { Priority = random.Next(4) == 0 ? 100 : 0, Qos = QosNames[random.Next(QosNames.Length)] },
        }));
        var options = new SimulationOptions { Seed = seed, CheckpointInterval = TimeSpan.FromMinutes(10) };
        var cluster = Cluster.Uniform(4, 8);
        var parameters = new PolicyParameters
        {
            Multifactor = new MultifactorWeights { MaxAge = TimeSpan.FromHours(6), QosFactors = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase) { ["gold"] = 1, ["silver"] = 0.5 } },
        };
        var grouped = SchedulingPolicy.Create(policy, parameters, backfill, preemption: true);
        var full = grouped with { Ordering = new Ungrouped(grouped.Ordering) };

        var reference = new Simulator(cluster, full, options).Run(trace);
        var run = new Simulator(cluster, grouped, options).Run(trace);

        Assert.Equal(600, reference.Metrics.Completed);
        Assert.True(reference.Metrics.AvgQueueDelaySeconds > 600, $"the trace must queue: {reference.Metrics.AvgQueueDelaySeconds} s");
        TestSim.AssertSameSchedule(reference, run);
    }

    [Fact]
    public void Engine_Multifactor_KeepsEveryPendingJobInItsGroup()
    {
        // One 2-GPU node: a runs; b, c (tenant x) and d (tenant y, 2 GPUs) wait. Groups: (x, 1 GPU), (y, 2 GPUs).
        var engine = Specs.NewEngine(Cluster.Uniform(1, 2), "multifactor");
        engine.Submit([Specs.Job("a", 2, 100, tenant: "x"), Specs.Job("b", 1, 100, tenant: "x"), Specs.Job("c", 1, 100, tenant: "x"), Specs.Job("d", 2, 100, tenant: "y")], TestSim.T0);
        var groups = Assert.IsType<PendingGroups>(engine.PendingGroups);
        Assert.Equal(4, groups.Count);

        engine.RunPass(TestSim.T0);
        Assert.Equal(3, groups.Count);
        Assert.Equal(engine.PendingCount, groups.Count);
        Assert.Equal([["b", "c"], ["d"]], groups.Groups.Where(g => g.Count > 0).Select(g => g.Select(j => j.Spec.Id).ToArray()).ToArray());

        Assert.Equal(JobState.Pending, engine.Cancel("c", TestSim.T0));
        Assert.Equal(2, groups.Count);
        Assert.True(engine.Finish("a", 1, succeeded: true, TestSim.T0.AddSeconds(100)));
        engine.RunPass(TestSim.T0.AddSeconds(100));
        Assert.Equal(engine.PendingCount, groups.Count);
    }

    [Fact]
    public void Engine_SubmissionEarlierThanTheLast_PassesComputeEveryKey()
    {
        // Age falls along a group only while submissions come in time order; one that goes back in time ends the groups
        // for the engine's life, and the passes compute every key (the decisions stay the full computation's).
        var engine = Specs.NewEngine(Cluster.Uniform(1, 1), "multifactor");
        engine.Submit([Specs.Job("a", 1, 100), Specs.Job("b", 1, 100)], TestSim.T0.AddHours(1));
        Assert.NotNull(engine.PendingGroups);

        engine.Submit([Specs.Job("c", 1, 100)], TestSim.T0);
        Assert.Null(engine.PendingGroups);

        // c waited longest (an hour more than a and b), so it runs first under the age factor.
        var plan = engine.RunPass(TestSim.T0.AddHours(2));
        Assert.Equal("c", Assert.Single(plan.Starts).JobId);
    }

    [Fact]
    public void Engine_NegativeAgeWeight_KeepsNoGroups()
    {
        // With w_age < 0 the key rises with age, so a group's keys are not monotone in submission order.
        var negative = new PolicyParameters { Multifactor = new MultifactorWeights { Age = -1000 } };
        Assert.Null(Specs.NewEngine(Cluster.Uniform(1, 1), "multifactor", parameters: negative).PendingGroups);
        Assert.False(new MultifactorOrdering(new MultifactorWeights { Age = double.PositiveInfinity }).HasMonotoneGroups);
        Assert.True(new MultifactorOrdering(new MultifactorWeights { Age = 0 }).HasMonotoneGroups);

        // FIFO has no groups: its queue keys are stable and kept in the engine's queue.
        Assert.Null(Specs.NewEngine(Cluster.Uniform(1, 1), "fifo").PendingGroups);
    }

    [Fact]
    public void Drf_ByHand_ProgressiveFillingAcrossTwoTenants()
    {
        // 4 GPUs, no CPU or memory on the nodes: shares are GPUs / 4. Tenant x asks 2 + 1 + 1, tenant y 1 + 1, in the
        // order x1 x2 y1 x3 y2. Keys (share after the tenant's earlier pending jobs): x1 0.5, x2 0.75, x3 1.0; y1 0.25,
        // y2 0.5. Order by (key, submission): y1 (0.25), x1 (0.5, earlier than y2), y2 (0.5), x2 (0.75), x3 (1.0).
        // Progressive filling starts y1 (1 GPU), x1 (2 GPUs), y2 (1 GPU); x2 and x3 wait.
        var cluster = new Cluster([new NodeSpec("n0", 4)]);
        var engine = Specs.NewEngine(cluster, "drf", backfill: false, preemption: false);
        engine.Submit([Specs.Job("x1", 2, 100, tenant: "x"), Specs.Job("x2", 1, 100, tenant: "x"), Specs.Job("y1", 1, 100, tenant: "y"), Specs.Job("x3", 1, 100, tenant: "x"), Specs.Job("y2", 1, 100, tenant: "y")], TestSim.T0);
        Assert.NotNull(engine.PendingGroups);

        var plan = engine.RunPass(TestSim.T0);

        Assert.Equal(["y1", "x1", "y2"], plan.Starts.Select(s => s.JobId));
    }

    private static void CompareRuns(int seed, string policy)
    {
        var random = new Random(seed);
        var nodes = random.Next(1, 4);
        var gpusPerNode = random.Next(1, 3) * 4;
        var cluster = new Cluster([.. Enumerable.Range(0, nodes).Select(i => new NodeSpec("n" + i, gpusPerNode) { CpuCores = random.Next(2) == 0 ? 0 : 64, MemoryGib = random.Next(2) == 0 ? 0 : 256 })]);
        var tenantCount = random.Next(1, 5);
        var names = Enumerable.Range(0, tenantCount).Select(t => "t" + t).ToArray();
        var quotas = random.Next(3) == 0
            ? names.Select(n => new TenantQuota(n, random.Next(1, nodes * gpusPerNode + 1)) { Weight = 0.5 + (random.Next(6) * 0.5) }).ToArray()
            : null;
        var weights = new MultifactorWeights
        {
            Age = random.Next(4) == 0 ? 0 : random.Next(0, 5000),
            FairShare = random.Next(-2000, 10_000),
            JobSize = random.Next(-1000, 2000),
            Priority = random.Next(-1000, 2000),
            Qos = random.Next(-1000, 2000),
            MaxAge = TimeSpan.FromMinutes(random.Next(1, 600)),
            FavorSmall = random.Next(2) == 0,
            QosFactors = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase) { ["gold"] = 1, ["silver"] = 0.5 },
        };
        var backfill = random.Next(2) == 0;
        var preemption = random.Next(2) == 0;
        var grouped = SchedulingPolicy.Create(policy, new PolicyParameters { Multifactor = weights }, backfill, preemption);
        var full = grouped with { Ordering = new Ungrouped(grouped.Ordering) };

        var jobs = new List<(double At, JobSpec Spec, double Seconds)>();
        var at = 0.0;
        var count = random.Next(5, 60);
        for (var i = 0; i < count; i++)
        {
            at += random.Next(3) == 0 ? 0 : random.Next(1, 400);
            var seconds = random.Next(30, 3000);
            var gpus = random.Next(1, gpusPerNode + 1) * (random.Next(6) == 0 ? 2 : 1);
            var spec = new JobSpec("j" + i, gpus)
            {
                Tenant = names[random.Next(tenantCount)],
                Priority = random.Next(3) switch { 0 => PriorityClasses.Low, 1 => PriorityClasses.Normal, _ => PriorityClasses.High },
                Qos = random.Next(3) == 0 ? null : QosNames[random.Next(QosNames.Length)],
                CpuCores = random.Next(3) == 0 ? 0 : gpus * random.Next(1, 8),
                MemoryGib = random.Next(3) == 0 ? 0 : gpus * random.Next(1, 32),
                RuntimeEstimate = TimeSpan.FromSeconds(seconds),
                Dependencies = i > 0 && random.Next(6) == 0 ? ["j" + random.Next(i)] : [],
            };
            jobs.Add((at, spec, seconds));
        }

        var expected = Trace(cluster, full, quotas, jobs);
        var actual = Trace(cluster, grouped, quotas, jobs, grouped: true);
        Assert.Equal(expected, actual);
    }

    /// <summary>Runs the jobs and lists, pass by pass, every start, preemption and job reason.</summary>
    private static List<string> Trace(Cluster cluster, SchedulingPolicy policy, TenantQuota[]? quotas, List<(double At, JobSpec Spec, double Seconds)> jobs, bool grouped = false)
    {
        var engine = new SchedulingEngine(cluster, policy, quotas, TestSim.T0);
        var sim = new TestSim(engine);
        foreach (var (at, spec, seconds) in jobs)
        {
            sim.Arrive(at, spec, seconds);
        }

        var lines = new List<string>();
        var passesOverGroups = 0;
        sim.Run((now, plan) =>
        {
            if (grouped)
            {
                // The groups are in use and hold exactly the pending jobs (until the first job is queued, the engine still
                // holds its initial, empty, queue by key).
                if (engine.PendingGroups is { } groups)
                {
                    Assert.Equal(engine.PendingCount, groups.Count);
                    passesOverGroups++;
                }
                else
                {
                    Assert.Equal(0, Assert.IsType<SortedJobs>(engine.Queue).Count);
                }
            }

            lines.AddRange(plan.Starts.Select(s => $"{now} start {s.JobId}/{s.Attempt} on {s.Placement}"));
            lines.AddRange(plan.Preemptions.Select(p => $"{now} preempt {p.JobId}/{p.Attempt} for {p.ForJobId}"));
            lines.AddRange(engine.Jobs.Values.OrderBy(j => j.Sequence).Select(j => $"{now} {j.Spec.Id} {j.State}: {j.Reason}"));
        });
        Assert.True(!grouped || passesOverGroups > 0 || jobs.All(j => engine.Jobs[j.Spec.Id].State == JobState.Rejected), "no pass merged the groups");
        return lines;
    }

    /// <summary>The ordering without its groups: the engine sees a plain <see cref="IJobOrdering"/> and every pass computes
    /// and sorts every pending job's key.</summary>
    private sealed class Ungrouped(IJobOrdering inner) : IJobOrdering
    {
        public string Name => inner.Name;

        public bool IsPreemptive => inner.IsPreemptive;

        public bool KeysAreIndependent => inner.KeysAreIndependent;

        public void ComputeKeys(OrderingContext context, IReadOnlyList<Job> jobs, Span<double> keys) => inner.ComputeKeys(context, jobs, keys);
    }
}

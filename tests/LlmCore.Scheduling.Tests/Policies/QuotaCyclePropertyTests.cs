using CsCheck;
using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.Tests.Policies;

/// <summary>
/// Preemption cycles between tenants (one tenant preempting by priority or ordering, another reclaiming its nominal
/// quota, without end) show in small clusters where every GPU is contested: thousands of tiny workloads (1–2 nodes of
/// 2–8 GPUs, 2–3 tenants with random nominal, borrowing and lending limits, up to 15 jobs of random size, priority,
/// checkpointing and elasticity), each run to its end under every policy, with and without backfill.
/// </summary>
public class QuotaCyclePropertyTests
{
    [Fact]
    public void TinyQuotaWorkloads_AnyPolicy_FinishEveryJobOnceWithinItsQuota()
    {
        // Regressions: seeds of this generator that never finished before a preemptor that borrows was kept from taking
        // another tenant below its nominal quota (PolicyScenarioTests.Quota_BorrowingPreemptorTakesOnlyWhatTheOtherTenantBorrows_NoPreemptionCycle):
        // drf and fifo with backfill, priority with backfill, sjf without, fifo with backfill.
        foreach (var regression in new[] { 13610, 38724, 318410, 353600, 370042 })
        {
            RunAndCheck(regression);
        }

        Gen.Int[0, int.MaxValue].Sample(RunAndCheck, iter: 20_000, seed: "4TmDx0Kq2Cc1");
    }

    private static void RunAndCheck(int seed)
    {
        var random = new Random(seed);
        var policies = SchedulingPolicy.Names;
        var policy = policies[random.Next(policies.Count)];
        var backfill = random.Next(2) == 0;
        var nodes = random.Next(1, 3);
        var gpusPerNode = new[] { 2, 4, 8 }[random.Next(3)];
        var cluster = Cluster.Uniform(nodes, gpusPerNode);
        var total = nodes * gpusPerNode;
        var tenants = random.Next(2, 4);
        var quotas = Enumerable.Range(0, tenants).Select(t => new TenantQuota("t" + t, random.Next(0, total + 1))
        {
            BorrowingLimitGpus = random.Next(3) == 0 ? null : random.Next(0, total + 1),
            LendingLimitGpus = random.Next(4) == 0 ? random.Next(0, total + 1) : null,
        }).ToArray();
        var engine = Specs.NewEngine(cluster, policy, backfill, preemption: true, tenants: quotas);
        var sim = new TestSim(engine);
        var specs = new List<JobSpec>();
        var t = 0.0;
        for (var i = random.Next(2, 16); i > 0; i--)
        {
            t += random.Next(0, 5);
            var seconds = random.Next(1, 50);
            var spec = new JobSpec("j" + specs.Count, random.Next(1, total + 1))
            {
                Tenant = "t" + random.Next(tenants),
                Priority = new[] { PriorityClasses.Low, PriorityClasses.Normal, PriorityClasses.High }[random.Next(3)],
                RuntimeEstimate = TimeSpan.FromSeconds(seconds),
                CheckpointInterval = random.Next(2) == 0 ? TimeSpan.FromSeconds(random.Next(1, 10)) : null,
                RestartCost = TimeSpan.FromSeconds(random.Next(0, 3)),
            };
            if (random.Next(4) == 0)
            {
                spec = spec with { MinGpus = random.Next(1, spec.Gpus + 1) };
            }

            specs.Add(spec);
            sim.Arrive(t, spec, seconds);
        }

        // Short jobs that only make passes at other instants (a cycle needs passes to turn).
        for (var k = 0; k < 5; k++)
        {
            var tick = new JobSpec("tick" + k, 1) { Tenant = "t0", RuntimeEstimate = TimeSpan.FromSeconds(1), Priority = PriorityClasses.Low };
            specs.Add(tick);
            sim.Arrive(random.Next(0, 200), tick, 1);
        }

        sim.Run(
            (_, _) =>
            {
                foreach (var q in quotas)
                {
                    Assert.True(engine.TenantUsedGpus(q.Name) <= (long)q.NominalGpus + (q.BorrowingLimitGpus ?? int.MaxValue), $"seed {seed}: {q.Name} over quota");
                }
            },
            maxSteps: 3_000);

        foreach (var spec in specs)
        {
            var job = engine.Jobs[spec.Id];
            Assert.True(job.State is JobState.Completed or JobState.Rejected, $"seed {seed} ({policy}, backfill {backfill}): {spec.Id} ended {job.State}");
            Assert.Equal(job.State == JobState.Completed ? 1 : 0, sim.Completions.Count(c => c.JobId == spec.Id));
        }
    }
}

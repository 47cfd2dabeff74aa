using CsCheck;
using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.Tests.Internals;

/// <summary>
/// <see cref="SchedulingEngine.RunPass"/> keeps the pass's own capacity changes in the ledger instead of undoing them and
/// letting <see cref="SchedulingEngine.Apply"/> make them again. It must be indistinguishable from
/// <see cref="SchedulingEngine.Plan"/> followed by <see cref="SchedulingEngine.Apply"/>: two engines, one driven each way,
/// on the same random workload (every policy; CPU and memory per GPU that are not whole numbers; tenants with and without
/// quotas and borrowing; fair-share decay, which accrues tenant usage; preemption and backfill on or off; completions in
/// between) make the same decisions and hold the same capacity after every pass: free GPUs per node, GPUs per tenant, and
/// every job's state.
/// </summary>
public class RunPassCapacityTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RunPass_DecidesAndCountsExactlyAsPlanThenApply()
    {
        Gen.Int[0, int.MaxValue].Sample(
            seed =>
            {
                var random = new Random(seed);
                var names = SchedulingPolicy.Names;
                var policy = SchedulingPolicy.Create(names[random.Next(names.Count)], backfill: random.Next(2) == 0, preemption: random.Next(4) != 0);
                var nodes = random.Next(1, 5);
                var cluster = Cluster.Uniform(nodes, 8);
                TenantQuota[]? quotas = random.Next(2) == 0
                    ? null
                    : [new TenantQuota("t0", random.Next(0, 9)) { BorrowingLimitGpus = random.Next(3) == 0 ? null : random.Next(0, 9) }, new TenantQuota("t1", random.Next(0, 9)), new TenantQuota("t2", random.Next(0, 9)) { LendingLimitGpus = random.Next(0, 5) }];
                var halfLife = TimeSpan.FromSeconds(random.Next(60, 3_600));
                var planned = new SchedulingEngine(cluster, policy, quotas, s_t0, halfLife);
                var passed = new SchedulingEngine(cluster, policy, quotas, s_t0, halfLife);
                var now = s_t0;
                var next = 0;
                for (var step = 0; step < 40; step++)
                {
                    now = now.AddSeconds(random.Next(0, 300));
                    if (random.Next(3) != 0)
                    {
                        var specs = Enumerable.Range(0, random.Next(1, 4)).Select(_ =>
                        {
                            var gpus = random.Next(1, 9);
                            return new JobSpec("j" + next++, gpus)
                            {
                                Tenant = "t" + random.Next(3),
                                Priority = random.Next(3) * 100,
                                RuntimeEstimate = TimeSpan.FromSeconds(random.Next(1, 5_000)),
                                CpuCores = gpus * (random.Next(1, 7) / 3.0),
                                MemoryGib = gpus * (random.Next(1, 11) * 0.1),
                            };
                        }).ToArray();
                        planned.Submit(specs, now);
                        passed.Submit(specs, now);
                    }

                    var running = planned.Jobs.Values.Where(j => j.State == JobState.Running).ToArray();
                    if (running.Length > 0 && random.Next(2) == 0)
                    {
                        var done = running[random.Next(running.Length)];
                        Assert.True(planned.Finish(done.Spec.Id, done.Attempts, succeeded: true, now));
                        Assert.True(passed.Finish(done.Spec.Id, passed.Jobs[done.Spec.Id].Attempts, succeeded: true, now));
                    }

                    var a = planned.Plan(now);
                    planned.Apply(a);
                    var b = passed.RunPass(now);
                    Assert.Equal(Decisions(a), Decisions(b));
                    for (var n = 0; n < nodes; n++)
                    {
                        Assert.Equal(planned.FreeGpus(n), passed.FreeGpus(n));
                    }

                    Assert.Equal(planned.AllocatedGpus, passed.AllocatedGpus);
                    foreach (var tenant in new[] { "t0", "t1", "t2" })
                    {
                        Assert.Equal(planned.TenantUsedGpus(tenant), passed.TenantUsedGpus(tenant));
                    }

                    Assert.Equal(
                        planned.Jobs.Values.OrderBy(j => j.Sequence).Select(j => (j.Spec.Id, j.State, j.Reason)),
                        passed.Jobs.Values.OrderBy(j => j.Sequence).Select(j => (j.Spec.Id, j.State, j.Reason)));
                }
            },
            iter: 300,
            seed: "0RunPass42aB");
    }

    private static string Decisions(SchedulingPlan plan) =>
        string.Join(" ", plan.Starts.Select(s => $"start {s.JobId}@{s.Placement}"))
        + " | " + string.Join(" ", plan.Preemptions.Select(p => $"preempt {p.JobId} for {p.ForJobId} ({p.Reason})"))
        + " | " + string.Join(" ", plan.Resizes.Select(r => $"resize {r.JobId} {r.Kind} {r.Launch.Placement}"))
        + " | " + plan.Reservation?.JobId + " " + plan.Reservation?.StartAt;
}

using static LlmCore.Scheduling.Tests.Specs;
using static LlmCore.Scheduling.Tests.TestSim;

namespace LlmCore.Scheduling.Tests.Internals;

/// <summary>
/// The engine plans every pass with one <c>PassPlanner</c>, reset per pass (issue 18: a simulation runs millions of
/// passes). What a pass decided must not leak into the next: each case leaves state in the planner in one pass that a
/// planner made afresh would not have, and checks the next pass's plan against what a fresh planner gives, worked by
/// hand. (The scenario and simulation tests cover the rest: removing any other reset line fails them, except three
/// kinds that cannot change a plan: the joined-text cache, whose texts depend only on their key; the head's limits and
/// texts, set whenever a pass blocks a head, before any read of them; and the all-quotas-closed flag, which is read only
/// when the walk stopped early, which it does only after setting the flag in that pass.)
/// </summary>
public class PlannerReuseTests
{
    /// <summary>One 8-GPU node, FIFO with backfill. Pass 1 at 0: "big" (8 GPUs) is blocked behind the running "r" (8 GPUs,
    /// 100 s), so the pass reserves the node for it at 100 s. r finishes at 100 and big starts in pass 2; pass 3 at 101 has
    /// nothing pending: its plan has no reservation.</summary>
    [Fact]
    public void Reservation_OfTheLastPass_IsNotInTheNextPlan()
    {
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", backfill: true);
        engine.Submit([Job("r", 8, 100)], T0);
        engine.RunPass(T0);
        engine.Submit([Job("big", 8, 100)], At(1));
        var blocked = engine.RunPass(At(1));
        Assert.Equal(At(100), blocked.Reservation!.StartAt);

        engine.Finish("r", 1, true, At(100));
        Assert.Equal("big", Assert.Single(engine.RunPass(At(100)).Starts).JobId);
        var idle = engine.Plan(At(101));

        Assert.Null(idle.Reservation);
    }

    /// <summary>Three tenants with 1 GPU each and no borrowing on an 8-GPU node. Pass 1 starts a1 and b1. Pass 2 refuses
    /// a2 and b2 (each tenant at its quota): two of three tenants closed, so the walk goes on. Pass 3 (c1 submitted, then
    /// a2 and b2 still first in FIFO order) closes a and b again and must still reach c1, which c's quota admits: with
    /// the last pass's count of closed tenants carried over, a's closing would count as the third and stop the walk
    /// before c1.</summary>
    [Fact]
    public void ClosedQuotaCount_OfTheLastPass_DoesNotStopTheNextWalk()
    {
        TenantQuota[] tenants = [new("a", 1) { BorrowingLimitGpus = 0 }, new("b", 1) { BorrowingLimitGpus = 0 }, new("c", 1) { BorrowingLimitGpus = 0 }];
        var engine = NewEngine(Cluster.Uniform(1, 8), "fifo", tenants: tenants);
        engine.Submit([Job("a1", 1, 100, tenant: "a"), Job("b1", 1, 100, tenant: "b")], T0);
        Assert.Equal(2, engine.RunPass(T0).Starts.Count);
        engine.Submit([Job("a2", 1, 100, tenant: "a"), Job("b2", 1, 100, tenant: "b")], At(1));
        Assert.Empty(engine.RunPass(At(1)).Starts);

        engine.Submit([Job("c1", 1, 100, tenant: "c")], At(2));
        var plan = engine.RunPass(At(2));

        Assert.Equal("c1", Assert.Single(plan.Starts).JobId);
    }

    /// <summary>One 1-GPU node: "run" (100 s) runs; "late" (50 s, deadline 120 s) cannot finish by its deadline once
    /// the earliest it could start (100 s) plus 50 s passes 120 s, so the pass at 80 s expires it (as
    /// <c>SchedulingEngineTests.Deadline_ThatCanNoLongerBeMet_CancelsThePendingJob</c>). The next pass expires nothing.</summary>
    [Fact]
    public void Expiries_OfTheLastPass_AreNotInTheNextPlan()
    {
        var engine = NewEngine(Cluster.Uniform(1, 1), "fifo");
        engine.Submit([Job("run", 1, 100), Job("late", 1, 50) with { Deadline = At(120) }], T0);
        engine.RunPass(T0);
        Assert.Equal("late", Assert.Single(engine.RunPass(At(80)).Expired).JobId);

        var next = engine.Plan(At(81));

        Assert.Empty(next.Expired);
    }
}

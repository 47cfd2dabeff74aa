using LlmCore.Scheduling.Internal;
using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.Tests.Internals;

/// <summary>
/// <see cref="LazyReason"/>: the reasons the engine gives by the million are written only when read, once, from the values
/// fixed when they were given. The texts themselves are checked where users meet them, through <see cref="Job.Reason"/>
/// (the hand-worked scenarios of PassPlannerMutationGapTests and SchedulingEngineMutationGapTests: "needs 8 GPUs; 4
/// suitable GPUs free; reserved to start by …", "preempted (Priority) for hi").
/// </summary>
public class LazyReasonTests
{
    [Fact]
    public void TextOf_PassesStringsAndNullThrough_AndWritesALazyReasonOnce()
    {
        Assert.Null(LazyReason.TextOf(null));
        var text = "waiting for dependencies: a";
        Assert.Same(text, LazyReason.TextOf(text));

        var reason = new PreemptedReason(PreemptionReason.QuotaReclaim, "j7");
        var first = LazyReason.TextOf(reason);
        Assert.Equal("preempted (QuotaReclaim) for j7", first);
        Assert.Same(first, reason.ToString());
    }

    [Fact]
    public void HeadAndBehindHeadReasons_ReadAsTheEagerTextsDid()
    {
        var at = new DateTimeOffset(2026, 1, 1, 0, 1, 40, TimeSpan.Zero);
        Assert.Equal("needs 8 GPUs; 4 suitable GPUs free", new HeadReason("needs 8 GPUs", 4, null).ToString());
        Assert.Equal("needs 8 GPUs; 0 suitable GPUs free; reserved to start by 2026-01-01 00:01:40Z", new HeadReason("needs 8 GPUs", 0, at).ToString());
        Assert.Equal("waiting for GPUs behind h", new BehindHeadReason("h", at, noRoom: true).ToString());
        Assert.Equal("waiting: starting now would delay the reservation of h at 2026-01-01 00:01:40Z", new BehindHeadReason("h", at, noRoom: false).ToString());
        Assert.Equal("waiting behind h (strict order: no reservation can be computed without runtime estimates)", new BehindHeadReason("h", null, noRoom: false).ToString());
    }

    [Fact]
    public void AReason_IsWrittenWithTheValuesOfThePassThatGaveIt()
    {
        // One 8-GPU node: lo (priority 0) runs; hi (priority 10) arrives and preempts it ("preempted (Priority) for hi",
        // given but not read); the next pass makes lo the blocked head with no GPU free, and that is what reading says.
        var engine = new SchedulingEngine(Cluster.Uniform(1, 8), SchedulingPolicy.Create("priority", backfill: false, preemption: true));
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        engine.Submit([new JobSpec("lo", 8) { Priority = 0 }], t0);
        engine.RunPass(t0);
        engine.Submit([new JobSpec("hi", 8) { Priority = 10 }], t0.AddSeconds(10));
        Assert.Single(engine.RunPass(t0.AddSeconds(10)).Preemptions);
        engine.RunPass(t0.AddSeconds(20));
        Assert.Equal("needs 8 GPUs; 0 suitable GPUs free", engine.Jobs["lo"].Reason);
    }
}

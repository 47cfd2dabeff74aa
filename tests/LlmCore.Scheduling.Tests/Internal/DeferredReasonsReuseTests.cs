using LlmCore.Scheduling.Policies;

namespace LlmCore.Scheduling.Tests.Internals;

/// <summary>
/// A pass reuses the previous pass's deferred reasons while the blocked head and the reservation are the same. The jobs
/// the pass did not reach must still read the reason of the head that blocks them now, worked by hand: one node of 4
/// GPUs, FIFO without backfill (strict order), a runs on all 4 GPUs; b (4 GPUs) heads the queue, c and d wait behind it;
/// once b is cancelled, c heads the queue and d waits behind c.
/// </summary>
public sealed class DeferredReasonsReuseTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void JobsThePassDidNotReach_ReadTheirCurrentHead_AcrossPassesWithTheSameAndANewHead()
    {
        var engine = new SchedulingEngine(new Cluster([new NodeSpec("n0", 4)]), SchedulingPolicy.Create("fifo"), null, T0);
        engine.Submit([new JobSpec("a", 4)], T0);
        engine.RunPass(T0);
        var waiting = engine.Submit([new JobSpec("b", 4), new JobSpec("c", 1), new JobSpec("d", 1)], T0.AddSeconds(1));
        var (c, d) = (waiting[1], waiting[2]);

        engine.RunPass(T0.AddSeconds(1));
        const string BehindB = "waiting behind b (strict order: no reservation can be computed without runtime estimates)";
        Assert.Equal(BehindB, d.Reason);

        // The same head again: the same texts.
        engine.RunPass(T0.AddSeconds(2));
        Assert.Equal(BehindB, c.Reason);
        Assert.Equal(BehindB, d.Reason);

        // A new head: d waits behind c, not behind b.
        engine.Cancel("b", T0.AddSeconds(3));
        engine.RunPass(T0.AddSeconds(3));
        Assert.Equal("needs 1 GPUs; 0 suitable GPUs free", c.Reason);
        Assert.Equal("waiting behind c (strict order: no reservation can be computed without runtime estimates)", d.Reason);
    }
}

using CsCheck;
using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling.Tests.Internals;

/// <summary>
/// <see cref="AnchorOrder"/> must read the jobs exactly as a sorted set with the comparer (anchor, then sequence) read in
/// reverse: random adds and removals (repeated anchors, infinite anchors, re-adds, removals of absent jobs, enough jobs
/// to split chunks many times), checked against <see cref="SortedSet{T}"/> after every step.
/// </summary>
public class AnchorOrderTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RandomAddsAndRemovals_ReadLikeAReversedSortedSet()
    {
        Gen.Int[0, int.MaxValue].Sample(
            seed =>
            {
                var random = new Random(seed);
                var jobs = Enumerable.Range(0, random.Next(1, 2_000)).Select(i => new Job(new JobSpec("j" + i, 1), i, 0, s_t0)
                {
                    RunningKeyAnchor = random.Next(10) == 0 ? double.PositiveInfinity : random.Next(0, random.Next(1, 400)),
                }).ToArray();
                var order = new AnchorOrder();
                var reference = new SortedSet<Job>(Comparer<Job>.Create(static (x, y) =>
                {
                    var c = x.RunningKeyAnchor.CompareTo(y.RunningKeyAnchor);
                    return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
                }));
                var steps = random.Next(1, 4_000);
                for (var step = 0; step < steps; step++)
                {
                    var job = jobs[random.Next(jobs.Length)];
                    if (random.Next(3) != 0)
                    {
                        Assert.Equal(reference.Add(job), order.Add(job));
                    }
                    else
                    {
                        Assert.Equal(reference.Remove(job), order.Remove(job));
                    }

                    Assert.Equal(reference.Count, order.Count);
                    if (step % 97 == 0 || step == steps - 1)
                    {
                        var read = new List<Job>();
                        foreach (var j in order.FromTop())
                        {
                            read.Add(j);
                        }

                        Assert.Equal(reference.Reverse(), read);
                    }
                }
            },
            iter: 60,
            seed: "3Vq8kJxPzR01");
    }

    [Fact]
    public void Empty_ReadsNothing_AndRemovesNothing()
    {
        var order = new AnchorOrder();
        var job = new Job(new JobSpec("a", 1), 1, 0, s_t0) { RunningKeyAnchor = 5 };

        Assert.False(order.FromTop().MoveNext());
        Assert.False(order.Remove(job));
        Assert.True(order.Add(job));
        Assert.False(order.Add(job));
        Assert.True(order.Remove(job));
        Assert.Equal(0, order.Count);
        Assert.False(order.FromTop().MoveNext());
    }

    [Fact]
    public void AscendingInserts_SplitChunks_AndKeepTheOrder()
    {
        // 3 × the chunk capacity in increasing order (every insert at the end, the simulator's common case: later
        // starts end later), then every second job removed: the top is the largest anchor, read down to the smallest.
        var jobs = Enumerable.Range(0, 3 * AnchorOrder.ChunkCapacity).Select(i => new Job(new JobSpec("j" + i, 1), i, 0, s_t0) { RunningKeyAnchor = i }).ToArray();
        var order = new AnchorOrder();
        foreach (var job in jobs)
        {
            order.Add(job);
        }

        foreach (var job in jobs.Where((_, i) => i % 2 == 0))
        {
            Assert.True(order.Remove(job));
        }

        var read = new List<long>();
        foreach (var job in order.FromTop())
        {
            read.Add(job.Sequence);
        }

        Assert.Equal(Enumerable.Range(0, jobs.Length).Where(i => i % 2 == 1).Reverse().Select(i => (long)i), read);
    }
}

using CsCheck;
using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling.Tests.Internals;

/// <summary>
/// <see cref="SortedJobs"/> must read the jobs exactly as a sorted set with the comparer (key, then sequence) reads them,
/// up (the queue, from its head) and down (the anchors, from the top): random adds and removals (repeated keys,
/// infinite keys, re-adds, removals of absent jobs, enough jobs to split chunks many times), checked against
/// <see cref="SortedSet{T}"/> after every step, for both keys.
/// </summary>
public class SortedJobsTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RandomAddsAndRemovals_ReadLikeASortedSet(bool byQueueKey)
    {
        Gen.Int[0, int.MaxValue].Sample(
            seed =>
            {
                var random = new Random(seed);
                var jobs = Enumerable.Range(0, random.Next(1, 2_000)).Select(i =>
                {
                    var key = random.Next(10) == 0 ? double.PositiveInfinity : random.Next(0, random.Next(1, 400));
                    return new Job(new JobSpec("j" + i, 1), i, 0, s_t0) { RunningKeyAnchor = byQueueKey ? -1 : key, QueueKey = byQueueKey ? key : -1 };
                }).ToArray();
                var order = byQueueKey ? SortedJobs.ByQueueKey() : SortedJobs.ByRunningKeyAnchor();
                var reference = new SortedSet<Job>(Comparer<Job>.Create((x, y) =>
                {
                    var c = byQueueKey ? x.QueueKey.CompareTo(y.QueueKey) : x.RunningKeyAnchor.CompareTo(y.RunningKeyAnchor);
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
                    Assert.True(order.ChunkCount <= 1 + (order.Count / 16), $"{order.ChunkCount} chunks for {order.Count} jobs");
                    Assert.Same(reference.Count == 0 ? null : reference.Min, order.Min);
                    if (step % 97 == 0 || step == steps - 1)
                    {
                        var down = new List<Job>();
                        foreach (var j in order.FromTop())
                        {
                            down.Add(j);
                        }

                        var up = new List<Job>();
                        foreach (var j in order)
                        {
                            up.Add(j);
                        }

                        Assert.Equal(reference.Reverse(), down);
                        Assert.Equal(reference, up);
                        Assert.Equal(reference, order.AsEnumerable());
                    }
                }
            },
            iter: 60,
            seed: "3Vq8kJxPzR01");
    }

    [Fact]
    public void Empty_ReadsNothing_AndRemovesNothing()
    {
        var order = SortedJobs.ByRunningKeyAnchor();
        var job = new Job(new JobSpec("a", 1), 1, 0, s_t0) { RunningKeyAnchor = 5 };

        Assert.False(order.FromTop().MoveNext());
        Assert.False(order.GetEnumerator().MoveNext());
        Assert.Null(order.Min);
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
        var jobs = Enumerable.Range(0, 3 * SortedJobs.ChunkCapacity).Select(i => new Job(new JobSpec("j" + i, 1), i, 0, s_t0) { RunningKeyAnchor = i }).ToArray();
        var order = SortedJobs.ByRunningKeyAnchor();
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

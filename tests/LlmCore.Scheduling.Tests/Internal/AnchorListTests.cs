using CsCheck;
using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling.Tests.Internals;

/// <summary>
/// <see cref="AnchorList"/> and <see cref="AnchorWalk"/> must give exactly what a brute-force filter of a sorted
/// reference gives: every entry whose <see cref="AnchorKey.First"/> is in the walk's range and whose anchor is not below
/// the floor, largest key first. Random adds (mostly after the last key, as starts of runs arrive, the rest anywhere),
/// removals of present and absent keys, anchors with ties and infinities, floors of −∞, NaN, +∞ and in between, and
/// enough entries to split and merge chunks many times; checked after every step against a <see cref="SortedDictionary{TKey, TValue}"/>.
/// </summary>
public class AnchorListTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RandomAddsRemovalsAndWalks_MatchABruteForceFilter()
    {
        Gen.Int[0, int.MaxValue].Sample(
            seed =>
            {
                var random = new Random(seed);
                var list = new AnchorList();
                var walk = new AnchorWalk();
                var reference = new SortedDictionary<AnchorKey, (Job Job, double Anchor)>();
                var clock = 0L;
                var sequence = 0L;
                var steps = random.Next(1, 3_000);
                var span = random.Next(1, 500);
                for (var step = 0; step < steps; step++)
                {
                    if (reference.Count == 0 || random.Next(5) < 3)
                    {
                        // A start now (after every key) or, one time in four, anywhere (a phase position).
                        clock += random.Next(0, 3);
                        var first = random.Next(4) == 0 ? random.Next(0, span) : clock;
                        var key = new AnchorKey(first, -random.Next(0, 3), sequence++);
                        var anchor = random.Next(12) switch
                        {
                            0 => double.PositiveInfinity,
                            1 => double.NegativeInfinity,
                            _ => random.Next(0, 50),
                        };
                        var job = new Job(new JobSpec("j" + key.Third, 1), key.Third, 0, s_t0);
                        list.Add(key, job, anchor);
                        reference.Add(key, (job, anchor));
                    }
                    else if (random.Next(10) == 0)
                    {
                        Assert.False(list.Remove(new AnchorKey(random.Next(0, span), 1, -1 - random.Next(100))));
                    }
                    else
                    {
                        var key = reference.Keys.ElementAt(random.Next(reference.Count));
                        Assert.True(list.Remove(key));
                        reference.Remove(key);
                    }

                    Assert.Equal(reference.Count, list.Count);
                    Assert.True(list.ChunkCount <= 1 + (list.Count / 8), $"{list.ChunkCount} chunks for {list.Count} entries");
                    if (reference.Count > 0)
                    {
                        Assert.Equal(reference.Keys.First().First, list.SmallestFirst);
                    }

                    if (step % 7 == 0 || step == steps - 1)
                    {
                        var low = random.Next(3) == 0 ? long.MinValue : random.Next(-5, (int)clock + 5);
                        var high = random.Next(3) == 0 ? long.MaxValue : random.Next((int)Math.Max(low, -5), (int)clock + 10);
                        var floor = random.Next(8) switch
                        {
                            0 => double.NegativeInfinity,
                            1 => double.NaN,
                            2 => double.PositiveInfinity,
                            _ => random.Next(0, 55) - 0.5 * random.Next(2),
                        };
                        var expected = reference.Reverse()
                            .Where(e => e.Key.First >= low && e.Key.First <= high && !(e.Value.Anchor < floor))
                            .Select(e => (e.Value.Job, e.Key.First))
                            .ToList();
                        var read = new List<(Job, long)>();
                        walk.Start(list, low, high, floor);
                        while (walk.Next(out var job, out var first))
                        {
                            read.Add((job, first));
                        }

                        Assert.False(walk.Next(out _, out _));
                        Assert.Equal(expected, read);
                    }
                }
            },
            iter: 80,
            seed: "0aB3cD5eF7gH");
    }

    [Fact]
    public void Empty_WalksNothing_AndRemovesNothing()
    {
        var list = new AnchorList();
        var walk = new AnchorWalk();
        Assert.False(list.Remove(new AnchorKey(1, 0, 1)));
        walk.Start(list, long.MinValue, long.MaxValue, double.NegativeInfinity);
        Assert.False(walk.Next(out _, out _));
        Assert.Equal(0, list.Count);
    }

    [Fact]
    public void AddingAKeyTwice_Throws_AndKeepsTheList()
    {
        var list = new AnchorList();
        var job = new Job(new JobSpec("a", 1), 1, 0, s_t0);
        list.Add(new AnchorKey(5, 0, 1), job, 1);
        list.Add(new AnchorKey(9, 0, 2), job, 1);
        Assert.Throws<InvalidOperationException>(() => list.Add(new AnchorKey(5, 0, 1), job, 2));
        Assert.Equal(2, list.Count);
        Assert.True(list.Remove(new AnchorKey(5, 0, 1)));
        Assert.True(list.Remove(new AnchorKey(9, 0, 2)));
        Assert.Equal(0, list.Count);
    }

    [Fact]
    public void AWalk_PassesOverWholeChunksBelowTheFloor_AndFindsTheOneAbove()
    {
        // 1,000 entries appended in key order (eight chunks), anchors 0 except one of 10 in the middle: a floor of 5
        // gives exactly that one; a floor of 0 gives all, largest key first.
        var list = new AnchorList();
        var jobs = new Job[1_000];
        for (var i = 0; i < jobs.Length; i++)
        {
            jobs[i] = new Job(new JobSpec("j" + i, 1), i, 0, s_t0);
            list.Add(new AnchorKey(i, 0, i), jobs[i], i == 517 ? 10 : 0);
        }

        Assert.Equal(8, list.ChunkCount);
        var walk = new AnchorWalk();
        walk.Start(list, long.MinValue, long.MaxValue, 5);
        Assert.True(walk.Next(out var job, out var first));
        Assert.Same(jobs[517], job);
        Assert.Equal(517, first);
        Assert.False(walk.Next(out _, out _));

        walk.Start(list, 100, 899, 0);
        var count = 0;
        var previous = long.MaxValue;
        while (walk.Next(out _, out first))
        {
            Assert.True(first < previous);
            previous = first;
            count++;
        }

        Assert.Equal(800, count);
    }
}

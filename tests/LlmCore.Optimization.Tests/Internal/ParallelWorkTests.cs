using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Tests.Internal;

public class ParallelWorkTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(1000)]
    public void For_RunsEveryIndexExactlyOnce(int count)
    {
        var hits = new int[Math.Max(1, count)];

        ParallelWork.For(count, new CountHits { Hits = hits });

        Assert.All(hits.AsSpan(0, count).ToArray(), h => Assert.Equal(1, h));
    }

    [Fact]
    public void For_NestedCall_RunsInlineAndCompletes()
    {
        var hits = new int[8 * 16];

        ParallelWork.For(8, new Nested { Hits = hits });

        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void For_ConcurrentCallers_AllComplete()
    {
        // Callers that find the workers busy run inline; every call must still do all of its work.
        var results = new int[4][];
        Parallel.For(0, 4, caller =>
        {
            var hits = new int[500];
            for (var repeat = 0; repeat < 20; repeat++)
            {
                ParallelWork.For(hits.Length, new CountHits { Hits = hits });
            }

            results[caller] = hits;
        });

        Assert.All(results, hits => Assert.All(hits, h => Assert.Equal(20, h)));
    }

    [Fact]
    public void For_BodyThrows_RethrowsOnCallerAfterOthersFinish()
    {
        var hits = new int[64];

        var error = Assert.Throws<InvalidOperationException>(() => ParallelWork.For(64, new ThrowAt { Hits = hits, Bad = 13 }));

        Assert.Equal("index 13", error.Message);
        Assert.Equal(63, hits.Sum());
        ParallelWork.For(hits.Length, new CountHits { Hits = hits });
        Assert.Equal(127, hits.Sum());
    }

    [Fact]
    public void For_SteadyState_AllocatesNothingOnTheCaller()
    {
        var hits = new int[256];
        ParallelWork.For(hits.Length, new CountHits { Hits = hits });

        // Rounds of 100 calls, of which one must allocate nothing on the caller (a README run of `dotnet test`, the
        // assemblies in parallel on two cores, once saw 40 bytes in a single batch of 100).
        Assert.Equal(0, SteadyStateAllocation.Fewest(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                ParallelWork.For(hits.Length, new CountHits { Hits = hits });
            }
        }));
    }

    [Theory]
    [InlineData(0, 2, 1)]
    [InlineData(10, 3, 1)]
    [InlineData(100, 2, 12)]
    [InlineData(7, 4, 4)]
    [InlineData(1000, 7, 16)]
    public void Partition_CoversTheRangeOnGranuleBoundaries(int total, int parts, int granule)
    {
        var next = 0;
        for (var i = 0; i < parts; i++)
        {
            var (start, length) = ParallelWork.Partition(total, parts, i, granule);
            Assert.Equal(next, start);
            Assert.True(length >= 0);
            Assert.True(start % granule == 0 || start == total, $"part {i} starts at {start}");
            next = start + length;
        }

        Assert.Equal(total, next);
    }

    private struct CountHits : IParallelBody
    {
        public int[] Hits;

        public readonly void Invoke(int index) => Interlocked.Increment(ref Hits[index]);
    }

    private struct Nested : IParallelBody
    {
        public int[] Hits;

        public readonly void Invoke(int index)
            => ParallelWork.For(16, new Offset { Hits = Hits, Start = index * 16 });
    }

    private struct Offset : IParallelBody
    {
        public int[] Hits;
        public int Start;

        public readonly void Invoke(int index) => Interlocked.Increment(ref Hits[Start + index]);
    }

    private struct ThrowAt : IParallelBody
    {
        public int[] Hits;
        public int Bad;

        public readonly void Invoke(int index)
        {
            if (index == Bad)
            {
                throw new InvalidOperationException($"index {index}");
            }

            Interlocked.Increment(ref Hits[index]);
        }
    }
}

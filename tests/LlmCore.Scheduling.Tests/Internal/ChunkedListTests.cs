using CsCheck;
using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling.Tests.Internals;

/// <summary><see cref="ChunkedList{T}"/> against <see cref="List{T}"/> as the oracle: any sequence of appends and
/// last-item replacements, across chunk boundaries, reads back the same by index, by enumeration and by count.</summary>
public sealed class ChunkedListTests
{
    [Fact]
    public void AnySequenceOfAppendsAndLastReplacements_ReadsBackAsAList()
    {
        // Operation: append (true) or replace the last item (false), with the value; lengths up to three chunks.
        var operations = Gen.Select(Gen.Int[0, 9], Gen.Int).Array[0, (3 * ChunkedList<int>.ChunkSize) + 5];
        operations.Sample(
            ops =>
            {
                var expected = new List<int>();
                var actual = new ChunkedList<int>();
                foreach (var (kind, value) in ops)
                {
                    if (kind == 0 && expected.Count > 0)
                    {
                        expected[^1] = value;
                        actual.Last = value;
                    }
                    else
                    {
                        expected.Add(value);
                        actual.Add(value);
                    }
                }

                Assert.Equal(expected.Count, actual.Count);
                for (var i = 0; i < expected.Count; i++)
                {
                    Assert.Equal(expected[i], actual[i]);
                }

                Assert.Equal(expected, actual);
                if (expected.Count > 0)
                {
                    Assert.Equal(expected[^1], actual.Last);
                }
            },
            iter: 200,
            seed: "0aB3cD5eF7gH");
    }

    [Fact]
    public void ItemsAtTheChunkBoundaries_KeepTheirPlaces()
    {
        var list = new ChunkedList<int>();
        var n = (2 * ChunkedList<int>.ChunkSize) + 1;
        for (var i = 0; i < n; i++)
        {
            list.Add(i);
        }

        Assert.Equal(ChunkedList<int>.ChunkSize - 1, list[ChunkedList<int>.ChunkSize - 1]);
        Assert.Equal(ChunkedList<int>.ChunkSize, list[ChunkedList<int>.ChunkSize]);
        Assert.Equal(n - 1, list[n - 1]);
        Assert.Equal(n - 1, list.Last);
    }

    [Fact]
    public void ReadsOutsideTheItems_AreRefusedClearly()
    {
        var list = new ChunkedList<int>();

        Assert.Throws<InvalidOperationException>(() => list.Last);
        Assert.Throws<InvalidOperationException>(() => list.Last = 1);
        list.Add(7);
        Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => list[1]).ParamName);
        Assert.Equal("index", Assert.Throws<ArgumentOutOfRangeException>(() => list[-1]).ParamName);
    }
}

using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Tests.TestSupport;

/// <summary>Returns the given 64-bit words in order and counts them; drawing more than were scripted fails the test.</summary>
internal sealed class ScriptedRandomSource(ulong[] words) : IRandomSource
{
    private int _next;

    /// <summary>Gets the number of words drawn so far.</summary>
    public int Drawn => _next;

    public bool IsCryptographicallySecure => false;

    public void Fill(Span<byte> destination) => throw new InvalidOperationException("bytes were not scripted");

    public void Fill(Span<ulong> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = NextUInt64();
        }
    }

    public ulong NextUInt64()
    {
        Assert.True(_next < words.Length, "the code under test drew more words than scripted");
        return words[_next++];
    }
}

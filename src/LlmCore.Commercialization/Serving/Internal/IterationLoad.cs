namespace LlmCore.Commercialization.Serving.Internal;

/// <summary>What one iteration of a replica processes: the sums the iteration-time model needs.</summary>
internal struct IterationLoad
{
    /// <summary>New tokens (one per decode, the chunk of each prefill).</summary>
    public int Tokens;

    /// <summary>Sequences in the batch.</summary>
    public int Sequences;

    /// <summary>Σ over new tokens of the keys each attends to (decode: context + 1; a chunk of n after q cached: n·q + n(n+1)/2).</summary>
    public double AttentionPairs;

    /// <summary>KV-cache tokens read or written (decode: context + 1; chunk: q + n).</summary>
    public double KvTokens;

    public void AddDecode(int cached)
    {
        Tokens++;
        Sequences++;
        AttentionPairs += cached + 1.0;
        KvTokens += cached + 1.0;
    }

    public void AddChunk(int cached, int tokens)
    {
        Tokens += tokens;
        Sequences++;
        AttentionPairs += ((double)tokens * cached) + (tokens * (tokens + 1.0) / 2.0);
        KvTokens += (double)cached + tokens;
    }
}

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

    /// <summary>
    /// The load of one iteration in a steady state: <paramref name="decodes"/> requests decoding at the mean context
    /// I + O/2, and <paramref name="prompts"/> whole prompts of I tokens arriving per iteration (fractions allowed).
    /// </summary>
    public static IterationLoad SteadyState(double decodes, double prompts, int input, int output)
    {
        var context = input + (output / 2.0);
        return new IterationLoad
        {
            Tokens = (int)Math.Round(decodes + (prompts * input)),
            Sequences = (int)Math.Round(decodes + prompts),
            AttentionPairs = (decodes * (context + 1)) + (prompts * input * (input + 1) / 2.0),
            KvTokens = (decodes * (context + 1)) + (prompts * input),
        };
    }

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

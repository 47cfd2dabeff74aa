namespace LlmCore.Optimization.Text;

/// <summary>The argument checks the n-gram baselines share.</summary>
internal static class NGramGuard
{
    public static void Check(ReadOnlySpan<int> tokens, int vocabularySize, double smoothing, int minimum)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        if (!double.IsFinite(smoothing) || smoothing < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "The add-k smoothing constant must be a finite number ≥ 0.");
        }

        if (tokens.Length < minimum)
        {
            throw new ArgumentException($"At least {minimum} token(s) are needed; got {tokens.Length}.", nameof(tokens));
        }

        TokenValues.CheckIds(tokens, vocabularySize, nameof(tokens));
    }

    public static void Id(int token, int vocabularySize, string name)
    {
        if ((uint)token >= (uint)vocabularySize)
        {
            throw new ArgumentOutOfRangeException(name, token, $"A token id must be in [0, {vocabularySize}).");
        }
    }
}

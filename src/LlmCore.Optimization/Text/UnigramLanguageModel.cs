namespace LlmCore.Optimization.Text;

/// <summary>
/// The unigram baseline of a language model: token frequencies of a training corpus with add-k smoothing,
/// p(b) = (c(b) + k) / (N + k·V), and its cross-entropy on other text.
/// </summary>
/// <remarks>
/// A model that beats this baseline has learned more than how often each token occurs. The model is immutable once
/// fitted and thread-safe.
/// </remarks>
public sealed class UnigramLanguageModel
{
    private readonly long[] _counts;
    private readonly long _total;

    private UnigramLanguageModel(long[] counts, long total, double smoothing)
    {
        _counts = counts;
        _total = total;
        Smoothing = smoothing;
    }

    /// <summary>Gets the vocabulary size V.</summary>
    public int VocabularySize => _counts.Length;

    /// <summary>Gets the add-k smoothing constant k.</summary>
    public double Smoothing { get; }

    /// <summary>Gets the number of training tokens N.</summary>
    public long TokenCount => _total;

    /// <summary>Counts the tokens of a training corpus.</summary>
    /// <param name="tokens">The training ids, each in [0, <paramref name="vocabularySize"/>); at least one.</param>
    /// <param name="vocabularySize">V, ≥ 1.</param>
    /// <param name="smoothing">k, finite and ≥ 0; 0 gives the maximum-likelihood estimate (an unseen token then has
    /// probability 0 and an infinite cross-entropy). The default 0.1 suits byte vocabularies, where most of the 256 ids never occur.</param>
    /// <returns>The fitted model.</returns>
    /// <exception cref="ArgumentException"><paramref name="tokens"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">V is less than 1, k is negative or not finite, or an id is out of range.</exception>
    public static UnigramLanguageModel Fit(ReadOnlySpan<int> tokens, int vocabularySize, double smoothing = 0.1)
    {
        NGramGuard.Check(tokens, vocabularySize, smoothing, minimum: 1);
        var counts = new long[vocabularySize];
        foreach (var token in tokens)
        {
            counts[token]++;
        }

        return new UnigramLanguageModel(counts, tokens.Length, smoothing);
    }

    /// <summary>Gets p(token) = (c + k) / (N + k·V).</summary>
    /// <param name="token">An id in [0, V).</param>
    /// <returns>The probability.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The id is out of range.</exception>
    public double Probability(int token)
    {
        NGramGuard.Id(token, VocabularySize, nameof(token));
        return (_counts[token] + Smoothing) / (_total + (Smoothing * VocabularySize));
    }

    /// <summary>
    /// Gets the mean negative log-likelihood in nats per token of tokens[1..] (the positions a next-token model is
    /// scored on; the first token is context only).
    /// </summary>
    /// <param name="tokens">The ids, each in [0, V); at least two.</param>
    /// <returns>The cross-entropy in nats per token (+∞ when k = 0 and a token was never seen).</returns>
    /// <exception cref="ArgumentException">Fewer than two tokens.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is out of range.</exception>
    public double CrossEntropy(ReadOnlySpan<int> tokens)
    {
        NGramGuard.Check(tokens, VocabularySize, Smoothing, minimum: 2);
        var denominator = Math.Log(_total + (Smoothing * VocabularySize));
        var sum = 0.0;
        for (var i = 1; i < tokens.Length; i++)
        {
            sum += denominator - Math.Log(_counts[tokens[i]] + Smoothing);
        }

        return sum / (tokens.Length - 1);
    }
}

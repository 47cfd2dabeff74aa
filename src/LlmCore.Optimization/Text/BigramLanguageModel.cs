namespace LlmCore.Optimization.Text;

/// <summary>
/// The bigram baseline of a language model: next-token counts given the previous token in a training corpus with
/// add-k smoothing, p(b | a) = (c(a, b) + k) / (c(a) + k·V), and its cross-entropy on other text.
/// </summary>
/// <remarks>
/// <para>c(a) counts a as the left token of a pair, so each row sums to one; a context never seen in training
/// gives the uniform 1/V (for k &gt; 0). The character-level bigram of makemore (A. Karpathy, "The spelled-out intro
/// to language modeling", 2022) is this model with k = 1 over 27 symbols.</para>
/// <para>The model is immutable once fitted and thread-safe.</para>
/// </remarks>
public sealed class BigramLanguageModel
{
    // Dense pair counts for small vocabularies (V ≤ 1024: at most 8 MB), else a dictionary keyed by a·V + b.
    private const int DenseLimit = 1024;

    private readonly long[] _contexts;
    private readonly long[]? _dense;
    private readonly Dictionary<long, long>? _sparse;

    private BigramLanguageModel(long[] contexts, long[]? dense, Dictionary<long, long>? sparse, long pairs, double smoothing)
    {
        _contexts = contexts;
        _dense = dense;
        _sparse = sparse;
        PairCount = pairs;
        Smoothing = smoothing;
    }

    /// <summary>Gets the vocabulary size V.</summary>
    public int VocabularySize => _contexts.Length;

    /// <summary>Gets the add-k smoothing constant k.</summary>
    public double Smoothing { get; }

    /// <summary>Gets the number of training pairs, N − 1.</summary>
    public long PairCount { get; }

    /// <summary>Counts the adjacent pairs of a training corpus.</summary>
    /// <param name="tokens">The training ids, each in [0, <paramref name="vocabularySize"/>); at least two.</param>
    /// <param name="vocabularySize">V, ≥ 1.</param>
    /// <param name="smoothing">k, finite and ≥ 0; 0 gives the maximum-likelihood estimate (an unseen pair then has
    /// probability 0 and an infinite cross-entropy). The default 0.1 suits byte vocabularies.</param>
    /// <returns>The fitted model.</returns>
    /// <exception cref="ArgumentException">Fewer than two tokens.</exception>
    /// <exception cref="ArgumentOutOfRangeException">V is less than 1, k is negative or not finite, or an id is out of range.</exception>
    public static BigramLanguageModel Fit(ReadOnlySpan<int> tokens, int vocabularySize, double smoothing = 0.1)
    {
        NGramGuard.Check(tokens, vocabularySize, smoothing, minimum: 2);
        var contexts = new long[vocabularySize];
        long[]? dense = vocabularySize <= DenseLimit ? new long[vocabularySize * vocabularySize] : null;
        var sparse = dense is null ? new Dictionary<long, long>() : null;
        for (var i = 0; i + 1 < tokens.Length; i++)
        {
            var a = tokens[i];
            contexts[a]++;
            var key = ((long)a * vocabularySize) + tokens[i + 1];
            if (dense is not null)
            {
                dense[key]++;
            }
            else
            {
                sparse![key] = sparse.GetValueOrDefault(key) + 1;
            }
        }

        return new BigramLanguageModel(contexts, dense, sparse, tokens.Length - 1, smoothing);
    }

    /// <summary>Gets p(next | previous) = (c(previous, next) + k) / (c(previous) + k·V).</summary>
    /// <param name="previous">The context id, in [0, V).</param>
    /// <param name="next">The predicted id, in [0, V).</param>
    /// <returns>The probability (NaN when k = 0 and the context never occurred).</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is out of range.</exception>
    public double Probability(int previous, int next)
    {
        NGramGuard.Id(previous, VocabularySize, nameof(previous));
        NGramGuard.Id(next, VocabularySize, nameof(next));
        return (Count(previous, next) + Smoothing) / (_contexts[previous] + (Smoothing * VocabularySize));
    }

    /// <summary>
    /// Gets the mean negative log-likelihood in nats per token of tokens[1..], each given its predecessor.
    /// </summary>
    /// <param name="tokens">The ids, each in [0, V); at least two.</param>
    /// <returns>The cross-entropy in nats per token (+∞ when k = 0 and a pair was never seen).</returns>
    /// <exception cref="ArgumentException">Fewer than two tokens.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is out of range.</exception>
    public double CrossEntropy(ReadOnlySpan<int> tokens)
    {
        NGramGuard.Check(tokens, VocabularySize, Smoothing, minimum: 2);
        var kv = Smoothing * VocabularySize;
        var sum = 0.0;
        for (var i = 1; i < tokens.Length; i++)
        {
            var a = tokens[i - 1];
            var numerator = Count(a, tokens[i]) + Smoothing;
            if (numerator == 0)
            {
                return double.PositiveInfinity;
            }

            sum += Math.Log(_contexts[a] + kv) - Math.Log(numerator);
        }

        return sum / (tokens.Length - 1);
    }

    private long Count(int a, int b)
    {
        var key = ((long)a * VocabularySize) + b;
        return _dense is not null ? _dense[key] : _sparse!.GetValueOrDefault(key);
    }
}

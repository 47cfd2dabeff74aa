using System.Numerics;
using System.Numerics.Tensors;
using LlmCore.Optimization.Data;

namespace LlmCore.Optimization.Text;

/// <summary>
/// (input, next-token target) windows of a <see cref="TokenCorpus"/> for a language model: example i starts at
/// token s_i and has the features tokens[s_i, s_i + T) and the targets tokens[s_i + 1, s_i + T + 1), both as T
/// ids carried as values of <typeparamref name="T"/>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>: the type the ids travel as. A float holds every
/// integer only up to 2^24, so vocabularies beyond 16,777,217 ids are refused for float.</typeparam>
/// <remarks>
/// <para>Starts lie on a grid s_i = i·stride (stride T by default: non-overlapping inputs, each target window
/// overlapping the next input by one token) with <c>⌊(n − T − 1)/stride⌋ + 1</c> windows for n tokens, or at
/// seeded uniform random positions (<see cref="TokenCorpus.ToRandomWindows{T}"/>).</para>
/// <para><see cref="TokensPerExample"/> (= T, the predicted tokens per example) turns examples/s into tokens/s.</para>
/// <para>The dataset reads the corpus's memory and changes nothing; it is thread-safe for reading.</para>
/// </remarks>
public sealed class TokenWindowDataset<T> : ITokenDataset<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly ReadOnlyMemory<int> _tokens;
    private readonly int[]? _starts;

    internal TokenWindowDataset(TokenCorpus corpus, int blockSize, int? stride)
        : this(corpus, blockSize)
    {
        var step = stride ?? blockSize;
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1, nameof(stride));
        Stride = step;
        Count = ((corpus.Length - blockSize - 1) / step) + 1;
    }

    private TokenWindowDataset(TokenCorpus corpus, int blockSize, int[] starts)
        : this(corpus, blockSize)
    {
        _starts = starts;
        Count = starts.Length;
    }

    private TokenWindowDataset(TokenCorpus corpus, int blockSize)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        TokenValues.CheckVocabulary<T>(corpus.VocabularySize, nameof(corpus));
        if (corpus.Length == 0)
        {
            throw new ArgumentException("The corpus is empty: a window needs at least one token and its next token.", nameof(corpus));
        }

        if (corpus.Length < blockSize + 1)
        {
            throw new ArgumentException(
                $"A block size of {blockSize} needs at least {blockSize + 1} tokens (the inputs and one more target); the corpus has {corpus.Length}.",
                nameof(blockSize));
        }

        _tokens = corpus.Tokens;
        BlockSize = blockSize;
        VocabularySize = corpus.VocabularySize;
    }

    /// <summary>Gets the window length T.</summary>
    public int BlockSize { get; }

    /// <summary>Gets the distance between window starts, or <see langword="null"/> for random starts.</summary>
    public int? Stride { get; }

    /// <summary>Gets the vocabulary size of the corpus.</summary>
    public int VocabularySize { get; }

    /// <summary>Gets the number of predicted tokens per example, T: tokens/s = examples/s × <see cref="TokensPerExample"/>.</summary>
    public int TokensPerExample => BlockSize;

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    /// <value>T, the input ids.</value>
    public int FeatureCount => BlockSize;

    /// <inheritdoc />
    /// <value>T, the next-token ids.</value>
    public int TargetCount => BlockSize;

    /// <summary>Gets the corpus position of example <paramref name="index"/>'s first input token.</summary>
    /// <param name="index">The example, in [0, <see cref="Count"/>).</param>
    /// <returns>s_index.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public int StartOf(int index) => Start(DatasetGuard.Index(index, Count, nameof(index)));

    /// <inheritdoc />
    public void CopyExamples(ReadOnlySpan<int> indices, Span<T> features, Span<T> targets)
    {
        var t = BlockSize;
        DatasetGuard.Buffers(indices.Length, features.Length, t, targets.Length, t);
        var tokens = _tokens.Span;
        for (var r = 0; r < indices.Length; r++)
        {
            var start = Start(DatasetGuard.Index(indices[r], Count, nameof(indices)));
            TensorPrimitives.ConvertTruncating<int, T>(tokens.Slice(start, t), features.Slice(r * t, t));
            TensorPrimitives.ConvertTruncating<int, T>(tokens.Slice(start + 1, t), targets.Slice(r * t, t));
        }
    }

    internal static TokenWindowDataset<T> RandomStarts(TokenCorpus corpus, int blockSize, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var last = corpus.Length - blockSize - 1;
        var starts = new int[count];
        if (last >= 0)
        {
            var random = new Random(seed);
            for (var i = 0; i < count; i++)
            {
                starts[i] = random.Next(0, last + 1);
            }
        }

        return new TokenWindowDataset<T>(corpus, blockSize, starts);
    }

    private int Start(int index) => _starts is null ? index * Stride!.Value : _starts[index];
}

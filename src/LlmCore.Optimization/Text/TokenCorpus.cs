using System.Numerics;

namespace LlmCore.Optimization.Text;

/// <summary>
/// A sequence of token ids in [0, <see cref="VocabularySize"/>), as one tokenizer encoded a text: what a language
/// model's windows are cut from.
/// </summary>
/// <remarks>
/// <see cref="Split"/> makes a train/validation split as two contiguous ranges of the corpus, never as a random
/// subset of windows: overlapping (or merely adjacent) windows drawn on both sides of a random split share tokens,
/// so the validation loss would be measured on text the model was trained on. Shuffle whole documents before
/// encoding (as <see cref="NamesCorpus.Shuffled"/> does) when the corpus is ordered. The corpus never changes;
/// it is thread-safe.
/// </remarks>
public sealed class TokenCorpus
{
    private readonly ReadOnlyMemory<int> _tokens;

    /// <summary>Initializes a new instance of the <see cref="TokenCorpus"/> class over token ids.</summary>
    /// <param name="tokens">The ids, each in [0, <paramref name="vocabularySize"/>); the corpus keeps this memory and does not copy it.</param>
    /// <param name="vocabularySize">The tokenizer's vocabulary size, ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabularySize"/> is less than 1, or an id is out of range.</exception>
    public TokenCorpus(ReadOnlyMemory<int> tokens, int vocabularySize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        TokenValues.CheckIds(tokens.Span, vocabularySize, nameof(tokens));
        _tokens = tokens;
        VocabularySize = vocabularySize;
    }

    /// <summary>Gets the token ids.</summary>
    public ReadOnlyMemory<int> Tokens => _tokens;

    /// <summary>Gets the number of tokens.</summary>
    public int Length => _tokens.Length;

    /// <summary>Gets the vocabulary size: every id is in [0, <see cref="VocabularySize"/>).</summary>
    public int VocabularySize { get; }

    /// <summary>Encodes a text with a tokenizer.</summary>
    /// <param name="text">The text.</param>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <returns>The corpus of the text's ids, with the tokenizer's vocabulary size.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static TokenCorpus Encode(string text, ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new TokenCorpus(tokenizer.Encode(text), tokenizer.VocabularySize);
    }

    /// <summary>
    /// Splits the corpus into a training part (the first tokens) and a validation part (the last
    /// ⌊<paramref name="validationFraction"/>·<see cref="Length"/>⌉ tokens), both contiguous.
    /// </summary>
    /// <param name="validationFraction">The validation share, in (0, 1).</param>
    /// <returns>The two parts, sharing this corpus's memory.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">A part would be empty (the corpus is too short for the fraction).</exception>
    public (TokenCorpus Train, TokenCorpus Validation) Split(double validationFraction)
    {
        if (!double.IsFinite(validationFraction) || validationFraction <= 0 || validationFraction >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be in (0, 1).");
        }

        var validation = (int)Math.Round(validationFraction * Length, MidpointRounding.AwayFromZero);
        if (validation < 1 || validation >= Length)
        {
            throw new ArgumentException(
                $"A validation fraction of {validationFraction} of {Length} tokens leaves {validation} validation and {Length - validation} training tokens; both parts need at least one.",
                nameof(validationFraction));
        }

        var cut = Length - validation;
        return (new TokenCorpus(_tokens[..cut], VocabularySize, trusted: true), new TokenCorpus(_tokens[cut..], VocabularySize, trusted: true));
    }

    /// <summary>Cuts the corpus into (input, next-token target) windows; see <see cref="TokenWindowDataset{T}"/>.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>: the type the ids travel as.</typeparam>
    /// <param name="blockSize">The window length T, ≥ 1; the corpus needs at least T + 1 tokens.</param>
    /// <param name="stride">The distance between window starts, ≥ 1; <see langword="null"/> for <paramref name="blockSize"/> (non-overlapping inputs).</param>
    /// <returns>The windows.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
    /// <exception cref="ArgumentException">The corpus is shorter than T + 1 tokens, or the vocabulary does not fit <typeparamref name="T"/>.</exception>
    public TokenWindowDataset<T> ToWindows<T>(int blockSize, int? stride = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        new(this, blockSize, stride);

    /// <summary>
    /// Draws <paramref name="count"/> windows at seeded uniform random starts in [0, <see cref="Length"/> − T − 1]
    /// (as nanoGPT's <c>get_batch</c> samples); see <see cref="TokenWindowDataset{T}"/>.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>: the type the ids travel as.</typeparam>
    /// <param name="blockSize">The window length T, ≥ 1; the corpus needs at least T + 1 tokens.</param>
    /// <param name="count">The number of windows, ≥ 1.</param>
    /// <param name="seed">The seed of the starts.</param>
    /// <returns>The windows.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
    /// <exception cref="ArgumentException">The corpus is shorter than T + 1 tokens, or the vocabulary does not fit <typeparamref name="T"/>.</exception>
    public TokenWindowDataset<T> ToRandomWindows<T>(int blockSize, int count, int seed)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        TokenWindowDataset<T>.RandomStarts(this, blockSize, count, seed);

    /// <summary>
    /// Splits the corpus (<see cref="Split"/>) and cuts both parts into windows, with errors that name the sizes when a
    /// part is too short for the block.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>: the type the ids travel as.</typeparam>
    /// <param name="blockSize">The window length T, ≥ 1.</param>
    /// <param name="validationFraction">The validation share of the tokens, in (0, 1).</param>
    /// <param name="stride">The distance between window starts, ≥ 1; <see langword="null"/> for <paramref name="blockSize"/>.</param>
    /// <returns>The training and validation windows.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1 or the fraction is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">A part is shorter than T + 1 tokens, or the vocabulary does not fit <typeparamref name="T"/>.</exception>
    public (TokenWindowDataset<T> Train, TokenWindowDataset<T> Validation) ToSplitWindows<T>(int blockSize, double validationFraction, int? stride = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        var (train, validation) = Split(validationFraction);
        foreach (var (part, name) in new[] { (train, "training"), (validation, "validation") })
        {
            if (part.Length < blockSize + 1)
            {
                throw new ArgumentException(
                    $"A block size of {blockSize} needs at least {blockSize + 1} tokens in the {name} part, which holds {part.Length} of the corpus's {Length} tokens (validation fraction {validationFraction}); lower the block size or use a longer corpus.",
                    nameof(blockSize));
            }
        }

        return (train.ToWindows<T>(blockSize, stride), validation.ToWindows<T>(blockSize, stride));
    }

#pragma warning disable IDE0060 // The flag only selects this constructor.
    private TokenCorpus(ReadOnlyMemory<int> tokens, int vocabularySize, bool trusted)
#pragma warning restore IDE0060
    {
        _tokens = tokens;
        VocabularySize = vocabularySize;
    }
}

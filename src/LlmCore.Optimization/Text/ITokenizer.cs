namespace LlmCore.Optimization.Text;

/// <summary>
/// Turns text into token ids in [0, <see cref="VocabularySize"/>) and back: the vocabulary a language model's
/// embedding and output layer are sized by.
/// </summary>
/// <remarks>
/// Implementations encode text as UTF-8 first, so an unpaired surrogate in a string is encoded as U+FFFD (the
/// replacement character), as <c>tiktoken</c> does; every well-formed string round-trips through
/// <see cref="Encode"/> and <see cref="Decode"/>. Implementations are immutable and thread-safe.
/// </remarks>
public interface ITokenizer
{
    /// <summary>Gets the tokenizer's name, as <see cref="ITokenizerFactory.Create"/> accepts it (for example <c>byte</c>).</summary>
    string Name { get; }

    /// <summary>Gets the number of token ids: every id is in [0, <see cref="VocabularySize"/>).</summary>
    int VocabularySize { get; }

    /// <summary>
    /// Gets the id that pads a sequence shorter than a block (see <see cref="SequenceClassificationDataset{T}"/>).
    /// </summary>
    /// <remarks>It is an ordinary id of the vocabulary, not a reserved one: a model learns to ignore it, or masks by length.</remarks>
    int PaddingId { get; }

    /// <summary>Encodes text into token ids.</summary>
    /// <param name="text">The text; may be empty.</param>
    /// <returns>The ids, each in [0, <see cref="VocabularySize"/>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    int[] Encode(string text);

    /// <summary>Decodes token ids into text.</summary>
    /// <param name="ids">The ids, each in [0, <see cref="VocabularySize"/>).</param>
    /// <returns>The text; byte sequences that are not valid UTF-8 decode to U+FFFD and never throw.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, <see cref="VocabularySize"/>).</exception>
    string Decode(ReadOnlySpan<int> ids);
}

using System.Numerics;
using System.Numerics.Tensors;
using LlmCore.Optimization.Data;

namespace LlmCore.Optimization.Text;

/// <summary>
/// Documents as fixed-length sequences with one class label each, for a sequence classifier: the features of
/// example i are its document's first T token ids (truncated when longer, padded with <see cref="PaddingId"/> when
/// shorter), and its one target is the class index.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>: the type ids and labels travel as.</typeparam>
/// <remarks>
/// <para>The padding id is an ordinary id of the vocabulary (the tokenizer's <see cref="ITokenizer.PaddingId"/>: 0
/// for bytes, <c>&lt;|endoftext|&gt;</c> for GPT-2); <see cref="LengthOf"/> gives each example's real tokens for
/// a model that masks. <see cref="TokensPerExample"/> is T (a model processes every position).</para>
/// <para>The dataset holds its own copy of the ids and never changes; it is thread-safe for reading.</para>
/// </remarks>
public sealed class SequenceClassificationDataset<T> : IDataset<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly int[] _ids;
    private readonly int[] _labels;
    private readonly int[] _lengths;

    /// <summary>Initializes a new instance of the <see cref="SequenceClassificationDataset{T}"/> class.</summary>
    /// <param name="documents">The documents' token ids, each id in [0, <paramref name="vocabularySize"/>); at least one document; a document may be empty.</param>
    /// <param name="labels">One class index per document, each in [0, ClassCount).</param>
    /// <param name="blockSize">The sequence length T, ≥ 1.</param>
    /// <param name="vocabularySize">The tokenizer's vocabulary size, ≥ 1.</param>
    /// <param name="paddingId">The id that fills positions past a short document, in [0, <paramref name="vocabularySize"/>).</param>
    /// <param name="classNames">The class names by index (at least two), or <see langword="null"/> for <c>0</c>, <c>1</c>, ... up to the largest label.</param>
    /// <param name="paddingSide">Where the padding goes; <see cref="PaddingSide.Right"/> by default.</param>
    /// <exception cref="ArgumentNullException">A list or a document is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">There are no documents, the counts differ, fewer than two classes, or the vocabulary does not fit <typeparamref name="T"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size, an id, the padding id or a label is out of range.</exception>
    public SequenceClassificationDataset(
        IReadOnlyList<int[]> documents,
        IReadOnlyList<int> labels,
        int blockSize,
        int vocabularySize,
        int paddingId,
        IReadOnlyList<string>? classNames = null,
        PaddingSide paddingSide = PaddingSide.Right)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        TokenValues.CheckVocabulary<T>(vocabularySize, nameof(vocabularySize));
        if ((uint)paddingId >= (uint)vocabularySize)
        {
            throw new ArgumentOutOfRangeException(nameof(paddingId), paddingId, $"The padding id must be a token id in [0, {vocabularySize}).");
        }

        if (!Enum.IsDefined(paddingSide))
        {
            throw new ArgumentOutOfRangeException(nameof(paddingSide), paddingSide, "The padding side must be Right or Left.");
        }

        if (documents.Count == 0)
        {
            throw new ArgumentException("There are no documents: the dataset needs at least one.", nameof(documents));
        }

        if (labels.Count != documents.Count)
        {
            throw new ArgumentException($"There are {documents.Count} documents but {labels.Count} labels; give one label per document.", nameof(labels));
        }

        var largest = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] < 0 || (classNames is not null && labels[i] >= classNames.Count))
            {
                var range = classNames is null ? "≥ 0" : $"in [0, {classNames.Count})";
                throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"A label must be a class index {range}; the label of document {i} is {labels[i]}.");
            }

            largest = Math.Max(largest, labels[i]);
        }

        ClassNames = classNames?.ToArray() ?? Enumerable.Range(0, largest + 1).Select(static c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        if (ClassNames.Count < 2)
        {
            throw new ArgumentException($"A classification needs at least two classes; got {ClassNames.Count}.", classNames is null ? nameof(labels) : nameof(classNames));
        }

        Count = documents.Count;
        BlockSize = blockSize;
        VocabularySize = vocabularySize;
        PaddingId = paddingId;
        PaddingSide = paddingSide;
        _ids = new int[Count * blockSize];
        _labels = labels.ToArray();
        _lengths = new int[Count];
        _ids.AsSpan().Fill(paddingId);
        for (var i = 0; i < Count; i++)
        {
            var document = documents[i] ?? throw new ArgumentNullException(nameof(documents), $"Document {i} is null.");
            TokenValues.CheckIds(document, vocabularySize, nameof(documents));
            var length = Math.Min(document.Length, blockSize);
            var offset = (i * blockSize) + (paddingSide == PaddingSide.Left ? blockSize - length : 0);
            document.AsSpan(0, length).CopyTo(_ids.AsSpan(offset, length));
            _lengths[i] = length;
        }
    }

    /// <summary>Gets the sequence length T.</summary>
    public int BlockSize { get; }

    /// <summary>Gets the vocabulary size.</summary>
    public int VocabularySize { get; }

    /// <summary>Gets the id that fills the positions past a short document.</summary>
    public int PaddingId { get; }

    /// <summary>Gets where the padding goes.</summary>
    public PaddingSide PaddingSide { get; }

    /// <summary>Gets the class names by index.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Gets the number of positions a model processes per example, T.</summary>
    public int TokensPerExample => BlockSize;

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    /// <value>T, the (padded) token ids.</value>
    public int FeatureCount => BlockSize;

    /// <inheritdoc />
    /// <value>1, the class index.</value>
    public int TargetCount => 1;

    /// <summary>Gets the number of real (not padding) tokens of an example: min(document length, T).</summary>
    /// <param name="index">The example, in [0, <see cref="Count"/>).</param>
    /// <returns>The length.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public int LengthOf(int index)
    {
        return _lengths[DatasetGuard.Index(index, Count, nameof(index))];
    }

    /// <summary>Gets the class index of an example.</summary>
    /// <param name="index">The example, in [0, <see cref="Count"/>).</param>
    /// <returns>The label.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public int LabelOf(int index)
    {
        return _labels[DatasetGuard.Index(index, Count, nameof(index))];
    }

    /// <summary>Tokenizes texts into a dataset, with the tokenizer's vocabulary and padding id.</summary>
    /// <param name="texts">The documents' texts.</param>
    /// <param name="labels">One class index per text.</param>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="blockSize">The sequence length T, ≥ 1.</param>
    /// <param name="classNames">The class names by index, or <see langword="null"/>.</param>
    /// <param name="paddingSide">Where the padding goes.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentNullException">An argument or a text is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">As the constructor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">As the constructor.</exception>
    public static SequenceClassificationDataset<T> FromTexts(
        IReadOnlyList<string> texts,
        IReadOnlyList<int> labels,
        ITokenizer tokenizer,
        int blockSize,
        IReadOnlyList<string>? classNames = null,
        PaddingSide paddingSide = PaddingSide.Right)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var documents = new int[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            documents[i] = tokenizer.Encode(texts[i] ?? throw new ArgumentNullException(nameof(texts), $"Text {i} is null."));
        }

        return new SequenceClassificationDataset<T>(documents, labels, blockSize, tokenizer.VocabularySize, tokenizer.PaddingId, classNames, paddingSide);
    }

    /// <inheritdoc />
    public void CopyExamples(ReadOnlySpan<int> indices, Span<T> features, Span<T> targets)
    {
        var t = BlockSize;
        DatasetGuard.Buffers(indices.Length, features.Length, t, targets.Length, 1);
        for (var r = 0; r < indices.Length; r++)
        {
            var i = DatasetGuard.Index(indices[r], Count, nameof(indices));
            TensorPrimitives.ConvertTruncating<int, T>(_ids.AsSpan(i * t, t), features.Slice(r * t, t));
            targets[r] = T.CreateTruncating(_labels[i]);
        }
    }
}

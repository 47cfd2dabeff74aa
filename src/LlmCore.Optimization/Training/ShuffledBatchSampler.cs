namespace LlmCore.Optimization.Training;

/// <summary>
/// The default <see cref="IBatchSampler"/>: fixed-size batches of a permutation of the data, reshuffled before every
/// pass with <see cref="Random"/> seeded once per run (or in order when shuffling is off).
/// </summary>
/// <remarks>
/// <para>
/// The permutation of pass p is the identity shuffled p times in a row by <c>new Random(seed)</c>, so it is a
/// function of (seed, p): a checkpoint keeps the number of shuffles and the position in the pass, and a restored
/// sampler regenerates the permutation (O(p·N) once) and continues with the same batches. The last batch of a pass
/// holds the remaining N mod B examples when B does not divide N (Keras' and PyTorch's <c>drop_last=False</c>).
/// </para>
/// <para>This type is not thread-safe: one training loop uses it.</para>
/// </remarks>
internal sealed class ShuffledBatchSampler : IBatchSampler
{
    private const string Tag = "llmcore.sampler.shuffled.v1";
    private readonly int[] _order;
    private readonly bool _shuffle;
    private readonly int _seed;
    private Random _random;
    private long _shuffles;
    private int _position;

    /// <summary>Initializes a new instance of the <see cref="ShuffledBatchSampler"/> class.</summary>
    /// <param name="datasetSize">N, ≥ 1.</param>
    /// <param name="batchSize">B, in [1, N].</param>
    /// <param name="shuffle">Whether each pass is shuffled.</param>
    /// <param name="seed">The seed of the shuffles.</param>
    public ShuffledBatchSampler(int datasetSize, int batchSize, bool shuffle, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(datasetSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batchSize, datasetSize);
        DatasetSize = datasetSize;
        BatchSize = batchSize;
        _shuffle = shuffle;
        _seed = seed;
        _order = new int[datasetSize];
        _random = new Random(seed);
        Reset();
    }

    /// <inheritdoc />
    public BatchSamplingScheme Scheme => _shuffle ? BatchSamplingScheme.Shuffled : BatchSamplingScheme.InOrder;

    /// <inheritdoc />
    public int DatasetSize { get; }

    /// <summary>Gets the batch size B.</summary>
    public int BatchSize { get; }

    /// <inheritdoc />
    public double ExpectedBatchSize => BatchSize;

    /// <inheritdoc />
    public double SampleRate => (double)BatchSize / DatasetSize;

    /// <inheritdoc />
    public void Reset()
    {
        _random = new Random(_seed);
        for (var i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        _shuffles = 0;
        _position = 0;
    }

    /// <inheritdoc />
    public bool Next(List<int> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (_position == 0 && _shuffle)
        {
            _random.Shuffle(_order);
            _shuffles++;
        }

        var size = Math.Min(BatchSize, DatasetSize - _position);
        destination.Clear();
        destination.AddRange(_order.AsSpan(_position, size));
        _position += size;
        if (_position < DatasetSize)
        {
            return false;
        }

        _position = 0;
        return true;
    }

    /// <inheritdoc />
    public void SaveState(Stream destination) => CheckpointState.Write(destination, Tag, writer =>
    {
        writer.Write(DatasetSize);
        writer.Write(BatchSize);
        writer.Write(_shuffle);
        writer.Write(_seed);
        writer.Write(_shuffles);
        writer.Write(_position);
    });

    /// <inheritdoc />
    public void LoadState(Stream source) => CheckpointState.Read(source, Tag, "the default batch sampler", reader =>
    {
        var n = reader.ReadInt32();
        var b = reader.ReadInt32();
        var shuffle = reader.ReadBoolean();
        var seed = reader.ReadInt32();
        var shuffles = reader.ReadInt64();
        var position = reader.ReadInt32();
        if (n != DatasetSize || b != BatchSize || shuffle != _shuffle || seed != _seed)
        {
            throw new InvalidDataException(
                $"The checkpoint's batches were {b} of {n} examples (shuffle {shuffle}, seed {seed}); this run's are {BatchSize} of {DatasetSize} (shuffle {_shuffle}, seed {_seed}). Resume with the same data and options, or load only the parameters.");
        }

        if (shuffles < 0 || position < 0 || position >= n || (!shuffle && shuffles != 0))
        {
            throw new InvalidDataException($"The sampler state is corrupt: {shuffles} shuffles, position {position} of {n}.");
        }

        Reset();
        for (var s = 0L; s < shuffles; s++)
        {
            _random.Shuffle(_order);
        }

        _shuffles = shuffles;
        _position = position;
    });
}

using LlmCore.Optimization.Training;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Training;

/// <summary>
/// Fixed-size batches for DP-SGD (<c>llmcore train --private --sampler shuffle</c>): every step takes exactly B distinct
/// examples drawn uniformly without replacement from the N, independently of the other steps (a fresh partial shuffle
/// per step, from the secure source by default) — the sampling that <see cref="Accounting.SampledWithoutReplacementEvent"/>
/// analyses under replace-one neighbours (Wang, Balle and Kasiviswanathan 2019; dp_accounting's
/// <c>SampledWithoutReplacementDpEvent</c>). A pass is ⌈N/B⌉ steps, so an epoch has as many steps as a shuffled epoch.
/// </summary>
/// <remarks>
/// <para>Why not the batches of one shuffled permutation per epoch: those are disjoint within an epoch, so they are not
/// independent subsamples, and the sampled-without-replacement accounting does not cover them.</para>
/// <para>This type is not thread-safe: one training loop uses it at a time.</para>
/// </remarks>
public sealed class SampledWithoutReplacementBatchSampler : IBatchSampler
{
    private const string StateTag = "llmcore.sampler.without-replacement.v1";

    private readonly IRandomSource _source;
    private readonly int[] _pool;
    private readonly long _stepsPerPass;
    private long _batches;

    /// <summary>Initializes a new instance of the <see cref="SampledWithoutReplacementBatchSampler"/> class.</summary>
    /// <param name="datasetSize">N ≥ 1.</param>
    /// <param name="batchSize">B in [1, N].</param>
    /// <param name="source">The random bits; <see langword="null"/> uses <see cref="SecureRandomSource.Instance"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="datasetSize"/> is less than 1 or <paramref name="batchSize"/> is outside [1, N].</exception>
    public SampledWithoutReplacementBatchSampler(int datasetSize, int batchSize, IRandomSource? source = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(datasetSize, 1);
        if (batchSize < 1 || batchSize > datasetSize)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"The batch size must be in [1, {datasetSize}] (the dataset size).");
        }

        DatasetSize = datasetSize;
        BatchSize = batchSize;
        _source = source ?? SecureRandomSource.Instance;
        _pool = new int[datasetSize];
        for (var i = 0; i < datasetSize; i++)
        {
            _pool[i] = i;
        }

        _stepsPerPass = (datasetSize + (long)batchSize - 1) / batchSize;
    }

    /// <inheritdoc />
    /// <value><see cref="BatchSamplingScheme.Shuffled"/>: fixed-size batches drawn without replacement.</value>
    public BatchSamplingScheme Scheme => BatchSamplingScheme.Shuffled;

    /// <inheritdoc />
    public int DatasetSize { get; }

    /// <summary>Gets B, the size of every batch.</summary>
    public int BatchSize { get; }

    /// <inheritdoc />
    public double ExpectedBatchSize => BatchSize;

    /// <inheritdoc />
    public double SampleRate => (double)BatchSize / DatasetSize;

    /// <inheritdoc />
    public void Reset() => _batches = 0;

    /// <inheritdoc />
    public bool Next(List<int> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Clear();

        // A partial Fisher–Yates shuffle of the pool: its first B entries are a uniform B-subset whatever order the pool
        // is in, so the pool is never reset.
        for (var i = 0; i < BatchSize; i++)
        {
            var j = i + (int)UniformBelow((ulong)(DatasetSize - i));
            (_pool[i], _pool[j]) = (_pool[j], _pool[i]);
            destination.Add(_pool[i]);
        }

        destination.Sort();
        _batches++;
        return _batches % _stepsPerPass == 0;
    }

    /// <inheritdoc />
    public void SaveState(Stream destination) => CheckpointState.Write(destination, StateTag, writer =>
    {
        writer.Write(DatasetSize);
        writer.Write(BatchSize);
        writer.Write(_batches);
    });

    /// <inheritdoc />
    public void LoadState(Stream source) => CheckpointState.Read(source, StateTag, "a fixed-size batch sampler", reader =>
    {
        var n = reader.ReadInt32();
        var b = reader.ReadInt32();
        var batches = reader.ReadInt64();
        if (n != DatasetSize || b != BatchSize || batches < 0)
        {
            throw new InvalidDataException($"The checkpoint sampled batches of {b} from {n} examples ({batches} batches); this sampler draws {BatchSize} from {DatasetSize}.");
        }

        _batches = batches;
    });

    /// <summary>A uniform integer in [0, bound) by Lemire's unbiased multiply-and-reject.</summary>
    private ulong UniformBelow(ulong bound)
    {
        while (true)
        {
            var x = _source.NextUInt64();
            var high = Math.BigMul(x, bound, out var low);
            if (low >= bound || low >= (0UL - bound) % bound)
            {
                return high;
            }
        }
    }
}

using LlmCore.Optimization.Training;
using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Training;

/// <summary>
/// Poisson sampling of a batch: every example of a dataset of <see cref="DatasetSize"/> examples is included
/// independently with probability <see cref="SampleRate"/>, so a batch has a random size with mean q·N.
/// </summary>
/// <remarks>
/// <para>This is the sampling that the privacy amplification of the subsampled Gaussian assumes (Abadi et al. 2016,
/// "Deep learning with differential privacy"; Mironov, Talwar and Zhang 2019, "Rényi differential privacy of the
/// sampled Gaussian mechanism"); shuffling into fixed-size batches does not match the accountant's analysis.
/// Opacus' <c>UniformWithReplacementSampler</c> samples the same way.</para>
/// <para>Each inclusion uses 53 random bits: u = ⌊x / 2¹¹⌋·2⁻⁵³ and the example is in the batch when u &lt; q.</para>
/// <para>As the <see cref="IBatchSampler"/> of the one training loop (<see cref="Trainer{T}"/>), a pass (epoch) is
/// the CLI contract's step count: pass e ends after ⌈e·N/B⌉ batches in all, B = q·N (⌈e/q⌉ when q·N is not a whole
/// number). A checkpoint keeps the number of batches drawn; the random source is not part of it (a secure source
/// cannot be replayed), so a resumed private run continues with fresh randomness.</para>
/// <para>This type is not thread-safe: it reuses one buffer of random words; use one sampler per training loop.</para>
/// </remarks>
public sealed class PoissonBatchSampler : IBatchSampler
{
    private const double TwoToMinus53 = 1.0 / (1UL << 53);
    private const string StateTag = "llmcore.sampler.poisson.v1";
    private readonly IRandomSource _source;
    private readonly ulong[] _words = new ulong[256];
    private readonly long? _wholeBatch;
    private long _batches;
    private long _passes;

    /// <summary>Initializes a new instance of the <see cref="PoissonBatchSampler"/> class.</summary>
    /// <param name="datasetSize">The number of examples N, ≥ 1.</param>
    /// <param name="sampleRate">The inclusion probability q, in (0, 1].</param>
    /// <param name="source">The random bits; <see langword="null"/> uses <see cref="SecureRandomSource.Instance"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="datasetSize"/> is less than 1 or <paramref name="sampleRate"/> is outside (0, 1].</exception>
    public PoissonBatchSampler(int datasetSize, double sampleRate, IRandomSource? source = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(datasetSize, 1);
        if (!(sampleRate > 0 && sampleRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "The sample rate q must be in (0, 1].");
        }

        DatasetSize = datasetSize;
        SampleRate = sampleRate;
        _source = source ?? SecureRandomSource.Instance;
        var expected = sampleRate * datasetSize;
        var whole = Math.Round(expected);
        _wholeBatch = whole >= 1 && Math.Abs(expected - whole) <= 1e-9 * whole ? (long)whole : null;
    }

    /// <inheritdoc />
    /// <value><see cref="BatchSamplingScheme.Poisson"/>.</value>
    public BatchSamplingScheme Scheme => BatchSamplingScheme.Poisson;

    /// <summary>Gets the number of examples N.</summary>
    public int DatasetSize { get; }

    /// <summary>Gets the inclusion probability q.</summary>
    public double SampleRate { get; }

    /// <summary>Gets the expected batch size q·N.</summary>
    public double ExpectedBatchSize => SampleRate * DatasetSize;

    /// <inheritdoc />
    public void Reset()
    {
        _batches = 0;
        _passes = 0;
    }

    /// <inheritdoc />
    /// <remarks>The batch is <see cref="Sample"/>'s: it may be empty (a valid, noise-only DP-SGD step).</remarks>
    public bool Next(List<int> destination)
    {
        Sample(destination);
        _batches++;
        if (_batches < PassEnd(_passes + 1))
        {
            return false;
        }

        _passes++;
        return true;
    }

    /// <inheritdoc />
    public void SaveState(Stream destination) => CheckpointState.Write(destination, StateTag, writer =>
    {
        writer.Write(DatasetSize);
        writer.Write(SampleRate);
        writer.Write(_batches);
        writer.Write(_passes);
    });

    /// <inheritdoc />
    public void LoadState(Stream source) => CheckpointState.Read(source, StateTag, "a Poisson batch sampler", reader =>
    {
        var n = reader.ReadInt32();
        var q = reader.ReadDouble();
        var batches = reader.ReadInt64();
        var passes = reader.ReadInt64();
        if (n != DatasetSize || q != SampleRate)
        {
            throw new InvalidDataException($"The checkpoint sampled {n} examples with q = {q}; this sampler samples {DatasetSize} with q = {SampleRate}.");
        }

        if (batches < 0 || passes < 0 || batches < PassEnd(passes) || batches >= PassEnd(passes + 1))
        {
            throw new InvalidDataException($"The Poisson sampler state is corrupt: {batches} batches in {passes} passes.");
        }

        _batches = batches;
        _passes = passes;
    });

    /// <summary>Clears <paramref name="destination"/> and fills it with the indices of one Poisson-sampled batch, in increasing order.</summary>
    /// <param name="destination">The list to overwrite; it may end up empty (an empty batch is a valid DP-SGD step).</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    public void Sample(List<int> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Clear();
        if (SampleRate >= 1)
        {
            for (var i = 0; i < DatasetSize; i++)
            {
                destination.Add(i);
            }

            return;
        }

        for (var start = 0; start < DatasetSize; start += _words.Length)
        {
            var count = Math.Min(_words.Length, DatasetSize - start);
            var words = _words.AsSpan(0, count);
            _source.Fill(words);
            for (var j = 0; j < count; j++)
            {
                if ((words[j] >> 11) * TwoToMinus53 < SampleRate)
                {
                    destination.Add(start + j);
                }
            }
        }
    }

    /// <summary>The batches drawn in all when pass <paramref name="pass"/> ends: ⌈pass·N/B⌉.</summary>
    private long PassEnd(long pass) =>
        pass == 0 ? 0 : _wholeBatch is { } b ? NoiseCalibration.StepsForEpochs(pass, DatasetSize, b) : (long)Math.Ceiling(pass / SampleRate);
}

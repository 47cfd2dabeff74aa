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
/// <para>This type is not thread-safe: it reuses one buffer of random words; use one sampler per training loop.</para>
/// </remarks>
public sealed class PoissonBatchSampler
{
    private const double TwoToMinus53 = 1.0 / (1UL << 53);
    private readonly IRandomSource _source;
    private readonly ulong[] _words = new ulong[256];

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
    }

    /// <summary>Gets the number of examples N.</summary>
    public int DatasetSize { get; }

    /// <summary>Gets the inclusion probability q.</summary>
    public double SampleRate { get; }

    /// <summary>Gets the expected batch size q·N.</summary>
    public double ExpectedBatchSize => SampleRate * DatasetSize;

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
}

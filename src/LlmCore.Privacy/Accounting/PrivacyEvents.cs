using System.Collections.ObjectModel;

namespace LlmCore.Privacy.Accounting;

/// <summary>
/// A privacy event: what a mechanism did to the data, in the algebra of Google's dp_accounting
/// (<c>DpEvent</c>). Accountants (<see cref="IPrivacyAccountant"/>) compose events and answer ε for a δ or δ for an ε.
/// </summary>
/// <remarks>
/// Every noise parameter is relative to a sensitivity of 1 (a noise multiplier): a Gaussian with standard deviation
/// σ·Δ on a query of L2-sensitivity Δ is <c>new GaussianEvent(σ)</c>. Events are immutable and thread-safe.
/// </remarks>
public abstract record PrivacyEvent
{
    private protected PrivacyEvent()
    {
    }

    internal static double CheckProbability(double value, string name)
    {
        if (!(value > 0.0 && value <= 1.0))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in (0, 1].");
        }

        return value;
    }
}

/// <summary>One release of the Gaussian mechanism with noise multiplier σ (noise N(0, σ²Δ²) on an L2-sensitivity-Δ query).</summary>
/// <remarks>RDP(α) = α/(2σ²) (Mironov 2017). Immutable and thread-safe.</remarks>
public sealed record GaussianEvent : PrivacyEvent
{
    /// <summary>Creates the event.</summary>
    /// <param name="noiseMultiplier">σ, the noise standard deviation divided by the L2 sensitivity; finite and &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="noiseMultiplier"/> is ≤ 0, NaN or infinite.</exception>
    public GaussianEvent(double noiseMultiplier)
    {
        NoiseMultiplier = Guard.PositiveFinite(noiseMultiplier);
    }

    /// <summary>Gets σ, the noise standard deviation in units of the L2 sensitivity.</summary>
    public double NoiseMultiplier { get; }
}

/// <summary>One release of the Laplace mechanism with scale b per unit of L1 sensitivity (density ∝ exp(−|x|/(bΔ))).</summary>
/// <remarks>Pure (1/b)-DP; RDP from Mironov 2017, Prop. 6. Immutable and thread-safe.</remarks>
public sealed record LaplaceEvent : PrivacyEvent
{
    /// <summary>Creates the event.</summary>
    /// <param name="scale">b, the Laplace scale divided by the L1 sensitivity; finite and &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is ≤ 0, NaN or infinite.</exception>
    public LaplaceEvent(double scale)
    {
        Scale = Guard.PositiveFinite(scale);
    }

    /// <summary>Gets b, the Laplace scale in units of the L1 sensitivity.</summary>
    public double Scale { get; }
}

/// <summary>Which pairs of inputs randomized response must protect.</summary>
public enum RandomizedResponseAdjacency
{
    /// <summary>The true value is replaced by any other value (dp_accounting's default).</summary>
    ReplaceOne = 0,

    /// <summary>The true value is replaced by a special value whose output is uniform over the buckets.</summary>
    ReplaceSpecial = 1,
}

/// <summary>
/// k-ary randomized response: with probability p the output is a uniformly random bucket, otherwise the true value
/// (dp_accounting's <c>RandomizedResponseDpEvent</c>).
/// </summary>
/// <remarks>Pure ε-DP with ε = ln((1 − p + p/k)/(p/k)); RDP and PLD are computed exactly from the two output distributions. Immutable and thread-safe.</remarks>
public sealed record RandomizedResponseEvent : PrivacyEvent
{
    /// <summary>Creates the event.</summary>
    /// <param name="noiseParameter">p, the probability of answering at random; in (0, 1].</param>
    /// <param name="bucketCount">k, the number of buckets; ≥ 2.</param>
    /// <param name="adjacency">The neighbouring relation.</param>
    /// <exception cref="ArgumentOutOfRangeException">p is outside (0, 1], k &lt; 2, or the adjacency is undefined.</exception>
    public RandomizedResponseEvent(double noiseParameter, int bucketCount, RandomizedResponseAdjacency adjacency = RandomizedResponseAdjacency.ReplaceOne)
    {
        NoiseParameter = CheckProbability(noiseParameter, nameof(noiseParameter));
        if (bucketCount < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(bucketCount), bucketCount, "bucketCount must be >= 2.");
        }

        if (!Enum.IsDefined(adjacency))
        {
            throw new ArgumentOutOfRangeException(nameof(adjacency), adjacency, "adjacency must be ReplaceOne or ReplaceSpecial.");
        }

        BucketCount = bucketCount;
        Adjacency = adjacency;
    }

    /// <summary>Gets p, the probability of answering uniformly at random.</summary>
    public double NoiseParameter { get; }

    /// <summary>Gets k, the number of buckets.</summary>
    public int BucketCount { get; }

    /// <summary>Gets the neighbouring relation.</summary>
    public RandomizedResponseAdjacency Adjacency { get; }
}

/// <summary>A mechanism known only to satisfy ρ-zero-concentrated DP (Bun and Steinke 2016): RDP(α) = αρ for every α &gt; 1.</summary>
/// <remarks>Supported by <see cref="RdpAccountant"/> only. Immutable and thread-safe.</remarks>
public sealed record ZCdpEvent : PrivacyEvent
{
    /// <summary>Creates the event.</summary>
    /// <param name="rho">ρ; finite and &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rho"/> is ≤ 0, NaN or infinite.</exception>
    public ZCdpEvent(double rho)
    {
        Rho = Guard.PositiveFinite(rho);
    }

    /// <summary>Gets ρ.</summary>
    public double Rho { get; }
}

/// <summary>
/// An event run on a Poisson sample of the data: each record is included independently with probability q
/// (add/remove adjacency). <c>new PoissonSampledEvent(q, new GaussianEvent(σ))</c> is one DP-SGD step.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record PoissonSampledEvent : PrivacyEvent
{
    /// <summary>Creates the event.</summary>
    /// <param name="samplingProbability">q; in (0, 1].</param>
    /// <param name="event">The event run on the sample.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samplingProbability"/> is outside (0, 1] or NaN.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="event"/> is <see langword="null"/>.</exception>
    public PoissonSampledEvent(double samplingProbability, PrivacyEvent @event)
    {
        SamplingProbability = CheckProbability(samplingProbability, nameof(samplingProbability));
        ArgumentNullException.ThrowIfNull(@event, nameof(@event));
        Event = @event;
    }

    /// <summary>Gets q, the probability that each record is in the sample.</summary>
    public double SamplingProbability { get; }

    /// <summary>Gets the event run on the sample.</summary>
    public PrivacyEvent Event { get; }
}

/// <summary>Which pairs of datasets a privacy guarantee treats as neighbours.</summary>
public enum NeighboringRelation
{
    /// <summary>One record added or removed (the dataset size is private). Poisson sampling is analysed under it; Opacus and dp_accounting use it by default.</summary>
    AddOrRemoveOne = 0,

    /// <summary>One record replaced by another (the dataset size is public). Fixed-size batches drawn without replacement are analysed under it.</summary>
    ReplaceOne = 1,
}

/// <summary>
/// An event run on a batch of exactly <see cref="SampleSize"/> distinct records drawn uniformly without replacement from
/// <see cref="DatasetSize"/> records: the fixed-size batches of a shuffled epoch (dp_accounting's
/// <c>SampledWithoutReplacementDpEvent</c>), analysed under the replace-one (substitution) relation.
/// </summary>
/// <remarks>
/// <para>The inner event's noise is relative to the L2 sensitivity under substitution. For a sum of per-example
/// gradients clipped to norm C that sensitivity is 2C (one clipped gradient replaced by another), so a DP-SGD step with
/// noise standard deviation σC is <c>new SampledWithoutReplacementEvent(n, b, new GaussianEvent(σ / 2))</c>, which is
/// what <see cref="DpSgdStep"/> builds; at b = n it has the RDP α/(2(σ/2)²) of the unsampled Gaussian, as in
/// dp_accounting.</para>
/// <para>Supported by <see cref="RdpAccountant"/> (Wang, Balle and Kasiviswanathan 2019, Theorem 27) when the inner
/// event is a Gaussian, a zCDP event, or a composition of these; not by <see cref="PldAccountant"/>. An accountant does
/// not mix it with Poisson-sampled events, which are analysed under add/remove. Accounting a shuffled epoch with
/// <see cref="PoissonSampledEvent"/> is wrong: Poisson amplification does not hold for fixed-size batches.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed record SampledWithoutReplacementEvent : PrivacyEvent
{
    /// <summary>Creates the event.</summary>
    /// <param name="datasetSize">n, the number of records sampled from; ≥ 1.</param>
    /// <param name="sampleSize">m, the batch size; in [0, n].</param>
    /// <param name="event">The event run on the batch.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="datasetSize"/> is &lt; 1 or <paramref name="sampleSize"/> is outside [0, n].</exception>
    /// <exception cref="ArgumentNullException"><paramref name="event"/> is <see langword="null"/>.</exception>
    public SampledWithoutReplacementEvent(long datasetSize, long sampleSize, PrivacyEvent @event)
    {
        if (datasetSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(datasetSize), datasetSize, "datasetSize must be >= 1.");
        }

        if (sampleSize < 0 || sampleSize > datasetSize)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleSize), sampleSize, $"sampleSize must be in [0, datasetSize = {datasetSize}].");
        }

        ArgumentNullException.ThrowIfNull(@event, nameof(@event));
        DatasetSize = datasetSize;
        SampleSize = sampleSize;
        Event = @event;
    }

    /// <summary>Gets n, the number of records sampled from.</summary>
    public long DatasetSize { get; }

    /// <summary>Gets m, the number of records in each batch.</summary>
    public long SampleSize { get; }

    /// <summary>Gets the sampling fraction q = m/n.</summary>
    public double SamplingFraction => (double)SampleSize / DatasetSize;

    /// <summary>Gets the event run on the batch.</summary>
    public PrivacyEvent Event { get; }

    /// <summary>
    /// One DP-SGD step on a fixed-size batch: per-example gradients clipped to norm C, summed, plus N(0, σ²C²) noise.
    /// Under substitution the clipped sum has sensitivity 2C, so the inner event is <c>new GaussianEvent(σ / 2)</c>.
    /// </summary>
    /// <param name="datasetSize">n, the number of training examples; ≥ 1.</param>
    /// <param name="batchSize">b, the fixed batch size; in [0, n].</param>
    /// <param name="noiseMultiplier">σ, DP-SGD's noise multiplier (noise standard deviation over the clipping norm); finite and &gt; 0.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static SampledWithoutReplacementEvent DpSgdStep(long datasetSize, long batchSize, double noiseMultiplier) =>
        new(datasetSize, batchSize, new GaussianEvent(Guard.PositiveFinite(noiseMultiplier) / 2.0));
}

/// <summary>The same event repeated <see cref="Count"/> times (e.g. T DP-SGD steps).</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record SelfComposedEvent : PrivacyEvent
{
    /// <summary>Creates the event.</summary>
    /// <param name="event">The repeated event.</param>
    /// <param name="count">How many times; ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is &lt; 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="event"/> is <see langword="null"/>.</exception>
    public SelfComposedEvent(PrivacyEvent @event, long count)
    {
        ArgumentNullException.ThrowIfNull(@event, nameof(@event));
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "count (the number of steps) must be >= 1.");
        }

        Event = @event;
        Count = count;
    }

    /// <summary>Gets the repeated event.</summary>
    public PrivacyEvent Event { get; }

    /// <summary>Gets the number of repetitions.</summary>
    public long Count { get; }
}

/// <summary>A sequence of (possibly different) events run one after the other on the same data.</summary>
/// <remarks>Immutable and thread-safe; equality compares the events in order.</remarks>
public sealed record ComposedEvent : PrivacyEvent
{
    /// <summary>Creates the event.</summary>
    /// <param name="events">The events; at least one, none <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="events"/> or one of its items is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="events"/> is empty.</exception>
    public ComposedEvent(IEnumerable<PrivacyEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var list = new List<PrivacyEvent>();
        foreach (var e in events)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            list.Add(e);
        }

        if (list.Count == 0)
        {
            throw new ArgumentException("events must hold at least one event.", nameof(events));
        }

        Events = new ReadOnlyCollection<PrivacyEvent>(list);
    }

    /// <summary>Creates the event.</summary>
    /// <param name="events">The events; at least one, none <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="events"/> or one of its items is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="events"/> is empty.</exception>
    public ComposedEvent(params PrivacyEvent[] events)
        : this((IEnumerable<PrivacyEvent>)events)
    {
    }

    /// <summary>Gets the events in order.</summary>
    public IReadOnlyList<PrivacyEvent> Events { get; }

    /// <inheritdoc/>
    public bool Equals(ComposedEvent? other) =>
        other is not null && Events.SequenceEqual(other.Events);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var e in Events)
        {
            hash.Add(e);
        }

        return hash.ToHashCode();
    }
}

/// <summary>A privacy event that an accountant cannot analyse (e.g. a Poisson-sampled Laplace event in the RDP accountant).</summary>
/// <remarks>Thread-safe (immutable).</remarks>
public sealed class UnsupportedPrivacyEventException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UnsupportedPrivacyEventException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was not supported.</param>
    public UnsupportedPrivacyEventException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What was not supported.</param>
    /// <param name="innerException">The cause.</param>
    public UnsupportedPrivacyEventException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

using LlmCore.Privacy.Budget;
using LlmCore.Privacy.Guarantees;
using LlmCore.Privacy.Mechanisms;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Aggregations;

/// <summary>
/// Differentially private count, sum, mean, variance and quantiles over records keyed by a privacy unit (a user),
/// with per-user contribution bounding and value clamping, and histograms over unknown keys with DP partition
/// selection.
/// </summary>
/// <remarks>
/// <para>This type is immutable and thread-safe when its random source is. Each method spends its whole guarantee
/// from the optional budget before drawing any noise.</para>
/// <para>Contribution bounding keeps, for each user, the first L∞ records (and, for histograms, the first L0 distinct
/// keys) in input order. Values are clamped to [lower, upper]. Counts use the discrete Laplace mechanism, sums the
/// floating-point-safe Laplace mechanism; the mean and variance split ε equally between a count and normalised sums
/// (centred on the midpoint of the bounds, as Google's BoundedMean does), and the results are clamped to the
/// feasible range. Quantiles use the exponential mechanism over the gaps between sorted values (Smith 2011,
/// "Privacy-preserving statistical estimation with optimal convergence rates"). Partition selection releases a key
/// only when its noisy count reaches τ = L∞ + m, where m is the smallest integer with L0·P[K ≥ m] ≤ δ for the
/// discrete Laplace noise K (Korolova et al. 2009; Wilson et al. 2020), so the histogram is (ε, δ)-DP.</para>
/// </remarks>
public sealed class BoundedAggregations
{
    private readonly IRandomSource _source;

    /// <summary>Initializes a new instance of the <see cref="BoundedAggregations"/> class.</summary>
    /// <param name="source">The random bits; <see langword="null"/> selects <see cref="SecureRandomSource.Instance"/>.</param>
    public BoundedAggregations(IRandomSource? source = null)
    {
        _source = source ?? SecureRandomSource.Instance;
    }

    /// <summary>Counts records, at most <paramref name="maxContributionsPerUser"/> per user, with ε-DP.</summary>
    /// <typeparam name="TId">The privacy unit's identifier.</typeparam>
    /// <param name="privacyIds">One entry per record: the id of the user it belongs to.</param>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="maxContributionsPerUser">L∞ ≥ 1.</param>
    /// <param name="budget">An optional budget, spent before any noise is drawn.</param>
    /// <returns>The noisy count.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="privacyIds"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The budget cannot pay for the release.</exception>
    public PrivateResult<long> Count<TId>(IEnumerable<TId> privacyIds, double epsilon, int maxContributionsPerUser = 1, PrivacyBudget? budget = null)
        where TId : notnull
    {
        ArgumentNullException.ThrowIfNull(privacyIds);
        var mechanism = new DiscreteLaplaceMechanism(epsilon, CheckContributions(maxContributionsPerUser), _source);
        var count = Bound(privacyIds.Select(static id => (id, 0.0)), maxContributionsPerUser).LongCount();
        budget?.Spend(mechanism.Guarantee);
        return new(mechanism.Release(count), mechanism.Guarantee);
    }

    /// <summary>Sums values clamped to [<paramref name="lower"/>, <paramref name="upper"/>], at most L∞ per user, with ε-DP.</summary>
    /// <typeparam name="TId">The privacy unit's identifier.</typeparam>
    /// <param name="records">The records: user id and value.</param>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="lower">The lower clamp, finite.</param>
    /// <param name="upper">The upper clamp, finite and &gt; <paramref name="lower"/>.</param>
    /// <param name="maxContributionsPerUser">L∞ ≥ 1.</param>
    /// <param name="budget">An optional budget, spent before any noise is drawn.</param>
    /// <returns>The noisy sum.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The budget cannot pay for the release.</exception>
    public PrivateResult<double> Sum<TId>(IEnumerable<(TId Id, double Value)> records, double epsilon, double lower, double upper, int maxContributionsPerUser = 1, PrivacyBudget? budget = null)
        where TId : notnull
    {
        ArgumentNullException.ThrowIfNull(records);
        CheckBounds(lower, upper);
        var c = CheckContributions(maxContributionsPerUser);
        var mechanism = new LaplaceMechanism(epsilon, c * Math.Max(Math.Abs(lower), Math.Abs(upper)), _source);
        var sum = 0.0;
        foreach (var (_, value) in Bound(records, c))
        {
            sum += Math.Clamp(value, lower, upper);
        }

        return new(mechanism.Release(sum, budget), mechanism.Guarantee);
    }

    /// <summary>The mean of values clamped to [lower, upper], at most L∞ per user, with ε-DP (ε split between a count and a sum).</summary>
    /// <typeparam name="TId">The privacy unit's identifier.</typeparam>
    /// <param name="records">The records: user id and value.</param>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="lower">The lower clamp, finite.</param>
    /// <param name="upper">The upper clamp, finite and &gt; <paramref name="lower"/>.</param>
    /// <param name="maxContributionsPerUser">L∞ ≥ 1.</param>
    /// <param name="budget">An optional budget, spent before any noise is drawn.</param>
    /// <returns>The noisy mean, within [lower, upper].</returns>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The budget cannot pay for the release.</exception>
    public PrivateResult<double> Mean<TId>(IEnumerable<(TId Id, double Value)> records, double epsilon, double lower, double upper, int maxContributionsPerUser = 1, PrivacyBudget? budget = null)
        where TId : notnull
    {
        ArgumentNullException.ThrowIfNull(records);
        Guard.PositiveFinite(epsilon);
        CheckBounds(lower, upper);
        var c = CheckContributions(maxContributionsPerUser);
        var mid = lower + ((upper - lower) / 2);
        var half = (upper - lower) / 2;
        var counter = new DiscreteLaplaceMechanism(epsilon / 2, c, _source);
        var summer = new LaplaceMechanism(epsilon / 2, c * half, _source);
        long n = 0;
        var centred = 0.0;
        foreach (var (_, value) in Bound(records, c))
        {
            n++;
            centred += Math.Clamp(value, lower, upper) - mid;
        }

        var guarantee = PrivacyGuarantee.Pure(epsilon);
        budget?.Spend(guarantee);
        var noisyCount = Math.Max(1, counter.Release(n));
        var noisySum = summer.Release(centred);
        return new(Math.Clamp(mid + (noisySum / noisyCount), lower, upper), guarantee);
    }

    /// <summary>The (population) variance of values clamped to [lower, upper], at most L∞ per user, with ε-DP (ε split in three).</summary>
    /// <typeparam name="TId">The privacy unit's identifier.</typeparam>
    /// <param name="records">The records: user id and value.</param>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="lower">The lower clamp, finite.</param>
    /// <param name="upper">The upper clamp, finite and &gt; <paramref name="lower"/>.</param>
    /// <param name="maxContributionsPerUser">L∞ ≥ 1.</param>
    /// <param name="budget">An optional budget, spent before any noise is drawn.</param>
    /// <returns>The noisy variance, within [0, ((upper − lower)/2)²].</returns>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The budget cannot pay for the release.</exception>
    public PrivateResult<double> Variance<TId>(IEnumerable<(TId Id, double Value)> records, double epsilon, double lower, double upper, int maxContributionsPerUser = 1, PrivacyBudget? budget = null)
        where TId : notnull
    {
        ArgumentNullException.ThrowIfNull(records);
        Guard.PositiveFinite(epsilon);
        CheckBounds(lower, upper);
        var c = CheckContributions(maxContributionsPerUser);
        var mid = lower + ((upper - lower) / 2);
        var half = (upper - lower) / 2;
        var counter = new DiscreteLaplaceMechanism(epsilon / 3, c, _source);
        var summer = new LaplaceMechanism(epsilon / 3, c * half, _source);
        var squares = new LaplaceMechanism(epsilon / 3, c * half * half, _source);
        long n = 0;
        double s1 = 0, s2 = 0;
        foreach (var (_, value) in Bound(records, c))
        {
            var x = Math.Clamp(value, lower, upper) - mid;
            n++;
            s1 += x;
            s2 += x * x;
        }

        var guarantee = PrivacyGuarantee.Pure(epsilon);
        budget?.Spend(guarantee);
        var noisyCount = Math.Max(1, counter.Release(n));
        var m1 = summer.Release(s1) / noisyCount;
        var m2 = squares.Release(s2) / noisyCount;
        return new(Math.Clamp(m2 - (m1 * m1), 0, half * half), guarantee);
    }

    /// <summary>
    /// The q-quantile of values clamped to [lower, upper], at most L∞ per user, with ε-DP by the exponential mechanism
    /// over the gaps between sorted values (Smith 2011): utility −|i − q·n| with sensitivity L∞.
    /// </summary>
    /// <typeparam name="TId">The privacy unit's identifier.</typeparam>
    /// <param name="records">The records: user id and value.</param>
    /// <param name="quantile">q in [0, 1].</param>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="lower">The lower clamp, finite.</param>
    /// <param name="upper">The upper clamp, finite and &gt; <paramref name="lower"/>.</param>
    /// <param name="maxContributionsPerUser">L∞ ≥ 1.</param>
    /// <param name="budget">An optional budget, spent before any randomness is drawn.</param>
    /// <returns>The noisy quantile, within [lower, upper].</returns>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The budget cannot pay for the release.</exception>
    public PrivateResult<double> Quantile<TId>(IEnumerable<(TId Id, double Value)> records, double quantile, double epsilon, double lower, double upper, int maxContributionsPerUser = 1, PrivacyBudget? budget = null)
        where TId : notnull
    {
        ArgumentNullException.ThrowIfNull(records);
        Guard.Probability(quantile);
        Guard.PositiveFinite(epsilon);
        CheckBounds(lower, upper);
        var c = CheckContributions(maxContributionsPerUser);
        var values = Bound(records, c).Select(r => Math.Clamp(r.Value, lower, upper)).ToList();
        values.Sort();
        var points = new double[values.Count + 2];
        points[0] = lower;
        values.CopyTo(points, 1);
        points[^1] = upper;

        // Interval i = [points[i], points[i+1]] has i values below it; log-weight ln(width) − ε|i − qn|/(2c).
        var n = values.Count;
        var logWeights = new double[n + 1];
        var max = double.NegativeInfinity;
        for (var i = 0; i <= n; i++)
        {
            var width = points[i + 1] - points[i];
            logWeights[i] = width > 0 ? Math.Log(width) - (epsilon * Math.Abs(i - (quantile * n)) / (2.0 * c)) : double.NegativeInfinity;
            max = Math.Max(max, logWeights[i]);
        }

        var guarantee = PrivacyGuarantee.Pure(epsilon);
        budget?.Spend(guarantee);
        var total = 0.0;
        for (var i = 0; i <= n; i++)
        {
            logWeights[i] = Math.Exp(logWeights[i] - max);
            total += logWeights[i];
        }

        var u = UniformSampler.NextDouble(_source) * total;
        var chosen = n;
        for (var i = 0; i <= n; i++)
        {
            u -= logWeights[i];
            if (u < 0)
            {
                chosen = i;
                break;
            }
        }

        while (logWeights[chosen] == 0 && chosen > 0)
        {
            chosen--;
        }

        var left = points[chosen];
        var right = points[chosen + 1];
        return new(Math.Clamp(left + (UniformSampler.NextDouble(_source) * (right - left)), lower, upper), guarantee);
    }

    /// <summary>
    /// Counts records per key over keys not known in advance, with per-user bounds and DP partition selection:
    /// (ε, δ)-DP, where δ is the chance that a key held by a single user is released.
    /// </summary>
    /// <typeparam name="TId">The privacy unit's identifier.</typeparam>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="records">The records: user id and key.</param>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="delta">δ in (0, 1), spent on partition selection.</param>
    /// <param name="bounds">L0 and L∞.</param>
    /// <param name="budget">An optional budget, spent before any noise is drawn.</param>
    /// <returns>The released keys, their noisy counts, the threshold and the guarantee.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="records"/> or <paramref name="bounds"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    /// <exception cref="PrivacyBudgetExceededException">The budget cannot pay for the release.</exception>
    public PrivateHistogram<TKey> Histogram<TId, TKey>(IEnumerable<(TId Id, TKey Key)> records, double epsilon, double delta, ContributionBounds bounds, PrivacyBudget? budget = null)
        where TId : notnull
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(bounds);
        Guard.PositiveFinite(epsilon);
        Guard.PositiveDelta(delta);
        var l0 = bounds.MaxPartitionsContributed;
        var linf = bounds.MaxContributionsPerPartition;
        var mechanism = new DiscreteLaplaceMechanism(epsilon, (long)l0 * linf, _source);
        var threshold = linf + SelectionOffset(mechanism.Scale, l0, delta);

        var keysPerUser = new Dictionary<TId, Dictionary<TKey, int>>();
        var counts = new Dictionary<TKey, long>();
        foreach (var (id, key) in records)
        {
            if (!keysPerUser.TryGetValue(id, out var keys))
            {
                keys = [];
                keysPerUser[id] = keys;
            }

            if (keys.TryGetValue(key, out var used))
            {
                if (used >= linf)
                {
                    continue;
                }

                keys[key] = used + 1;
            }
            else
            {
                if (keys.Count >= l0)
                {
                    continue;
                }

                keys[key] = 1;
            }

            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        var guarantee = PrivacyGuarantee.Approximate(epsilon, delta);
        budget?.Spend(guarantee);
        var released = new Dictionary<TKey, long>();
        foreach (var (key, count) in counts)
        {
            var noisy = mechanism.Release(count);
            if (noisy >= threshold)
            {
                released[key] = noisy;
            }
        }

        return new(released, threshold, guarantee);
    }

    /// <summary>
    /// The smallest integer m ≥ 1 with L0·P[K ≥ m] ≤ δ for K discrete Laplace of scale t, where
    /// P[K ≥ m] = q^m/(1 + q), q = e^{−1/t}.
    /// </summary>
    internal static long SelectionOffset(double scale, int maxPartitions, double delta)
    {
        var logQ = -1 / scale;
        var q = Math.Exp(logQ);
        var m = Math.Ceiling((Math.Log(delta * (1 + q) / maxPartitions)) / logQ);
        return Math.Max(1, (long)m);
    }

    private static int CheckContributions(int maxContributionsPerUser)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxContributionsPerUser, 1);
        return maxContributionsPerUser;
    }

    private static void CheckBounds(double lower, double upper)
    {
        Guard.Finite(lower);
        Guard.Finite(upper);
        if (!(upper > lower))
        {
            throw new ArgumentOutOfRangeException(nameof(upper), upper, $"must be > lower ({lower}).");
        }
    }

    private static IEnumerable<(TId Id, double Value)> Bound<TId>(IEnumerable<(TId Id, double Value)> records, int maxPerUser)
        where TId : notnull
    {
        var seen = new Dictionary<TId, int>();
        foreach (var record in records)
        {
            var used = seen.GetValueOrDefault(record.Id);
            if (used >= maxPerUser)
            {
                continue;
            }

            seen[record.Id] = used + 1;
            yield return record;
        }
    }
}

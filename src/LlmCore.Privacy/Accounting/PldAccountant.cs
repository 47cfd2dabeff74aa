using LlmCore.Privacy.Accounting.Internal;

namespace LlmCore.Privacy.Accounting;

/// <summary>
/// The privacy-loss-distribution accountant, after dp_accounting's <c>PLDAccountant</c>: each event becomes a
/// discretised distribution of its privacy loss, compositions are convolutions (direct for small supports, otherwise
/// FFT via MathNet.Numerics, with one FFT raised to the power T for T-fold self-composition), and
/// δ(ε) = E[(1 − e^{ε−L})₊] + P(L = ∞) (Meiser and Mohammadi 2018; Koskela, Jälkö and Honkela 2020; Doroshenko,
/// Ghazi, Kamath, Kumar and Manurangsi 2022).
/// </summary>
/// <remarks>
/// <para>Discretisation is pessimistic: losses are rounded up to a grid of width <see cref="DiscretizationInterval"/>
/// and truncated upper tails (mass ≤ <see cref="TailMassTruncation"/>) are moved to +∞, so the reported δ(ε) and ε(δ)
/// are upper bounds. Over T steps the rounding adds at most T·interval to ε (in practice far less: 1e-4 relative for
/// DP-SGD settings), which is the "discretisation error" the tests allow.</para>
/// <para>Both estimates of dp_accounting are available (its <c>pessimistic_estimate</c> flag): <see cref="GetEpsilon"/> and
/// <see cref="GetDelta"/> answer with the pessimistic one, an upper bound; <see cref="GetEpsilonBounds"/> and
/// <see cref="GetDeltaBounds"/> add the optimistic one, a lower bound, whose distribution rounds every loss down and drops
/// truncated lower tails (privacy buckets, Meiser and Mohammadi 2018). The true value lies between the two, so their gap
/// shows how much the discretisation costs; both converge to it as the interval shrinks. The optimistic distributions
/// are built from <see cref="History"/> the first time they are asked for and kept up to date from then on.</para>
/// <para>Adjacency is add/remove-one. Poisson-sampled events have different loss distributions in the add and the
/// remove direction; both are composed and the worse (larger δ, larger ε) is reported, as dp_accounting does
/// (Opacus' PRV accountant uses the remove direction only).</para>
/// <para>Supported events: <see cref="GaussianEvent"/>, <see cref="LaplaceEvent"/>, <see cref="RandomizedResponseEvent"/>,
/// <see cref="PoissonSampledEvent"/> of a Gaussian, a Laplace or a randomized response with
/// <see cref="RandomizedResponseAdjacency.ReplaceSpecial"/> adjacency (add/remove: an absent record answers uniformly),
/// and self-compositions and compositions of these. <see cref="SampledWithoutReplacementEvent"/> (fixed-size batches, replace-one
/// neighbours) is not supported (dp_accounting's PLD accountant does not support it either): use <see cref="RdpAccountant"/>.</para>
/// <para>Limits: time and memory grow with the width of the privacy loss (in grid points: its span in nats divided by
/// the interval) and, for compositions, with the span of the composed loss. Before it allocates, the accountant estimates
/// the largest grid or FFT length a request needs and refuses one above <see cref="MaxGridPoints"/> (default
/// <see cref="DefaultMaxGridPoints"/> = 2^24 points, 128 MiB per array; a request at the limit takes about 1 GiB at its
/// peak and seconds of CPU) with an <see cref="AccountingLimitExceededException"/>, an
/// <see cref="ArgumentOutOfRangeException"/> that names the argument and both numbers. Typical DP-SGD settings need far
/// less (σ = 1, q = 0.01 over 10⁵ steps: about 2^18 points). Requests that hit the limit are those with almost no noise
/// (σ ≲ 0.01, where ε is in the hundreds or thousands of nats) or with extreme step counts; raise the limit (up to
/// <see cref="MaxGridPointsLimit"/>) with the constructor or <see cref="AccountingOptions.PldMaxGridPoints"/>, coarsen the
/// interval, or use <see cref="RdpAccountant"/>, whose cost does not depend on these.</para>
/// <para>Thread-safe: every member takes a lock.</para>
/// </remarks>
public sealed class PldAccountant : IPrivacyAccountant
{
    /// <summary>The default limit on the points of any one grid or FFT: 2^24 = 16,777,216 (128 MiB per array of doubles).</summary>
    public const long DefaultMaxGridPoints = 1L << 24;

    /// <summary>The largest <see cref="MaxGridPoints"/> accepted: 2^28 = 268,435,456 points (2 GiB per array of doubles).</summary>
    public const long MaxGridPointsLimit = 1L << 28;

    /// <summary>The smallest <see cref="MaxGridPoints"/> accepted: 2^10 = 1024 points.</summary>
    public const long MinGridPointsLimit = 1L << 10;

    /// <summary>The default grid width, 1e-4 nats (dp_accounting's <c>value_discretization_interval</c>).</summary>
    public const double DefaultDiscretizationInterval = 1e-4;

    /// <summary>The default truncated tail mass, 1e-15.</summary>
    public const double DefaultTailMassTruncation = 1e-15;

    private readonly Lock _lock = new();
    private readonly List<PrivacyEvent> _history = [];
    private PrivacyLossDistribution? _remove;
    private PrivacyLossDistribution? _add;
    private PrivacyLossDistribution? _optimisticRemove;
    private PrivacyLossDistribution? _optimisticAdd;
    private int _optimisticEvents;

    /// <summary>Creates an empty accountant.</summary>
    /// <param name="discretizationInterval">Grid width in nats, in [1e-6, 0.1]; smaller is tighter and slower.</param>
    /// <param name="tailMassTruncation">Probability mass that may be truncated to the tails per operation, in [1e-30, 1e-6].</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range or NaN.</exception>
    public PldAccountant(double discretizationInterval = DefaultDiscretizationInterval, double tailMassTruncation = DefaultTailMassTruncation)
        : this(discretizationInterval, tailMassTruncation, DefaultMaxGridPoints)
    {
    }

    /// <summary>Creates an empty accountant with a limit on the work one request may do.</summary>
    /// <param name="discretizationInterval">Grid width in nats, in [1e-6, 0.1]; smaller is tighter and slower.</param>
    /// <param name="tailMassTruncation">Probability mass that may be truncated to the tails per operation, in [1e-30, 1e-6].</param>
    /// <param name="maxGridPoints">The most points any one grid or FFT may have, in [<see cref="MinGridPointsLimit"/>,
    /// <see cref="MaxGridPointsLimit"/>] (default <see cref="DefaultMaxGridPoints"/>); a request that needs more is refused
    /// with <see cref="AccountingLimitExceededException"/> before anything is allocated. Peak memory is about eight arrays of
    /// this many doubles.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range or NaN.</exception>
    public PldAccountant(double discretizationInterval, double tailMassTruncation, long maxGridPoints)
    {
        if (maxGridPoints < MinGridPointsLimit || maxGridPoints > MaxGridPointsLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(maxGridPoints), maxGridPoints, $"maxGridPoints must be in [{MinGridPointsLimit}, {MaxGridPointsLimit}].");
        }

        if (!(discretizationInterval >= 1e-6 && discretizationInterval <= 0.1))
        {
            throw new ArgumentOutOfRangeException(nameof(discretizationInterval), discretizationInterval, "discretizationInterval must be in [1e-6, 0.1].");
        }

        if (!(tailMassTruncation >= 1e-30 && tailMassTruncation <= 1e-6))
        {
            throw new ArgumentOutOfRangeException(nameof(tailMassTruncation), tailMassTruncation, "tailMassTruncation must be in [1e-30, 1e-6].");
        }

        DiscretizationInterval = discretizationInterval;
        TailMassTruncation = tailMassTruncation;
        MaxGridPoints = maxGridPoints;
    }

    /// <summary>Gets the most points any one grid or FFT may have; requests that need more are refused (see the remarks).</summary>
    public long MaxGridPoints { get; }

    /// <summary>Gets the grid width of the privacy loss, in nats.</summary>
    public double DiscretizationInterval { get; }

    /// <summary>Gets the probability mass that may be truncated to the tails per operation.</summary>
    public double TailMassTruncation { get; }

    /// <inheritdoc/>
    public IReadOnlyList<PrivacyEvent> History
    {
        get
        {
            lock (_lock)
            {
                return _history.ToArray();
            }
        }
    }

    /// <inheritdoc/>
    public bool Supports(PrivacyEvent privacyEvent)
    {
        ArgumentNullException.ThrowIfNull(privacyEvent);
        return IsSupported(privacyEvent);
    }

    /// <inheritdoc/>
    /// <exception cref="AccountingLimitExceededException">The request needs more than <see cref="MaxGridPoints"/> grid points; nothing was composed.</exception>
    public IPrivacyAccountant Compose(PrivacyEvent privacyEvent, long count = 1)
    {
        ArgumentNullException.ThrowIfNull(privacyEvent);
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 1.");
        }

        var e = count == 1 ? privacyEvent : new SelfComposedEvent(privacyEvent, count);
        var built = Build(e);
        lock (_lock)
        {
            (_remove, _add) = Combine(_remove, _add, built);
            _history.Add(e);
        }

        return this;
    }

    /// <inheritdoc/>
    public double GetEpsilon(double delta)
    {
        RdpAccountant.CheckDelta(delta, nameof(delta));
        lock (_lock)
        {
            return Epsilon(_remove, _add, delta);
        }
    }

    /// <inheritdoc/>
    public double GetDelta(double epsilon)
    {
        RdpAccountant.CheckEpsilon(epsilon, nameof(epsilon));
        lock (_lock)
        {
            return Delta(_remove, _add, epsilon);
        }
    }

    /// <summary>
    /// The optimistic (lower) and pessimistic (upper) estimates of the smallest ε such that the composition so far is
    /// (ε, δ)-DP; the true ε lies between them. <see cref="PldBounds.Upper"/> equals <see cref="GetEpsilon"/>.
    /// </summary>
    /// <param name="delta">δ, in (0, 1).</param>
    /// <returns>The two estimates, each ≥ 0 and possibly +∞ (0 and 0 before any event).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is outside (0, 1) or NaN.</exception>
    /// <exception cref="AccountingLimitExceededException">Building the optimistic distributions (on the first call) needs more than <see cref="MaxGridPoints"/> grid points.</exception>
    public PldBounds GetEpsilonBounds(double delta)
    {
        RdpAccountant.CheckDelta(delta, nameof(delta));
        lock (_lock)
        {
            var (remove, add) = Optimistic();
            return new PldBounds(Epsilon(remove, add, delta), Epsilon(_remove, _add, delta));
        }
    }

    /// <summary>
    /// The optimistic (lower) and pessimistic (upper) estimates of the smallest δ such that the composition so far is
    /// (ε, δ)-DP; the true δ lies between them. <see cref="PldBounds.Upper"/> equals <see cref="GetDelta"/>.
    /// </summary>
    /// <param name="epsilon">ε ≥ 0 (+∞ gives the mass at infinite loss).</param>
    /// <returns>The two estimates, each in [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> is negative or NaN.</exception>
    /// <exception cref="AccountingLimitExceededException">Building the optimistic distributions (on the first call) needs more than <see cref="MaxGridPoints"/> grid points.</exception>
    public PldBounds GetDeltaBounds(double epsilon)
    {
        RdpAccountant.CheckEpsilon(epsilon, nameof(epsilon));
        lock (_lock)
        {
            var (remove, add) = Optimistic();
            return new PldBounds(Delta(remove, add, epsilon), Delta(_remove, _add, epsilon));
        }
    }

    /// <inheritdoc/>
    /// <exception cref="AccountingLimitExceededException">The request needs more than <see cref="MaxGridPoints"/> grid points.</exception>
    public double GetEpsilonIfComposed(PrivacyEvent privacyEvent, double delta)
    {
        ArgumentNullException.ThrowIfNull(privacyEvent);
        RdpAccountant.CheckDelta(delta, nameof(delta));
        var built = Build(privacyEvent);
        lock (_lock)
        {
            var (r, a) = Combine(_remove, _add, built);
            return Epsilon(r, a, delta);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="AccountingLimitExceededException">The request needs more than <see cref="MaxGridPoints"/> grid points.</exception>
    public double GetDeltaIfComposed(PrivacyEvent privacyEvent, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(privacyEvent);
        RdpAccountant.CheckEpsilon(epsilon, nameof(epsilon));
        var built = Build(privacyEvent);
        lock (_lock)
        {
            var (r, a) = Combine(_remove, _add, built);
            return Delta(r, a, epsilon);
        }
    }

    /// <summary>The optimistic pair, brought up to date with <see cref="History"/> (called under the lock).</summary>
    private (PrivacyLossDistribution? Remove, PrivacyLossDistribution? Add) Optimistic()
    {
        for (; _optimisticEvents < _history.Count; _optimisticEvents++)
        {
            var built = BuildSupported(_history[_optimisticEvents], pessimistic: false);
            (_optimisticRemove, _optimisticAdd) = Combine(_optimisticRemove, _optimisticAdd, built);
        }

        return (_optimisticRemove, _optimisticAdd);
    }

    private static double Epsilon(PrivacyLossDistribution? remove, PrivacyLossDistribution? add, double delta)
    {
        if (remove is null || add is null)
        {
            return 0.0;
        }

        var e = remove.GetEpsilon(delta);
        return ReferenceEquals(remove, add) ? e : Math.Max(e, add.GetEpsilon(delta));
    }

    private static double Delta(PrivacyLossDistribution? remove, PrivacyLossDistribution? add, double epsilon)
    {
        if (remove is null || add is null || double.IsPositiveInfinity(epsilon))
        {
            return remove is null ? 0.0 : Math.Max(remove.InfinityMass, add!.InfinityMass);
        }

        var d = remove.GetDelta(epsilon);
        return ReferenceEquals(remove, add) ? d : Math.Max(d, add.GetDelta(epsilon));
    }

    private (PrivacyLossDistribution Remove, PrivacyLossDistribution Add) Combine(
        PrivacyLossDistribution? remove, PrivacyLossDistribution? add, (PrivacyLossDistribution Remove, PrivacyLossDistribution Add) next)
    {
        if (remove is null || add is null)
        {
            return next;
        }

        var r = remove.Convolve(next.Remove, TailMassTruncation, MaxGridPoints);
        var a = ReferenceEquals(remove, add) && ReferenceEquals(next.Remove, next.Add) ? r : add.Convolve(next.Add, TailMassTruncation, MaxGridPoints);
        return (r, a);
    }

    private static bool IsSupported(PrivacyEvent privacyEvent) => privacyEvent switch
    {
        GaussianEvent or LaplaceEvent or RandomizedResponseEvent => true,
        PoissonSampledEvent { Event: GaussianEvent or LaplaceEvent } => true,
        PoissonSampledEvent { Event: RandomizedResponseEvent { Adjacency: RandomizedResponseAdjacency.ReplaceSpecial } } => true,
        PoissonSampledEvent { SamplingProbability: 1.0 } p => IsSupported(p.Event),
        SelfComposedEvent s => IsSupported(s.Event),
        ComposedEvent c => c.Events.All(IsSupported),
        _ => false,
    };

    private (PrivacyLossDistribution Remove, PrivacyLossDistribution Add) Build(PrivacyEvent privacyEvent)
    {
        if (!IsSupported(privacyEvent))
        {
            throw new UnsupportedPrivacyEventException(
                $"The PLD accountant cannot analyse {privacyEvent.GetType().Name}: it supports Gaussian, Laplace and randomized-response events, Poisson-sampled Gaussians and Laplaces, Poisson-sampled randomized response with ReplaceSpecial (add/remove) adjacency, and their compositions. Poisson sampling pairs with add/remove adjacency, so a sampled ReplaceOne randomized response has no defined neighbour. Sampling without replacement (fixed-size batches) is analysed by the RDP accountant only.");
        }

        return BuildSupported(privacyEvent);
    }

    private (PrivacyLossDistribution Remove, PrivacyLossDistribution Add) BuildSupported(PrivacyEvent privacyEvent, bool pessimistic = true)
    {
        var interval = DiscretizationInterval;
        var tail = TailMassTruncation;
        var limit = MaxGridPoints;
        PrivacyLossDistribution Discretise(LossVariable loss, double grid, double truncation) => pessimistic
            ? PrivacyLossDistribution.FromLossVariable(loss, grid, truncation, limit)
            : PrivacyLossDistribution.FromLossVariableOptimistic(loss, grid, truncation, limit);
        switch (privacyEvent)
        {
            case GaussianEvent g:
                {
                    var pld = Discretise(new GaussianRemoveLoss(1.0, g.NoiseMultiplier), interval, tail);
                    return (pld, pld);
                }

            case LaplaceEvent l:
                {
                    var pld = Discretise(new LaplaceRemoveLoss(1.0, l.Scale), interval, tail);
                    return (pld, pld);
                }

            case RandomizedResponseEvent rr:
                return BuildRandomizedResponse(rr, interval, limit, pessimistic);

            case PoissonSampledEvent { SamplingProbability: 1.0 } p:
                return BuildSupported(p.Event, pessimistic);

            case PoissonSampledEvent { Event: GaussianEvent g } p:
                return (
                    Discretise(new GaussianRemoveLoss(p.SamplingProbability, g.NoiseMultiplier), interval, tail),
                    Discretise(new GaussianAddLoss(p.SamplingProbability, g.NoiseMultiplier), interval, tail));

            case PoissonSampledEvent { Event: LaplaceEvent l } p:
                return (
                    Discretise(new LaplaceRemoveLoss(p.SamplingProbability, l.Scale), interval, tail),
                    Discretise(new LaplaceAddLoss(p.SamplingProbability, l.Scale), interval, tail));

            case PoissonSampledEvent { Event: RandomizedResponseEvent rr } p:
                return BuildRandomizedResponse(rr, interval, limit, pessimistic, p.SamplingProbability);

            case SelfComposedEvent { Event: GaussianEvent g } s:
                // k Gaussian releases with σ are exactly one with σ/√k (dp_accounting's shortcut).
                return BuildSupported(new GaussianEvent(g.NoiseMultiplier / Math.Sqrt(s.Count)), pessimistic);

            case SelfComposedEvent s:
                {
                    var inner = BuildSupported(s.Event, pessimistic);
                    if (ReferenceEquals(inner.Remove, inner.Add))
                    {
                        var both = inner.Remove.SelfCompose(s.Count, tail, limit);
                        return (both, both);
                    }

                    // The two directions are independent: compose them on two cores. Each checks its own cost before it
                    // allocates; a refusal comes out as itself, not wrapped in an AggregateException.
                    PrivacyLossDistribution? r = null, a = null;
                    try
                    {
                        Parallel.Invoke(
                            () => r = inner.Remove.SelfCompose(s.Count, tail, limit),
                            () => a = inner.Add.SelfCompose(s.Count, tail, limit));
                    }
                    catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
                    {
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
                        throw;
                    }

                    return (r!, a!);
                }

            case ComposedEvent c:
                {
                    (PrivacyLossDistribution Remove, PrivacyLossDistribution Add)? acc = null;
                    foreach (var e in c.Events)
                    {
                        var next = BuildSupported(e, pessimistic);
                        acc = acc is null ? next : Combine(acc.Value.Remove, acc.Value.Add, next);
                    }

                    return acc!.Value;
                }

            default:
                throw new UnsupportedPrivacyEventException($"The PLD accountant cannot analyse {privacyEvent.GetType().Name}.");
        }
    }

    /// <summary>
    /// The PLDs of k-ary randomized response, optionally Poisson-sampled with probability q under add/remove
    /// adjacency. With the record present (probability q) the output is RR of its value (a on the true bucket, b = p/k on
    /// each other); absent, it is uniform (u = 1/k). The mixture gives m₁ = q·a + (1 − q)·u on the true bucket and
    /// m₂ = q·b + (1 − q)·u elsewhere; the remove direction compares the mixture with uniform, the add direction
    /// uniform with the mixture. At q = 1 this is <see cref="RandomizedResponseAdjacency.ReplaceSpecial"/> RR.
    /// </summary>
    private static (PrivacyLossDistribution Remove, PrivacyLossDistribution Add) BuildRandomizedResponse(RandomizedResponseEvent rr, double interval, long limit, bool pessimistic, double samplingProbability = 1.0)
    {
        var k = rr.BucketCount;
        var b = rr.NoiseParameter / k;
        var a = 1.0 - rr.NoiseParameter + b;
        if (samplingProbability < 1.0)
        {
            var q = samplingProbability;
            var uniform = 1.0 / k;
            a = (q * a) + ((1 - q) * uniform);
            b = (q * b) + ((1 - q) * uniform);
        }

        if (rr.Adjacency == RandomizedResponseAdjacency.ReplaceOne)
        {
            var pld = PrivacyLossDistribution.FromDiscrete(
                [(Math.Log(a / b), a), (Math.Log(b / a), b), (0.0, (k - 2) * b)], interval, limit, pessimistic);
            return (pld, pld);
        }

        var u = 1.0 / k;
        var forward = PrivacyLossDistribution.FromDiscrete([(Math.Log(a / u), a), (Math.Log(b / u), (k - 1) * b)], interval, limit, pessimistic);
        var backward = PrivacyLossDistribution.FromDiscrete([(Math.Log(u / a), u), (Math.Log(u / b), (k - 1) * u)], interval, limit, pessimistic);
        return (forward, backward);
    }
}

/// <summary>An optimistic (lower) and a pessimistic (upper) estimate of a privacy parameter from a <see cref="PldAccountant"/>.</summary>
/// <param name="Lower">The optimistic estimate: losses rounded down, a lower bound on the true value.</param>
/// <param name="Upper">The pessimistic estimate: losses rounded up, an upper bound on the true value (what the accountant reports).</param>
/// <remarks>Immutable and thread-safe.</remarks>
public readonly record struct PldBounds(double Lower, double Upper);

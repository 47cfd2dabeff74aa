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
/// <para>Both estimates of dp_accounting are available (its <c>pessimistic_estimate</c> flag): <see cref="GetEpsilon(double)"/> and
/// <see cref="GetDelta"/> answer with the pessimistic one, an upper bound; <see cref="GetEpsilonBounds(double)"/> and
/// <see cref="GetDeltaBounds"/> add the optimistic one, a lower bound, whose distribution rounds every loss down and drops
/// truncated lower tails (privacy buckets, Meiser and Mohammadi 2018). The true value lies between the two, so their gap
/// shows how much the discretisation costs; both converge to it as the interval shrinks.</para>
/// <para>Composition is lazy and canonical: <see cref="Compose(PrivacyEvent, long)"/> records the event; distributions (pessimistic, and
/// optimistic once bounds are asked for) are built when ε or δ is asked for, runs of equal consecutive events are
/// self-composed with one FFT power (one DP-SGD step composed per training step costs one self-composition when ε is
/// read, not a convolution of the whole history per step), and the answer does not depend on when or how often it was
/// asked; <see cref="GetEpsilonIfComposed"/> equals <see cref="GetEpsilon(double)"/> after composing.</para>
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

    // The composition, run-length encoded: consecutive compositions of one event form one run, whose distribution is
    // one FFT self-composition. Each estimate (pessimistic, optimistic) builds its distributions from the runs lazily
    // and caches them (see LazyComposition).
    private readonly List<Run> _runs = [];
    private int _validatedRuns;
    private long _validatedCount;
    private readonly LazyComposition _pessimistic;
    private readonly LazyComposition _optimistic;

    // The token of the call in progress (set and cleared under the lock), checked by the composition's outer loops.
    private CancellationToken _cancellation;

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
        _pessimistic = new LazyComposition(this, pessimistic: true);
        _optimistic = new LazyComposition(this, pessimistic: false);
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
    /// <remarks>
    /// Composition is lazy: the event is recorded, and its privacy loss distribution is built when ε or δ is next
    /// asked for. Consecutive compositions of equal events (one per DP-SGD step, say) are self-composed together with
    /// one FFT power, so the result does not depend on when, or how often, ε is read.
    /// </remarks>
    /// <exception cref="AccountingLimitExceededException">The request needs more than <see cref="MaxGridPoints"/> grid points; nothing was composed.</exception>
    public IPrivacyAccountant Compose(PrivacyEvent privacyEvent, long count = 1) => Compose(privacyEvent, count, CancellationToken.None);

    /// <summary>
    /// Composes <paramref name="privacyEvent"/> <paramref name="count"/> times, as <see cref="Compose(PrivacyEvent, long)"/>,
    /// stopping when <paramref name="cancellationToken"/> is cancelled. The check that the composition fits the grid limit
    /// builds the composed distribution, which can take minutes for nearly noiseless requests near the limit; the token
    /// is checked every 65,536 grid points of a discretisation, between squarings, between FFT passes and every 1,024 rows of a direct convolution (not per element).
    /// </summary>
    /// <param name="privacyEvent">The event.</param>
    /// <param name="count">How many times it ran in a row, ≥ 1.</param>
    /// <param name="cancellationToken">Stops the work; the composition is then left as it was before the call.</param>
    /// <returns>This accountant.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing was composed.</exception>
    /// <exception cref="AccountingLimitExceededException">The request needs more than <see cref="MaxGridPoints"/> grid points; nothing was composed.</exception>
    public IPrivacyAccountant Compose(PrivacyEvent privacyEvent, long count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(privacyEvent);
        cancellationToken.ThrowIfCancellationRequested();
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 1.");
        }

        var e = count == 1 ? privacyEvent : new SelfComposedEvent(privacyEvent, count);
        EnsureSupported(e);
        var (inner, repetitions) = Unwrap(privacyEvent, count);
        lock (_lock)
        {
            var extended = _runs.Count > 0 && _runs[^1].Event.Equals(inner);
            if (extended)
            {
                _runs[^1].Count = checked(_runs[^1].Count + repetitions);
            }
            else
            {
                _runs.Add(new Run(inner, repetitions));
            }

            _history.Add(e);
            _pessimistic.Invalidate();
            _optimistic.Invalidate();
            try
            {
                _cancellation = cancellationToken;
                Validate();
            }
            catch (Exception ex) when (ex is AccountingLimitExceededException or OperationCanceledException)
            {
                if (extended)
                {
                    _runs[^1].Count -= repetitions;
                }
                else
                {
                    _runs.RemoveAt(_runs.Count - 1);
                }

                _history.RemoveAt(_history.Count - 1);
                _pessimistic.Reset();
                _optimistic.Reset();
                _validatedRuns = 0;
                throw;
            }
            finally
            {
                _cancellation = CancellationToken.None;
            }
        }

        return this;
    }

    /// <summary>
    /// Checks, when an event is composed, that the composition stays within <see cref="MaxGridPoints"/>, so that a request
    /// beyond it is refused by <see cref="Compose(PrivacyEvent, long)"/> with nothing composed, never later when ε is read. The grid only
    /// grows with the count of the last run, so the check builds the composition once for the next power of two of that
    /// count and skips every later count up to it: one build per doubling of a DP-SGD run, not one per step. Near the
    /// limit, where the power of two does not fit, it checks the exact count. The caller holds the lock.
    /// </summary>
    private void Validate()
    {
        var last = _runs[^1];
        if (_validatedRuns == _runs.Count && last.Count <= _validatedCount)
        {
            return;
        }

        var probe = last.Count >= (1L << 62) ? last.Count : (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)last.Count);
        try
        {
            _pessimistic.TotalWithLastCount(probe);
            _validatedCount = probe;
        }
        catch (AccountingLimitExceededException) when (probe != last.Count)
        {
            _pessimistic.TotalWithLastCount(last.Count);
            _validatedCount = last.Count;
        }

        _validatedRuns = _runs.Count;
    }

    /// <inheritdoc/>
    public double GetEpsilon(double delta) => GetEpsilon(delta, CancellationToken.None);

    /// <summary>As <see cref="GetEpsilon(double)"/>, stopping when <paramref name="cancellationToken"/> is cancelled (checked in the composition's outer loops).</summary>
    /// <param name="delta">δ, in (0, 1).</param>
    /// <param name="cancellationToken">Stops the work; what was built before is kept for the next call.</param>
    /// <returns>ε ≥ 0, possibly +∞.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is outside (0, 1) or NaN.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public double GetEpsilon(double delta, CancellationToken cancellationToken)
    {
        Guard.PositiveDelta(delta);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _cancellation = cancellationToken;
            try
            {
                var total = _pessimistic.Total();
                return Epsilon(total?.Remove, total?.Add, delta);
            }
            finally
            {
                _cancellation = CancellationToken.None;
            }
        }
    }

    /// <inheritdoc/>
    public double GetDelta(double epsilon)
    {
        RdpAccountant.CheckEpsilon(epsilon, nameof(epsilon));
        lock (_lock)
        {
            var total = _pessimistic.Total();
            return Delta(total?.Remove, total?.Add, epsilon);
        }
    }

    /// <summary>
    /// The optimistic (lower) and pessimistic (upper) estimates of the smallest ε such that the composition so far is
    /// (ε, δ)-DP; the true ε lies between them. <see cref="PldBounds.Upper"/> equals <see cref="GetEpsilon(double)"/>.
    /// </summary>
    /// <param name="delta">δ, in (0, 1).</param>
    /// <returns>The two estimates, each ≥ 0 and possibly +∞ (0 and 0 before any event).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is outside (0, 1) or NaN.</exception>
    /// <exception cref="AccountingLimitExceededException">Building the optimistic distributions (on the first call) needs more than <see cref="MaxGridPoints"/> grid points.</exception>
    public PldBounds GetEpsilonBounds(double delta) => GetEpsilonBounds(delta, CancellationToken.None);

    /// <summary>As <see cref="GetEpsilonBounds(double)"/>, stopping when <paramref name="cancellationToken"/> is cancelled (checked in the composition's outer loops).</summary>
    /// <param name="delta">δ, in (0, 1).</param>
    /// <param name="cancellationToken">Stops the work; what was built before is kept for the next call.</param>
    /// <returns>The two estimates, each ≥ 0 and possibly +∞ (0 and 0 before any event).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is outside (0, 1) or NaN.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="AccountingLimitExceededException">Building the optimistic distributions (on the first call) needs more than <see cref="MaxGridPoints"/> grid points.</exception>
    public PldBounds GetEpsilonBounds(double delta, CancellationToken cancellationToken)
    {
        Guard.PositiveDelta(delta);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _cancellation = cancellationToken;
            try
            {
                var lower = _optimistic.Total();
                var upper = _pessimistic.Total();
                return new PldBounds(Epsilon(lower?.Remove, lower?.Add, delta), Epsilon(upper?.Remove, upper?.Add, delta));
            }
            finally
            {
                _cancellation = CancellationToken.None;
            }
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
            var lower = _optimistic.Total();
            var upper = _pessimistic.Total();
            return new PldBounds(Delta(lower?.Remove, lower?.Add, epsilon), Delta(upper?.Remove, upper?.Add, epsilon));
        }
    }

    /// <inheritdoc/>
    /// <exception cref="AccountingLimitExceededException">The request needs more than <see cref="MaxGridPoints"/> grid points.</exception>
    public double GetEpsilonIfComposed(PrivacyEvent privacyEvent, double delta)
    {
        ArgumentNullException.ThrowIfNull(privacyEvent);
        Guard.PositiveDelta(delta);
        EnsureSupported(privacyEvent);
        lock (_lock)
        {
            var (r, a) = _pessimistic.WhatIf(privacyEvent);
            return Epsilon(r, a, delta);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="AccountingLimitExceededException">The request needs more than <see cref="MaxGridPoints"/> grid points.</exception>
    public double GetDeltaIfComposed(PrivacyEvent privacyEvent, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(privacyEvent);
        RdpAccountant.CheckEpsilon(epsilon, nameof(epsilon));
        EnsureSupported(privacyEvent);
        lock (_lock)
        {
            var (r, a) = _pessimistic.WhatIf(privacyEvent);
            return Delta(r, a, epsilon);
        }
    }

    /// <summary>Strips self-compositions: (e, k) with e not a <see cref="SelfComposedEvent"/>.</summary>
    private static (PrivacyEvent Event, long Count) Unwrap(PrivacyEvent privacyEvent, long count)
    {
        while (privacyEvent is SelfComposedEvent s)
        {
            count = checked(count * s.Count);
            privacyEvent = s.Event;
        }

        return (privacyEvent, count);
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

        var r = remove.Convolve(next.Remove, TailMassTruncation, MaxGridPoints, _cancellation);
        var a = ReferenceEquals(remove, add) && ReferenceEquals(next.Remove, next.Add) ? r : add.Convolve(next.Add, TailMassTruncation, MaxGridPoints, _cancellation);
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

    private static void EnsureSupported(PrivacyEvent privacyEvent)
    {
        if (!IsSupported(privacyEvent))
        {
            throw new UnsupportedPrivacyEventException(
                $"The PLD accountant cannot analyse {privacyEvent.GetType().Name}: it supports Gaussian, Laplace and randomized-response events, Poisson-sampled Gaussians and Laplaces, Poisson-sampled randomized response with ReplaceSpecial (add/remove) adjacency, and their compositions. Poisson sampling pairs with add/remove adjacency, so a sampled ReplaceOne randomized response has no defined neighbour. Sampling without replacement (fixed-size batches) is analysed by the RDP accountant only.");
        }
    }

    private (PrivacyLossDistribution Remove, PrivacyLossDistribution Add) BuildSupported(PrivacyEvent privacyEvent, bool pessimistic = true)
    {
        var interval = DiscretizationInterval;
        var tail = TailMassTruncation;
        var limit = MaxGridPoints;
        var cancellation = _cancellation;
        cancellation.ThrowIfCancellationRequested();
        PrivacyLossDistribution Discretise(LossVariable loss, double grid, double truncation) => pessimistic
            ? PrivacyLossDistribution.FromLossVariable(loss, grid, truncation, limit, cancellation)
            : PrivacyLossDistribution.FromLossVariableOptimistic(loss, grid, truncation, limit, cancellation);
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
                        var both = inner.Remove.SelfCompose(s.Count, tail, limit, cancellation);
                        return (both, both);
                    }

                    // The two directions are independent: compose them on two cores. Each checks its own cost before it
                    // allocates; a refusal comes out as itself, not wrapped in an AggregateException.
                    PrivacyLossDistribution? r = null, a = null;
                    try
                    {
                        Parallel.Invoke(
                            () => r = inner.Remove.SelfCompose(s.Count, tail, limit, cancellation),
                            () => a = inner.Add.SelfCompose(s.Count, tail, limit, cancellation));
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

    /// <summary>One run of the composition: an event (not itself a self-composition) and how many times in a row it ran.</summary>
    private sealed class Run(PrivacyEvent privacyEvent, long count)
    {
        public PrivacyEvent Event { get; } = privacyEvent;

        public long Count { get; set; } = count;
    }

    /// <summary>A cached self-composition of one run.</summary>
    private sealed record RunDistribution(PrivacyEvent Event, long Count, PrivacyLossDistribution Remove, PrivacyLossDistribution Add);

    /// <summary>
    /// One estimate (pessimistic or optimistic) of the composition, built from the runs when asked: the runs before the
    /// last are folded once, in order, into a closed prefix; the last run's self-composition is cached for the count last
    /// asked about (its current count, or the one a what-if asked), so that one composition and one question per training
    /// step cost one self-composition. Every caller holds the owner's lock.
    /// </summary>
    private sealed class LazyComposition(PldAccountant owner, bool pessimistic)
    {
        private int _closedRuns;
        private (PrivacyLossDistribution Remove, PrivacyLossDistribution Add)? _closed;
        private RunDistribution? _runCache;
        private (PrivacyLossDistribution Remove, PrivacyLossDistribution Add)? _total;

        public void Invalidate() => _total = null;

        /// <summary>Forgets everything built (after a refused composition was rolled back, the closed prefix may hold a
        /// run that is now the last one).</summary>
        public void Reset()
        {
            _closedRuns = 0;
            _closed = null;
            _runCache = null;
            _total = null;
        }

        /// <summary>The composition of every run (null before the first event).</summary>
        public (PrivacyLossDistribution Remove, PrivacyLossDistribution Add)? Total()
        {
            var runs = owner._runs;
            if (_total is null && runs.Count > 0)
            {
                CloseRunsBeforeLast();
                var last = runs[^1];
                _total = WithClosed(RunPld(last.Event, last.Count));
            }

            return _total;
        }

        /// <summary>The composition with the last run counted <paramref name="count"/> times (a bound checked ahead).</summary>
        public void TotalWithLastCount(long count)
        {
            var runs = owner._runs;
            CloseRunsBeforeLast();
            var last = runs[^1];
            var built = WithClosed(RunPld(last.Event, count));
            if (count == last.Count)
            {
                _total = built;
            }
        }

        /// <summary>The composition if <paramref name="privacyEvent"/> were composed now, in the same canonical form.</summary>
        public (PrivacyLossDistribution Remove, PrivacyLossDistribution Add) WhatIf(PrivacyEvent privacyEvent)
        {
            var runs = owner._runs;
            var (inner, count) = Unwrap(privacyEvent, 1);
            if (runs.Count > 0 && runs[^1].Event.Equals(inner))
            {
                CloseRunsBeforeLast();
                return WithClosed(RunPld(inner, checked(runs[^1].Count + count)));
            }

            var next = RunPld(inner, count);
            return Total() is { } total ? owner.Combine(total.Remove, total.Add, next) : next;
        }

        private void CloseRunsBeforeLast()
        {
            var runs = owner._runs;
            while (_closedRuns < runs.Count - 1)
            {
                var run = runs[_closedRuns];
                var pld = RunPld(run.Event, run.Count);
                _closed = _closed is { } closed ? owner.Combine(closed.Remove, closed.Add, pld) : pld;
                _closedRuns++;
            }
        }

        private (PrivacyLossDistribution Remove, PrivacyLossDistribution Add) WithClosed((PrivacyLossDistribution Remove, PrivacyLossDistribution Add) last) =>
            _closed is { } closed ? owner.Combine(closed.Remove, closed.Add, last) : last;

        private (PrivacyLossDistribution Remove, PrivacyLossDistribution Add) RunPld(PrivacyEvent privacyEvent, long count)
        {
            if (_runCache is { } cached && cached.Count == count && cached.Event.Equals(privacyEvent))
            {
                return (cached.Remove, cached.Add);
            }

            var built = owner.BuildSupported(count == 1 ? privacyEvent : new SelfComposedEvent(privacyEvent, count), pessimistic);
            _runCache = new RunDistribution(privacyEvent, count, built.Remove, built.Add);
            return built;
        }
    }
}

/// <summary>An optimistic (lower) and a pessimistic (upper) estimate of a privacy parameter from a <see cref="PldAccountant"/>.</summary>
/// <param name="Lower">The optimistic estimate: losses rounded down, a lower bound on the true value.</param>
/// <param name="Upper">The pessimistic estimate: losses rounded up, an upper bound on the true value (what the accountant reports).</param>
/// <remarks>Immutable and thread-safe.</remarks>
public readonly record struct PldBounds(double Lower, double Upper);

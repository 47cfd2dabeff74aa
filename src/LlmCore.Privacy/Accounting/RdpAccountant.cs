using System.Collections.ObjectModel;
using LlmCore.Privacy.Accounting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmCore.Privacy.Accounting;

/// <summary>The ε that an RDP curve certifies for a δ, with the order that attains it.</summary>
/// <param name="Epsilon">ε ≥ 0, or <see cref="double.PositiveInfinity"/> when no order gives a finite bound.</param>
/// <param name="Delta">The δ asked for.</param>
/// <param name="OptimalOrder">The Rényi order α at which the minimum is attained; <see langword="null"/> when ε is infinite.</param>
/// <param name="IsOptimalOrderAtBoundary">
/// <see langword="true"/> when the optimum is the smallest or the largest order of the list: ε may improve with a
/// wider list (Opacus warns in the same case).
/// </param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record RdpEpsilonResult(double Epsilon, double Delta, double? OptimalOrder, bool IsOptimalOrderAtBoundary);

/// <summary>How the RDP accountant sums the series for fractional orders of the Poisson-sampled Gaussian.</summary>
public enum FractionalOrderSeries
{
    /// <summary>Opacus' signed generalized-binomial series: exact (up to its e^-30 cut-off). The default.</summary>
    Signed = 0,

    /// <summary>dp_accounting's series of absolute values (since 2024): an upper bound, up to 3% larger at small orders; what TF Privacy reports.</summary>
    AbsoluteUpperBound = 1,
}

/// <summary>
/// The Rényi-DP accountant (the moments accountant of Abadi et al. 2016 in Mironov's RDP form), numerically the same as
/// Opacus' <c>RDPAccountant</c>: RDP of the Poisson-sampled Gaussian at integer and fractional orders (Mironov, Talwar
/// and Zhang 2019), composed by adding curves, converted with the improved conversion
/// ε = min_α RDP(α) + ln((α−1)/α) − (ln δ + ln α)/(α−1) (Balle et al. 2020 Thm 21; Canonne, Kamath and Steinke 2020).
/// </summary>
/// <remarks>
/// <para>Supported events: <see cref="GaussianEvent"/> (α/(2σ²)), <see cref="LaplaceEvent"/> (Mironov 2017 Prop. 6),
/// <see cref="RandomizedResponseEvent"/> (exact divergence of the output distributions), <see cref="ZCdpEvent"/> (αρ),
/// <see cref="PoissonSampledEvent"/> of a Gaussian (add/remove neighbours), <see cref="SampledWithoutReplacementEvent"/> of a
/// Gaussian (replace-one neighbours; Wang, Balle and Kasiviswanathan 2019, Theorem 27, as dp_accounting computes it), where
/// "a Gaussian" may also be a zCDP event or a composition of Gaussians (one equivalent Gaussian), and self-compositions and
/// compositions of these.</para>
/// <para>Neighbouring relation: unsampled events fit either relation; the first sampled event fixes it
/// (<see cref="NeighboringRelation"/>), and an event sampled under the other relation is then refused (dp_accounting
/// configures the relation per accountant and refuses the same events).</para>
/// <para>Fractional orders use Opacus' signed generalized-binomial series, which is exact up to its e^-30 cut-off;
/// dp_accounting (since 2024) sums absolute values instead, an upper bound that is 3.2% larger at q = 0.01, σ = 2.5,
/// α = 1.5. If rounding ever makes a partial sum negative, that order's RDP is +∞ (never a wrong finite value).</para>
/// <para>Conversion: per order, ε(α) is 0 when δ² + expm1(−RDP(α)) &gt; 0 (dp_accounting's KL shortcut), otherwise the
/// formula above; the minimum over orders is reported with its order, and a warning is logged when that order is at an
/// end of the list. Infinite RDP at every order gives ε = +∞.</para>
/// <para>Thread-safe: every member takes a lock.</para>
/// </remarks>
public sealed partial class RdpAccountant : IPrivacyAccountant
{
    private static readonly ReadOnlyCollection<double> s_defaultOrders = BuildOpacusOrders();
    private static readonly ReadOnlyCollection<double> s_dpAccountingOrders = BuildDpAccountingOrders();

    private readonly Lock _lock = new();
    private readonly double[] _orders;
    private readonly double[] _rdp;
    private readonly List<PrivacyEvent> _history = [];
    private readonly ILogger _logger;
    private readonly FractionalOrderSeries _series;
    private RelationUse _relations;

    // The RDP curve of the last event composed or asked about: DP-SGD composes the same event at every step, and its
    // curve (fractional orders need long series) is then computed once, not once per step.
    private (PrivacyEvent Event, double[] Curve)? _lastCurve;

    /// <summary>Creates an empty accountant.</summary>
    /// <param name="orders">The Rényi orders α (each finite and &gt; 1); <see langword="null"/> means <see cref="DefaultOrders"/>.</param>
    /// <param name="logger">Where the "optimal order at an end of the list" warning goes; <see langword="null"/> for none.</param>
    /// <param name="series">How fractional orders are summed: <see cref="FractionalOrderSeries.Signed"/> (exact, Opacus) or <see cref="FractionalOrderSeries.AbsoluteUpperBound"/> (dp_accounting / TF Privacy).</param>
    /// <exception cref="ArgumentException"><paramref name="orders"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An order is ≤ 1, NaN or infinite, or <paramref name="series"/> is undefined.</exception>
    public RdpAccountant(IEnumerable<double>? orders = null, ILogger? logger = null, FractionalOrderSeries series = FractionalOrderSeries.Signed)
    {
        if (!Enum.IsDefined(series))
        {
            throw new ArgumentOutOfRangeException(nameof(series), series, "series must be Signed or AbsoluteUpperBound.");
        }

        _series = series;
        _orders = ValidateOrders(orders ?? s_defaultOrders, nameof(orders));
        _rdp = new double[_orders.Length];
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Gets Opacus' default orders (<c>RDPAccountant.DEFAULT_ALPHAS</c>): 1.1, 1.2, …, 10.9, then 12, 13, …, 63 (151 orders).</summary>
    public static IReadOnlyList<double> DefaultOrders => s_defaultOrders;

    /// <summary>Gets dp_accounting's <c>DEFAULT_RDP_ORDERS</c>: 1.1, …, 10.9, 11, …, 63, 128, 256, 512, 1024 (156 orders).</summary>
    public static IReadOnlyList<double> DpAccountingOrders => s_dpAccountingOrders;

    /// <summary>Gets the orders of this accountant.</summary>
    public IReadOnlyList<double> Orders => Array.AsReadOnly(_orders);

    /// <summary>Gets a copy of the composed RDP curve, one value per order.</summary>
    public IReadOnlyList<double> Rdp
    {
        get
        {
            lock (_lock)
            {
                return Array.AsReadOnly((double[])_rdp.Clone());
            }
        }
    }

    /// <summary>
    /// Gets the neighbouring relation the composed events fix: <see cref="NeighboringRelation.AddOrRemoveOne"/> after a
    /// Poisson-sampled event, <see cref="NeighboringRelation.ReplaceOne"/> after a sampled-without-replacement event, or
    /// <see langword="null"/> while only unsampled events (which fit either) have been composed.
    /// </summary>
    public NeighboringRelation? NeighboringRelation
    {
        get
        {
            lock (_lock)
            {
                return _relations switch
                {
                    RelationUse.AddOrRemoveOne => Accounting.NeighboringRelation.AddOrRemoveOne,
                    RelationUse.ReplaceOne => Accounting.NeighboringRelation.ReplaceOne,
                    _ => null,
                };
            }
        }
    }

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
        if (!RdpMath.Supports(privacyEvent))
        {
            return false;
        }

        lock (_lock)
        {
            return !Conflicts(_relations, RdpMath.Relations(privacyEvent));
        }
    }

    /// <inheritdoc/>
    public IPrivacyAccountant Compose(PrivacyEvent privacyEvent, long count = 1)
    {
        ArgumentNullException.ThrowIfNull(privacyEvent);
        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "count must be >= 1.");
        }

        var curve = CachedCurve(privacyEvent);
        var relations = RdpMath.Relations(privacyEvent);
        lock (_lock)
        {
            ThrowIfConflicting(_relations, relations, privacyEvent);
            _relations |= relations;
            for (var i = 0; i < _rdp.Length; i++)
            {
                _rdp[i] += count * curve[i];
            }

            _history.Add(count == 1 ? privacyEvent : new SelfComposedEvent(privacyEvent, count));
        }

        return this;
    }

    /// <inheritdoc/>
    public double GetEpsilon(double delta) => GetEpsilonResult(delta).Epsilon;

    /// <summary>The ε for <paramref name="delta"/> together with the optimal order; logs a warning when that order is at an end of the list.</summary>
    /// <param name="delta">δ, in (0, 1).</param>
    /// <returns>The conversion result.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is outside (0, 1) or NaN.</exception>
    public RdpEpsilonResult GetEpsilonResult(double delta)
    {
        double[] rdp;
        lock (_lock)
        {
            rdp = (double[])_rdp.Clone();
        }

        return ConvertAndWarn(rdp, delta);
    }

    /// <inheritdoc/>
    public double GetDelta(double epsilon)
    {
        lock (_lock)
        {
            return ConvertToDelta(_orders, _rdp, epsilon).Delta;
        }
    }

    /// <inheritdoc/>
    public double GetEpsilonIfComposed(PrivacyEvent privacyEvent, double delta) =>
        GetEpsilonResultIfComposed(privacyEvent, delta).Epsilon;

    /// <summary>What <see cref="GetEpsilonResult"/> would return after composing <paramref name="privacyEvent"/>, without changing this accountant.</summary>
    /// <param name="privacyEvent">The event that might run.</param>
    /// <param name="delta">δ, in (0, 1).</param>
    /// <returns>The conversion result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="privacyEvent"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is outside (0, 1) or NaN.</exception>
    /// <exception cref="UnsupportedPrivacyEventException">The event is not supported.</exception>
    public RdpEpsilonResult GetEpsilonResultIfComposed(PrivacyEvent privacyEvent, double delta)
    {
        ArgumentNullException.ThrowIfNull(privacyEvent);
        Guard.PositiveDelta(delta);
        var curve = (double[])CachedCurve(privacyEvent).Clone();
        lock (_lock)
        {
            ThrowIfConflicting(_relations, RdpMath.Relations(privacyEvent), privacyEvent);
            for (var i = 0; i < curve.Length; i++)
            {
                curve[i] += _rdp[i];
            }
        }

        return ConvertAndWarn(curve, delta);
    }

    /// <inheritdoc/>
    public double GetDeltaIfComposed(PrivacyEvent privacyEvent, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(privacyEvent);
        var curve = (double[])CachedCurve(privacyEvent).Clone();
        lock (_lock)
        {
            ThrowIfConflicting(_relations, RdpMath.Relations(privacyEvent), privacyEvent);
            for (var i = 0; i < curve.Length; i++)
            {
                curve[i] += _rdp[i];
            }
        }

        return ConvertToDelta(_orders, curve, epsilon).Delta;
    }

    /// <summary>
    /// RDP of the Poisson-sampled Gaussian mechanism at one order (Mironov, Talwar and Zhang 2019), for one step.
    /// </summary>
    /// <param name="samplingProbability">q, in [0, 1] (0 gives 0; 1 gives the Gaussian α/(2σ²)).</param>
    /// <param name="noiseMultiplier">σ, finite and &gt; 0.</param>
    /// <param name="order">α &gt; 1 (+∞ gives +∞ for q &gt; 0). Integer α: exact binomial expansion; fractional α: Opacus' signed series.</param>
    /// <param name="series">How fractional orders are summed (default: Opacus' exact signed series).</param>
    /// <returns>RDP(α) ≥ 0, possibly +∞.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range or NaN.</exception>
    public static double ComputeSampledGaussianRdp(double samplingProbability, double noiseMultiplier, double order, FractionalOrderSeries series = FractionalOrderSeries.Signed)
    {
        if (!(samplingProbability >= 0.0 && samplingProbability <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(samplingProbability), samplingProbability, "samplingProbability must be in [0, 1].");
        }

        Guard.PositiveFinite(noiseMultiplier);
        if (!(order > 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "order must be > 1.");
        }

        return RdpMath.SampledGaussian(samplingProbability, noiseMultiplier, order, series);
    }

    /// <summary>
    /// RDP of the Gaussian mechanism on a fixed-size batch sampled without replacement, under replace-one neighbours, at one
    /// order for one step: Wang, Balle and Kasiviswanathan 2019, Theorem 27 (the Gaussian form dp_accounting uses), with
    /// linear interpolation of the cumulant between integer orders (their Corollary 10).
    /// </summary>
    /// <param name="samplingFraction">q = m/n, in [0, 1] (0 gives 0; 1 gives the Gaussian α/(2σ²)).</param>
    /// <param name="noiseMultiplier">σ relative to the replace-one sensitivity (for DP-SGD: the noise multiplier over 2), finite and &gt; 0.</param>
    /// <param name="order">α &gt; 1 (+∞ gives +∞ for q &gt; 0).</param>
    /// <returns>An upper bound on RDP(α), ≥ 0, possibly +∞.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range or NaN.</exception>
    public static double ComputeSampledWithoutReplacementGaussianRdp(double samplingFraction, double noiseMultiplier, double order)
    {
        if (!(samplingFraction >= 0.0 && samplingFraction <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(samplingFraction), samplingFraction, "samplingFraction must be in [0, 1].");
        }

        Guard.PositiveFinite(noiseMultiplier);
        if (!(order > 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "order must be > 1.");
        }

        return WithoutReplacementRdp.Rdp(samplingFraction, noiseMultiplier, order);
    }

    /// <summary>The RDP of one run of <paramref name="privacyEvent"/> at each order.</summary>
    /// <param name="privacyEvent">The event.</param>
    /// <param name="orders">The orders (each finite and &gt; 1).</param>
    /// <returns>One RDP value per order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="privacyEvent"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An order is ≤ 1, NaN or infinite.</exception>
    /// <param name="series">How fractional orders of sampled Gaussians are summed.</param>
    /// <exception cref="UnsupportedPrivacyEventException">The event is not supported.</exception>
    public static double[] ComputeRdp(PrivacyEvent privacyEvent, IEnumerable<double> orders, FractionalOrderSeries series = FractionalOrderSeries.Signed)
    {
        ArgumentNullException.ThrowIfNull(privacyEvent);
        ArgumentNullException.ThrowIfNull(orders);
        return ComputeCurve(privacyEvent, ValidateOrders(orders, nameof(orders)), series);
    }

    /// <summary>
    /// Converts an RDP curve to the smallest certified ε for <paramref name="delta"/> with the improved conversion
    /// ε(α) = RDP(α) + ln((α−1)/α) − (ln δ + ln α)/(α−1) (Balle et al. 2020 Thm 21; CKS20 Prop. 12), minimised over the orders.
    /// </summary>
    /// <param name="orders">The orders (each &gt; 1).</param>
    /// <param name="rdp">RDP at each order (≥ 0, +∞ allowed).</param>
    /// <param name="delta">δ, in (0, 1).</param>
    /// <returns>ε, the optimal order and whether it is at an end of the list.</returns>
    /// <exception cref="ArgumentException">The lengths differ or are 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is outside (0, 1), or an RDP value is negative or NaN.</exception>
    public static RdpEpsilonResult ConvertToEpsilon(ReadOnlySpan<double> orders, ReadOnlySpan<double> rdp, double delta)
    {
        Guard.PositiveDelta(delta);
        CheckCurve(orders, rdp);
        var best = double.PositiveInfinity;
        var bestIndex = -1;
        var logDelta = Math.Log(delta);
        for (var i = 0; i < orders.Length; i++)
        {
            var a = orders[i];
            var r = rdp[i];
            double eps;
            if (double.IsPositiveInfinity(r))
            {
                continue;
            }

            if (delta * delta + LogMath.ExpM1(-r) > 0.0)
            {
                eps = 0.0;
            }
            else
            {
                eps = r + Math.Log((a - 1.0) / a) - (logDelta + Math.Log(a)) / (a - 1.0);
            }

            if (eps < best)
            {
                best = eps;
                bestIndex = i;
            }
        }

        if (bestIndex < 0)
        {
            return new RdpEpsilonResult(double.PositiveInfinity, delta, null, false);
        }

        var atBoundary = orders.Length > 1 && (bestIndex == 0 || bestIndex == orders.Length - 1);
        return new RdpEpsilonResult(Math.Max(0.0, best), delta, orders[bestIndex], atBoundary);
    }

    /// <summary>
    /// The pre-2021 conversion of Mironov (2017, Prop. 3), ε = min_α RDP(α) + ln(1/δ)/(α−1), used by TF Privacy until 2020
    /// and Opacus before 0.14. Looser than <see cref="ConvertToEpsilon"/>; provided only to reproduce numbers published
    /// with it (e.g. the TF Privacy README's 3.01 for MNIST).
    /// </summary>
    /// <param name="orders">The orders (each &gt; 1).</param>
    /// <param name="rdp">RDP at each order.</param>
    /// <param name="delta">δ, in (0, 1).</param>
    /// <returns>ε, the optimal order and whether it is at an end of the list.</returns>
    /// <exception cref="ArgumentException">The lengths differ or are 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is outside (0, 1), or an RDP value is negative or NaN.</exception>
    public static RdpEpsilonResult ConvertToEpsilonMironov(ReadOnlySpan<double> orders, ReadOnlySpan<double> rdp, double delta)
    {
        Guard.PositiveDelta(delta);
        CheckCurve(orders, rdp);
        var best = double.PositiveInfinity;
        var bestIndex = -1;
        for (var i = 0; i < orders.Length; i++)
        {
            var eps = rdp[i] + Math.Log(1 / delta) / (orders[i] - 1);
            if (eps < best)
            {
                best = eps;
                bestIndex = i;
            }
        }

        return bestIndex < 0
            ? new RdpEpsilonResult(double.PositiveInfinity, delta, null, false)
            : new RdpEpsilonResult(best, delta, orders[bestIndex], orders.Length > 1 && (bestIndex == 0 || bestIndex == orders.Length - 1));
    }

    /// <summary>
    /// Converts an RDP curve to the smallest certified δ for <paramref name="epsilon"/>:
    /// ln δ = min_α min(½ ln(1 − e^{−RDP(α)}), (α−1)(RDP(α) − ε + ln(1 − 1/α)) − ln α) (dp_accounting's <c>compute_delta</c>).
    /// </summary>
    /// <param name="orders">The orders (each &gt; 1).</param>
    /// <param name="rdp">RDP at each order.</param>
    /// <param name="epsilon">ε ≥ 0.</param>
    /// <returns>δ in [0, 1] and the optimal order (<see langword="null"/> when δ = 1 at every order).</returns>
    /// <exception cref="ArgumentException">The lengths differ or are 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> is negative or NaN.</exception>
    public static (double Delta, double? Order) ConvertToDelta(ReadOnlySpan<double> orders, ReadOnlySpan<double> rdp, double epsilon)
    {
        CheckEpsilon(epsilon, nameof(epsilon));
        CheckCurve(orders, rdp);
        if (double.IsPositiveInfinity(epsilon))
        {
            return (0.0, null);
        }

        var best = 0.0;
        double? bestOrder = null;
        for (var i = 0; i < orders.Length; i++)
        {
            var a = orders[i];
            var r = rdp[i];
            if (double.IsPositiveInfinity(r))
            {
                continue;
            }

            var logDelta = 0.5 * Math.Log(-LogMath.ExpM1(-r));
            var bound = (a - 1.0) * (r - epsilon + Math.Log(1.0 - 1.0 / a)) - Math.Log(a);
            logDelta = Math.Min(logDelta, bound);
            if (logDelta < best)
            {
                best = logDelta;
                bestOrder = a;
            }
        }

        return (Math.Min(1.0, Math.Exp(best)), bestOrder);
    }

    internal static double CheckEpsilon(double epsilon, string name)
    {
        if (!(epsilon >= 0.0))
        {
            throw new ArgumentOutOfRangeException(name, epsilon, $"{name} must be >= 0.");
        }

        return epsilon;
    }

    internal static double[] ComputeCurve(PrivacyEvent privacyEvent, double[] orders, FractionalOrderSeries series = FractionalOrderSeries.Signed)
    {
        if (!RdpMath.Supports(privacyEvent))
        {
            throw new UnsupportedPrivacyEventException(
                $"The RDP accountant cannot analyse {privacyEvent.GetType().Name}: it supports Gaussian, Laplace, randomized-response and zCDP events, Gaussians that are Poisson-sampled or sampled without replacement, and their compositions, with one neighbouring relation (Poisson sampling is add/remove, sampling without replacement is replace-one).");
        }

        var curve = new double[orders.Length];
        for (var i = 0; i < orders.Length; i++)
        {
            curve[i] = RdpMath.EventRdp(privacyEvent, orders[i], series)!.Value;
        }

        return curve;
    }

    /// <summary>The curve of <paramref name="privacyEvent"/>, from the one-entry cache when it is the last event seen; never mutate the result.</summary>
    private double[] CachedCurve(PrivacyEvent privacyEvent)
    {
        lock (_lock)
        {
            if (_lastCurve is { } last && last.Event.Equals(privacyEvent))
            {
                return last.Curve;
            }
        }

        var curve = ComputeCurve(privacyEvent, _orders, _series);
        lock (_lock)
        {
            _lastCurve = (privacyEvent, curve);
        }

        return curve;
    }

    private static bool Conflicts(RelationUse composed, RelationUse next) =>
        (composed | next) == (RelationUse.AddOrRemoveOne | RelationUse.ReplaceOne);

    private static void ThrowIfConflicting(RelationUse composed, RelationUse next, PrivacyEvent privacyEvent)
    {
        if (Conflicts(composed, next))
        {
            var (have, want) = composed.HasFlag(RelationUse.ReplaceOne) ? ("replace-one (sampling without replacement)", "add/remove (Poisson sampling)") : ("add/remove (Poisson sampling)", "replace-one (sampling without replacement)");
            throw new UnsupportedPrivacyEventException(
                $"The RDP accountant has composed events under {have} neighbours; {privacyEvent.GetType().Name} is analysed under {want} neighbours, and the two guarantees do not compose. Use one accountant per neighbouring relation.");
        }
    }

    private RdpEpsilonResult ConvertAndWarn(double[] rdp, double delta)
    {
        var result = ConvertToEpsilon(_orders, rdp, delta);
        if (result.IsOptimalOrderAtBoundary)
        {
            Log.OptimalOrderAtBoundary(_logger, result.OptimalOrder!.Value, _orders[0], _orders[^1]);
        }

        return result;
    }

    private static void CheckCurve(ReadOnlySpan<double> orders, ReadOnlySpan<double> rdp)
    {
        if (orders.Length == 0)
        {
            throw new ArgumentException("orders must not be empty.", nameof(orders));
        }

        if (orders.Length != rdp.Length)
        {
            throw new ArgumentException($"rdp must have one value per order ({orders.Length}); got {rdp.Length}.", nameof(rdp));
        }

        for (var i = 0; i < rdp.Length; i++)
        {
            if (!(rdp[i] >= 0.0))
            {
                throw new ArgumentOutOfRangeException(nameof(rdp), rdp[i], "RDP values must be >= 0.");
            }

            if (!(orders[i] > 1.0))
            {
                throw new ArgumentOutOfRangeException(nameof(orders), orders[i], "orders must be > 1.");
            }
        }
    }

    private static double[] ValidateOrders(IEnumerable<double> orders, string name)
    {
        var array = orders.ToArray();
        if (array.Length == 0)
        {
            throw new ArgumentException("at least one order is needed.", name);
        }

        foreach (var a in array)
        {
            if (!(a > 1.0) || double.IsInfinity(a))
            {
                throw new ArgumentOutOfRangeException(name, a, "every order must be finite and > 1.");
            }
        }

        return array;
    }

    private static ReadOnlyCollection<double> BuildOpacusOrders()
    {
        var list = new List<double>(151);
        for (var x = 1; x <= 99; x++)
        {
            list.Add(1.0 + x / 10.0);
        }

        for (var a = 12; a <= 63; a++)
        {
            list.Add(a);
        }

        return list.AsReadOnly();
    }

    private static ReadOnlyCollection<double> BuildDpAccountingOrders()
    {
        var list = new List<double>(156);
        for (var x = 1; x <= 99; x++)
        {
            list.Add(1.0 + x / 10.0);
        }

        for (var a = 11; a <= 63; a++)
        {
            list.Add(a);
        }

        list.AddRange([128, 256, 512, 1024]);
        return list.AsReadOnly();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
            Message = "The optimal RDP order {Order} is at an end of the order list [{Smallest}, {Largest}]; a wider list may give a smaller epsilon.")]
        public static partial void OptimalOrderAtBoundary(ILogger logger, double order, double smallest, double largest);
    }
}

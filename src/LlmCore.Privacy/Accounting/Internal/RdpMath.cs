namespace LlmCore.Privacy.Accounting.Internal;

/// <summary>
/// Rényi-DP curves of the supported events: the Poisson-sampled Gaussian (Mironov, Talwar and Zhang 2019) computed
/// in log space as Opacus does, the Gaussian, Laplace (Mironov 2017) and randomized response.
/// </summary>
internal static class RdpMath
{
    /// <summary>Opacus stops the fractional-order series once both new terms are below e^-30.</summary>
    private const double SeriesCutoff = -30.0;

    /// <summary>A hard cap on the fractional series; past it the order is reported as +∞ (never a wrong finite value).</summary>
    private const int MaxSeriesTerms = 1_000_000;

    public static double SampledGaussian(double q, double sigma, double order, FractionalOrderSeries series = FractionalOrderSeries.Signed)
    {
        if (SampledEdgeCase(q, sigma, order) is { } edge)
        {
            return edge;
        }

        var logA = order == Math.Floor(order) && order < int.MaxValue
            ? LogAInteger(q, sigma, (int)order)
            : series == FractionalOrderSeries.Signed ? LogAFractional(q, sigma, order) : LogAFractionalAbsolute(q, sigma, order);
        // ln A_α ≥ 0 exactly (A_α is a moment of a likelihood ratio ≥ 1 by Jensen); the series can round to −1e−13 when
        // σ is huge and every term is ~0, and RDP must never be negative.
        // When σ is so small that 1/(2σ²) overflows, the series meets ∞ − ∞ (NaN): the true value is beyond any double,
        // and +∞ is the bound that stays sound.
        return double.IsNaN(logA) ? double.PositiveInfinity : Math.Max(0.0, logA) / (order - 1.0);
    }

    /// <summary>
    /// The cases every sampled Gaussian shares, whatever the sampling scheme: q = 0 costs nothing, q = 1 is the Gaussian
    /// α/(2σ²), and α = ∞ is +∞ (no pure DP); <see langword="null"/> otherwise.
    /// </summary>
    public static double? SampledEdgeCase(double q, double sigma, double order) =>
        q == 0.0 ? 0.0
        : q == 1.0 ? order / (2.0 * sigma * sigma)
        : double.IsPositiveInfinity(order) ? double.PositiveInfinity
        : null;

    /// <summary>ln A_α for integer α: ln Σ_{k=0..α} C(α,k) (1−q)^{α−k} q^k exp((k²−k)/(2σ²)).</summary>
    public static double LogAInteger(double q, double sigma, int alpha)
    {
        var logQ = Math.Log(q);
        var log1MinusQ = LogMath.Log1P(-q);
        var twoSigma2 = 2.0 * sigma * sigma;
        var logA = double.NegativeInfinity;
        var logBinom = 0.0;
        for (var i = 0; i <= alpha; i++)
        {
            if (i > 0)
            {
                logBinom += Math.Log(alpha - i + 1) - Math.Log(i);
            }

            var s = logBinom + i * logQ + (alpha - i) * log1MinusQ + ((double)i * i - i) / twoSigma2;
            logA = LogMath.LogAdd(logA, s);
        }

        return logA;
    }

    /// <summary>
    /// ln A_α for fractional α by Opacus' signed series (exact up to the e^-30 cut-off): with z0 = σ² ln(1/q − 1) + ½,
    /// A_α = Σ_i C(α,i) q^i (1−q)^{α−i} e^{(i²−i)/(2σ²)} ½erfc((i−z0)/(√2σ))
    ///     + Σ_i C(α,i) q^{α−i} (1−q)^i e^{(j²−j)/(2σ²)} ½erfc((z0−j)/(√2σ)), j = α − i,
    /// where C(α,i) is the generalized binomial coefficient whose sign alternates once i &gt; α; each sum is kept in
    /// log space as a positive and a negative part.
    /// </summary>
    public static double LogAFractional(double q, double sigma, double alpha)
    {
        var logQ = Math.Log(q);
        var log1MinusQ = LogMath.Log1P(-q);
        var sigma2 = sigma * sigma;
        var twoSigma2 = 2.0 * sigma2;
        var sqrt2Sigma = Math.Sqrt(2.0) * sigma;
        var z0 = sigma2 * Math.Log(1.0 / q - 1.0) + 0.5;
        var logHalf = Math.Log(0.5);

        var logA0 = double.NegativeInfinity;
        var logA1 = double.NegativeInfinity;
        var logCoef = 0.0;
        var positive = true;
        for (var i = 0; i < MaxSeriesTerms; i++)
        {
            if (i > 0)
            {
                var factor = (alpha - (i - 1)) / i;
                logCoef += Math.Log(Math.Abs(factor));
                if (factor < 0)
                {
                    positive = !positive;
                }
            }

            var j = alpha - i;
            var logT0 = logCoef + i * logQ + j * log1MinusQ;
            var logT1 = logCoef + j * logQ + i * log1MinusQ;
            var logE0 = logHalf + LogMath.LogErfc((i - z0) / sqrt2Sigma);
            var logE1 = logHalf + LogMath.LogErfc((z0 - j) / sqrt2Sigma);
            var logS0 = logT0 + ((double)i * i - i) / twoSigma2 + logE0;
            var logS1 = logT1 + (j * j - j) / twoSigma2 + logE1;
            if (positive)
            {
                logA0 = LogMath.LogAdd(logA0, logS0);
                logA1 = LogMath.LogAdd(logA1, logS1);
            }
            else
            {
                logA0 = LogMath.LogSub(logA0, logS0);
                logA1 = LogMath.LogSub(logA1, logS1);
                if (double.IsNaN(logA0) || double.IsNaN(logA1))
                {
                    // Rounding made a partial sum negative (Opacus raises here): report no finite bound at this order.
                    return double.PositiveInfinity;
                }
            }

            if (Math.Max(logS0, logS1) < SeriesCutoff)
            {
                return LogMath.LogAdd(logA0, logA1);
            }
        }

        return double.PositiveInfinity;
    }

    /// <summary>
    /// dp_accounting's variant (since 2024): the same two sums with |C(α,i)| (an upper bound on A_α), stopped once both
    /// new terms decrease and are below total·e^-30; after 1000 terms the order is +∞ ("failed to converge").
    /// </summary>
    public static double LogAFractionalAbsolute(double q, double sigma, double alpha)
    {
        var logQ = Math.Log(q);
        var log1MinusQ = LogMath.Log1P(-q);
        var sigma2 = sigma * sigma;
        var twoSigma2 = 2.0 * sigma2;
        var sqrt2Sigma = Math.Sqrt(2.0) * sigma;
        var z0 = sigma2 * Math.Log(1.0 / q - 1.0) + 0.5;
        var logHalf = Math.Log(0.5);
        var logA0 = double.NegativeInfinity;
        var logA1 = double.NegativeInfinity;
        var last0 = double.NegativeInfinity;
        var last1 = double.NegativeInfinity;
        var logCoef = 0.0;
        for (var i = 0; i < 1000; i++)
        {
            if (i > 0)
            {
                logCoef += Math.Log(Math.Abs((alpha - (i - 1)) / i));
            }

            var j = alpha - i;
            var logS0 = logCoef + i * logQ + j * log1MinusQ + ((double)i * i - i) / twoSigma2 + logHalf + LogMath.LogErfc((i - z0) / sqrt2Sigma);
            var logS1 = logCoef + j * logQ + i * log1MinusQ + (j * j - j) / twoSigma2 + logHalf + LogMath.LogErfc((z0 - j) / sqrt2Sigma);
            logA0 = LogMath.LogAdd(logA0, logS0);
            logA1 = LogMath.LogAdd(logA1, logS1);
            var total = LogMath.LogAdd(logA0, logA1);
            if (logS0 < last0 && logS1 < last1 && Math.Max(logS0, logS1) < total - 30)
            {
                return total;
            }

            last0 = logS0;
            last1 = logS1;
        }

        return double.PositiveInfinity;
    }

    /// <summary>Mironov 2017, Prop. 6: RDP of Laplace with scale b (sensitivity 1).</summary>
    public static double Laplace(double b, double order)
    {
        if (double.IsPositiveInfinity(order))
        {
            return 1.0 / b;
        }

        var twoAlphaMinus1 = 2.0 * order - 1.0;
        var log = LogMath.LogAdd(
            Math.Log(order / twoAlphaMinus1) + (order - 1.0) / b,
            Math.Log((order - 1.0) / twoAlphaMinus1) - order / b);
        return Math.Max(0.0, log / (order - 1.0));
    }

    /// <summary>Exact Rényi divergence of randomized response's two output distributions (the worse direction).</summary>
    public static double RandomizedResponse(double p, int k, RandomizedResponseAdjacency adjacency, double order)
    {
        var b = p / k;
        var a = 1.0 - p + b;
        if (a <= b)
        {
            return 0.0;
        }

        var logA = Math.Log(a);
        var logB = Math.Log(b);
        if (adjacency == RandomizedResponseAdjacency.ReplaceOne)
        {
            if (double.IsPositiveInfinity(order))
            {
                return logA - logB;
            }

            // Σ P^α Q^{1−α} over: the true bucket (a vs b), the replacement (b vs a), k − 2 others (b vs b).
            var s = LogMath.LogAdd(order * logA + (1 - order) * logB, order * logB + (1 - order) * logA);
            if (k > 2)
            {
                s = LogMath.LogAdd(s, Math.Log(k - 2) + logB);
            }

            return Math.Max(0.0, s / (order - 1.0));
        }

        var logU = -Math.Log(k);
        if (double.IsPositiveInfinity(order))
        {
            return Math.Max(logA - logU, logU - logB);
        }

        var logKMinus1 = Math.Log(k - 1);
        var forward = LogMath.LogAdd(order * logA + (1 - order) * logU, logKMinus1 + order * logB + (1 - order) * logU);
        var backward = LogMath.LogAdd(order * logU + (1 - order) * logA, logKMinus1 + order * logU + (1 - order) * logB);
        return Math.Max(0.0, Math.Max(forward, backward) / (order - 1.0));
    }

    /// <summary>The RDP of <paramref name="privacyEvent"/> at one order, or <see langword="null"/> when the event is not supported.</summary>
    public static double? EventRdp(PrivacyEvent privacyEvent, double order, FractionalOrderSeries series = FractionalOrderSeries.Signed) => privacyEvent switch
    {
        GaussianEvent g => order / (2.0 * g.NoiseMultiplier * g.NoiseMultiplier),
        LaplaceEvent l => Laplace(l.Scale, order),
        RandomizedResponseEvent r => RandomizedResponse(r.NoiseParameter, r.BucketCount, r.Adjacency, order),
        ZCdpEvent z => order * z.Rho,
        PoissonSampledEvent { SamplingProbability: 1.0 } p => EventRdp(p.Event, order, series),
        PoissonSampledEvent p when EffectiveNoiseMultiplier(p.Event) is { } sigma => SampledGaussian(p.SamplingProbability, sigma, order, series),
        SampledWithoutReplacementEvent w when EffectiveNoiseMultiplier(w.Event) is { } sigma => WithoutReplacementRdp.Rdp(w.SamplingFraction, sigma, order),
        SelfComposedEvent s => EventRdp(s.Event, order, series) * s.Count,
        ComposedEvent c => SumComposed(c, order, series),
        _ => null,
    };

    /// <summary>Whether the event can be analysed: a supported shape whose sampled parts do not mix neighbouring relations.</summary>
    public static bool Supports(PrivacyEvent privacyEvent) =>
        Relations(privacyEvent) != (RelationUse.AddOrRemoveOne | RelationUse.ReplaceOne) && SupportsShape(privacyEvent);

    /// <summary>
    /// The neighbouring relations an event commits an accountant to: Poisson sampling (q &lt; 1) to add/remove, sampling
    /// without replacement to replace-one; unsampled events to neither (their noise is relative to the sensitivity under
    /// whichever relation the composition uses).
    /// </summary>
    public static RelationUse Relations(PrivacyEvent privacyEvent) => privacyEvent switch
    {
        PoissonSampledEvent p => (p.SamplingProbability < 1.0 ? RelationUse.AddOrRemoveOne : RelationUse.None) | Relations(p.Event),
        SampledWithoutReplacementEvent w => RelationUse.ReplaceOne | Relations(w.Event),
        SelfComposedEvent s => Relations(s.Event),
        ComposedEvent c => c.Events.Aggregate(RelationUse.None, static (acc, e) => acc | Relations(e)),
        _ => RelationUse.None,
    };

    /// <summary>
    /// The noise multiplier of the single Gaussian equivalent to <paramref name="privacyEvent"/> (a Gaussian, a zCDP event
    /// with ρ = 1/(2σ²), or compositions of these: σ = (Σ σᵢ⁻²)^−½), or <see langword="null"/> for anything else
    /// (dp_accounting's <c>_effective_gaussian_noise_multiplier</c>).
    /// </summary>
    public static double? EffectiveNoiseMultiplier(PrivacyEvent privacyEvent)
    {
        switch (privacyEvent)
        {
            case GaussianEvent g:
                return g.NoiseMultiplier;
            case ZCdpEvent z:
                return 1.0 / Math.Sqrt(2.0 * z.Rho);
            case SelfComposedEvent s:
                return EffectiveNoiseMultiplier(s.Event) is { } sigma ? sigma / Math.Sqrt(s.Count) : null;
            case ComposedEvent c:
                var inverseSquares = 0.0;
                foreach (var e in c.Events)
                {
                    if (EffectiveNoiseMultiplier(e) is not { } inner)
                    {
                        return null;
                    }

                    inverseSquares += 1.0 / (inner * inner);
                }

                return 1.0 / Math.Sqrt(inverseSquares);
            default:
                return null;
        }
    }

    private static bool SupportsShape(PrivacyEvent privacyEvent) => privacyEvent switch
    {
        GaussianEvent or LaplaceEvent or RandomizedResponseEvent or ZCdpEvent => true,
        PoissonSampledEvent { SamplingProbability: 1.0 } p => SupportsShape(p.Event),
        PoissonSampledEvent p => EffectiveNoiseMultiplier(p.Event) is not null,
        SampledWithoutReplacementEvent w => EffectiveNoiseMultiplier(w.Event) is not null,
        SelfComposedEvent s => SupportsShape(s.Event),
        ComposedEvent c => c.Events.All(SupportsShape),
        _ => false,
    };

    private static double? SumComposed(ComposedEvent composed, double order, FractionalOrderSeries series)
    {
        var sum = 0.0;
        foreach (var e in composed.Events)
        {
            var r = EventRdp(e, order, series);
            if (r is null)
            {
                return null;
            }

            sum += r.Value;
        }

        return sum;
    }
}

/// <summary>The neighbouring relations a composition commits to (see <see cref="RdpMath.Relations"/>).</summary>
[Flags]
internal enum RelationUse
{
    None = 0,
    AddOrRemoveOne = 1,
    ReplaceOne = 2,
}

namespace LlmCore.Privacy.Accounting.Internal;

/// <summary>A privacy-loss random variable ℓ(X), X drawn from the "upper" distribution, given by its CDF and survival function.</summary>
internal abstract class LossVariable
{
    public abstract double MinLoss { get; }

    public abstract double MaxLoss { get; }

    /// <summary>P(ℓ ≤ v).</summary>
    public abstract double Cdf(double v);

    /// <summary>P(ℓ &gt; v).</summary>
    public abstract double Sf(double v);

    /// <summary>P(ℓ &lt; v): <see cref="Cdf"/> without an atom at v (the same for a loss without atoms).</summary>
    public virtual double CdfBelow(double v) => Cdf(v);

    /// <summary>P(ℓ ≥ v): <see cref="Sf"/> with an atom at v (the same for a loss without atoms).</summary>
    public virtual double SfAtOrAbove(double v) => Sf(v);

    /// <summary>Q(ℓ &gt; v): the same event under the "lower" distribution.</summary>
    public abstract double SfLower(double v);

    /// <summary>ln Q(ℓ &gt; v); the default is the log of <see cref="SfLower"/>, which is −∞ once Q underflows (below e^−745).</summary>
    public virtual double LogSfLower(double v) => Math.Log(SfLower(v));

    /// <summary>The hockey-stick divergence δ(ε) = P(ℓ &gt; ε) − e^ε·Q(ℓ &gt; ε) of the mechanism itself.</summary>
    /// <remarks>
    /// Beyond ε = 700 the product is formed as e^{ε + ln Q} (with ln Q from <see cref="LogSfLower"/>, exact in log space for
    /// the Gaussian and the Laplace) so that e^ε cannot overflow to ∞ (∞·0 is NaN). Where ln Q is −∞ the product counts as
    /// 0, which can only make δ larger: the discretisation stays pessimistic.
    /// </remarks>
    public double HockeyStick(double epsilon)
    {
        var scaled = epsilon <= OverflowSafeLoss ? Math.Exp(epsilon) * SfLower(epsilon) : Math.Exp(epsilon + LogSfLower(epsilon));
        return Math.Max(0.0, Sf(epsilon) - scaled);
    }

    /// <summary>The loss above which e^v is formed in a form that cannot overflow (e^709.8 is the largest double).</summary>
    protected const double OverflowSafeLoss = 700.0;

    /// <summary>ln((expm1(v) + q)/q), or NaN when the argument is ≤ 0.</summary>
    /// <remarks>Beyond v = 700 it is v + ln(1 − (1 − q)e^{−v}) − ln q, the same value without forming e^v (which overflows past 709.8).</remarks>
    protected static double LogRatio(double v, double q)
    {
        if (q == 1.0)
        {
            // ln(e^v) = v exactly: an atom of the unsampled loss that lies on the grid (the Laplace's ±1/b) is then found
            // there, and losses below −37 nats (where expm1(v) + 1 loses every digit) keep their value.
            return v;
        }

        if (v > OverflowSafeLoss)
        {
            return v + LogMath.Log1P(-(1 - q) * Math.Exp(-v)) - Math.Log(q);
        }

        var arg = LogMath.ExpM1(v) + q;
        return arg <= 0 ? double.NaN : Math.Log(arg / q);
    }

    /// <summary>x/σ and (x − 1)/σ for x = σ²·r + ½, formed without σ² when σ is so large that σ² would overflow
    /// (σ·r·σ is then ∞ and ∞·0 gives NaN); for σ ≤ 1e100 exactly as (σ²r + ½)/σ, so results there do not change.</summary>
    protected static (double Upper, double Lower) Standardize(double r, double sigma)
    {
        if (sigma <= 1e100)
        {
            var x = (sigma * sigma * r) + 0.5;
            return (x / sigma, (x - 1) / sigma);
        }

        var centre = sigma * r;
        var half = 0.5 / sigma;
        return (centre + half, centre - half);
    }

    /// <summary>ln(1 − q + q·e^x) without overflow for large x (the loss of a Poisson-sampled mechanism whose unsampled loss is x).</summary>
    protected static double LogMixture(double q, double x) => x <= OverflowSafeLoss
        ? Math.Log(1 - q + (q * Math.Exp(x)))
        : LogMath.LogAdd(LogMath.Log1P(-q), Math.Log(q) + x);
}

/// <summary>
/// Poisson-sampled Gaussian (q = 1: the Gaussian), remove direction: X ~ (1−q)N(0,σ²) + qN(1,σ²),
/// ℓ(x) = ln(1 − q + q·e^{(2x−1)/(2σ²)}), increasing in x.
/// </summary>
internal sealed class GaussianRemoveLoss(double q, double sigma) : LossVariable
{
    public override double MinLoss => q == 1.0 ? double.NegativeInfinity : LogMath.Log1P(-q);

    public override double MaxLoss => double.PositiveInfinity;

    public override double Cdf(double v)
    {
        var r = LogRatio(v, q);
        if (double.IsNaN(r))
        {
            return 0.0;
        }

        var (zp, zm) = Standardize(r, sigma);
        return (1 - q) * LogMath.NormalCdf(zp) + q * LogMath.NormalCdf(zm);
    }

    public override double Sf(double v)
    {
        var r = LogRatio(v, q);
        if (double.IsNaN(r))
        {
            return 1.0;
        }

        var (zp, zm) = Standardize(r, sigma);
        return (1 - q) * LogMath.NormalCdf(-zp) + q * LogMath.NormalCdf(-zm);
    }

    public override double SfLower(double v)
    {
        var r = LogRatio(v, q);
        if (double.IsNaN(r))
        {
            return 1.0;
        }

        var (zp, _) = Standardize(r, sigma);
        return LogMath.NormalCdf(-zp);
    }

    public override double LogSfLower(double v)
    {
        var r = LogRatio(v, q);
        if (double.IsNaN(r))
        {
            return 0.0;
        }

        var (zp, _) = Standardize(r, sigma);
        return LogMath.LogNormalCdf(-zp);
    }
}

/// <summary>Poisson-sampled Gaussian, add direction: X ~ N(0,σ²), ℓ(x) = −ln(1 − q + q·e^{(2x−1)/(2σ²)}), decreasing in x.</summary>
internal sealed class GaussianAddLoss(double q, double sigma) : LossVariable
{
    public override double MinLoss => double.NegativeInfinity;

    public override double MaxLoss => q == 1.0 ? double.PositiveInfinity : -LogMath.Log1P(-q);

    public override double Cdf(double v)
    {
        var r = LogRatio(-v, q);
        if (double.IsNaN(r))
        {
            return 1.0;
        }

        var (zp, _) = Standardize(r, sigma);
        return LogMath.NormalCdf(-zp);
    }

    public override double Sf(double v)
    {
        var r = LogRatio(-v, q);
        if (double.IsNaN(r))
        {
            return 0.0;
        }

        var (zp, _) = Standardize(r, sigma);
        return LogMath.NormalCdf(zp);
    }

    public override double SfLower(double v)
    {
        var r = LogRatio(-v, q);
        if (double.IsNaN(r))
        {
            return 0.0;
        }

        var (zp, zm) = Standardize(r, sigma);
        return (1 - q) * LogMath.NormalCdf(zp) + q * LogMath.NormalCdf(zm);
    }
}

/// <summary>
/// Poisson-sampled Laplace (q = 1: the Laplace), remove direction: X ~ (1−q)Lap(0,b) + qLap(1,b),
/// ℓ(x) = ln(1 − q + q·e^{t(x)/b}) with t(x) = |x| − |x − 1| ∈ [−1, 1].
/// </summary>
internal sealed class LaplaceRemoveLoss(double q, double b) : LossVariable
{
    public override double MinLoss => LogMixture(q, -1 / b);

    public override double MaxLoss => LogMixture(q, 1 / b);

    public override double Cdf(double v) => Below(b * LogRatio(v, q), withAtom: true);

    public override double CdfBelow(double v) => Below(SnapToAtom(b * LogRatio(v, q)), withAtom: false);

    public override double Sf(double v) => Above(b * LogRatio(v, q), withAtom: false);

    public override double SfAtOrAbove(double v) => Above(SnapToAtom(b * LogRatio(v, q)), withAtom: true);

    public override double SfLower(double v)
    {
        var t = b * LogRatio(v, q);
        if (double.IsNaN(t) || t < -1)
        {
            return 1.0;
        }

        if (t >= 1)
        {
            return 0.0;
        }

        return LaplaceCdf(-(t + 1) / 2, b);
    }

    public override double LogSfLower(double v)
    {
        var t = b * LogRatio(v, q);
        if (double.IsNaN(t) || t < -1)
        {
            return 0.0;
        }

        // Q(ℓ > v) = ½·e^{−(t + 1)/(2b)} for t in [−1, 1).
        return t >= 1 ? double.NegativeInfinity : Math.Log(0.5) - ((t + 1) / (2 * b));
    }

    internal static double LaplaceCdf(double x, double b) => x < 0 ? 0.5 * Math.Exp(x / b) : 1 - 0.5 * Math.Exp(-x / b);

    /// <summary>
    /// t within 1e-12 of an atom (±1) is taken as the atom: whether a grid point (k·Δ) lies just above or just below 1/b
    /// is otherwise decided by the last bit of b·kΔ, and an atom an ulp below its grid point would be rounded down a whole
    /// interval. Used by the optimistic discretisation only (through <see cref="CdfBelow"/> and <see cref="SfAtOrAbove"/>);
    /// the loss moves by at most 1e-12/b nats, far below the floating-point error of a composition.
    /// </summary>
    internal static double SnapToAtom(double t) => Math.Abs(Math.Abs(t) - 1) <= 1e-12 ? Math.Sign(t) : t;

    /// <summary>P(ℓ ≤ v) (<paramref name="withAtom"/>) or P(ℓ &lt; v) for t = t_v: t(X) ≤ t or &lt; t, with atoms at t = ±1 (X ≤ 0, X ≥ 1).</summary>
    private double Below(double t, bool withAtom)
    {
        if (double.IsNaN(t) || t < -1 || (!withAtom && t == -1))
        {
            return 0.0;
        }

        if (t > 1 || (withAtom && t == 1))
        {
            return 1.0;
        }

        var x = (t + 1) / 2;
        return (1 - q) * LaplaceCdf(x, b) + q * LaplaceCdf(x - 1, b);
    }

    /// <summary>P(ℓ ≥ v) (<paramref name="withAtom"/>) or P(ℓ &gt; v) for t = t_v.</summary>
    private double Above(double t, bool withAtom)
    {
        if (double.IsNaN(t) || t < -1 || (withAtom && t == -1))
        {
            return 1.0;
        }

        if (t > 1 || (!withAtom && t == 1))
        {
            return 0.0;
        }

        var x = (t + 1) / 2;
        return (1 - q) * LaplaceCdf(-x, b) + q * LaplaceCdf(1 - x, b);
    }
}

/// <summary>Poisson-sampled Laplace, add direction: X ~ Lap(0,b), ℓ(x) = −ln(1 − q + q·e^{t(x)/b}).</summary>
internal sealed class LaplaceAddLoss(double q, double b) : LossVariable
{
    public override double MinLoss => -LogMixture(q, 1 / b);

    public override double MaxLoss => -LogMixture(q, -1 / b);

    // ℓ ≤ v ⟺ t(X) ≥ t_v (ℓ decreases in t); the atoms are at t = ±1 (X ≥ 1, X ≤ 0).
    public override double Cdf(double v) => Below(b * LogRatio(-v, q), withAtom: true);

    public override double CdfBelow(double v) => Below(LaplaceRemoveLoss.SnapToAtom(b * LogRatio(-v, q)), withAtom: false);

    public override double Sf(double v) => Above(b * LogRatio(-v, q), withAtom: false);

    public override double SfAtOrAbove(double v) => Above(LaplaceRemoveLoss.SnapToAtom(b * LogRatio(-v, q)), withAtom: true);

    public override double SfLower(double v)
    {
        var t = b * LogRatio(-v, q);
        if (double.IsNaN(t) || t <= -1)
        {
            return 0.0;
        }

        if (t > 1)
        {
            return 1.0;
        }

        var x = (t + 1) / 2;
        return (1 - q) * LaplaceRemoveLoss.LaplaceCdf(x, b) + q * LaplaceRemoveLoss.LaplaceCdf(x - 1, b);
    }

    /// <summary>P(ℓ ≤ v) = P(t(X) ≥ t) (<paramref name="withAtom"/>) or P(ℓ &lt; v) = P(t(X) &gt; t) for t = t_v, X ~ Lap(0, b).</summary>
    private double Below(double t, bool withAtom)
    {
        if (double.IsNaN(t) || t < -1 || (withAtom && t == -1))
        {
            return 1.0;
        }

        if (t > 1 || (!withAtom && t == 1))
        {
            return 0.0;
        }

        var x = (t + 1) / 2;
        return LaplaceRemoveLoss.LaplaceCdf(-x, b);
    }

    /// <summary>P(ℓ ≥ v) = P(t(X) ≤ t) (<paramref name="withAtom"/>) or P(ℓ &gt; v) = P(t(X) &lt; t) for t = t_v.</summary>
    private double Above(double t, bool withAtom)
    {
        if (double.IsNaN(t) || t < -1 || (!withAtom && t == -1))
        {
            return 0.0;
        }

        if (t > 1 || (withAtom && t == 1))
        {
            return 1.0;
        }

        var x = (t + 1) / 2;
        return LaplaceRemoveLoss.LaplaceCdf(x, b);
    }
}

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

    /// <summary>Q(ℓ &gt; v): the same event under the "lower" distribution.</summary>
    public abstract double SfLower(double v);

    /// <summary>The hockey-stick divergence δ(ε) = P(ℓ &gt; ε) − e^ε·Q(ℓ &gt; ε) of the mechanism itself.</summary>
    public double HockeyStick(double epsilon) => Math.Max(0.0, Sf(epsilon) - Math.Exp(epsilon) * SfLower(epsilon));

    /// <summary>ln((expm1(v) + q)/q), or NaN when the argument is ≤ 0.</summary>
    protected static double LogRatio(double v, double q)
    {
        var arg = LogMath.ExpM1(v) + q;
        return arg <= 0 ? double.NaN : Math.Log(arg / q);
    }
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

        var x = sigma * sigma * r + 0.5;
        return (1 - q) * LogMath.NormalCdf(x / sigma) + q * LogMath.NormalCdf((x - 1) / sigma);
    }

    public override double Sf(double v)
    {
        var r = LogRatio(v, q);
        if (double.IsNaN(r))
        {
            return 1.0;
        }

        var x = sigma * sigma * r + 0.5;
        return (1 - q) * LogMath.NormalCdf(-x / sigma) + q * LogMath.NormalCdf((1 - x) / sigma);
    }

    public override double SfLower(double v)
    {
        var r = LogRatio(v, q);
        if (double.IsNaN(r))
        {
            return 1.0;
        }

        var x = sigma * sigma * r + 0.5;
        return LogMath.NormalCdf(-x / sigma);
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

        var x = sigma * sigma * r + 0.5;
        return LogMath.NormalCdf(-x / sigma);
    }

    public override double Sf(double v)
    {
        var r = LogRatio(-v, q);
        if (double.IsNaN(r))
        {
            return 0.0;
        }

        var x = sigma * sigma * r + 0.5;
        return LogMath.NormalCdf(x / sigma);
    }

    public override double SfLower(double v)
    {
        var r = LogRatio(-v, q);
        if (double.IsNaN(r))
        {
            return 0.0;
        }

        var x = sigma * sigma * r + 0.5;
        return (1 - q) * LogMath.NormalCdf(x / sigma) + q * LogMath.NormalCdf((x - 1) / sigma);
    }
}

/// <summary>
/// Poisson-sampled Laplace (q = 1: the Laplace), remove direction: X ~ (1−q)Lap(0,b) + qLap(1,b),
/// ℓ(x) = ln(1 − q + q·e^{t(x)/b}) with t(x) = |x| − |x − 1| ∈ [−1, 1].
/// </summary>
internal sealed class LaplaceRemoveLoss(double q, double b) : LossVariable
{
    public override double MinLoss => Math.Log(1 - q + q * Math.Exp(-1 / b));

    public override double MaxLoss => Math.Log(1 - q + q * Math.Exp(1 / b));

    public override double Cdf(double v)
    {
        var t = b * LogRatio(v, q);
        if (double.IsNaN(t) || t < -1)
        {
            return 0.0;
        }

        if (t >= 1)
        {
            return 1.0;
        }

        var x = (t + 1) / 2;
        return (1 - q) * LaplaceCdf(x, b) + q * LaplaceCdf(x - 1, b);
    }

    public override double Sf(double v)
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

        var x = (t + 1) / 2;
        return (1 - q) * LaplaceCdf(-x, b) + q * LaplaceCdf(1 - x, b);
    }

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

    internal static double LaplaceCdf(double x, double b) => x < 0 ? 0.5 * Math.Exp(x / b) : 1 - 0.5 * Math.Exp(-x / b);
}

/// <summary>Poisson-sampled Laplace, add direction: X ~ Lap(0,b), ℓ(x) = −ln(1 − q + q·e^{t(x)/b}).</summary>
internal sealed class LaplaceAddLoss(double q, double b) : LossVariable
{
    public override double MinLoss => -Math.Log(1 - q + q * Math.Exp(1 / b));

    public override double MaxLoss => -Math.Log(1 - q + q * Math.Exp(-1 / b));

    public override double Cdf(double v)
    {
        // ℓ ≤ v  ⟺  t(X) ≥ t_v.
        var t = b * LogRatio(-v, q);
        if (double.IsNaN(t) || t <= -1)
        {
            return 1.0;
        }

        if (t > 1)
        {
            return 0.0;
        }

        var x = (t + 1) / 2;
        return LaplaceRemoveLoss.LaplaceCdf(-x, b);
    }

    public override double Sf(double v)
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
        return LaplaceRemoveLoss.LaplaceCdf(x, b);
    }

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
}

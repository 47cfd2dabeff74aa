using LlmCore.Privacy.Accounting.Internal;

namespace LlmCore.Privacy.Accounting;

/// <summary>
/// Zero-concentrated differential privacy (Bun and Steinke 2016): composition adds ρ; conversions to and from
/// (ε, δ)-DP, including the exact optimal conversion of Canonne, Kamath and Steinke (2020, Cor. 13) that OpenDP uses.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class ZeroConcentratedDp
{
    /// <summary>ρ of the Gaussian mechanism: Δ²/(2σ²).</summary>
    /// <param name="sigma">σ, the noise standard deviation, finite and &gt; 0.</param>
    /// <param name="sensitivity">Δ, the L2 sensitivity, finite and &gt; 0.</param>
    /// <returns>ρ.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is ≤ 0, NaN or infinite.</exception>
    public static double GaussianRho(double sigma, double sensitivity = 1.0)
    {
        Guard.PositiveFinite(sigma);
        Guard.PositiveFinite(sensitivity);
        return sensitivity * sensitivity / (2 * sigma * sigma);
    }

    /// <summary>σ of a Gaussian with ρ-zCDP: Δ/√(2ρ).</summary>
    /// <param name="rho">ρ, finite and &gt; 0.</param>
    /// <param name="sensitivity">Δ, finite and &gt; 0.</param>
    /// <returns>σ.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is ≤ 0, NaN or infinite.</exception>
    public static double GaussianSigma(double rho, double sensitivity = 1.0)
    {
        Guard.PositiveFinite(rho);
        Guard.PositiveFinite(sensitivity);
        return sensitivity / Math.Sqrt(2 * rho);
    }

    /// <summary>Composition: ρ = Σ ρᵢ (Bun and Steinke 2016, Lemma 2.3).</summary>
    /// <param name="rhos">The ρᵢ, each ≥ 0.</param>
    /// <returns>The total ρ.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rhos"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A ρ is negative or NaN.</exception>
    public static double Compose(IEnumerable<double> rhos)
    {
        ArgumentNullException.ThrowIfNull(rhos);
        var sum = 0.0;
        foreach (var r in rhos)
        {
            if (!(r >= 0))
            {
                throw new ArgumentOutOfRangeException(nameof(rhos), r, "every rho must be >= 0.");
            }

            sum += r;
        }

        return sum;
    }

    /// <summary>Pure ε-DP implies (ε²/2)-zCDP (Bun and Steinke 2016, Prop. 1.4).</summary>
    /// <param name="epsilon">ε ≥ 0, finite.</param>
    /// <returns>ρ = ε²/2.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epsilon"/> is negative, NaN or infinite.</exception>
    public static double FromPureDp(double epsilon)
    {
        if (!(epsilon >= 0) || double.IsInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be finite and >= 0.");
        }

        return epsilon * epsilon / 2;
    }

    /// <summary>The classic conversion ε = ρ + 2√(ρ ln(1/δ)) (Bun and Steinke 2016, Prop. 1.3); looser than <see cref="ToEpsilon"/>.</summary>
    /// <param name="rho">ρ ≥ 0.</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <returns>ε.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range or NaN.</exception>
    public static double ToEpsilonBunSteinke(double rho, double delta)
    {
        CheckRho(rho);
        Guard.PositiveDelta(delta);
        return rho + 2 * Math.Sqrt(rho * Math.Log(1 / delta));
    }

    /// <summary>
    /// The exact δ of ρ-zCDP at ε (Canonne, Kamath and Steinke 2020, Cor. 13; OpenDP's <c>cdp_delta</c>):
    /// δ = inf_{α&gt;1} exp((α−1)(αρ − ε) + α ln(1 − 1/α))/(α − 1), the optimal α found by bisection on the derivative
    /// (2α−1)ρ − ε + ln(1 − 1/α).
    /// </summary>
    /// <param name="rho">ρ ≥ 0 (finite).</param>
    /// <param name="epsilon">ε ≥ 0.</param>
    /// <returns>δ in [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range or NaN.</exception>
    public static double ToDelta(double rho, double epsilon)
    {
        CheckRho(rho);
        RdpAccountant.CheckEpsilon(epsilon, nameof(epsilon));
        if (rho == 0 || double.IsPositiveInfinity(epsilon))
        {
            return 0.0;
        }

        // Bisection on x = ln(α − 1): the derivative is increasing in α.
        double lo = Math.Log(1e-12), hi = Math.Log((epsilon + 1) / (2 * rho) + 2);
        for (var i = 0; i < 300 && hi - lo > 1e-15 * Math.Max(1, Math.Abs(hi)); i++)
        {
            var mid = 0.5 * (lo + hi);
            var alpha = 1 + Math.Exp(mid);
            var derivative = (2 * alpha - 1) * rho - epsilon + LogMath.Log1P(-1 / alpha);
            if (derivative < 0)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        var a = 1 + Math.Exp(0.5 * (lo + hi));
        var logDelta = (a - 1) * (a * rho - epsilon) + a * LogMath.Log1P(-1 / a) - Math.Log(a - 1);
        return Math.Min(1.0, Math.Exp(logDelta));
    }

    /// <summary>The smallest ε with <see cref="ToDelta"/>(ρ, ε) ≤ δ (CKS20; OpenDP's <c>cdp_epsilon</c>), by bisection to 1e-13 relative, rounded up.</summary>
    /// <param name="rho">ρ ≥ 0 (finite).</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <returns>ε ≥ 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range or NaN.</exception>
    public static double ToEpsilon(double rho, double delta)
    {
        CheckRho(rho);
        Guard.PositiveDelta(delta);
        if (rho == 0 || ToDelta(rho, 0) <= delta)
        {
            return 0.0;
        }

        double lo = 0, hi = ToEpsilonBunSteinke(rho, delta);
        for (var i = 0; i < 300 && hi - lo > 1e-14 * hi; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (ToDelta(rho, mid) <= delta)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        return hi;
    }

    private static void CheckRho(double rho)
    {
        if (!(rho >= 0) || double.IsInfinity(rho))
        {
            throw new ArgumentOutOfRangeException(nameof(rho), rho, "rho must be finite and >= 0.");
        }
    }
}

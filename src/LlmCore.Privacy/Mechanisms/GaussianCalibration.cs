using MathNet.Numerics;
using LlmCore.Privacy.Accounting.Internal;
using MathNet.Numerics.RootFinding;

namespace LlmCore.Privacy.Mechanisms;

/// <summary>How a Gaussian mechanism's σ is chosen for a target (ε, δ).</summary>
public enum GaussianCalibrationMethod
{
    /// <summary>The exact calibration of the analytic Gaussian mechanism (Balle and Wang 2018): the smallest σ that gives (ε, δ).</summary>
    Analytic = 0,

    /// <summary>The classic bound σ = Δ·√(2 ln(1.25/δ))/ε (Dwork and Roth 2014, Thm A.1), valid only for ε &lt; 1.</summary>
    Classic = 1,
}

/// <summary>
/// Gaussian noise calibration: the classic bound and the analytic Gaussian mechanism of Balle and Wang (2018),
/// "Improving the Gaussian Mechanism for Differential Privacy: Analytical Calibration and Optimal Denoising", Thm 8.
/// </summary>
/// <remarks>
/// <para>This type is stateless and thread-safe.</para>
/// <para>The tight δ of N(0, σ²) noise at sensitivity Δ is δ(ε) = Φ(Δ/(2σ) − εσ/Δ) − e^ε·Φ(−Δ/(2σ) − εσ/Δ). It is
/// evaluated in log space (log Φ from <see cref="SpecialFunctions.Erfc(double)"/>, and from its asymptotic series
/// below −20·√2), so that δ down to 1e−300 is represented. The analytic σ is the root of ln δ(σ) = ln δ found with
/// MathNet's Brent solver (<see cref="Brent"/>) on a doubling bracket, then nudged up ulp by ulp until
/// δ(σ) ≤ δ holds in floating point, so the returned σ is always on the safe side.</para>
/// </remarks>
public static class GaussianCalibration
{
    /// <summary>Returns σ for (ε, δ)-DP at L2 sensitivity Δ with the chosen method.</summary>
    /// <param name="epsilon">ε, finite and &gt; 0 (and &lt; 1 for <see cref="GaussianCalibrationMethod.Classic"/>).</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <param name="sensitivity">Δ₂, finite and &gt; 0.</param>
    /// <param name="method">The calibration.</param>
    /// <returns>σ &gt; 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static double Sigma(double epsilon, double delta, double sensitivity, GaussianCalibrationMethod method) => method switch
    {
        GaussianCalibrationMethod.Analytic => AnalyticSigma(epsilon, delta, sensitivity),
        GaussianCalibrationMethod.Classic => ClassicSigma(epsilon, delta, sensitivity),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "must be Analytic or Classic."),
    };

    /// <summary>Returns the classic σ = Δ·√(2 ln(1.25/δ))/ε (Dwork and Roth 2014, Thm A.1).</summary>
    /// <param name="epsilon">ε in (0, 1): the theorem does not hold for ε ≥ 1.</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <param name="sensitivity">Δ₂, finite and &gt; 0.</param>
    /// <returns>σ &gt; 0.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range (including ε ≥ 1).</exception>
    public static double ClassicSigma(double epsilon, double delta, double sensitivity)
    {
        if (!(epsilon > 0 && epsilon < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "must be in (0, 1) for the classic Gaussian calibration; use the analytic one for larger epsilon.");
        }

        Guard.PositiveDelta(delta);
        Guard.PositiveFinite(sensitivity);
        var sigma = sensitivity * Math.Sqrt(2 * Math.Log(1.25 / delta)) / epsilon;
        if (!double.IsNormal(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"the classic sigma for epsilon = {epsilon:R}, delta = {delta:R} and sensitivity = {sensitivity:R} is not a finite, normal double; give a larger epsilon or a smaller sensitivity.");
        }

        return sigma;
    }

    /// <summary>Returns the smallest σ for which N(0, σ²) noise gives (ε, δ)-DP at L2 sensitivity Δ (Balle and Wang 2018).</summary>
    /// <param name="epsilon">ε, finite and &gt; 0.</param>
    /// <param name="delta">δ in (0, 1); values down to 1e−300 are supported.</param>
    /// <param name="sensitivity">Δ₂, finite and &gt; 0.</param>
    /// <returns>σ &gt; 0 with <see cref="Delta"/>(σ, ε, Δ) ≤ δ.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static double AnalyticSigma(double epsilon, double delta, double sensitivity)
    {
        const double MaxLogSigma = 709.0; // e^709.78 is the largest double
        const double MinLogSigma = -708.0; // e^-708.4 is the smallest normal double
        Guard.PositiveFinite(epsilon);
        Guard.PositiveDelta(delta);
        Guard.PositiveFinite(sensitivity);
        var target = Math.Log(delta);
        double F(double logSigma) => LogDelta(Math.Exp(logSigma), epsilon, sensitivity) - target;

        // Bracket in ln σ: δ(σ) decreases in σ.
        var hi = Math.Log(sensitivity);
        while (F(hi) > 0)
        {
            hi += Math.Log(2);
            if (hi > MaxLogSigma)
            {
                throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"the sigma for epsilon = {epsilon:R}, delta = {delta:R} and sensitivity = {sensitivity:R} exceeds the largest double; give a larger epsilon or a smaller sensitivity.");
            }
        }

        var lo = hi - Math.Log(2);
        while (F(lo) <= 0)
        {
            lo -= Math.Log(2);
            if (lo < Math.Log(sensitivity) - 800)
            {
                return Math.Exp(hi);
            }
        }

        if (double.IsNaN(F(lo)) || double.IsNaN(F(hi)) || lo < MinLogSigma)
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"the sigma for epsilon = {epsilon:R}, delta = {delta:R} and sensitivity = {sensitivity:R} cannot be computed in double precision (sigma/sensitivity below 1e-300 or epsilon·sigma overflowing); give a smaller epsilon or a larger sensitivity.");
        }

        // Far out (e.g. ε ≈ 1e135 with sensitivity ≈ 4e51) F is flat to rounding over the whole bracket and Brent does not
        // converge: that is the same "outside double precision" case as above, not a failure of the caller's input.
        if (!Brent.TryFindRoot(F, lo, hi, 1e-14, 200, out var root))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"the sigma for epsilon = {epsilon:R}, delta = {delta:R} and sensitivity = {sensitivity:R} cannot be computed in double precision (the calibration equation is flat to rounding there); give a smaller epsilon or a larger sensitivity.");
        }

        var sigma = Math.Exp(root);
        bool TooLarge(double s)
        {
            var logDelta = LogDelta(s, epsilon, sensitivity);
            return logDelta > target || Math.Exp(logDelta) > delta;
        }

        for (var i = 0; i < 1000 && TooLarge(sigma); i++)
        {
            sigma = Math.BitIncrement(sigma);
        }

        for (var i = 0; i < 1_000_000 && TooLarge(sigma); i++)
        {
            sigma *= 1 + 1e-12;
        }

        if (!double.IsNormal(sigma) || TooLarge(sigma))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"no representable sigma gives epsilon = {epsilon:R} and delta = {delta:R} at sensitivity = {sensitivity:R}; the inputs are outside the range of double precision.");
        }

        return sigma;
    }

    /// <summary>Returns the tight δ(ε) of N(0, σ²) noise at L2 sensitivity Δ (Balle and Wang 2018, Thm 8).</summary>
    /// <param name="sigma">σ, finite and &gt; 0.</param>
    /// <param name="epsilon">ε, finite and ≥ 0.</param>
    /// <param name="sensitivity">Δ₂, finite and &gt; 0.</param>
    /// <returns>δ in [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public static double Delta(double sigma, double epsilon, double sensitivity)
    {
        Guard.PositiveFinite(sigma);
        Guard.NonNegativeFinite(epsilon);
        Guard.PositiveFinite(sensitivity);
        return Math.Exp(LogDelta(sigma, epsilon, sensitivity));
    }

    internal static double LogDelta(double sigma, double epsilon, double sensitivity)
    {
        var h = sensitivity / (2 * sigma);
        var m = epsilon * sigma / sensitivity;
        var logA = LogMath.LogNormalCdf(h - m);
        var logB = LogMath.LogNormalCdf(-h - m);
        var z = epsilon + logB - logA;
        if (z >= 0)
        {
            return double.NegativeInfinity;
        }

        return logA + Math.Log(-PrivacyMath.Expm1(z));
    }
}

using MathNet.Numerics;

namespace LlmCore.Privacy.Accounting.Internal;

/// <summary>
/// RDP of the Gaussian mechanism run on a sample of fixed size m = q·n drawn without replacement, under the
/// replace-one (substitution) neighbouring relation: Wang, Balle and Kasiviswanathan 2019, "Subsampled Rényi
/// Differential Privacy and Analytical Moments Accountant" (AISTATS), Theorem 27 in the strengthened form for the
/// Gaussian, as dp_accounting computes it (<c>_compute_rdp_sample_wor_gaussian</c>).
/// </summary>
/// <remarks>
/// <para>For an integer order α ≥ 2 the bound is (α − 1)·RDP(α) ≤ ln(1 + Σ_{j=2..α} C(α, j) q^j B_j) with
/// B₂ = min(4(e^{ε(2)} − 1), 2e^{ε(2)}) and, for j ≥ 3, B_j = min(4·√(|Δ^{2⌊j/2⌋}f|·|Δ^{2⌈j/2⌉}f|), 2e^{(j−1)ε(j)}),
/// where ε(α) = α/(2σ²) is the Gaussian's RDP, f(x) = exp(x(x + 1)/(2σ²)) = exp(x·ε(x + 1)) and Δ^k f is the k-th
/// forward difference at −1 (the binomial moments of the privacy-loss ratio); the differences are taken in log
/// space with signs. Past α = 256 the difference term is dropped (B_j = 2e^{(j−1)ε(j)}), which is still an upper
/// bound. Fractional orders interpolate the cumulant (α − 1)·RDP(α) linearly between ⌊α⌋ and ⌈α⌉ (WBK19
/// Corollary 10; the cumulant is convex, so this is an upper bound).</para>
/// </remarks>
internal static class WithoutReplacementRdp
{
    private const int ExactDifferencesUpTo = 256;
    private static readonly double s_log2 = Math.Log(2.0);
    private static readonly double s_log4 = Math.Log(4.0);

    /// <summary>RDP(α) of one step with sampling fraction q = m/n and noise multiplier σ (relative to the replace-one sensitivity).</summary>
    public static double Rdp(double q, double sigma, double order)
    {
        if (RdpMath.SampledEdgeCase(q, sigma, order) is { } edge)
        {
            return edge;
        }

        if (order == Math.Floor(order))
        {
            return LogA(q, sigma, checked((int)order)) / (order - 1.0);
        }

        var floor = Math.Floor(order);
        var t = order - floor;
        var x = LogA(q, sigma, (int)floor);
        var y = LogA(q, sigma, (int)floor + 1);
        return (((1.0 - t) * x) + (t * y)) / (order - 1.0);
    }

    /// <summary>The bound on (α − 1)·RDP(α) for an integer α ≥ 1 (0 at α = 1).</summary>
    public static double LogA(double q, double sigma, int alpha)
    {
        if (alpha <= 1)
        {
            return 0.0;
        }

        var twoSigma2 = 2.0 * sigma * sigma;
        double Cgf(double x) => x * (x + 1.0) / twoSigma2;
        var eps2 = 2.0 / twoSigma2;
        var logQ = Math.Log(q);
        var logF2Minus1 = eps2 + LogMath.Log1P(-Math.Exp(-eps2));
        var logA = 0.0;

        double[]? deltas = alpha <= ExactDifferencesUpTo ? ForwardDifferences(Cgf, alpha) : null;
        for (var i = 2; i <= alpha; i++)
        {
            double s;
            if (i == 2)
            {
                s = (2.0 * logQ) + LogBinomial(alpha, 2) + Math.Min(s_log4 + logF2Minus1, eps2 + s_log2);
            }
            else
            {
                s = s_log2 + Cgf(i - 1);
                if (deltas is not null)
                {
                    var lo = deltas[(2 * (i / 2)) - 1];
                    var hi = deltas[(2 * ((i + 1) / 2)) - 1];
                    s = Math.Min(s_log4 + (0.5 * (lo + hi)), s);
                }

                s += (i * logQ) + LogBinomial(alpha, i);
            }

            logA = LogMath.LogAdd(logA, s);
        }

        return logA;
    }

    /// <summary>
    /// ln|Δ^{k+1} f(−1)| for k = 0..n+1, where f(x) = exp(cgf(x)): the log-space, signed forward differences of the
    /// sequence g₀ = 1, g_i = exp(cgf(i − 1)) (i = 1..n+2), taken in place as dp_accounting's
    /// <c>_get_forward_diffs</c> does.
    /// </summary>
    internal static double[] ForwardDifferences(Func<double, double> cgf, int n)
    {
        var values = new double[n + 3];
        var positive = new bool[n + 3];
        Array.Fill(positive, true);
        for (var i = 1; i < n + 3; i++)
        {
            values[i] = cgf(i - 1);
        }

        var deltas = new double[n + 2];
        for (var i = 0; i < n + 2; i++)
        {
            DifferenceInPlace(values, positive, n + 2 - i);
            deltas[i] = values[0];
        }

        return deltas;
    }

    /// <summary>Replaces values[j] by ln|v_{j+1} − v_j| (with its sign) for j &lt; count, where v = ±exp(values).</summary>
    private static void DifferenceInPlace(double[] values, bool[] positive, int count)
    {
        for (var j = 0; j < count; j++)
        {
            if (positive[j] == positive[j + 1])
            {
                var (isPositive, magnitude) = LogSubtractSigned(values[j + 1], values[j]);
                positive[j] = positive[j + 1] ? isPositive : !isPositive;
                values[j] = magnitude;
            }
            else
            {
                values[j] = LogMath.LogAdd(values[j], values[j + 1]);
                positive[j] = positive[j + 1];
            }
        }
    }

    /// <summary>ln|eˣ − eʸ| and whether eˣ − eʸ ≥ 0.</summary>
    private static (bool Positive, double Magnitude) LogSubtractSigned(double x, double y)
    {
        if (x > y)
        {
            return (true, x + LogMath.Log1P(-Math.Exp(y - x)));
        }

        if (x < y)
        {
            return (false, y + LogMath.Log1P(-Math.Exp(x - y)));
        }

        return (true, double.NegativeInfinity);
    }

    private static double LogBinomial(int n, int k) =>
        SpecialFunctions.GammaLn(n + 1.0) - SpecialFunctions.GammaLn(k + 1.0) - SpecialFunctions.GammaLn(n - k + 1.0);
}

using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace LlmCore.Privacy.Accounting.Internal;

/// <summary>
/// A discretised privacy loss distribution (Meiser and Mohammadi 2018; Koskela, Jälkö and Honkela 2020; Doroshenko et al.
/// 2022 as in dp_accounting): mass <c>Pmf[i]</c> at loss <c>(Offset + i)·Interval</c> plus a mass at +∞.
/// Discretisation is pessimistic: every loss is rounded up to the grid, and truncated upper tails go to +∞, so δ(ε)
/// computed from it is an upper bound. An optimistic distribution (dp_accounting's <c>pessimistic_estimate=False</c>)
/// rounds every loss down instead and drops truncated lower tails (loss −∞), so δ(ε) computed from it is a lower bound;
/// its masses may sum to less than 1, the missing mass having loss −∞.
/// </summary>
internal sealed class PrivacyLossDistribution
{
    private const long DirectConvolutionLimit = 4_000_000;

    public PrivacyLossDistribution(double interval, long offset, double[] pmf, double infinityMass, bool pessimistic = true)
    {
        Interval = interval;
        Offset = offset;
        Pmf = pmf;
        InfinityMass = Math.Clamp(infinityMass, 0.0, 1.0);
        IsPessimistic = pessimistic;
    }

    /// <summary>Gets a value indicating whether losses were rounded up (an upper bound) rather than down (a lower bound).</summary>
    public bool IsPessimistic { get; }

    public double Interval { get; }

    public long Offset { get; }

    public double[] Pmf { get; }

    public double InfinityMass { get; }

    /// <summary>
    /// Discretises a loss variable by "connect the dots" (Doroshenko, Ghazi, Kamath, Kumar and Manurangsi 2022;
    /// dp_accounting's default): atoms on the grid kΔ whose δ(ε) equals the mechanism's hockey-stick divergence at every
    /// grid point and interpolates it linearly in e^ε in between. δ as a function of e^ε is convex, so the result
    /// dominates the mechanism (its δ and ε are upper bounds) without the T·Δ/2 bias of rounding every loss up.
    /// </summary>
    public static PrivacyLossDistribution FromLossVariable(LossVariable loss, double interval, double tail)
    {
        var lower = double.IsNegativeInfinity(loss.MinLoss) ? FindLower(loss, tail) : loss.MinLoss;
        var upper = double.IsPositiveInfinity(loss.MaxLoss) ? FindUpper(loss, tail) : loss.MaxLoss;
        var kLo = (long)Math.Floor(lower / interval);
        var kHi = Math.Max(kLo + 1, (long)Math.Ceiling(upper / interval));
        var n = checked((int)(kHi - kLo + 1));
        var d = new double[n];
        var x = new double[n];
        for (var i = 0; i < n; i++)
        {
            var eps = (kLo + i) * interval;
            d[i] = loss.HockeyStick(eps);
            x[i] = Math.Exp(eps);
        }

        // D(x) = Σ p_j (1 − x/e_j)₊ + P(∞) is piecewise linear in x with slope jumps p_j/e_j at the atoms.
        var infinity = d[n - 1];
        var pmf = new double[n];
        var total = 0.0;
        for (var i = n - 1; i >= 1; i--)
        {
            var right = i == n - 1 ? 0.0 : (d[i + 1] - d[i]) / (x[i + 1] - x[i]);
            var left = (d[i] - d[i - 1]) / (x[i] - x[i - 1]);
            pmf[i] = Math.Max(0.0, x[i] * (right - left));
            total += pmf[i];
        }

        pmf[0] = Math.Max(0.0, 1.0 - infinity - total);
        return new PrivacyLossDistribution(interval, kLo, pmf, infinity);
    }

    /// <summary>
    /// The optimistic discretisation, dp_accounting's privacy buckets with <c>pessimistic_estimate=False</c>: the mass of
    /// the loss in (kΔ, (k+1)Δ] goes to kΔ (rounded down), the upper tail beyond the truncation point to the last grid
    /// point below it, and the lower tail (mass ≤ <paramref name="tail"/>) is dropped (loss −∞). Each loss only decreases,
    /// so δ(ε) from the result is a lower bound on the mechanism's. Bucket masses are differences of the CDF below the
    /// median and of the survival function above it, so that small tail masses keep their relative accuracy.
    /// </summary>
    public static PrivacyLossDistribution FromLossVariableOptimistic(LossVariable loss, double interval, double tail)
    {
        var lower = double.IsNegativeInfinity(loss.MinLoss) ? FindLower(loss, tail) : loss.MinLoss;
        var upper = double.IsPositiveInfinity(loss.MaxLoss) ? FindUpper(loss, tail) : loss.MaxLoss;

        // One extra bucket below, so that an atom exactly at the lowest loss is kept rather than dropped.
        var kLo = (long)Math.Floor(lower / interval) - 1;
        var kHi = Math.Max(kLo + 1, (long)Math.Ceiling(upper / interval));
        var n = checked((int)(kHi - kLo + 1));
        var pmf = new double[n];
        for (var i = 0; i < n - 1; i++)
        {
            var a = (kLo + i) * interval;
            var b = a + interval;
            var cdfA = loss.Cdf(a);
            pmf[i] = cdfA < 0.5 ? Math.Max(0.0, loss.Cdf(b) - cdfA) : Math.Max(0.0, loss.Sf(a) - loss.Sf(b));
        }

        pmf[n - 1] = loss.Sf(kHi * interval);
        return new PrivacyLossDistribution(interval, kLo, pmf, 0.0, pessimistic: false);
    }

    /// <summary>
    /// Discretises a finite list of (loss, probability) pairs, rounding each loss up (pessimistic) or down (optimistic);
    /// losses of +∞ go to the infinity mass.
    /// </summary>
    public static PrivacyLossDistribution FromDiscrete(IReadOnlyList<(double Loss, double Probability)> atoms, double interval, bool pessimistic = true)
    {
        var infinity = 0.0;
        var finite = new List<(long Index, double P)>();
        foreach (var (l, p) in atoms)
        {
            if (p <= 0)
            {
                continue;
            }

            if (double.IsPositiveInfinity(l))
            {
                infinity += p;
            }
            else
            {
                finite.Add((pessimistic ? (long)Math.Ceiling(l / interval) : (long)Math.Floor(l / interval), p));
            }
        }

        if (finite.Count == 0)
        {
            return new PrivacyLossDistribution(interval, 0, [0.0], infinity, pessimistic);
        }

        var lo = finite.Min(static f => f.Index);
        var hi = finite.Max(static f => f.Index);
        var pmf = new double[checked((int)(hi - lo + 1))];
        foreach (var (index, p) in finite)
        {
            pmf[index - lo] += p;
        }

        return new PrivacyLossDistribution(interval, lo, pmf, infinity, pessimistic);
    }

    /// <summary>δ(ε) = Σ p_k (1 − e^{ε − ℓ_k})₊ + P(ℓ = ∞).</summary>
    public double GetDelta(double epsilon)
    {
        var sum = 0.0;
        for (var i = Pmf.Length - 1; i >= 0; i--)
        {
            var l = (Offset + i) * Interval;
            if (l <= epsilon)
            {
                break;
            }

            sum += Pmf[i] * (1.0 - Math.Exp(epsilon - l));
        }

        return Math.Min(1.0, sum + InfinityMass);
    }

    /// <summary>
    /// The smallest ε ≥ 0 with δ(ε) ≤ <paramref name="delta"/>, exactly: between two atoms δ(ε) = P∞ + S₁ − e^ε·S₂ with
    /// S₁ = Σ p_j and S₂ = Σ p_j e^{−ℓ_j} over the atoms above, so ε = ln((P∞ + S₁ − δ)/S₂). +∞ when P∞ &gt; δ.
    /// </summary>
    public double GetEpsilon(double delta)
    {
        if (InfinityMass > delta)
        {
            return double.PositiveInfinity;
        }

        double s1 = 0, s2 = 0;
        for (var i = Pmf.Length - 1; i >= 0; i--)
        {
            var l = (Offset + i) * Interval;
            if (l <= 0)
            {
                break;
            }

            // Atoms above index i are in the sums: δ on [ℓ_i, ℓ_{i+1}) is P∞ + s1 − e^ε s2.
            var atLi = InfinityMass + s1 - Math.Exp(l) * s2;
            if (atLi > delta)
            {
                return Math.Max(l, Math.Log((InfinityMass + s1 - delta) / s2));
            }

            s1 += Pmf[i];
            s2 += Pmf[i] * Math.Exp(-l);
        }

        var atZero = InfinityMass + s1 - s2;
        if (atZero <= delta || s2 <= 0)
        {
            return 0.0;
        }

        return Math.Max(0.0, Math.Log((InfinityMass + s1 - delta) / s2));
    }

    /// <summary>The distribution of the sum of the two losses (composition), with tails of mass ≤ <paramref name="tail"/> truncated pessimistically.</summary>
    public PrivacyLossDistribution Convolve(PrivacyLossDistribution other, double tail)
    {
        var a = Pmf;
        var b = other.Pmf;
        var length = a.Length + b.Length - 1;
        double[] result;
        if ((long)a.Length * b.Length <= DirectConvolutionLimit)
        {
            result = new double[length];
            for (var i = 0; i < a.Length; i++)
            {
                var ai = a[i];
                if (ai == 0)
                {
                    continue;
                }

                for (var j = 0; j < b.Length; j++)
                {
                    result[i + j] += ai * b[j];
                }
            }
        }
        else
        {
            var size = NextPowerOfTwo(length);
            var fa = ToPacked(a, size);
            var fb = ToPacked(b, size);
            Fourier.ForwardReal(fa, size, FourierOptions.Matlab);
            Fourier.ForwardReal(fb, size, FourierOptions.Matlab);
            for (var k = 0; k <= size / 2; k++)
            {
                var z = new Complex(fa[2 * k], fa[(2 * k) + 1]) * new Complex(fb[2 * k], fb[(2 * k) + 1]);
                fa[2 * k] = z.Real;
                fa[(2 * k) + 1] = z.Imaginary;
            }

            Fourier.InverseReal(fa, size, FourierOptions.Matlab);
            result = new double[length];
            for (var i = 0; i < length; i++)
            {
                result[i] = Math.Max(0.0, fa[i]);
            }
        }

        var infinity = 1.0 - (1.0 - InfinityMass) * (1.0 - other.InfinityMass);
        return Truncate(Interval, Offset + other.Offset, result, infinity, tail, IsPessimistic);
    }

    /// <summary>The <paramref name="count"/>-fold composition with itself: one FFT raised to the power <paramref name="count"/>, on a support chosen by Chernoff bounds (as dp_accounting's <c>self_convolve</c>).</summary>
    public PrivacyLossDistribution SelfCompose(long count, double tail)
    {
        if (count == 1)
        {
            return this;
        }

        var n = Pmf.Length;
        var infinity = 1.0 - Math.Pow(1.0 - InfinityMass, count);
        if ((long)n * n * Math.Log2(count) <= DirectConvolutionLimit)
        {
            // Exponentiation by squaring with direct convolutions: exact up to rounding for small supports.
            PrivacyLossDistribution? acc = null;
            var basePld = this;
            var k = count;
            while (k > 0)
            {
                if ((k & 1) == 1)
                {
                    acc = acc is null ? basePld : acc.Convolve(basePld, tail);
                }

                k >>= 1;
                if (k > 0)
                {
                    basePld = basePld.Convolve(basePld, tail);
                }
            }

            return acc!;
        }

        var (lo, hi) = ChernoffBounds(count, tail);
        var minIndex = count * Offset;
        var maxIndex = count * (Offset + n - 1);
        lo = Math.Max(lo, minIndex);
        hi = Math.Min(hi, maxIndex);
        var outLength = checked((int)(hi - lo + 1));
        var size = NextPowerOfTwo(Math.Max(outLength, n));
        var f = ToPacked(Pmf, size);
        Fourier.ForwardReal(f, size, FourierOptions.Matlab);
        for (var k = 0; k <= size / 2; k++)
        {
            var z = Complex.Pow(new Complex(f[2 * k], f[(2 * k) + 1]), count);
            f[2 * k] = z.Real;
            f[(2 * k) + 1] = z.Imaginary;
        }

        Fourier.InverseReal(f, size, FourierOptions.Matlab);
        var result = new double[outLength];
        var shift = lo - minIndex;
        for (var i = 0; i < outLength; i++)
        {
            var j = (int)((shift + i) % size);
            result[i] = Math.Max(0.0, f[j]);
        }

        // The mass beyond the Chernoff bounds (≤ tail) is not represented: pessimistically it is counted at +∞,
        // optimistically it is left out (loss −∞).
        return IsPessimistic
            ? Truncate(Interval, lo, result, Math.Min(1.0, infinity + tail), tail, pessimistic: true)
            : Truncate(Interval, lo, result, infinity, tail, pessimistic: false);
    }

    private (long Lo, long Hi) ChernoffBounds(long count, double tail)
    {
        var logTail = Math.Log(tail);
        var bestHi = double.PositiveInfinity;
        var bestLo = double.NegativeInfinity;
        for (var e = -6; e <= 20; e++)
        {
            var lambda = Math.Pow(2.0, e / 2.0);
            var upper = (count * LogMgf(lambda) - logTail) / lambda;
            var lower = (logTail - count * LogMgf(-lambda)) / lambda;
            bestHi = Math.Min(bestHi, upper);
            bestLo = Math.Max(bestLo, lower);
        }

        var minIndex = count * Offset;
        var maxIndex = count * (Offset + Pmf.Length - 1);
        var hi = double.IsFinite(bestHi) ? (long)Math.Min(maxIndex, Math.Ceiling(bestHi / Interval)) : maxIndex;
        var lo = double.IsFinite(bestLo) ? (long)Math.Max(minIndex, Math.Floor(bestLo / Interval)) : minIndex;
        return (lo, hi);
    }

    private double LogMgf(double lambda)
    {
        var max = double.NegativeInfinity;
        for (var i = 0; i < Pmf.Length; i++)
        {
            if (Pmf[i] > 0)
            {
                max = Math.Max(max, lambda * (Offset + i) * Interval);
            }
        }

        var sum = 0.0;
        for (var i = 0; i < Pmf.Length; i++)
        {
            if (Pmf[i] > 0)
            {
                sum += Pmf[i] * Math.Exp(lambda * (Offset + i) * Interval - max);
            }
        }

        return max + Math.Log(sum);
    }

    private static PrivacyLossDistribution Truncate(double interval, long offset, double[] pmf, double infinity, double tail, bool pessimistic)
    {
        // Pessimistic: the lower tail moves up onto the first kept point, the upper tail to +∞.
        // Optimistic: the lower tail is dropped (loss −∞), the upper tail moves down onto the last kept point.
        var start = 0;
        var lowMass = 0.0;
        while (start < pmf.Length - 1 && lowMass + pmf[start] <= tail / 2)
        {
            lowMass += pmf[start];
            start++;
        }

        var end = pmf.Length - 1;
        var highMass = 0.0;
        while (end > start && highMass + pmf[end] <= tail / 2)
        {
            highMass += pmf[end];
            end--;
        }

        if (start == 0 && end == pmf.Length - 1)
        {
            return new PrivacyLossDistribution(interval, offset, pmf, infinity, pessimistic);
        }

        var kept = new double[end - start + 1];
        Array.Copy(pmf, start, kept, 0, kept.Length);
        if (pessimistic)
        {
            kept[0] += lowMass;
            return new PrivacyLossDistribution(interval, offset + start, kept, infinity + highMass, pessimistic: true);
        }

        kept[^1] += highMass;
        return new PrivacyLossDistribution(interval, offset + start, kept, infinity, pessimistic: false);
    }

    /// <summary>A zero-padded copy of length size + 2, the layout of MathNet's packed real FFT.</summary>
    private static double[] ToPacked(double[] values, int size)
    {
        var c = new double[size + 2];
        Array.Copy(values, c, values.Length);
        return c;
    }

    private static int NextPowerOfTwo(long n)
    {
        var size = 1;
        while (size < n)
        {
            size = checked(size * 2);
        }

        return size;
    }

    private static double FindLower(LossVariable loss, double tail)
    {
        var v = -1.0;
        while (loss.Cdf(v) > tail && v > -1e6)
        {
            v *= 2;
        }

        var lo = v;
        var hi = Math.Min(v / 2, double.IsFinite(loss.MaxLoss) ? loss.MaxLoss : v / 2);
        for (var i = 0; i < 60; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (loss.Cdf(mid) > tail)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        return lo;
    }

    private static double FindUpper(LossVariable loss, double tail)
    {
        var v = 1.0;
        while (loss.Sf(v) > tail && v < 1e6)
        {
            v *= 2;
        }

        var hi = v;
        var lo = Math.Max(v / 2, double.IsFinite(loss.MinLoss) ? loss.MinLoss : v / 2);
        for (var i = 0; i < 60; i++)
        {
            var mid = 0.5 * (lo + hi);
            if (loss.Sf(mid) > tail)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return hi;
    }
}

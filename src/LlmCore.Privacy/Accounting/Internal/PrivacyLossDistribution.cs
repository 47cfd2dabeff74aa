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
    public static PrivacyLossDistribution FromLossVariable(LossVariable loss, double interval, double tail, long maxPoints, CancellationToken cancellationToken = default)
    {
        var lower = double.IsNegativeInfinity(loss.MinLoss) ? FindLower(loss, tail) : loss.MinLoss;
        var upper = double.IsPositiveInfinity(loss.MaxLoss) ? FindUpper(loss, tail) : loss.MaxLoss;
        CheckGrid(lower, upper, interval, maxPoints, extra: 2);
        var kLo = (long)Math.Floor(lower / interval);
        var kHi = Math.Max(kLo + 1, (long)Math.Ceiling(upper / interval));
        var n = checked((int)(kHi - kLo + 1));
        var d = new double[n];
        for (var i = 0; i < n; i++)
        {
            if ((i & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            d[i] = loss.HockeyStick((kLo + i) * interval);
        }

        // D(x) = Σ p_j (1 − x/e_j)₊ + P(∞) is piecewise linear in x = e^ε with slope jumps p_j/e_j at the atoms, so
        // p_i = x_i·(right slope − left slope). On the uniform grid x_{i±1} = x_i·e^{±Δ}, which gives the form below:
        // no e^ε is ever formed, so losses beyond 709 nats (where e^ε overflows) are handled like any other.
        var upStep = LogMath.ExpM1(interval);
        var downStep = -LogMath.ExpM1(-interval);
        var infinity = d[n - 1];
        var pmf = new double[n];
        var total = 0.0;
        for (var i = n - 1; i >= 1; i--)
        {
            var right = i == n - 1 ? 0.0 : (d[i + 1] - d[i]) / upStep;
            var left = (d[i] - d[i - 1]) / downStep;
            pmf[i] = Math.Max(0.0, right - left);
            total += pmf[i];
        }

        pmf[0] = Math.Max(0.0, 1.0 - infinity - total);
        return new PrivacyLossDistribution(interval, kLo, pmf, infinity);
    }

    /// <summary>
    /// The optimistic discretisation, dp_accounting's privacy buckets with <c>pessimistic_estimate=False</c>: the mass of
    /// the loss in [kΔ, (k+1)Δ) goes to kΔ (rounded down), the upper tail beyond the truncation point to the last grid
    /// point below it, and the lower tail (mass ≤ <paramref name="tail"/>) is dropped (loss −∞). Each loss only decreases,
    /// so δ(ε) from the result is a lower bound on the mechanism's. Bucket masses are differences of the CDF below the
    /// median and of the survival function above it, so that small tail masses keep their relative accuracy.
    /// </summary>
    public static PrivacyLossDistribution FromLossVariableOptimistic(LossVariable loss, double interval, double tail, long maxPoints, CancellationToken cancellationToken = default)
    {
        var lower = double.IsNegativeInfinity(loss.MinLoss) ? FindLower(loss, tail) : loss.MinLoss;
        var upper = double.IsPositiveInfinity(loss.MaxLoss) ? FindUpper(loss, tail) : loss.MaxLoss;
        CheckGrid(lower, upper, interval, maxPoints, extra: 3);

        // One extra bucket below, so that an atom exactly at the lowest loss is kept rather than dropped.
        var kLo = (long)Math.Floor(lower / interval) - 1;
        var kHi = Math.Max(kLo + 1, (long)Math.Ceiling(upper / interval));
        var n = checked((int)(kHi - kLo + 1));
        var pmf = new double[n];

        // Bucket i holds P(kΔ ≤ ℓ < (k + 1)Δ), k = kLo + i, as dp_accounting's optimistic rounding (an atom on a grid point
        // stays there). Each grid point's two probabilities are evaluated once and shared by the two buckets it bounds:
        // were a bucket's upper end formed as a + Δ and the next bucket's lower end as (k + 1)·Δ, the two could differ in
        // the last bit, and an atom of the loss between them (the plain Laplace's at ±1/b when 1/b is a multiple of Δ)
        // was counted in both buckets: masses summing to more than 1 and a "lower" bound above the upper one.
        var below = loss.CdfBelow(kLo * interval);
        var atOrAbove = loss.SfAtOrAbove(kLo * interval);
        for (var i = 0; i < n - 1; i++)
        {
            if ((i & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var edge = (kLo + i + 1) * interval;
            var nextBelow = loss.CdfBelow(edge);
            var nextAtOrAbove = loss.SfAtOrAbove(edge);
            pmf[i] = below < 0.5 ? Math.Max(0.0, nextBelow - below) : Math.Max(0.0, atOrAbove - nextAtOrAbove);
            below = nextBelow;
            atOrAbove = nextAtOrAbove;
        }

        pmf[n - 1] = atOrAbove;
        return new PrivacyLossDistribution(interval, kLo, pmf, 0.0, pessimistic: false);
    }

    /// <summary>
    /// Discretises a finite list of (loss, probability) pairs, rounding each loss up (pessimistic) or down (optimistic);
    /// losses of +∞ go to the infinity mass.
    /// </summary>
    public static PrivacyLossDistribution FromDiscrete(IReadOnlyList<(double Loss, double Probability)> atoms, double interval, long maxPoints, bool pessimistic = true)
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
        CheckLength((double)hi - lo + 1, maxPoints, "privacyEvent", FormattableString.Invariant($"to hold losses from {lo * interval:G4} to {hi * interval:G4} nats at a discretisation interval of {interval:G4}"));
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
    /// <remarks>
    /// e^ε·S₂ is carried relative to the current atom, as t = Σ p_j e^{ℓ_i − ℓ_j} ≤ S₁ (t ← (t + p_i)·e^{−Δ} one step
    /// down), so neither e^ℓ nor e^{−ℓ} is formed and losses of any size (beyond the 709 nats where e^ℓ overflows) give
    /// the exact answer.
    /// </remarks>
    public double GetEpsilon(double delta)
    {
        if (InfinityMass > delta)
        {
            return double.PositiveInfinity;
        }

        var decay = Math.Exp(-Interval);
        double s1 = 0, t = 0;
        var i = Pmf.Length - 1;
        for (; i >= 0; i--)
        {
            var l = (Offset + i) * Interval;
            if (l <= 0)
            {
                break;
            }

            // Atoms above index i are in the sums: δ on [ℓ_i, ℓ_{i+1}) is P∞ + s1 − e^{ε − ℓ_i}·t.
            var atLi = InfinityMass + s1 - t;
            if (atLi > delta)
            {
                return Math.Max(l, l + Math.Log((InfinityMass + s1 - delta) / t));
            }

            s1 += Pmf[i];
            t = (t + Pmf[i]) * decay;
        }

        // Every atom above zero is in the sums; t is relative to the loss ℓ_ref of index i (≤ 0), so e^{0}·S₂ = t·e^{−ℓ_ref}.
        var reference = (Offset + i) * Interval;
        var atZero = InfinityMass + s1 - (t * Math.Exp(-reference));
        if (atZero <= delta || t <= 0)
        {
            return 0.0;
        }

        return Math.Max(0.0, reference + Math.Log((InfinityMass + s1 - delta) / t));
    }

    /// <summary>The distribution of the sum of the two losses (composition), with tails of mass ≤ <paramref name="tail"/> truncated pessimistically.</summary>
    /// <param name="other">The other loss.</param>
    /// <param name="tail">The tail mass to truncate.</param>
    /// <param name="maxPoints">The grid limit.</param>
    /// <param name="cancellationToken">Checked between rows of a direct convolution and between the FFT passes.</param>
    public PrivacyLossDistribution Convolve(PrivacyLossDistribution other, double tail, long maxPoints, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var a = Pmf;
        var b = other.Pmf;
        var length = a.Length + b.Length - 1;
        var direct = (long)a.Length * b.Length <= DirectConvolutionLimit;
        CheckLength(direct ? length : NextPowerOfTwo(length), maxPoints, "privacyEvent", FormattableString.Invariant($"to compose two privacy loss distributions of {a.Length:N0} and {b.Length:N0} points by FFT"));
        double[] result;
        if (direct)
        {
            result = new double[length];
            for (var i = 0; i < a.Length; i++)
            {
                if ((i & 1023) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

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
            cancellationToken.ThrowIfCancellationRequested();
            Fourier.ForwardReal(fb, size, FourierOptions.Matlab);
            cancellationToken.ThrowIfCancellationRequested();
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
    /// <param name="count">How many times to compose.</param>
    /// <param name="tail">The tail mass to truncate.</param>
    /// <param name="maxPoints">The grid limit.</param>
    /// <param name="cancellationToken">Checked between squarings and between the FFT passes.</param>
    public PrivacyLossDistribution SelfCompose(long count, double tail, long maxPoints, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
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
                    acc = acc is null ? basePld : acc.Convolve(basePld, tail, maxPoints, cancellationToken);
                }

                k >>= 1;
                if (k > 0)
                {
                    basePld = basePld.Convolve(basePld, tail, maxPoints, cancellationToken);
                }
            }

            return acc!;
        }

        // The window [lo, hi] of the composed loss (in grid indices) holds all but `tail` of the mass; its size decides the
        // FFT length, so it is checked against the limit before anything is allocated. Indices are kept in double until
        // then: count × offset overflows a long long before the limit is reached.
        var (loD, hiD) = ChernoffBounds(count, tail);
        var outLengthD = hiD - loD + 1;
        CheckLength(
            NextPowerOfTwoAtLeast(Math.Max(outLengthD, n)),
            maxPoints,
            "count",
            FormattableString.Invariant($"to compose {count:N0} times a privacy loss of {n:N0} points (the composed loss spans {loD * Interval:G4} to {hiD * Interval:G4} nats at a discretisation interval of {Interval:G4})"));
        const double IndexLimit = 4.6e18;
        if (Math.Abs((double)count * Offset) > IndexLimit || Math.Abs((double)count * (Offset + n - 1)) > IndexLimit)
        {
            throw new AccountingLimitExceededException(
                "count",
                (double)count * n,
                maxPoints,
                FormattableString.Invariant($"The PLD accountant cannot index the composition of {count:N0} privacy losses of {n:N0} points: the composed loss's grid indices would exceed 4.6e18. Use fewer compositions, a coarser discretization interval, or the RDP accountant."));
        }

        var lo = (long)loD;
        var hi = (long)hiD;
        var minIndex = count * Offset;
        var outLength = checked((int)(hi - lo + 1));
        var size = NextPowerOfTwo(Math.Max(outLength, n));
        var f = ToPacked(Pmf, size);
        Fourier.ForwardReal(f, size, FourierOptions.Matlab);
        cancellationToken.ThrowIfCancellationRequested();
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

    /// <summary>The composed loss's window in grid indices (as doubles: the ends may lie beyond the range of a long).</summary>
    private (double Lo, double Hi) ChernoffBounds(long count, double tail)
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

        var minIndex = (double)count * Offset;
        var maxIndex = (double)count * (Offset + Pmf.Length - 1);
        var hi = double.IsFinite(bestHi) ? Math.Min(maxIndex, Math.Ceiling(bestHi / Interval)) : maxIndex;
        var lo = double.IsFinite(bestLo) ? Math.Max(minIndex, Math.Floor(bestLo / Interval)) : minIndex;
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

    /// <summary>Refuses a grid from <paramref name="lower"/> to <paramref name="upper"/> nats that would exceed the limit.</summary>
    private static void CheckGrid(double lower, double upper, double interval, long maxPoints, int extra) =>
        CheckLength(
            ((upper - lower) / interval) + extra,
            maxPoints,
            "privacyEvent",
            $"to discretise a privacy loss from {lower:G4} to {upper:G4} nats at a discretisation interval of {interval:G4}");

    /// <summary>Throws <see cref="AccountingLimitExceededException"/> when <paramref name="required"/> points exceed the limit (or are not a number).</summary>
    internal static void CheckLength(double required, long maxPoints, string paramName, string what)
    {
        if (required <= maxPoints)
        {
            return;
        }

        var culture = System.Globalization.CultureInfo.InvariantCulture;
        throw new AccountingLimitExceededException(
            paramName,
            required,
            maxPoints,
            string.Create(culture, $"The PLD accountant would need {required:G3} grid points {what}, more than its limit of {maxPoints:N0} (maxGridPoints; each array of that many points takes {maxPoints * 8.0 / (1 << 20):N0} MiB). Use more noise, fewer compositions, a coarser discretization interval, a larger maxGridPoints (at most {PldAccountant.MaxGridPointsLimit:N0}), or the RDP accountant, whose cost does not grow with these."));
    }

    /// <summary>The smallest power of two ≥ <paramref name="n"/>, as a double (no overflow for any n).</summary>
    private static double NextPowerOfTwoAtLeast(double n) => n <= 1 ? 1 : Math.Pow(2, Math.Ceiling(Math.Log2(n)));

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

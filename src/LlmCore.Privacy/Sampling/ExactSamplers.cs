using System.Numerics;

namespace LlmCore.Privacy.Sampling;

/// <summary>
/// Exact samplers that use integer arithmetic and random bits only: uniform integers, Bernoulli(p) for a
/// rational p, Bernoulli(exp(−γ)) for a rational γ, the discrete Laplace (two-sided geometric) and the discrete
/// Gaussian distribution.
/// </summary>
/// <remarks>
/// <para>This type is stateless and thread-safe when its <see cref="IRandomSource"/> is.</para>
/// <para>The algorithms are those of Canonne, Kamath and Steinke (2020), "The Discrete Gaussian for Differential
/// Privacy" (NeurIPS 2020), Algorithms 1–3: no floating-point number is ever formed, so the output distribution
/// is exactly the stated one (up to the quality of the random bits). Rational parameters are passed as
/// numerator and denominator; the <see cref="double"/> overloads convert a binary64 value to the rational it
/// represents exactly. Run time is random (expected O(1) iterations for the Bernoulli and Laplace samplers and
/// for the discrete Gaussian), and not constant-time.</para>
/// </remarks>
public static class ExactSamplers
{
    /// <summary>
    /// The largest scale (b of the discrete Laplace, σ of the discrete Gaussian) that the <see cref="double"/> overloads
    /// and the discrete mechanisms accept: 1e15.
    /// </summary>
    /// <remarks>
    /// Samples are returned as <see cref="long"/>: at scale 1e15 a sample exceeds 2^63 ≈ 9.2e18 in magnitude with
    /// probability below e^{−9000} (discrete Laplace; the Gaussian's tail is far lighter), where a larger scale would soon
    /// overflow. Every finite scale &gt; 0 up to it, down to the smallest subnormal double, is sampled exactly and fast:
    /// the expected number of loop iterations is bounded by a constant at every scale, and the integers involved stay
    /// below about 2,200 bits (at the smallest scales). Larger scales can be sampled with the <see cref="BigInteger"/>
    /// overloads, which return a <see cref="BigInteger"/>.
    /// </remarks>
    public const double MaxScale = 1e15;

    /// <summary>Bit length up to which <see cref="IntegerSqrt"/> starts from the double square root.</summary>
    internal const int SmallSqrtBits = 100;

    /// <summary>Returns a uniform integer in [0, <paramref name="exclusiveUpperBound"/>) by rejection (no modulo bias).</summary>
    /// <param name="source">The random bits.</param>
    /// <param name="exclusiveUpperBound">The bound n ≥ 1.</param>
    /// <returns>A value in [0, n).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="exclusiveUpperBound"/> is less than 1.</exception>
    internal static BigInteger UniformBelow(IRandomSource source, BigInteger exclusiveUpperBound)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (exclusiveUpperBound.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(exclusiveUpperBound), exclusiveUpperBound, "must be >= 1.");
        }

        if (exclusiveUpperBound <= ulong.MaxValue)
        {
            return UniformBelow(source, (ulong)exclusiveUpperBound);
        }

        var bits = (int)exclusiveUpperBound.GetBitLength();
        var words = (bits + 63) / 64;
        var topBits = bits - ((words - 1) * 64);
        var topMask = topBits == 64 ? ulong.MaxValue : (1UL << topBits) - 1;
        while (true)
        {
            var value = BigInteger.Zero;
            for (var w = 0; w < words; w++)
            {
                var word = source.NextUInt64();
                if (w == words - 1)
                {
                    word &= topMask;
                }

                value |= new BigInteger(word) << (64 * w);
            }

            if (value < exclusiveUpperBound)
            {
                return value;
            }
        }
    }

    /// <summary>Returns a uniform integer in [0, <paramref name="exclusiveUpperBound"/>) by rejection (no modulo bias).</summary>
    /// <param name="source">The random bits.</param>
    /// <param name="exclusiveUpperBound">The bound n ≥ 1.</param>
    /// <returns>A value in [0, n).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="exclusiveUpperBound"/> is 0.</exception>
    internal static ulong UniformBelow(IRandomSource source, ulong exclusiveUpperBound)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfZero(exclusiveUpperBound);
        if ((exclusiveUpperBound & (exclusiveUpperBound - 1)) == 0)
        {
            return source.NextUInt64() & (exclusiveUpperBound - 1);
        }

        // Accept words below the largest multiple of n that fits in 2^64.
        var limit = ulong.MaxValue - (((ulong.MaxValue % exclusiveUpperBound) + 1) % exclusiveUpperBound);
        while (true)
        {
            var word = source.NextUInt64();
            if (word <= limit)
            {
                return word % exclusiveUpperBound;
            }
        }
    }

    /// <summary>Returns true with probability exactly <paramref name="numerator"/>/<paramref name="denominator"/>.</summary>
    /// <param name="source">The random bits.</param>
    /// <param name="numerator">The numerator, 0 ≤ numerator ≤ denominator.</param>
    /// <param name="denominator">The denominator, ≥ 1.</param>
    /// <returns>The Bernoulli outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in [0, 1].</exception>
    internal static bool Bernoulli(IRandomSource source, BigInteger numerator, BigInteger denominator)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (denominator.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(denominator), denominator, "must be >= 1.");
        }

        if (numerator.Sign < 0 || numerator > denominator)
        {
            throw new ArgumentOutOfRangeException(nameof(numerator), numerator, "must be in [0, denominator].");
        }

        return UniformBelow(source, denominator) < numerator;
    }

    /// <summary>
    /// Returns true with probability exactly exp(−γ), γ = <paramref name="numerator"/>/<paramref name="denominator"/>
    /// (Canonne, Kamath and Steinke 2020, Algorithm 1).
    /// </summary>
    /// <param name="source">The random bits.</param>
    /// <param name="numerator">The numerator of γ, ≥ 0.</param>
    /// <param name="denominator">The denominator of γ, ≥ 1.</param>
    /// <returns>The Bernoulli outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">γ is negative or the denominator is not positive.</exception>
    internal static bool BernoulliExp(IRandomSource source, BigInteger numerator, BigInteger denominator)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (denominator.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(denominator), denominator, "must be >= 1.");
        }

        if (numerator.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numerator), numerator, "must be >= 0.");
        }

        // exp(−γ) = exp(−1)^⌊γ⌋ · exp(−(γ − ⌊γ⌋)).
        var whole = BigInteger.DivRem(numerator, denominator, out var remainder);
        for (var i = BigInteger.Zero; i < whole; i++)
        {
            if (!BernoulliExpAtMostOne(source, BigInteger.One, BigInteger.One))
            {
                return false;
            }
        }

        return BernoulliExpAtMostOne(source, remainder, denominator);
    }

    /// <summary>
    /// Returns a sample of the discrete Laplace distribution with scale t = <paramref name="scaleNumerator"/>/<paramref name="scaleDenominator"/>:
    /// P[X = x] = (e^{1/t} − 1)/(e^{1/t} + 1) · e^{−|x|/t} (Canonne, Kamath and Steinke 2020, Algorithm 2).
    /// </summary>
    /// <param name="source">The random bits.</param>
    /// <param name="scaleNumerator">The numerator of the scale, ≥ 1.</param>
    /// <param name="scaleDenominator">The denominator of the scale, ≥ 1.</param>
    /// <returns>An integer sample.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The numerator or denominator is less than 1.</exception>
    public static BigInteger DiscreteLaplace(IRandomSource source, BigInteger scaleNumerator, BigInteger scaleDenominator)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (scaleNumerator.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scaleNumerator), scaleNumerator, "must be >= 1.");
        }

        if (scaleDenominator.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scaleDenominator), scaleDenominator, "must be >= 1.");
        }

        var t = scaleNumerator;
        var s = scaleDenominator;
        while (true)
        {
            var u = UniformBelow(source, t);
            if (!BernoulliExp(source, u, t))
            {
                continue;
            }

            var v = BigInteger.Zero;
            while (BernoulliExpAtMostOne(source, BigInteger.One, BigInteger.One))
            {
                v++;
            }

            var x = u + (t * v);
            var y = x / s;
            var negative = (source.NextUInt64() & 1) == 1;
            if (negative && y.IsZero)
            {
                continue;
            }

            return negative ? -y : y;
        }
    }

    /// <summary>Returns a discrete Laplace sample whose scale is the exact rational value of <paramref name="scale"/>.</summary>
    /// <param name="source">The random bits.</param>
    /// <param name="scale">The scale t (mass ∝ exp(−|x|/t)), in (0, <see cref="MaxScale"/>].</param>
    /// <returns>An integer sample.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not in (0, <see cref="MaxScale"/>] (or is NaN).</exception>
    public static long DiscreteLaplace(IRandomSource source, double scale)
    {
        CheckScale(scale, nameof(scale));
        var (numerator, denominator) = ToRational(scale);
        return (long)DiscreteLaplace(source, numerator, denominator);
    }

    /// <summary>
    /// Returns a sample of the discrete Gaussian N_Z(0, σ²), σ² = <paramref name="varianceNumerator"/>/<paramref name="varianceDenominator"/>:
    /// P[X = x] ∝ exp(−x²/(2σ²)) (Canonne, Kamath and Steinke 2020, Algorithm 3).
    /// </summary>
    /// <param name="source">The random bits.</param>
    /// <param name="varianceNumerator">The numerator of σ², ≥ 1.</param>
    /// <param name="varianceDenominator">The denominator of σ², ≥ 1.</param>
    /// <returns>An integer sample.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The numerator or denominator is less than 1.</exception>
    public static BigInteger DiscreteGaussian(IRandomSource source, BigInteger varianceNumerator, BigInteger varianceDenominator)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (varianceNumerator.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(varianceNumerator), varianceNumerator, "must be >= 1.");
        }

        if (varianceDenominator.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(varianceDenominator), varianceDenominator, "must be >= 1.");
        }

        var n = varianceNumerator;
        var d = varianceDenominator;

        // t = ⌊σ⌋ + 1, and ⌊√q⌋ = isqrt(⌊q⌋) for a rational q ≥ 0.
        var t = IntegerSqrt(n / d) + 1;
        var acceptDenominator = 2 * n * d * t * t;
        while (true)
        {
            var y = DiscreteLaplace(source, t, BigInteger.One);
            var centred = (BigInteger.Abs(y) * d * t) - n;

            // γ = (|y| − σ²/t)² / (2σ²) = (|y|·d·t − n)² / (2·n·d·t²).
            if (BernoulliExp(source, centred * centred, acceptDenominator))
            {
                return y;
            }
        }
    }

    /// <summary>Returns a discrete Gaussian sample whose σ is the exact binary64 value of <paramref name="sigma"/> (σ² computed exactly).</summary>
    /// <param name="source">The random bits.</param>
    /// <param name="sigma">The scale σ (mass ∝ exp(−x²/(2σ²))), in (0, <see cref="MaxScale"/>].</param>
    /// <returns>An integer sample.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sigma"/> is not in (0, <see cref="MaxScale"/>] (or is NaN).</exception>
    public static long DiscreteGaussian(IRandomSource source, double sigma)
    {
        CheckScale(sigma, nameof(sigma));
        var (numerator, denominator) = ToRational(sigma);
        return (long)DiscreteGaussian(source, numerator * numerator, denominator * denominator);
    }

    /// <summary>Throws unless <paramref name="scale"/> is in (0, <see cref="MaxScale"/>].</summary>
    internal static void CheckScale(double scale, string name)
    {
        if (!(scale > 0 && scale <= MaxScale))
        {
            throw new ArgumentOutOfRangeException(name, scale, $"{name} must be in (0, 1e15] (ExactSamplers.MaxScale: samples must fit in a 64-bit integer).");
        }
    }

    /// <summary>Returns the exact rational value m/2^k of a finite positive binary64 number.</summary>
    internal static (BigInteger Numerator, BigInteger Denominator) ToRational(double value)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0)
        {
            exponent = 1;
        }
        else
        {
            mantissa |= 1L << 52;
        }

        exponent -= 1075;
        while ((mantissa & 1) == 0 && exponent < 0)
        {
            mantissa >>= 1;
            exponent++;
        }

        return exponent >= 0
            ? (new BigInteger(mantissa) << exponent, BigInteger.One)
            : (new BigInteger(mantissa), BigInteger.One << -exponent);
    }

    private static bool BernoulliExpAtMostOne(IRandomSource source, BigInteger numerator, BigInteger denominator)
    {
        // γ ∈ [0, 1]: draw A_k ~ Bernoulli(γ/k) for k = 1, 2, ... until one fails; P[first failure at odd k] = exp(−γ).
        var k = BigInteger.One;
        while (UniformBelow(source, denominator * k) < numerator)
        {
            k++;
        }

        return !k.IsEven;
    }

    /// <summary>⌊√<paramref name="value"/>⌋ for a value ≥ 0.</summary>
    internal static BigInteger IntegerSqrt(BigInteger value)
    {
        if (value < 2)
        {
            return value;
        }

        // Below 2^100 the double square root is within 1 of the integer root (σ ≤ 2^50 < 2^53), so the ±1 corrections
        // below finish at once. Above, a double's 53 bits leave the estimate up to 2^(bits/2 − 53) away, far too many
        // ±1 steps (at σ² = 10^60, about 2^44 of them), so start Newton's iteration from a power of two above the root:
        // it decreases monotonically to ⌊√value⌋.
        BigInteger x;
        if (value.GetBitLength() <= SmallSqrtBits)
        {
            x = (BigInteger)Math.Sqrt((double)value);
        }
        else
        {
            x = BigInteger.One << (int)((value.GetBitLength() / 2) + 1);
            while (true)
            {
                var next = (x + (value / x)) >> 1;
                if (next >= x)
                {
                    break;
                }

                x = next;
            }
        }

        while (x * x > value)
        {
            x--;
        }

        while ((x + 1) * (x + 1) <= value)
        {
            x++;
        }

        return x;
    }
}

using System.Globalization;
using LlmCore.Commercialization.Internal;

namespace LlmCore.Commercialization.Serving;

/// <summary>A distribution of token counts (prompt or output lengths) for synthetic workloads.</summary>
/// <remarks>Immutable and thread-safe; sampling takes the caller's random source.</remarks>
public sealed class TokenLengths
{
    private readonly Kind _kind;
    private readonly double _a;
    private readonly double _b;
    private readonly int _min;
    private readonly int _max;

    private TokenLengths(Kind kind, double a, double b, int min, int max, string description)
    {
        _kind = kind;
        _a = a;
        _b = b;
        _min = min;
        _max = max;
        Description = description;
    }

    private enum Kind
    {
        Fixed,
        Uniform,
        LogNormal,
    }

    /// <summary>Gets the mean length (exact for fixed and uniform lengths; for the clipped log-normal, the mean before clipping).</summary>
    public double Mean => _kind switch
    {
        Kind.Fixed => _min,
        Kind.Uniform => (_min + _max) / 2.0,
        _ => _a,
    };

    /// <summary>Gets the smallest length the distribution yields.</summary>
    public int Min => _min;

    /// <summary>Gets the largest length the distribution yields.</summary>
    public int Max => _max;

    /// <summary>Gets a short description, e.g. <c>fixed 1000</c>.</summary>
    public string Description { get; }

    /// <summary>Every request has <paramref name="tokens"/> tokens.</summary>
    /// <param name="tokens">The length, ≥ 1.</param>
    /// <returns>The distribution.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokens"/> is below 1.</exception>
    public static TokenLengths Fixed(int tokens)
    {
        Guard.Positive(tokens);
        return new TokenLengths(Kind.Fixed, tokens, 0, tokens, tokens, string.Create(CultureInfo.InvariantCulture, $"fixed {tokens}"));
    }

    /// <summary>Lengths uniform on the integers [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="min">The smallest length, ≥ 1.</param>
    /// <param name="max">The largest length, ≥ <paramref name="min"/>.</param>
    /// <returns>The distribution.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="min"/> is below 1 or <paramref name="max"/> below <paramref name="min"/>.</exception>
    public static TokenLengths Uniform(int min, int max)
    {
        Guard.Positive(min);
        if (max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, string.Create(CultureInfo.InvariantCulture, $"must be at least min = {min}."));
        }

        return new TokenLengths(Kind.Uniform, min, max, min, max, string.Create(CultureInfo.InvariantCulture, $"uniform {min}–{max}"));
    }

    /// <summary>Log-normal lengths with the given mean and coefficient of variation, rounded and clipped to [<paramref name="min"/>, <paramref name="max"/>]
    /// (request lengths of chat traces are right-skewed; e.g. the Splitwise and Azure LLM inference traces).</summary>
    /// <param name="mean">The mean before clipping, &gt; 0.</param>
    /// <param name="coefficientOfVariation">Standard deviation / mean, &gt; 0.</param>
    /// <param name="min">The smallest length, ≥ 1.</param>
    /// <param name="max">The largest length, ≥ <paramref name="min"/>.</param>
    /// <returns>The distribution.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A figure is out of range.</exception>
    public static TokenLengths LogNormal(double mean, double coefficientOfVariation, int min, int max)
    {
        Guard.PositiveFinite(mean);
        Guard.PositiveFinite(coefficientOfVariation);
        Guard.Positive(min);
        if (max < min)
        {
            throw new ArgumentOutOfRangeException(nameof(max), max, string.Create(CultureInfo.InvariantCulture, $"must be at least min = {min}."));
        }

        var sigma2 = Math.Log(1 + (coefficientOfVariation * coefficientOfVariation));
        return new TokenLengths(Kind.LogNormal, mean, sigma2, min, max, string.Create(CultureInfo.InvariantCulture, $"log-normal mean {mean:G4}, cv {coefficientOfVariation:G3}, {min}–{max}"));
    }

    /// <summary>Draws one length.</summary>
    /// <param name="random">The random source.</param>
    /// <returns>A length in [<see cref="Min"/>, <see cref="Max"/>].</returns>
    /// <exception cref="ArgumentNullException"><paramref name="random"/> is <see langword="null"/>.</exception>
    public int Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        switch (_kind)
        {
            case Kind.Fixed:
                return _min;
            case Kind.Uniform:
                return _min + (int)Math.Min(_max - _min, Math.Floor(random.NextDouble() * (_max - _min + 1)));
            default:
                // Box–Muller on two uniforms in (0, 1].
                var u1 = 1.0 - random.NextDouble();
                var u2 = random.NextDouble();
                var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
                var mu = Math.Log(_a) - (_b / 2.0);
                var x = Math.Exp(mu + (Math.Sqrt(_b) * z));
                return (int)Math.Clamp(Math.Round(x), _min, _max);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Description;
}

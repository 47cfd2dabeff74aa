using System.Runtime.InteropServices;

namespace LlmCore.Privacy.Sampling;

/// <summary>
/// A fast, reproducible source: xoshiro256** (Blackman and Vigna 2018), seeded through SplitMix64.
/// </summary>
/// <remarks>
/// This type is thread-safe (draws are serialised by a lock), and the same seed gives the same stream when
/// drawn from one thread. It is not cryptographically secure: use it for tests and simulations, never for
/// releasing private data.
/// </remarks>
public sealed class SeededRandomSource : IRandomSource
{
    private readonly Lock _gate = new();
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Initializes a new instance of the <see cref="SeededRandomSource"/> class.</summary>
    /// <param name="seed">Any 64-bit value; equal seeds give equal streams.</param>
    public SeededRandomSource(ulong seed)
    {
        Seed = seed;
        var x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>Gets the seed this source started from.</summary>
    public ulong Seed { get; }

    /// <inheritdoc />
    public bool IsCryptographicallySecure => false;

    /// <inheritdoc />
    public void Fill(Span<byte> destination)
    {
        var words = destination.Length / sizeof(ulong);
        lock (_gate)
        {
            FillUnlocked(MemoryMarshal.Cast<byte, ulong>(destination[..(words * sizeof(ulong))]));
            var tail = destination[(words * sizeof(ulong))..];
            if (!tail.IsEmpty)
            {
                var last = NextUnlocked();
                for (var i = 0; i < tail.Length; i++)
                {
                    tail[i] = (byte)(last >> (8 * i));
                }
            }
        }
    }

    /// <inheritdoc />
    public void Fill(Span<ulong> destination)
    {
        lock (_gate)
        {
            FillUnlocked(destination);
        }
    }

    /// <inheritdoc />
    public ulong NextUInt64()
    {
        lock (_gate)
        {
            return NextUnlocked();
        }
    }

    private void FillUnlocked(Span<ulong> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = NextUnlocked();
        }
    }

    private ulong NextUnlocked()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    private static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

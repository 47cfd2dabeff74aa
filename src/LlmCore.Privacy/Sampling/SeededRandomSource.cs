using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LlmCore.Privacy.Sampling;

/// <summary>
/// A fast, reproducible source: xoshiro256** (Blackman and Vigna 2018, "Scrambled linear pseudorandom number
/// generators"), seeded through SplitMix64.
/// </summary>
/// <remarks>
/// <para>This type is thread-safe (draws are serialised by a lock), and the same seed gives the same stream for the
/// same sequence of calls. It is not cryptographically secure: use it for tests and simulations, never for
/// releasing private data.</para>
/// <para>Fills of 64 words or more run four independent xoshiro256** streams side by side in 256-bit vectors
/// (each lane seeded from the same SplitMix64 sequence); shorter fills and <see cref="NextUInt64"/> use a scalar
/// stream. Both are deterministic functions of the seed and the call sequence.</para>
/// </remarks>
public sealed class SeededRandomSource : IRandomSource
{
    private const int VectorThreshold = 64;

    private readonly Lock _gate = new();
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private Vector256<ulong> _v0;
    private Vector256<ulong> _v1;
    private Vector256<ulong> _v2;
    private Vector256<ulong> _v3;

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
        Span<ulong> lanes = stackalloc ulong[16];
        for (var i = 0; i < lanes.Length; i++)
        {
            lanes[i] = SplitMix64(ref x);
        }

        _v0 = Vector256.Create(lanes[0], lanes[1], lanes[2], lanes[3]);
        _v1 = Vector256.Create(lanes[4], lanes[5], lanes[6], lanes[7]);
        _v2 = Vector256.Create(lanes[8], lanes[9], lanes[10], lanes[11]);
        _v3 = Vector256.Create(lanes[12], lanes[13], lanes[14], lanes[15]);
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillUnlocked(Span<ulong> destination)
    {
        if (destination.Length < VectorThreshold)
        {
            FillScalar(destination);
            return;
        }

        var s0 = _v0;
        var s1 = _v1;
        var s2 = _v2;
        var s3 = _v3;
        var blocks = destination.Length / Vector256<ulong>.Count;
        ref var target = ref MemoryMarshal.GetReference(destination);
        for (var b = 0; b < blocks; b++)
        {
            var rotated = RotateLeft(s1 * 5UL, 7) * 9UL;
            var t = Vector256.ShiftLeft(s1, 17);
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = RotateLeft(s3, 45);
            rotated.StoreUnsafe(ref target, (nuint)(b * Vector256<ulong>.Count));
        }

        _v0 = s0;
        _v1 = s1;
        _v2 = s2;
        _v3 = s3;
        FillScalar(destination[(blocks * Vector256<ulong>.Count)..]);
    }

    private void FillScalar(Span<ulong> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = NextUnlocked();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> RotateLeft(Vector256<ulong> value, int count) =>
        Vector256.ShiftLeft(value, count) | Vector256.ShiftRightLogical(value, 64 - count);

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

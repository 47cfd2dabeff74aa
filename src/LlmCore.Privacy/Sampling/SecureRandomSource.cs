using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace LlmCore.Privacy.Sampling;

/// <summary>
/// Random bits from the operating system's cryptographically secure generator
/// (<see cref="RandomNumberGenerator"/>).
/// </summary>
/// <remarks>
/// This type is thread-safe. It is the default source for every release of private data. Bulk fills go straight
/// to <see cref="RandomNumberGenerator.Fill(Span{byte})"/>; single words come from a per-thread buffer of 4 KiB
/// refilled in one call, as Google's libraries buffer OpenSSL's <c>RAND_bytes</c>, so that drawing one word at a
/// time stays cheap.
/// </remarks>
public sealed class SecureRandomSource : IRandomSource
{
    private const int BufferWords = 512;

    [ThreadStatic]
    private static ulong[]? t_buffer;

    [ThreadStatic]
    private static int t_next;

    /// <summary>Gets the shared instance.</summary>
    public static SecureRandomSource Instance { get; } = new();

    /// <inheritdoc />
    public bool IsCryptographicallySecure => true;

    /// <inheritdoc />
    public void Fill(Span<byte> destination) => RandomNumberGenerator.Fill(destination);

    /// <inheritdoc />
    public void Fill(Span<ulong> destination) => RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(destination));

    /// <inheritdoc />
    public ulong NextUInt64()
    {
        var buffer = t_buffer;
        if (buffer is null)
        {
            buffer = new ulong[BufferWords];
            t_buffer = buffer;
            t_next = BufferWords;
        }

        if (t_next >= BufferWords)
        {
            RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(buffer.AsSpan()));
            t_next = 0;
        }

        var value = buffer[t_next];
        buffer[t_next] = 0;
        t_next++;
        return value;
    }
}

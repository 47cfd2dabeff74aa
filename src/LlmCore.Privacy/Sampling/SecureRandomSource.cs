using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace LlmCore.Privacy.Sampling;

/// <summary>
/// Random bits from the operating system's cryptographically secure generator
/// (<see cref="RandomNumberGenerator"/>).
/// </summary>
/// <remarks>
/// This type is thread-safe. It is the default source for every release of private data. Each call into
/// <see cref="RandomNumberGenerator"/> has a fixed cost that dominates small requests (measured on Linux: 4 KiB
/// requests are several times slower per byte than 64 KiB ones), so word requests smaller than 64 KiB, and single
/// words, are served from a per-thread buffer of 64 KiB refilled in one call, as Google's libraries buffer
/// OpenSSL's <c>RAND_bytes</c> (64 KiB); larger word requests and all byte requests go straight to the generator.
/// Words are erased from the buffer as they are handed out, so no random word is ever returned twice or left
/// behind for later code to read.
/// </remarks>
public sealed class SecureRandomSource : IRandomSource
{
    private const int BufferWords = 8192;

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
    public void Fill(Span<ulong> destination)
    {
        if (destination.Length >= BufferWords)
        {
            RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(destination));
            return;
        }

        var buffer = Buffer();
        while (!destination.IsEmpty)
        {
            if (t_next >= BufferWords)
            {
                RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(buffer.AsSpan()));
                t_next = 0;
            }

            var n = Math.Min(destination.Length, BufferWords - t_next);
            var taken = buffer.AsSpan(t_next, n);
            taken.CopyTo(destination);
            taken.Clear();
            t_next += n;
            destination = destination[n..];
        }
    }

    /// <inheritdoc />
    public ulong NextUInt64()
    {
        var buffer = Buffer();
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

    private static ulong[] Buffer()
    {
        var buffer = t_buffer;
        if (buffer is null)
        {
            buffer = new ulong[BufferWords];
            t_buffer = buffer;
            t_next = BufferWords;
        }

        return buffer;
    }
}

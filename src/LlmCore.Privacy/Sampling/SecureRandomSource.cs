using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace LlmCore.Privacy.Sampling;

/// <summary>
/// Random bits from the operating system's cryptographically secure generator
/// (<see cref="RandomNumberGenerator"/>).
/// </summary>
/// <remarks>This type is thread-safe. It is the default source for every release of private data.</remarks>
public sealed class SecureRandomSource : IRandomSource
{
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
        Span<ulong> one = stackalloc ulong[1];
        Fill(one);
        return one[0];
    }
}

namespace LlmCore.Privacy.Sampling;

/// <summary>
/// A source of uniformly random bits, drawn in bulk.
/// </summary>
/// <remarks>
/// Implementations are thread-safe: any number of callers may draw at once.
/// Every sampler and mechanism in LlmCore.Privacy takes its randomness from an <see cref="IRandomSource"/>,
/// so that the secure source (<see cref="SecureRandomSource"/>) can be swapped for a reproducible one
/// (<see cref="SeededRandomSource"/>) in tests and simulations.
/// </remarks>
public interface IRandomSource
{
    /// <summary>Gets a value indicating whether the bits come from a cryptographically secure generator.</summary>
    bool IsCryptographicallySecure { get; }

    /// <summary>Fills <paramref name="destination"/> with uniformly random bytes.</summary>
    /// <param name="destination">The bytes to overwrite.</param>
    void Fill(Span<byte> destination);

    /// <summary>Fills <paramref name="destination"/> with uniformly random 64-bit words.</summary>
    /// <param name="destination">The words to overwrite.</param>
    void Fill(Span<ulong> destination);

    /// <summary>Returns one uniformly random 64-bit word.</summary>
    /// <returns>A value in [0, 2^64).</returns>
    ulong NextUInt64();
}

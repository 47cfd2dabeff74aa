using LlmCore.Commercialization.Internal;

namespace LlmCore.Commercialization.Hardware;

/// <summary>
/// One accelerator's datasheet figures: dense peak throughput per precision, memory capacity and bandwidth,
/// interconnect and power.
/// </summary>
/// <remarks>
/// <para>Peaks are <em>dense</em> tensor-core figures (never the 2:4-sparse ones that datasheets also print): a model
/// FLOPs utilisation (MFU) is always stated against <see cref="DenseFp16FlopsPerSecond"/>. Capacities use the
/// vendor's decimal units (1 GB = 10⁹ bytes).</para>
/// <para>This type is immutable and thread-safe.</para>
/// </remarks>
public sealed record GpuSpec
{
    /// <summary>Creates a GPU specification and checks every figure.</summary>
    /// <param name="name">The catalogue name, e.g. <c>H100-SXM</c>; compared case-insensitively; not blank.</param>
    /// <param name="denseFp16FlopsPerSecond">Dense BF16/FP16 tensor peak in FLOP/s, finite and &gt; 0.</param>
    /// <param name="denseFp8FlopsPerSecond">Dense FP8 tensor peak in FLOP/s, finite and &gt; 0, or <see langword="null"/> when the GPU has no FP8 units.</param>
    /// <param name="memoryBytes">High-bandwidth memory capacity in bytes, finite and &gt; 0.</param>
    /// <param name="memoryBandwidthBytesPerSecond">Peak memory bandwidth in bytes/s, finite and &gt; 0.</param>
    /// <param name="interconnectBytesPerSecond">GPU-to-GPU bandwidth per GPU (NVLink, Infinity Fabric or PCIe) in bytes/s, finite and ≥ 0.</param>
    /// <param name="tdpWatts">Thermal design power in watts, finite and &gt; 0.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A figure is NaN, infinite or outside its range.</exception>
    public GpuSpec(
        string name,
        double denseFp16FlopsPerSecond,
        double? denseFp8FlopsPerSecond,
        double memoryBytes,
        double memoryBandwidthBytesPerSecond,
        double interconnectBytesPerSecond,
        double tdpWatts)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Guard.PositiveFinite(denseFp16FlopsPerSecond);
        if (denseFp8FlopsPerSecond is { } fp8)
        {
            Guard.PositiveFinite(fp8, nameof(denseFp8FlopsPerSecond));
        }

        Guard.PositiveFinite(memoryBytes);
        Guard.PositiveFinite(memoryBandwidthBytesPerSecond);
        Guard.NonNegativeFinite(interconnectBytesPerSecond);
        Guard.PositiveFinite(tdpWatts);

        Name = name.Trim();
        DenseFp16FlopsPerSecond = denseFp16FlopsPerSecond;
        DenseFp8FlopsPerSecond = denseFp8FlopsPerSecond;
        MemoryBytes = memoryBytes;
        MemoryBandwidthBytesPerSecond = memoryBandwidthBytesPerSecond;
        InterconnectBytesPerSecond = interconnectBytesPerSecond;
        TdpWatts = tdpWatts;
    }

    /// <summary>Gets the catalogue name (compared case-insensitively).</summary>
    public string Name { get; }

    /// <summary>Gets the dense BF16/FP16 tensor peak in FLOP/s: the peak that MFU refers to.</summary>
    public double DenseFp16FlopsPerSecond { get; }

    /// <summary>Gets the dense FP8 tensor peak in FLOP/s, or <see langword="null"/> when the GPU has no FP8 units.</summary>
    public double? DenseFp8FlopsPerSecond { get; }

    /// <summary>Gets the memory capacity in bytes.</summary>
    public double MemoryBytes { get; }

    /// <summary>Gets the peak memory bandwidth in bytes per second.</summary>
    public double MemoryBandwidthBytesPerSecond { get; }

    /// <summary>Gets the GPU-to-GPU bandwidth per GPU in bytes per second (0 when unknown).</summary>
    public double InterconnectBytesPerSecond { get; }

    /// <summary>Gets the thermal design power in watts.</summary>
    public double TdpWatts { get; }

    /// <summary>Gets a short description: product, memory type and interconnect.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Gets where the figures come from.</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>
    /// Gets the dense peak the GPU reaches for matrix products whose operands are stored at
    /// <paramref name="precision"/>.
    /// </summary>
    /// <param name="precision">The precision of the operands.</param>
    /// <returns>
    /// The FP8 peak for <see cref="NumericPrecision.Fp8"/> when the GPU has FP8 units, else the BF16/FP16 peak
    /// (weight-only INT4 kernels dequantise to 16 bits and run at the 16-bit peak).
    /// </returns>
    public double PeakFlopsPerSecond(NumericPrecision precision) =>
        precision == NumericPrecision.Fp8 && DenseFp8FlopsPerSecond is { } fp8 ? fp8 : DenseFp16FlopsPerSecond;
}

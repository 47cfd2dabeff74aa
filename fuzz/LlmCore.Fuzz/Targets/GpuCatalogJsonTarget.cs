using LlmCore.Commercialization.Hardware;

namespace LlmCore.Fuzz.Targets;

/// <summary>
/// The GPU catalogue override JSON (<c>--gpu-catalog</c>, <c>CommercializationOptions.GpuCatalogFile</c>):
/// <see cref="GpuCatalog.ParseJson"/> documents <see cref="FormatException"/> and <see cref="ArgumentOutOfRangeException"/>;
/// the entries are then merged into the built-in catalogue as the CLI does.
/// </summary>
internal sealed class GpuCatalogJsonTarget : FuzzTarget
{
    public override string Name => "gpu-catalog-json";

    public override string Description => "GpuCatalog.ParseJson, then Default.With(...); accepts FormatException, ArgumentOutOfRangeException";

    public override void Run(byte[] input)
    {
        IReadOnlyList<GpuSpec> gpus;
        try
        {
            gpus = GpuCatalog.ParseJson(Text(input));
        }
        catch (FormatException)
        {
            return;
        }
        catch (ArgumentOutOfRangeException)
        {
            return;
        }

        var catalog = GpuCatalog.Default.With(gpus);
        foreach (var gpu in gpus)
        {
            Check(gpu.Name.Length > 0 && gpu.Name == gpu.Name.Trim(), "a GPU name is non-empty and trimmed");
            Check(double.IsFinite(gpu.DenseFp16FlopsPerSecond) && gpu.DenseFp16FlopsPerSecond > 0, "FP16 peak is finite and > 0");
            Check(gpu.DenseFp8FlopsPerSecond is null || (double.IsFinite(gpu.DenseFp8FlopsPerSecond.Value) && gpu.DenseFp8FlopsPerSecond > 0), "FP8 peak is absent or finite and > 0");
            Check(double.IsFinite(gpu.MemoryBytes) && gpu.MemoryBytes > 0, "memory is finite and > 0");
            Check(double.IsFinite(gpu.MemoryBandwidthBytesPerSecond) && gpu.MemoryBandwidthBytesPerSecond > 0, "bandwidth is finite and > 0");
            Check(double.IsFinite(gpu.InterconnectBytesPerSecond) && gpu.InterconnectBytesPerSecond >= 0, "interconnect is finite and ≥ 0");
            Check(double.IsFinite(gpu.TdpWatts) && gpu.TdpWatts > 0, "TDP is finite and > 0");
            Check(catalog.TryGet(gpu.Name, out var found) && found is not null, "every parsed GPU is found in the merged catalogue by its name");
        }
    }
}

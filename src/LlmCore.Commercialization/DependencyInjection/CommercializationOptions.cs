using System.ComponentModel.DataAnnotations;
using LlmCore.Commercialization.Hardware;

namespace LlmCore.Commercialization.DependencyInjection;

/// <summary>
/// Options for the services that <c>AddLlmCoreCommercialization</c> registers.
/// </summary>
/// <remarks>This type is mutable and not thread-safe; it is read once when the services are built.</remarks>
public sealed class CommercializationOptions
{
    /// <summary>Gets or sets the price of one GPU-hour, in US dollars, used where a request names none.</summary>
    /// <value>The default value is 2.0; the range is 0 to 1,000.</value>
    [Range(0.0, 1000.0)]
    public double DefaultPricePerGpuHourUsd { get; set; } = 2.0;

    /// <summary>
    /// Gets GPU entries that extend the built-in <see cref="GpuCatalog.Default"/>; an entry whose name (case-insensitive)
    /// is already known overrides it. Applied after <see cref="GpuCatalogFile"/>.
    /// </summary>
    /// <value>The default value is an empty list.</value>
    public IList<GpuSpec> Gpus { get; } = new List<GpuSpec>();

    /// <summary>
    /// Gets or sets the path of a JSON file of GPU entries (the format of <see cref="GpuCatalog.ParseJson"/>) that extend or
    /// override the built-in catalogue, or <see langword="null"/> for none.
    /// </summary>
    /// <value>The default value is <see langword="null"/>; when set, the file must exist at start-up.</value>
    public string? GpuCatalogFile { get; set; }

    /// <summary>Builds the catalogue these options describe: the built-in entries, then the file's, then <see cref="Gpus"/>.</summary>
    /// <returns>The catalogue.</returns>
    /// <exception cref="FileNotFoundException"><see cref="GpuCatalogFile"/> does not exist.</exception>
    /// <exception cref="FormatException">The file is malformed.</exception>
    public GpuCatalog BuildGpuCatalog()
    {
        var catalog = GpuCatalog.Default;
        if (!string.IsNullOrWhiteSpace(GpuCatalogFile))
        {
            catalog = catalog.With(GpuCatalog.LoadJson(GpuCatalogFile));
        }

        return Gpus.Count == 0 ? catalog : catalog.With(Gpus);
    }
}

using System.ComponentModel.DataAnnotations;

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
}

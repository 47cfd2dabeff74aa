using Microsoft.Extensions.Options;

namespace LlmCore.Commercialization.DependencyInjection;

/// <summary>Checks the <see cref="CommercializationOptions"/> rules that attributes cannot state, collecting every failure.</summary>
internal sealed class CommercializationOptionsCustomValidator : IValidateOptions<CommercializationOptions>
{
    public ValidateOptionsResult Validate(string? name, CommercializationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        if (options.Gpus.Any(static g => g is null))
        {
            builder.AddError("must not contain null entries.", nameof(CommercializationOptions.Gpus));
        }

        if (!string.IsNullOrWhiteSpace(options.GpuCatalogFile))
        {
            if (!File.Exists(options.GpuCatalogFile))
            {
                builder.AddError($"file '{options.GpuCatalogFile}' does not exist.", nameof(CommercializationOptions.GpuCatalogFile));
            }
            else
            {
                try
                {
                    _ = Hardware.GpuCatalog.LoadJson(options.GpuCatalogFile);
                }
                catch (Exception ex) when (ex is FormatException or ArgumentException or IOException)
                {
                    builder.AddError($"file '{options.GpuCatalogFile}' is not a valid GPU catalogue: {ex.Message}", nameof(CommercializationOptions.GpuCatalogFile));
                }
            }
        }

        return builder.Build();
    }
}

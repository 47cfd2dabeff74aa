using System.CommandLine;
using System.Globalization;
using LlmCore.Cli.Infrastructure;
using LlmCore.Commercialization.Hardware;

namespace LlmCore.Cli.Commands.Cost;

/// <summary>What the <c>llmcore cost</c> commands share: the GPU catalogue option, name and precision parsing, number formats.</summary>
internal static class CostCliSupport
{
    public static Option<FileInfo?> CreateGpuCatalogOption() => new("--gpu-catalog")
    {
        Description = "A JSON file of GPU entries that extend or override the built-in catalogue (keys: name, denseFp16Tflops, denseFp8Tflops, memoryGb, bandwidthTbPerSecond, interconnectGbPerSecond, tdpWatts).",
    };

    public static Option<double?> CreatePriceOption() => new("--price-per-gpu-hour")
    {
        Description = "Price of one GPU-hour in US dollars (default 2.00, the rental price assumed by the DeepSeek-V3 report).",
    };

    public static GpuCatalog LoadCatalog(ParseResult parseResult, Option<FileInfo?> option)
    {
        var file = parseResult.GetValue(option);
        if (file is null)
        {
            return GpuCatalog.Default;
        }

        if (!file.Exists)
        {
            throw CliUsageException.ForOption("--gpu-catalog", "must name an existing JSON file", file.FullName);
        }

        try
        {
            return GpuCatalog.Default.With(GpuCatalog.LoadJson(file.FullName));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw new CliUsageException($"--gpu-catalog: {file.Name}: {ex.Message}", ex);
        }
    }

    /// <summary>Resolves a GPU name case-insensitively, or fails with exit code 2 listing the known names.</summary>
    public static GpuSpec ResolveGpu(GpuCatalog catalog, string? name)
    {
        if (!catalog.TryGet(name, out var gpu))
        {
            throw CliUsageException.ForOption("--gpu", $"must be one of the known GPUs: {string.Join(", ", catalog.Names)} (case-insensitive)", name);
        }

        return gpu;
    }

    public static NumericPrecision ParsePrecision(string? value, string option, bool allowInt4) =>
        value?.Trim().ToUpperInvariant() switch
        {
            null or "" or "FP16" or "BF16" => NumericPrecision.Fp16,
            "FP8" => NumericPrecision.Fp8,
            "INT4" when allowInt4 => NumericPrecision.Int4,
            _ => throw CliUsageException.ForOption(option, allowInt4 ? "must be fp16, bf16, fp8 or int4" : "must be fp16, bf16 or fp8", value),
        };

    public static void RequirePositive(double value, string option)
    {
        OptionChecks.PositiveFinite(option, value);
    }

    public static void RequirePositive(int value, string option)
    {
        OptionChecks.AtLeast(option, value, 1);
    }

    /// <summary>The most parameters (10¹⁵) and tokens (10¹⁸) the cost commands take: with the other limits every result stays finite.</summary>
    public const double MaxParameters = 1e15;

    /// <inheritdoc cref="MaxParameters"/>
    public const double MaxTokens = 1e18;

    /// <summary>The smallest efficiency or time fraction the cost commands take (10⁻⁶): below it results overflow.</summary>
    public const double MinFraction = 1e-6;

    /// <summary>The highest price per GPU-hour the cost commands take (10⁶ US dollars).</summary>
    public const double MaxPrice = 1e6;

    /// <summary>Refuses a value outside (0, <paramref name="max"/>] (a NaN or infinity included).</summary>
    public static void RequirePositive(double value, string option, double max)
    {
        if (!(value > 0 && value <= max))
        {
            throw CliUsageException.ForOption(option, $"must be in (0, {max.ToString("0e0", CultureInfo.InvariantCulture)}]", value);
        }
    }

    public static void RequireFraction(double value, string option)
    {
        if (!(value >= MinFraction && value <= 1))
        {
            throw CliUsageException.ForOption(option, "must be in [1e-6, 1]", value);
        }
    }

    public static void RequirePrice(double? value)
    {
        if (value is { } v && !(v >= 0 && v <= MaxPrice))
        {
            throw CliUsageException.ForOption("--price-per-gpu-hour", "must be in [0, 1e6] US dollars", v);
        }
    }

    /// <summary>
    /// The last check before printing: every result must be finite (the option limits keep them so for the built-in GPUs;
    /// a --gpu-catalog entry with an extreme peak could still overflow).
    /// </summary>
    public static void RequireFiniteResults(string inputs, params double[] results)
    {
        if (results.Any(static r => !double.IsFinite(r)))
        {
            throw new CliUsageException($"{inputs}: the result overflowed (it is not a finite number); give smaller sizes or a GPU with a higher peak.");
        }
    }

    public static string Scientific(double value) => value.ToString("0.###e+00", CultureInfo.InvariantCulture);

    public static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Usd(double value) => value >= 100
        ? "$" + value.ToString("N0", CultureInfo.InvariantCulture)
        : "$" + value.ToString("0.####", CultureInfo.InvariantCulture);

    public static string Bytes(double value) => value switch
    {
        >= 1e12 => (value / 1e12).ToString("0.##", CultureInfo.InvariantCulture) + " TB",
        >= 1e9 => (value / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + " GB",
        >= 1e6 => (value / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + " MB",
        >= 1e3 => (value / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + " kB",
        _ => value.ToString("0", CultureInfo.InvariantCulture) + " B",
    };
}

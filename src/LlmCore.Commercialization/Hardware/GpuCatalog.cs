using System.Globalization;
using System.Text.Json;

namespace LlmCore.Commercialization.Hardware;

/// <summary>
/// A read-only set of <see cref="GpuSpec"/>s looked up by case-insensitive name: the built-in datasheet figures
/// (<see cref="Default"/>), optionally extended or overridden by a host's own entries or a JSON file.
/// </summary>
/// <remarks>
/// <para>Built-in figures (dense tensor peaks, no sparsity; decimal GB and TB/s) and their sources:</para>
/// <list type="bullet">
/// <item><c>V100-32GB</c> (SXM2): 125 TFLOP/s FP16, no FP8, 32 GB HBM2, 0.9 TB/s, NVLink 300 GB/s, 300 W. Epoch AI chip dataset
/// (epoch-research/training-cost-trends, row "NVIDIA Tesla V100 SXM2 32 GB"); cli99/llm-analysis gpu_configs/v100-sxm-32gb.json.</item>
/// <item><c>A100-40GB</c> (SXM4): 312 TFLOP/s BF16, 40 GB HBM2, 1.555 TB/s, NVLink 600 GB/s, 400 W. Epoch AI chip dataset; hahnyuan/LLM-Viewer hardware_params.py.</item>
/// <item><c>A100-80GB</c> (SXM4): 312 TFLOP/s BF16, 80 GB HBM2e, 2.039 TB/s, NVLink 600 GB/s, 400 W. Epoch AI chip dataset; stas00/ml-engineering compute/accelerator.</item>
/// <item><c>H100-SXM</c>: 989 / 1979 TFLOP/s BF16 / FP8, 80 GB HBM3, 3.35 TB/s, NVLink 900 GB/s, 700 W. NVIDIA H100 datasheet via stas00/ml-engineering and the Epoch AI chip dataset.</item>
/// <item><c>H100-PCIE</c>: 756 / 1513 TFLOP/s, 80 GB HBM2e, 2.0 TB/s, PCIe Gen5 128 GB/s (NVLink bridge 600 GB/s between pairs), 350 W. stas00/ml-engineering; Epoch AI chip dataset.</item>
/// <item><c>H800</c> (SXM5, China export variant): 989 / 1979 TFLOP/s, 80 GB HBM3, 3.36 TB/s, NVLink 400 GB/s, 700 W. Epoch AI chip dataset; NVLink figure as commonly cited (DeepSeek-V3 report §3.1 describes the cluster).</item>
/// <item><c>H200</c> (SXM): 989 / 1979 TFLOP/s, 141 GB HBM3e, 4.8 TB/s, NVLink 900 GB/s, 700 W. stas00/ml-engineering; Epoch AI chip dataset.</item>
/// <item><c>B200</c> (HGX/DGX): 2250 / 4500 TFLOP/s, 180 GB usable HBM3e, 8.0 TB/s, NVLink 1800 GB/s, 1000 W. DGX B200 datasheet via stas00/ml-engineering; Epoch AI chip dataset.</item>
/// <item><c>L40S</c>: 362 / 733 TFLOP/s, 48 GB GDDR6, 0.864 TB/s, PCIe Gen4 64 GB/s, 350 W. stas00/ml-engineering.</item>
/// <item><c>MI300X</c>: 1307 / 2615 TFLOP/s, 192 GB HBM3, 5.3 TB/s, Infinity Fabric 896 GB/s, 750 W. Epoch AI chip dataset; abhibambhaniya/GenZ-LLM-Analyzer system_configs.py.</item>
/// </list>
/// <para>This type is immutable and thread-safe.</para>
/// </remarks>
public sealed class GpuCatalog
{
    private const double Tera = 1e12;
    private const double Giga = 1e9;

    private readonly Dictionary<string, GpuSpec> _byName;
    private readonly List<GpuSpec> _ordered;

    /// <summary>Creates a catalogue holding <paramref name="gpus"/>; a later entry with the same name replaces an earlier one.</summary>
    /// <param name="gpus">The entries.</param>
    /// <exception cref="ArgumentNullException"><paramref name="gpus"/> or one of its entries is <see langword="null"/>.</exception>
    public GpuCatalog(IEnumerable<GpuSpec> gpus)
    {
        ArgumentNullException.ThrowIfNull(gpus);
        _byName = new Dictionary<string, GpuSpec>(StringComparer.OrdinalIgnoreCase);
        _ordered = [];
        foreach (var gpu in gpus)
        {
            ArgumentNullException.ThrowIfNull(gpu, nameof(gpus));
            if (_byName.TryGetValue(gpu.Name, out var existing))
            {
                _ordered[_ordered.IndexOf(existing)] = gpu;
            }
            else
            {
                _ordered.Add(gpu);
            }

            _byName[gpu.Name] = gpu;
        }
    }

    /// <summary>Gets the built-in catalogue (the figures listed in the remarks of <see cref="GpuCatalog"/>).</summary>
    public static GpuCatalog Default { get; } = new(BuiltIn());

    /// <summary>Gets the entries in catalogue order.</summary>
    public IReadOnlyList<GpuSpec> Gpus => _ordered;

    /// <summary>Gets the names of the entries in catalogue order.</summary>
    public IReadOnlyList<string> Names => _ordered.ConvertAll(static g => g.Name);

    /// <summary>Finds a GPU by name, ignoring case and surrounding white space.</summary>
    /// <param name="name">The name, e.g. <c>h100-sxm</c>.</param>
    /// <param name="gpu">The entry when found.</param>
    /// <returns><see langword="true"/> when the catalogue holds <paramref name="name"/>.</returns>
    public bool TryGet(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out GpuSpec? gpu)
    {
        gpu = null;
        return name is not null && _byName.TryGetValue(name.Trim(), out gpu);
    }

    /// <summary>Gets a GPU by name, ignoring case and surrounding white space.</summary>
    /// <param name="name">The name, e.g. <c>H100-SXM</c>.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="UnknownGpuException">The catalogue does not hold <paramref name="name"/>; the message lists the known names.</exception>
    public GpuSpec Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!TryGet(name, out var gpu))
        {
            throw new UnknownGpuException(name, Names, nameof(name));
        }

        return gpu;
    }

    /// <summary>Returns a catalogue with <paramref name="gpus"/> added; entries with a known name replace the old ones.</summary>
    /// <param name="gpus">The entries to add or override.</param>
    /// <returns>A new catalogue; this one is unchanged.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gpus"/> or one of its entries is <see langword="null"/>.</exception>
    public GpuCatalog With(IEnumerable<GpuSpec> gpus)
    {
        ArgumentNullException.ThrowIfNull(gpus);
        return new GpuCatalog(_ordered.Concat(gpus));
    }

    /// <summary>
    /// Reads GPU entries from JSON: an array of objects (or an object with a <c>gpus</c> array) with the keys
    /// <c>name</c>, <c>denseFp16Tflops</c>, <c>denseFp8Tflops</c> (optional), <c>memoryGb</c>,
    /// <c>bandwidthTbPerSecond</c>, <c>interconnectGbPerSecond</c> (optional, default 0), <c>tdpWatts</c>,
    /// <c>description</c> and <c>source</c> (optional). Keys are case-insensitive; units are decimal (1 GB = 10⁹ bytes).
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The entries, in file order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The JSON is malformed, or an entry lacks a required key, holds a non-number, or holds a
    /// figure that is not finite and positive (the message names the entry and the key).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A figure is out of range in another way (see <see cref="GpuSpec"/>).</exception>
    public static IReadOnlyList<GpuSpec> ParseJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The GPU catalogue JSON is malformed: {ex.Message}", ex);
        }

        using (document)
        {
            try
            {
                return ParseEntries(document.RootElement);
            }
            catch (InvalidOperationException ex)
            {
                // JsonElement.GetString and JsonProperty.Name throw this for an escape that decodes to a lone surrogate ("\ud800").
                throw new FormatException("The GPU catalogue JSON has a key or string that is not valid UTF-16 (a lone surrogate escape such as \\ud800).", ex);
            }
        }
    }

    private static List<GpuSpec> ParseEntries(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Object && TryGetProperty(root, "gpus", out var array))
        {
            root = array;
        }

        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("The GPU catalogue JSON must be an array of GPU objects or an object with a 'gpus' array.");
        }

        var result = new List<GpuSpec>();
        foreach (var item in root.EnumerateArray())
        {
            result.Add(ParseEntry(item, result.Count));
        }

        return result;
    }

    /// <summary>Reads GPU entries from a JSON file in the format of <see cref="ParseJson"/>.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The entries, in file order.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The JSON is malformed or incomplete.</exception>
    public static IReadOnlyList<GpuSpec> LoadJson(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"GPU catalogue file '{path}' does not exist.", path);
        }

        return ParseJson(File.ReadAllText(path));
    }

    private static GpuSpec ParseEntry(JsonElement item, int index)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"GPU entry {index} is not a JSON object.");
        }

        var name = TryGetProperty(item, "name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new FormatException($"GPU entry {index} has no 'name'.");
        }

        double Required(string key) => Positive(key, Number(item, key, name) ?? throw new FormatException($"GPU '{name}' has no '{key}'."))!.Value;

        // Every figure is checked here, naming the entry and the key, before GpuSpec's own guards would name only a parameter.
        double? Positive(string key, double? value, bool allowZero = false) =>
            value is not { } v || (double.IsFinite(v) && (v > 0 || (allowZero && v == 0)))
                ? value
                : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"GPU entry {index} ('{name}'): '{key}' must be a finite number {(allowZero ? "≥ 0" : "> 0")}, got {v:R}."));

        var fp8 = Positive("denseFp8Tflops", Number(item, "denseFp8Tflops", name));
        return new GpuSpec(
            name,
            Required("denseFp16Tflops") * Tera,
            fp8 is { } f ? f * Tera : null,
            Required("memoryGb") * Giga,
            Required("bandwidthTbPerSecond") * Tera,
            (Positive("interconnectGbPerSecond", Number(item, "interconnectGbPerSecond", name), allowZero: true) ?? 0) * Giga,
            Required("tdpWatts"))
        {
            Description = TryGetProperty(item, "description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() ?? string.Empty : string.Empty,
            Source = TryGetProperty(item, "source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() ?? string.Empty : string.Empty,
        };
    }

    private static double? Number(JsonElement item, string key, string name)
    {
        if (!TryGetProperty(item, key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"GPU '{name}': '{key}' must be a number."));
        }

        return value.GetDouble();
    }

    private static bool TryGetProperty(JsonElement element, string key, out JsonElement value)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, key, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    private static IEnumerable<GpuSpec> BuiltIn()
    {
        const string Epoch = "Epoch AI chip dataset (epoch-research/training-cost-trends@263c40a, data/Chip dataset-Grid view.csv)";
        const string Stas = "stas00/ml-engineering@744d01e, compute/accelerator/README.md (dense TFLOPS and HBM tables)";

        yield return new GpuSpec("V100-32GB", 125 * Tera, null, 32 * Giga, 0.9 * Tera, 300 * Giga, 300)
        {
            Description = "NVIDIA Tesla V100 SXM2 32 GB, HBM2, NVLink 2",
            Source = Epoch + "; cli99/llm-analysis gpu_configs/v100-sxm-32gb.json",
        };
        yield return new GpuSpec("A100-40GB", 312 * Tera, null, 40 * Giga, 1.555 * Tera, 600 * Giga, 400)
        {
            Description = "NVIDIA A100 SXM4 40 GB, HBM2, NVLink 3",
            Source = Epoch + "; hahnyuan/LLM-Viewer hardwares/hardware_params.py",
        };
        yield return new GpuSpec("A100-80GB", 312 * Tera, null, 80 * Giga, 2.039 * Tera, 600 * Giga, 400)
        {
            Description = "NVIDIA A100 SXM4 80 GB, HBM2e, NVLink 3",
            Source = Epoch + "; " + Stas,
        };
        yield return new GpuSpec("H100-SXM", 989 * Tera, 1979 * Tera, 80 * Giga, 3.35 * Tera, 900 * Giga, 700)
        {
            Description = "NVIDIA H100 SXM5 80 GB, HBM3, NVLink 4",
            Source = Stas + "; " + Epoch,
        };
        yield return new GpuSpec("H100-PCIE", 756 * Tera, 1513 * Tera, 80 * Giga, 2.0 * Tera, 128 * Giga, 350)
        {
            Description = "NVIDIA H100 PCIe 80 GB, HBM2e, PCIe Gen5 (NVLink bridge between pairs)",
            Source = Stas + "; " + Epoch,
        };
        yield return new GpuSpec("H800", 989 * Tera, 1979 * Tera, 80 * Giga, 3.36 * Tera, 400 * Giga, 700)
        {
            Description = "NVIDIA H800 SXM5 80 GB (China export variant: reduced NVLink), HBM3",
            Source = Epoch + "; NVLink 400 GB/s as commonly cited (unverified)",
        };
        yield return new GpuSpec("H200", 989 * Tera, 1979 * Tera, 141 * Giga, 4.8 * Tera, 900 * Giga, 700)
        {
            Description = "NVIDIA H200 SXM 141 GB, HBM3e, NVLink 4",
            Source = Stas + "; " + Epoch,
        };
        yield return new GpuSpec("B200", 2250 * Tera, 4500 * Tera, 180 * Giga, 8.0 * Tera, 1800 * Giga, 1000)
        {
            Description = "NVIDIA B200 (HGX/DGX) 180 GB usable HBM3e, NVLink 5",
            Source = "DGX B200 datasheet via " + Stas + "; " + Epoch,
        };
        yield return new GpuSpec("L40S", 362 * Tera, 733 * Tera, 48 * Giga, 0.864 * Tera, 64 * Giga, 350)
        {
            Description = "NVIDIA L40S 48 GB, GDDR6, PCIe Gen4 (no NVLink)",
            Source = Stas,
        };
        yield return new GpuSpec("MI300X", 1307 * Tera, 2615 * Tera, 192 * Giga, 5.3 * Tera, 896 * Giga, 750)
        {
            Description = "AMD Instinct MI300X 192 GB, HBM3, Infinity Fabric",
            Source = Epoch + "; abhibambhaniya/GenZ-LLM-Analyzer Systems/system_configs.py",
        };
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmCore.Commercialization.Industries;

/// <summary>
/// The industry catalogue: the built-in profiles (<see cref="BuiltIn"/>) plus any added or overriding entries.
/// An entry whose name matches a built-in one (case-insensitive) replaces it.
/// </summary>
/// <remarks>Immutable after construction and thread-safe.</remarks>
public sealed class IndustryCatalog : IIndustryCatalog
{
    private readonly Industry[] _industries;
    private readonly Dictionary<string, Industry> _byName;

    /// <summary>Initializes a catalogue with the built-in industries.</summary>
    public IndustryCatalog()
        : this([])
    {
    }

    /// <summary>Initializes a catalogue with the built-in industries, then <paramref name="overrides"/> added or replacing.</summary>
    /// <param name="overrides">Industries to add; one whose name matches a built-in one replaces it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="overrides"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An entry is invalid (see <see cref="Industry.Validate"/>) or two names or aliases collide.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An entry has a figure out of range (a negative price, ...).</exception>
    public IndustryCatalog(IEnumerable<Industry> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var list = BuiltIn.ToList();
        foreach (var industry in overrides)
        {
            ArgumentNullException.ThrowIfNull(industry, nameof(overrides));
            industry.Validate();
            var index = list.FindIndex(i => string.Equals(i.Name, industry.Name, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                list[index] = industry;
            }
            else
            {
                list.Add(industry);
            }
        }

        _industries = [.. list];
        _byName = new Dictionary<string, Industry>(StringComparer.OrdinalIgnoreCase);
        foreach (var industry in _industries)
        {
            foreach (var key in industry.Aliases.Prepend(industry.Name))
            {
                if (!_byName.TryAdd(key, industry) && !ReferenceEquals(_byName[key], industry))
                {
                    throw new ArgumentException($"The industry name or alias '{key}' is used twice.", nameof(overrides));
                }
            }
        }
    }

    /// <summary>Gets the built-in industry profiles (qualitative content from the regulations each names).</summary>
    public static IReadOnlyList<Industry> BuiltIn => BuiltInIndustries.All;

    /// <inheritdoc/>
    public IReadOnlyList<Industry> Industries => _industries;

    /// <summary>Reads industries from JSON: an array of objects with the camelCase property names of <see cref="Industry"/>
    /// and enums as strings (<c>"dataSensitivity": "high"</c>).</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The industries, validated.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The JSON is malformed or an entry is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An entry has a figure out of range.</exception>
    public static IReadOnlyList<Industry> ParseJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        Industry[]? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(json, IndustryJsonContext.Default.IndustryArray);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The industry JSON is invalid: {ex.Message}", nameof(json), ex);
        }

        if (parsed is null)
        {
            throw new ArgumentException("The industry JSON must be an array of industries.", nameof(json));
        }

        foreach (var industry in parsed)
        {
            industry.Validate();
        }

        return parsed;
    }

    /// <summary>Writes industries as JSON in the format <see cref="ParseJson"/> reads.</summary>
    /// <param name="industries">The industries.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="industries"/> is <see langword="null"/>.</exception>
    public static string ToJson(IEnumerable<Industry> industries)
    {
        ArgumentNullException.ThrowIfNull(industries);
        return JsonSerializer.Serialize(industries.ToArray(), IndustryJsonContext.Default.IndustryArray);
    }

    /// <inheritdoc/>
    public Industry Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryGet(name, out var industry))
        {
            return industry;
        }

        throw new UnknownIndustryException(name, _industries.Select(static i => i.Name).ToArray());
    }

    /// <inheritdoc/>
    public bool TryGet(string name, [NotNullWhen(true)] out Industry? industry)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name.Trim(), out industry);
    }
}

/// <summary>Source-generated JSON metadata for industry files (AOT-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    PropertyNameCaseInsensitive = true,
    WriteIndented = true)]
[JsonSerializable(typeof(Industry[]))]
internal sealed partial class IndustryJsonContext : JsonSerializerContext
{
}

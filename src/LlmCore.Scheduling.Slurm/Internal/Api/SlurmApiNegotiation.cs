using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlmCore.Scheduling.Slurm.Internal.Api;

/// <summary>
/// Picks the REST API version at connect time from slurmrestd's OpenAPI document (<c>GET /openapi/v3</c>, served by
/// every slurmrestd since 20.02): the versions it serves are the <c>/slurm/v0.0.NN/</c> prefixes of its paths, and the
/// client uses the highest one it also speaks.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static partial class SlurmApiNegotiation
{
    public const string OpenApiPath = "openapi/v3";

    /// <summary>The versions an OpenAPI document serves (<c>/slurm/v0.0.NN/...</c> paths), highest first.</summary>
    /// <exception cref="JsonException">The document is not JSON.</exception>
    public static IReadOnlyList<string> ServedVersions(ReadOnlySpan<byte> document)
    {
        var versions = new HashSet<string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(document, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The OpenAPI document is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isPaths = reader.ValueTextEquals("paths"u8);
            reader.Read();
            if (!isPaths || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (VersionPath().Match(reader.GetString() ?? string.Empty) is { Success: true } match)
                {
                    versions.Add(match.Groups[1].Value);
                }

                reader.Read();
                reader.Skip();
            }
        }

        return [.. versions.OrderByDescending(Minor)];
    }

    /// <summary>The highest version both sides speak, or <see langword="null"/> when none.</summary>
    public static string? Choose(IEnumerable<string> served) =>
        served.Where(SlurmDialect.IsSupported).OrderByDescending(Minor).FirstOrDefault();

    /// <summary>The last number of <c>v0.0.NN</c> (so that v0.0.100 sorts after v0.0.99).</summary>
    private static int Minor(string version) =>
        int.TryParse(version.AsSpan(version.LastIndexOf('.') + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : -1;

    /// <summary>
    /// Whether the document's job update schema (<c>components.schemas.{version}_job_desc_msg</c>) has <c>hold</c>,
    /// which v0.0.40 gained in Slurm 23.11.2. Documents without schemas count as having it.
    /// </summary>
    public static bool HasHoldField(ReadOnlySpan<byte> document, string version)
    {
        using var json = JsonDocument.Parse(document.ToArray());
        if (!json.RootElement.TryGetProperty("components", out var components)
            || !components.TryGetProperty("schemas", out var schemas)
            || !schemas.TryGetProperty(version + "_job_desc_msg", out var schema))
        {
            return true;
        }

        return schema.TryGetProperty("properties", out var properties) && properties.TryGetProperty("hold", out _);
    }

    /// <summary>The refusal when slurmrestd serves no version this client speaks.</summary>
    public static string NoCommonVersion(IReadOnlyList<string> served) =>
        $"slurmrestd serves REST API {(served.Count == 0 ? "no /slurm/ version" : string.Join(", ", served))} (from GET /openapi/v3); "
        + $"LlmCore.Scheduling.Slurm speaks {string.Join(", ", SlurmDialect.Supported)}. Start slurmrestd with one of them "
        + "(Slurm 22.05-23.02: -s openapi/v0.0.38; 23.11 and later load data_parser/v0.0.40 or newer by default), "
        + "or set SlurmOptions.ApiVersion to one it serves.";

    [GeneratedRegex(@"^/slurm/(v0\.0\.[0-9]+)/", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex VersionPath();
}

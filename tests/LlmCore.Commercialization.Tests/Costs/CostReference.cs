using System.Text.Json;

namespace LlmCore.Commercialization.Tests.Costs;

/// <summary>Reads tests/reference/llm-costs.json (published figures, each row with its sources).</summary>
internal static class CostReference
{
    private static readonly Lazy<JsonDocument> s_document = new(static () =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "reference", "llm-costs.json"))));

    public static JsonElement Row(string section, string id)
    {
        foreach (var row in s_document.Value.RootElement.GetProperty(section).EnumerateArray())
        {
            if (row.GetProperty("id").GetString() == id)
            {
                return row;
            }
        }

        throw new InvalidOperationException($"llm-costs.json has no row '{id}' in '{section}'.");
    }

    public static IEnumerable<JsonElement> Rows(string section) => s_document.Value.RootElement.GetProperty(section).EnumerateArray();

    /// <summary>The first source of a row: document and location.</summary>
    public static string Source(JsonElement row)
    {
        var source = row.GetProperty("sources")[0];
        var loc = source.TryGetProperty("loc", out var l) ? l.GetString() : null;
        return string.IsNullOrEmpty(loc) ? source.GetProperty("doc").GetString()! : $"{source.GetProperty("doc").GetString()}, {loc}";
    }

    public static double Number(JsonElement row, string property) => row.GetProperty(property).GetDouble();

    public static double Derived(JsonElement row, string property) => row.GetProperty("derived_by_this_report").GetProperty(property).GetDouble();
}

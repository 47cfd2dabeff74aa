using System.Text.Json;

namespace LlmCore.Privacy.Tests.Accounting;

/// <summary>Reads tests/reference/privacy-vectors.json (copied to the output as reference/privacy-vectors.json).</summary>
internal static class ReferenceVectors
{
    private static readonly Lazy<Dictionary<string, JsonElement>> s_vectors = new(Load);

    /// <summary>The value to test against: <c>recomputed_value</c> (the independent high-precision recomputation).</summary>
    public static double Recomputed(string id) => s_vectors.Value[id].GetProperty("recomputed_value").GetDouble();

    public static string Status(string id) => s_vectors.Value[id].GetProperty("status").GetString()!;

    public static JsonElement Inputs(string id) => s_vectors.Value[id].GetProperty("inputs");

    private static Dictionary<string, JsonElement> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "reference", "privacy-vectors.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("vectors").EnumerateArray()
            .ToDictionary(static v => v.GetProperty("id").GetString()!, static v => v.Clone());
    }
}

internal static class Assertions
{
    public static void Relative(double expected, double actual, double tolerance)
    {
        var error = Math.Abs(actual - expected) / Math.Abs(expected);
        Assert.True(error <= tolerance, $"expected {expected:R}, got {actual:R} (relative error {error:E3} > {tolerance:E1})");
    }
}

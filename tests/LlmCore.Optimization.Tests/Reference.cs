using System.Globalization;
using System.Text.Json;

namespace LlmCore.Optimization.Tests;

/// <summary>
/// Reads tests/reference/optimizer-trajectories.json: trajectories from an independent float64 (PyTorch operation
/// order) and 60-digit re-implementation of torch.optim's documented update rules (Lion after lucidrains/lion-pytorch,
/// LAMB and LARS after Optax), schedule values, clipping and EMA cases, and learning-rate values copied from
/// pytorch/pytorch test/optim/test_lrscheduler.py.
/// </summary>
internal static class Reference
{
    private static readonly Lazy<JsonDocument> s_document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "reference", "optimizer-trajectories.json"))));

    public static JsonElement Root => s_document.Value.RootElement;

    public static JsonElement Optimizer(string name) =>
        Root.GetProperty("optimizers").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    public static IEnumerable<string> OptimizerNames =>
        Root.GetProperty("optimizers").EnumerateArray().Select(static e => e.GetProperty("name").GetString()!);

    public static double[] Doubles(JsonElement array) =>
        array.EnumerateArray().Select(static e => e.ValueKind == JsonValueKind.String
            ? double.Parse(e.GetString()!, CultureInfo.InvariantCulture)
            : e.GetDouble()).ToArray();

    public static double[] Schedule(string key) => Doubles(Root.GetProperty("lr_schedules").GetProperty(key));

    public static double RelativeError(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected)
    {
        var worst = 0.0;
        var scale = 0.0;
        for (var i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }

        return worst / scale;
    }
}

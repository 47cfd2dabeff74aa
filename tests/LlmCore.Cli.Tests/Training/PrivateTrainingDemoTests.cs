using LlmCore.Cli.Commands.Demo;
using LlmCore.Cli.Infrastructure;

namespace LlmCore.Cli.Tests.Training;

public class PrivateTrainingDemoTests
{
    [Fact]
    public void Measure_Iris_AccuracyRisesWithEpsilonAndEpsilonFallsWithSigma()
    {
        var (baseline, points) = PrivateTrainingDemo.Measure();
        Assert.InRange(baseline, 0.9, 1.0);
        Assert.Equal(PrivateTrainingDemo.NoiseMultipliers.Count, points.Count);
        for (var i = 1; i < points.Count; i++)
        {
            Assert.True(points[i].Epsilon > points[i - 1].Epsilon);
        }

        // The least private setting is close to the non-private model, the most private one is not better than it.
        Assert.True(points[^1].Accuracy >= baseline - 0.1, $"{points[^1].Accuracy} vs {baseline}");
        Assert.True(points[0].Accuracy <= points[^1].Accuracy + 0.05);
        Assert.InRange(points[0].Epsilon, 0.3, 1.5);

        var path = Path.Combine(Path.GetTempPath(), $"dpsgd-{Guid.NewGuid():N}.png");
        PrivateTrainingDemo.WritePlot(path, baseline, points);
        Assert.True(new FileInfo(path).Length > 1000);
        File.Delete(path);
        if (Environment.GetEnvironmentVariable("LLMCORE_WRITE_DOCS_IMAGES") is { Length: > 0 } docs)
        {
            PrivateTrainingDemo.WritePlot(Path.Combine(docs, "dpsgd-accuracy-vs-epsilon.png"), baseline, points);
        }
    }

    [Fact]
    public void Run_ShowsBaselineAndPrivateRows()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var section = PrivateTrainingDemo.Run(new CliContext(output, error, interactive: false));
        Assert.StartsWith("LlmCore.Privacy", section.Title, StringComparison.Ordinal);
        Assert.Contains(section.Lines, l => l.Key.StartsWith("non-private", StringComparison.Ordinal));
        Assert.Equal(PrivateTrainingDemo.NoiseMultipliers.Count, section.Lines.Count(l => l.Key.StartsWith("private σ", StringComparison.Ordinal)));
    }
}

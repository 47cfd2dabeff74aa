using System.Text.Json;

namespace LlmCore.Cli.Tests.Business;

public class BusinessCommandsTests
{
    [Fact]
    public void Industries_Json_ListsTheCatalogue()
    {
        var (exitCode, output, error) = CliRunner.Run("business", "industries", "--json");

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        using var doc = JsonDocument.Parse(output);
        var names = doc.RootElement.GetProperty("industries").EnumerateArray().Select(static i => i.GetProperty("name").GetString()).ToArray();
        Assert.Contains("finance", names);
        Assert.Contains("healthcare", names);
        Assert.Contains("government", names);
        Assert.Equal(9, names.Length);
    }

    [Fact]
    public void Industries_Human_PrintsATable()
    {
        var (exitCode, output, _) = CliRunner.Run("business", "industries");

        Assert.Equal(0, exitCode);
        Assert.Contains("healthcare", output, StringComparison.Ordinal);
        Assert.Contains("HIPAA", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_UnknownIndustry_ListsKnownOnesWithExitCode2()
    {
        var (exitCode, output, error) = CliRunner.Run("business", "analyze", "--industry", "astrology", "--json");

        Assert.Equal(2, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.Contains("--industry", error, StringComparison.Ordinal);
        Assert.Contains("finance, healthcare, retail", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Analyze_MissingIndustry_ExitCode2()
    {
        var (exitCode, _, error) = CliRunner.Run("business", "analyze");

        Assert.Equal(2, exitCode);
        Assert.Contains("--industry", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_BadSamples_ExitCode2()
    {
        var (exitCode, _, error) = CliRunner.Run("business", "analyze", "--industry", "finance", "--samples", "5");

        Assert.Equal(2, exitCode);
        Assert.Contains("--samples", error, StringComparison.Ordinal);
    }

    // Needs the cost model of issue 10 registered by AddLlmCoreCommercialization (passes after the merge).
    [Fact]
    public void Analyze_Json_PrintsTheContractKeysBestFirst()
    {
        var (exitCode, output, error) = CliRunner.Run("business", "analyze", "--industry", "finance", "--samples", "200", "--json");

        Assert.True(exitCode == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("finance", doc.RootElement.GetProperty("industry").GetString());
        var recommendations = doc.RootElement.GetProperty("recommendations").EnumerateArray().ToArray();
        Assert.Equal(6, recommendations.Length);
        var scores = recommendations.Select(static r => r.GetProperty("score").GetDouble()).ToArray();
        Assert.Equal(scores.OrderDescending(), scores);
        Assert.All(recommendations, static r =>
        {
            Assert.False(string.IsNullOrEmpty(r.GetProperty("businessModel").GetString()));
            Assert.False(string.IsNullOrEmpty(r.GetProperty("rationale").GetString()));
        });
    }

    // Needs the cost model of issue 10 registered by AddLlmCoreCommercialization (passes after the merge).
    [Fact]
    public void Analyze_ReportAndPlot_WritesBothFiles()
    {
        var dir = Directory.CreateTempSubdirectory("llmcore-business-");
        try
        {
            var report = Path.Combine(dir.FullName, "report.md");
            var plot = Path.Combine(dir.FullName, "tornado.png");

            var (exitCode, output, error) = CliRunner.Run("business", "analyze", "--industry", "e-commerce", "--samples", "200", "--report", report, "--plot", plot);

            Assert.True(exitCode == 0, error);
            Assert.Contains("Report written", output, StringComparison.Ordinal);
            Assert.StartsWith("# Commercialization analysis: Retail", File.ReadAllText(report), StringComparison.Ordinal);
            var png = File.ReadAllBytes(plot);
            Assert.True(png.Length > 1000);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

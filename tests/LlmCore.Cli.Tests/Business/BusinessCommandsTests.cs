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

    // Issue 22: at 80 columns (the width of the captured console) the names a user must type were broken mid-word
    // ("manufacturi/ng") and each regulations list was cut to its first word ("EU; EU").
    [Fact]
    public void Industries_Human_At80Columns_KeepsNamesWholeAndListsEveryRegulation()
    {
        var (exitCode, output, _) = CliRunner.Run("business", "industries");
        var (_, json, _) = CliRunner.Run("business", "industries", "--json");

        Assert.Equal(0, exitCode);
        var lines = output.Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd('\r').Length <= 80, $"line wider than 80 columns: {l}"));
        using var doc = JsonDocument.Parse(json);
        foreach (var industry in doc.RootElement.GetProperty("industries").EnumerateArray())
        {
            var name = industry.GetProperty("name").GetString()!;
            Assert.Contains(lines, l => l.Contains("│ " + name + " ", StringComparison.Ordinal));
            foreach (var regulation in industry.GetProperty("regulations").EnumerateArray())
            {
                // The short name (before the citation in parentheses); short ones fit on one line, long ones wrap as prose.
                var shortName = LlmCore.Cli.Commands.Business.IndustriesCommand.ShortName(regulation.GetString()!);
                if (shortName.Length <= 24)
                {
                    Assert.Contains(shortName, output, StringComparison.Ordinal);
                }
                else
                {
                    Assert.All(shortName.Split(' '), word => Assert.Contains(word, output, StringComparison.Ordinal));
                }
            }
        }
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

    // Issue 20: the healthcare analysis used to drop HIPAA and finance named no financial regulation.
    [Theory]
    [InlineData("healthcare", "HIPAA")]
    [InlineData("finance", "GLBA")]
    [InlineData("finance", "SR 11-7")]
    public void Analyze_Json_ListsTheIndustrysRegulationsWithTheirEffects(string industry, string regulation)
    {
        var (exitCode, output, error) = CliRunner.Run("business", "analyze", "--industry", industry, "--samples", "200", "--json");

        Assert.True(exitCode == 0, error);
        using var doc = JsonDocument.Parse(output);
        var regulations = doc.RootElement.GetProperty("regulations").EnumerateArray().ToArray();
        var match = Assert.Single(regulations, r => r.GetProperty("name").GetString()!.StartsWith(regulation, StringComparison.Ordinal));
        Assert.NotEmpty(match.GetProperty("criteria").EnumerateArray());
        Assert.False(string.IsNullOrEmpty(match.GetProperty("effect").GetString()));
        Assert.All(doc.RootElement.GetProperty("recommendations").EnumerateArray(), static r =>
            Assert.False(string.IsNullOrEmpty(r.GetProperty("differentialPrivacyRationale").GetString())));
    }

    [Fact]
    public void Analyze_Json_TakesServingCostFromTheDeploymentSearch()
    {
        var (exitCode, output, error) = CliRunner.Run("business", "analyze", "--industry", "software-development", "--samples", "200", "--json");

        Assert.True(exitCode == 0, error);
        using var doc = JsonDocument.Parse(output);
        var serving = doc.RootElement.GetProperty("servingCost");
        Assert.Equal("deployment-search", serving.GetProperty("source").GetString());
        Assert.Equal(0.45, serving.GetProperty("latencyExpectation").GetProperty("ttftP99Seconds").GetDouble());
        Assert.True(serving.GetProperty("ttftP99Seconds").GetDouble() <= 0.45);
        Assert.True(serving.GetProperty("tpotP99Seconds").GetDouble() <= 0.04);
        Assert.Contains("deployment search", doc.RootElement.GetProperty("recommendations")[0].GetProperty("rationale").GetString(), StringComparison.Ordinal);
    }
}

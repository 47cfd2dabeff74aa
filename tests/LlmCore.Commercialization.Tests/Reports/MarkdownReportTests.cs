using LlmCore.Commercialization.Analysis;
using LlmCore.Commercialization.DependencyInjection;
using LlmCore.Commercialization.Reports;
using LlmCore.Commercialization.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;
using Snapshooter.Xunit;

namespace LlmCore.Commercialization.Tests.Reports;

public class MarkdownReportTests
{
    // Fixed inputs: the deterministic cost-model double ($0.10/M input, $0.40/M output tokens), seed 2026,
    // 1,000 draws, a fixed clock. The snapshot therefore does not depend on the real cost model of issue 10.
    private static string Report(string industry)
    {
        var analyzer = new CommercializationAnalyzer(
            new FixedCostModel(),
            options: new BusinessAnalysisOptions { MonteCarloSamples = 1000, Seed = 2026, ServingCost = ServingCostSource.CostModel },
            timeProvider: new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero)));
        return MarkdownReport.Render(analyzer.Analyze(industry));
    }

    [Fact]
    public void Render_Finance_MatchesSnapshot()
    {
        Snapshot.Match(Report("finance"));
    }

    [Fact]
    public void Render_Retail_MatchesSnapshot()
    {
        Snapshot.Match(Report("retail"));
    }

    [Fact]
    public void Render_Healthcare_HasEverySection()
    {
        var report = Report("healthcare");

        foreach (var heading in new[] { "## Recommendation", "## Ranking", "## Industry profile", "## Data privacy", "## Criteria and weights", "## Decision matrix", "## Unit economics", "## Sensitivity", "## Rationale per business model", "## Assumptions" })
        {
            Assert.Contains(heading, report, StringComparison.Ordinal);
        }

        Assert.Contains("HIPAA", report, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", report, StringComparison.Ordinal);
    }
}

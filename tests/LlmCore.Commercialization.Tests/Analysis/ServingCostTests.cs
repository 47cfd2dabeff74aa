using System.Text.Json;
using LlmCore.Commercialization.Analysis;
using LlmCore.Commercialization.DependencyInjection;
using LlmCore.Commercialization.Industries;
using LlmCore.Commercialization.Reports;
using LlmCore.Commercialization.Serving;
using LlmCore.Commercialization.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace LlmCore.Commercialization.Tests.Analysis;

// The deployment-search path of the business analysis (the default) and the regulation and privacy explanations.
public class ServingCostTests
{
    private static readonly BusinessAnalysisOptions s_options = new() { MonteCarloSamples = 200, Seed = 5, ServingGpus = { "H100-SXM", "L40S" } };

    private static readonly CommercializationAnalyzer s_analyzer = new(
        new FixedCostModel(),
        options: s_options,
        timeProvider: new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));

    [Fact]
    public void Analyze_ByDefault_PricesServingWithTheCheapestDeploymentMeetingTheIndustrysLatency()
    {
        var analysis = s_analyzer.Analyze("customer-service");

        var serving = analysis.Assumptions.ServingCost!;
        Assert.Equal(ServingCostSource.DeploymentSearch, serving.Source);
        var expectation = new IndustryCatalog().Get("customer-service").LatencyExpectation!;
        Assert.Equal(expectation, serving.LatencyExpectation);
        Assert.True(serving.TtftP99Seconds <= expectation.TtftP99Seconds);
        Assert.True(serving.TpotP99Seconds <= expectation.TpotP99Seconds);
        Assert.Contains(serving.Deployment!.Gpu, new[] { "H100-SXM", "L40S" });

        // Cost per request = the fleet's hourly price over the requests it serves an hour.
        var fleetPerHour = serving.Deployment.GpuCount * serving.Deployment.PricePerGpuHourUsd!.Value;
        Assert.Equal(fleetPerHour / 3600 / s_options.ServingRequestsPerSecond, serving.InferenceCostPerRequestUsd, 1e-12);
        Assert.Equal(serving.InferenceCostPerRequestUsd + s_options.OverheadCostPerRequestUsd, analysis.Assumptions.CostPerRequestUsd, 1e-12);
    }

    [Fact]
    public void Analyze_Rationale_SaysTheCostComesFromTheSearch()
    {
        var analysis = s_analyzer.Analyze("retail");

        var served = analysis.Recommendations.Where(static r => r.UnitEconomics.RequestsPerUnit > 0).ToArray();
        Assert.NotEmpty(served);
        Assert.All(served, static r =>
        {
            Assert.Contains("from the deployment search", r.Rationale, StringComparison.Ordinal);
            Assert.Contains("latency expectation", r.Rationale, StringComparison.Ordinal);
        });
        Assert.DoesNotContain("from the cost model", string.Join(" ", analysis.Recommendations.Select(static r => r.Rationale)), StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_Healthcare_NamesHipaaAndHowItMovedTheCriteria()
    {
        var analysis = s_analyzer.Analyze("healthcare");

        var hipaa = Assert.Single(analysis.Regulations, static r => r.Name.StartsWith("HIPAA", StringComparison.Ordinal));
        Assert.Contains("data-privacy fit", hipaa.Criteria);
        Assert.Contains("regulatory burden", hipaa.Criteria);
        Assert.Contains("differential privacy", hipaa.Criteria);
        Assert.True(hipaa.FavoursCustomerHosting);
        Assert.True(hipaa.RecommendsDifferentialPrivacy);
        Assert.Contains("10 − 8·data exposure", hipaa.Effect, StringComparison.Ordinal);
        Assert.Equal(new IndustryCatalog().Get("healthcare").Regulations.Count, analysis.Regulations.Count);
    }

    [Fact]
    public void Analyze_Finance_NamesItsFinancialRegulations()
    {
        var names = s_analyzer.Analyze("finance").Regulations.Select(static r => r.Name).ToArray();
        Assert.Contains(names, static n => n.StartsWith("GLBA", StringComparison.Ordinal));
        Assert.Contains(names, static n => n.StartsWith("SR 11-7", StringComparison.Ordinal));
        Assert.Contains(names, static n => n.StartsWith("EU DORA", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_DifferentialPrivacy_IsExplainedForEveryRecommendation()
    {
        var analysis = s_analyzer.Analyze("healthcare");

        Assert.All(analysis.Recommendations, static r =>
        {
            Assert.StartsWith(r.RecommendDifferentialPrivacy ? "Recommended" : "Not needed", r.DifferentialPrivacyRationale, StringComparison.Ordinal);
        });
        var onPrem = analysis.Recommendations.Single(static r => r.BusinessModel == "on-prem-license");
        Assert.False(onPrem.RecommendDifferentialPrivacy);
        Assert.Contains("customer keeps", onPrem.DifferentialPrivacyRationale, StringComparison.Ordinal);
        Assert.Contains("HIPAA", analysis.Recommendations.Single(static r => r.BusinessModel == "usage-api").DifferentialPrivacyRationale, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_LowSensitivityIndustry_SaysDifferentialPrivacyIsOptional()
    {
        var open = new IndustryCatalog().Get("manufacturing") with { Name = "open-data", DisplayName = "Open data", DataSensitivity = DataSensitivity.Low, Aliases = [] };
        var analysis = s_analyzer.Analyze(open);

        Assert.All(analysis.Recommendations, static r => Assert.False(r.RecommendDifferentialPrivacy));
        Assert.All(analysis.Recommendations, static r => Assert.Contains("mostly public", r.DifferentialPrivacyRationale, StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_UnreachableLatency_FallsBackToTheCostModelAndSaysSo()
    {
        var impatient = new IndustryCatalog().Get("legal") with { Name = "impatient", DisplayName = "Impatient", Aliases = [], LatencyExpectation = new ServingSlo(1e-4, 1e-4) };
        var analysis = s_analyzer.Analyze(impatient);

        var serving = analysis.Assumptions.ServingCost!;
        Assert.Equal(ServingCostSource.CostModel, serving.Source);
        Assert.Contains("No searched deployment meets", serving.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SearchPricedAnalysis_ShowsTheDeploymentAndTheRegulations()
    {
        var report = MarkdownReport.Render(s_analyzer.Analyze("healthcare"));

        Assert.Contains("Serving cost from the deployment search", report, StringComparison.Ordinal);
        Assert.Contains("## How the regulations moved the analysis", report, StringComparison.Ordinal);
        Assert.Contains("**HIPAA", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Analysis_SerialisesRegulationsAndServingCost()
    {
        var json = JsonSerializer.Serialize(s_analyzer.Analyze("education"), new JsonSerializerOptions(JsonSerializerDefaults.Web));
        using var doc = JsonDocument.Parse(json);

        Assert.NotEmpty(doc.RootElement.GetProperty("regulations").EnumerateArray());
        Assert.True(doc.RootElement.GetProperty("assumptions").GetProperty("servingCost").GetProperty("costPerMillionOutputTokensUsd").GetDouble() > 0);
    }

    [Fact]
    public void IndustryJson_RoundTripsLatencyExpectationAndDrivers()
    {
        var healthcare = new IndustryCatalog().Get("healthcare");
        var parsed = IndustryCatalog.ParseJson(IndustryCatalog.ToJson([healthcare]))[0];

        Assert.Equal(healthcare.LatencyExpectation, parsed.LatencyExpectation);
        Assert.Equal(healthcare.Regulations.Select(static r => r.Drivers), parsed.Regulations.Select(static r => r.Drivers));
        Assert.True((parsed.Regulations[0].Drivers & RegulatoryDrivers.SensitiveData) != 0);
    }

    [Fact]
    public void EveryBuiltInIndustry_StatesALatencyExpectationAndRegulationDrivers()
    {
        Assert.All(IndustryCatalog.BuiltIn, static i =>
        {
            Assert.NotNull(i.LatencyExpectation);
            Assert.All(i.Regulations, static r => Assert.NotEqual(RegulatoryDrivers.None, r.Drivers));
        });
    }
}

using System.Text.Json;
using LlmCore.Commercialization.Analysis;
using LlmCore.Commercialization.Costs;
using LlmCore.Commercialization.DependencyInjection;
using LlmCore.Commercialization.Industries;
using LlmCore.Commercialization.Ranking;
using LlmCore.Commercialization.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace LlmCore.Commercialization.Tests.Analysis;

public class CommercializationAnalyzerTests
{
    private static CommercializationAnalyzer Create(FixedCostModel? costModel = null, Action<BusinessAnalysisOptions>? configure = null)
    {
        // The cost-model path, so that the unit economics rest on the deterministic double; the deployment-search path
        // has its own tests (ServingCostTests).
        var options = new BusinessAnalysisOptions { MonteCarloSamples = 500, Seed = 3, ServingCost = ServingCostSource.CostModel };
        configure?.Invoke(options);
        return new CommercializationAnalyzer(costModel ?? new FixedCostModel(), options: options, timeProvider: new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Analyze_Finance_RanksAllSixModelsBestFirstWithRationale()
    {
        var analysis = Create().Analyze("finance");

        Assert.Equal("finance", analysis.Industry);
        Assert.Equal(6, analysis.Recommendations.Count);
        Assert.Equal([1, 2, 3, 4, 5, 6], analysis.Recommendations.Select(static r => r.Rank));
        for (var i = 1; i < analysis.Recommendations.Count; i++)
        {
            Assert.True(analysis.Recommendations[i - 1].Score >= analysis.Recommendations[i].Score);
        }

        Assert.All(analysis.Recommendations, static r =>
        {
            Assert.InRange(r.Score, 0, 1);
            Assert.Contains("TOPSIS", r.Rationale, StringComparison.Ordinal);
            Assert.Equal(6, r.Projection.Years.Count);
            Assert.Equal(7, r.Tornado.Bars.Count);
        });
        Assert.Equal(1.0, analysis.Criteria.Sum(static c => c.Weight), 1e-9);
        Assert.Equal(1.0, analysis.Recommendations.Sum(static r => r.AhpScore), 1e-9);
    }

    // The unit economics come from the cost model: with $0.10/M input and $0.40/M output tokens (the test double)
    // a finance request of 2,000 + 400 tokens costs (2000·0.10 + 400·0.40)/1e6 = $0.00036, plus $0.0005 overhead.
    [Fact]
    public void Analyze_Finance_DerivesCostPerRequestFromTheCostModel()
    {
        var costModel = new FixedCostModel();

        var analysis = Create(costModel).Analyze("finance");

        var request = Assert.Single(costModel.InferenceRequests);
        Assert.Equal(2000, request.PromptTokens);
        Assert.Equal(400, request.OutputTokens);
        Assert.Equal("H100-SXM", request.Gpu);
        Assert.Equal(8, request.KvHeads);
        Assert.Equal(0.00036, analysis.Assumptions.InferenceCostPerRequestUsd, 1e-12);
        Assert.Equal(0.00086, analysis.Assumptions.CostPerRequestUsd, 1e-12);
        var seat = analysis.Recommendations.Single(static r => r.BusinessModel == "vertical-saas").UnitEconomics;
        Assert.Equal(150, seat.PricePerUnitUsd);
        Assert.Equal(600 * 0.00086, seat.InferenceCostPerUnitUsd, 1e-9);
        Assert.Equal(seat.InferenceCostPerUnitUsd + (150 * 0.15), seat.VariableCostPerUnitUsd, 1e-9);
        Assert.Equal((150 - seat.VariableCostPerUnitUsd) / 150, seat.ContributionMargin, 1e-12);
    }

    [Fact]
    public void Analyze_ExpensiveInference_LowersTheUsageApiMargin()
    {
        var cheap = Create(new FixedCostModel(0.1, 0.4)).Analyze("retail");
        var dear = Create(new FixedCostModel(5, 20)).Analyze("retail");

        static double Margin(CommercializationAnalysis a) => a.Recommendations.Single(static r => r.BusinessModel == "usage-api").UnitEconomics.ContributionMargin;
        Assert.True(Margin(dear) < Margin(cheap));
    }

    [Fact]
    public void Analyze_SameSeed_IsDeterministic()
    {
        var first = JsonSerializer.Serialize(Create().Analyze("healthcare"));
        var second = JsonSerializer.Serialize(Create().Analyze("healthcare"));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Analyze_SerialisesToJsonWithTheContractKeys()
    {
        var json = JsonSerializer.Serialize(Create().Analyze("legal"), new JsonSerializerOptions(JsonSerializerDefaults.Web));

        using var doc = JsonDocument.Parse(json);
        Assert.Equal("legal", doc.RootElement.GetProperty("industry").GetString());
        var first = doc.RootElement.GetProperty("recommendations")[0];
        Assert.False(string.IsNullOrEmpty(first.GetProperty("businessModel").GetString()));
        Assert.InRange(first.GetProperty("score").GetDouble(), 0, 1);
        Assert.False(string.IsNullOrEmpty(first.GetProperty("rationale").GetString()));
    }

    [Fact]
    public void Analyze_MethodsAgreeFlag_MatchesTheTwoRankings()
    {
        foreach (var industry in new IndustryCatalog().Industries)
        {
            var analysis = Create().Analyze(industry.Name);
            var same = analysis.Recommendations.All(static r => r.AhpRank == r.Rank);

            Assert.Equal(same, analysis.MethodsAgree);
            Assert.Contains(same ? "agree on the whole ranking" : "differ", analysis.MethodsNote.Replace("disagree", "differ", StringComparison.Ordinal).Replace("differently", "differ", StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Analyze_SensitiveIndustry_RecommendsDifferentialPrivacy()
    {
        var analysis = Create().Analyze("healthcare");

        Assert.Contains("LlmCore.Privacy", analysis.PrivacyAdvice, StringComparison.Ordinal);
        Assert.True(analysis.Recommendations.Single(static r => r.BusinessModel == "usage-api").RecommendDifferentialPrivacy);
        Assert.False(analysis.Recommendations.Single(static r => r.BusinessModel == "on-prem-license").RecommendDifferentialPrivacy);
    }

    [Fact]
    public void Analyze_UnknownIndustry_ListsTheKnownOnes()
    {
        var ex = Assert.Throws<UnknownIndustryException>(() => Create().Analyze("astrology"));

        Assert.Contains("finance", ex.Message, StringComparison.Ordinal);
        Assert.Contains("government", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WeightsNotSummingToOne_AreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => Create(configure: static o => o.CriteriaWeights = [0.5, 0.5, 0.5, 0, 0, 0]));

        Assert.Contains("sum to 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ConfiguredWeights_AreUsed()
    {
        var analysis = Create(configure: static o => o.CriteriaWeights = [1, 0, 0, 0, 0, 0]).Analyze("software-development");

        Assert.Equal("configured", analysis.WeightsSource);
        var best = analysis.Recommendations[0];
        Assert.Equal(analysis.Recommendations.Max(static r => r.Criteria.ContributionMargin), best.Criteria.ContributionMargin);
    }

    [Fact]
    public void Constructor_InconsistentJudgments_Throw()
    {
        // Cyclic (intransitive) judgments: each criterion is 9× more important than the next two around the circle.
        var judgments = Enumerable.Range(0, 6).Select(i => (IReadOnlyList<double>)Enumerable.Range(0, 6).Select(j => ((j - i + 6) % 6) switch { 1 or 2 => 9.0, 4 or 5 => 1.0 / 9, _ => 1.0 }).ToArray()).ToArray();
        var consistency = Ahp.Weigh(judgments);
        Assert.False(consistency.IsConsistent);

        var ex = Assert.Throws<InconsistentJudgmentsException>(() => Create(configure: o => o.CriteriaJudgments = judgments));
        Assert.Equal(consistency.ConsistencyRatio, ex.ConsistencyRatio, 1e-12);
    }

    [Fact]
    public void Constructor_DefaultJudgments_AreConsistent()
    {
        var analysis = Create().Analyze("education");

        Assert.Equal("ahp", analysis.WeightsSource);
        Assert.True(analysis.CriteriaConsistency.ConsistencyRatio < 0.10);
        Assert.Equal(1.24, analysis.CriteriaConsistency.RandomIndex);
    }

    [Fact]
    public void Analyze_IndustryWithNegativePrice_IsRejected()
    {
        var bad = new IndustryCatalog().Get("retail") with { SeatPriceUsdPerMonth = -40 };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Create().Analyze(bad));

        Assert.Equal(nameof(Industry.SeatPriceUsdPerMonth), ex.ParamName);
    }

    [Fact]
    public void Analyze_CostModelReturningNegativeCost_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Create(new FixedCostModel(-1, 0.4)).Analyze("finance"));
    }

    [Fact]
    public void Analyze_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => Create().Analyze("finance", cts.Token));
    }
}

using System.Globalization;
using System.Text;
using LlmCore.Commercialization.Analysis;

namespace LlmCore.Commercialization.Reports;

/// <summary>Renders a <see cref="CommercializationAnalysis"/> as a Markdown report (GitHub-flavoured tables).</summary>
/// <remarks>The output uses the invariant culture and <c>\n</c> line endings, so the same analysis always renders
/// to the same text. This type is stateless and thread-safe.</remarks>
public static class MarkdownReport
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    /// <summary>Renders the full report.</summary>
    /// <param name="analysis">The analysis.</param>
    /// <returns>The Markdown text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="analysis"/> is <see langword="null"/>.</exception>
    public static string Render(CommercializationAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        var a = analysis;
        var p = a.IndustryProfile;
        var sb = new StringBuilder();
        void Line(string text = "") => sb.Append(text).Append('\n');

        Line($"# Commercialization analysis: {p.DisplayName}");
        Line();
        Line(string.Create(s_inv, $"Generated {a.GeneratedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC by LlmCore.Commercialization. Figures are planning estimates from the stated assumptions, not forecasts."));
        Line();

        var best = a.Recommendations[0];
        Line("## Recommendation");
        Line();
        Line($"**{best.DisplayName}** (`{best.BusinessModel}`) ranks first for {p.DisplayName.ToLowerInvariant()}.");
        Line();
        Line(best.Rationale);
        Line();
        Line(a.MethodsNote);
        Line();

        Line("## Ranking");
        Line();
        Line("| rank | business model | TOPSIS score | AHP score | AHP rank | NPV | IRR | payback (years) | LTV/CAC | NPV P10 | NPV P90 |");
        Line("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in a.Recommendations)
        {
            var pr = r.Projection;
            Line(string.Create(s_inv, $"| {r.Rank} | {r.DisplayName} | {r.Score:F3} | {r.AhpScore:F3} | {r.AhpRank} | {Money(pr.NetPresentValueUsd)} | {Percent(pr.InternalRateOfReturn)} | {Years(pr.PaybackYears)} | {Ratio(pr.LtvToCac)} | {Money(r.NpvDistribution.P10)} | {Money(r.NpvDistribution.P90)} |"));
        }

        Line();

        Line("## Industry profile");
        Line();
        Line($"- Data sensitivity: {p.DataSensitivity}; EU AI Act risk class of the canonical uses: {p.EuAiActRiskClass}; willingness to pay: {p.WillingnessToPay}.");
        Line(string.Create(s_inv, $"- Regulatory intensity {p.RegulatoryIntensity:F0}/10; sales cycle {p.SalesCycleMonths:F0} months; compliance cost {Money(p.ComplianceCostUsdPerYear)} a year."));
        Line($"- Use cases: {string.Join("; ", p.UseCases)}.");
        Line();
        Line("| regulation | jurisdiction | what it demands |");
        Line("|---|---|---|");
        foreach (var reg in p.Regulations)
        {
            Line($"| {Escape(reg.Name)} | {Escape(reg.Jurisdiction)} | {Escape(reg.Obligation)} |");
        }

        Line();
        if (a.Regulations.Count > 0)
        {
            Line("## How the regulations moved the analysis");
            Line();
            foreach (var impact in a.Regulations)
            {
                Line($"- **{impact.Name}** ({impact.Jurisdiction}; moves {string.Join(", ", impact.Criteria)}): {impact.Effect}");
            }

            Line();
        }

        Line("## Data privacy");
        Line();
        Line(a.PrivacyAdvice);
        var dp = a.Recommendations.Where(static r => r.RecommendDifferentialPrivacy).Select(static r => r.BusinessModel).ToArray();
        if (dp.Length > 0)
        {
            Line();
            Line($"Differential privacy is recommended for: {string.Join(", ", dp)}.");
        }

        if (a.Recommendations.Any(static r => r.DifferentialPrivacyRationale.Length > 0))
        {
            Line();
            foreach (var r in a.Recommendations)
            {
                Line($"- {r.BusinessModel}: {r.DifferentialPrivacyRationale}");
            }
        }

        Line();
        Line("## Criteria and weights");
        Line();
        Line(string.Create(s_inv, $"Weights: {a.WeightsSource}. AHP judgments of the criteria: λ_max = {a.CriteriaConsistency.LambdaMax:F4}, CI = {a.CriteriaConsistency.ConsistencyIndex:F4}, RI = {a.CriteriaConsistency.RandomIndex:F2}, CR = {a.CriteriaConsistency.ConsistencyRatio:F4} ({(a.CriteriaConsistency.IsConsistent ? "consistent" : "inconsistent")}, Saaty's threshold 0.10)."));
        Line();
        Line("| criterion | direction | weight | definition | source |");
        Line("|---|---|---:|---|---|");
        foreach (var c in a.Criteria)
        {
            Line(string.Create(s_inv, $"| {c.Name} | {c.Direction} | {c.Weight:F3} | {Escape(c.Definition)} | {Escape(c.Source)} |"));
        }

        Line();
        Line("## Decision matrix");
        Line();
        Line("| business model | contribution margin | time to revenue (months) | regulatory burden | data-privacy fit | capital needed | defensibility |");
        Line("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in a.Recommendations)
        {
            var c = r.Criteria;
            Line(string.Create(s_inv, $"| {r.BusinessModel} | {Pct1(c.ContributionMargin)} | {c.TimeToRevenueMonths:F1} | {c.RegulatoryBurden:F1} | {c.DataPrivacyFit:F1} | {Money(c.CapitalNeededUsd)} | {c.Defensibility:F0} |"));
        }

        Line();
        Line("## Unit economics");
        Line();
        if (a.Assumptions.ServingCost is { Source: ServingCostSource.DeploymentSearch } search)
        {
            Line(search.Explanation + string.Create(s_inv, $" A request of {a.Assumptions.PromptTokensPerRequest} + {a.Assumptions.OutputTokensPerRequest} tokens costs {Money(a.Assumptions.InferenceCostPerRequestUsd)} in inference and {Money(a.Assumptions.CostPerRequestUsd)} with overhead."));
        }
        else
        {
            Line(string.Create(s_inv, $"Cost model: {a.Assumptions.ServingModelParameters / 1e9:0.##}B parameters on {a.Assumptions.ServingGpuCount} × {a.Assumptions.ServingGpu}, batch {a.Assumptions.ServingBatch}: {Money(a.Assumptions.CostPerMillionInputTokensUsd)} per million input tokens, {Money(a.Assumptions.CostPerMillionOutputTokensUsd)} per million output tokens; a request of {a.Assumptions.PromptTokensPerRequest} + {a.Assumptions.OutputTokensPerRequest} tokens costs {Money(a.Assumptions.InferenceCostPerRequestUsd)} in inference and {Money(a.Assumptions.CostPerRequestUsd)} with overhead."));
        }

        Line();
        Line("| business model | unit | price | requests/unit | variable cost/unit | gross margin | contribution margin | fixed costs/year | break-even units/year |");
        Line("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in a.Recommendations)
        {
            var u = r.UnitEconomics;
            Line(string.Create(s_inv, $"| {r.BusinessModel} | {u.PricingUnit} | {Money(u.PricePerUnitUsd)} | {u.RequestsPerUnit:G4} | {Money(u.VariableCostPerUnitUsd)} | {Pct1(u.GrossMargin)} | {Pct1(u.ContributionMargin)} | {Money(u.FixedCostsUsdPerYear)} | {Count(u.BreakEvenUnitsPerYear)} |"));
        }

        Line();
        Line($"## Projection of {best.BusinessModel}");
        Line();
        Line("| year | accounts | price/unit | revenue | variable costs | fixed costs | acquisition | cash flow |");
        Line("|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var y in best.Projection.Years)
        {
            Line(string.Create(s_inv, $"| {y.Year} | {y.Accounts:N0} | {Money(y.PricePerUnitUsd)} | {Money(y.RevenueUsd)} | {Money(y.VariableCostsUsd)} | {Money(y.FixedCostsUsd)} | {Money(y.AcquisitionCostsUsd)} | {Money(y.CashFlowUsd)} |"));
        }

        Line();
        var bp = best.Projection;
        Line(string.Create(s_inv, $"NPV {Money(bp.NetPresentValueUsd)} at {Pct1(a.Assumptions.DiscountRate)}; IRR {Percent(bp.InternalRateOfReturn)}; payback {Years(bp.PaybackYears)} years (discounted {Years(bp.DiscountedPaybackYears)}); LTV {Money(bp.LifetimeValueUsd)} against CAC {Money(bp.AcquisitionCostUsd)} (LTV/CAC {Ratio(bp.LtvToCac)})."));
        Line();

        Line("## Sensitivity");
        Line();
        Line(string.Create(s_inv, $"Monte Carlo: {a.Assumptions.MonteCarloSamples} draws per business model, seed {a.Assumptions.Seed}, triangular inputs."));
        Line();
        Line("| business model | mean NPV | P10 | P50 | P90 | P(loss) |");
        Line("|---|---:|---:|---:|---:|---:|");
        foreach (var r in a.Recommendations)
        {
            var m = r.NpvDistribution;
            Line(string.Create(s_inv, $"| {r.BusinessModel} | {Money(m.Mean)} | {Money(m.P10)} | {Money(m.P50)} | {Money(m.P90)} | {Pct1(m.ProbabilityBelowZero)} |"));
        }

        Line();
        Line($"Tornado of the NPV of {best.BusinessModel} (one input at a time, largest swing first):");
        Line();
        Line("| input | low | high | NPV at low | NPV at high | swing |");
        Line("|---|---:|---:|---:|---:|---:|");
        foreach (var bar in best.Tornado.Bars)
        {
            Line(string.Create(s_inv, $"| {bar.Input} | {bar.LowValue:G4} | {bar.HighValue:G4} | {Money(bar.OutputAtLow)} | {Money(bar.OutputAtHigh)} | {Money(bar.Swing)} |"));
        }

        Line();
        Line("## Rationale per business model");
        Line();
        foreach (var r in a.Recommendations)
        {
            Line($"### {r.Rank}. {r.DisplayName}");
            Line();
            Line(r.Rationale);
            Line();
        }

        Line("## Assumptions");
        Line();
        var s = a.Assumptions;
        Line(string.Create(s_inv, $"- Horizon {s.HorizonYears} years, discount rate {Pct1(s.DiscountRate)}."));
        Line(string.Create(s_inv, $"- Market token price at constant capability falls {Pct1(s.AnnualTokenPriceDecline)} a year (a16z LLMflation: ~10× a year); each business model passes its exposure share into its price. Serving cost falls {Pct1(s.AnnualServingCostDecline)} a year."));
        Line("- Adoption follows a logistic curve from the first revenue; accounts churn at the business model's annual rate; CAC is the business model's CAC ratio × an account's first-year revenue × (1 + sales cycle/24 months).");
        Line("- Benchmarks: AI gross margins 25–60% against 60–80% for SaaS (a16z 2020; Bessemer 2025); LTV/CAC ≥ 3 and CAC payback < 12 months (Skok).");
        return sb.ToString();
    }

    private static string Money(double usd) => double.IsFinite(usd) ? RationaleWriter.Money(usd) : "n/a";

    private static string Percent(double? value) => value is { } v ? Pct1(v) : "none";

    private static string Pct1(double fraction) => (fraction * 100).ToString("0.#", s_inv) + "%";

    private static string Years(double? value) => value is { } v ? v.ToString("F1", s_inv) : "not reached";

    private static string Ratio(double value) => double.IsFinite(value) ? value.ToString("F1", s_inv) : "∞";

    private static string Count(double value) => double.IsFinite(value) ? value.ToString("N0", s_inv) : "never";

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}

using System.CommandLine;
using System.Globalization;
using LlmCore.Cli.Infrastructure;
using LlmCore.Commercialization.Analysis;
using LlmCore.Commercialization.Reports;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Business;

/// <summary><c>llmcore business analyze --industry NAME [--report FILE.md] [--plot FILE.png]</c>.</summary>
internal static class AnalyzeCommand
{
    private static object? ServingCostJson(ServingCostBasis? s) => s is null ? null : new
    {
        source = s.Source == ServingCostSource.DeploymentSearch ? "deployment-search" : "cost-model",
        costPerRequestUsd = s.InferenceCostPerRequestUsd,
        costPerMillionOutputTokensUsd = s.CostPerMillionOutputTokensUsd,
        costPerMillionInputTokensUsd = s.CostPerMillionInputTokensUsd,
        latencyExpectation = s.LatencyExpectation is { } slo ? new { ttftP99Seconds = slo.TtftP99Seconds, tpotP99Seconds = slo.TpotP99Seconds } : null,
        requestsPerSecond = s.RequestsPerSecond,
        deployment = s.Deployment is { } d ? Cost.ServingCliSupport.DeploymentJson(d) : null,
        ttftP99Seconds = s.TtftP99Seconds,
        tpotP99Seconds = s.TpotP99Seconds,
        explanation = s.Explanation,
    };

    public static Command Create(CliContext context)
    {
        var industryOption = new Option<string>("--industry") { Description = "The industry to analyse (see 'llmcore business industries').", Required = true };
        var reportOption = new Option<string?>("--report") { Description = "Write the full Markdown report to this file." };
        var plotOption = CliOptions.Plot("Write a tornado chart (PNG) of the best business model's NPV to this file");
        var seedOption = new Option<int>("--seed") { Description = "Seed of the Monte Carlo sensitivity.", DefaultValueFactory = _ => 42 };
        var samplesOption = new Option<int>("--samples") { Description = "Monte Carlo draws per business model (100 to 1,000,000).", DefaultValueFactory = _ => 2000 };

        var command = new Command("analyze", "Rank and explain the business models for an industry (TOPSIS, AHP, NPV/IRR, Monte Carlo).");
        command.Options.Add(industryOption);
        command.Options.Add(reportOption);
        command.Options.Add(plotOption);
        command.Options.Add(seedOption);
        command.Options.Add(samplesOption);
        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            var name = parseResult.GetValue(industryOption);
            var report = parseResult.GetValue(reportOption);
            var plot = parseResult.GetValue(plotOption);
            var seed = parseResult.GetValue(seedOption);
            var samples = parseResult.GetValue(samplesOption);
            OptionChecks.InRange("--samples", samples, 100, 1_000_000);

            if (plot is not null && !plot.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            {
                throw CliUsageException.ForOption("--plot", "must name a .png file", plot);
            }

            using var provider = BusinessServices.Build(o =>
            {
                o.Seed = seed;
                o.MonteCarloSamples = samples;
            });
            var industry = BusinessServices.ResolveIndustry(provider, name);
            var analysis = BusinessServices.ResolveAnalyzer(provider).Analyze(industry, context.CancellationToken);
            if (report is not null)
            {
                File.WriteAllText(report, MarkdownReport.Render(analysis));
            }

            var best = analysis.Recommendations[0];
            if (plot is not null)
            {
                TornadoChart.SavePng(best.Tornado, $"{analysis.IndustryProfile.DisplayName}: NPV of {best.BusinessModel}", plot);
            }

            if (parseResult.GetValue(CliContext.JsonOption))
            {
                context.WriteJson(new
                {
                    industry = analysis.Industry,
                    recommendations = analysis.Recommendations.Select(static r => new
                    {
                        r.Rank,
                        r.BusinessModel,
                        r.DisplayName,
                        r.Score,
                        r.AhpScore,
                        r.AhpRank,
                        r.Rationale,
                        contributionMargin = r.UnitEconomics.ContributionMargin,
                        grossMargin = r.UnitEconomics.GrossMargin,
                        npvUsd = r.Projection.NetPresentValueUsd,
                        irr = r.Projection.InternalRateOfReturn,
                        paybackYears = r.Projection.PaybackYears,
                        ltvToCac = double.IsFinite(r.Projection.LtvToCac) ? r.Projection.LtvToCac : (double?)null,
                        npvP10Usd = r.NpvDistribution.P10,
                        npvP50Usd = r.NpvDistribution.P50,
                        npvP90Usd = r.NpvDistribution.P90,
                        probabilityOfLoss = r.NpvDistribution.ProbabilityBelowZero,
                        r.RecommendDifferentialPrivacy,
                        r.DifferentialPrivacyRationale,
                    }),
                    regulations = analysis.Regulations.Select(static g => new
                    {
                        g.Name,
                        g.Jurisdiction,
                        g.Obligation,
                        drivers = g.Drivers.ToString(),
                        g.Criteria,
                        g.Effect,
                        g.FavoursCustomerHosting,
                        g.RecommendsDifferentialPrivacy,
                    }),
                    servingCost = ServingCostJson(analysis.Assumptions.ServingCost),
                    criteria = analysis.Criteria.Select(static c => new { c.Name, direction = c.Direction.ToString(), c.Weight }),
                    analysis.WeightsSource,
                    consistencyRatio = analysis.CriteriaConsistency.ConsistencyRatio,
                    analysis.MethodsAgree,
                    analysis.MethodsNote,
                    analysis.PrivacyAdvice,
                    costPerRequestUsd = analysis.Assumptions.CostPerRequestUsd,
                    tornado = best.Tornado.Bars.Select(static b => new { b.Input, b.LowValue, b.HighValue, b.OutputAtLow, b.OutputAtHigh, b.Swing }),
                    report,
                    plot,
                });
                return CliApp.Success;
            }

            var inv = CultureInfo.InvariantCulture;
            context.Console.Write(new Rule($"[bold]{Markup.Escape(analysis.IndustryProfile.DisplayName)}[/]").LeftJustified());
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn(new TableColumn("rank").RightAligned())
                .AddColumn("business model")
                .AddColumn(new TableColumn("TOPSIS").RightAligned())
                .AddColumn(new TableColumn("AHP rank").RightAligned())
                .AddColumn(new TableColumn("contribution margin").RightAligned())
                .AddColumn(new TableColumn("NPV").RightAligned())
                .AddColumn(new TableColumn("P(loss)").RightAligned());
            foreach (var r in analysis.Recommendations)
            {
                table.AddRow(
                    r.Rank.ToString(inv),
                    Markup.Escape(r.DisplayName),
                    r.Score.ToString("F3", inv),
                    r.AhpRank.ToString(inv),
                    (r.UnitEconomics.ContributionMargin * 100).ToString("F0", inv) + "%",
                    (r.Projection.NetPresentValueUsd / 1e6).ToString("F2", inv) + " M$",
                    (r.NpvDistribution.ProbabilityBelowZero * 100).ToString("F0", inv) + "%");
            }

            context.Console.Write(table);
            context.Console.WriteLine(best.Rationale);
            context.Console.WriteLine(analysis.MethodsNote);
            context.Console.WriteLine(analysis.PrivacyAdvice);
            if (analysis.Assumptions.ServingCost is { } serving)
            {
                context.Console.WriteLine(serving.Explanation);
            }

            var regulations = new Table().Border(TableBorder.Rounded).Title("Regulations and what they moved")
                .AddColumn("regulation").AddColumn("jurisdiction").AddColumn("moves");
            foreach (var g in analysis.Regulations)
            {
                regulations.AddRow(Markup.Escape(g.Name), Markup.Escape(g.Jurisdiction), Markup.Escape(string.Join(", ", g.Criteria)));
            }

            context.Console.Write(regulations);
            if (report is not null)
            {
                context.Console.WriteLine($"Report written to {report}.");
            }

            if (plot is not null)
            {
                context.Console.WriteLine($"Tornado chart written to {plot}.");
            }

            return CliApp.Success;
        }));
        return command;
    }
}

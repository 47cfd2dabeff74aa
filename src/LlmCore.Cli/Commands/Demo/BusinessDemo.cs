using System.Globalization;
using LlmCore.Cli.Commands.Business;
using LlmCore.Commercialization.Analysis;
using LlmCore.Commercialization.Costs;
using LlmCore.Commercialization.Industries;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCore.Cli.Commands.Demo;

/// <summary>The business-analysis part of the demo: ranks the business models for two industries.</summary>
internal static class BusinessDemo
{
    public static DemoSection Run(Infrastructure.CliContext context)
    {
        var inv = CultureInfo.InvariantCulture;
        using var provider = BusinessServices.Build(static o =>
        {
            o.MonteCarloSamples = 500;
            o.Seed = 7;
        });
        var lines = new List<KeyValuePair<string, string>>
        {
            new("industries in the catalogue", provider.GetRequiredService<IIndustryCatalog>().Industries.Count.ToString(inv)),
        };

        // The cost model (issue 10) is registered by AddLlmCoreCommercialization; without it there are no unit economics to rank.
        if (provider.GetService<ICostModel>() is null)
        {
            lines.Add(new("business analysis", "skipped: no ICostModel registered"));
            return new DemoSection("LlmCore.Commercialization", lines);
        }

        var analyzer = provider.GetRequiredService<ICommercializationAnalyzer>();
        foreach (var industry in new[] { "healthcare", "customer-service" })
        {
            var analysis = analyzer.Analyze(industry);
            var best = analysis.Recommendations[0];
            lines.Add(new($"{industry}: best business model", $"{best.BusinessModel} (TOPSIS {best.Score.ToString("F3", inv)}, AHP rank {best.AhpRank.ToString(inv)})"));
            lines.Add(new($"{industry}: 5-year NPV P10 / P50 / P90", string.Join(" / ", new[] { best.NpvDistribution.P10, best.NpvDistribution.P50, best.NpvDistribution.P90 }.Select(v => (v / 1e6).ToString("F1", inv) + " M$"))));
            lines.Add(new($"{industry}: most influential input", best.Tornado.Bars[0].Input));
            lines.Add(new($"{industry}: TOPSIS and AHP agree", analysis.MethodsAgree ? "yes" : "no"));
        }

        return new DemoSection("LlmCore.Commercialization", lines);
    }
}

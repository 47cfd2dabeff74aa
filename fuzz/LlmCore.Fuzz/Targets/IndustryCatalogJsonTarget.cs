using LlmCore.Commercialization.Analysis;
using LlmCore.Commercialization.Costs;
using LlmCore.Commercialization.Industries;

namespace LlmCore.Fuzz.Targets;

/// <summary>
/// The industry override JSON (<c>BusinessAnalysisOptions.Industries</c>, the format of
/// <see cref="IndustryCatalog.ToJson"/>): <see cref="IndustryCatalog.ParseJson"/> and the catalogue constructor
/// document <see cref="ArgumentException"/> (with <see cref="ArgumentOutOfRangeException"/>) for invalid entries.
/// The first parsed industry is then analysed, as <c>llmcore business analyze</c> would: every recommendation's
/// score must be a finite closeness in [0, 1].
/// </summary>
internal sealed class IndustryCatalogJsonTarget : FuzzTarget
{
    private static readonly AnalyticCostModel s_costModel = new();

    public override string Name => "industry-catalog-json";

    public override string Description => "IndustryCatalog.ParseJson, the catalogue, and an analysis of the first entry; accepts ArgumentException (and InvalidOperationException from Analyze)";

    public override void Run(byte[] input)
    {
        IndustryCatalog catalog;
        IReadOnlyList<Industry> parsed;
        try
        {
            parsed = IndustryCatalog.ParseJson(Text(input));
            catalog = new IndustryCatalog(parsed);
        }
        catch (ArgumentException)
        {
            return;
        }

        if (parsed.Count == 0)
        {
            return;
        }

        var industry = parsed[0];
        Check(catalog.TryGet(industry.Name, out _), "an override is found by its name");
        CommercializationAnalysis analysis;
        try
        {
            analysis = new CommercializationAnalyzer(s_costModel, catalog).Analyze(industry);
        }
        catch (InvalidOperationException)
        {
            // Documented: the cost model priced the industry's requests at a cost that is not finite.
            return;
        }

        Check(analysis.Recommendations.Count > 0, "an analysis recommends something");
        foreach (var r in analysis.Recommendations)
        {
            Check(double.IsFinite(r.Score) && r.Score >= 0 && r.Score <= 1, $"a TOPSIS closeness is in [0, 1], got {r.Score}");
            Check(double.IsFinite(r.AhpScore), $"an AHP score is finite, got {r.AhpScore}");
        }
    }
}

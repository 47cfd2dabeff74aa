using LlmCore.Commercialization.Industries;
using LlmCore.Commercialization.Ranking;

namespace LlmCore.Commercialization.Analysis;

/// <summary>The result of <see cref="ICommercializationAnalyzer.Analyze(string, CancellationToken)"/>: ranked, explained
/// business models for an industry. Serialises to JSON (System.Text.Json) and renders as Markdown
/// (<see cref="Reports.MarkdownReport"/>).</summary>
/// <param name="Industry">The industry's canonical name.</param>
/// <param name="IndustryProfile">The industry profile analysed.</param>
/// <param name="Recommendations">Business models, best first (by TOPSIS closeness).</param>
/// <param name="Criteria">The criteria with their weights, definitions and sources.</param>
/// <param name="WeightsSource">"ahp" when the weights are AHP priorities of the judgments, "configured" when given.</param>
/// <param name="CriteriaConsistency">AHP result of the criteria judgments (weights, λ_max, CI, RI, CR).</param>
/// <param name="MethodsAgree">Whether TOPSIS and AHP produce the same ranking.</param>
/// <param name="MethodsNote">What the two methods say, and where they disagree.</param>
/// <param name="PrivacyAdvice">Advice on differential privacy for this industry's data.</param>
/// <param name="Assumptions">The assumptions the analysis ran with.</param>
/// <param name="GeneratedAt">When the analysis ran (from the <see cref="TimeProvider"/>).</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record CommercializationAnalysis(
    string Industry,
    Industry IndustryProfile,
    IReadOnlyList<Recommendation> Recommendations,
    IReadOnlyList<Criterion> Criteria,
    string WeightsSource,
    AhpResult CriteriaConsistency,
    bool MethodsAgree,
    string MethodsNote,
    string PrivacyAdvice,
    AnalysisAssumptions Assumptions,
    DateTimeOffset GeneratedAt)
{
    /// <summary>Gets the regulations that apply to the industry and how each moved the criteria of this analysis.</summary>
    public IReadOnlyList<RegulationImpact> Regulations { get; init; } = [];
}

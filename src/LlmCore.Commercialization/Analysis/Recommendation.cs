using LlmCore.Commercialization.Sensitivity;

namespace LlmCore.Commercialization.Analysis;

/// <summary>One ranked business model for an industry, with the numbers behind its rank and a rationale.</summary>
/// <param name="Rank">1 for the best (by TOPSIS closeness).</param>
/// <param name="BusinessModel">The business model's canonical name, e.g. <c>vertical-saas</c>.</param>
/// <param name="DisplayName">The business model's human-readable name.</param>
/// <param name="Score">TOPSIS closeness to the ideal, in [0, 1].</param>
/// <param name="AhpScore">AHP global priority (the scores of all models sum to 1).</param>
/// <param name="AhpRank">Its rank under AHP (1 best).</param>
/// <param name="Rationale">Why it ranks where it does, in plain words.</param>
/// <param name="Criteria">The criterion values.</param>
/// <param name="UnitEconomics">Price against cost per unit, margins and break-even.</param>
/// <param name="Projection">The multi-year projection.</param>
/// <param name="NpvDistribution">Monte Carlo distribution of the NPV.</param>
/// <param name="Tornado">One-at-a-time sensitivity of the NPV, largest swing first.</param>
/// <param name="RecommendDifferentialPrivacy">Whether the vendor should use differential privacy (LlmCore.Privacy) on customer data.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record Recommendation(
    int Rank,
    string BusinessModel,
    string DisplayName,
    double Score,
    double AhpScore,
    int AhpRank,
    string Rationale,
    CriteriaValues Criteria,
    UnitEconomics UnitEconomics,
    Projection Projection,
    MonteCarloSummary NpvDistribution,
    TornadoResult Tornado,
    bool RecommendDifferentialPrivacy)
{
    /// <summary>Gets why differential privacy is or is not recommended for this business model, in words.</summary>
    public string DifferentialPrivacyRationale { get; init; } = string.Empty;
}

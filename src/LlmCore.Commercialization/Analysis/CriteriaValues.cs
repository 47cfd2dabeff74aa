namespace LlmCore.Commercialization.Analysis;

/// <summary>The six criterion values of one business model in one industry (the rows of the decision matrix).</summary>
/// <param name="ContributionMargin">Contribution margin ratio (price − variable cost)/price; may be negative.</param>
/// <param name="TimeToRevenueMonths">Months to first revenue: the model's base time plus its share of the industry's sales cycle.</param>
/// <param name="RegulatoryBurden">1–10: 1 + (regulatory intensity − 1)·(0.3 + 0.7·data exposure).</param>
/// <param name="DataPrivacyFit">1–10: 10 − sensitivity penalty (2 low, 5 medium, 8 high)·data exposure.</param>
/// <param name="CapitalNeededUsd">Up-front investment plus half a year of compliance cost scaled by data exposure.</param>
/// <param name="Defensibility">1–10, from the business model.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record CriteriaValues(
    double ContributionMargin,
    double TimeToRevenueMonths,
    double RegulatoryBurden,
    double DataPrivacyFit,
    double CapitalNeededUsd,
    double Defensibility);

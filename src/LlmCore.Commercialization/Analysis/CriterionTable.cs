using LlmCore.Commercialization.BusinessModels;
using LlmCore.Commercialization.Industries;
using LlmCore.Commercialization.Ranking;

namespace LlmCore.Commercialization.Analysis;

/// <summary>One criterion of the decision matrix: its name, direction, definition and source.</summary>
internal sealed record CriterionDefinition(string Name, CriterionDirection Direction, string Definition, string Source);

/// <summary>
/// The six criteria of the business analysis in decision-matrix order, their default AHP judgments, and the formulas
/// that turn a business model in an industry into criterion values (shared by the case builder and the rationale).
/// </summary>
internal static class CriterionTable
{
    public const int Margin = 0;
    public const int TimeToRevenue = 1;
    public const int RegulatoryBurden = 2;
    public const int DataPrivacyFit = 3;
    public const int CapitalNeeded = 4;
    public const int Defensibility = 5;

    public static readonly CriterionDefinition[] All =
    [
        new("margin", CriterionDirection.Benefit,
            "Contribution margin ratio (price − variable cost)/price per billed unit, with the inference cost per request from the cost model; entered as 1 + margin (floored at 0.01) so that AHP's ratio scale applies.",
            "Horngren, Cost Accounting (CVP analysis); a16z, The New Business of AI (2020)"),
        new("time to revenue", CriterionDirection.Cost,
            "Months to first revenue: the business model's build time plus its share of the industry's sales cycle.",
            "Skok, SaaS Metrics 2.0 (sales cycles)"),
        new("regulatory burden", CriterionDirection.Cost,
            "1–10: 1 + (industry regulatory intensity − 1)·(0.3 + 0.7·data exposure of the model).",
            "GDPR (Reg. (EU) 2016/679), HIPAA (45 CFR 164), PIPL (2021), EU AI Act (Reg. (EU) 2024/1689), ..."),
        new("data-privacy fit", CriterionDirection.Benefit,
            "1–10: 10 − sensitivity penalty (2 low, 5 medium, 8 high)·data exposure of the model.",
            "data-sensitivity scale H/M/L (docs/commercialization.md) and the regulations of each industry"),
        new("capital needed", CriterionDirection.Cost,
            "Up-front investment plus half a year of the industry's compliance cost scaled by data exposure, USD.",
            "a16z (2023): compute > 80% of capital raised"),
        new("defensibility", CriterionDirection.Benefit,
            "1–10: switching costs, workflow and data lock-in, network effects of the business model.",
            "Porter (1980), Competitive Strategy; platform network effects (Parker, Van Alstyne and Choudary 2016)"),
    ];

    public static readonly IReadOnlyList<string> Names = Array.ConvertAll(All, static c => c.Name);

    public static readonly CriterionDirection[] Directions = Array.ConvertAll(All, static c => c.Direction);

    /// <summary>The built-in criteria judgments on Saaty's 1–9 scale (margin matters most; CR ≈ 0.002).</summary>
    public static readonly double[][] DefaultJudgments =
    [
        [1, 2, 3, 2, 3, 2],
        [1.0 / 2, 1, 2, 1, 2, 1],
        [1.0 / 3, 1.0 / 2, 1, 1.0 / 2, 1, 1.0 / 2],
        [1.0 / 2, 1, 2, 1, 2, 1],
        [1.0 / 3, 1.0 / 2, 1, 1.0 / 2, 1, 1.0 / 2],
        [1.0 / 2, 1, 2, 1, 2, 1],
    ];

    /// <summary>The data-privacy penalty per unit of data exposure: 8 for highly sensitive data, 5 for confidential, 2 for mostly public.</summary>
    public static double SensitivityPenalty(DataSensitivity sensitivity) => sensitivity switch
    {
        DataSensitivity.High => 8.0,
        DataSensitivity.Medium => 5.0,
        _ => 2.0,
    };

    /// <summary>The criterion values of <paramref name="model"/> in <paramref name="industry"/> with its contribution margin.</summary>
    public static CriteriaValues Values(BusinessModel model, Industry industry, double contributionMargin)
    {
        var exposure = model.DataExposure;
        return new CriteriaValues(
            contributionMargin,
            model.BaseTimeToRevenueMonths + (industry.SalesCycleMonths * model.SalesCycleExposure),
            1 + ((industry.RegulatoryIntensity - 1) * (0.3 + (0.7 * exposure))),
            Math.Max(1.0, 10 - (SensitivityPenalty(industry.DataSensitivity) * exposure)),
            model.UpfrontInvestmentUsd + (0.5 * industry.ComplianceCostUsdPerYear * exposure),
            model.Defensibility);
    }

    /// <summary>The decision-matrix row: values floored so that AHP's ratio scale applies.</summary>
    public static double[] ToMatrixRow(CriteriaValues v) =>
    [
        Math.Max(0.01, 1 + v.ContributionMargin),
        Math.Max(0.1, v.TimeToRevenueMonths),
        v.RegulatoryBurden,
        v.DataPrivacyFit,
        Math.Max(1.0, v.CapitalNeededUsd),
        v.Defensibility,
    ];

    public static Criterion ToCriterion(int index, double weight)
    {
        var c = All[index];
        return new Criterion(c.Name, c.Direction, weight, c.Definition, c.Source);
    }
}

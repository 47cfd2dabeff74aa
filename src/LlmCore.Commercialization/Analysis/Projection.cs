namespace LlmCore.Commercialization.Analysis;

/// <summary>A multi-year projection of one business model in one industry and its financial summary.</summary>
/// <param name="Years">Year 0 (investment) to the horizon.</param>
/// <param name="NetPresentValueUsd">NPV of the yearly cash flows at the discount rate.</param>
/// <param name="InternalRateOfReturn">IRR, or <see langword="null"/> when none exists.</param>
/// <param name="PaybackYears">Simple payback, or <see langword="null"/> when not within the horizon.</param>
/// <param name="DiscountedPaybackYears">Discounted payback, or <see langword="null"/> when not within the horizon.</param>
/// <param name="LifetimeValueUsd">LTV = ARPA·GM/annual churn at launch prices.</param>
/// <param name="AcquisitionCostUsd">CAC per account: the model's CAC ratio × first-year revenue per account × (1 + sales cycle/24 months).</param>
/// <param name="LtvToCac">LTV/CAC (the rule of thumb asks for ≥ 3).</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record Projection(
    IReadOnlyList<YearProjection> Years,
    double NetPresentValueUsd,
    double? InternalRateOfReturn,
    double? PaybackYears,
    double? DiscountedPaybackYears,
    double LifetimeValueUsd,
    double AcquisitionCostUsd,
    double LtvToCac);

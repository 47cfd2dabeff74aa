namespace LlmCore.Commercialization.Analysis;

/// <summary>Unit economics of one business model in one industry at launch prices.</summary>
/// <param name="PricingUnit">The billed unit, e.g. "seat-month".</param>
/// <param name="PricePerUnitUsd">Price of one unit.</param>
/// <param name="RequestsPerUnit">Model requests behind one unit that the vendor serves (0 when the customer runs the GPUs).</param>
/// <param name="CostPerRequestUsd">Inference (from the cost model) plus overhead per request.</param>
/// <param name="InferenceCostPerUnitUsd">Inference and overhead cost of one unit.</param>
/// <param name="VariableCostPerUnitUsd">All variable cost of one unit: inference, service COGS and selling costs.</param>
/// <param name="GrossMargin">(price − inference − service COGS)/price.</param>
/// <param name="ContributionMargin">(price − variable cost)/price.</param>
/// <param name="FixedCostsUsdPerYear">Fixed costs per year (team and compliance).</param>
/// <param name="BreakEvenUnitsPerYear">Fixed costs / (price − variable cost); infinity when each unit loses money.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record UnitEconomics(
    string PricingUnit,
    double PricePerUnitUsd,
    double RequestsPerUnit,
    double CostPerRequestUsd,
    double InferenceCostPerUnitUsd,
    double VariableCostPerUnitUsd,
    double GrossMargin,
    double ContributionMargin,
    double FixedCostsUsdPerYear,
    double BreakEvenUnitsPerYear);

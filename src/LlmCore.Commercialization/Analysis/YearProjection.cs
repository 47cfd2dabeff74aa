namespace LlmCore.Commercialization.Analysis;

/// <summary>One year of a projection (year 0 holds the up-front investment only).</summary>
/// <param name="Year">0 for the investment, then 1…horizon.</param>
/// <param name="Accounts">Paying accounts at the end of the year (logistic adoption).</param>
/// <param name="PricePerUnitUsd">The price of a unit in that year, after the price decline.</param>
/// <param name="RevenueUsd">Revenue.</param>
/// <param name="VariableCostsUsd">Inference, service COGS and selling costs.</param>
/// <param name="FixedCostsUsd">Team, platform and compliance costs.</param>
/// <param name="AcquisitionCostsUsd">New accounts × CAC.</param>
/// <param name="CashFlowUsd">Revenue minus every cost (minus the investment in year 0).</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record YearProjection(
    int Year,
    double Accounts,
    double PricePerUnitUsd,
    double RevenueUsd,
    double VariableCostsUsd,
    double FixedCostsUsd,
    double AcquisitionCostsUsd,
    double CashFlowUsd);

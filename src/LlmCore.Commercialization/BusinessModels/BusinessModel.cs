namespace LlmCore.Commercialization.BusinessModels;

/// <summary>
/// A business model: how it bills, its cost structure and revenue drivers, and the planning figures the analyzer
/// uses for it (shares of revenue, fixed costs, capital, time to revenue, defensibility, adoption and churn).
/// </summary>
/// <remarks>
/// <para>Shares and scores are stated planning assumptions (override them through the catalogue), informed by
/// a16z "The New Business of AI" (2020: AI gross margins 50–60% against 60–80% for SaaS, services-heavy
/// delivery), Bessemer "State of AI" (2025) and Skok "SaaS Metrics 2.0" (LTV/CAC ≥ 3, CAC payback &lt; 12 months).</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed record BusinessModel
{
    /// <summary>Gets the canonical lower-case name, e.g. <c>usage-api</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the human-readable name.</summary>
    public required string DisplayName { get; init; }

    /// <summary>Gets how the model bills.</summary>
    public required BusinessModelKind Kind { get; init; }

    /// <summary>Gets the billing unit, e.g. "seat-month".</summary>
    public required string PricingUnit { get; init; }

    /// <summary>Gets a description of the cost structure.</summary>
    public required string CostStructure { get; init; }

    /// <summary>Gets the revenue drivers.</summary>
    public required IReadOnlyList<string> RevenueDrivers { get; init; }

    /// <summary>Gets the cost of goods sold other than model inference (labour, support, hosting, escalations) as a share of revenue, in [0, 1).</summary>
    public double ServiceCostShare { get; init; }

    /// <summary>Gets the variable selling costs (payment fees, reseller or partner revenue share) as a share of revenue, in [0, 1).</summary>
    public double SellingCostShare { get; init; }

    /// <summary>Gets a value indicating whether the vendor pays for inference (false for an on-premises licence).</summary>
    public bool VendorPaysInference { get; init; } = true;

    /// <summary>Gets the fixed costs per year (team, platform), USD, ≥ 0.</summary>
    public double FixedCostUsdPerYear { get; init; }

    /// <summary>Gets the capital needed up front (product build, committed GPUs, certifications), USD, ≥ 0.</summary>
    public double UpfrontInvestmentUsd { get; init; }

    /// <summary>Gets the months from start to first revenue, before the industry's sales cycle, ≥ 0.</summary>
    public double BaseTimeToRevenueMonths { get; init; }

    /// <summary>Gets how much of the industry's sales cycle the model goes through, in [0, 1] (self-serve API ≈ 0.25, enterprise licence 1).</summary>
    public double SalesCycleExposure { get; init; }

    /// <summary>Gets defensibility on a 1–10 scale (switching costs, data and workflow lock-in, network effects).</summary>
    public double Defensibility { get; init; }

    /// <summary>Gets how much customer data the vendor processes, in [0, 1] (on-premises ≈ 0.1, hosted API 1).</summary>
    public double DataExposure { get; init; }

    /// <summary>Gets how much of the market's token-price decline passes into this model's price, in [0, 1].</summary>
    public double PriceDeclineExposure { get; init; }

    /// <summary>Gets the peak share of the industry's addressable accounts the model reaches, in (0, 1].</summary>
    public double PeakMarketShare { get; init; }

    /// <summary>Gets the years after first revenue at which adoption reaches half its peak (logistic midpoint), ≥ 0.</summary>
    public double AdoptionMidpointYears { get; init; }

    /// <summary>Gets the fraction of accounts lost per year, in (0, 1].</summary>
    public double AnnualChurn { get; init; }

    /// <summary>Gets the cost to acquire one account as a multiple of the account's first-year revenue, before the
    /// industry's sales-cycle factor (1 + sales cycle/24 months), ≥ 0 (SaaS CAC ratios of about 1–1.5× new ARR, Skok).</summary>
    public double AcquisitionCostRatio { get; init; }

    /// <summary>Gets the billed units per account per year for consulting (engagement-months), ≥ 0.</summary>
    public double EngagementMonthsPerAccountPerYear { get; init; }

    /// <summary>Checks every range and throws on the first violation.</summary>
    /// <exception cref="ArgumentException">A name or text is missing.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A figure is outside its range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || string.IsNullOrWhiteSpace(DisplayName) || string.IsNullOrWhiteSpace(PricingUnit))
        {
            throw new ArgumentException("A business model needs a name, a display name and a pricing unit.", nameof(Name));
        }

        Share(ServiceCostShare, nameof(ServiceCostShare));
        Share(SellingCostShare, nameof(SellingCostShare));
        if (ServiceCostShare + SellingCostShare >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SellingCostShare), SellingCostShare, $"Business model '{Name}': service and selling shares must sum to < 1.");
        }

        NonNegative(FixedCostUsdPerYear, nameof(FixedCostUsdPerYear));
        NonNegative(UpfrontInvestmentUsd, nameof(UpfrontInvestmentUsd));
        NonNegative(BaseTimeToRevenueMonths, nameof(BaseTimeToRevenueMonths));
        NonNegative(AdoptionMidpointYears, nameof(AdoptionMidpointYears));
        NonNegative(AcquisitionCostRatio, nameof(AcquisitionCostRatio));
        NonNegative(EngagementMonthsPerAccountPerYear, nameof(EngagementMonthsPerAccountPerYear));
        Unit(SalesCycleExposure, nameof(SalesCycleExposure));
        Unit(DataExposure, nameof(DataExposure));
        Unit(PriceDeclineExposure, nameof(PriceDeclineExposure));
        if (!double.IsFinite(PeakMarketShare) || PeakMarketShare <= 0 || PeakMarketShare > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PeakMarketShare), PeakMarketShare, $"Business model '{Name}': must be in (0, 1].");
        }

        if (!double.IsFinite(AnnualChurn) || AnnualChurn <= 0 || AnnualChurn > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(AnnualChurn), AnnualChurn, $"Business model '{Name}': must be in (0, 1].");
        }

        if (!double.IsFinite(Defensibility) || Defensibility < 1 || Defensibility > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(Defensibility), Defensibility, $"Business model '{Name}': must be in [1, 10].");
        }
    }

    private void Share(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0 || value >= 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Business model '{Name}': {name} must be in [0, 1).");
        }
    }

    private void Unit(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0 || value > 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Business model '{Name}': {name} must be in [0, 1].");
        }
    }

    private void NonNegative(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Business model '{Name}': {name} must be finite and >= 0.");
        }
    }
}

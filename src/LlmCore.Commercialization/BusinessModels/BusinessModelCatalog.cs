namespace LlmCore.Commercialization.BusinessModels;

/// <summary>
/// The business-model catalogue: consulting and services, per-seat vertical SaaS, usage-based API, on-premises
/// licence, outcome-based pricing and platform/ecosystem, plus added or overriding entries (matched by name).
/// </summary>
/// <remarks>Immutable after construction and thread-safe.</remarks>
public sealed class BusinessModelCatalog : IBusinessModelCatalog
{
    private readonly BusinessModel[] _models;

    /// <summary>Initializes a catalogue with the built-in business models.</summary>
    public BusinessModelCatalog()
        : this([])
    {
    }

    /// <summary>Initializes a catalogue with the built-in models, then <paramref name="overrides"/> added or replacing.</summary>
    /// <param name="overrides">Models to add; one whose name matches a built-in one replaces it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="overrides"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An entry is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An entry has a figure out of range.</exception>
    public BusinessModelCatalog(IEnumerable<BusinessModel> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var list = BuiltIn.ToList();
        foreach (var model in overrides)
        {
            ArgumentNullException.ThrowIfNull(model, nameof(overrides));
            model.Validate();
            var index = list.FindIndex(m => string.Equals(m.Name, model.Name, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                list[index] = model;
            }
            else
            {
                list.Add(model);
            }
        }

        _models = [.. list];
    }

    /// <summary>Gets the built-in business models.</summary>
    public static IReadOnlyList<BusinessModel> BuiltIn { get; } =
    [
        new BusinessModel
        {
            Name = "consulting",
            DisplayName = "Consulting and services",
            Kind = BusinessModelKind.Consulting,
            PricingUnit = "engagement-month",
            CostStructure = "Mostly people: delivery staff are ~55% of revenue; little inference (prototypes); low capital.",
            RevenueDrivers = ["billable engagement-months", "day rates", "follow-on integration and model-risk validation work"],
            ServiceCostShare = 0.55,
            SellingCostShare = 0.0,
            FixedCostUsdPerYear = 1_000_000,
            UpfrontInvestmentUsd = 300_000,
            BaseTimeToRevenueMonths = 2,
            SalesCycleExposure = 0.5,
            Defensibility = 3,
            DataExposure = 0.5,
            PriceDeclineExposure = 0.0,
            PeakMarketShare = 0.002,
            AdoptionMidpointYears = 1.0,
            AnnualChurn = 0.5,
            AcquisitionCostRatio = 0.1,
            EngagementMonthsPerAccountPerYear = 3,
        },
        new BusinessModel
        {
            Name = "vertical-saas",
            DisplayName = "Vertical application (per-seat SaaS)",
            Kind = BusinessModelKind.PerSeatSaas,
            PricingUnit = "seat-month",
            CostStructure = "Inference per request plus hosting and support (~12% of revenue); product team fixed; heavy users erode the seat margin.",
            RevenueDrivers = ["seats per account", "price per seat", "expansion and retention", "fair-use caps with usage overage"],
            ServiceCostShare = 0.12,
            SellingCostShare = 0.03,
            FixedCostUsdPerYear = 3_000_000,
            UpfrontInvestmentUsd = 4_000_000,
            BaseTimeToRevenueMonths = 6,
            SalesCycleExposure = 0.75,
            Defensibility = 6,
            DataExposure = 0.8,
            PriceDeclineExposure = 0.1,
            PeakMarketShare = 0.05,
            AdoptionMidpointYears = 2.0,
            AnnualChurn = 0.15,
            AcquisitionCostRatio = 0.8,
        },
        new BusinessModel
        {
            Name = "usage-api",
            DisplayName = "Usage-based API",
            Kind = BusinessModelKind.UsageApi,
            PricingUnit = "request",
            CostStructure = "Inference dominates COGS (plus ~5% hosting and support); committed GPU capacity up front; prices track the market's token-price decline.",
            RevenueDrivers = ["requests per account", "price per request", "developer adoption", "batch and volume discounts"],
            ServiceCostShare = 0.05,
            SellingCostShare = 0.03,
            FixedCostUsdPerYear = 2_000_000,
            UpfrontInvestmentUsd = 3_000_000,
            BaseTimeToRevenueMonths = 3,
            SalesCycleExposure = 0.25,
            Defensibility = 2,
            DataExposure = 1.0,
            PriceDeclineExposure = 0.6,
            PeakMarketShare = 0.06,
            AdoptionMidpointYears = 1.5,
            AnnualChurn = 0.3,
            AcquisitionCostRatio = 0.3,
        },
        new BusinessModel
        {
            Name = "on-prem-license",
            DisplayName = "On-premises / private-cloud licence",
            Kind = BusinessModelKind.OnPremLicense,
            PricingUnit = "site-year",
            CostStructure = "The customer runs the GPUs; vendor COGS is deployment and support (~15%) plus reseller margin (~10%); long sales cycles, high ACV.",
            RevenueDrivers = ["sites licensed", "annual licence and maintenance", "professional services attached"],
            ServiceCostShare = 0.15,
            SellingCostShare = 0.10,
            VendorPaysInference = false,
            FixedCostUsdPerYear = 2_500_000,
            UpfrontInvestmentUsd = 5_000_000,
            BaseTimeToRevenueMonths = 9,
            SalesCycleExposure = 1.0,
            Defensibility = 7,
            DataExposure = 0.1,
            PriceDeclineExposure = 0.05,
            PeakMarketShare = 0.03,
            AdoptionMidpointYears = 2.5,
            AnnualChurn = 0.08,
            AcquisitionCostRatio = 0.5,
        },
        new BusinessModel
        {
            Name = "outcome-based",
            DisplayName = "Outcome-based pricing",
            Kind = BusinessModelKind.OutcomeBased,
            PricingUnit = "outcome",
            CostStructure = "Inference per attempt divided by the success rate, plus escalations (~10% of revenue); the vendor bears the failure risk.",
            RevenueDrivers = ["outcomes per account", "success (resolution) rate", "price per outcome against the human alternative"],
            ServiceCostShare = 0.10,
            SellingCostShare = 0.03,
            FixedCostUsdPerYear = 2_500_000,
            UpfrontInvestmentUsd = 4_000_000,
            BaseTimeToRevenueMonths = 6,
            SalesCycleExposure = 0.75,
            Defensibility = 6,
            DataExposure = 0.9,
            PriceDeclineExposure = 0.15,
            PeakMarketShare = 0.04,
            AdoptionMidpointYears = 2.0,
            AnnualChurn = 0.2,
            AcquisitionCostRatio = 0.7,
        },
        new BusinessModel
        {
            Name = "platform",
            DisplayName = "Platform / ecosystem / marketplace with partners",
            Kind = BusinessModelKind.Platform,
            PricingUnit = "partner request",
            CostStructure = "Inference plus hosting (~8%); partners keep ~30% of revenue; the largest fixed cost and capital (platform, partner programme).",
            RevenueDrivers = ["partners and their customers", "requests through the platform", "take rate", "network effects"],
            ServiceCostShare = 0.08,
            SellingCostShare = 0.30,
            FixedCostUsdPerYear = 5_000_000,
            UpfrontInvestmentUsd = 10_000_000,
            BaseTimeToRevenueMonths = 12,
            SalesCycleExposure = 0.5,
            Defensibility = 9,
            DataExposure = 1.0,
            PriceDeclineExposure = 0.4,
            PeakMarketShare = 0.08,
            AdoptionMidpointYears = 3.0,
            AnnualChurn = 0.12,
            AcquisitionCostRatio = 0.4,
        },
    ];

    /// <inheritdoc/>
    public IReadOnlyList<BusinessModel> BusinessModels => _models;
}

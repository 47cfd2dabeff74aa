using LlmCore.Commercialization.BusinessModels;
using LlmCore.Commercialization.DependencyInjection;
using LlmCore.Commercialization.Finance;
using LlmCore.Commercialization.Industries;
using LlmCore.Commercialization.Sensitivity;

namespace LlmCore.Commercialization.Analysis;

/// <summary>The numbers behind one business model in one industry: criteria, unit economics, projection and sensitivity.</summary>
internal sealed record BusinessCase(BusinessModel Model, CriteriaValues Criteria, UnitEconomics Unit, Projection Projection, MonteCarloSummary MonteCarlo, TornadoResult Tornado);

/// <summary>
/// Builds the <see cref="BusinessCase"/> of a business model in an industry at a cost per request: demand per billed
/// unit, unit economics, criterion values, the multi-year projection, Monte Carlo and tornado sensitivity of the NPV.
/// Immutable and thread-safe.
/// </summary>
internal sealed class BusinessCaseBuilder
{
    public BusinessCaseBuilder(AnalysisSettings settings) => Settings = settings;

    public AnalysisSettings Settings { get; }

    public BusinessCase Build(BusinessModel model, Industry industry, double costPerRequest, int index, CancellationToken cancellationToken)
    {
        var s = Settings;
        var demand = Demand.For(model, industry);
        var exposure = model.DataExposure;
        var fixedPerYear = model.FixedCostUsdPerYear + (industry.ComplianceCostUsdPerYear * (0.3 + (0.7 * exposure)));
        var servedRequests = model.VendorPaysInference ? demand.RequestsPerUnit : 0.0;
        var inferencePerUnit = servedRequests * costPerRequest;
        var variablePerUnit = inferencePerUnit + (demand.Price * (model.ServiceCostShare + model.SellingCostShare));
        var gross = demand.Price > 0 ? (demand.Price - inferencePerUnit - (demand.Price * model.ServiceCostShare)) / demand.Price : 0.0;
        var contribution = demand.Price > 0 ? (demand.Price - variablePerUnit) / demand.Price : 0.0;
        var breakEven = SaasMetrics.BreakEvenVolume(fixedPerYear, demand.Price, variablePerUnit);
        var unit = new UnitEconomics(model.PricingUnit, demand.Price, servedRequests, costPerRequest, inferencePerUnit, variablePerUnit, gross, contribution, fixedPerYear, breakEven);
        var criteria = CriterionTable.Values(model, industry, contribution);

        var ctx = new ProjectionContext(model, industry, demand, inferencePerUnit, fixedPerYear, criteria.TimeToRevenueMonths, criteria.CapitalNeededUsd, gross, s);
        var projection = ctx.Project(Drivers.Base(s));
        var inputs = Drivers.Inputs(s);
        double Npv(IReadOnlyList<double> x) => ctx.Project(Drivers.From(x)).NetPresentValueUsd;
        var tornado = Tornado.Compute(Npv, inputs);
        var monteCarlo = MonteCarlo.Run(Npv, inputs, s.Samples, unchecked(s.Seed + (7919 * index)), cancellationToken);
        return new BusinessCase(model, criteria, unit, projection, monteCarlo, tornado);
    }

    /// <summary>What one billed unit is: its price, model requests, and units per account and year.</summary>
    private readonly record struct Demand(double Price, double RequestsPerUnit, double UnitsPerAccountPerYear)
    {
        public static Demand For(BusinessModel model, Industry i)
        {
            var requestsPerAccountYear = 12 * i.SeatsPerAccount * i.RequestsPerSeatPerMonth;
            return model.Kind switch
            {
                BusinessModelKind.Consulting => new Demand(i.ConsultingFeeUsdPerMonth, 0.1 * i.SeatsPerAccount * i.RequestsPerSeatPerMonth, model.EngagementMonthsPerAccountPerYear),
                BusinessModelKind.PerSeatSaas => new Demand(i.SeatPriceUsdPerMonth, i.RequestsPerSeatPerMonth, 12 * i.SeatsPerAccount),
                BusinessModelKind.UsageApi => new Demand(i.PricePerRequestUsd, 1, requestsPerAccountYear),
                BusinessModelKind.OnPremLicense => new Demand(i.LicensePriceUsdPerYear, 0, 1),
                BusinessModelKind.OutcomeBased => new Demand(i.PricePerOutcomeUsd, i.RequestsPerOutcome / i.OutcomeSuccessRate, requestsPerAccountYear / i.RequestsPerOutcome * i.OutcomeSuccessRate),
                _ => new Demand(i.PricePerRequestUsd, 1, requestsPerAccountYear),
            };
        }
    }

    /// <summary>Multipliers and rates that Monte Carlo and the tornado vary.</summary>
    private readonly record struct Drivers(double Price, double Volume, double ServingCost, double FixedCost, double AcquisitionCost, double TokenDecline, double DiscountRate)
    {
        public static Drivers Base(AnalysisSettings s) => new(1, 1, 1, 1, 1, s.TokenDecline, s.DiscountRate);

        public static Drivers From(IReadOnlyList<double> x) => new(x[0], x[1], x[2], x[3], x[4], x[5], x[6]);

        public static IReadOnlyList<UncertainInput> Inputs(AnalysisSettings s) =>
        [
            new("price", 0.7, 1.0, 1.3),
            new("volume (accounts)", 0.5, 1.0, 1.5),
            new("serving cost", 0.5, 1.0, 2.0),
            new("fixed costs", 0.8, 1.0, 1.5),
            new("acquisition cost", 0.7, 1.0, 1.5),
            new("token-price decline", s.TokenDecline / 2, s.TokenDecline, Math.Min(0.99, s.TokenDecline + ((1 - s.TokenDecline) / 2))),
            new("discount rate", s.DiscountRate * 2 / 3, s.DiscountRate, s.DiscountRate * 5 / 3),
        ];
    }

    private sealed record ProjectionContext(
        BusinessModel Model,
        Industry Industry,
        Demand Demand,
        double InferencePerUnit,
        double FixedPerYear,
        double TimeToRevenueMonths,
        double Capital,
        double GrossMargin,
        AnalysisSettings Settings)
    {
        public Projection Project(Drivers d)
        {
            var s = Settings;
            var years = new YearProjection[s.Horizon + 1];
            var flows = new double[s.Horizon + 1];
            flows[0] = -Capital;
            years[0] = new YearProjection(0, 0, 0, 0, 0, 0, 0, -Capital);
            var ttr = TimeToRevenueMonths / 12;
            var peak = Industry.AddressableAccounts * Model.PeakMarketShare * d.Volume;
            var firstYearRevenue = Demand.Price * d.Price * Demand.UnitsPerAccountPerYear;
            var cac = Model.AcquisitionCostRatio * firstYearRevenue * (1 + (Industry.SalesCycleMonths / 24)) * d.AcquisitionCost;
            var previous = 0.0;
            for (var t = 1; t <= s.Horizon; t++)
            {
                var active = Math.Clamp(t - ttr, 0, 1);
                var accounts = active <= 0 ? 0 : peak / (1 + Math.Exp(-s.Steepness * (t - ttr - Model.AdoptionMidpointYears)));
                var price = Demand.Price * d.Price * Math.Pow(1 - (Model.PriceDeclineExposure * d.TokenDecline), t - 1);
                var serving = InferencePerUnit * d.ServingCost * Math.Pow(1 - s.ServingDecline, t - 1);
                var units = accounts * active * Demand.UnitsPerAccountPerYear;
                var revenue = units * price;
                var variable = (units * serving) + (revenue * (Model.ServiceCostShare + Model.SellingCostShare));
                var fixedCosts = FixedPerYear * d.FixedCost;
                var added = Math.Max(0, accounts - (previous * (1 - Model.AnnualChurn)));
                var acquisition = added * cac;
                var flow = revenue - variable - fixedCosts - acquisition;
                flows[t] = flow;
                years[t] = new YearProjection(t, accounts, price, revenue, variable, fixedCosts, acquisition, flow);
                previous = accounts;
            }

            var arpa = firstYearRevenue;
            var gm = Math.Clamp(GrossMargin, -1, 1);
            var ltv = SaasMetrics.LifetimeValue(arpa, gm, Model.AnnualChurn);
            return new Projection(
                years,
                FinancialMath.Npv(d.DiscountRate, flows),
                FinancialMath.Irr(flows),
                FinancialMath.Payback(flows),
                FinancialMath.DiscountedPayback(d.DiscountRate, flows),
                ltv,
                cac,
                cac > 0 ? ltv / cac : double.PositiveInfinity);
        }
    }
}

/// <summary>The options the analyzer copied at construction.</summary>
internal sealed record AnalysisSettings
{
    public AnalysisSettings(BusinessAnalysisOptions o)
    {
        Parameters = o.ServingModelParameters;
        Layers = o.ServingModelLayers;
        Hidden = o.ServingModelHiddenSize;
        KvHeads = o.ServingModelKvHeads;
        Gpu = o.ServingGpu;
        GpuCount = o.ServingGpuCount;
        Batch = o.ServingBatch;
        PricePerGpuHour = o.PricePerGpuHourUsd;
        Overhead = o.OverheadCostPerRequestUsd;
        Horizon = o.HorizonYears;
        DiscountRate = o.DiscountRate;
        TokenDecline = o.AnnualTokenPriceDecline;
        ServingDecline = o.AnnualServingCostDecline;
        Steepness = o.AdoptionSteepness;
        Samples = o.MonteCarloSamples;
        Seed = o.Seed;
        ServingCost = o.ServingCost;
        ServingRate = o.ServingRequestsPerSecond;
        ServingGpus = [.. o.ServingGpus];
        DefaultLatency = o.DefaultLatencyExpectation;
    }

    public double Parameters { get; }

    public int Layers { get; }

    public int Hidden { get; }

    public int? KvHeads { get; }

    public string Gpu { get; }

    public int GpuCount { get; }

    public int Batch { get; }

    public double? PricePerGpuHour { get; }

    public double Overhead { get; }

    public int Horizon { get; }

    public double DiscountRate { get; }

    public double TokenDecline { get; }

    public double ServingDecline { get; }

    public double Steepness { get; }

    public int Samples { get; }

    public int Seed { get; }

    public ServingCostSource ServingCost { get; }

    public double ServingRate { get; }

    public IReadOnlyList<string> ServingGpus { get; }

    public Serving.ServingSlo DefaultLatency { get; }
}

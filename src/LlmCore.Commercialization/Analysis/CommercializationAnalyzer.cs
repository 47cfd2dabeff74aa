using System.Globalization;
using System.Text;
using LlmCore.Commercialization.BusinessModels;
using LlmCore.Commercialization.Costs;
using LlmCore.Commercialization.DependencyInjection;
using LlmCore.Commercialization.Finance;
using LlmCore.Commercialization.Industries;
using LlmCore.Commercialization.Ranking;
using LlmCore.Commercialization.Sensitivity;

namespace LlmCore.Commercialization.Analysis;

/// <summary>
/// Ranks the business models of an <see cref="IBusinessModelCatalog"/> for an industry: unit economics from the
/// <see cref="ICostModel"/>, multi-year projections (logistic adoption, price decline, NPV, IRR, payback, LTV/CAC),
/// TOPSIS and AHP over six criteria, and Monte Carlo and tornado sensitivity of the NPV.
/// </summary>
/// <remarks>
/// <para>Method (research/commercialization.md §4 and §6): criterion weights are AHP priorities of a pairwise
/// judgment matrix (Saaty 1980; CR must be &lt; 0.10) unless configured; the decision matrix is ranked by TOPSIS
/// (Hwang and Yoon 1981), which gives the final order and score, and by AHP's distributive synthesis; when the two
/// orders differ the analysis says so. Monte Carlo (seeded Mersenne Twister, triangular inputs) and a tornado vary
/// price, volume, serving cost, fixed costs, acquisition cost, the token-price decline and the discount rate.</para>
/// <para>This type is immutable after construction and thread-safe, provided the cost model is.</para>
/// </remarks>
public sealed class CommercializationAnalyzer : ICommercializationAnalyzer
{
    /// <summary>The names of the six criteria, in decision-matrix order.</summary>
    public static readonly IReadOnlyList<string> CriterionNames =
        ["margin", "time to revenue", "regulatory burden", "data-privacy fit", "capital needed", "defensibility"];

    private static readonly CriterionDirection[] s_directions =
        [CriterionDirection.Benefit, CriterionDirection.Cost, CriterionDirection.Cost, CriterionDirection.Benefit, CriterionDirection.Cost, CriterionDirection.Benefit];

    private static readonly string[] s_definitions =
    [
        "Contribution margin ratio (price − variable cost)/price per billed unit, with the inference cost per request from the cost model; entered as 1 + margin (floored at 0.01) so that AHP's ratio scale applies.",
        "Months to first revenue: the business model's build time plus its share of the industry's sales cycle.",
        "1–10: 1 + (industry regulatory intensity − 1)·(0.3 + 0.7·data exposure of the model).",
        "1–10: 10 − sensitivity penalty (2 low, 5 medium, 8 high)·data exposure of the model.",
        "Up-front investment plus half a year of the industry's compliance cost scaled by data exposure, USD.",
        "1–10: switching costs, workflow and data lock-in, network effects of the business model.",
    ];

    private static readonly string[] s_sources =
    [
        "Horngren, Cost Accounting (CVP analysis); a16z, The New Business of AI (2020)",
        "research/commercialization.md §5 (sales cycles); Skok, SaaS Metrics 2.0",
        "research/commercialization.md §5 (GDPR, HIPAA, PIPL, EU AI Act, ...)",
        "research/commercialization.md §5 (data sensitivity scale and mapping rules)",
        "a16z (2023): compute > 80% of capital raised; research/commercialization.md §6",
        "Porter (1980), Competitive Strategy; platform network effects (Parker, Van Alstyne and Choudary 2016)",
    ];

    /// <summary>The built-in criteria judgments on Saaty's 1–9 scale (margin matters most; CR ≈ 0.002).</summary>
    private static readonly double[][] s_defaultJudgments =
    [
        [1, 2, 3, 2, 3, 2],
        [1.0 / 2, 1, 2, 1, 2, 1],
        [1.0 / 3, 1.0 / 2, 1, 1.0 / 2, 1, 1.0 / 2],
        [1.0 / 2, 1, 2, 1, 2, 1],
        [1.0 / 3, 1.0 / 2, 1, 1.0 / 2, 1, 1.0 / 2],
        [1.0 / 2, 1, 2, 1, 2, 1],
    ];

    private readonly ICostModel _costModel;
    private readonly IIndustryCatalog _industries;
    private readonly IBusinessModelCatalog _businessModels;
    private readonly TimeProvider _timeProvider;
    private readonly Settings _settings;
    private readonly AhpResult _judgments;
    private readonly double[] _weights;
    private readonly string _weightsSource;

    /// <summary>Initializes a new analyzer.</summary>
    /// <param name="costModel">The cost model that prices inference.</param>
    /// <param name="industries">The industry catalogue; <see langword="null"/> builds one from <paramref name="options"/>.</param>
    /// <param name="businessModels">The business-model catalogue; <see langword="null"/> builds one from <paramref name="options"/>.</param>
    /// <param name="options">The options (copied); <see langword="null"/> uses the defaults.</param>
    /// <param name="timeProvider">The clock for <see cref="CommercializationAnalysis.GeneratedAt"/>; <see langword="null"/> uses the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="costModel"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid (the message lists every problem), or weights do not sum to 1.</exception>
    /// <exception cref="InconsistentJudgmentsException">The criteria judgments have CR ≥ 0.10.</exception>
    public CommercializationAnalyzer(
        ICostModel costModel,
        IIndustryCatalog? industries = null,
        IBusinessModelCatalog? businessModels = null,
        BusinessAnalysisOptions? options = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(costModel);
        options ??= new BusinessAnalysisOptions();
        var errors = CheckOptions(options, includeConsistency: false);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _costModel = costModel;
        _industries = industries ?? new IndustryCatalog(options.Industries);
        _businessModels = businessModels ?? new BusinessModelCatalog(options.BusinessModels);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _settings = new Settings(options);
        _judgments = Ahp.Weigh(options.CriteriaJudgments ?? s_defaultJudgments);
        if (!_judgments.IsConsistent)
        {
            throw new InconsistentJudgmentsException(_judgments.ConsistencyRatio);
        }

        if (options.CriteriaWeights is { } configured)
        {
            _weights = [.. configured];
            _weightsSource = "configured";
        }
        else
        {
            _weights = [.. _judgments.Weights];
            _weightsSource = "ahp";
        }
    }

    /// <inheritdoc/>
    public CommercializationAnalysis Analyze(string industry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(industry);
        return Analyze(_industries.Get(industry), cancellationToken);
    }

    /// <inheritdoc/>
    public CommercializationAnalysis Analyze(Industry industry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(industry);
        industry.Validate();
        var s = _settings;
        var estimate = _costModel.EstimateInference(new InferenceCostRequest(
            s.Parameters, s.Layers, s.Hidden, s.Gpu, s.GpuCount, s.Batch, industry.PromptTokensPerRequest, industry.OutputTokensPerRequest)
        {
            KvHeads = s.KvHeads,
            PricePerGpuHourUsd = s.PricePerGpuHour,
        });
        if (estimate is null
            || !double.IsFinite(estimate.CostPerMillionInputTokensUsd) || estimate.CostPerMillionInputTokensUsd < 0
            || !double.IsFinite(estimate.CostPerMillionOutputTokensUsd) || estimate.CostPerMillionOutputTokensUsd < 0)
        {
            throw new InvalidOperationException("The cost model returned a cost per million tokens that is negative or not finite.");
        }

        var inferencePerRequest = ((industry.PromptTokensPerRequest * estimate.CostPerMillionInputTokensUsd)
            + (industry.OutputTokensPerRequest * estimate.CostPerMillionOutputTokensUsd)) / 1e6;
        var costPerRequest = inferencePerRequest + s.Overhead;

        var models = _businessModels.BusinessModels;
        var cases = new List<Case>(models.Count);
        for (var k = 0; k < models.Count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            cases.Add(BuildCase(models[k], industry, costPerRequest, k, cancellationToken));
        }

        var matrix = cases.Select(static c => (IReadOnlyList<double>)ToMatrixRow(c.Criteria)).ToArray();
        var topsis = Topsis.Rank(matrix, _weights, s_directions);
        var ahpScores = Ahp.Synthesize(matrix, _weights, s_directions);
        var ahpOrder = RankDescending(ahpScores);
        var ahpRank = new int[cases.Count];
        for (var r = 0; r < ahpOrder.Length; r++)
        {
            ahpRank[ahpOrder[r]] = r + 1;
        }

        var methodsAgree = topsis.Ranking.SequenceEqual(ahpOrder);
        var methodsNote = DescribeAgreement(cases, topsis.Ranking, ahpOrder);

        var recommendations = new List<Recommendation>(cases.Count);
        for (var r = 0; r < topsis.Ranking.Count; r++)
        {
            var i = topsis.Ranking[r];
            var c = cases[i];
            var dp = RecommendDp(industry, c.Model);
            var rationale = Explain(c, industry, r + 1, cases.Count, topsis.Closeness[i], ahpRank[i], matrix, i, dp);
            recommendations.Add(new Recommendation(
                r + 1, c.Model.Name, c.Model.DisplayName, topsis.Closeness[i], ahpScores[i], ahpRank[i], rationale,
                c.Criteria, c.Unit, c.Projection, c.MonteCarlo, c.Tornado, dp));
        }

        var criteria = CriterionNames.Select((n, j) => new Criterion(n, s_directions[j], _weights[j], s_definitions[j], s_sources[j])).ToArray();
        var assumptions = new AnalysisAssumptions(
            s.Parameters, s.Gpu, s.GpuCount, s.Batch, industry.PromptTokensPerRequest, industry.OutputTokensPerRequest,
            estimate.CostPerMillionInputTokensUsd, estimate.CostPerMillionOutputTokensUsd, inferencePerRequest, costPerRequest,
            s.Horizon, s.DiscountRate, s.TokenDecline, s.ServingDecline, s.Samples, s.Seed);

        return new CommercializationAnalysis(
            industry.Name, industry, recommendations, criteria, _weightsSource, _judgments, methodsAgree, methodsNote,
            PrivacyAdvice(industry), assumptions, _timeProvider.GetUtcNow());
    }

    /// <summary>Checks options and returns every problem found (empty when valid).</summary>
    internal static IReadOnlyList<string> CheckOptions(BusinessAnalysisOptions options, bool includeConsistency = true)
    {
        var errors = new List<string>();
        var ranges = new BusinessAnalysisOptionsValidator().Validate(null, options);
        if (ranges.Failed && ranges.Failures is not null)
        {
            errors.AddRange(ranges.Failures);
        }

        if (string.IsNullOrWhiteSpace(options.ServingGpu))
        {
            errors.Add("ServingGpu must name a GPU.");
        }

        if (options.CriteriaWeights is { } weights)
        {
            if (weights.Count != CriterionNames.Count)
            {
                errors.Add($"CriteriaWeights must have {CriterionNames.Count} entries ({string.Join(", ", CriterionNames)}); got {weights.Count}.");
            }
            else
            {
                try
                {
                    DecisionMatrixGuard.CheckWeights(weights, nameof(options.CriteriaWeights));
                }
                catch (ArgumentException ex)
                {
                    errors.Add(ex.Message);
                }
            }
        }

        if (options.CriteriaJudgments is { } judgments)
        {
            if (judgments.Count != CriterionNames.Count)
            {
                errors.Add($"CriteriaJudgments must be {CriterionNames.Count}×{CriterionNames.Count}; got {judgments.Count} rows.");
            }
            else
            {
                try
                {
                    var result = Ahp.Weigh(judgments);
                    if (includeConsistency && !result.IsConsistent)
                    {
                        errors.Add(new InconsistentJudgmentsException(result.ConsistencyRatio).Message);
                    }
                }
                catch (ArgumentException ex)
                {
                    errors.Add(ex.Message);
                }
            }
        }

        foreach (var industry in options.Industries)
        {
            try
            {
                ArgumentNullException.ThrowIfNull(industry);
                industry.Validate();
            }
            catch (ArgumentException ex)
            {
                errors.Add(ex.Message);
            }
        }

        foreach (var model in options.BusinessModels)
        {
            try
            {
                ArgumentNullException.ThrowIfNull(model);
                model.Validate();
            }
            catch (ArgumentException ex)
            {
                errors.Add(ex.Message);
            }
        }

        return errors;
    }

    private static double[] ToMatrixRow(CriteriaValues v) =>
    [
        Math.Max(0.01, 1 + v.ContributionMargin),
        Math.Max(0.1, v.TimeToRevenueMonths),
        v.RegulatoryBurden,
        v.DataPrivacyFit,
        Math.Max(1.0, v.CapitalNeededUsd),
        v.Defensibility,
    ];

    private static int[] RankDescending(IReadOnlyList<double> scores)
    {
        var order = Enumerable.Range(0, scores.Count).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var c = scores[b].CompareTo(scores[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        return order;
    }

    private Case BuildCase(BusinessModel model, Industry industry, double costPerRequest, int index, CancellationToken cancellationToken)
    {
        var s = _settings;
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

        var penalty = industry.DataSensitivity switch
        {
            DataSensitivity.High => 8.0,
            DataSensitivity.Medium => 5.0,
            _ => 2.0,
        };
        var criteria = new CriteriaValues(
            contribution,
            model.BaseTimeToRevenueMonths + (industry.SalesCycleMonths * model.SalesCycleExposure),
            1 + ((industry.RegulatoryIntensity - 1) * (0.3 + (0.7 * exposure))),
            Math.Max(1.0, 10 - (penalty * exposure)),
            model.UpfrontInvestmentUsd + (0.5 * industry.ComplianceCostUsdPerYear * exposure),
            model.Defensibility);

        var ctx = new ProjectionContext(model, industry, demand, inferencePerUnit, fixedPerYear, criteria.TimeToRevenueMonths, criteria.CapitalNeededUsd, gross, s);
        var projection = ctx.Project(Drivers.Base(s));
        var inputs = Drivers.Inputs(s);
        double Npv(IReadOnlyList<double> x) => ctx.Project(Drivers.From(x)).NetPresentValueUsd;
        var tornado = Tornado.Compute(Npv, inputs);
        var monteCarlo = MonteCarlo.Run(Npv, inputs, s.Samples, unchecked(s.Seed + (7919 * index)), cancellationToken);
        return new Case(model, criteria, unit, projection, monteCarlo, tornado);
    }

    private static bool RecommendDp(Industry industry, BusinessModel model) =>
        industry.DataSensitivity != DataSensitivity.Low && model.DataExposure >= 0.5;

    private static string PrivacyAdvice(Industry industry) => industry.DataSensitivity switch
    {
        DataSensitivity.High =>
            $"{industry.DisplayName} data are highly sensitive: fine-tune on customer data only with differential privacy (DP-SGD in LlmCore.Privacy, with an RDP or PLD accountant and a fixed privacy budget), release usage analytics as DP aggregates, and prefer deployments that keep data in the customer's boundary.",
        DataSensitivity.Medium =>
            $"{industry.DisplayName} data are confidential: where hosted models learn from customer data, use differential privacy (LlmCore.Privacy DP-SGD or DP aggregates) and contractual limits on training.",
        _ => $"{industry.DisplayName} data are mostly public: differential privacy is optional.",
    };

    private string Explain(Case c, Industry industry, int rank, int count, double closeness, int ahpRank, IReadOnlyList<IReadOnlyList<double>> matrix, int row, bool dp)
    {
        var inv = CultureInfo.InvariantCulture;
        var u = c.Unit;
        var p = c.Projection;
        var sb = new StringBuilder();
        sb.Append(inv, $"Ranked {rank} of {count} by TOPSIS (closeness {closeness:F3}); AHP ranks it {ahpRank}. ");
        if (u.RequestsPerUnit > 0)
        {
            sb.Append(inv, $"Contribution margin {Pct(u.ContributionMargin)} at {Money(u.PricePerUnitUsd)} per {u.PricingUnit} against {Money(u.VariableCostPerUnitUsd)} variable cost ({u.RequestsPerUnit:G4} model requests per {u.PricingUnit} at {Money(u.CostPerRequestUsd)} each from the cost model)");
        }
        else
        {
            sb.Append(inv, $"Contribution margin {Pct(u.ContributionMargin)} at {Money(u.PricePerUnitUsd)} per {u.PricingUnit} (the customer runs the GPUs)");
        }

        sb.Append(double.IsPositiveInfinity(u.BreakEvenUnitsPerYear)
            ? "; every unit loses money, so there is no break-even volume. "
            : string.Create(inv, $"; break-even at {u.BreakEvenUnitsPerYear:N0} {u.PricingUnit}s a year. "));
        sb.Append(inv, $"{_settings.Horizon}-year NPV {Money(p.NetPresentValueUsd)} (Monte Carlo P10 {Money(c.MonteCarlo.P10)}, P90 {Money(c.MonteCarlo.P90)}, P(loss) {Pct(c.MonteCarlo.ProbabilityBelowZero)})");
        sb.Append(p.InternalRateOfReturn is { } irr ? string.Create(inv, $", IRR {Pct(irr)}") : ", no IRR");
        sb.Append(p.PaybackYears is { } pb ? string.Create(inv, $", payback {pb:F1} years") : ", no payback within the horizon");
        sb.Append(inv, $", LTV/CAC {p.LtvToCac:F1}{(p.LtvToCac >= 3 ? string.Empty : " (below the 3× rule)")}. ");

        var (strong, weak) = StrengthsAndWeaknesses(matrix, row);
        sb.Append(inv, $"Strongest on {strong}; weakest on {weak}. ");
        sb.Append(inv, $"Time to revenue {c.Criteria.TimeToRevenueMonths:F1} months, regulatory burden {c.Criteria.RegulatoryBurden:F1}/10, data-privacy fit {c.Criteria.DataPrivacyFit:F1}/10, capital {Money(c.Criteria.CapitalNeededUsd)}, defensibility {c.Criteria.Defensibility:F0}/10.");
        if (c.Tornado.Bars.Count > 0)
        {
            sb.Append(inv, $" The NPV is most sensitive to {c.Tornado.Bars[0].Input}.");
        }

        if (dp)
        {
            sb.Append(industry.DataSensitivity == DataSensitivity.High
                ? " The vendor processes highly sensitive data: train and analyse with differential privacy (LlmCore.Privacy)."
                : " The vendor processes confidential data: consider differential privacy (LlmCore.Privacy) for training on it.");
        }

        return sb.ToString();
    }

    private (string Strong, string Weak) StrengthsAndWeaknesses(IReadOnlyList<IReadOnlyList<double>> matrix, int row)
    {
        var n = CriterionNames.Count;
        var position = new double[n];
        for (var j = 0; j < n; j++)
        {
            var min = matrix.Min(r => r[j]);
            var max = matrix.Max(r => r[j]);
            var x = max > min ? (matrix[row][j] - min) / (max - min) : 0.5;
            position[j] = s_directions[j] == CriterionDirection.Benefit ? x : 1 - x;
        }

        var strong = Enumerable.Range(0, n).Where(j => position[j] >= 0.5).OrderByDescending(j => _weights[j] * position[j]).ThenBy(j => j).Take(2).Select(j => CriterionNames[j]).ToArray();
        var weak = Enumerable.Range(0, n).Where(j => position[j] < 0.5).OrderByDescending(j => _weights[j] * (1 - position[j])).ThenBy(j => j).Take(2).Select(j => CriterionNames[j]).ToArray();
        return (strong.Length == 0 ? "no criterion" : string.Join(" and ", strong), weak.Length == 0 ? "no criterion" : string.Join(" and ", weak));
    }

    private static string DescribeAgreement(List<Case> cases, IReadOnlyList<int> topsis, IReadOnlyList<int> ahp)
    {
        var n = topsis.Count;
        var topsisPos = new int[n];
        var ahpPos = new int[n];
        for (var r = 0; r < n; r++)
        {
            topsisPos[topsis[r]] = r;
            ahpPos[ahp[r]] = r;
        }

        var concordant = 0;
        var discordant = 0;
        for (var a = 0; a < n; a++)
        {
            for (var b = a + 1; b < n; b++)
            {
                var x = Math.Sign(topsisPos[a] - topsisPos[b]) * Math.Sign(ahpPos[a] - ahpPos[b]);
                if (x > 0)
                {
                    concordant++;
                }
                else if (x < 0)
                {
                    discordant++;
                }
            }
        }

        var pairs = n * (n - 1) / 2;
        var tau = pairs == 0 ? 1.0 : (double)(concordant - discordant) / pairs;
        var inv = CultureInfo.InvariantCulture;
        if (topsis.SequenceEqual(ahp))
        {
            return string.Create(inv, $"TOPSIS and AHP agree on the whole ranking (Kendall τ = {tau:F2}).");
        }

        if (topsis[0] != ahp[0])
        {
            return string.Create(inv, $"The methods disagree on the winner: TOPSIS prefers {cases[topsis[0]].Model.Name}, AHP prefers {cases[ahp[0]].Model.Name} (Kendall τ = {tau:F2}). TOPSIS rewards closeness to the best value on every criterion; AHP's additive synthesis lets a large lead on one heavily weighted criterion compensate for weaknesses. Treat the top two as close and check the sensitivity results.");
        }

        var moved = Enumerable.Range(0, n).Where(i => topsisPos[i] != ahpPos[i]).Select(i => cases[i].Model.Name);
        return string.Create(inv, $"TOPSIS and AHP agree on the winner ({cases[topsis[0]].Model.Name}) but order the rest differently (Kendall τ = {tau:F2}; positions differ for {string.Join(", ", moved)}).");
    }

    internal static string Pct(double fraction) => (fraction * 100).ToString("F0", CultureInfo.InvariantCulture) + "%";

    internal static string Money(double usd)
    {
        var inv = CultureInfo.InvariantCulture;
        var a = Math.Abs(usd);
        var sign = usd < 0 ? "-" : string.Empty;
        return a switch
        {
            >= 1e9 => string.Create(inv, $"{sign}${a / 1e9:F2}B"),
            >= 1e6 => string.Create(inv, $"{sign}${a / 1e6:F2}M"),
            >= 1e4 => string.Create(inv, $"{sign}${a / 1e3:F1}k"),
            >= 1 => string.Create(inv, $"{sign}${a:F2}"),
            0 => "$0",
            _ => string.Create(inv, $"{sign}${a:G3}"),
        };
    }

    private sealed record Case(BusinessModel Model, CriteriaValues Criteria, UnitEconomics Unit, Projection Projection, MonteCarloSummary MonteCarlo, TornadoResult Tornado);

    /// <summary>The options the analyzer copied at construction.</summary>
    private sealed record Settings
    {
        public Settings(BusinessAnalysisOptions o)
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
        public static Drivers Base(Settings s) => new(1, 1, 1, 1, 1, s.TokenDecline, s.DiscountRate);

        public static Drivers From(IReadOnlyList<double> x) => new(x[0], x[1], x[2], x[3], x[4], x[5], x[6]);

        public static IReadOnlyList<UncertainInput> Inputs(Settings s) =>
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
        Settings Settings)
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

using LlmCore.Commercialization.BusinessModels;
using LlmCore.Commercialization.Costs;
using LlmCore.Commercialization.DependencyInjection;
using LlmCore.Commercialization.Industries;
using LlmCore.Commercialization.Ranking;
using LlmCore.Commercialization.Serving;

namespace LlmCore.Commercialization.Analysis;

/// <summary>
/// Ranks the business models of an <see cref="IBusinessModelCatalog"/> for an industry: unit economics at the cost of
/// serving (the cheapest deployment that meets the industry's latency expectation, or the <see cref="ICostModel"/>),
/// multi-year projections (logistic adoption, price decline, NPV, IRR, payback, LTV/CAC), TOPSIS and AHP over six
/// criteria, Monte Carlo and tornado sensitivity of the NPV, and how each regulation of the industry moved the criteria.
/// </summary>
/// <remarks>
/// <para>Method: criterion weights are AHP priorities of a pairwise
/// judgment matrix (Saaty 1980; CR must be &lt; 0.10) unless configured; the decision matrix is ranked by TOPSIS
/// (Hwang and Yoon 1981), which gives the final order and score, and by AHP's distributive synthesis; when the two
/// orders differ the analysis says so. Monte Carlo (seeded Mersenne Twister, triangular inputs) and a tornado vary
/// price, volume, serving cost, fixed costs, acquisition cost, the token-price decline and the discount rate.</para>
/// <para>The work is split between a criterion table, a case builder per business model, a serving-cost estimator and
/// a rationale writer that the Markdown report shares.</para>
/// <para>This type is immutable after construction and thread-safe, provided the cost model is.</para>
/// </remarks>
public sealed class CommercializationAnalyzer : ICommercializationAnalyzer
{
    /// <summary>The names of the six criteria, in decision-matrix order.</summary>
    public static readonly IReadOnlyList<string> CriterionNames = CriterionTable.Names;

    private readonly IIndustryCatalog _industries;
    private readonly IBusinessModelCatalog _businessModels;
    private readonly TimeProvider _timeProvider;
    private readonly AnalysisSettings _settings;
    private readonly BusinessCaseBuilder _cases;
    private readonly ServingCostEstimator _servingCost;
    private readonly AhpResult _judgments;
    private readonly double[] _weights;
    private readonly string _weightsSource;

    /// <summary>Initializes a new analyzer that searches deployments over the built-in GPU catalogue when it prices serving by search.</summary>
    /// <param name="costModel">The cost model that prices inference when <see cref="BusinessAnalysisOptions.ServingCost"/> is <see cref="ServingCostSource.CostModel"/> (and when no deployment meets an industry's latency expectation).</param>
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
        : this(costModel, null, industries, businessModels, options, timeProvider)
    {
    }

    /// <summary>Initializes a new analyzer.</summary>
    /// <param name="costModel">The cost model that prices inference when <see cref="BusinessAnalysisOptions.ServingCost"/> is <see cref="ServingCostSource.CostModel"/> (and when no deployment meets an industry's latency expectation).</param>
    /// <param name="deploymentSearch">The deployment search that prices serving by default; <see langword="null"/> for one over the built-in GPU catalogue.</param>
    /// <param name="industries">The industry catalogue; <see langword="null"/> builds one from <paramref name="options"/>.</param>
    /// <param name="businessModels">The business-model catalogue; <see langword="null"/> builds one from <paramref name="options"/>.</param>
    /// <param name="options">The options (copied); <see langword="null"/> uses the defaults.</param>
    /// <param name="timeProvider">The clock for <see cref="CommercializationAnalysis.GeneratedAt"/>; <see langword="null"/> uses the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="costModel"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid (the message lists every problem), or weights do not sum to 1.</exception>
    /// <exception cref="InconsistentJudgmentsException">The criteria judgments have CR ≥ 0.10.</exception>
    public CommercializationAnalyzer(
        ICostModel costModel,
        IDeploymentSearch? deploymentSearch,
        IIndustryCatalog? industries = null,
        IBusinessModelCatalog? businessModels = null,
        BusinessAnalysisOptions? options = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(costModel);
        options ??= new BusinessAnalysisOptions();
        var errors = BusinessAnalysisOptionsCustomValidator.Collect(options, includeConsistency: false);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _industries = industries ?? new IndustryCatalog(options.Industries);
        _businessModels = businessModels ?? new BusinessModelCatalog(options.BusinessModels);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _settings = new AnalysisSettings(options);
        _cases = new BusinessCaseBuilder(_settings);
        _servingCost = new ServingCostEstimator(costModel, deploymentSearch, _settings);
        _judgments = Ahp.Weigh(options.CriteriaJudgments ?? CriterionTable.DefaultJudgments);
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
        var serving = _servingCost.Estimate(industry, cancellationToken);
        var costPerRequest = serving.InferenceCostPerRequestUsd + s.Overhead;

        var models = _businessModels.BusinessModels;
        var cases = new List<BusinessCase>(models.Count);
        for (var k = 0; k < models.Count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            cases.Add(_cases.Build(models[k], industry, costPerRequest, k, cancellationToken));
        }

        var matrix = cases.Select(static c => (IReadOnlyList<double>)CriterionTable.ToMatrixRow(c.Criteria)).ToArray();
        var topsis = Topsis.Rank(matrix, _weights, CriterionTable.Directions);
        var ahpScores = Ahp.Synthesize(matrix, _weights, CriterionTable.Directions);
        var ahpOrder = RankDescending(ahpScores);
        var ahpRank = new int[cases.Count];
        for (var r = 0; r < ahpOrder.Length; r++)
        {
            ahpRank[ahpOrder[r]] = r + 1;
        }

        var recommendations = new List<Recommendation>(cases.Count);
        for (var r = 0; r < topsis.Ranking.Count; r++)
        {
            var i = topsis.Ranking[r];
            var c = cases[i];
            var dp = RationaleWriter.RecommendsDifferentialPrivacy(industry, c.Model);
            var rationale = RationaleWriter.Explain(c, industry, r + 1, cases.Count, topsis.Closeness[i], ahpRank[i], matrix, i, _weights, s.Horizon, dp, serving);
            recommendations.Add(new Recommendation(
                r + 1, c.Model.Name, c.Model.DisplayName, topsis.Closeness[i], ahpScores[i], ahpRank[i], rationale,
                c.Criteria, c.Unit, c.Projection, c.MonteCarlo, c.Tornado, dp)
            {
                DifferentialPrivacyRationale = RationaleWriter.DifferentialPrivacyRationale(industry, c.Model),
            });
        }

        var criteria = Enumerable.Range(0, CriterionNames.Count).Select(j => CriterionTable.ToCriterion(j, _weights[j])).ToArray();
        var deployment = serving.Deployment;
        var assumptions = new AnalysisAssumptions(
            s.Parameters,
            deployment?.Gpu ?? s.Gpu,
            deployment?.GpusPerReplica ?? s.GpuCount,
            deployment?.MaxBatch ?? s.Batch,
            industry.PromptTokensPerRequest,
            industry.OutputTokensPerRequest,
            serving.CostPerMillionInputTokensUsd,
            serving.CostPerMillionOutputTokensUsd,
            serving.InferenceCostPerRequestUsd,
            costPerRequest,
            s.Horizon,
            s.DiscountRate,
            s.TokenDecline,
            s.ServingDecline,
            s.Samples,
            s.Seed)
        {
            ServingCost = serving,
        };

        return new CommercializationAnalysis(
            industry.Name, industry, recommendations, criteria, _weightsSource, _judgments, topsis.Ranking.SequenceEqual(ahpOrder),
            RationaleWriter.DescribeAgreement(cases, topsis.Ranking, ahpOrder), RationaleWriter.PrivacyAdvice(industry), assumptions, _timeProvider.GetUtcNow())
        {
            Regulations = RationaleWriter.RegulationImpacts(industry, cases),
        };
    }

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
}

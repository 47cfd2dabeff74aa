using LlmCore.Commercialization.Serving;

namespace LlmCore.Commercialization.Analysis;

/// <summary>Where the business analysis takes the cost of serving one request from.</summary>
public enum ServingCostSource
{
    /// <summary>The cheapest deployment that meets the industry's latency expectation (<see cref="DeploymentSearch"/>):
    /// the fleet's hourly price over the requests it serves.</summary>
    DeploymentSearch = 0,

    /// <summary>The <c>ICostModel</c>'s prices per million input and output tokens for the configured GPU and batch.</summary>
    CostModel = 1,
}

/// <summary>How an analysis priced serving: the source, the deployment and latency behind it, and the resulting cost per request.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record ServingCostBasis
{
    /// <summary>Gets the source of the price.</summary>
    public required ServingCostSource Source { get; init; }

    /// <summary>Gets the inference cost of one request of the industry's size, US dollars (overhead not included).</summary>
    public required double InferenceCostPerRequestUsd { get; init; }

    /// <summary>Gets the price per million input tokens (0 from the deployment search, which charges the whole fleet to output tokens).</summary>
    public required double CostPerMillionInputTokensUsd { get; init; }

    /// <summary>Gets the price per million output tokens (from the search: the fleet's cost per output token, prefill included).</summary>
    public required double CostPerMillionOutputTokensUsd { get; init; }

    /// <summary>Gets the latency target the deployment had to meet, or <see langword="null"/> for the cost model.</summary>
    public ServingSlo? LatencyExpectation { get; init; }

    /// <summary>Gets the request rate the deployment was sized for, or <see langword="null"/> for the cost model.</summary>
    public double? RequestsPerSecond { get; init; }

    /// <summary>Gets the deployment found, or <see langword="null"/> for the cost model (or when the search found none).</summary>
    public ServingDeployment? Deployment { get; init; }

    /// <summary>Gets the simulated p99 TTFT of the deployment, seconds, or <see langword="null"/>.</summary>
    public double? TtftP99Seconds { get; init; }

    /// <summary>Gets the simulated p99 TPOT of the deployment, seconds, or <see langword="null"/>.</summary>
    public double? TpotP99Seconds { get; init; }

    /// <summary>Gets one sentence that says where the price comes from (used in rationales and reports).</summary>
    public required string Explanation { get; init; }
}

/// <summary>How one regulation of the industry moved the analysis.</summary>
/// <param name="Name">The regulation.</param>
/// <param name="Jurisdiction">Where it applies.</param>
/// <param name="Obligation">What it demands.</param>
/// <param name="Drivers">What it demands, in the terms that move criteria.</param>
/// <param name="Criteria">The criteria it moved (names of <see cref="CommercializationAnalyzer.CriterionNames"/>), plus "differential privacy" when it makes differential privacy recommended.</param>
/// <param name="Effect">How, with the numbers of this analysis.</param>
/// <param name="FavoursCustomerHosting">Whether it favours business models that keep data in the customer's boundary (on-premises or private cloud).</param>
/// <param name="RecommendsDifferentialPrivacy">Whether it is a reason the analysis recommends differential privacy for some business model.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record RegulationImpact(
    string Name,
    string Jurisdiction,
    string Obligation,
    Industries.RegulatoryDrivers Drivers,
    IReadOnlyList<string> Criteria,
    string Effect,
    bool FavoursCustomerHosting,
    bool RecommendsDifferentialPrivacy);

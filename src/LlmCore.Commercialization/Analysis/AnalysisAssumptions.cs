namespace LlmCore.Commercialization.Analysis;

/// <summary>The assumptions an analysis ran with, so that a report can be reproduced.</summary>
/// <param name="ServingModelParameters">Parameters of the served model.</param>
/// <param name="ServingGpu">The serving GPU (of the deployment found, when the search priced serving).</param>
/// <param name="ServingGpuCount">GPUs per replica.</param>
/// <param name="ServingBatch">Decode batch (the batch limit of the deployment found, when the search priced serving).</param>
/// <param name="PromptTokensPerRequest">Prompt tokens per request (the industry's).</param>
/// <param name="OutputTokensPerRequest">Output tokens per request (the industry's).</param>
/// <param name="CostPerMillionInputTokensUsd">From the cost model (0 from the deployment search, which charges the fleet to output tokens).</param>
/// <param name="CostPerMillionOutputTokensUsd">From the cost model, or the fleet's cost per output token from the deployment search.</param>
/// <param name="InferenceCostPerRequestUsd">Prompt and output tokens at those prices.</param>
/// <param name="CostPerRequestUsd">Inference plus overhead per request.</param>
/// <param name="HorizonYears">Projection horizon.</param>
/// <param name="DiscountRate">Annual discount rate.</param>
/// <param name="AnnualTokenPriceDecline">Market token-price decline per year at constant capability.</param>
/// <param name="AnnualServingCostDecline">The vendor's serving-cost decline per year.</param>
/// <param name="MonteCarloSamples">Draws per business model.</param>
/// <param name="Seed">Seed of the Monte Carlo source.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record AnalysisAssumptions(
    double ServingModelParameters,
    string ServingGpu,
    int ServingGpuCount,
    int ServingBatch,
    int PromptTokensPerRequest,
    int OutputTokensPerRequest,
    double CostPerMillionInputTokensUsd,
    double CostPerMillionOutputTokensUsd,
    double InferenceCostPerRequestUsd,
    double CostPerRequestUsd,
    int HorizonYears,
    double DiscountRate,
    double AnnualTokenPriceDecline,
    double AnnualServingCostDecline,
    int MonteCarloSamples,
    int Seed)
{
    /// <summary>Gets how serving was priced (deployment search or cost model) and the deployment behind the price.</summary>
    public ServingCostBasis? ServingCost { get; init; }
}

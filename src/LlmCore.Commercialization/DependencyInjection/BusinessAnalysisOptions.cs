using System.ComponentModel.DataAnnotations;
using LlmCore.Commercialization.Analysis;
using LlmCore.Commercialization.BusinessModels;
using LlmCore.Commercialization.Industries;
using LlmCore.Commercialization.Serving;

namespace LlmCore.Commercialization.DependencyInjection;

/// <summary>
/// Options of the business analysis (<c>ICommercializationAnalyzer</c>): the served model and how serving is priced
/// (the deployment search under each industry's latency expectation, or the cost model on a fixed GPU and batch), the projection horizon and rates, the criteria weights, Monte Carlo settings, and catalogue overrides.
/// </summary>
/// <remarks>This type is mutable and not thread-safe; the analyzer copies it at construction.</remarks>
public sealed class BusinessAnalysisOptions
{
    /// <summary>Gets or sets the served model's parameter count.</summary>
    /// <value>The default value is 8.03e9 (Llama 3.1 8B); the range is 1e6 to 1e13.</value>
    [Range(1e6, 1e13)]
    public double ServingModelParameters { get; set; } = 8.03e9;

    /// <summary>Gets or sets the served model's layer count.</summary>
    /// <value>The default value is 32; the range is 1 to 1,000.</value>
    [Range(1, 1000)]
    public int ServingModelLayers { get; set; } = 32;

    /// <summary>Gets or sets the served model's hidden size.</summary>
    /// <value>The default value is 4,096; the range is 1 to 1,000,000.</value>
    [Range(1, 1_000_000)]
    public int ServingModelHiddenSize { get; set; } = 4096;

    /// <summary>Gets or sets the served model's key-value heads (grouped-query attention); <see langword="null"/> for multi-head attention.</summary>
    /// <value>The default value is 8.</value>
    [Range(1, 100_000)]
    public int? ServingModelKvHeads { get; set; } = 8;

    /// <summary>Gets or sets the GPU the model is served on (a name of the GPU catalogue).</summary>
    /// <value>The default value is <c>H100-SXM</c>.</value>
    [Required]
    public string ServingGpu { get; set; } = "H100-SXM";

    /// <summary>Gets or sets the GPUs per serving replica.</summary>
    /// <value>The default value is 1; the range is 1 to 1,024.</value>
    [Range(1, 1024)]
    public int ServingGpuCount { get; set; } = 1;

    /// <summary>Gets or sets the decode batch (concurrent requests per replica).</summary>
    /// <value>The default value is 32; the range is 1 to 65,536.</value>
    [Range(1, 65_536)]
    public int ServingBatch { get; set; } = 32;

    /// <summary>Gets or sets the price of a GPU-hour; <see langword="null"/> uses the cost model's default (cost-model
    /// pricing) or each GPU's dated price (<c>GpuPrices</c>, deployment search).</summary>
    /// <value>The default value is <see langword="null"/>; the range is 0 to 1,000.</value>
    [Range(0.0, 1000.0)]
    public double? PricePerGpuHourUsd { get; set; }

    /// <summary>Gets or sets where the cost of serving a request comes from: the cheapest deployment that meets the
    /// industry's latency expectation (simulated), or the cost model at <see cref="ServingGpu"/>, <see cref="ServingGpuCount"/>
    /// and <see cref="ServingBatch"/>.</summary>
    /// <value>The default value is <see cref="ServingCostSource.DeploymentSearch"/>.</value>
    public ServingCostSource ServingCost { get; set; } = ServingCostSource.DeploymentSearch;

    /// <summary>Gets or sets the request rate the deployment search sizes the fleet for; the cost per token hardly depends
    /// on it once the rate fills a replica.</summary>
    /// <value>The default value is 10; the range is 0.01 to 100,000.</value>
    [Range(0.01, 100_000.0)]
    public double ServingRequestsPerSecond { get; set; } = 10;

    /// <summary>Gets the GPU types the deployment search may use; empty for <c>DeploymentSearchRequest.DefaultGpus</c>.</summary>
    /// <value>The default value is an empty list.</value>
    public IList<string> ServingGpus { get; } = new List<string>();

    /// <summary>Gets or sets the latency target for industries whose profile states none.</summary>
    /// <value>The default value is p99 TTFT ≤ 2 s and TPOT ≤ 0.2 s (the MLPerf Inference Llama-2-70B Server constraints).</value>
    public ServingSlo DefaultLatencyExpectation { get; set; } = ServingSlo.MlPerfLlama2Server;

    /// <summary>Gets or sets the non-inference cost of one request (retrieval, tools, moderation), USD.</summary>
    /// <value>The default value is 0.0005 (the retrieval and tool cost of a typical RAG request, as in the worked request-cost example of docs/commercialization.md); the range is 0 to 100.</value>
    [Range(0.0, 100.0)]
    public double OverheadCostPerRequestUsd { get; set; } = 0.0005;

    /// <summary>Gets or sets the projection horizon in years.</summary>
    /// <value>The default value is 5; the range is 1 to 30.</value>
    [Range(1, 30)]
    public int HorizonYears { get; set; } = 5;

    /// <summary>Gets or sets the annual discount rate of the NPV.</summary>
    /// <value>The default value is 0.12; the range is 0 to 1.</value>
    [Range(0.0, 1.0)]
    public double DiscountRate { get; set; } = 0.12;

    /// <summary>Gets or sets the yearly fall of the market price of tokens at constant capability, as a fraction
    /// (0.9 = 10× a year, a16z "LLMflation", 2024); each business model passes its exposure share into its price.</summary>
    /// <value>The default value is 0.9; the range is 0 to 0.99.</value>
    [Range(0.0, 0.99)]
    public double AnnualTokenPriceDecline { get; set; } = 0.9;

    /// <summary>Gets or sets the yearly fall of the vendor's own serving cost per request, as a fraction.</summary>
    /// <value>The default value is 0.3; the range is 0 to 0.99.</value>
    [Range(0.0, 0.99)]
    public double AnnualServingCostDecline { get; set; } = 0.3;

    /// <summary>Gets or sets the steepness k (per year) of the logistic adoption curve 1/(1 + e^(−k(t − t_mid))).</summary>
    /// <value>The default value is 1.5; the range is 0.1 to 10.</value>
    [Range(0.1, 10.0)]
    public double AdoptionSteepness { get; set; } = 1.5;

    /// <summary>Gets or sets the Monte Carlo draws per business model.</summary>
    /// <value>The default value is 2,000; the range is 100 to 1,000,000.</value>
    [Range(100, 1_000_000)]
    public int MonteCarloSamples { get; set; } = 2000;

    /// <summary>Gets or sets the seed of the Monte Carlo random source.</summary>
    /// <value>The default value is 42.</value>
    public int Seed { get; set; } = 42;

    /// <summary>Gets or sets the weights of the six criteria (margin, time to revenue, regulatory burden, data-privacy
    /// fit, capital needed, defensibility), in that order; <see langword="null"/> derives them by AHP from
    /// <see cref="CriteriaJudgments"/>. Weights must be ≥ 0 and sum to 1 within 1e-6: others are rejected, never normalised.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IReadOnlyList<double>? CriteriaWeights { get; set; }

    /// <summary>Gets or sets the 6×6 reciprocal pairwise comparison matrix (Saaty's 1–9 scale) of the criteria, in the
    /// order of <see cref="CriteriaWeights"/>; <see langword="null"/> uses the built-in judgments. Its consistency ratio
    /// must be below 0.10.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IReadOnlyList<IReadOnlyList<double>>? CriteriaJudgments { get; set; }

    /// <summary>Gets the industries to add to the catalogue or to replace built-in ones (matched by name).</summary>
    /// <value>The default value is an empty list.</value>
    public IList<Industry> Industries { get; } = new List<Industry>();

    /// <summary>Gets the business models to add to the catalogue or to replace built-in ones (matched by name).</summary>
    /// <value>The default value is an empty list.</value>
    public IList<BusinessModel> BusinessModels { get; } = new List<BusinessModel>();
}

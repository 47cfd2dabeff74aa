using System.Collections.Concurrent;
using System.Globalization;
using LlmCore.Commercialization.Costs;
using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Industries;
using LlmCore.Commercialization.Models;
using LlmCore.Commercialization.Serving;

namespace LlmCore.Commercialization.Analysis;

/// <summary>
/// Prices the serving of one request of an industry: from the cheapest deployment that meets the industry's latency
/// expectation (<see cref="DeploymentSearch"/>, the default), or from the cost model. Search results are cached per
/// latency target and request size. Thread-safe.
/// </summary>
internal sealed class ServingCostEstimator
{
    private readonly ICostModel _costModel;
    private readonly Lazy<IDeploymentSearch> _search;
    private readonly AnalysisSettings _settings;
    private readonly ConcurrentDictionary<(double Ttft, double Tpot, int Prompt, int Output), ServingCostBasis> _cache = new();

    public ServingCostEstimator(ICostModel costModel, IDeploymentSearch? search, AnalysisSettings settings)
    {
        _costModel = costModel;
        _search = search is null ? new Lazy<IDeploymentSearch>(static () => new DeploymentSearch()) : new Lazy<IDeploymentSearch>(search);
        _settings = settings;
    }

    public ServingCostBasis Estimate(Industry industry, CancellationToken cancellationToken)
    {
        if (_settings.ServingCost == ServingCostSource.CostModel)
        {
            return FromCostModel(industry);
        }

        var slo = industry.LatencyExpectation ?? _settings.DefaultLatency;
        var key = (slo.TtftP99Seconds, slo.TpotP99Seconds, industry.PromptTokensPerRequest, industry.OutputTokensPerRequest);
        if (_cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var basis = FromSearch(industry, slo, cancellationToken);
        return _cache.GetOrAdd(key, basis);
    }

    private ServingCostBasis FromCostModel(Industry industry)
    {
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

        var perRequest = ((industry.PromptTokensPerRequest * estimate.CostPerMillionInputTokensUsd)
            + (industry.OutputTokensPerRequest * estimate.CostPerMillionOutputTokensUsd)) / 1e6;
        return new ServingCostBasis
        {
            Source = ServingCostSource.CostModel,
            InferenceCostPerRequestUsd = perRequest,
            CostPerMillionInputTokensUsd = estimate.CostPerMillionInputTokensUsd,
            CostPerMillionOutputTokensUsd = estimate.CostPerMillionOutputTokensUsd,
            Explanation = string.Create(CultureInfo.InvariantCulture, $"Serving cost from the cost model: {s.Parameters / 1e9:0.##}B parameters on {s.GpuCount} × {s.Gpu}, batch {s.Batch}, {RationaleWriter.Money(estimate.CostPerMillionInputTokensUsd)} per million input and {RationaleWriter.Money(estimate.CostPerMillionOutputTokensUsd)} per million output tokens."),
        };
    }

    private ServingCostBasis FromSearch(Industry industry, ServingSlo slo, CancellationToken cancellationToken)
    {
        var s = _settings;
        var inv = CultureInfo.InvariantCulture;
        var request = new DeploymentSearchRequest(ServedModel(s), s.ServingRate, TokenLengths.Fixed(industry.PromptTokensPerRequest), TokenLengths.Fixed(industry.OutputTokensPerRequest), slo)
        {
            Gpus = s.ServingGpus.Count > 0 ? s.ServingGpus : DeploymentSearchRequest.DefaultGpus,
            Precisions = [NumericPrecision.Fp16, NumericPrecision.Fp8],
            GpusPerReplica = [1, 2, 4, 8],
            PipelineDegrees = [1],
            MaxBatches = [64, 256],
            TokenBudgets = [2048],
            IncludeDisaggregated = false,
            SimulatedRequests = 400,
            Seed = s.Seed,
            ParetoCostSpan = 1.0,
            PricePerGpuHourUsd = s.PricePerGpuHour,
        };
        var target = string.Create(inv, $"p99 TTFT ≤ {slo.TtftP99Seconds:G4} s and TPOT ≤ {slo.TpotP99Seconds * 1000:G4} ms");
        DeploymentSearchResult result;
        try
        {
            result = _search.Value.Search(request, null, cancellationToken);
        }
        catch (NoFeasibleDeploymentException ex)
        {
            var fallback = FromCostModel(industry);
            return fallback with
            {
                LatencyExpectation = slo,
                RequestsPerSecond = s.ServingRate,
                Explanation = $"No searched deployment meets {industry.DisplayName}'s latency expectation ({target}): {ex.Message} {fallback.Explanation}",
            };
        }

        var best = result.Best;
        var perRequest = best.CostPerHourUsd / 3600.0 / s.ServingRate;
        return new ServingCostBasis
        {
            Source = ServingCostSource.DeploymentSearch,
            InferenceCostPerRequestUsd = perRequest,
            CostPerMillionInputTokensUsd = 0,
            CostPerMillionOutputTokensUsd = best.CostPerMillionOutputTokensUsd,
            LatencyExpectation = slo,
            RequestsPerSecond = s.ServingRate,
            Deployment = best.Deployment,
            TtftP99Seconds = best.TtftP99Seconds,
            TpotP99Seconds = best.TpotP99Seconds,
            Explanation = string.Create(inv, $"Serving cost from the deployment search: the cheapest deployment that meets {industry.DisplayName}'s latency expectation ({target}) at {s.ServingRate:G4} requests/s is {Describe(best.Deployment)}, simulated at p99 TTFT {best.TtftP99Seconds:G3} s and TPOT {best.TpotP99Seconds * 1000:G3} ms, for {RationaleWriter.Money(best.CostPerHourUsd)} an hour: {RationaleWriter.Money(best.CostPerMillionOutputTokensUsd)} per million output tokens (prefill included), ${perRequest:0.######} per request."),
        };
    }

    private static string Describe(ServingDeployment d) => string.Create(
        CultureInfo.InvariantCulture,
        $"{d.Replicas} × {(d.TensorParallel > 1 ? $"TP{d.TensorParallel} " : string.Empty)}{d.Gpu} ({d.WeightPrecision.ToString().ToUpperInvariant()}, batch ≤ {d.MaxBatch})");

    /// <summary>The served model of the options' shape: heads of 128 dimensions, the configured KV heads.</summary>
    private static ModelArchitecture ServedModel(AnalysisSettings s)
    {
        var heads = Math.Max(1, s.Hidden / InferenceCostRequest.DefaultHeadDimension);
        var kvHeads = Math.Min(heads, s.KvHeads ?? heads);
        return new ModelArchitecture(
            string.Create(CultureInfo.InvariantCulture, $"{s.Parameters / 1e9:0.##}B-parameter model"),
            s.Parameters,
            s.Layers,
            s.Hidden,
            heads,
            kvHeads,
            Math.Max(1, s.Hidden / heads),
            128_256);
    }
}

using System.Globalization;
using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Serving.Internal;

namespace LlmCore.Commercialization.Serving;

/// <summary>
/// Finds the cheapest deployment that serves a workload within a latency target, and the Pareto set of cost against
/// latency, by simulating the candidates of a grid that analytic bounds cannot rule out (Vidur's configuration search,
/// Agrawal et al. 2024, with analytic pruning instead of profiling).
/// </summary>
/// <remarks>
/// <para><b>Grid.</b> Configurations are GPU × (t, p) with t·p in <see cref="DeploymentSearchRequest.GpusPerReplica"/> ×
/// precision × batch limit × token budget × aggregated or disaggregated; a candidate is a configuration with a replica count.</para>
/// <para><b>Pruning.</b> (1) Memory: the weights and the KV cache of the longest request must fit one replica.
/// (2) Latency: no request can be faster than alone on an empty replica, so when the 99th percentile of the requests'
/// single-request TTFT (its prefill chunks one after another) or TPOT (one decode step at its mean context; plus the KV
/// transfer spread over its output when disaggregated) exceeds the target, no replica count helps. (3) Capacity: a replica
/// cannot process more than B/t(B) tokens per second, with B the token budget and t(B) the time of a full iteration without
/// attention, nor keep more than <see cref="ServingDeployment.MaxBatch"/> requests decoding at one step of its fixed cost
/// each; the offered load must stay below that capacity, which gives the fewest replicas worth simulating (with
/// disaggregation, for each pool). (4) Cost: configurations are simulated cheapest lower bound first, and one whose lower
/// bound exceeds the best cost found × <see cref="DeploymentSearchRequest.ParetoCostSpan"/> is not simulated.</para>
/// <para><b>Replicas.</b> From the capacity bound upward, one at a time for four steps, then doubling and bisection (more
/// replicas are assumed to lower latency). A disaggregated deployment of R replicas splits them in proportion to the two
/// pools' bounds.</para>
/// <para><b>Meeting the target</b> means: both simulated 99th percentiles within it, and the offered load below the
/// replicas' capacity bound. Cost per million output tokens is the fleet's hourly price over the output tokens the
/// offered load asks for. Every candidate is simulated on the same seeded Poisson sample.</para>
/// <para>This type is immutable and thread-safe; each <see cref="Search"/> call has its own state.</para>
/// </remarks>
public sealed class DeploymentSearch : IDeploymentSearch
{
    private const int LinearSteps = 4;

    /// <summary>Creates a search over the built-in GPU catalogue.</summary>
    public DeploymentSearch()
        : this(new ServingSimulator())
    {
    }

    /// <summary>Creates a search that simulates with <paramref name="simulator"/>.</summary>
    /// <param name="simulator">The simulator (and its GPU catalogue).</param>
    /// <exception cref="ArgumentNullException"><paramref name="simulator"/> is <see langword="null"/>.</exception>
    public DeploymentSearch(ServingSimulator simulator)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        Simulator = simulator;
    }

    /// <summary>Gets the simulator.</summary>
    public ServingSimulator Simulator { get; }

    /// <summary>Searches the grid of <paramref name="request"/>.</summary>
    /// <param name="request">What to serve, under which target, over which grid.</param>
    /// <param name="progress">Receives the fraction of candidate configurations processed.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The cheapest deployment that meets the target, the Pareto set and the pruning counts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The request is invalid.</exception>
    /// <exception cref="UnknownGpuException">The request names a GPU the catalogue does not hold.</exception>
    /// <exception cref="NoFeasibleDeploymentException">The model fits no replica of the grid, or no candidate meets the target.</exception>
    /// <exception cref="OperationCanceledException">The search was cancelled.</exception>
    public DeploymentSearchResult Search(DeploymentSearchRequest request, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        var state = Prepare(request);
        var inv = CultureInfo.InvariantCulture;
        if (state.FittingCount == 0)
        {
            throw new NoFeasibleDeploymentException(
                DeploymentSearchFailure.ModelDoesNotFit,
                string.Create(inv, $"{request.Model.Name} fits no deployment of the grid: even {request.GpusPerReplica.Max()} GPUs per replica of {string.Join(", ", request.Gpus)} cannot hold its weights and the KV cache of a {state.Workload.MaxInputTokens}+{state.Workload.MaxOutputTokens}-token request."),
                null,
                null);
        }

        if (state.Candidates.Count == 0)
        {
            throw new NoFeasibleDeploymentException(
                DeploymentSearchFailure.SloUnreachable,
                string.Create(inv, $"No deployment of the grid can meet p99 TTFT ≤ {request.Slo.TtftP99Seconds:G4} s and TPOT ≤ {request.Slo.TpotP99Seconds:G4} s: a request alone on an empty replica already needs at least {state.LowestTtftBound:G3} s to its first token and {state.LowestTpotBound:G3} s per output token (99th percentiles)."),
                state.LowestTtftBound,
                state.LowestTpotBound);
        }

        var evaluated = new List<DeploymentEvaluation>();
        DeploymentEvaluation? best = null;
        var bestCost = double.PositiveInfinity;
        var prunedByCost = 0;
        for (var k = 0; k < state.Candidates.Count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report((double)k / state.Candidates.Count);
            var candidate = state.Candidates[k];
            var bound = bestCost * request.ParetoCostSpan;
            if (candidate.CostPerHour(candidate.MinReplicas) > bound)
            {
                prunedByCost = state.Candidates.Count - k;
                break;
            }

            var found = FindReplicas(candidate, state, bound, evaluated, cancellationToken);
            if (found is not null && found.CostPerHourUsd < bestCost)
            {
                best = found;
                bestCost = found.CostPerHourUsd;
            }
        }

        progress?.Report(1.0);
        if (best is null)
        {
            var ttft = evaluated.Count > 0 ? evaluated.Min(static e => e.TtftP99Seconds) : state.LowestTtftBound;
            var tpot = evaluated.Count > 0 ? evaluated.Min(static e => e.TpotP99Seconds) : state.LowestTpotBound;
            throw new NoFeasibleDeploymentException(
                DeploymentSearchFailure.SloUnreachable,
                string.Create(inv, $"No deployment of the grid with at most {request.MaxReplicas} replicas meets p99 TTFT ≤ {request.Slo.TtftP99Seconds:G4} s and TPOT ≤ {request.Slo.TpotP99Seconds:G4} s at {request.RequestsPerSecond:G4} requests/s; the lowest simulated were {ttft:G3} s and {tpot:G3} s."),
                ttft,
                tpot);
        }

        return new DeploymentSearchResult
        {
            Request = request,
            Best = best,
            Pareto = ParetoSet(evaluated),
            Evaluated = evaluated,
            Configurations = state.Configurations,
            PrunedByMemory = state.Configurations - state.FittingCount,
            PrunedByLatency = state.FittingCount - state.Candidates.Count,
            PrunedByCost = prunedByCost,
        };
    }

    /// <summary>Builds the workload and the candidate configurations with their analytic bounds, cheapest lower bound first.</summary>
    internal SearchState Prepare(DeploymentSearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var workload = ServingWorkload.Poisson(request.RequestsPerSecond, request.SimulatedRequests, request.InputTokens, request.OutputTokens, request.Seed);
        var state = new SearchState(request, workload);
        var index = 0;
        foreach (var gpuName in request.Gpus)
        {
            var gpu = Simulator.Gpus.Get(gpuName);
            foreach (var precision in request.Precisions.Distinct())
            {
                if (precision == NumericPrecision.Fp8 && gpu.DenseFp8FlopsPerSecond is null)
                {
                    continue;
                }

                foreach (var gpus in request.GpusPerReplica.Distinct().Order())
                {
                    foreach (var pipeline in request.PipelineDegrees.Distinct().Order())
                    {
                        if (gpus % pipeline != 0 || gpus / pipeline > request.MaxTensorParallel)
                        {
                            continue;
                        }

                        foreach (var disaggregated in request.IncludeDisaggregated ? new[] { false, true } : [false])
                        {
                            foreach (var maxBatch in request.MaxBatches.Distinct().Order())
                            {
                                foreach (var budget in request.TokenBudgets.Distinct().Order())
                                {
                                    var template = new ServingDeployment(request.Model, gpu.Name, gpus / pipeline, pipeline, disaggregated ? 2 : 1)
                                    {
                                        WeightPrecision = precision,
                                        MaxBatch = maxBatch,
                                        TokenBudget = budget,
                                        Admission = request.Admission,
                                        Routing = request.Routing,
                                        StreamTokens = request.StreamTokens,
                                        PrefillReplicas = disaggregated ? 1 : null,
                                        PricePerGpuHourUsd = request.PricePerGpuHourUsd ?? GpuPrices.For(gpu.Name),
                                    };
                                    state.Add(Analyze(template, workload, request, index++));
                                }
                            }
                        }
                    }
                }
            }
        }

        state.Sort();
        return state;
    }

    /// <summary>Simulates <paramref name="candidate"/> with <paramref name="replicas"/> replicas on the search's workload.</summary>
    internal DeploymentEvaluation Evaluate(SearchCandidate candidate, int replicas, SearchState state, CancellationToken cancellationToken = default)
    {
        var deployment = candidate.WithReplicas(replicas);
        var result = Simulator.Simulate(deployment, state.Workload, new ServingSimulationOptions { Slo = state.Request.Slo, RecordRequestOutcomes = false }, null, cancellationToken);
        var costPerHour = candidate.CostPerHour(replicas);
        return new DeploymentEvaluation
        {
            Deployment = deployment,
            CostPerHourUsd = costPerHour,
            CostPerMillionOutputTokensUsd = GpuPrices.PerMillionTokens(costPerHour, state.Request.RequestsPerSecond * state.Workload.MeanOutputTokens),
            TtftP99Seconds = result.Ttft.P99,
            TpotP99Seconds = result.Tpot.P99,
            ThroughputTokensPerSecond = result.ThroughputTokensPerSecond,
            MeetsSlo = result.MeetsSlo == true && candidate.IsStable(replicas, state.Request.RequestsPerSecond),
        };
    }

    private static IReadOnlyList<DeploymentEvaluation> ParetoSet(List<DeploymentEvaluation> evaluated)
    {
        var pareto = new List<DeploymentEvaluation>();
        foreach (var e in evaluated)
        {
            var dominated = evaluated.Any(o => !ReferenceEquals(o, e)
                && o.CostPerHourUsd <= e.CostPerHourUsd && o.TtftP99Seconds <= e.TtftP99Seconds && o.TpotP99Seconds <= e.TpotP99Seconds
                && (o.CostPerHourUsd < e.CostPerHourUsd || o.TtftP99Seconds < e.TtftP99Seconds || o.TpotP99Seconds < e.TpotP99Seconds));
            if (!dominated && !pareto.Any(p => p.CostPerHourUsd == e.CostPerHourUsd && p.TtftP99Seconds == e.TtftP99Seconds && p.TpotP99Seconds == e.TpotP99Seconds))
            {
                pareto.Add(e);
            }
        }

        return [.. pareto.OrderBy(static p => p.CostPerHourUsd).ThenBy(static p => p.TpotP99Seconds)];
    }

    private SearchCandidate? Analyze(ServingDeployment template, ServingWorkload workload, DeploymentSearchRequest request, int index)
    {
        var (_, model) = Simulator.Prepare(template);
        var longest = workload.MaxInputTokens + workload.MaxOutputTokens - 1;
        if (model.KvCapacityBlocks * template.BlockSize < ((longest + template.BlockSize - 1) / template.BlockSize) * (long)template.BlockSize)
        {
            return null;
        }

        var transfer = template.KvTransferBytesPerSecond ?? (ServingDeployment.DefaultKvTransferBytesPerSecondPerGpu * template.GpusPerReplica);
        var ttft = new double[workload.Count];
        var tpot = new List<double>(workload.Count);
        for (var i = 0; i < workload.Count; i++)
        {
            var r = workload.Requests[i];
            ttft[i] = AlonePrefillSeconds(model, r.InputTokens, template.TokenBudget);
            if (r.OutputTokens > 1)
            {
                var decode = AloneDecodeSeconds(model, r.InputTokens + ((r.OutputTokens - 2) / 2.0));
                var handOff = template.IsDisaggregated ? r.InputTokens * model.KvBytesPerToken / transfer / (r.OutputTokens - 1) : 0.0;
                tpot.Add(decode + handOff);
            }
        }

        Array.Sort(ttft);
        tpot.Sort();
        var ttftBound = LatencyStatistics.Quantile(ttft, 0.99);
        var tpotBound = tpot.Count > 0 ? LatencyStatistics.Quantile(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tpot), 0.99) : 0.0;

        // Capacity upper bounds per replica (requests per second).
        var fixedSeconds = FullIterationSeconds(model, 1, 1);
        var decodeSlots = workload.MeanOutputTokens > 1 ? template.MaxBatch / ((workload.MeanOutputTokens - 1) * fixedSeconds) : double.PositiveInfinity;
        var budgetTokens = template.TokenBudget / FullIterationSeconds(model, template.TokenBudget, template.PipelineParallel);
        double prefillCapacity;
        double decodeCapacity;
        if (template.IsDisaggregated)
        {
            prefillCapacity = budgetTokens / workload.MeanInputTokens;
            var decodeTokens = Math.Min(template.TokenBudget, template.MaxBatch);
            var decodeRate = decodeTokens / FullIterationSeconds(model, decodeTokens, template.PipelineParallel);
            decodeCapacity = workload.MeanOutputTokens > 1 ? Math.Min(decodeRate / (workload.MeanOutputTokens - 1), decodeSlots) : double.PositiveInfinity;
        }
        else
        {
            prefillCapacity = Math.Min(budgetTokens / (workload.MeanInputTokens + workload.MeanOutputTokens - 1), decodeSlots);
            decodeCapacity = double.PositiveInfinity;
        }

        return new SearchCandidate(template, index, ttftBound, tpotBound, prefillCapacity, decodeCapacity, request.RequestsPerSecond);
    }

    private DeploymentEvaluation? FindReplicas(SearchCandidate candidate, SearchState state, double costBound, List<DeploymentEvaluation> evaluated, CancellationToken cancellationToken)
    {
        var max = state.Request.MaxReplicas;
        var low = candidate.MinReplicas - 1; // the largest replica count known to fail
        var r = candidate.MinReplicas;
        DeploymentEvaluation Run(int replicas)
        {
            var e = Evaluate(candidate, replicas, state, cancellationToken);
            evaluated.Add(e);
            return e;
        }

        // A linear scan first, then doubling.
        var steps = 0;
        DeploymentEvaluation? success = null;
        while (r <= max && candidate.CostPerHour(r) <= costBound)
        {
            var e = Run(r);
            if (e.MeetsSlo)
            {
                success = e;
                break;
            }

            low = r;
            steps++;
            r = steps < LinearSteps || r * 2 > max ? r + 1 : r * 2;
        }

        if (success is null)
        {
            return null;
        }

        // Bisect between the last failure and the success.
        var high = success.Deployment.Replicas;
        while (high - low > 1)
        {
            var mid = low + ((high - low) / 2);
            var e = Run(mid);
            if (e.MeetsSlo)
            {
                success = e;
                high = mid;
            }
            else
            {
                low = mid;
            }
        }

        return success;
    }

    private static double AlonePrefillSeconds(IterationTimeModel model, int input, int budget)
    {
        var seconds = 0.0;
        for (var done = 0; done < input; done += budget)
        {
            var load = default(IterationLoad);
            load.AddChunk(done, Math.Min(budget, input - done));
            seconds += model.Seconds(in load);
        }

        return seconds;
    }

    private static double AloneDecodeSeconds(IterationTimeModel model, double meanCached)
    {
        // One decode step is linear in its context, so the mean over the steps is the step at the mean context.
        var load = new IterationLoad { Tokens = 1, Sequences = 1, AttentionPairs = meanCached + 1, KvTokens = meanCached + 1 };
        return model.Seconds(in load);
    }

    private static double FullIterationSeconds(IterationTimeModel model, int tokens, int sequences)
    {
        var load = new IterationLoad { Tokens = tokens, Sequences = sequences };
        return model.Seconds(in load);
    }
}

/// <summary>A configuration of the search grid with its analytic bounds.</summary>
internal sealed class SearchCandidate
{
    public SearchCandidate(ServingDeployment template, int index, double ttftBound, double tpotBound, double prefillCapacity, double decodeCapacity, double rate)
    {
        Template = template;
        Index = index;
        TtftBound = ttftBound;
        TpotBound = tpotBound;
        PrefillCapacity = prefillCapacity;
        DecodeCapacity = decodeCapacity;
        if (template.IsDisaggregated)
        {
            PrefillMin = StableCount(rate, prefillCapacity);
            DecodeMin = StableCount(rate, decodeCapacity);
            MinReplicas = PrefillMin + DecodeMin;
        }
        else
        {
            PrefillMin = StableCount(rate, prefillCapacity);
            DecodeMin = 0;
            MinReplicas = PrefillMin;
        }
    }

    public ServingDeployment Template { get; }

    public int Index { get; }

    public double TtftBound { get; }

    public double TpotBound { get; }

    /// <summary>Requests per second one replica can take at most (the prefill pool's replicas when disaggregated).</summary>
    public double PrefillCapacity { get; }

    /// <summary>Requests per second one decode replica can take at most (infinity when aggregated).</summary>
    public double DecodeCapacity { get; }

    public int PrefillMin { get; }

    public int DecodeMin { get; }

    /// <summary>The fewest replicas whose capacity exceeds the offered load.</summary>
    public int MinReplicas { get; }

    public double CostPerHour(int replicas) => replicas * Template.GpusPerReplica * Template.PricePerGpuHourUsd!.Value;

    public (int Prefill, int Decode) Split(int replicas)
    {
        if (!Template.IsDisaggregated)
        {
            return (replicas, 0);
        }

        var share = (double)PrefillMin / (PrefillMin + DecodeMin);
        var prefill = replicas >= MinReplicas
            ? (int)Math.Clamp(Math.Round(replicas * share), PrefillMin, replicas - DecodeMin)
            : (int)Math.Clamp(Math.Round(replicas * share), 1, Math.Max(1, replicas - 1));
        return (prefill, replicas - prefill);
    }

    public ServingDeployment WithReplicas(int replicas)
    {
        var (prefill, _) = Split(replicas);
        return Template with { Replicas = replicas, PrefillReplicas = Template.IsDisaggregated ? prefill : null };
    }

    public bool IsStable(int replicas, double rate)
    {
        var (prefill, decode) = Split(replicas);
        return rate < prefill * PrefillCapacity && (!Template.IsDisaggregated || rate < decode * DecodeCapacity);
    }

    private static int StableCount(double rate, double capacity) =>
        double.IsPositiveInfinity(capacity) ? 1 : (int)Math.Min(int.MaxValue / 2, Math.Max(1, Math.Floor(rate / capacity) + 1));
}

/// <summary>The workload and the candidates of one search, cheapest lower bound first.</summary>
internal sealed class SearchState
{
    private readonly List<SearchCandidate> _candidates = [];
    private readonly List<SearchCandidate> _fitting = [];

    public SearchState(DeploymentSearchRequest request, ServingWorkload workload)
    {
        Request = request;
        Workload = workload;
    }

    public DeploymentSearchRequest Request { get; }

    public ServingWorkload Workload { get; }

    /// <summary>Gets the configurations that pass the memory and latency bounds, cheapest lower bound first.</summary>
    public IReadOnlyList<SearchCandidate> Candidates => _candidates;

    /// <summary>Gets every configuration that fits memory, in grid order.</summary>
    public IReadOnlyList<SearchCandidate> Fitting => _fitting;

    public int Configurations { get; private set; }

    public int FittingCount => _fitting.Count;

    public double LowestTtftBound { get; private set; } = double.PositiveInfinity;

    public double LowestTpotBound { get; private set; } = double.PositiveInfinity;

    public void Add(SearchCandidate? candidate)
    {
        Configurations++;
        if (candidate is null)
        {
            return;
        }

        _fitting.Add(candidate);
        LowestTtftBound = Math.Min(LowestTtftBound, candidate.TtftBound);
        LowestTpotBound = Math.Min(LowestTpotBound, candidate.TpotBound);
        if (candidate.TtftBound <= Request.Slo.TtftP99Seconds && candidate.TpotBound <= Request.Slo.TpotP99Seconds)
        {
            _candidates.Add(candidate);
        }
    }

    public void Sort() => _candidates.Sort(static (a, b) =>
    {
        var c = a.CostPerHour(a.MinReplicas).CompareTo(b.CostPerHour(b.MinReplicas));
        return c != 0 ? c : a.Index.CompareTo(b.Index);
    });
}

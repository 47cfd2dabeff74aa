using System.Globalization;
using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Internal;
using LlmCore.Commercialization.Models;

namespace LlmCore.Commercialization.Serving;

/// <summary>
/// What <see cref="DeploymentSearch"/> looks for: the cheapest deployment of a model that serves a Poisson workload
/// within a latency target, over a grid of GPU type × GPUs per replica (TP × PP) × precision × batch limit × token budget
/// × aggregated or disaggregated serving.
/// </summary>
/// <remarks>Immutable and thread-safe; <see cref="Validate"/> checks it.</remarks>
public sealed record DeploymentSearchRequest
{
    /// <summary>Creates a request with the default grid.</summary>
    /// <param name="model">The model to serve.</param>
    /// <param name="requestsPerSecond">The arrival rate λ, finite and &gt; 0.</param>
    /// <param name="inputTokens">Prompt lengths.</param>
    /// <param name="outputTokens">Output lengths.</param>
    /// <param name="slo">The latency target.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="requestsPerSecond"/> is not finite and &gt; 0.</exception>
    public DeploymentSearchRequest(ModelArchitecture model, double requestsPerSecond, TokenLengths inputTokens, TokenLengths outputTokens, ServingSlo slo)
    {
        ArgumentNullException.ThrowIfNull(model);
        Guard.PositiveFinite(requestsPerSecond);
        ArgumentNullException.ThrowIfNull(inputTokens);
        ArgumentNullException.ThrowIfNull(outputTokens);
        ArgumentNullException.ThrowIfNull(slo);
        Model = model;
        RequestsPerSecond = requestsPerSecond;
        InputTokens = inputTokens;
        OutputTokens = outputTokens;
        Slo = slo;
    }

    /// <summary>Gets the GPUs searched by default: the catalogue's current serving GPUs with a dated price
    /// (A100-80GB, H100-SXM, H200, B200, L40S, MI300X).</summary>
    public static IReadOnlyList<string> DefaultGpus { get; } = ["A100-80GB", "H100-SXM", "H200", "B200", "L40S", "MI300X"];

    /// <summary>Gets the model.</summary>
    public ModelArchitecture Model { get; init; }

    /// <summary>Gets the arrival rate λ in requests per second.</summary>
    public double RequestsPerSecond { get; init; }

    /// <summary>Gets the prompt lengths.</summary>
    public TokenLengths InputTokens { get; init; }

    /// <summary>Gets the output lengths.</summary>
    public TokenLengths OutputTokens { get; init; }

    /// <summary>Gets the latency target.</summary>
    public ServingSlo Slo { get; init; }

    /// <summary>Gets the GPU types searched (catalogue names).</summary>
    /// <value>The default value is <see cref="DefaultGpus"/>.</value>
    public IReadOnlyList<string> Gpus { get; init; } = DefaultGpus;

    /// <summary>Gets the weight precisions searched (FP8 only on GPUs with FP8 units; the KV cache is FP8 with FP8 weights, else FP16).</summary>
    /// <value>The default value is FP16, FP8 and INT4.</value>
    public IReadOnlyList<NumericPrecision> Precisions { get; init; } = [NumericPrecision.Fp16, NumericPrecision.Fp8, NumericPrecision.Int4];

    /// <summary>Gets the GPUs per replica searched (t·p).</summary>
    /// <value>The default value is 1, 2, 4, 8 and 16.</value>
    public IReadOnlyList<int> GpusPerReplica { get; init; } = [1, 2, 4, 8, 16];

    /// <summary>Gets the pipeline degrees searched; a degree is used where it divides the GPUs per replica and leaves a tensor degree of at most <see cref="MaxTensorParallel"/>.</summary>
    /// <value>The default value is 1 and 2.</value>
    public IReadOnlyList<int> PipelineDegrees { get; init; } = [1, 2];

    /// <summary>Gets the largest tensor-parallel degree (GPUs of one NVLink domain), ≥ 1.</summary>
    /// <value>The default value is 8.</value>
    public int MaxTensorParallel { get; init; } = 8;

    /// <summary>Gets the batch limits searched (<see cref="ServingDeployment.MaxBatch"/>).</summary>
    /// <value>The default value is 32, 64, 128 and 256.</value>
    public IReadOnlyList<int> MaxBatches { get; init; } = [32, 64, 128, 256];

    /// <summary>Gets the token budgets (chunk sizes) searched (<see cref="ServingDeployment.TokenBudget"/>).</summary>
    /// <value>The default value is 512, 2,048 and 8,192.</value>
    public IReadOnlyList<int> TokenBudgets { get; init; } = [512, 2048, 8192];

    /// <summary>Gets a value indicating whether disaggregated prefill/decode deployments are searched too.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool IncludeDisaggregated { get; init; } = true;

    /// <summary>Gets the requests simulated per candidate (the same Poisson sample for every candidate), ≥ 100.</summary>
    /// <value>The default value is 1,000.</value>
    public int SimulatedRequests { get; init; } = 1000;

    /// <summary>Gets the seed of the simulated workload.</summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; init; }

    /// <summary>Gets the most replicas a deployment may have, ≥ 1.</summary>
    /// <value>The default value is 256.</value>
    public int MaxReplicas { get; init; } = 256;

    /// <summary>Gets how far above the cheapest cost the search keeps simulating to fill the Pareto set, ≥ 1 (1: stop at the cheapest).</summary>
    /// <value>The default value is 1.5.</value>
    public double ParetoCostSpan { get; init; } = 1.5;

    /// <summary>Gets one price per GPU-hour for every GPU, or <see langword="null"/> for the dated on-demand price of each GPU (docs/commercialization.md, "Serving simulator and deployment search").</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public double? PricePerGpuHourUsd { get; init; }

    /// <summary>Gets the admission policy every candidate shares.</summary>
    /// <value>The default value is <see cref="AdmissionPolicy.ReservePrompt"/>.</value>
    public AdmissionPolicy Admission { get; init; } = AdmissionPolicy.ReservePrompt;

    /// <summary>Gets how requests reach the replicas of every candidate: a router, or a queue the replicas pull from
    /// (<see cref="RoutingPolicy.SharedQueue"/>, as a server whose engines take work when they start a step).</summary>
    /// <value>The default value is <see cref="RoutingPolicy.LeastOutstandingRequests"/>.</value>
    public RoutingPolicy Routing { get; init; } = RoutingPolicy.LeastOutstandingRequests;

    /// <summary>Gets whether every candidate streams each generated token to the client (<see cref="ServingDeployment.StreamTokens"/>),
    /// paying <see cref="ServingEfficiency.StreamingSecondsPerSequence"/> per running sequence in every iteration, as an online
    /// server that reports time to first token does.</summary>
    /// <value>The default value is <see langword="false"/> (responses returned whole).</value>
    public bool StreamTokens { get; init; }

    /// <summary>Checks the request.</summary>
    /// <exception cref="ArgumentException">A list is empty or holds a value out of range (the message names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A figure is out of range.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Model, nameof(Model));
        Guard.PositiveFinite(RequestsPerSecond);
        ArgumentNullException.ThrowIfNull(InputTokens, nameof(InputTokens));
        ArgumentNullException.ThrowIfNull(OutputTokens, nameof(OutputTokens));
        ArgumentNullException.ThrowIfNull(Slo, nameof(Slo));
        NotEmpty(Gpus, nameof(Gpus));
        NotEmpty(Precisions, nameof(Precisions));
        Positive(GpusPerReplica, nameof(GpusPerReplica));
        Positive(PipelineDegrees, nameof(PipelineDegrees));
        Positive(MaxBatches, nameof(MaxBatches));
        Positive(TokenBudgets, nameof(TokenBudgets));
        Guard.Positive(MaxTensorParallel);
        Guard.Positive(MaxReplicas);
        if (SimulatedRequests < 100)
        {
            throw new ArgumentOutOfRangeException(nameof(SimulatedRequests), SimulatedRequests, "must be at least 100 (p99 needs them).");
        }

        if (!double.IsFinite(ParetoCostSpan) || ParetoCostSpan < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ParetoCostSpan), ParetoCostSpan, "must be finite and >= 1.");
        }

        Guard.Price(PricePerGpuHourUsd);
        if (!Enum.IsDefined(Admission))
        {
            throw new ArgumentOutOfRangeException(nameof(Admission), Admission, "must be ReservePrompt or ReserveFullSequence.");
        }

        if (!Enum.IsDefined(Routing))
        {
            throw new ArgumentOutOfRangeException(nameof(Routing), Routing, "must be LeastOutstandingRequests, RoundRobin or SharedQueue.");
        }

        foreach (var p in Precisions)
        {
            if (!Enum.IsDefined(p))
            {
                throw new ArgumentException($"Precisions holds an undefined value {p}; expected Fp16, Fp8 or Int4.", nameof(Precisions));
            }
        }
    }

    private static void NotEmpty<T>(IReadOnlyList<T>? list, string name)
    {
        if (list is null || list.Count == 0)
        {
            throw new ArgumentException($"{name} must hold at least one value.", name);
        }
    }

    private static void Positive(IReadOnlyList<int>? list, string name)
    {
        NotEmpty(list, name);
        foreach (var v in list!)
        {
            if (v < 1)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name} must hold integers ≥ 1; got {v}."), name);
            }
        }
    }
}

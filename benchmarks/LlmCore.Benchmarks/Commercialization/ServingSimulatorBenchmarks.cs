using BenchmarkDotNet.Attributes;
using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;
using LlmCore.Commercialization.Serving;

namespace LlmCore.Benchmarks.Commercialization;

/// <summary>
/// The serving simulator and the deployment search against the targets of issue 20: 10,000 requests on 8 replicas in
/// at most 1 s, and the search over the default grid in at most 10 s. Llama-3.1-70B FP8, 1,000 prompt and 300 output
/// tokens. The baseline draws the same 10,000 Poisson requests (the floor any simulation of them pays).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Commercialization")]
public class ServingSimulatorBenchmarks
{
    private const int Requests = 10_000;
    private readonly ServingSimulator _simulator = new();
    private readonly DeploymentSearch _search = new();
    private ServingWorkload _workload = null!;
    private ServingDeployment _deployment = null!;
    private DeploymentSearchRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        // 8 replicas of 2 × H100 at 3 requests/s each (about 70% of their simulated capacity).
        _workload = Workload();
        _deployment = new ServingDeployment(ModelPresets.Llama31_70B, "H100-SXM", 2, 1, 8) { WeightPrecision = NumericPrecision.Fp8 };
        _request = new DeploymentSearchRequest(ModelPresets.Llama31_70B, 20, TokenLengths.Fixed(1000), TokenLengths.Fixed(300), new ServingSlo(2, 0.05));
    }

    [Benchmark(Baseline = true)]
    public int DrawWorkload() => Workload().Count;

    [Benchmark]
    public double Simulate10kRequests8Replicas() =>
        _simulator.Simulate(_deployment, _workload, new ServingSimulationOptions { RecordRequestOutcomes = false }).ThroughputTokensPerSecond;

    [Benchmark]
    public double SearchDefaultGrid() => _search.Search(_request).Best.CostPerMillionOutputTokensUsd;

    private static ServingWorkload Workload() => ServingWorkload.Poisson(24, Requests, TokenLengths.Fixed(1000), TokenLengths.Fixed(300), seed: 2026);
}

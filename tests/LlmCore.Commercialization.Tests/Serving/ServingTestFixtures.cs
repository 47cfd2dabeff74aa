using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;
using LlmCore.Commercialization.Serving;

namespace LlmCore.Commercialization.Tests.Serving;

/// <summary>
/// A toy GPU and model with round numbers, so that iteration times can be computed by hand from the formulas in the
/// remarks of <see cref="ServingSimulator"/>.
/// </summary>
internal static class ServingTestFixtures
{
    /// <summary>100 TFLOP/s, 1 TB/s, 100 GB/s link; memory for the 2 GB of weights plus exactly <paramref name="kvTokens"/> tokens of KV cache.</summary>
    public static GpuCatalog Catalog(int kvTokens = 100_000) => new(
    [
        new GpuSpec("Toy", 100e12, null, 2e9 + (ToyKvBytesPerToken * (double)kvTokens), 1e12, 100e9, 100),
    ]);

    /// <summary>1e9 parameters (2 GB in FP16), 10 layers, 10 heads of 100 (h = 1000), multi-head attention:
    /// KV bytes per token = 2·10·10·100·2 = 40,000.</summary>
    public static ModelArchitecture ToyModel { get; } = new("Toy-1B", 1e9, 10, 1000, 10, 10, 100, 1000);

    public const double ToyKvBytesPerToken = 40_000;

    /// <summary>η = 1, the classic roofline max(c, m), no overhead, no collective latency.</summary>
    public static ServingEfficiency Ideal { get; } = new(1.0, 1.0) { ComputeMemoryOverlap = 1.0, IterationOverheadSeconds = 0, CollectiveLatencySeconds = 0, InterconnectEfficiency = 1.0 };

    public static ServingDeployment Deployment(int replicas = 1) => new(ToyModel, "Toy", 1, 1, replicas)
    {
        Efficiency = Ideal,
        BlockSize = 1,
        KvCacheMemoryFraction = 1.0,
        TokenBudget = 4096,
        MaxBatch = 64,
        PricePerGpuHourUsd = 2.0,
    };

    public static ServingWorkload AtZero(params (int Input, int Output)[] requests) =>
        new(requests.Select(static r => new ServingRequest(0, r.Input, r.Output)));
}

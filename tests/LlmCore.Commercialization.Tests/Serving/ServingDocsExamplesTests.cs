using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;
using LlmCore.Commercialization.Serving;

namespace LlmCore.Commercialization.Tests.Serving;

// The code of the serving quick start in docs/commercialization.md, kept compiling and true.
public class ServingDocsExamplesTests
{
    [Fact]
    public void QuickStart_SimulatesAndSearches()
    {
        // Llama 3.1 70B in FP8 on 4 replicas of 2 × H100, 12 requests/s of 1,000 prompt and 300 output tokens.
        var simulator = new ServingSimulator();
        var deployment = new ServingDeployment(ModelPresets.Llama31_70B, "H100-SXM", tensorParallel: 2, replicas: 4)
        {
            WeightPrecision = NumericPrecision.Fp8,
            MaxBatch = 256,
            TokenBudget = 2048,
        };
        var workload = ServingWorkload.Poisson(requestsPerSecond: 12, count: 2000, TokenLengths.Fixed(1000), TokenLengths.Fixed(300), seed: 1);
        var result = simulator.Simulate(deployment, workload, new ServingSimulationOptions { Slo = new ServingSlo(2.0, 0.05) });
        // result.Ttft.P99, result.Tpot.P99, result.ThroughputTokensPerSecond, result.SloAttainment, result.Preemptions,
        // result.GpuHours, result.CostPerMillionOutputTokensUsd (at the dated H100 price, $2.99 per GPU-hour)

        // The cheapest deployment of a smaller grid that meets the same target at 12 requests/s.
        var request = new DeploymentSearchRequest(ModelPresets.Llama31_70B, 12, TokenLengths.Fixed(1000), TokenLengths.Fixed(300), new ServingSlo(2.0, 0.05))
        {
            Gpus = ["H100-SXM", "H200"],
            Precisions = [NumericPrecision.Fp8],
            SimulatedRequests = 300,
        };
        var search = new DeploymentSearch().Search(request);
        // search.Best.Deployment, search.Best.CostPerMillionOutputTokensUsd, search.Pareto

        Assert.Equal(2000, result.Completed);
        Assert.True(result.Tpot.P99 < 0.05);
        Assert.True(search.Best.MeetsSlo);
        Assert.True(search.Best.TtftP99Seconds <= 2.0 && search.Best.TpotP99Seconds <= 0.05);
    }
}

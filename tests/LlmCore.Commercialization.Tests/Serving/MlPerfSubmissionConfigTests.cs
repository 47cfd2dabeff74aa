using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;
using LlmCore.Commercialization.Serving;
using LlmCore.Commercialization.Serving.Internal;

namespace LlmCore.Commercialization.Tests.Serving;

/// <summary>
/// The MLPerf Inference v4.1 Llama-2-70B deployments the validation tests simulate (<see cref="ServingValidationTests"/>,
/// which run outside the coverage pass), held to the submitters' own configurations, and the steady-state iteration load
/// worked by hand. Sources (mlcommons/inference_results_v4.1@a2f5d66d): closed/NVIDIA/configs/llama2-70b/Server (H100-SXM
/// TP2 batch 1,024; H200 TP1 batch 896), closed/Fujitsu/configs/llama2-70b/Server (L40S TP4 batch 1,024),
/// closed/AMD/code/llama2-70b-99.9 (vLLM TP1 × 8: Server max_num_seqs 1,024, max_num_batched_tokens 49,152, batcher of 96
/// queries or 0.3 s; Offline max_num_seqs 2,048, max_num_batched_tokens 65,536), and the 4-GPU HGX boards' systems/*.json
/// ("6x 4th Gen NVLink", 50 GB/s each).
/// </summary>
public sealed class MlPerfSubmissionConfigTests
{
    [Theory]
    [InlineData("H100-SXM", 2, 4, 1024, RoutingPolicy.LeastOutstandingRequests)]
    [InlineData("H200", 1, 8, 896, RoutingPolicy.SharedQueue)]
    [InlineData("L40S", 4, 2, 1024, RoutingPolicy.LeastOutstandingRequests)]
    public void NvidiaHarnessServers_AreTheSubmittedConfigurations(string gpu, int tp, int replicas, int maxBatch, RoutingPolicy routing)
    {
        var d = MlPerfLlama2Submissions.ReferenceServer(gpu);

        Assert.Equal(gpu, d.Gpu);
        Assert.Equal((tp, 1, replicas, 8), (d.TensorParallel, d.PipelineParallel, d.Replicas, d.GpuCount));
        Assert.Equal(maxBatch, d.MaxBatch);
        Assert.Equal(4096, d.TokenBudget);
        Assert.Equal(NumericPrecision.Fp8, d.WeightPrecision);
        Assert.Equal(AdmissionPolicy.ReservePrompt, d.Admission);
        Assert.Equal(routing, d.Routing);
        Assert.True(d.StreamTokens);
        Assert.False(MlPerfLlama2Submissions.Nvidia(gpu, tp, replicas, maxBatch).StreamTokens);
    }

    [Fact]
    public void AmdRuns_AreTheSubmittedVllmSettings()
    {
        var server = MlPerfLlama2Submissions.ReferenceServer("MI300X");
        Assert.Equal((1, 8, 1024, 49_152), (server.TensorParallel, server.Replicas, server.MaxBatch, server.TokenBudget));
        Assert.Equal(BatchingPolicy.PrefillFirst, server.Batching);
        Assert.Equal(RoutingPolicy.RoundRobin, server.Routing);
        Assert.Same(RequestBatcher.AmdMlPerfV41, server.FrontBatcher);
        Assert.True(server.StreamTokens);

        var offline = MlPerfLlama2Submissions.AmdOffline();
        Assert.Equal((1, 8, 2048, 65_536), (offline.TensorParallel, offline.Replicas, offline.MaxBatch, offline.TokenBudget));
        Assert.Equal(BatchingPolicy.PrefillFirst, offline.Batching);
        Assert.False(offline.StreamTokens);
        Assert.Equal(NumericPrecision.Fp8, offline.WeightPrecision);
    }

    [Fact]
    public void FourGpuHgxBoards_AreHalfTheH100ServerOnSixNvLinks()
    {
        var d = MlPerfLlama2Submissions.H100Hgx4Server();

        Assert.Equal((2, 2, 4), (d.TensorParallel, d.Replicas, d.GpuCount));
        Assert.Equal(6 * 50e9, d.InterconnectBytesPerSecond);
        Assert.Equal(1024, d.MaxBatch);
    }

    [Fact]
    public void AGpuWithoutAReferenceSubmission_IsRefusedNamingIt()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => MlPerfLlama2Submissions.ReferenceServer("A100"));

        Assert.Equal("gpu", ex.ParamName);
    }

    [Fact]
    public void SteadyStateLoad_IsTheDecodesAtTheMeanContextPlusTheArrivingPrompts()
    {
        // 10 decoding requests at context I + O/2 = 100 + 25 = 125, half a prompt of 100 tokens per iteration:
        // tokens 10 + 0.5·100 = 60; sequences round(10.5) = 10 (to even); attention pairs 10·126 + 0.5·100·101/2 = 3,785;
        // KV tokens 10·126 + 0.5·100 = 1,310.
        var load = IterationLoad.SteadyState(decodes: 10, prompts: 0.5, input: 100, output: 50);

        Assert.Equal(60, load.Tokens);
        Assert.Equal(10, load.Sequences);
        Assert.Equal(3785, load.AttentionPairs, 9);
        Assert.Equal(1310, load.KvTokens, 9);
    }
}

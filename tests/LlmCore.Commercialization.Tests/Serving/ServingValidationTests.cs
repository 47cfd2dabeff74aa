using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;
using LlmCore.Commercialization.Serving;
using LlmCore.Commercialization.Serving.Internal;

namespace LlmCore.Commercialization.Tests.Serving;

// The simulator with its calibrated factors against published measurements (the goal of issue 20: within ±25%).
// Sources: mlcommons/inference_results_v4.1@a2f5d66d, closed/{NVIDIA,Fujitsu,AMD}/results/*/llama2-70b-99/{Offline,Server}/
// performance/run_1/mlperf_log_summary.txt with the submitters' configurations (closed/NVIDIA/configs/llama2-70b,
// closed/Fujitsu/configs/llama2-70b, closed/AMD/code/llama2-70b-99.9); NVIDIA/TensorRT-LLM@00f37686
// docs/source/performance/perf-overview.md. The logs give 290–293 output tokens per request (tokens/s ÷ samples/s); the
// prompts average 222 tokens (MlPerfOpenOrca). The full table is produced by
// `benchmarks/LlmCore.Benchmarks -- serving-validation`; the rows it misses (mean TTFT and TPOT at the published rate on
// H200 and L40S, MI300X's mean TPOT) are documented in docs/commercialization.md and not asserted here. The Server
// deployments stream every token as their harnesses do (closed/NVIDIA/code/harness/harness_llm/main_llm.cc: streaming
// unless Offline; closed/AMD/code/llama2-70b-99.9/VllmFp8/queue_llm.py, _run_engine); the streaming cost per sequence was
// fitted on the 8×H100 Server run, so its rows are in-sample.
public class ServingValidationTests
{
    private static readonly ServingSimulator s_simulator = new();

    private static ServingDeployment Nvidia(string gpu, int tp, int replicas, int maxBatch) => MlPerfLlama2Submissions.Nvidia(gpu, tp, replicas, maxBatch);

    private static ServingDeployment NvidiaServer(string gpu, int tp, int replicas, int maxBatch) => MlPerfLlama2Submissions.NvidiaServer(gpu, tp, replicas, maxBatch);

    private static ServingDeployment AmdServer() => MlPerfLlama2Submissions.AmdServer();

    // The harnesses stream in the Server scenario only: NVIDIA's main_llm.cc sets streaming from generation_config.json
    // ("streaming": true) unless the scenario is Offline; AMD's Server engine loop (queue_llm.py, _run_engine) queues every
    // new token, its Offline path (LLM.generate) does not. So the calibration (Offline) runs pay no streaming cost.
    [Fact]
    public void MlPerfSubmissions_StreamInServerAndNotInOffline()
    {
        Assert.True(NvidiaServer("H100-SXM", 2, 4, 1024).StreamTokens);
        Assert.True(AmdServer().StreamTokens);
        Assert.False(Nvidia("H100-SXM", 2, 4, 896).StreamTokens);
        Assert.False(MlPerfLlama2Submissions.AmdOffline().StreamTokens);
    }

    // MLPerf Inference v4.1 Offline, Llama-2-70B (the calibration set of the MLPerf systems): tokens/s of the logs.
    [Theory]
    [InlineData("H100-SXM", 2, 4, 896, 24_524.9, 290)] // NVIDIA DGX-H100_H100-SXM-80GBx8_TRT
    [InlineData("H200", 1, 8, 806, 31_302.7, 291)] // NVIDIA H200-SXM-141GBx8_TRT
    [InlineData("L40S", 4, 2, 1024, 3_717.74, 293)] // Fujitsu CDI_L40Sx8_TRT
    public void Offline_MlPerfV41_WithinTwentyFivePercent(string gpu, int tp, int replicas, int maxBatch, double measured, int outputMean)
    {
        var deployment = Nvidia(gpu, tp, replicas, maxBatch);
        var result = s_simulator.Simulate(deployment, ServingWorkload.Batch(1000 * replicas, MlPerfOpenOrca.Input, TokenLengths.Fixed(outputMean)), new ServingSimulationOptions { RecordRequestOutcomes = false });
        Assert.InRange(result.ThroughputTokensPerSecond / measured, 0.75, 1.25);
    }

    // TensorRT-LLM perf-overview, total output tokens/s, FP8, max load (the Hopper calibration set).
    [Theory]
    [InlineData("Llama-3.1-70B", "H100-SXM", 2, 1000, 1000, 4205)]
    [InlineData("Llama-3.1-70B", "H200", 1, 128, 2048, 4336)]
    [InlineData("Llama-3.1-8B", "H100-SXM", 1, 128, 128, 28312)]
    [InlineData("Llama-3.1-8B", "H200", 1, 2048, 2048, 12194)]
    [InlineData("Llama-3.1-405B", "H100-SXM", 8, 2048, 128, 453)]
    [InlineData("Llama-3.1-405B", "H200", 8, 5000, 500, 650)]
    public void Offline_TensorRtLlmPerfOverview_WithinTwentyFivePercent(string model, string gpu, int tp, int input, int output, double measured)
    {
        Assert.True(ModelPresets.TryGet(model, out var architecture));
        var deployment = new ServingDeployment(architecture, gpu, tp) { WeightPrecision = NumericPrecision.Fp8, MaxBatch = 2048, TokenBudget = 8192, Admission = AdmissionPolicy.ReserveFullSequence };
        var count = Math.Clamp(1_500_000 / (input + output), 600, 6000);
        var result = s_simulator.Simulate(deployment, ServingWorkload.Batch(count, TokenLengths.Fixed(input), TokenLengths.Fixed(output)), new ServingSimulationOptions { RecordRequestOutcomes = false });
        Assert.InRange(result.ThroughputTokensPerSecond / measured, 0.75, 1.25);
    }

    // MLPerf Inference v4.1 Server (held out, except the H100 run on which the streaming cost per sequence was fitted): the
    // highest rate meeting TTFT ≤ 2 s and TPOT ≤ 200 ms at p99 lies within ±25% of the published rate when the simulation
    // meets the constraints at 0.75× and misses them at 1.25× that rate. The Server deployments stream every token.
    [Theory]
    [InlineData("H100-SXM", 2, 4, 1024, 74.42, 290)] // Completed samples per second of the log (in-sample: the fitted run)
    [InlineData("H200", 1, 8, 896, 100.35, 291)]
    [InlineData("L40S", 4, 2, 1024, 10.97, 293)]
    [InlineData("MI300X", 1, 8, 1024, 71.74, 293)]
    public void Server_MlPerfV41_ThroughputAtTheConstraintsWithinTwentyFivePercent(string gpu, int tp, int replicas, int maxBatch, double measuredRate, int outputMean)
    {
        var deployment = gpu == "MI300X" ? AmdServer() : NvidiaServer(gpu, tp, replicas, maxBatch);
        var options = new ServingSimulationOptions { RecordRequestOutcomes = false, Slo = ServingSlo.MlPerfLlama2Server };
        // Five simulated minutes: a shorter run of an overloaded fleet has not built its queue yet and can look fine.
        bool Meets(double rate) => s_simulator.Simulate(deployment, ServingWorkload.Poisson(rate, (int)(rate * 300), MlPerfOpenOrca.Input, TokenLengths.Fixed(outputMean), seed: 1), options).MeetsSlo == true;

        Assert.True(Meets(0.75 * measuredRate), "misses the constraints at 0.75× the published rate");
        Assert.False(Meets(1.25 * measuredRate), "still meets the constraints at 1.25× the published rate");
    }

    // The iteration the published operating point implies (Little's law: completed rate × mean latency requests in
    // flight per replica, decoding at context I + O/2, plus the prompts that arrive during one TPOT) takes within ±25%
    // of the published mean TPOT, streaming included (the H100 row is in-sample: the streaming cost was fitted on it).
    [Theory]
    [InlineData("H100-SXM", 2, 4, 1024, 74.42, 44.95, 0.1550, 290)]
    [InlineData("H200", 1, 8, 896, 100.35, 35.85, 0.1233, 291)]
    [InlineData("L40S", 4, 2, 1024, 10.97, 42.01, 0.1433, 293)]
    [InlineData("MI300X", 1, 8, 1024, 71.74, 42.84, 0.1431, 293)]
    public void Server_MlPerfV41_IterationOfThePublishedBatchWithinTwentyFivePercentOfTpot(string gpu, int tp, int replicas, int maxBatch, double completedRate, double meanLatency, double meanTpot, int outputMean)
    {
        var deployment = gpu == "MI300X" ? AmdServer() : NvidiaServer(gpu, tp, replicas, maxBatch);
        var (_, model) = s_simulator.Prepare(deployment);
        var load = IterationLoad.SteadyState(completedRate * meanLatency / replicas, completedRate / replicas * meanTpot, MlPerfOpenOrca.MeanInputTokens, outputMean);

        Assert.InRange(model.Seconds(in load) / meanTpot, 0.75, 1.25);
    }

    // AMD's 8×MI300X Server run: mean TTFT 1.0063 s at 73.66 scheduled queries/s (closed/AMD/results/8xMI300X_2xEPYC-9374F/
    // llama2-70b-99/Server/performance/run_1/mlperf_log_summary.txt). Most of it is the harness's batcher (half its 0.3 s
    // timeout on average) and the prefill of a whole batch of ~22 prompts on one GPU; without the batcher the simulated
    // TTFT is a fraction of the published one.
    [Fact]
    public void Server_MlPerfV41_Mi300xMeanTtftWithTheFrontBatcherWithinTwentyFivePercent()
    {
        var workload = ServingWorkload.Poisson(73.66, 12_000, MlPerfOpenOrca.Input, TokenLengths.Fixed(293), seed: 1);
        var options = new ServingSimulationOptions { RecordRequestOutcomes = false };

        var batched = s_simulator.Simulate(AmdServer(), workload, options).Ttft.Mean;
        var unbatched = s_simulator.Simulate(AmdServer() with { FrontBatcher = null }, workload, options).Ttft.Mean;

        Assert.InRange(batched / 1.0063, 0.75, 1.25);
        Assert.True(unbatched < 0.5 * 1.0063, $"without the batcher the mean TTFT is {unbatched} s");
    }
}

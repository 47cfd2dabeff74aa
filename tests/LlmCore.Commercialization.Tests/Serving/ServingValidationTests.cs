using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;
using LlmCore.Commercialization.Serving;
using LlmCore.Commercialization.Serving.Internal;

namespace LlmCore.Commercialization.Tests.Serving;

// The simulator with its calibrated factors against published measurements (the goal of issue 20: within ±25%).
// Sources: mlcommons/inference_results_v4.1@a2f5d66d, closed/<submitter>/results/<system>/llama2-70b-99/{Offline,Server}/
// performance/run_1/mlperf_log_summary.txt with the submitters' configurations (closed/NVIDIA/configs/llama2-70b,
// closed/Fujitsu/configs/llama2-70b, closed/AMD/code/llama2-70b-99.9, and the other submitters' configs/llama2-70b/Server);
// NVIDIA/TensorRT-LLM@00f37686 docs/source/performance/perf-overview.md. The logs give 290–294 output tokens per request
// (tokens/s ÷ samples/s); the prompts average 222 tokens (MlPerfOpenOrca). The full table is produced by
// `benchmarks/LlmCore.Benchmarks -- serving-validation`; the rows it misses are documented in docs/commercialization.md
// and not asserted here. The Server deployments stream every token as their harnesses do
// (closed/NVIDIA/code/harness/harness_llm/main_llm.cc: streaming unless Offline; closed/AMD/code/llama2-70b-99.9/VllmFp8/
// queue_llm.py, _run_engine); the streaming cost per sequence of each GPU was fitted on its reference Server run (NVIDIA's
// H100 and H200, AMD's MI300X, Fujitsu's L40S), so those runs are in-sample and the other submissions are held out.
// Category Validation: whole simulations at the published request rates, run by .ci/run without the coverage instrumentation
// (which slowed them to 25–54 s each; the simulator's code is covered by the unit tests of the first pass).
[Trait("Category", "Validation")]
public class ServingValidationTests
{
    private static readonly ServingSimulator s_simulator = new();
    private static readonly Dictionary<(string, double, int, int), ServingSimulationResult> s_atRate = [];

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

    // NVIDIA's harness routes as it is launched (closed/NVIDIA/code/common/harness.py, _construct_terminal_command: mpirun
    // only when TP or PP exceeds 1). Multi-process (TP2, TP4): loadgen's process sends each query to the group with the
    // fewest transactions in flight (llm_server.cc, getLeastBusyIdx). One process (TP1): IssueQuery appends to one request
    // queue, from which each GPU's batch manager takes work when it starts a step (llm_core.cc, getInferenceRequest).
    [Fact]
    public void MlPerfSubmissions_RouteAsTheHarnessIsLaunched()
    {
        Assert.Equal(RoutingPolicy.SharedQueue, MlPerfLlama2Submissions.ReferenceServer("H200").Routing);
        Assert.Equal(RoutingPolicy.SharedQueue, Nvidia("H200", 1, 8, 806).Routing);
        Assert.Equal(RoutingPolicy.LeastOutstandingRequests, MlPerfLlama2Submissions.ReferenceServer("H100-SXM").Routing);
        Assert.Equal(RoutingPolicy.LeastOutstandingRequests, MlPerfLlama2Submissions.ReferenceServer("L40S").Routing);
        Assert.Equal(RoutingPolicy.LeastOutstandingRequests, MlPerfLlama2Submissions.H100Hgx4Server().Routing);
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

    // MLPerf Inference v4.1 Server, the reference runs (the streaming cost per sequence of each GPU was fitted on its run): the
    // highest rate meeting TTFT ≤ 2 s and TPOT ≤ 200 ms at p99 lies within ±25% of the published rate when the simulation
    // meets the constraints at 0.75× and misses them at 1.25× that rate. The Server deployments stream every token.
    [Theory]
    [InlineData("H100-SXM", 2, 4, 1024, 74.42, 290)] // Completed samples per second of the log
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
    // flight per replica, decoding at context I + O/2, plus the prompts that arrive during one TPOT) against the published
    // mean TPOT, streaming included. On the reference runs the streaming cost per sequence of ServingCalibration is the fit
    // of exactly this row (benchmarks: LLMCORE_SERVING_VALIDATION=fit-streaming gives 42.6, 20.2, 69.5 and 3.69 µs; the
    // calibration keeps two figures), so it holds to 1%: a change to the iteration model or to the constants without a
    // refit fails here.
    [Theory]
    [InlineData("H100-SXM", 2, 4, 1024, 74.42, 44.95, 0.1550, 290)] // NVIDIA DGX-H100_H100-SXM-80GBx8_TRT
    [InlineData("H200", 1, 8, 896, 100.35, 35.85, 0.1233, 291)] // NVIDIA H200-SXM-141GBx8_TRT
    [InlineData("L40S", 4, 2, 1024, 10.97, 42.01, 0.1433, 293)] // Fujitsu CDI_L40Sx8_TRT
    [InlineData("MI300X", 1, 8, 1024, 71.74, 42.84, 0.1431, 293)] // AMD 8xMI300X_2xEPYC-9374F
    public void Server_MlPerfV41_ReferenceRuns_StreamingCostFitsTheirIterationToOnePercent(string gpu, int tp, int replicas, int maxBatch, double completedRate, double meanLatency, double meanTpot, int outputMean) =>
        Assert.InRange(IterationOfPublishedBatch(gpu, tp, replicas, maxBatch, completedRate, meanLatency, meanTpot, outputMean) / meanTpot, 0.99, 1.01);

    // The same row on the held-out submissions: every other closed v4.1 Server run of Llama-2-70B on eight of the same GPUs
    // with the same harness settings (TP, batch: their configs/llama2-70b/Server; left out: NVIDIA's H200 with Triton,
    // another front end, and Dell's MI300X, vLLM's AsyncServer script). The fitted costs carry over: each iteration lies
    // within ±10% of the submission's mean TPOT (0.97–1.09), although the hosts differ. Figures: completed samples/s, mean
    // latency (s), mean TPOT (s) and tokens/s ÷ samples/s of each log.
    [Theory]
    [InlineData("H200", 1, 8, 896, 101.96, 38.4382, 0.131974, 292)] // Dell XE9680_H200_SXM_141GBx8_TRT
    [InlineData("H200", 1, 8, 896, 101.87, 48.4198, 0.166277, 292)] // GigaComputing GIGABYTE_G593_SD1_H200_SXM_141GBx8_TRT
    [InlineData("H200", 1, 8, 896, 103.37, 46.7813, 0.161076, 291)] // Lenovo H200_SXM_141GBx8_TRT
    [InlineData("H200", 1, 8, 896, 104.35, 47.1001, 0.161746, 292)] // Lenovo Lenovo_8xH200_TRT
    [InlineData("H100-SXM", 2, 4, 1024, 74.42, 46.9943, 0.162108, 290)] // Dell XE9680_H100_SXM_80GBx8_TRT
    [InlineData("H100-SXM", 2, 4, 1024, 74.41, 48.1238, 0.166006, 290)] // Google DGX-H100_H100-SXM-80GBx8_TRT
    [InlineData("H100-SXM", 2, 4, 1024, 79.52, 36.923, 0.126987, 291)] // HPE HPE_Cray_XD670_H100_SXM_80GBx8_TRT
    [InlineData("H100-SXM", 2, 4, 1024, 81.69, 45.8404, 0.158018, 290)] // Supermicro AS_4125GS_TNHR2_LCC_H100_SXM_80GBx8_TRT
    [InlineData("H100-SXM", 2, 4, 1024, 75.06, 49.7674, 0.171005, 290)] // Supermicro AS_8125GS_TNHR_H100_SXM_80GBx8_TRT
    [InlineData("H100-SXM", 2, 4, 1024, 75.45, 50.3504, 0.173382, 290)] // Supermicro SYS_421GE_TNHR2_LCC_H100_SXM_80GBx8_TRT
    [InlineData("H100-SXM", 2, 4, 1024, 75.78, 49.4078, 0.17037, 290)] // Supermicro SYS_821GE_TNHR_H100_SXM_80GBx8_TRT
    [InlineData("H100-SXM", 2, 4, 1024, 73.01, 49.5604, 0.169767, 292)] // Sustainable_Metal_Cloud SMC_H100_SXM_80GBX8_TRT
    [InlineData("H100-SXM", 2, 4, 1024, 70.83, 33.509, 0.115216, 291)] // ASUSTeK ESC_N8_E11_H100x8_TRT
    [InlineData("MI300X", 1, 8, 1024, 74.96, 42.9276, 0.143075, 294)] // AMD 8xMI300X_2xEPYC-TURIN
    public void Server_MlPerfV41_HeldOutRuns_IterationOfThePublishedBatchWithinTenPercentOfTpot(string gpu, int tp, int replicas, int maxBatch, double completedRate, double meanLatency, double meanTpot, int outputMean) =>
        Assert.InRange(IterationOfPublishedBatch(gpu, tp, replicas, maxBatch, completedRate, meanLatency, meanTpot, outputMean) / meanTpot, 0.90, 1.10);

    // The replica alone: the single-GPU H200-class Server runs of the same harness measure mean TTFT ÷ mean TPOT 1.74
    // (NVIDIA H200-SXM-141GB-CTSx1_TRT, 0.238221 / 0.137197 s) and 1.73 (NVIDIA
    // GH200-GraceHopper-Superchip_GH200-144GB_aarch64x1_TRT, 0.279692 / 0.161348 s; HPE's 0.274707 / 0.158315 s), and one
    // simulated H200 replica at the reference run's load per replica gives the same within ±10%. (Faster parts than the
    // H200, so only the ratio is compared; eight replicas sharing the queue measure 1.55–1.64, below the test.)
    [Fact]
    public void Server_MlPerfV41_OneH200Replica_TtftOverTpotWithinTenPercentOfTheSingleGpuRuns()
    {
        var one = MlPerfLlama2Submissions.ReferenceServer("H200") with { Replicas = 1 };
        var result = s_simulator.Simulate(one, ServingWorkload.Poisson(101.25 / 8, 245_760 / 8, MlPerfOpenOrca.Input, TokenLengths.Fixed(291), seed: 1), new ServingSimulationOptions { RecordRequestOutcomes = false });
        var measured = new[] { 0.238221 / 0.137197, 0.279692 / 0.161348, 0.274707 / 0.158315 }.Average();

        Assert.InRange(result.Ttft.Mean / result.Tpot.Mean / measured, 0.90, 1.10);
    }

    // The three 4-GPU HGX H100 boards among the v4.1 Server submissions, with the settings of the 8-GPU runs (TP2, batch
    // 1,024: two replicas). Their system descriptions (systems/*.json) give 6 NVLinks per GPU pair against 18 on the
    // NVSwitch boards, so each tensor-parallel pair all-reduces at a third of the bandwidth: with that (no fitted value)
    // the iteration of each published batch lies within ±10% of its mean TPOT (1.01–1.03); at the GPU's own 900 GB/s it
    // would be 11–12% short. Figures: completed samples/s, mean latency (s), mean TPOT (s), tokens/s ÷ samples/s.
    [Theory]
    [InlineData(32.73, 48.2325, 0.165954, 291)] // Dell XE8640_H100_SXM_80GBx4_TRT
    [InlineData(30.81, 34.6334, 0.119451, 290)] // Dell XE9640_H100_SXM_80GBx4_TRT
    [InlineData(32.72, 48.3589, 0.166844, 290)] // Fujitsu GX2560M7_H100_SXM_80GBx4_TRT
    public void Server_MlPerfV41_Hgx4H100Runs_IterationOfThePublishedBatchWithinTenPercentOfTpot(double completedRate, double meanLatency, double meanTpot, int outputMean)
    {
        var board = MlPerfLlama2Submissions.H100Hgx4Server();

        Assert.InRange(IterationOfPublishedBatch(board, completedRate, meanLatency, meanTpot, outputMean) / meanTpot, 0.90, 1.10);
        Assert.True(IterationOfPublishedBatch(board with { InterconnectBytesPerSecond = null }, completedRate, meanLatency, meanTpot, outputMean) / meanTpot < 0.90);
    }

    // At its scheduled rate the XE9640 run's mean TTFT and TPOT are reproduced within ±25% (1.08, 1.10). The XE8640 and
    // GX2560M7 runs at 32.97 req/s lie past the simulated knee of that board (their iteration rows are 1.03: the simulated
    // board is a little slower than theirs), so the simulated queue grows (TTFT 37–49×, TPOT 1.25–1.26); not asserted.
    [Fact]
    public void Server_MlPerfV41_Hgx4H100XE9640_MeanTtftAndTpotAtThePublishedRateWithinTwentyFivePercent()
    {
        var result = s_simulator.Simulate(MlPerfLlama2Submissions.H100Hgx4Server(), ServingWorkload.Poisson(30.97, 98_304, MlPerfOpenOrca.Input, TokenLengths.Fixed(290), seed: 1), new ServingSimulationOptions { RecordRequestOutcomes = false });

        Assert.InRange(result.Ttft.Mean / 0.210763, 0.75, 1.25);
        Assert.InRange(result.Tpot.Mean / 0.119451, 0.75, 1.25);
    }

    // The reference runs' mean TPOT at the scheduled rate of their logs, over as many queries as loadgen generated
    // (generated_query_count of mlperf_log_detail.txt): a prediction of the queueing and batching given the fitted iteration
    // (simulated/measured 1.06, 1.01, 1.04, 1.01).
    [Theory]
    [InlineData("H100-SXM", 2, 4, 1024, 75.10, 196_608, 0.1550, 290)]
    [InlineData("H200", 1, 8, 896, 101.25, 245_760, 0.1233, 291)]
    [InlineData("L40S", 4, 2, 1024, 11.02, 49_152, 0.1433, 293)]
    [InlineData("MI300X", 1, 8, 1024, 73.66, 49_152, 0.1431, 293)]
    public void Server_MlPerfV41_ReferenceRuns_MeanTpotAtThePublishedRateWithinTwentyFivePercent(string gpu, int tp, int replicas, int maxBatch, double rate, int queries, double meanTpot, int outputMean)
    {
        Assert.Equal(gpu == "MI300X" ? AmdServer() : NvidiaServer(gpu, tp, replicas, maxBatch), MlPerfLlama2Submissions.ReferenceServer(gpu));

        Assert.InRange(ReferenceDeploymentAt(gpu, rate, queries, outputMean).Tpot.Mean / meanTpot, 0.75, 1.25);
    }

    // Their mean TTFT at the same rates (simulated/measured 1.05, 0.98, 0.92, 1.01). The H200 run is one process whose GPUs
    // take work from one queue (MlPerfLlama2Submissions.Nvidia); behind the multi-process harness's router (fewest in
    // flight) the same replicas would wait most of an iteration for their prefill, 1.27 of measured (asserted below).
    [Theory]
    [InlineData("H100-SXM", 75.10, 196_608, 0.2759, 290)]
    [InlineData("H200", 101.25, 245_760, 0.1983, 291)]
    [InlineData("L40S", 11.02, 49_152, 0.2913, 293)]
    [InlineData("MI300X", 73.66, 49_152, 1.0063, 293)]
    public void Server_MlPerfV41_ReferenceRuns_MeanTtftAtThePublishedRateWithinTwentyFivePercent(string gpu, double rate, int queries, double meanTtft, int outputMean) =>
        Assert.InRange(ReferenceDeploymentAt(gpu, rate, queries, outputMean).Ttft.Mean / meanTtft, 0.75, 1.25);

    // The H200 run's TTFT depends on the queue being shared: the same eight replicas behind the router of fewest requests in
    // flight give 0.2515 s against the measured 0.1983 s (an arrival joins the replica whose iteration has just begun).
    [Fact]
    public void Server_MlPerfV41_H200_BehindTheMultiProcessRouter_TtftWouldMissByMoreThanTwentyFivePercent()
    {
        var routed = MlPerfLlama2Submissions.ReferenceServer("H200") with { Routing = RoutingPolicy.LeastOutstandingRequests };
        var result = s_simulator.Simulate(routed, ServingWorkload.Poisson(101.25, 245_760, MlPerfOpenOrca.Input, TokenLengths.Fixed(291), seed: 1), new ServingSimulationOptions { RecordRequestOutcomes = false });

        Assert.True(result.Ttft.Mean / 0.1983 > 1.25, $"{result.Ttft.Mean / 0.1983:F2}");
    }

    // The percentiles the benchmark's constraints are on: the reference runs' 99th percentile TTFT and TPOT at their
    // scheduled rate (result_first_token_99.00_percentile_latency_ns and result_time_per_output_token_99.00_percentile_ns of
    // each mlperf_log_detail.txt; simulated/measured 0.93, 0.87, 0.84, 0.82 and 1.05, 0.99, 1.19, 0.98).
    [Theory]
    [InlineData("H100-SXM", 75.10, 196_608, 290, 0.461278, 0.175354)]
    [InlineData("H200", 101.25, 245_760, 291, 0.452744, 0.146040)]
    [InlineData("L40S", 11.02, 49_152, 293, 0.664223, 0.176639)]
    [InlineData("MI300X", 73.66, 49_152, 293, 1.604171, 0.197874)]
    public void Server_MlPerfV41_ReferenceRuns_P99TtftAndTpotAtThePublishedRateWithinTwentyFivePercent(string gpu, double rate, int queries, int outputMean, double p99Ttft, double p99Tpot)
    {
        var result = ReferenceDeploymentAt(gpu, rate, queries, outputMean);

        Assert.InRange(result.Ttft.P99 / p99Ttft, 0.75, 1.25);
        Assert.InRange(result.Tpot.P99 / p99Tpot, 0.75, 1.25);
    }

    // The held-out submissions' mean TPOT at their scheduled rates, over their generated queries (mlperf_log_detail.txt):
    // the 12 of 14 within ±25% (0.82–1.16). Not asserted: HPE's XD670 (1.43) and AMD's Turin host (1.28), whose hosts ran
    // faster than the reference's (docs/commercialization.md, "Validation").
    [Theory]
    [InlineData("H200", 102.71, 270_336, 0.131974, 292)] // Dell XE9680
    [InlineData("H200", 102.71, 270_336, 0.166277, 292)] // GIGABYTE G593-SD1
    [InlineData("H200", 104.21, 270_336, 0.161076, 291)] // Lenovo H200_SXM_141GBx8
    [InlineData("H200", 105.21, 270_336, 0.161746, 292)] // Lenovo Lenovo_8xH200
    [InlineData("H100-SXM", 75.10, 196_608, 0.162108, 290)] // Dell XE9680
    [InlineData("H100-SXM", 75.10, 196_608, 0.166006, 290)] // Google DGX-H100
    [InlineData("H100-SXM", 82.37, 221_184, 0.158018, 290)] // Supermicro AS-4125GS-TNHR2-LCC
    [InlineData("H100-SXM", 75.78, 196_608, 0.171005, 290)] // Supermicro AS-8125GS-TNHR
    [InlineData("H100-SXM", 76.18, 196_608, 0.173382, 290)] // Supermicro SYS-421GE-TNHR2-LCC
    [InlineData("H100-SXM", 76.50, 196_608, 0.17037, 290)] // Supermicro SYS-821GE-TNHR
    [InlineData("H100-SXM", 73.59, 196_608, 0.169767, 292)] // Sustainable Metal Cloud
    [InlineData("H100-SXM", 71.32, 172_032, 0.115216, 291)] // ASUSTeK ESC N8-E11
    public void Server_MlPerfV41_HeldOutRuns_MeanTpotAtThePublishedRateWithinTwentyFivePercent(string gpu, double rate, int queries, double meanTpot, int outputMean) =>
        Assert.InRange(ReferenceDeploymentAt(gpu, rate, queries, outputMean).Tpot.Mean / meanTpot, 0.75, 1.25);

    // Their mean TTFT: the 9 of 14 within ±25% (0.81–1.02). Not asserted: the four H100 runs at or past the simulated knee
    // of about 76 req/s (HPE 80.10, Supermicro 75.78–82.37: 2.7× to 338×).
    [Theory]
    [InlineData("H200", 102.71, 270_336, 0.209033, 292)] // Dell XE9680
    [InlineData("H200", 102.71, 270_336, 0.25886, 292)] // GIGABYTE G593-SD1
    [InlineData("H200", 104.21, 270_336, 0.251921, 291)] // Lenovo H200_SXM_141GBx8
    [InlineData("H200", 105.21, 270_336, 0.25323, 292)] // Lenovo Lenovo_8xH200
    [InlineData("H100-SXM", 75.10, 196_608, 0.28863, 290)] // Dell XE9680
    [InlineData("H100-SXM", 75.10, 196_608, 0.295408, 290)] // Google DGX-H100
    [InlineData("H100-SXM", 73.59, 196_608, 0.302793, 292)] // Sustainable Metal Cloud
    [InlineData("H100-SXM", 71.32, 172_032, 0.205019, 291)] // ASUSTeK ESC N8-E11
    [InlineData("MI300X", 76.17, 49_152, 1.03839, 294)] // AMD 8xMI300X_2xEPYC-TURIN
    public void Server_MlPerfV41_HeldOutRuns_MeanTtftAtThePublishedRateWithinTwentyFivePercent(string gpu, double rate, int queries, double meanTtft, int outputMean) =>
        Assert.InRange(ReferenceDeploymentAt(gpu, rate, queries, outputMean).Ttft.Mean / meanTtft, 0.75, 1.25);

    // One simulation per run of a GPU's reference deployment at a rate, shared by the theories above (the same seed as the
    // benchmark's table).
    private static ServingSimulationResult ReferenceDeploymentAt(string gpu, double rate, int queries, int outputMean)
    {
        var key = (gpu, rate, queries, outputMean);
        lock (s_atRate)
        {
            if (!s_atRate.TryGetValue(key, out var result))
            {
                result = s_simulator.Simulate(MlPerfLlama2Submissions.ReferenceServer(gpu), ServingWorkload.Poisson(rate, queries, MlPerfOpenOrca.Input, TokenLengths.Fixed(outputMean), seed: 1), new ServingSimulationOptions { RecordRequestOutcomes = false });
                s_atRate[key] = result;
            }

            return result;
        }
    }

    private static double IterationOfPublishedBatch(string gpu, int tp, int replicas, int maxBatch, double completedRate, double meanLatency, double meanTpot, int outputMean) =>
        IterationOfPublishedBatch(gpu == "MI300X" ? AmdServer() : NvidiaServer(gpu, tp, replicas, maxBatch), completedRate, meanLatency, meanTpot, outputMean);

    private static double IterationOfPublishedBatch(ServingDeployment deployment, double completedRate, double meanLatency, double meanTpot, int outputMean)
    {
        var (_, model) = s_simulator.Prepare(deployment);
        var replicas = deployment.Replicas;
        var load = IterationLoad.SteadyState(completedRate * meanLatency / replicas, completedRate / replicas * meanTpot, MlPerfOpenOrca.MeanInputTokens, outputMean);
        return model.Seconds(in load);
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

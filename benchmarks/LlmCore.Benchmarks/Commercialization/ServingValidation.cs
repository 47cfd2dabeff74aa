using System.Globalization;
using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;
using LlmCore.Commercialization.Serving;
using LlmCore.Commercialization.Serving.Internal;

namespace LlmCore.Benchmarks.Commercialization;

/// <summary>
/// Reproduces the validation table of docs/commercialization.md: the serving simulator (with the factors of
/// <see cref="ServingCalibration"/>) against published measurements. Run with
/// <c>dotnet run -c Release --project benchmarks/LlmCore.Benchmarks -- serving-validation</c>.
/// </summary>
/// <remarks>
/// <para>Sources: mlcommons/inference_results_v4.1@a2f5d66d, closed/{NVIDIA,AMD,Fujitsu}/results/*/llama2-70b-99/{Offline,Server}/
/// performance/run_1/mlperf_log_summary.txt, with the submitters' configurations (closed/NVIDIA/configs/llama2-70b and
/// closed/NVIDIA/code/harness/harness_llm/main_llm.cc, closed/Fujitsu/configs/llama2-70b, closed/AMD/code/llama2-70b-99.9);
/// NVIDIA/TensorRT-LLM@00f37686 docs/source/performance/perf-overview.md.</para>
/// <para>Workload (<see cref="MlPerfOpenOrca"/>): the 24,576 OpenOrca prompts of MLPerf's Llama-2-70B benchmark average
/// 222.3 input tokens; each log gives its mean output (tokens/s ÷ samples/s, 290–293).</para>
/// </remarks>
internal static class ServingValidation
{
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    public static void Run(TextWriter output)
    {
        var simulator = new ServingSimulator();
        // LLMCORE_SERVING_VALIDATION=server or =mlperf-offline runs one part of the table.
        var part = Environment.GetEnvironmentVariable("LLMCORE_SERVING_VALIDATION");
        var serverOnly = part == "server";
        var offlineOnly = part == "mlperf-offline";
        // LLMCORE_SERVING_VALIDATION=fit-streaming prints the streaming cost per sequence that makes each reference Server
        // run's iteration row exact (the values of ServingCalibration).
        if (part == "fit-streaming")
        {
            foreach (var r in ReferenceServerRuns())
            {
                var inFlight = r.Tokens / r.OutputMean * r.Latency;
                double At(double seconds) => OperatingPointIterationSeconds(simulator, r.Deployment with { Efficiency = ServingCalibration.For(r.Deployment.Gpu) with { StreamingSecondsPerSequence = seconds } }, inFlight, r.Tokens / r.OutputMean, r.Tpot, r.OutputMean);
                var fitted = (r.Tpot - At(0)) / ((At(1e-4) - At(0)) / 1e-4);
                output.WriteLine(string.Create(s_inv, $"{r.Name} ({r.Deployment.Gpu}): {fitted * 1e6:F2} µs per sequence per iteration"));
            }

            return;
        }

        // LLMCORE_SERVING_VALIDATION=routing prints mean TTFT ÷ mean TPOT of the H100 and H200 reference deployments under
        // each routing policy (the multi-process harness's fewest in flight, which the H100 run used; round robin; the shared
        // queue of the one-process harness, which the H200 run used), and for one replica at the same load per replica.
        if (part == "routing")
        {
            foreach (var r in ReferenceServerRuns().Where(static r => r.Deployment.Gpu is "H100-SXM" or "H200"))
            {
                var perReplica = r.Rate / r.Deployment.Replicas;
                foreach (var (label, deployment, rate) in new[]
                {
                    ($"{r.Deployment.Replicas} replicas, fewest in flight", r.Deployment with { Routing = RoutingPolicy.LeastOutstandingRequests }, r.Rate),
                    ($"{r.Deployment.Replicas} replicas, round robin", r.Deployment with { Routing = RoutingPolicy.RoundRobin }, r.Rate),
                    ($"{r.Deployment.Replicas} replicas, shared queue", r.Deployment with { Routing = RoutingPolicy.SharedQueue }, r.Rate),
                    ("1 replica", r.Deployment with { Replicas = 1 }, perReplica),
                })
                {
                    var result = AtRate(simulator, deployment, rate, (int)Math.Round(r.Queries * rate / r.Rate), r.OutputMean);
                    output.WriteLine(string.Create(s_inv, $"{r.Name} ({r.Deployment.Gpu}), {label}, {rate:G4} req/s: mean TTFT {result.Ttft.Mean:F4} s, mean TPOT {result.Tpot.Mean:F4} s, TTFT/TPOT {result.Ttft.Mean / result.Tpot.Mean:F2}"));
                }
            }

            return;
        }

        // LLMCORE_SERVING_VALIDATION=percentiles prints the TTFT and TPOT percentiles of the reference runs at their scheduled
        // rate against those of their logs (result_first_token_*_percentile_latency_ns, result_time_per_output_token_*_percentile_ns
        // of each mlperf_log_detail.txt; the constraints of the benchmark are on the 99th).
        if (part == "percentiles")
        {
            var published = new Dictionary<string, (double[] Ttft, double[] Tpot)>
            {
                ["8×H100"] = ([0.272955, 0.372923, 0.461278], [0.156419, 0.165773, 0.175354]),
                ["8×H200"] = ([0.180759, 0.309533, 0.452744], [0.124286, 0.133468, 0.146040]),
                ["8×MI300X"] = ([0.990199, 1.319204, 1.604171], [0.143943, 0.175936, 0.197874]),
                ["8×L40S"] = ([0.266024, 0.447128, 0.664223], [0.142678, 0.159801, 0.176639]),
            };
            output.WriteLine("| run | p50 TTFT | p90 TTFT | p99 TTFT | p50 TPOT | p90 TPOT | p99 TPOT |");
            output.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var r in ReferenceServerRuns())
            {
                var result = AtRate(simulator, r.Deployment, r.Rate, r.Queries, r.OutputMean);
                var (ttft, tpot) = published[r.Name];
                string Cell(double measured, double simulated) => string.Create(s_inv, $"{measured:F3} / {simulated:F3} ({simulated / measured:F2})");
                output.WriteLine($"| {r.Name} | {Cell(ttft[0], result.Ttft.P50)} | {Cell(ttft[1], result.Ttft.P90)} | {Cell(ttft[2], result.Ttft.P99)} | {Cell(tpot[0], result.Tpot.P50)} | {Cell(tpot[1], result.Tpot.P90)} | {Cell(tpot[2], result.Tpot.P99)} |");
            }

            return;
        }

        output.WriteLine("| row | measured | simulated | ratio | set |");
        output.WriteLine("|---|---:|---:|---:|---|");

        // MLPerf Inference v4.1 Offline (calibration set): the whole dataset arrives at once.
        foreach (var (name, deployment, measured, outputMean) in serverOnly ? [] : new[]
        {
            ("MLPerf v4.1 Offline, 8×H100 (TP2 ×4, TensorRT-LLM), tok/s", MlPerfLlama2Submissions.Nvidia("H100-SXM", 2, 4, 896), 24_524.9, 290),
            ("MLPerf v4.1 Offline, 8×H200 (TP1 ×8, TensorRT-LLM), tok/s", MlPerfLlama2Submissions.Nvidia("H200", 1, 8, 806), 31_302.7, 291),
            ("MLPerf v4.1 Offline, 8×MI300X (TP1 ×8, vLLM), tok/s", MlPerfLlama2Submissions.AmdOffline(), 23_514.8, 293),
            ("MLPerf v4.1 Offline, 8×L40S (TP4 ×2, TensorRT-LLM), tok/s", MlPerfLlama2Submissions.Nvidia("L40S", 4, 2, 1024), 3_717.74, 293),
        })
        {
            var result = simulator.Simulate(deployment, ServingWorkload.Batch(2000 * deployment.Replicas, MlPerfOpenOrca.Input, TokenLengths.Fixed(outputMean)), Quiet());
            Row(output, name, measured, result.ThroughputTokensPerSecond, "calibration");
        }

        // TensorRT-LLM perf-overview (calibration set for the Hopper factor).
        foreach (var (model, gpu, tp, input, outputTokens, measured) in serverOnly || offlineOnly ? [] : TensorRtLlmRows())
        {
            var deployment = new ServingDeployment(model, gpu, tp, 1, 1) { WeightPrecision = NumericPrecision.Fp8, MaxBatch = 2048, TokenBudget = 8192, Admission = AdmissionPolicy.ReserveFullSequence };
            var count = Math.Max(1000, 3_000_000 / (input + outputTokens));
            var result = simulator.Simulate(deployment, ServingWorkload.Batch(Math.Min(count, 30_000), TokenLengths.Fixed(input), TokenLengths.Fixed(outputTokens)), Quiet());
            Row(output, string.Create(s_inv, $"TensorRT-LLM perf-overview, {model.Name} {gpu} TP{tp} FP8, {input}/{outputTokens}, tok/s"), measured, result.ThroughputTokensPerSecond, "calibration");
        }

        // MLPerf Inference v4.1 Server, the reference submission of each GPU: throughput at the TTFT ≤ 2 s, TPOT ≤ 200 ms
        // constraints, and the mean TTFT and TPOT at the scheduled (offered) arrival rate of the log, over as many queries as
        // loadgen generated: the detail log's generated_query_count (mlperf_log_detail.txt of each run; loadgen rounds the
        // min_duration × rate queries up to a multiple of the 24,576 performance samples, so the runs lasted
        // generated_query_duration = 2,618 s, 2,427 s, 667 s and 4,458 s rather than the minimum durations 2,400, 2,400, 600
        // and 2,400 s). The streaming cost per sequence of each GPU (ServingCalibration) is fitted on its run's iteration row
        // (LLMCORE_SERVING_VALIDATION=fit-streaming prints the fit), so these rows are in-sample for it.
        foreach (var (name, deployment, rate, tokens, ttft, tpot, outputMean, latency, queries) in offlineOnly ? [] : ReferenceServerRuns())
        {
            // The Server deployments stream every token (MlPerfLlama2Submissions); the Offline runs above return whole responses.
            var streaming = deployment with { Efficiency = StreamingOverride(deployment.Gpu) };
            ServingSimulationResult Simulate(double r, double seconds) => simulator.Simulate(
                streaming,
                ServingWorkload.Poisson(r, (int)Math.Ceiling(r * seconds), MlPerfOpenOrca.Input, OutputLengths(outputMean), seed: 1),
                Quiet() with { Slo = ServingSlo.MlPerfLlama2Server });
            var at = AtRate(simulator, deployment, rate, queries, outputMean);
            var low = rate * 0.5;
            var high = rate * 2.0;
            while (Simulate(high, MlPerfOpenOrca.MinDurationSeconds).MeetsSlo == true)
            {
                low = high;
                high *= 1.5;
            }

            while (high / low > 1.005)
            {
                var mid = Math.Sqrt(low * high);
                if (Simulate(mid, MlPerfOpenOrca.MinDurationSeconds).MeetsSlo == true)
                {
                    low = mid;
                }
                else
                {
                    high = mid;
                }
            }

            Row(output, $"MLPerf v4.1 Server, {name}: tok/s at the constraints", tokens, low * outputMean, "reference");
            Row(output, $"MLPerf v4.1 Server, {name}: iteration time (s) of the measured batch vs mean TPOT", tpot, OperatingPointIterationSeconds(simulator, streaming, tokens / outputMean * latency, tokens / outputMean, tpot, outputMean), "fitted (streaming)");
            Row(output, string.Create(s_inv, $"MLPerf v4.1 Server, {name}: mean TTFT (s) at {rate} req/s"), ttft, at.Ttft.Mean, "reference");
            Row(output, string.Create(s_inv, $"MLPerf v4.1 Server, {name}: mean TPOT (s) at {rate} req/s"), tpot, at.Tpot.Mean, "reference");
        }

        // Held out: every other closed v4.1 Server submission of Llama-2-70B (99%) on eight of the same GPUs with the same
        // harness and settings as the reference run of that GPU (the submitters' configs/llama2-70b/Server: TP, batch size;
        // NVIDIA's harness_llm or AMD's SyncServer vLLM script), simulated with the reference's deployment at the
        // submission's own rate and query count; and the three 4-GPU HGX H100 boards with the same settings (two replicas,
        // each pair on 6 of the 18 NVLinks: MlPerfLlama2Submissions.H100Hgx4Server). Left out: NVIDIA's H200 with Triton
        // (another front end), Dell's MI300X (vLLM's AsyncServer script, another harness), the MaxQ and CTS (power-capped,
        // 1,000-W) systems, Juniper's 16- and 32-GPU runs (several nodes over a network), H100-NVL and PCIe boards.
        foreach (var (name, deployment, rate, tokens, ttft, tpot, outputMean, latency, queries) in offlineOnly ? [] : HeldOutServerRuns())
        {
            var at = AtRate(simulator, deployment, rate, queries, outputMean);
            Row(output, $"MLPerf v4.1 Server, {name}: iteration time (s) of the measured batch vs mean TPOT", tpot, OperatingPointIterationSeconds(simulator, deployment with { Efficiency = StreamingOverride(deployment.Gpu) }, tokens / outputMean * latency, tokens / outputMean, tpot, outputMean), "held out");
            Row(output, string.Create(s_inv, $"MLPerf v4.1 Server, {name}: mean TTFT (s) at {rate} req/s"), ttft, at.Ttft.Mean, "held out");
            Row(output, string.Create(s_inv, $"MLPerf v4.1 Server, {name}: mean TPOT (s) at {rate} req/s"), tpot, at.Tpot.Mean, "held out");
        }
    }

    /// <summary>The reference Server run of each GPU: name, deployment, scheduled rate (req/s), completed tokens/s, mean
    /// TTFT and TPOT (s), mean output tokens, mean latency (s) and generated queries of its logs.</summary>
    internal static IEnumerable<(string Name, ServingDeployment Deployment, double Rate, double Tokens, double Ttft, double Tpot, int OutputMean, double Latency, int Queries)> ReferenceServerRuns() =>
    [
        ("8×H100", MlPerfLlama2Submissions.ReferenceServer("H100-SXM"), 75.10, 21_605.79, 0.2759, 0.1550, 290, 44.95, 196_608),
        ("8×H200", MlPerfLlama2Submissions.ReferenceServer("H200"), 101.25, 29_228.22, 0.1983, 0.1233, 291, 35.85, 245_760),
        ("8×MI300X", MlPerfLlama2Submissions.ReferenceServer("MI300X"), 73.66, 21_028.23, 1.0063, 0.1431, 293, 42.84, 49_152),
        ("8×L40S", MlPerfLlama2Submissions.ReferenceServer("L40S"), 11.02, 3_218.55, 0.2913, 0.1433, 293, 42.01, 49_152),
    ];

    /// <summary>The held-out Server runs (mlcommons/inference_results_v4.1@198fc467, closed/&lt;submitter&gt;/results/&lt;system&gt;/llama2-70b-99/Server/performance/run_1/
    /// mlperf_log_summary.txt and mlperf_log_detail.txt), in the shape of <see cref="ReferenceServerRuns"/>: the mean output is
    /// completed tokens/s ÷ completed samples/s, rounded.</summary>
    internal static IEnumerable<(string Name, ServingDeployment Deployment, double Rate, double Tokens, double Ttft, double Tpot, int OutputMean, double Latency, int Queries)> HeldOutServerRuns()
    {
        var h100 = MlPerfLlama2Submissions.ReferenceServer("H100-SXM");
        var h200 = MlPerfLlama2Submissions.ReferenceServer("H200");
        return
        [
            ("8×H200 Dell XE9680", h200, 102.71, 29_739.88, 0.209033, 0.131974, 292, 38.4382, 270_336),
            ("8×H200 GIGABYTE G593-SD1", h200, 102.71, 29_715.28, 0.25886, 0.166277, 292, 48.4198, 270_336),
            ("8×H200 Lenovo (H200_SXM_141GBx8)", h200, 104.21, 30_068.50, 0.251921, 0.161076, 291, 46.7813, 270_336),
            ("8×H200 Lenovo (Lenovo_8xH200)", h200, 105.21, 30_438.66, 0.25323, 0.161746, 292, 47.1001, 270_336),
            ("8×H100 Dell XE9680", h100, 75.10, 21_589.17, 0.28863, 0.162108, 290, 46.9943, 196_608),
            ("8×H100 Google (DGX-H100)", h100, 75.10, 21_588.35, 0.295408, 0.166006, 290, 48.1238, 196_608),
            ("8×H100 HPE Cray XD670", h100, 80.10, 23_132.81, 0.228985, 0.126987, 291, 36.923, 196_608),
            ("8×H100 Supermicro AS-4125GS-TNHR2-LCC", h100, 82.37, 23_699.66, 0.314913, 0.158018, 290, 45.8404, 221_184),
            ("8×H100 Supermicro AS-8125GS-TNHR", h100, 75.78, 21_775.48, 0.435112, 0.171005, 290, 49.7674, 196_608),
            ("8×H100 Supermicro SYS-421GE-TNHR2-LCC", h100, 76.18, 21_888.60, 0.397689, 0.173382, 290, 50.3504, 196_608),
            ("8×H100 Supermicro SYS-821GE-TNHR", h100, 76.50, 21_986.02, 0.325362, 0.17037, 290, 49.4078, 196_608),
            ("8×H100 Sustainable Metal Cloud", h100, 73.59, 21_326.97, 0.302793, 0.169767, 292, 49.5604, 196_608),
            ("8×H100 ASUSTeK ESC N8-E11", h100, 71.32, 20_605.31, 0.205019, 0.115216, 291, 33.509, 172_032),
            ("4×H100 Dell XE8640", MlPerfLlama2Submissions.H100Hgx4Server(), 32.97, 9_522.20, 0.285922, 0.165954, 291, 48.2325, 98_304),
            ("4×H100 Dell XE9640", MlPerfLlama2Submissions.H100Hgx4Server(), 30.97, 8_937.82, 0.210763, 0.119451, 290, 34.6334, 98_304),
            ("4×H100 Fujitsu GX2560M7", MlPerfLlama2Submissions.H100Hgx4Server(), 32.97, 9_493.99, 0.289269, 0.166844, 290, 48.3589, 98_304),
            ("8×MI300X AMD (2× EPYC Turin)", MlPerfLlama2Submissions.ReferenceServer("MI300X"), 76.17, 22_020.92, 1.03839, 0.143075, 294, 42.9276, 49_152),
        ];
    }

    internal static IEnumerable<(ModelArchitecture Model, string Gpu, int Tp, int Input, int Output, double Measured)> TensorRtLlmRows()
    {
        var rows = new (int Input, int Output, double L70H100, double L70H200, double L8H100, double L8H200, double L405H100, double L405H200)[]
        {
            (128, 128, 6378, 3803, 28312, 27911, 3627, 3814),
            (128, 2048, 6651, 4336, 22714, 26221, 4340, 5348),
            (128, 4096, 4199, 2872, 14325, 18027, 3116, 4741),
            (500, 2000, 5222, 3666, 17660, 20770, 3994, 4724),
            (1000, 1000, 4205, 2909, 15220, 17744, 2919, 3330),
            (1000, 2000, 4146, 2994, 13899, 16828, 2895, 3722),
            (2048, 128, 762, 442, 3450, 3538, 453, 456),
            (2048, 2048, 3082, 2003, 9305, 12194, 2296, 2948),
            (5000, 500, 898, 566, 3459, 3902, 610, 650),
            (20000, 2000, 437, 283, 1351, 1804, 345, 505),
        };
        foreach (var r in rows)
        {
            yield return (ModelPresets.Llama31_70B, "H100-SXM", 2, r.Input, r.Output, r.L70H100);
            yield return (ModelPresets.Llama31_70B, "H200", 1, r.Input, r.Output, r.L70H200);
            yield return (ModelPresets.Llama31_8B, "H100-SXM", 1, r.Input, r.Output, r.L8H100);
            yield return (ModelPresets.Llama31_8B, "H200", 1, r.Input, r.Output, r.L8H200);
            yield return (ModelPresets.Llama31_405B, "H100-SXM", 8, r.Input, r.Output, r.L405H100);
            yield return (ModelPresets.Llama31_405B, "H200", 8, r.Input, r.Output, r.L405H200);
        }
    }

    /// <summary>
    /// The simulated time of one iteration of the batch the published figures imply (a check of the iteration-time model
    /// that does not go through the queueing fixed point): per replica, Little's law gives N = completed rate × mean
    /// latency requests in flight, all decoding at the mean context I + O/2, and λ·TPOT·I prompt tokens arrive per
    /// iteration.
    /// </summary>
    private static double OperatingPointIterationSeconds(ServingSimulator simulator, ServingDeployment deployment, double inFlight, double completedPerSecond, double tpot, int tokens)
    {
        var (_, model) = simulator.Prepare(deployment);
        var load = IterationLoad.SteadyState(inFlight / deployment.Replicas, completedPerSecond / deployment.Replicas * tpot, MlPerfOpenOrca.MeanInputTokens, tokens);
        return model.Seconds(in load);
    }

    /// <summary>The generated lengths: their mean (the logs publish nothing else); with LLMCORE_SERVING_OUTPUT_CV=c, a
    /// log-normal of that mean and coefficient of variation c clipped to [1, 1,024] (a sensitivity check, not a source).</summary>
    private static TokenLengths OutputLengths(int mean) =>
        double.TryParse(Environment.GetEnvironmentVariable("LLMCORE_SERVING_OUTPUT_CV"), NumberStyles.Float, s_inv, out var cv) && cv > 0
            ? TokenLengths.LogNormal(mean, cv, 1, 1024)
            : TokenLengths.Fixed(mean);

    /// <summary>With LLMCORE_SERVING_STREAMING_US=x, the calibrated factors of the GPU with x µs of streaming cost per
    /// sequence per iteration instead of the default (a sensitivity check, not a source); otherwise <see langword="null"/>.</summary>
    private static ServingEfficiency? StreamingOverride(string gpu) =>
        double.TryParse(Environment.GetEnvironmentVariable("LLMCORE_SERVING_STREAMING_US"), NumberStyles.Float, s_inv, out var us) && us >= 0
            ? ServingCalibration.For(gpu) with { StreamingSecondsPerSequence = us * 1e-6 }
            : null;

    /// <summary>A run's Server scenario: Poisson arrivals at <paramref name="rate"/> for <paramref name="queries"/> queries
    /// of MLPerf's prompt length and the run's mean output, seed 1 (the tests' seed), with the streaming-cost override if set.</summary>
    private static ServingSimulationResult AtRate(ServingSimulator simulator, ServingDeployment deployment, double rate, int queries, int outputMean) =>
        simulator.Simulate(deployment with { Efficiency = StreamingOverride(deployment.Gpu) }, ServingWorkload.Poisson(rate, queries, MlPerfOpenOrca.Input, OutputLengths(outputMean), seed: 1), Quiet());

    private static ServingSimulationOptions Quiet() => new() { RecordRequestOutcomes = false };

    private static void Row(TextWriter output, string name, double measured, double simulated, string set) =>
        output.WriteLine(string.Create(s_inv, $"| {name} | {measured:G5} | {simulated:G5} | {simulated / measured:F2} | {set} |"));
}

using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;

namespace LlmCore.Commercialization.Serving.Internal;

/// <summary>
/// The MLPerf Inference v4.1 Llama-2-70B submissions the serving validation replays, as deployments with each
/// submitter's settings (mlcommons/inference_results_v4.1@a2f5d66d: closed/NVIDIA/configs/llama2-70b and
/// closed/NVIDIA/code/harness/harness_llm, closed/Fujitsu/configs/llama2-70b, closed/AMD/code/llama2-70b-99.9).
/// Used by the serving-validation benchmark and its tests. Thread-safe (every call returns a new immutable deployment).
/// </summary>
internal static class MlPerfLlama2Submissions
{
    /// <summary>
    /// A TensorRT-LLM submission of NVIDIA's harness (also Fujitsu's): FP8 weights and KV cache, in-flight batching with
    /// <c>max_num_tokens</c> 4,096, the <c>max_util</c> capacity scheduler (the default of <c>trtllm_batch_sched_policy</c>
    /// in closed/NVIDIA/code/harness/harness_llm/main_llm.cc; no config overrides it), which admits while KV blocks are
    /// free and pauses requests when they run out. Context chunking is off in that harness (llm_core.cc), but every prompt
    /// (≤ 1,021 tokens) fits the 4,096-token budget, so only the split of a prompt over two iterations differs.
    /// </summary>
    /// <remarks>
    /// Routing follows how the harness is launched (closed/NVIDIA/code/common/harness.py,
    /// <c>_construct_terminal_command</c>: <c>mpirun</c> with one rank per GPU plus one for loadgen only when TP or PP
    /// exceeds 1). With TP &gt; 1 (main_llm.cc, multi-process) loadgen's process sends each query to the inference group
    /// with the fewest transactions in flight (llm_server.cc, <c>LLMServerLoadGen::getNextQueueIdx</c> under the default
    /// <c>traffic_distribution_policy</c> 2, <c>getLeastBusyIdx</c>): <see cref="RoutingPolicy.LeastOutstandingRequests"/>.
    /// With TP 1 the harness is one process (<c>LLMServerLeader</c>): <c>IssueQuery</c> appends every query to one request
    /// queue (there is one while <c>server_num_issue_query_threads</c> is 0, as in every v4.1 Llama-2-70B run's detail log),
    /// and each GPU's TensorRT-LLM batch manager takes waiting queries from it through its request callback
    /// (<c>LLMCore::getInferenceRequest</c>, up to the room in its batch) when it starts a step:
    /// <see cref="RoutingPolicy.SharedQueue"/>.
    /// </remarks>
    public static ServingDeployment Nvidia(string gpu, int tp, int replicas, int maxBatch) =>
        new(ModelPresets.Llama2_70B, gpu, tp, 1, replicas)
        {
            WeightPrecision = NumericPrecision.Fp8,
            MaxBatch = maxBatch,
            TokenBudget = 4096,
            Admission = AdmissionPolicy.ReservePrompt,
            Routing = tp == 1 ? RoutingPolicy.SharedQueue : RoutingPolicy.LeastOutstandingRequests,
        };

    /// <summary>
    /// <see cref="Nvidia"/> in the Server scenario: the harness streams every token (main_llm.cc sets streaming from
    /// generation_config.json, <c>"streaming": true</c>, unless the scenario is Offline, and reports each request's first
    /// token to loadgen), so each iteration pays <see cref="ServingEfficiency.StreamingSecondsPerSequence"/> per sequence.
    /// </summary>
    public static ServingDeployment NvidiaServer(string gpu, int tp, int replicas, int maxBatch) =>
        Nvidia(gpu, tp, replicas, maxBatch) with { StreamTokens = true };

    /// <summary>
    /// The Server deployment of a GPU's reference submission, which every other v4.1 Server submission of that GPU with the
    /// same harness also ran (their configs/llama2-70b/Server): NVIDIA's 8×H100 (TP2 ×4, batch 1,024) and 8×H200 (TP1 ×8,
    /// batch 896), Fujitsu's 8×L40S (TP4 ×2, batch 1,024), AMD's 8×MI300X (<see cref="AmdServer"/>).
    /// </summary>
    /// <param name="gpu">H100-SXM, H200, L40S or MI300X.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gpu"/> has no reference submission here.</exception>
    public static ServingDeployment ReferenceServer(string gpu) => gpu switch
    {
        "H100-SXM" => NvidiaServer(gpu, 2, 4, 1024),
        "H200" => NvidiaServer(gpu, 1, 8, 896),
        "L40S" => NvidiaServer(gpu, 4, 2, 1024),
        "MI300X" => AmdServer(),
        _ => throw new ArgumentOutOfRangeException(nameof(gpu), gpu, "expected H100-SXM, H200, L40S or MI300X."),
    };

    /// <summary>
    /// The Server deployment of the 4-GPU HGX H100 boards (Dell XE8640 and XE9640, Fujitsu GX2560M7; their
    /// configs/llama2-70b/Server: TP2, batch 1,024, so two replicas): <see cref="ReferenceServer"/> of H100-SXM on half the
    /// GPUs, with each tensor-parallel pair joined by 6 NVLink 4 links of 50 GB/s (their systems/*.json,
    /// <c>"accelerator_interconnect": "6x 4th Gen NVLink"</c>, against 18 on the 8-GPU boards), 300 GB/s.
    /// </summary>
    public static ServingDeployment H100Hgx4Server() =>
        ReferenceServer("H100-SXM") with { Replicas = 2, InterconnectBytesPerSecond = 6 * 50e9 };

    /// <summary>AMD's Offline vLLM run (mainVllmFp8_Offline.py): FP8 weights and KV cache, TP1 × 8, prefill-first
    /// scheduling, <c>max_num_seqs</c> 2,048, <c>max_num_batched_tokens</c> 65,536.</summary>
    public static ServingDeployment AmdOffline() =>
        new(ModelPresets.Llama2_70B, "MI300X", 1, 1, 8) { WeightPrecision = NumericPrecision.Fp8, MaxBatch = 2048, TokenBudget = 65_536, Batching = BatchingPolicy.PrefillFirst };

    /// <summary>
    /// AMD's Server run (test_VllmFp8_SyncServer_perf.sh → mainVllmFp8_SyncServer.py): vLLM TP1 × 8 with the argument
    /// defaults <c>max_num_seqs</c> 1,024 and <c>max_num_batched_tokens</c> 49,152, prefill-first scheduling, and
    /// <c>--enable-batcher</c>: the harness gathers queries for up to 0.3 s or 96 queries and sends each batch to the next
    /// engine in turn (sync_sut.py, <c>batch_samples_loop</c>, <c>next_device_id</c>). The engine loop streams: after
    /// every <c>llm_engine.step()</c> it puts each running request's new token on a multiprocessing queue (queue_llm.py,
    /// <c>_run_engine</c>), which the Offline run (<c>LLM.generate</c> per chunk) does not.
    /// </summary>
    public static ServingDeployment AmdServer() =>
        new(ModelPresets.Llama2_70B, "MI300X", 1, 1, 8)
        {
            WeightPrecision = NumericPrecision.Fp8,
            MaxBatch = 1024,
            TokenBudget = 49_152,
            Batching = BatchingPolicy.PrefillFirst,
            Routing = RoutingPolicy.RoundRobin,
            FrontBatcher = RequestBatcher.AmdMlPerfV41,
            StreamTokens = true,
        };
}

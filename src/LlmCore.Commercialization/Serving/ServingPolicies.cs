namespace LlmCore.Commercialization.Serving;

/// <summary>How a replica forms the batch of one iteration (iteration-level, "continuous" batching in both cases).</summary>
public enum BatchingPolicy
{
    /// <summary>
    /// Chunked prefill with a token budget (Sarathi-Serve, Agrawal et al. 2024, arXiv:2403.02310; vLLM V1; TensorRT-LLM
    /// in-flight batching): every running decode gets one token first, then unfinished prompts and newly admitted
    /// requests take chunks of the remaining budget, so prefills and decodes share an iteration.
    /// </summary>
    ChunkedPrefill = 0,

    /// <summary>
    /// Prefill first (vLLM V0's default scheduler, Kwon et al. 2023, arXiv:2309.06180): while a waiting prompt can be
    /// admitted the iteration prefills whole prompts (up to the token budget) and runs no decodes; otherwise it runs one
    /// decode step of every running request.
    /// </summary>
    PrefillFirst = 1,
}

/// <summary>How the router picks the replica of a new request (and, when serving is disaggregated, the decode replica of a prefilled one).</summary>
public enum RoutingPolicy
{
    /// <summary>The replica with the fewest requests waiting or running; ties go to the lowest index (join the shortest queue).</summary>
    LeastOutstandingRequests = 0,

    /// <summary>Replicas in turn, regardless of their load.</summary>
    RoundRobin = 1,

    /// <summary>
    /// No router: requests wait in one queue shared by the replicas (of the pool, when serving is disaggregated), and a
    /// replica takes the waiting requests, oldest first, when it plans its next iteration, as many as its batch has
    /// room for (<see cref="ServingDeployment.MaxBatch"/> less the requests it holds); an idle replica takes them at
    /// once (the lowest index first). So a request goes to whichever replica begins an iteration first after it
    /// arrives. This is how NVIDIA's MLPerf Inference harness serves a model that needs no tensor or pipeline
    /// parallelism: one process, one request queue, and one TensorRT-LLM batch manager per GPU that pulls new work at
    /// the start of each step (docs/commercialization.md, "How the harness routes").
    /// </summary>
    SharedQueue = 2,
}

/// <summary>When a replica admits a waiting request into its running batch (KV-cache admission control).</summary>
public enum AdmissionPolicy
{
    /// <summary>
    /// Admit when the KV cache has free blocks for the request's whole prompt; when running requests later need a block
    /// and none is free, preempt the latest admitted one and recompute it later (vLLM, Kwon et al. 2023, §4.5).
    /// </summary>
    ReservePrompt = 0,

    /// <summary>
    /// Admit only when the KV cache has free blocks for prompt and output together, so nothing is ever preempted
    /// (TensorRT-LLM's <c>GUARANTEED_NO_EVICT</c> scheduler with the request's output length as its token limit).
    /// </summary>
    ReserveFullSequence = 1,
}

using System.Globalization;
using LlmCore.Commercialization.Internal;

namespace LlmCore.Commercialization.Serving;

/// <summary>
/// The efficiency factors that turn a GPU's datasheet peaks into the iteration times of the serving simulator.
/// </summary>
/// <remarks>
/// <para>The simulator times an iteration as the sum of operator classes, each a roofline of its FLOPs and bytes:
/// t = max(c, m) + (1 − <see cref="ComputeMemoryOverlap"/>)·min(c, m) with c = FLOPs/(peak·<see cref="ComputeEfficiency"/>)
/// and m = bytes/(bandwidth·<see cref="MemoryBandwidthEfficiency"/>), plus tensor- and pipeline-parallel communication
/// (latency <see cref="CollectiveLatencySeconds"/> per collective, link bandwidth × <see cref="InterconnectEfficiency"/>)
/// and a fixed <see cref="IterationOverheadSeconds"/> (scheduling, sampling, kernel launches); a deployment that streams
/// every token (<see cref="ServingDeployment.StreamTokens"/>) also pays <see cref="StreamingSecondsPerSequence"/> for each
/// sequence of the iteration.</para>
/// <para>Leave <see cref="ServingDeployment.Efficiency"/> <see langword="null"/> for the factors calibrated on published
/// measurements (docs/commercialization.md, "Calibration"); set it to one of these to override them, e.g.
/// <c>ServingCalibration.For("H100-SXM") with { ComputeEfficiency = 0.45 }</c> to adjust one calibrated factor.</para>
/// <para>This type is immutable and thread-safe.</para>
/// </remarks>
public sealed record ServingEfficiency
{
    /// <summary>Creates a set of factors and checks them.</summary>
    /// <param name="computeEfficiency">η_c: the fraction of the dense peak that matrix products and attention reach, in (0, 1].</param>
    /// <param name="memoryBandwidthEfficiency">η_m: the fraction of peak memory bandwidth that weight and KV-cache reads reach, in (0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A factor is outside (0, 1], NaN or infinite.</exception>
    public ServingEfficiency(double computeEfficiency, double memoryBandwidthEfficiency)
    {
        Guard.Fraction(computeEfficiency);
        Guard.Fraction(memoryBandwidthEfficiency);
        ComputeEfficiency = computeEfficiency;
        MemoryBandwidthEfficiency = memoryBandwidthEfficiency;
    }

    /// <summary>Gets η_c, the fraction of the dense peak that matrix products and attention reach.</summary>
    public double ComputeEfficiency { get; }

    /// <summary>Gets η_m, the fraction of peak memory bandwidth that weight and KV-cache reads reach.</summary>
    public double MemoryBandwidthEfficiency { get; }

    /// <summary>Gets how much of the shorter of compute and memory time hides under the longer, in [0, 1]: 1 is the
    /// classic roofline max(c, m), 0 adds them.</summary>
    /// <value>The default value is 0: compute and memory time add up, as in every calibrated deployment (docs/commercialization.md, "Calibration").</value>
    public double ComputeMemoryOverlap { get; init; }

    /// <summary>Gets the fraction of the per-direction link bandwidth (half of <c>ServingDeployment.InterconnectBytesPerSecond</c>, by default the GPU's <c>GpuSpec.InterconnectBytesPerSecond</c>) that all-reduces and pipeline sends reach, in (0, 1].</summary>
    /// <value>The default value is 0.7 (NCCL bus bandwidth on NVLink is typically 70–80% of the link rate).</value>
    public double InterconnectEfficiency { get; init; } = 0.7;

    /// <summary>Gets the fixed latency of one collective or pipeline send, in seconds, ≥ 0.</summary>
    /// <value>The default value is 1e-5 (10 µs, the order of a small NCCL all-reduce inside a node).</value>
    public double CollectiveLatencySeconds { get; init; } = 1e-5;

    /// <summary>Gets the fixed cost of one iteration (scheduler, sampling, kernel launches), in seconds, ≥ 0.</summary>
    /// <value>The default value is 0.002.</value>
    public double IterationOverheadSeconds { get; init; } = 0.002;

    /// <summary>Gets the host time one iteration spends per sequence of its batch when the deployment streams every
    /// generated token back to the client (<see cref="ServingDeployment.StreamTokens"/>), in seconds, ≥ 0: a response
    /// callback, a queue hand-off and the first-token report per running request, on the serving loop's critical path.</summary>
    /// <value>The default value is 4.3e-5 (43 µs), fitted on the MLPerf Inference v4.1 Server run of 8×H100 (TensorRT-LLM,
    /// streaming on in Server and off in Offline: closed/NVIDIA/code/harness/harness_llm/main_llm.cc); it is also the value
    /// of every GPU without a Server run of its own. <see cref="ServingCalibration"/> fits it per GPU on each GPU's reference
    /// Server run (H200 20 µs, MI300X 69 µs, L40S 3.7 µs), and the fits hold on the 14 other submissions of those GPUs
    /// (docs/commercialization.md, "Validation"). Its order of magnitude matches vLLM's published output-processing cost
    /// (vllm-project/vllm issue 6913: 3.4 ms for a batch of 32, about 100 µs per sequence, Llama-3-70B on 4×H100).</value>
    public double StreamingSecondsPerSequence { get; init; } = 4.3e-5;

    /// <summary>Gets where the factors come from.</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>Checks the init-only factors.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A factor is out of range.</exception>
    public void Validate()
    {
        if (!double.IsFinite(ComputeMemoryOverlap) || ComputeMemoryOverlap < 0 || ComputeMemoryOverlap > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ComputeMemoryOverlap), ComputeMemoryOverlap, "must be in [0, 1].");
        }

        Guard.Fraction(InterconnectEfficiency);
        Guard.NonNegativeFinite(CollectiveLatencySeconds);
        Guard.NonNegativeFinite(IterationOverheadSeconds);
        Guard.NonNegativeFinite(StreamingSecondsPerSequence);
    }
}

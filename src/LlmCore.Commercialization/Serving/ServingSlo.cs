using LlmCore.Commercialization.Internal;

namespace LlmCore.Commercialization.Serving;

/// <summary>A latency target of a serving deployment: the 99th percentiles of time to first token (TTFT) and time per output token (TPOT).</summary>
/// <remarks>
/// <para>TTFT of a request = first token − arrival; TPOT = (completion − first token)/(output tokens − 1), the mean gap
/// between its later tokens (the MLPerf Inference and vLLM benchmark definitions). The deployment search requires both
/// percentiles over the simulated requests to be within the target; goodput counts the requests whose own TTFT and
/// TPOT are within it (DistServe's per-request attainment).</para>
/// <para>This type is immutable and thread-safe.</para>
/// </remarks>
public sealed record ServingSlo
{
    /// <summary>Creates a target.</summary>
    /// <param name="ttftP99Seconds">The 99th percentile of TTFT, seconds, finite and &gt; 0.</param>
    /// <param name="tpotP99Seconds">The 99th percentile of TPOT, seconds, finite and &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A target is not finite and &gt; 0.</exception>
    public ServingSlo(double ttftP99Seconds, double tpotP99Seconds)
    {
        Guard.PositiveFinite(ttftP99Seconds);
        Guard.PositiveFinite(tpotP99Seconds);
        TtftP99Seconds = ttftP99Seconds;
        TpotP99Seconds = tpotP99Seconds;
    }

    /// <summary>Gets the 99th-percentile TTFT target in seconds.</summary>
    public double TtftP99Seconds { get; }

    /// <summary>Gets the 99th-percentile TPOT target in seconds.</summary>
    public double TpotP99Seconds { get; }

    /// <summary>Gets the MLPerf Inference v4.1 Llama-2-70B Server constraints: TTFT ≤ 2 s and TPOT ≤ 200 ms at the 99th percentile
    /// (the <c>ttft_latency</c> and <c>tpot_latency</c> of the published <c>mlperf_log_summary.txt</c> files).</summary>
    public static ServingSlo MlPerfLlama2Server { get; } = new(2.0, 0.2);

    /// <summary>Gets whether latency statistics meet the target.</summary>
    /// <param name="ttft">TTFT statistics.</param>
    /// <param name="tpot">TPOT statistics.</param>
    /// <returns><see langword="true"/> when both 99th percentiles are within the target.</returns>
    public bool IsMetBy(LatencyStatistics ttft, LatencyStatistics tpot) => ttft.P99 <= TtftP99Seconds && tpot.P99 <= TpotP99Seconds;
}

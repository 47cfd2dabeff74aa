using System.Globalization;
using LlmCore.Commercialization.Internal;

namespace LlmCore.Commercialization.Serving;

/// <summary>
/// A batcher in front of the router: arriving requests wait in it and leave together, as one batch sent to one replica,
/// when <see cref="MaxRequests"/> have gathered or <see cref="TimeoutSeconds"/> have passed since the previous batch left.
/// </summary>
/// <remarks>
/// <para>This is the harness-side batching of AMD's MLPerf Inference v4.1 Llama-2-70B Server submission
/// (<c>--enable-batcher</c>; mlcommons/inference_results_v4.1@a2f5d66d, <c>closed/AMD/code/llama2-70b-99.9/VllmFp8/sync_sut.py</c>,
/// <c>batch_samples_loop</c>, with <c>--batcher-threshold</c> 0.3 s and <c>--gpu-batch-size</c> 96 from
/// <c>mainVllmFp8_SyncServer.py</c>): the loop sends a batch of at most 96 samples when 96 have gathered or 0.3 s have
/// passed since the last send, and each batch goes to the next vLLM engine in turn. The wait counts towards TTFT
/// (measured from the request's arrival).</para>
/// <para>The simulator releases a batch at the first instant the batch is non-empty and either condition holds: the
/// arrival that completes <see cref="MaxRequests"/>, the deadline (previous release + timeout) when requests are waiting,
/// or the first arrival after a deadline that found the batcher empty. The first deadline is the first arrival +
/// timeout. AMD's loop wakes on arrivals or after 0.3 s without one, so it releases up to one inter-arrival gap after the
/// deadline; the simulator releases at the deadline. The batch's replica follows <see cref="ServingDeployment.Routing"/>
/// (AMD: <see cref="RoutingPolicy.RoundRobin"/>).</para>
/// <para>This type is immutable and thread-safe.</para>
/// </remarks>
public sealed record RequestBatcher
{
    /// <summary>Creates a batcher.</summary>
    /// <param name="maxRequests">The most requests in one batch, ≥ 1.</param>
    /// <param name="timeoutSeconds">The longest time between two batches while requests wait, seconds, finite and &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A figure is out of range.</exception>
    public RequestBatcher(int maxRequests, double timeoutSeconds)
    {
        Guard.Positive(maxRequests);
        Guard.PositiveFinite(timeoutSeconds);
        MaxRequests = maxRequests;
        TimeoutSeconds = timeoutSeconds;
    }

    /// <summary>Gets the most requests in one batch.</summary>
    public int MaxRequests { get; init; }

    /// <summary>Gets the longest time, in seconds, between two batches while requests wait.</summary>
    public double TimeoutSeconds { get; init; }

    /// <summary>Gets the batcher of AMD's MLPerf Inference v4.1 Llama-2-70B Server harness: 96 requests or 0.3 s.</summary>
    public static RequestBatcher AmdMlPerfV41 { get; } = new(96, 0.3);

    /// <summary>Checks the settings (an <c>init</c> may have changed them).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A figure is out of range.</exception>
    public void Validate()
    {
        Guard.Positive(MaxRequests);
        Guard.PositiveFinite(TimeoutSeconds);
    }

    /// <summary>Describes the batcher, e.g. <c>batches of ≤ 96 or every 0.3 s</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"batches of ≤ {MaxRequests} or every {TimeoutSeconds:G4} s");
}

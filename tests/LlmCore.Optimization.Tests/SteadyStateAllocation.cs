namespace LlmCore.Optimization.Tests;

/// <summary>Measures what a hot path allocates on the calling thread once it is warm (linked into the Privacy tests).</summary>
internal static class SteadyStateAllocation
{
    /// <summary>
    /// The fewest bytes one round of <paramref name="work"/> allocates on the calling thread over five measured rounds:
    /// an allocation per call shows in every round, while the runtime's own occasional allocations on the thread (tiered
    /// compilation or a lazy allocation inside its synchronization while other tests run in parallel) do not repeat.
    /// </summary>
    /// <remarks>
    /// Each round starts with a full collection, so that a cache the runtime holds only weakly is gone when the round
    /// starts. <c>Enum.IsDefined</c> is one such: its per-type data hangs off a weak handle and is rebuilt (248 bytes)
    /// after the collection that frees it, so a hot path that called it allocated only when another thread's
    /// garbage happened to trigger a collection mid-round — a test that failed about once a day. With the collection
    /// here such a path fails every time.
    /// </remarks>
    public static long Fewest(Action work)
    {
        var least = long.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = GC.GetAllocatedBytesForCurrentThread();
            work();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}

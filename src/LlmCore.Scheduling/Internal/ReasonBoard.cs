namespace LlmCore.Scheduling.Internal;

/// <summary>What a pass leaves for the pending jobs it did not reach: a reason computed when someone asks.</summary>
internal interface IDeferredReasons
{
    /// <summary>The reason of a pending job the pass did not reach, or <see langword="null"/> to keep its last one.</summary>
    string? For(Job job);
}

/// <summary>The engine's pass counter and the deferred reasons of its latest pass, shared by its jobs. Not thread-safe.</summary>
internal sealed class ReasonBoard
{
    public long Stamp { get; set; }

    public IDeferredReasons? Deferred { get; set; }
}

using System.Globalization;

namespace LlmCore.Scheduling.Internal;

/// <summary>
/// A job's reason whose text is written only when someone reads it (<see cref="Job.Reason"/>), from values fixed when the
/// reason was given: a simulation gives millions of reasons (every blocked head, every preemption) and reads none, and
/// formatting them was a large share of what it allocated. The text is the one the eager code wrote, written once.
/// </summary>
internal abstract class LazyReason
{
    private string? _text;

    /// <summary>The reason's text (written on the first call).</summary>
    public override string ToString() => _text ??= Write();

    /// <summary>The text of a reason given as a string or a <see cref="LazyReason"/>.</summary>
    public static string? TextOf(object? reason) => reason as string ?? reason?.ToString();

    /// <summary>Writes the text.</summary>
    protected abstract string Write();
}

/// <summary>"preempted (reason) for job": the reason of a job a preemption sent back to the queue.</summary>
internal sealed class PreemptedReason(PreemptionReason reason, string forJobId) : LazyReason
{
    protected override string Write() => $"preempted ({reason}) for {forJobId}";
}

/// <summary>A blocked head's own reason: what it needs, the suitable GPUs free, and its reservation if any.</summary>
internal sealed class HeadReason(string description, int free, DateTimeOffset? reservedAt) : LazyReason
{
    protected override string Write()
    {
        var at = reservedAt is not { } r ? string.Empty : "; reserved to start by " + r.ToString("u", CultureInfo.InvariantCulture);
        return description + $"; {free} suitable GPUs free{at}";
    }
}

/// <summary>The reason of a job that waits behind a blocked head: without a reservation (strict order), because starting it
/// would delay the head's reservation, or for want of GPUs.</summary>
internal sealed class BehindHeadReason(string headId, DateTimeOffset? reservedAt, bool noRoom) : LazyReason
{
    protected override string Write() =>
        noRoom ? $"waiting for GPUs behind {headId}"
        : reservedAt is not { } at ? $"waiting behind {headId} (strict order: no reservation can be computed without runtime estimates)"
        : $"waiting: starting now would delay the reservation of {headId} at {at.ToString("u", CultureInfo.InvariantCulture)}";
}

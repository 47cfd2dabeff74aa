using System.Globalization;

namespace LlmCore.Scheduling.Metrics;

/// <summary>
/// Writes run segments as the <c>--events</c> CSV: a header <c>job_id,placement,gpus,start_s,end_s,outcome</c> and
/// one row per segment, invariant culture, outcomes in lower case.
/// </summary>
/// <remarks>This type is stateless and thread-safe.</remarks>
public static class RunSegmentCsv
{
    /// <summary>The header row.</summary>
    public const string Header = "job_id,placement,gpus,start_s,end_s,outcome";

    /// <summary>Writes the header and one row per segment, in the order given.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="segments">The segments.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static void Write(TextWriter writer, IEnumerable<JobRunSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(segments);
        writer.WriteLine(Header);
        foreach (var s in segments)
        {
            writer.Write(Escape(s.JobId));
            writer.Write(',');
            writer.Write(Escape(s.Placement));
            writer.Write(',');
            writer.Write(s.Gpus.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(s.StartSeconds.ToString("R", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(s.EndSeconds.ToString("R", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.WriteLine(OutcomeName(s.Outcome));
        }
    }

    /// <summary>The lower-case name of an outcome, as the CSV writes it.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns><c>completed</c>, <c>preempted</c>, <c>failed</c>, <c>cancelled</c> or <c>resized</c> (elastic jobs only).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="outcome"/> is not a defined value.</exception>
    internal static string OutcomeName(RunOutcome outcome) => outcome switch
    {
        RunOutcome.Completed => "completed",
        RunOutcome.Preempted => "preempted",
        RunOutcome.Failed => "failed",
        RunOutcome.Cancelled => "cancelled",
        RunOutcome.Resized => "resized",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown outcome."),
    };

    private static string Escape(string value) =>
        value.AsSpan().IndexOfAny(',', '"', '\n') < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

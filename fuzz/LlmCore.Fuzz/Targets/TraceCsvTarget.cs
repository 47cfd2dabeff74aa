using LlmCore.Scheduling.Simulation;

namespace LlmCore.Fuzz.Targets;

/// <summary>
/// The trace CSV of <c>llmcore schedule simulate</c>: <see cref="TraceReader.Read"/> documents
/// <see cref="TraceFormatException"/> for every malformed input.
/// </summary>
internal sealed class TraceCsvTarget : FuzzTarget
{
    public override string Name => "trace-csv";

    public override string Description => "TraceReader.Read on the bytes as UTF-8 CSV; accepts TraceFormatException";

    public override void Run(byte[] input)
    {
        Trace trace;
        try
        {
            using var reader = new StreamReader(new MemoryStream(input));
            trace = TraceReader.Read(reader, "fuzz.csv");
        }
        catch (TraceFormatException ex)
        {
            Check(ex.Errors.Count > 0 && ex.Errors.All(static e => e.Line >= 1), "a TraceFormatException names at least one line, each ≥ 1");
            return;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        var previous = double.NegativeInfinity;
        foreach (var job in trace.Jobs)
        {
            Check(job.Id.Length > 0 && job.Id == job.Id.Trim() && ids.Add(job.Id), "job ids are non-empty, trimmed and unique");
            Check(job.Spec.Gpus >= 1, "gpus ≥ 1");
            Check(double.IsFinite(job.SubmitSeconds) && job.SubmitSeconds >= 0, "submit_time_s is finite and ≥ 0");
            Check(double.IsFinite(job.DurationSeconds) && job.DurationSeconds >= 0, "duration_s is finite and ≥ 0");
            Check(job.SubmitSeconds >= previous, "jobs are in submission order");
            Check(job.Spec.Tenant.Length > 0, "an empty tenant reads as 'default'");
            previous = job.SubmitSeconds;
        }
    }
}

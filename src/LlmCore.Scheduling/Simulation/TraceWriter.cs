using System.Globalization;

namespace LlmCore.Scheduling.Simulation;

/// <summary>
/// Writes a <see cref="Trace"/> as the CSV that <see cref="TraceReader"/> reads: the required columns, <c>tenant</c> and
/// <c>priority</c>, and each optional column of <see cref="TraceReader.OptionalColumns"/> that some job uses.
/// </summary>
/// <remarks>Invariant culture; times and durations round-trip (<c>R</c> format). Stateless and thread-safe.</remarks>
public static class TraceWriter
{
    /// <summary>Writes the trace.</summary>
    /// <param name="writer">Where to write.</param>
    /// <param name="trace">The trace.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static void Write(TextWriter writer, Trace trace)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(trace);
        var jobs = trace.Jobs;
        Func<JobSpec, string?>[] cells =
        [
            s => s.JobClass,
            s => s.GpuTypes.Count == 0 ? null : string.Join('/', s.GpuTypes),
            s => s.MinGpus?.ToString(CultureInfo.InvariantCulture),
            s => s.Topology?.RequiredLevel,
            s => s.Topology?.PreferredLevel,
            s => s.Topology?.SliceGpus?.ToString(CultureInfo.InvariantCulture),
            s => s.Topology?.SliceGpus is null ? null : s.Topology.SliceLevel,
        ];
        var used = cells.Select(cell => jobs.Any(j => cell(j.Spec) is not null)).ToArray();
        var header = string.Join(',', TraceReader.RequiredColumns) + ",tenant,priority";
        for (var c = 0; c < cells.Length; c++)
        {
            header += used[c] ? "," + TraceReader.OptionalColumns[c] : string.Empty;
        }

        writer.WriteLine(header);
        foreach (var job in jobs)
        {
            var s = job.Spec;
            writer.Write(Escape(s.Id));
            writer.Write(',');
            writer.Write(job.SubmitSeconds.ToString("R", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(job.DurationSeconds.ToString("R", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(s.Gpus.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(Escape(s.Tenant));
            writer.Write(',');
            writer.Write(s.Priority.ToString(CultureInfo.InvariantCulture));
            for (var c = 0; c < cells.Length; c++)
            {
                if (used[c])
                {
                    writer.Write(',');
                    writer.Write(Escape(cells[c](s) ?? string.Empty));
                }
            }

            writer.WriteLine();
        }
    }

    private static string Escape(string value) =>
        value.AsSpan().IndexOfAny(',', '"', '\n') < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}

using System.Globalization;
using nietras.SeparatedValues;

namespace LlmCore.Scheduling.Simulation;

/// <summary>
/// Reads the trace CSV of <c>llmcore schedule simulate</c>: a header row and the columns
/// <c>job_id,submit_time_s,duration_s,gpus</c> with optional <c>tenant,priority</c>; other columns are ignored.
/// </summary>
/// <remarks>
/// Parsed with Sep (nietras/Sep). Every malformed row is collected and reported in one
/// <see cref="TraceFormatException"/> with its line number. An empty <c>tenant</c> means <c>default</c>; an empty
/// <c>priority</c> means <see cref="PriorityClasses.Normal"/>; a priority may be a class name (low, normal, high,
/// critical) or an integer. This type is stateless and thread-safe.
/// </remarks>
public static class TraceReader
{
    /// <summary>The required columns, in the documented order.</summary>
    public static IReadOnlyList<string> RequiredColumns { get; } = ["job_id", "submit_time_s", "duration_s", "gpus"];

    /// <summary>Reads a trace file.</summary>
    /// <param name="path">The CSV file.</param>
    /// <returns>The trace.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TraceFormatException">The header lacks a required column or names one twice, or rows are malformed.</exception>
    public static Trace ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The trace file '{path}' does not exist.", path);
        }

        using var reader = new StreamReader(path);
        return Read(reader, Path.GetFileName(path));
    }

    /// <summary>Reads a trace from CSV text.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="source">A name for messages (e.g. the file name).</param>
    /// <returns>The trace.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="TraceFormatException">The header lacks a required column or names one twice, or rows are malformed.</exception>
    public static Trace Read(TextReader reader, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var errors = new List<TraceError>();
        var jobs = new List<TraceJob>();
        using var csv = OpenCsv(reader, source);
        if (csv.Header.IsEmpty)
        {
            throw new TraceFormatException([new TraceError(1, "the file is empty; expected a header " + string.Join(',', RequiredColumns))], source);
        }

        var indices = new int[RequiredColumns.Count];
        for (var c = 0; c < RequiredColumns.Count; c++)
        {
            if (!csv.Header.TryIndexOf(RequiredColumns[c], out indices[c]))
            {
                errors.Add(new TraceError(1, $"the header has no '{RequiredColumns[c]}' column"));
            }
        }

        if (errors.Count > 0)
        {
            throw new TraceFormatException(errors, source);
        }

        var tenantIndex = csv.Header.TryIndexOf("tenant", out var t) ? t : -1;
        var priorityIndex = csv.Header.TryIndexOf("priority", out var p) ? p : -1;
        var needed = Math.Max(indices.Max(), Math.Max(tenantIndex, priorityIndex)) + 1;
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in csv)
        {
            var line = row.LineNumberFrom;
            if (row.ColCount == 1 && row[0].Span.IsWhiteSpace())
            {
                continue;
            }

            if (row.ColCount < Math.Max(indices.Max() + 1, 1))
            {
                errors.Add(new TraceError(line, $"expected at least {needed} columns, found {row.ColCount}"));
                continue;
            }

            var id = row[indices[0]].ToString().Trim();
            var rowErrors = errors.Count;
            if (id.Length == 0)
            {
                errors.Add(new TraceError(line, "job_id is empty"));
            }
            else if (!ids.Add(id))
            {
                errors.Add(new TraceError(line, $"job_id '{id}' appears twice"));
            }

            var submit = ParseSeconds(row[indices[1]].Span, "submit_time_s", line, errors);
            var duration = ParseSeconds(row[indices[2]].Span, "duration_s", line, errors);
            var gpusText = row[indices[3]].Span.Trim();
            if (!int.TryParse(gpusText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var gpus) || gpus < 1)
            {
                errors.Add(new TraceError(line, $"gpus must be an integer ≥ 1, got '{gpusText}'"));
            }

            var tenant = tenantIndex >= 0 && tenantIndex < row.ColCount ? row[tenantIndex].ToString().Trim() : string.Empty;
            var priority = PriorityClasses.Normal;
            var priorityText = priorityIndex >= 0 && priorityIndex < row.ColCount ? row[priorityIndex].ToString().Trim() : string.Empty;
            if (priorityText.Length > 0)
            {
                try
                {
                    priority = PriorityClasses.Parse(priorityText);
                }
                catch (ArgumentException)
                {
                    errors.Add(new TraceError(line, $"priority must be low, normal, high, critical or an integer, got '{priorityText}'"));
                }
            }

            if (errors.Count > rowErrors)
            {
                continue;
            }

            var spec = new JobSpec(id, gpus) { Tenant = tenant.Length == 0 ? "default" : tenant, Priority = priority };
            jobs.Add(new TraceJob(spec, submit, duration));
        }

        if (errors.Count > 0)
        {
            throw new TraceFormatException(errors, source);
        }

        return new Trace(jobs);
    }

    private static SepReader OpenCsv(TextReader reader, string? source)
    {
        try
        {
            return Sep.Reader(o => o with { Sep = new Sep(','), DisableColCountCheck = true, Unescape = true }).From(reader);
        }
        catch (ArgumentException ex)
        {
            // Sep refuses a header that names a column twice ("Col name 'x' found 2 times ...").
            throw new TraceFormatException([new TraceError(1, $"the header names a column twice: {ex.Message}")], source);
        }
    }

    private static double ParseSeconds(ReadOnlySpan<char> text, string column, int line, List<TraceError> errors)
    {
        text = text.Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0)
        {
            errors.Add(new TraceError(line, $"{column} must be a finite number of seconds ≥ 0, got '{text.ToString()}'"));
            return 0;
        }

        return value;
    }
}

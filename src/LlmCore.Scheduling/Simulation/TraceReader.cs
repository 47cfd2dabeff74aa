using System.Globalization;
using nietras.SeparatedValues;

namespace LlmCore.Scheduling.Simulation;

/// <summary>
/// Reads the trace CSV of <c>llmcore schedule simulate</c>: a header row and the columns
/// <c>job_id,submit_time_s,duration_s,gpus</c> with optional <c>tenant,priority</c> and the optional columns of
/// <see cref="OptionalColumns"/> (job class, accepted GPU types, elastic minimum, topology request); other columns are ignored.
/// </summary>
/// <remarks>
/// Parsed with Sep (nietras/Sep). Every malformed row is collected and reported in one
/// <see cref="TraceFormatException"/> with its line number and the column (number and name) at fault; times must lie in
/// [0, <see cref="MaxSeconds"/>]. An empty <c>tenant</c> means <c>default</c>; an empty
/// <c>priority</c> means <see cref="PriorityClasses.Normal"/>; a priority may be a class name (low, normal, high,
/// critical) or an integer. An empty optional cell means "not set".
/// <para>Limit: the simulator holds about 0.6 KB per job (a 1,000,000-job run peaks at 0.55–0.65 GB), so a trace is refused
/// once it has more than <c>maxRows</c> job rows (default <see cref="DefaultMaxRows"/>, about 0.6 GB of simulation; at most <see cref="MaxRowsLimit"/>): rows are
/// counted as they are read, and the read stops at the first row past the limit, before the rest of the file is read.</para>
/// <para>This type is stateless and thread-safe.</para>
/// </remarks>
public static class TraceReader
{
    private static readonly string[] s_noCells = ["", "", "", "", "", "", ""];

    /// <summary>
    /// The largest <c>submit_time_s</c> or <c>duration_s</c> a trace may hold: 10⁹ s (about 31.7 years). The simulator keeps
    /// times as <see cref="TimeSpan"/> (at most about 9.2 × 10¹¹ s), and this bound leaves room for sums of times and
    /// noisy runtime estimates.
    /// </summary>
    public const double MaxSeconds = 1e9;

    /// <summary>
    /// The default limit on a trace's job rows: 1,000,000. The simulator holds about 0.6 KB per job, so a trace at the
    /// limit needs about 0.6 GB; raise it with the <c>maxRows</c> argument of <see cref="ReadFile(string, int)"/> or
    /// <see cref="Read(TextReader, string?, int)"/>.
    /// </summary>
    public const int DefaultMaxRows = 1_000_000;

    /// <summary>The largest <c>maxRows</c> accepted: 1,000,000,000 job rows (a list of jobs cannot hold more than about 2.1 × 10⁹).</summary>
    public const int MaxRowsLimit = 1_000_000_000;

    /// <summary>The required columns, in the documented order.</summary>
    public static IReadOnlyList<string> RequiredColumns { get; } = ["job_id", "submit_time_s", "duration_s", "gpus"];

    /// <summary>
    /// The optional columns besides <c>tenant</c> and <c>priority</c>: <c>job_class</c> (<see cref="JobSpec.JobClass"/>),
    /// <c>gpu_type</c> (accepted GPU types in order, joined by <c>/</c>), <c>min_gpus</c> (an elastic job's minimum; then
    /// <c>gpus</c> is its maximum and the duration is at that size), <c>required_level</c>, <c>preferred_level</c>,
    /// <c>slice_gpus</c> and <c>slice_level</c> (<see cref="TopologyRequest"/>).
    /// </summary>
    public static IReadOnlyList<string> OptionalColumns { get; } = ["job_class", "gpu_type", "min_gpus", "required_level", "preferred_level", "slice_gpus", "slice_level"];

    /// <summary>Reads a trace file.</summary>
    /// <param name="path">The CSV file.</param>
    /// <returns>The trace.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TraceFormatException">The header lacks a required column or names one twice, or rows are malformed.</exception>
    public static Trace ReadFile(string path) => ReadFile(path, DefaultMaxRows);

    /// <summary>Reads a trace file of at most <paramref name="maxRows"/> job rows.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="maxRows">The most job rows accepted, in [1, <see cref="MaxRowsLimit"/>] (default <see cref="DefaultMaxRows"/>).</param>
    /// <returns>The trace.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRows"/> is outside [1, <see cref="MaxRowsLimit"/>],
    /// or the file has more job rows than <paramref name="maxRows"/> (the parameter name is then <c>maxRows</c>; the read
    /// stops at the first row past the limit).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TraceFormatException">The header lacks a required column or names one twice, or rows are malformed.</exception>
    public static Trace ReadFile(string path, int maxRows)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RequireMaxRows(maxRows);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The trace file '{path}' does not exist.", path);
        }

        using var reader = new StreamReader(path);
        return Read(reader, Path.GetFileName(path), maxRows);
    }

    /// <summary>Reads a trace from CSV text.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="source">A name for messages (e.g. the file name).</param>
    /// <returns>The trace.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="TraceFormatException">The header lacks a required column or names one twice, or rows are malformed.</exception>
    public static Trace Read(TextReader reader, string? source = null) => Read(reader, source, DefaultMaxRows);

    /// <summary>Reads a trace of at most <paramref name="maxRows"/> job rows from CSV text.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="source">A name for messages (e.g. the file name).</param>
    /// <param name="maxRows">The most job rows accepted, in [1, <see cref="MaxRowsLimit"/>] (default <see cref="DefaultMaxRows"/>).</param>
    /// <returns>The trace.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRows"/> is outside [1, <see cref="MaxRowsLimit"/>],
    /// or the text has more job rows than <paramref name="maxRows"/> (the parameter name is then <c>maxRows</c>; the read
    /// stops at the first row past the limit).</exception>
    /// <exception cref="TraceFormatException">The header lacks a required column or names one twice, or rows are malformed.</exception>
    public static Trace Read(TextReader reader, string? source, int maxRows)
    {
        ArgumentNullException.ThrowIfNull(reader);
        RequireMaxRows(maxRows);
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
        var optional = new int[OptionalColumns.Count];
        for (var c = 0; c < optional.Length; c++)
        {
            optional[c] = csv.Header.TryIndexOf(OptionalColumns[c], out var o) ? o : -1;
        }

        var needed = Math.Max(indices.Max(), Math.Max(tenantIndex, priorityIndex)) + 1;
        var anyOptional = optional.Any(o => o >= 0);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var rows = 0;
        var pool = new StringPool();
        foreach (var row in csv)
        {
            var line = row.LineNumberFrom;
            if (row.ColCount == 1 && row[0].Span.IsWhiteSpace())
            {
                continue;
            }

            if (++rows > maxRows)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(maxRows),
                    maxRows,
                    string.Create(CultureInfo.InvariantCulture, $"{(source is null ? "The trace" : $"The trace '{source}'")} has more than {maxRows:N0} job rows (line {line} is row {rows:N0}); the simulator holds about 0.6 KB per job, and maxRows (at most {MaxRowsLimit:N0}) raises the limit."));
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

            var submit = ParseSeconds(row[indices[1]].Span, "submit_time_s", indices[1], line, errors);
            var duration = ParseSeconds(row[indices[2]].Span, "duration_s", indices[2], line, errors);
            var gpusText = row[indices[3]].Span.Trim();
            if (!int.TryParse(gpusText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var gpus) || gpus < 1)
            {
                errors.Add(new TraceError(line, $"column {indices[3] + 1} (gpus) must be an integer in [1, {int.MaxValue}], got '{gpusText}'"));
            }

            var tenant = tenantIndex >= 0 && tenantIndex < row.ColCount ? pool.Get(row[tenantIndex].Span.Trim()) : string.Empty;
            var priority = PriorityClasses.Normal;
            // Pooled: a trace has a handful of distinct priorities, and a string per row would be garbage at once.
            var priorityText = priorityIndex >= 0 && priorityIndex < row.ColCount ? pool.Get(row[priorityIndex].Span.Trim()) : string.Empty;
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

            var cells = anyOptional ? new string[optional.Length] : s_noCells;
            for (var c = 0; anyOptional && c < optional.Length; c++)
            {
                cells[c] = optional[c] >= 0 && optional[c] < row.ColCount ? pool.Get(row[optional[c]].Span.Trim()) : string.Empty;
            }

            var jobClass = cells[0];
            var types = cells[1];
            var minGpus = ParseCount(cells[2], "min_gpus", line, errors);
            var required = cells[3];
            var preferred = cells[4];
            var sliceGpus = ParseCount(cells[5], "slice_gpus", line, errors);
            var sliceLevel = cells[6];
            if (minGpus is { } min && gpus >= 1 && min > gpus)
            {
                errors.Add(new TraceError(line, $"min_gpus ({min}) must not exceed gpus ({gpus})"));
            }

            if (errors.Count > rowErrors)
            {
                continue;
            }

            TopologyRequest? topology = null;
            if (required.Length > 0 || preferred.Length > 0 || sliceGpus is not null)
            {
                topology = new TopologyRequest
                {
                    RequiredLevel = required.Length == 0 ? null : required,
                    PreferredLevel = preferred.Length == 0 ? null : preferred,
                    SliceGpus = sliceGpus,
                    SliceLevel = sliceLevel.Length == 0 ? Cluster.NodeLevel : sliceLevel,
                };
            }

            var spec = new JobSpec(id, gpus)
            {
                Tenant = tenant.Length == 0 ? "default" : tenant,
                Priority = priority,
                JobClass = jobClass.Length == 0 ? null : jobClass,
                GpuTypes = types.Length == 0 ? [] : pool.TypeList(types),
                MinGpus = minGpus,
                Topology = topology,
            };
            jobs.Add(new TraceJob(spec, submit, duration));
        }

        if (errors.Count > 0)
        {
            throw new TraceFormatException(errors, source);
        }

        // Every id was checked unique and every time in range above, with its line number.
        return Trace.FromChecked(jobs);
    }

    private static void RequireMaxRows(int maxRows)
    {
        if (maxRows < 1 || maxRows > MaxRowsLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, string.Create(CultureInfo.InvariantCulture, $"maxRows must be in [1, {MaxRowsLimit:N0}]."));
        }
    }

    private static int? ParseCount(string text, string column, int line, List<TraceError> errors)
    {
        if (text.Length == 0)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < 1)
        {
            errors.Add(new TraceError(line, $"{column} must be an integer ≥ 1, got '{text}'"));
            return null;
        }

        return value;
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

    private static double ParseSeconds(ReadOnlySpan<char> text, string column, int index, int line, List<TraceError> errors)
    {
        text = text.Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= 0 && value <= MaxSeconds))
        {
            errors.Add(new TraceError(line, $"column {index + 1} ({column}) must be a number of seconds in [0, 1e9], got '{text.ToString()}'"));
            return 0;
        }

        return value;
    }

    /// <summary>
    /// One string per distinct short cell value (tenant, job class, GPU types) and one list per distinct GPU-type
    /// cell, so a trace of a million jobs holds a handful of tenant strings instead of a million copies. Bounded: past
    /// <see cref="MaxEntries"/> distinct values a cell gets its own string, as without the pool. Not thread-safe: one
    /// per read.
    /// </summary>
    private sealed class StringPool
    {
        private const int MaxEntries = 4096;
        private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string[]> _typeLists = new(StringComparer.Ordinal);

        public string Get(ReadOnlySpan<char> value)
        {
            if (value.IsEmpty)
            {
                return string.Empty;
            }

            var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(value, out var pooled))
            {
                return pooled;
            }

            var text = value.ToString();
            if (_strings.Count < MaxEntries)
            {
                _strings.Add(text, text);
            }

            return text;
        }

        /// <summary>The GPU types of a <c>gpu_type</c> cell (names separated by <c>/</c>); equal cells share one list.</summary>
        public string[] TypeList(string cell)
        {
            if (_typeLists.TryGetValue(cell, out var list))
            {
                return list;
            }

            list = cell.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            for (var i = 0; i < list.Length; i++)
            {
                list[i] = Get(list[i]);
            }

            if (_typeLists.Count < MaxEntries)
            {
                _typeLists.Add(cell, list);
            }

            return list;
        }
    }
}

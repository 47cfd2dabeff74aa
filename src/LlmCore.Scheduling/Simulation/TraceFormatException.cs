namespace LlmCore.Scheduling.Simulation;

/// <summary>One malformed row of a trace file.</summary>
/// <param name="Line">The 1-based line number in the file (the header is line 1).</param>
/// <param name="Message">What is wrong.</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record TraceError(int Line, string Message);

/// <summary>A trace file has malformed rows; <see cref="Errors"/> lists them with their line numbers.</summary>
/// <remarks>Instances are immutable after construction and thread-safe.</remarks>
public sealed class TraceFormatException : FormatException
{
    /// <summary>Creates the exception with no errors listed.</summary>
    public TraceFormatException()
        : this([])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public TraceFormatException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public TraceFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Creates the exception from the errors found.</summary>
    /// <param name="errors">The malformed rows, in file order.</param>
    /// <param name="source">The file name, for the message.</param>
    public TraceFormatException(IReadOnlyList<TraceError> errors, string? source = null)
        : base(Format(errors, source))
    {
        Errors = errors ?? [];
    }

    /// <summary>Gets the malformed rows, in file order.</summary>
    public IReadOnlyList<TraceError> Errors { get; }

    private static string Format(IReadOnlyList<TraceError>? errors, string? source)
    {
        errors ??= [];
        var where = source is null ? "the trace" : source;
        if (errors.Count == 0)
        {
            return $"{where} is malformed.";
        }

        var shown = string.Join("; ", errors.Take(5).Select(e => $"line {e.Line}: {e.Message}"));
        var more = errors.Count > 5 ? $" (and {errors.Count - 5} more)" : string.Empty;
        return $"{where} has {errors.Count} malformed row(s): {shown}{more}.";
    }
}

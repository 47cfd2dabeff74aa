namespace LlmCore.Scheduling;

/// <summary>The base type of the scheduler's domain failures.</summary>
/// <remarks>Thread-safe (immutable).</remarks>
public class SchedulingException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SchedulingException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public SchedulingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SchedulingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Thrown when submitted jobs depend on each other in a cycle, so none of them could ever start.</summary>
/// <remarks>Thread-safe (immutable).</remarks>
public sealed class DependencyCycleException : SchedulingException
{
    /// <summary>Creates the exception for a cycle.</summary>
    /// <param name="cycle">The job ids along the cycle, the first repeated at the end.</param>
    public DependencyCycleException(IReadOnlyList<string> cycle)
        : base("Job dependencies form a cycle: " + string.Join(" -> ", cycle ?? []) + ".")
    {
        Cycle = cycle ?? [];
    }

    /// <summary>Gets the job ids along the cycle.</summary>
    public IReadOnlyList<string> Cycle { get; }
}

/// <summary>Thrown when a job names a tenant that the scheduler has no quota for (when quotas are configured).</summary>
/// <remarks>Thread-safe (immutable).</remarks>
public sealed class UnknownTenantException : SchedulingException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="tenant">The unknown tenant.</param>
    /// <param name="known">The configured tenants.</param>
    public UnknownTenantException(string tenant, IEnumerable<string> known)
        : base($"Tenant '{tenant}' has no quota; configured tenants: {string.Join(", ", known ?? [])}.")
    {
        Tenant = tenant;
    }

    /// <summary>Gets the unknown tenant's name.</summary>
    public string Tenant { get; }
}

/// <summary>A cluster or throughput file is malformed; the message names the file, line and column.</summary>
/// <remarks>Thread-safe (immutable).</remarks>
public sealed class SchedulingFileException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public SchedulingFileException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public SchedulingFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SchedulingFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a place in a file.</summary>
    /// <param name="fileName">The file name.</param>
    /// <param name="line">The 1-based line.</param>
    /// <param name="column">The 1-based column.</param>
    /// <param name="problem">What is wrong there.</param>
    /// <param name="innerException">The cause, if any.</param>
    public SchedulingFileException(string fileName, int line, int column, string problem, Exception? innerException = null)
        : base($"{fileName}:{line}:{column}: {problem}", innerException)
    {
        FileName = fileName;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>Gets the file name, or <see langword="null"/>.</summary>
    public string? FileName { get; }

    /// <summary>Gets the 1-based line of the problem (0 when unknown).</summary>
    public int Line { get; }

    /// <summary>Gets the 1-based column of the problem (0 when unknown).</summary>
    public int Column { get; }

    /// <summary>Gets what is wrong, without the place.</summary>
    public string? Problem { get; }
}

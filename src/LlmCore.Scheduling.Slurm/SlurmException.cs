namespace LlmCore.Scheduling.Slurm;

/// <summary>
/// slurmrestd or Slurm refused or failed a request. Carries the HTTP status and Slurm's error number.
/// </summary>
/// <remarks>Thread-safe: immutable after construction.</remarks>
public class SlurmException : Exception
{
    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message.</param>
    public SlurmException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SlurmException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance with Slurm's error details.</summary>
    /// <param name="message">The message.</param>
    /// <param name="statusCode">The HTTP status code, or 0 when there was no HTTP answer.</param>
    /// <param name="slurmErrorNumber">Slurm's error number (e.g. 2017 for an invalid job id), or 0.</param>
    /// <param name="isTransient">Whether a retry may succeed (connection problems, a restarting slurmctld).</param>
    public SlurmException(string message, int statusCode, int slurmErrorNumber, bool isTransient)
        : base(message)
    {
        StatusCode = statusCode;
        SlurmErrorNumber = slurmErrorNumber;
        IsTransient = isTransient;
    }

    internal SlurmException(string message, Exception innerException, bool transient)
        : base(message, innerException)
    {
        IsTransient = transient;
    }

    /// <summary>Initializes a new instance.</summary>
    public SlurmException()
    {
    }

    /// <summary>Gets the HTTP status code, or 0 when there was no HTTP answer.</summary>
    public int StatusCode { get; }

    /// <summary>Gets Slurm's error number (e.g. 2017 for an invalid job id, 2042 for a held job), or 0.</summary>
    public int SlurmErrorNumber { get; }

    /// <summary>Gets a value indicating whether a retry may succeed.</summary>
    public bool IsTransient { get; }
}

/// <summary>Slurm does not know the job id (error 2017, "Invalid job id specified").</summary>
/// <remarks>Thread-safe: immutable after construction.</remarks>
public sealed class SlurmJobNotFoundException : SlurmException
{
    /// <summary>Initializes a new instance for a job id.</summary>
    /// <param name="jobId">The unknown job id.</param>
    public SlurmJobNotFoundException(long jobId)
        : base($"Slurm does not know job {jobId} (error 2017, Invalid job id specified).", 500, 2017, isTransient: false)
    {
        JobId = jobId;
    }

    /// <summary>Gets the unknown job id.</summary>
    public long JobId { get; }
}

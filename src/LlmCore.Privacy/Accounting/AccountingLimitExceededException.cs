namespace LlmCore.Privacy.Accounting;

/// <summary>
/// A request that the PLD accountant refuses before it allocates anything: the discretised privacy loss (or the FFT that
/// composes it) would need more grid points than <see cref="PldAccountant.MaxGridPoints"/> allows. Carries the numbers.
/// </summary>
/// <remarks>
/// <para>It is an <see cref="ArgumentOutOfRangeException"/>, so callers that treat bad arguments alike need nothing new;
/// <see cref="ArgumentException.ParamName"/> names the argument that asked for the work (the event, or the composition
/// count).</para>
/// <para>The usual causes are a noise multiplier so small that one step's privacy loss spans thousands of nats (the
/// guarantee is then meaningless anyway), or so many compositions that the composed loss no longer fits. Remedies: more
/// noise, fewer steps, a coarser <see cref="PldAccountant.DiscretizationInterval"/>, a larger
/// <see cref="PldAccountant.MaxGridPoints"/>, or <see cref="RdpAccountant"/>, whose cost does not grow with these.</para>
/// <para>Thread-safe (immutable once thrown).</para>
/// </remarks>
public sealed class AccountingLimitExceededException : ArgumentOutOfRangeException
{
    /// <summary>Creates the exception.</summary>
    public AccountingLimitExceededException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What was refused.</param>
    public AccountingLimitExceededException(string message)
        : base(null, message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What was refused.</param>
    /// <param name="innerException">The cause.</param>
    public AccountingLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the numbers.</summary>
    /// <param name="paramName">The argument that asked for the work.</param>
    /// <param name="requiredGridPoints">The grid points the request needs (may exceed <see cref="long.MaxValue"/>, hence a <see cref="double"/>).</param>
    /// <param name="maxGridPoints">The limit in force.</param>
    /// <param name="message">What was refused, in words.</param>
    public AccountingLimitExceededException(string? paramName, double requiredGridPoints, long maxGridPoints, string message)
        : base(paramName, message)
    {
        RequiredGridPoints = requiredGridPoints;
        MaxGridPoints = maxGridPoints;
    }

    /// <summary>Gets the number of grid points (or the FFT length) the request needs.</summary>
    public double RequiredGridPoints { get; }

    /// <summary>Gets the limit that was in force (<see cref="PldAccountant.MaxGridPoints"/>).</summary>
    public long MaxGridPoints { get; }
}

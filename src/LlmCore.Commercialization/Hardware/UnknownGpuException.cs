namespace LlmCore.Commercialization.Hardware;

/// <summary>A GPU name that the catalogue does not hold.</summary>
/// <remarks>
/// Derives from <see cref="ArgumentException"/> so that callers treating bad input uniformly catch it; the message
/// lists every known name. Instances are immutable once thrown and thread-safe.
/// </remarks>
public sealed class UnknownGpuException : ArgumentException
{
    /// <summary>Creates the exception with a generic message.</summary>
    public UnknownGpuException()
        : base("Unknown GPU.")
    {
        KnownNames = [];
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    /// <param name="message">The message.</param>
    public UnknownGpuException(string message)
        : base(message)
    {
        KnownNames = [];
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public UnknownGpuException(string message, Exception innerException)
        : base(message, innerException)
    {
        KnownNames = [];
    }

    /// <summary>Creates the exception for <paramref name="name"/>, listing <paramref name="knownNames"/>.</summary>
    /// <param name="name">The name that was asked for.</param>
    /// <param name="knownNames">The names the catalogue holds.</param>
    /// <param name="paramName">The parameter that carried the name.</param>
    public UnknownGpuException(string name, IReadOnlyList<string> knownNames, string? paramName)
        : base($"Unknown GPU '{name}'. Known GPUs: {string.Join(", ", knownNames ?? [])}.", paramName)
    {
        Name = name;
        KnownNames = knownNames ?? [];
    }

    /// <summary>Gets the name that was asked for.</summary>
    public string? Name { get; }

    /// <summary>Gets the names the catalogue holds.</summary>
    public IReadOnlyList<string> KnownNames { get; }
}

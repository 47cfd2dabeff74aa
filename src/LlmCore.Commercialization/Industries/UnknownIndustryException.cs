namespace LlmCore.Commercialization.Industries;

/// <summary>An industry name that the catalogue does not know; the message lists the known names.</summary>
/// <remarks>Derives from <see cref="ArgumentException"/> because the name is the caller's input. Immutable once thrown.</remarks>
public sealed class UnknownIndustryException : ArgumentException
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public UnknownIndustryException()
        : base("Unknown industry.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public UnknownIndustryException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and an inner exception.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public UnknownIndustryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance naming the unknown industry and the known ones.</summary>
    /// <param name="industry">The name that was not found.</param>
    /// <param name="knownIndustries">The names the catalogue knows.</param>
    public UnknownIndustryException(string industry, IReadOnlyList<string> knownIndustries)
        : base($"Unknown industry '{industry}'. Known industries: {string.Join(", ", knownIndustries ?? [])}.", "industry")
    {
        Industry = industry;
        KnownIndustries = knownIndustries ?? [];
    }

    /// <summary>Gets the name that was not found.</summary>
    public string? Industry { get; }

    /// <summary>Gets the names the catalogue knows.</summary>
    public IReadOnlyList<string> KnownIndustries { get; } = [];
}

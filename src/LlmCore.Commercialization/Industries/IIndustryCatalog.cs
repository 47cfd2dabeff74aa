namespace LlmCore.Commercialization.Industries;

/// <summary>The industries an analysis can target.</summary>
/// <remarks>Implementations are immutable after construction and thread-safe.</remarks>
public interface IIndustryCatalog
{
    /// <summary>Gets every industry, in catalogue order.</summary>
    IReadOnlyList<Industry> Industries { get; }

    /// <summary>Finds an industry by name or alias (case-insensitive).</summary>
    /// <param name="name">The name, e.g. <c>finance</c> or <c>e-commerce</c>.</param>
    /// <returns>The industry.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="UnknownIndustryException">No industry has that name; the message lists the known ones.</exception>
    Industry Get(string name);

    /// <summary>Tries to find an industry by name or alias (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <param name="industry">The industry, when found.</param>
    /// <returns>Whether it was found.</returns>
    bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Industry? industry);
}

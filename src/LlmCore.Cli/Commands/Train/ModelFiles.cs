using LlmCore.Cli.Infrastructure;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Text;

namespace LlmCore.Cli.Commands.Train;

/// <summary>
/// Reading the model files of <c>llmcore train --save</c> (for <c>generate --model</c> and <c>train --init-model</c>):
/// a missing or unreadable file, and a tokenizer the file names but this version cannot match, are bad input naming the option.
/// Stateless and thread-safe.
/// </summary>
internal static class ModelFiles
{
    /// <summary>Loads a transformer model file in float.</summary>
    /// <param name="option">The option that named the file, for the error line.</param>
    /// <param name="path">The file.</param>
    public static TransformerModel<float> Load(string option, string path)
    {
        if (!File.Exists(path))
        {
            throw CliUsageException.ForOption(option, "names a model file that does not exist", path);
        }

        try
        {
            return ModelFactory.LoadTransformer<float>(path);
        }
        catch (InvalidDataException ex)
        {
            throw new CliUsageException($"{option}: '{path}' is not a readable model file: {ex.Message}");
        }
    }

    /// <summary>The tokenizer a model file was saved with (its <c>tokenizer</c> metadata; <c>byte</c> when absent), checked against its vocabulary.</summary>
    /// <param name="option">The option that named the file, for the error line.</param>
    /// <param name="path">The file.</param>
    /// <param name="model">The model read from it.</param>
    /// <param name="vocabularySize">The model's vocabulary size.</param>
    public static ITokenizer TokenizerOf(string option, string path, TransformerModel<float> model, int vocabularySize)
    {
        var name = model.Metadata.TryGetValue("tokenizer", out var saved) ? saved : "byte";
        var factory = new TokenizerFactory();
        if (!factory.Names.Contains(name, StringComparer.Ordinal))
        {
            throw CliUsageException.ForOption(option, $"was saved with the tokenizer '{name}', which this version does not know ({string.Join(", ", factory.Names)})", path);
        }

        var tokenizer = factory.Create(name);
        if (tokenizer.VocabularySize != vocabularySize)
        {
            throw CliUsageException.ForOption(option, $"has a vocabulary of {vocabularySize}, but its tokenizer '{name}' has {tokenizer.VocabularySize}", path);
        }

        return tokenizer;
    }
}

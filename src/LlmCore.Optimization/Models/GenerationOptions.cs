namespace LlmCore.Optimization.Models;

/// <summary>How <see cref="GptModel{T}.Generate(ReadOnlySpan{int}, int, GenerationOptions?)"/> picks each next token.</summary>
/// <remarks>Not thread-safe while being changed.</remarks>
public sealed class GenerationOptions
{
    /// <summary>Gets or sets the softmax temperature, ≥ 0; 0 picks the most likely token (greedy decoding).</summary>
    /// <value>The default value is 1.</value>
    public double Temperature { get; set; } = 1.0;

    /// <summary>Gets or sets k of top-k sampling (only the k most likely tokens can be drawn), ≥ 1, or <see langword="null"/> for all tokens.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? TopK { get; set; }

    /// <summary>Gets or sets the seed of the draws; the same seed, model and prompt give the same tokens.</summary>
    /// <value>The default value is 0.</value>
    public long Seed { get; set; }

    /// <summary>Gets or sets a token id after which generation stops (e.g. a newline), or <see langword="null"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public int? StopTokenId { get; set; }

    internal void Validate(string parameterName, int vocabulary)
    {
        if (!double.IsFinite(Temperature) || Temperature < 0)
        {
            throw new ArgumentException($"Temperature must be a finite number ≥ 0; got {Temperature}.", parameterName);
        }

        if (TopK is < 1)
        {
            throw new ArgumentException($"TopK must be ≥ 1; got {TopK}.", parameterName);
        }

        if (StopTokenId is { } stop && (stop < 0 || stop >= vocabulary))
        {
            throw new ArgumentException($"StopTokenId must be a token id in [0, {vocabulary - 1}]; got {stop}.", parameterName);
        }
    }
}

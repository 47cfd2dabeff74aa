using System.Runtime.InteropServices;
using LlmCore.Optimization.Text;

namespace LlmCore.Fuzz.Targets;

/// <summary>
/// The tokenizers on arbitrary input: the bytes as little-endian 32-bit ids go to <see cref="ITokenizer.Decode"/>
/// of the byte-level and GPT-2 tokenizers (documented: <see cref="ArgumentOutOfRangeException"/> for an id outside
/// the vocabulary), and the bytes as UTF-8 text go to <see cref="ITokenizer.Encode"/>, whose ids must decode back to
/// that text (both tokenizers are lossless on valid text).
/// </summary>
internal sealed class TokenizerDecodeTarget : FuzzTarget
{
    private static readonly ITokenizer[] s_tokenizers = [ByteTokenizer.Instance, Gpt2Tokenizer.Instance];

    public override string Name => "tokenizer-decode";

    public override string Description => "ByteTokenizer/Gpt2Tokenizer Decode on the bytes as int32 ids, Encode/Decode round trip on the text";

    public override void Run(byte[] input)
    {
        var ids = MemoryMarshal.Cast<byte, int>(input.AsSpan(0, input.Length / 4 * 4)).ToArray();
        var text = Text(input);
        foreach (var tokenizer in s_tokenizers)
        {
            try
            {
                var decoded = tokenizer.Decode(ids);
                Check(decoded is not null, "Decode returns a string");
            }
            catch (ArgumentOutOfRangeException)
            {
                Check(ids.Any(id => (uint)id >= (uint)tokenizer.VocabularySize), "Decode rejects only ids outside the vocabulary");
            }

            // Valid ids (each reduced into the vocabulary) always decode.
            var inRange = ids.Select(id => (int)((uint)id % (uint)tokenizer.VocabularySize)).ToArray();
            _ = tokenizer.Decode(inRange);

            var encoded = tokenizer.Encode(text);
            Check(encoded.All(id => (uint)id < (uint)tokenizer.VocabularySize), "Encode returns ids in the vocabulary");
            Check(tokenizer.Decode(encoded) == text, $"{tokenizer.Name}: Decode(Encode(text)) == text");
        }
    }
}

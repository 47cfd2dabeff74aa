using System.Text;

namespace LlmCore.Optimization.Text;

/// <summary>
/// The byte-level tokenizer: a token is one byte of the text's UTF-8 encoding, so the vocabulary has 256 ids and
/// every text is representable. The default for small models (the makemore and nanoGPT character-level tasks).
/// </summary>
/// <remarks>
/// <para>Encoding uses UTF-8 with replacement: an unpaired surrogate becomes U+FFFD (bytes EF BF BD).</para>
/// <para>Decoding never throws on the bytes themselves: a byte sequence that is not valid UTF-8 (a model may
/// generate one, or a window may cut a multi-byte character) decodes to U+FFFD for each maximal invalid
/// subsequence, as <see cref="Encoding.UTF8"/> and the WHATWG Encoding Standard do.</para>
/// <para>The padding id is 0 (the NUL byte, which does not occur in ordinary text). This type is immutable and
/// thread-safe.</para>
/// </remarks>
public sealed class ByteTokenizer : ITokenizer
{
    /// <summary>The tokenizer's name, <c>byte</c>.</summary>
    public const string TokenizerName = "byte";

    private ByteTokenizer()
    {
    }

    /// <summary>Gets the shared instance.</summary>
    public static ByteTokenizer Instance { get; } = new();

    /// <inheritdoc />
    public string Name => TokenizerName;

    /// <inheritdoc />
    /// <value>256.</value>
    public int VocabularySize => 256;

    /// <inheritdoc />
    /// <value>0, the NUL byte.</value>
    public int PaddingId => 0;

    /// <inheritdoc />
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        var ids = new int[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            ids[i] = bytes[i];
        }

        return ids;
    }

    /// <inheritdoc />
    public string Decode(ReadOnlySpan<int> ids)
    {
        if (ids.IsEmpty)
        {
            return string.Empty;
        }

        var bytes = ids.Length <= 1024 ? stackalloc byte[ids.Length] : new byte[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            var id = ids[i];
            if ((uint)id > byte.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"A byte token id must be in [0, 256); the id at position {i} is {id}.");
            }

            bytes[i] = (byte)id;
        }

        return Encoding.UTF8.GetString(bytes);
    }
}

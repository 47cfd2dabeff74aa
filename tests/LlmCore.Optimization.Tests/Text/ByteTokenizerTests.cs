using System.Text;
using CsCheck;
using LlmCore.Optimization.Text;

namespace LlmCore.Optimization.Tests.Text;

public class ByteTokenizerTests
{
    // Well-formed strings: Unicode scalar values (any code point but the surrogates), 0 to 40 of them.
    private static readonly Gen<string> s_wellFormed =
        Gen.Int[0, 0x10FFFF].Where(static c => c is < 0xD800 or > 0xDFFF).Array[0, 40]
            .Select(static cps => string.Concat(cps.Select(char.ConvertFromUtf32)));

    [Fact]
    public void Properties_AreTheByteVocabulary()
    {
        var tokenizer = ByteTokenizer.Instance;
        Assert.Equal("byte", tokenizer.Name);
        Assert.Equal(256, tokenizer.VocabularySize);
        Assert.Equal(0, tokenizer.PaddingId);
    }

    // RFC 3629 §7 (UTF-8) examples: "A≢Α." → 41 E2 89 A2 CE 91 2E; "한국어" → ED 95 9C EA B5 AD EC 96 B4;
    // "日本語" → E6 97 A5 E6 9C AC E8 AA 9E; and U+233B4 → F0 A3 8E B4.
    [Theory]
    [InlineData("A\u2262\u0391.", new[] { 0x41, 0xE2, 0x89, 0xA2, 0xCE, 0x91, 0x2E })]
    [InlineData("\uD55C\uAD6D\uC5B4", new[] { 0xED, 0x95, 0x9C, 0xEA, 0xB5, 0xAD, 0xEC, 0x96, 0xB4 })]
    [InlineData("\u65E5\u672C\u8A9E", new[] { 0xE6, 0x97, 0xA5, 0xE6, 0x9C, 0xAC, 0xE8, 0xAA, 0x9E })]
    [InlineData("\U000233B4", new[] { 0xF0, 0xA3, 0x8E, 0xB4 })]
    [InlineData("", new int[0])]
    public void Encode_Rfc3629Examples_GivesTheUtf8Bytes(string text, int[] expected)
    {
        Assert.Equal(expected, ByteTokenizer.Instance.Encode(text));
        Assert.Equal(text, ByteTokenizer.Instance.Decode(expected));
    }

    [Fact]
    public void RoundTrip_WellFormedStrings_ReturnsTheText()
    {
        s_wellFormed.Sample(
            text => ByteTokenizer.Instance.Decode(ByteTokenizer.Instance.Encode(text)) == text,
            iter: 2000,
            seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void RoundTrip_ArbitraryUtf16_ReplacesUnpairedSurrogatesOnly()
    {
        // Any char sequence, lone surrogates included: the round trip is the text with each unpaired surrogate as
        // U+FFFD, which is what UTF-8 encoding with replacement (and tiktoken) does.
        Gen.Char.Array[0, 40].Select(static c => new string(c)).Sample(
            text => ByteTokenizer.Instance.Decode(ByteTokenizer.Instance.Encode(text)) == ReplaceLoneSurrogates(text),
            iter: 2000,
            seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Decode_ArbitraryBytes_NeverThrows()
    {
        Gen.Int[0, 255].Array[0, 64].Sample(
            ids => ByteTokenizer.Instance.Decode(ids) == Encoding.UTF8.GetString(ids.Select(static i => (byte)i).ToArray()),
            iter: 2000,
            seed: "0N0XIzNsQ0O2");
    }

    // The Unicode Standard, ch. 3 §3.9 "U+FFFD Substitution of Maximal Subparts" (Table 3-8): one U+FFFD per maximal
    // subpart of an ill-formed sequence; a truncated sequence is one subpart, a byte that can never start one is one each.
    [Theory]
    [InlineData(new[] { 0xC3 }, "\uFFFD")]
    [InlineData(new[] { 0xE2, 0x82 }, "\uFFFD")]
    [InlineData(new[] { 0x61, 0xE2, 0x82, 0x62 }, "a\uFFFDb")]
    [InlineData(new[] { 0xC0, 0xAF }, "\uFFFD\uFFFD")]
    [InlineData(new[] { 0xFF, 0x41 }, "\uFFFDA")]
    public void Decode_InvalidUtf8_GivesReplacementCharacters(int[] ids, string expected)
    {
        Assert.Equal(expected, ByteTokenizer.Instance.Decode(ids));
    }

    [Theory]
    [InlineData(256)]
    [InlineData(-1)]
    public void Decode_IdOutsideTheVocabulary_Throws(int id)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ByteTokenizer.Instance.Decode([65, id]));
        Assert.Equal("ids", ex.ParamName);
        Assert.Contains("[0, 256)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("position 1", ex.Message, StringComparison.Ordinal);
    }

    internal static string ReplaceLoneSurrogates(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(text, i, 2);
                i++;
            }
            else
            {
                builder.Append(char.IsSurrogate(text[i]) ? '\uFFFD' : text[i]);
            }
        }

        return builder.ToString();
    }
}

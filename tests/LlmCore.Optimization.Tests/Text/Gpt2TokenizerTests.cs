using CsCheck;
using LlmCore.Optimization.Text;

namespace LlmCore.Optimization.Tests.Text;

public class Gpt2TokenizerTests
{
    [Fact]
    public void Properties_AreGpt2s()
    {
        var tokenizer = Gpt2Tokenizer.Instance;
        Assert.Equal("gpt2", tokenizer.Name);
        Assert.Equal(50257, tokenizer.VocabularySize); // Radford et al. 2019, §2.2: "a vocabulary of 50,257".
        Assert.Equal(50256, tokenizer.PaddingId);
    }

    // Known ids from outside references:
    // - openai/tiktoken tests/test_encoding.py, test_simple: gpt2 "hello world" → [31373, 995];
    //   "hello <|endoftext|>" with allowed_special="all" → [31373, 220, 50256]; test_simple_repeated: runs of "0".
    // - Hugging Face transformers, GPT2Tokenizer docs: "Hello world" → [15496, 995]; " Hello world" → [18435, 995].
    [Theory]
    [InlineData("hello world", new[] { 31373, 995 })]
    [InlineData("hello <|endoftext|>", new[] { 31373, 220, 50256 })]
    [InlineData("Hello world", new[] { 15496, 995 })]
    [InlineData(" Hello world", new[] { 18435, 995 })]
    [InlineData("0", new[] { 15 })]
    [InlineData("00", new[] { 405 })]
    [InlineData("000", new[] { 830 })]
    [InlineData("0000", new[] { 2388 })]
    [InlineData("00000", new[] { 20483 })]
    [InlineData("000000", new[] { 10535 })]
    [InlineData("0000000", new[] { 24598 })]
    [InlineData("00000000", new[] { 8269 })]
    [InlineData("000000000", new[] { 10535, 830 })]
    [InlineData("0000000000", new[] { 8269, 405 })]
    [InlineData("0000000000000000", new[] { 25645 })]
    [InlineData("00000000000000000", new[] { 8269, 10535, 830 })]
    [InlineData("", new int[0])]
    public void Encode_KnownText_GivesTheReferenceIds(string text, int[] expected)
    {
        Assert.Equal(expected, Gpt2Tokenizer.Instance.Encode(text));
        Assert.Equal(text, Gpt2Tokenizer.Instance.Decode(expected));
    }

    // tiktoken tests/test_encoding.py, test_encode_surrogate_pairs: "lone surrogate just gets replaced" by U+FFFD.
    [Fact]
    public void Encode_LoneSurrogate_EncodesAsTheReplacementCharacter()
    {
        var tokenizer = Gpt2Tokenizer.Instance;
        Assert.Equal(tokenizer.Encode("a\uFFFDb"), tokenizer.Encode("a\uD800b"));
        Assert.Equal(tokenizer.Encode("\uFFFD"), tokenizer.Encode("\uDC4D"));
        Assert.Equal(tokenizer.Encode("\U0001F44D"), tokenizer.Encode("\uD83D\uDC4D"));
    }

    // tiktoken tests/test_encoding.py, test_basic_roundtrip's strings, plus control characters and emoji.
    [Theory]
    [InlineData("hello")]
    [InlineData("hello ")]
    [InlineData("hello  ")]
    [InlineData(" hello")]
    [InlineData(" hello  ")]
    [InlineData("请考试我的软件！12345")]
    [InlineData("Tab\tnew\nline\r\n\u0000nul \U0001F916 caf\u00E9")]
    public void RoundTrip_KnownStrings_ReturnsTheText(string text)
    {
        Assert.Equal(text, Gpt2Tokenizer.Instance.Decode(Gpt2Tokenizer.Instance.Encode(text)));
    }

    [Fact]
    public void RoundTrip_WellFormedStrings_ReturnsTheText()
    {
        var tokenizer = Gpt2Tokenizer.Instance;
        Gen.Int[0, 0x10FFFF].Where(static c => c is < 0xD800 or > 0xDFFF).Array[0, 30]
            .Select(static cps => string.Concat(cps.Select(char.ConvertFromUtf32)))
            .Sample(text => tokenizer.Decode(tokenizer.Encode(text)) == text, iter: 500, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Encode_AnyText_GivesIdsInTheVocabulary()
    {
        var tokenizer = Gpt2Tokenizer.Instance;
        Gen.Char.Array[0, 30].Select(static c => new string(c)).Sample(
            text => tokenizer.Encode(text).All(id => id >= 0 && id < tokenizer.VocabularySize),
            iter: 500,
            seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Decode_PartialMultiByteCharacter_GivesReplacementCharacter()
    {
        // "🤖" is three byte-level tokens in GPT-2; the first alone is an incomplete UTF-8 sequence.
        var ids = Gpt2Tokenizer.Instance.Encode("\U0001F916");
        Assert.True(ids.Length > 1);
        Assert.Equal("\uFFFD", Gpt2Tokenizer.Instance.Decode(ids.AsSpan(0, 1)));
    }

    [Theory]
    [InlineData(50257)]
    [InlineData(-1)]
    public void Decode_IdOutsideTheVocabulary_Throws(int id)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Gpt2Tokenizer.Instance.Decode([31373, id]));
        Assert.Equal("ids", ex.ParamName);
        Assert.Contains("[0, 50257)", ex.Message, StringComparison.Ordinal);
    }
}

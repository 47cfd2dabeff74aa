using LlmCore.Optimization.Text;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCore.Optimization.Tests.Text;

public class TokenizerFactoryTests
{
    [Theory]
    [InlineData("byte", typeof(ByteTokenizer))]
    [InlineData("BYTE", typeof(ByteTokenizer))]
    [InlineData("gpt2", typeof(Gpt2Tokenizer))]
    [InlineData(" GPT2 ", typeof(Gpt2Tokenizer))]
    public void Create_KnownName_ReturnsTheTokenizer(string name, Type expected)
    {
        var tokenizer = new TokenizerFactory().Create(name);
        Assert.IsType(expected, tokenizer);
        Assert.Contains(tokenizer.Name, new TokenizerFactory().Names);
    }

    [Fact]
    public void Create_UnknownName_ThrowsListingTheKnownNames()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TokenizerFactory().Create("bpe"));
        Assert.Equal("name", ex.ParamName);
        Assert.Contains("'bpe'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("byte, gpt2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => new TokenizerFactory().Create(null!));
    }

    [Fact]
    public void AddLlmCoreOptimization_RegistersTheTokenizerFactory()
    {
        using var provider = new ServiceCollection().AddLlmCoreOptimization().BuildServiceProvider();
        Assert.IsType<TokenizerFactory>(provider.GetRequiredService<ITokenizerFactory>());
    }
}

using LlmCore.Optimization.Text;

namespace LlmCore.Optimization.Tests.Text;

/// <summary>
/// The windows follow nanoGPT's get_batch (train.py): x = data[i : i + block_size], y = data[i + 1 : i + 1 + block_size].
/// </summary>
public class TokenWindowDatasetTests
{
    private static TokenCorpus Range(int n, int vocabularySize = 1000) => new(Enumerable.Range(0, n).ToArray(), vocabularySize);

    private static (double[] Features, double[] Targets) All(TokenWindowDataset<double> data)
    {
        var indices = Enumerable.Range(0, data.Count).ToArray();
        var x = new double[data.Count * data.FeatureCount];
        var y = new double[data.Count * data.TargetCount];
        data.CopyExamples(indices, x, y);
        return (x, y);
    }

    [Fact]
    public void ToWindows_DefaultStride_CutsNonOverlappingInputs()
    {
        var data = Range(10).ToWindows<double>(blockSize: 3);

        Assert.Equal(3, data.Count); // ⌊(10 − 3 − 1)/3⌋ + 1
        Assert.Equal(3, data.FeatureCount);
        Assert.Equal(3, data.TargetCount);
        Assert.Equal(3, data.TokensPerExample);
        Assert.Equal(3, data.Stride);
        var (x, y) = All(data);
        Assert.Equal(new double[] { 0, 1, 2, 3, 4, 5, 6, 7, 8 }, x);
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, y);
    }

    [Fact]
    public void ToWindows_StrideOne_StartsAtEveryPosition()
    {
        var data = Range(10).ToWindows<double>(blockSize: 3, stride: 1);

        Assert.Equal(7, data.Count);
        Assert.Equal(6, data.StartOf(6));
        var x = new double[3];
        var y = new double[3];
        data.CopyExamples([6], x, y);
        Assert.Equal(new double[] { 6, 7, 8 }, x);
        Assert.Equal(new double[] { 7, 8, 9 }, y);
    }

    [Fact]
    public void ToWindows_ExactlyBlockPlusOneTokens_GivesOneWindow()
    {
        Assert.Equal(1, Range(5).ToWindows<float>(4).Count);
    }

    [Fact]
    public void ToWindows_CorpusShorterThanBlockPlusOne_ThrowsNamingTheSizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Range(64).ToWindows<float>(64));
        Assert.Equal("blockSize", ex.ParamName);
        Assert.Contains("block size of 64", ex.Message, StringComparison.Ordinal);
        Assert.Contains("at least 65 tokens", ex.Message, StringComparison.Ordinal);
        Assert.Contains("has 64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToWindows_EmptyCorpus_ThrowsSayingSo()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TokenCorpus(Array.Empty<int>(), 256).ToWindows<float>(8));
        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(4, 0)]
    public void ToWindows_NonPositiveSize_Throws(int blockSize, int? stride)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Range(10).ToWindows<double>(blockSize, stride));
    }

    [Fact]
    public void ToWindows_FloatWithVocabularyBeyond2To24_RefusesNamingTheLimit()
    {
        // float has a 24-bit significand: every integer up to 2^24 = 16,777,216 is exact, 2^24 + 1 is not.
        var corpus = new TokenCorpus(new[] { 0, 1, 2 }, 16_777_218);
        var ex = Assert.Throws<ArgumentException>(() => corpus.ToWindows<float>(2));
        Assert.Contains("16,777,216", ex.Message, StringComparison.Ordinal);
        Assert.Contains("double", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, corpus.ToWindows<double>(2).Count);
    }

    [Fact]
    public void CopyExamples_FloatAtTheLimit_CarriesIdsExactly()
    {
        const int largest = 16_777_216;
        var corpus = new TokenCorpus(new[] { largest - 1, largest, 50256 }, largest + 1);
        var data = corpus.ToWindows<float>(2);
        var x = new float[2];
        var y = new float[2];
        data.CopyExamples([0], x, y);
        Assert.Equal(new[] { largest - 1, largest }, x.Select(static v => (int)v));
        Assert.Equal(new[] { largest, 50256 }, y.Select(static v => (int)v));
    }

    [Fact]
    public void CopyExamples_BadArguments_ThrowNamingTheParameter()
    {
        var data = Range(10).ToWindows<double>(3);
        Assert.Equal("features", Assert.Throws<ArgumentException>(() => data.CopyExamples([0], new double[2], new double[3])).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => data.CopyExamples([0], new double[3], new double[4])).ParamName);
        Assert.Equal("indices", Assert.Throws<ArgumentOutOfRangeException>(() => data.CopyExamples([3], new double[3], new double[3])).ParamName);
        Assert.Equal("indices", Assert.Throws<ArgumentOutOfRangeException>(() => data.CopyExamples([-1], new double[3], new double[3])).ParamName);
    }

    [Fact]
    public void ToRandomWindows_SameSeed_SameWindowsInRange()
    {
        var corpus = Range(100);
        var a = corpus.ToRandomWindows<double>(blockSize: 8, count: 50, seed: 3);
        var b = corpus.ToRandomWindows<double>(blockSize: 8, count: 50, seed: 3);
        var c = corpus.ToRandomWindows<double>(blockSize: 8, count: 50, seed: 4);

        Assert.Equal(50, a.Count);
        Assert.Null(a.Stride);
        var starts = Enumerable.Range(0, 50).Select(a.StartOf).ToArray();
        Assert.Equal(starts, Enumerable.Range(0, 50).Select(b.StartOf));
        Assert.NotEqual(starts, Enumerable.Range(0, 50).Select(c.StartOf));
        Assert.All(starts, s => Assert.InRange(s, 0, 100 - 8 - 1));
        var (x, y) = All(a);
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(starts[i], x[i * 8]);
            Assert.Equal(starts[i] + 8, y[(i * 8) + 7]);
        }
    }

    [Fact]
    public void TokenCorpus_IdOutOfVocabulary_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new TokenCorpus(new[] { 1, 256 }, 256));
        Assert.Equal("tokens", ex.ParamName);
        Assert.Contains("position 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_IsTwoContiguousRanges()
    {
        var (train, validation) = Range(100).Split(0.1);

        Assert.Equal(Enumerable.Range(0, 90), train.Tokens.ToArray());
        Assert.Equal(Enumerable.Range(90, 10), validation.Tokens.ToArray());
        Assert.Equal(1000, validation.VocabularySize);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    [InlineData(-0.1)]
    public void Split_FractionOutsideOpenUnitInterval_Throws(double fraction)
    {
        Assert.Equal("validationFraction", Assert.Throws<ArgumentOutOfRangeException>(() => Range(100).Split(fraction)).ParamName);
    }

    [Fact]
    public void Split_EmptyPart_ThrowsNamingTheSizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Range(3).Split(0.1));
        Assert.Contains("0 validation and 3 training tokens", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToSplitWindows_NoWindowCrossesTheSplit()
    {
        var (train, validation) = Range(1000).ToSplitWindows<double>(blockSize: 16, validationFraction: 0.2, stride: 1);

        var (tx, ty) = All(train);
        var (vx, vy) = All(validation);
        Assert.True(tx.Concat(ty).Max() < 800);
        Assert.True(vx.Concat(vy).Min() >= 800);
        Assert.Equal(800 - 16, train.Count);
        Assert.Equal(200 - 16, validation.Count);
    }

    [Fact]
    public void ToSplitWindows_ValidationPartTooShort_ThrowsNamingTheSizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Range(500).ToSplitWindows<float>(blockSize: 64, validationFraction: 0.1));
        Assert.Contains("block size of 64 needs at least 65 tokens in the validation part, which holds 50 of the corpus's 500 tokens", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encode_ByteTokenizer_KeepsTheTokenizersVocabulary()
    {
        var corpus = TokenCorpus.Encode("ab", ByteTokenizer.Instance);
        Assert.Equal(256, corpus.VocabularySize);
        Assert.Equal(new[] { 97, 98 }, corpus.Tokens.ToArray());
    }
}

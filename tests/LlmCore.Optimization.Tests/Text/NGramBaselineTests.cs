using LlmCore.Optimization.Text;

namespace LlmCore.Optimization.Tests.Text;

/// <summary>Unigram and bigram baselines on sequences small enough to count by hand.</summary>
public class NGramBaselineTests
{
    private static readonly int[] s_tokens = [0, 1, 0, 1, 1];

    [Fact]
    public void Unigram_MaximumLikelihood_MatchesHandCounts()
    {
        // c(0) = 2, c(1) = 3, N = 5; scored positions 1..4 are 1, 0, 1, 1.
        var model = UnigramLanguageModel.Fit(s_tokens, vocabularySize: 2, smoothing: 0);

        Assert.Equal(0.4, model.Probability(0), 15);
        Assert.Equal(0.6, model.Probability(1), 15);
        Assert.Equal(-((3 * Math.Log(0.6)) + Math.Log(0.4)) / 4, model.CrossEntropy(s_tokens), 14);
        Assert.Equal(5, model.TokenCount);
    }

    [Fact]
    public void Unigram_AddK_SmoothsOverTheVocabulary()
    {
        var model = UnigramLanguageModel.Fit(s_tokens, vocabularySize: 4, smoothing: 0.5);

        Assert.Equal(0.5 / 7, model.Probability(3), 15); // (0 + k)/(N + kV) = 0.5/(5 + 2)
        Assert.Equal(1.0, Enumerable.Range(0, 4).Sum(model.Probability), 14);
        Assert.Equal(Math.Log(7 / 0.5), model.CrossEntropy([0, 3]), 14);
    }

    [Fact]
    public void Bigram_MaximumLikelihood_MatchesHandCounts()
    {
        // Pairs (0,1), (1,0), (0,1), (1,1): p(1|0) = 1, p(0|1) = p(1|1) = 1/2.
        var model = BigramLanguageModel.Fit(s_tokens, vocabularySize: 2, smoothing: 0);

        Assert.Equal(1.0, model.Probability(0, 1), 15);
        Assert.Equal(0.5, model.Probability(1, 1), 15);
        Assert.Equal(Math.Log(2) / 2, model.CrossEntropy(s_tokens), 14);
        Assert.Equal(4, model.PairCount);
        Assert.Equal(double.PositiveInfinity, model.CrossEntropy([0, 0]));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5000)] // beyond the dense limit: the sparse counts must give the same probabilities
    public void Bigram_AddK_MatchesTheFormula(int vocabularySize)
    {
        var model = BigramLanguageModel.Fit(s_tokens, vocabularySize, smoothing: 0.5);
        var kv = 0.5 * vocabularySize;

        Assert.Equal((2 + 0.5) / (2 + kv), model.Probability(0, 1), 15);
        Assert.Equal(0.5 / (2 + kv), model.Probability(0, 0), 15);
        Assert.Equal(1.0 / vocabularySize, model.Probability(vocabularySize - 1, 0), 15); // an unseen context is uniform
        var expected = -(Math.Log(2.5 / (2 + kv)) + Math.Log(1.5 / (2 + kv))) / 2;
        Assert.Equal(expected, model.CrossEntropy([0, 1, 0]), 14);
    }

    [Fact]
    public void Fit_BadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => UnigramLanguageModel.Fit([], 2));
        Assert.Throws<ArgumentException>(() => BigramLanguageModel.Fit([1], 2));
        Assert.Equal("smoothing", Assert.Throws<ArgumentOutOfRangeException>(() => BigramLanguageModel.Fit(s_tokens, 2, -1)).ParamName);
        Assert.Equal("smoothing", Assert.Throws<ArgumentOutOfRangeException>(() => UnigramLanguageModel.Fit(s_tokens, 2, double.NaN)).ParamName);
        Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => UnigramLanguageModel.Fit([0, 2], 2)).ParamName);
        Assert.Throws<ArgumentException>(() => UnigramLanguageModel.Fit(s_tokens, 2).CrossEntropy([1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BigramLanguageModel.Fit(s_tokens, 2).Probability(2, 0));
    }
}

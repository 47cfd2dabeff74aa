using LlmCore.Optimization.Text;

namespace LlmCore.Optimization.Tests.Text;

/// <summary>The code of docs/optimization.md's "Text data" section, compiled and checked.</summary>
[Collection(SpamAssassinCollection.Name)]
public class TextDataSampleTests(SpamAssassinFixture fixture)
{
    [Fact]
    public void DocsSample_Compiles_AndGivesTheDocumentedFigures()
    {
        _ = fixture; // the archive is in place

        // Names at byte level: 16-token windows, the last 10% of the (shuffled) corpus held out.
        var tokenizer = new TokenizerFactory().Create("byte");
        var corpus = TokenCorpus.Encode(NamesCorpus.Shuffled(seed: 0), tokenizer);
        var (train, validation) = corpus.ToSplitWindows<float>(blockSize: 16, validationFraction: 0.1);

        // The baselines a model should beat, in nats per token of the validation part.
        var (trainPart, validationPart) = corpus.Split(0.1);
        var unigram = UnigramLanguageModel.Fit(trainPart.Tokens.Span, tokenizer.VocabularySize).CrossEntropy(validationPart.Tokens.Span);
        var bigram = BigramLanguageModel.Fit(trainPart.Tokens.Span, tokenizer.VocabularySize).CrossEntropy(validationPart.Tokens.Span);

        // Spam against ham: the fixed training part, the first 64 bytes of each body.
        var messages = SpamAssassinCorpus.Load(); // after `bash scripts/data/fetch-spamassassin.sh`
        var trainMessages = messages.Where(m => !m.IsTest).ToArray();
        var spam = SequenceClassificationDataset<float>.FromTexts(
            trainMessages.Select(m => m.Body).ToArray(),
            trainMessages.Select(m => m.Label).ToArray(),
            tokenizer,
            blockSize: 64,
            SpamAssassinCorpus.ClassNames);

        // 61,762 tokens: 6,176 held out (⌊0.1·61,762⌉); windows ⌊(n − 17)/16⌋ + 1.
        Assert.Equal(3474, train.Count);
        Assert.Equal(385, validation.Count);
        Assert.Equal(16, train.TokensPerExample);
        Assert.InRange(unigram, 3.1, 3.25);
        Assert.InRange(bigram, 2.3, 2.6);
        Assert.Equal(4805, spam.Count);
    }
}

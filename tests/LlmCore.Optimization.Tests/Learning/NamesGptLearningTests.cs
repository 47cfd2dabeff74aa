using Xunit.Abstractions;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Text;

namespace LlmCore.Optimization.Tests.Learning;

/// <summary>
/// Issue 15's learning test on the makemore task: a GPT (2 layers, 4 heads, width 64, block 16, byte level) on the
/// first-names corpus beats the n-gram baselines and generates name-like strings; the same seed gives the same run.
/// </summary>
public class NamesGptLearningTests(ITestOutputHelper output)
{
    [Fact]
    public void Gpt_Names_ValidationLossClearlyBelowBaselines_AndSamplesAreNameLike()
    {
        // Names in a seeded order, the last 10% held out (TextDataSampleTests' split): training on every window
        // (stride 1), validation on the 385 non-overlapping windows of the held-out part.
        var corpus = TokenCorpus.Encode(NamesCorpus.Shuffled(seed: 0), ByteTokenizer.Instance);
        var (trainPart, validationPart) = corpus.Split(0.1);
        var unigram = UnigramLanguageModel.Fit(trainPart.Tokens.Span, 256).CrossEntropy(validationPart.Tokens.Span);
        var bigram = BigramLanguageModel.Fit(trainPart.Tokens.Span, 256).CrossEntropy(validationPart.Tokens.Span);

        var run = GptLearningRun.Train(trainPart.ToWindows<float>(GptLearningRun.BlockSize, stride: 1), validationPart.ToWindows<float>(GptLearningRun.BlockSize), steps: 600, seed: 1);
        var validation = run.History.ValidationLoss[^1];

        // Baselines on this split (docs/optimization.md, "Baselines", tested in TextDataSampleTests): unigram 3.182,
        // bigram 2.401 nats per byte. Measured here (seed 1, 600 steps): validation loss 2.211 (2.293 after 300 steps).
        // Asserted with margin: below 2.35, i.e. more than 0.8 nats below the unigram and below the bigram.
        Assert.Equal(3.182, unigram, 0.001);
        Assert.Equal(2.401, bigram, 0.001);
        Assert.True(validation < 2.35, $"validation loss {validation:F4} (unigram {unigram:F4}, bigram {bigram:F4})");
        Assert.True(validation < unigram - 0.8 && validation < bigram, $"validation loss {validation:F4} (unigram {unigram:F4}, bigram {bigram:F4})");
        Assert.True(run.History.ValidationLoss[0] > validation, "the validation loss fell between the two evaluations");

        // Sampling: measured 50 of 50 name-like (e.g. "Niona", "Loranta", "Doren", "Marian"), asserted ≥ 40. The untrained model of the same
        // seed gives none: its next byte is near uniform over 256, so a newline within 24 bytes after only letters is rare.
        var samples = GptLearningRun.SampleNames(run.Model, 50);
        var nameLike = samples.Count(GptLearningRun.IsNameLike);
        output.WriteLine($"validation {validation:F4} (after half: {run.History.ValidationLoss[0]:F4}); unigram {unigram:F4}, bigram {bigram:F4}; name-like {nameLike}/50: {string.Join(" | ", samples.Select(s => s.TrimEnd('\n')))}");
        Assert.True(nameLike >= 40, $"{nameLike} of 50 samples are name-like: {string.Join(" | ", samples.Select(s => s.TrimEnd('\n')))}");
        var untrained = GptLearningRun.SampleNames(new GptModel<float>(GptLearningRun.ModelOptions(1)), 50).Count(GptLearningRun.IsNameLike);
        Assert.True(untrained <= 2, $"{untrained} of 50 samples of the untrained model are name-like");
    }

    [Fact]
    public void Gpt_SameSeed_IdenticalLossHistoryAndGeneratedText()
    {
        var corpus = TokenCorpus.Encode(NamesCorpus.Shuffled(seed: 0), ByteTokenizer.Instance);
        var (trainPart, validationPart) = corpus.Split(0.1);
        var train = trainPart.ToWindows<float>(GptLearningRun.BlockSize, stride: 1);
        var validation = validationPart.ToRandomWindows<float>(GptLearningRun.BlockSize, 64, seed: 3);

        var a = GptLearningRun.Train(train, validation, steps: 40, seed: 5);
        var b = GptLearningRun.Train(train, validation, steps: 40, seed: 5);
        var other = GptLearningRun.Train(train, validation, steps: 40, seed: 6);

        // Bit-identical: the same batches, initial weights, kernels and reduction order (parallel work is split by
        // fixed ranges, never by timing).
        Assert.Equal(a.StepLosses, b.StepLosses);
        Assert.Equal(a.History.ValidationLoss, b.History.ValidationLoss);
        Assert.Equal(GptLearningRun.SampleNames(a.Model, 5), GptLearningRun.SampleNames(b.Model, 5));
        Assert.NotEqual(a.StepLosses, other.StepLosses);
    }
}

using System.Text.Json.Nodes;
using LlmCore.Experiments.Recipes;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Text;
using LlmCore.Optimization.Training;

namespace LlmCore.Experiments;

/// <summary>
/// <c>names-gpt</c> and <c>email-gpt</c>: the GPT of <see cref="GptLanguageModelTask"/> on a contiguous 90/10 split of
/// a corpus, against the unigram and bigram baselines of the same split; writes the loss curve.
/// </summary>
internal static class LanguageModelExperiment
{
    public const int BlockSize = GptLanguageModelTask.BlockSize;
    public const int BatchSize = GptLanguageModelTask.BatchSize;
    public const int Evaluations = 10;

    public static JsonObject Names(ExperimentArguments arguments) =>
        Run("names", NamesCorpus.Shuffled(0), arguments, arguments.Steps ?? 600, prompt: "\n", maxNewTokens: 24, samples: 12);

    public static JsonObject Email(ExperimentArguments arguments) =>
        Run("spamassassin", TextCorpora.LoadText(SpamAssassinCorpus.CorpusName, 0), arguments, arguments.Steps ?? 800, prompt: "Dear ", maxNewTokens: 120, samples: 3);

    private static JsonObject Run(string corpusName, string text, ExperimentArguments arguments, int steps, string prompt, int maxNewTokens, int samples)
    {
        var tokenizer = ByteTokenizer.Instance;
        var corpus = TokenCorpus.Encode(text, tokenizer);
        var (trainPart, validationPart) = corpus.Split(0.1);
        var unigram = UnigramLanguageModel.Fit(trainPart.Tokens.Span, 256).CrossEntropy(validationPart.Tokens.Span);
        var bigram = BigramLanguageModel.Fit(trainPart.Tokens.Span, 256).CrossEntropy(validationPart.Tokens.Span);

        // Names: every window of the training part (stride 1); the e-mail text is 10.6 million tokens, so random
        // windows, as many as the run draws. Validation: every non-overlapping window (names), 2,048 random ones (e-mail).
        var small = trainPart.Length < 1_000_000;
        var train = small ? trainPart.ToWindows<float>(BlockSize, stride: 1) : trainPart.ToRandomWindows<float>(BlockSize, steps * BatchSize, arguments.Seed);
        var validation = small ? validationPart.ToWindows<float>(BlockSize) : validationPart.ToRandomWindows<float>(BlockSize, 2048, 12345);

        var stepTimes = new List<double>();
        var run = GptLanguageModelTask.Train(train, validation, steps, arguments.Seed, Evaluations, new StepTimes(stepTimes));
        var model = run.Model;
        var history = run.History;
        var stepLosses = run.StepLosses;

        var generated = new JsonArray();
        var newline = tokenizer.Encode("\n")[0];
        for (var s = 0; s < samples; s++)
        {
            var tokens = model.Generate(tokenizer.Encode(prompt), maxNewTokens, new GenerationOptions
            {
                Temperature = 0.8,
                Seed = s + 1,
                StopTokenId = corpusName == "names" ? newline : null,
            });
            generated.Add(tokenizer.Decode(tokens));
        }

        var msPerStep = Statistics.Median(stepTimes.Skip(Math.Min(10, stepTimes.Count / 2)));
        var validationLoss = history.ValidationLoss[^1];
        var image = Path.Combine(arguments.Images, corpusName == "names" ? "names-gpt-loss.png" : "email-gpt-loss.png");
        Plots.LossCurve(image, $"GPT (2 layers, 4 heads, width 64, block 16) on {(corpusName == "names" ? "first names" : "SpamAssassin e-mail bodies")}, byte level",
            stepLosses, CumulativeSteps(history), history.ValidationLoss, ("unigram baseline", unigram), ("bigram baseline", bigram));
        return new JsonObject
        {
            ["corpus"] = corpusName,
            ["parameterCount"] = model.ParameterCount,
            ["trainTokens"] = trainPart.Length,
            ["validationTokens"] = validationPart.Length,
            ["steps"] = history.Steps,
            ["batchSize"] = BatchSize,
            ["blockSize"] = BlockSize,
            ["trainLoss"] = history.Loss[^1],
            ["validationLoss"] = validationLoss,
            ["perplexity"] = Math.Exp(validationLoss),
            ["unigramBaseline"] = unigram,
            ["bigramBaseline"] = bigram,
            ["validationLossHistory"] = new JsonArray([.. history.ValidationLoss.Select(v => JsonValue.Create(v))]),
            ["msPerStep"] = msPerStep,
            ["tokensPerSecond"] = BatchSize * BlockSize / (msPerStep / 1000),
            ["samples"] = generated,
            ["image"] = image,
        };
    }

    /// <summary>The step count at the end of each epoch (<see cref="EpochResult.Steps"/> counts one epoch's steps).</summary>
    private static double[] CumulativeSteps(History history)
    {
        var total = 0L;
        return [.. history.Epochs.Select(e => (double)(total += e.Steps))];
    }

    /// <summary>Records step times (synchronously; System.Progress would post them to the thread pool).</summary>
    private sealed class StepTimes(List<double> milliseconds) : IProgress<StepResult>
    {
        public void Report(StepResult value) => milliseconds.Add(value.Elapsed.TotalMilliseconds);
    }
}

/// <summary>Small statistics over measured values.</summary>
internal static class Statistics
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static double Mean(IEnumerable<double> values) => values.DefaultIfEmpty(double.NaN).Average();

    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }

        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}

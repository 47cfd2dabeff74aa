using System.Text.RegularExpressions;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Optimizers;
using LlmCore.Optimization.Schedules;
using LlmCore.Optimization.Text;
using LlmCore.Optimization.Training;

namespace LlmCore.Experiments.Recipes;

/// <summary>
/// The language-model recipe of issue 15's learning tests and of <c>names-gpt</c>, <c>email-gpt</c> and the
/// pretraining of <c>lora-dp</c> (the figures of docs/optimization.md and docs/privacy.md): a byte-level GPT (2 layers,
/// 4 heads, width 64, block 16; 117,504 parameters) trained with AdamW (weight decay 0.1), a warmup-cosine schedule
/// peaking at 3e-3, global-norm clipping at 1, batches of 32 windows. Compiled into the Optimization and Privacy tests.
/// </summary>
internal static partial class GptLanguageModelTask
{
    public const int BlockSize = 16;
    public const int BatchSize = 32;

    public static GptOptions ModelOptions(int seed) => new()
    {
        LayerCount = 2,
        HeadCount = 4,
        EmbeddingSize = 64,
        BlockSize = BlockSize,
        VocabularySize = 256,
        Seed = seed,
    };

    /// <summary>
    /// Trains on the windows of <paramref name="train"/> for <paramref name="steps"/> steps and evaluates on
    /// <paramref name="validation"/> (when given) every <paramref name="steps"/>/<paramref name="evaluations"/> steps.
    /// </summary>
    public static Result Train(IDataset<float> train, IDataset<float>? validation, int steps, int seed, int evaluations = 2, IProgress<StepResult>? progress = null)
    {
        var model = new GptModel<float>(ModelOptions(seed));
        const double peak = 3e-3;
        var trainer = new Trainer<float>(model, new SequenceCrossEntropy<float>(256), new AdamW<float>(model.Parameters, peak, weightDecay: 0.1));
        var stepLosses = new List<double>();
        var history = trainer.Fit(train, new FitOptions
        {
            Epochs = evaluations,
            StepsPerEpoch = steps / evaluations,
            BatchSize = BatchSize,
            Seed = seed,
            MaxGradientNorm = 1.0,
            ComputeTrainingMetrics = false,
            Schedule = new WarmupCosineSchedule(peak, steps / 20, steps, peak / 10),
            ScheduleStepping = ScheduleStepping.PerBatch,
            StepProgress = new Recorder(stepLosses, progress),
        }, validation);
        return new Result(model, history, stepLosses);
    }

    /// <summary>Samples names: prompt "\n", temperature 0.8, stop at the next newline, at most 24 bytes; seeds 1..count.</summary>
    public static string[] SampleNames(GptModel<float> model, int count)
    {
        var samples = new string[count];
        for (var s = 0; s < count; s++)
        {
            var tokens = model.Generate([(int)'\n'], 24, new GenerationOptions { Temperature = 0.8, Seed = s + 1, StopTokenId = '\n' });
            samples[s] = ByteTokenizer.Instance.Decode(tokens);
        }

        return samples;
    }

    /// <summary>
    /// Whether a sample looks like a name of the corpus: newline-terminated, 2 to 15 letters (the corpus's range), a
    /// capital then lower case, optionally one hyphenated second part (as the corpus's 19 hyphenated names).
    /// </summary>
    public static bool IsNameLike(string sample) =>
        sample.EndsWith('\n') && sample.Length - 1 is >= 2 and <= 15 && NamePattern().IsMatch(sample[..^1]);

    [GeneratedRegex("^[A-Z][a-z]+(-[A-Z][a-z]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    public sealed record Result(GptModel<float> Model, History History, IReadOnlyList<double> StepLosses);

    private sealed class Recorder(List<double> losses, IProgress<StepResult>? next) : IProgress<StepResult>
    {
        public void Report(StepResult value)
        {
            losses.Add(value.Loss);
            next?.Report(value);
        }
    }
}

using LlmCore.Optimization.Data;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Optimizers;
using LlmCore.Optimization.Schedules;
using LlmCore.Optimization.Text;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Training;

namespace LlmCore.Experiments.Recipes;

/// <summary>
/// Private LoRA fine-tuning (issue 16): the byte-level GPT of <see cref="GptLanguageModelTask"/> pretrained without
/// privacy on the public part of the SpamAssassin corpus (the <c>*-1</c> groups, 3,250 messages: random windows of
/// their bodies), then fine-tuned with DP-SGD on LoRA adapters only (rank 8, α 16, on every attention and MLP
/// projection; base frozen) on the private part (<c>*-2</c>, 2,796 messages). A private example is one e-mail — its
/// first 17 bytes as 16 inputs and 16 next-byte targets — so ε protects each private e-mail; e-mails shorter than that
/// are left out. Training: the private e-mails of the fixed training split; validation: those of the test split.
/// Shared by <c>lora-dp</c> and the Privacy tests (linked there).
/// </summary>
internal static class PrivateLoraTask
{
    public const int BlockSize = GptLanguageModelTask.BlockSize;
    public const int FineTuneSteps = 100;
    public const int PrivateBatch = 256;
    public const double FineTuneLearningRate = 1e-2;

    public static LoraOptions Lora => new() { Rank = 8, Alpha = 16, Targets = LoraTargets.Attention | LoraTargets.Mlp, Seed = 7 };

    /// <summary>Pretrains a GPT (<see cref="GptLanguageModelTask"/>) on random windows of the public bodies.</summary>
    public static GptModel<float> Pretrain(IEnumerable<SpamAssassinMessage> messages, int steps, int seed)
    {
        var text = string.Concat(messages.Where(static m => m.IsPublic).Select(static m => m.Body + "\n"));
        var windows = TokenCorpus.Encode(text, ByteTokenizer.Instance).ToRandomWindows<float>(BlockSize, steps * GptLanguageModelTask.BatchSize, seed);
        return GptLanguageModelTask.Train(windows, null, steps, seed, evaluations: 1).Model;
    }

    /// <summary>One example per private e-mail of the training (<paramref name="test"/> false) or test split.</summary>
    public static Dataset<float> PrivateEmails(IEnumerable<SpamAssassinMessage> messages, bool test)
    {
        var features = new List<float>();
        var targets = new List<float>();
        foreach (var message in messages.Where(m => !m.IsPublic && m.IsTest == test))
        {
            var ids = ByteTokenizer.Instance.Encode(message.Body);
            if (ids.Length <= BlockSize)
            {
                continue;
            }

            for (var t = 0; t < BlockSize; t++)
            {
                features.Add(ids[t]);
                targets.Add(ids[t + 1]);
            }
        }

        return new Dataset<float>([.. features], BlockSize, [.. targets], BlockSize);
    }

    /// <summary>The mean validation loss (nats per byte) of a model.</summary>
    public static double Loss(IModel<float> model, IDataset<float> data) =>
        new Trainer<float>(model, new SequenceCrossEntropy<float>(256), new Sgd<float>(model.Parameters)).Evaluate(data).Loss;

    /// <summary>
    /// Attaches the adapters to <paramref name="model"/> and fine-tunes them for <see cref="FineTuneSteps"/> steps
    /// (AdamW 1e-2, no weight decay, warmup-cosine): with DP-SGD at <paramref name="targetEpsilon"/> (δ = 1/N², RDP,
    /// Poisson sampling at expected batch 256, clipping at 1) when it is given, else without privacy at batch 256.
    /// </summary>
    public static FineTuneRun FineTune(GptModel<float> model, Dataset<float> train, double? targetEpsilon, IRandomSource? source, int seed, IProgress<StepResult>? progress = null)
    {
        model.EnableLora(Lora);
        var trainer = new Trainer<float>(model, new SequenceCrossEntropy<float>(256), new AdamW<float>(model.Parameters, FineTuneLearningRate, weightDecay: 0));
        var options = new FitOptions
        {
            Epochs = 1,
            StepsPerEpoch = FineTuneSteps,
            MaxSteps = FineTuneSteps,
            ComputeTrainingMetrics = false,
            Schedule = new WarmupCosineSchedule(FineTuneLearningRate, FineTuneSteps / 10, FineTuneSteps, FineTuneLearningRate / 10),
            ScheduleStepping = ScheduleStepping.PerBatch,
            StepProgress = progress,
        };
        if (targetEpsilon is not { } epsilon)
        {
            options.BatchSize = PrivateBatch;
            options.Seed = seed;
            var history = trainer.Fit(train, options);
            return new FineTuneRun(null, history.Steps, double.PositiveInfinity, 0, 0, 0);
        }

        var dp = DpSgdSetup.Create(trainer, train, epsilon, PrivateBatch, FineTuneSteps, 1.0, source);
        dp.Fit(options);
        return new FineTuneRun(dp, dp.Steps, dp.Epsilon, dp.Delta, dp.NoiseMultiplier, dp.SampleRate);
    }

    /// <summary>A fine-tuning run's privacy figures (<see cref="Private"/> is null without privacy).</summary>
    public sealed record FineTuneRun(PrivateTrainer<float>? Private, long Steps, double Epsilon, double Delta, double NoiseMultiplier, double SampleRate);
}

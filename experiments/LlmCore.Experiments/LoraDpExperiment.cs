using System.Text.Json.Nodes;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Optimizers;
using LlmCore.Optimization.Schedules;
using LlmCore.Optimization.Text;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Training;

namespace LlmCore.Experiments;

/// <summary>
/// <c>lora-dp</c>: a byte-level GPT (2 layers, 4 heads, width 64, block 16) pretrained without privacy on the public
/// part of the corpus (the <c>*-1</c> groups: random windows of their bodies), then fine-tuned with DP-SGD on LoRA
/// adapters only (frozen base) on the private part (<c>*-2</c>): one example per e-mail, its first 17 bytes, so that ε
/// protects each private e-mail. Validation: the private e-mails of the fixed test split.
/// </summary>
internal static class LoraDpExperiment
{
    public const int PretrainSteps = 600;
    public const int FineTuneSteps = 100;
    public const int PrivateBatch = 256;
    public const double TargetEpsilon = 8;

    public static LoraOptions Lora => new() { Rank = 8, Alpha = 16, Targets = LoraTargets.Attention | LoraTargets.Mlp, Seed = 7 };

    public static JsonObject Run(ExperimentArguments arguments)
    {
        var messages = SpamAssassinCorpus.Load();
        var pretrainSteps = arguments.Steps ?? PretrainSteps;
        var block = LanguageModelExperiment.BlockSize;

        // Public text: the bodies of the *-1 groups, one after another.
        var publicText = string.Concat(messages.Where(static m => m.IsPublic).Select(static m => m.Body + "\n"));
        var publicCorpus = TokenCorpus.Encode(publicText, ByteTokenizer.Instance);
        var publicWindows = publicCorpus.ToRandomWindows<float>(block, pretrainSteps * LanguageModelExperiment.BatchSize, arguments.Seed);
        var privateTrain = EmailStarts(messages.Where(static m => !m.IsPublic && !m.IsTest), block);
        var privateValidation = EmailStarts(messages.Where(static m => !m.IsPublic && m.IsTest), block);

        var model = new GptModel<float>(LanguageModelExperiment.ModelOptions(arguments.Seed));
        var loss = new SequenceCrossEntropy<float>(256);
        var pretrainer = new Trainer<float>(model, loss, new AdamW<float>(model.Parameters, 3e-3, weightDecay: 0.1));
        pretrainer.Fit(publicWindows, new FitOptions
        {
            Epochs = 1,
            StepsPerEpoch = pretrainSteps,
            BatchSize = LanguageModelExperiment.BatchSize,
            Seed = arguments.Seed,
            MaxGradientNorm = 1.0,
            ComputeTrainingMetrics = false,
            Schedule = new WarmupCosineSchedule(3e-3, pretrainSteps / 20, pretrainSteps, 3e-4),
            ScheduleStepping = ScheduleStepping.PerBatch,
        });
        var pretrained = pretrainer.Evaluate(privateValidation).Loss;
        using var snapshot = new MemoryStream();
        model.Save(snapshot);

        var privateRun = FineTune(snapshot, privateTrain, privateValidation, arguments, isPrivate: true);
        var nonPrivateRun = FineTune(snapshot, privateTrain, privateValidation, arguments, isPrivate: false);
        var image = Path.Combine(arguments.Images, "lora-dp-loss.png");
        Plots.LossCurve(image, "Private LoRA fine-tuning of a GPT pretrained on the public e-mails (ε = 8)",
            privateRun.StepLosses, [FineTuneSteps], [privateRun.ValidationLoss],
            ("pretrained, private validation", pretrained), ("non-private LoRA, private validation", nonPrivateRun.ValidationLoss));
        return new JsonObject
        {
            ["publicMessages"] = messages.Count(static m => m.IsPublic),
            ["privateMessages"] = messages.Count(static m => !m.IsPublic),
            ["privateTrainExamples"] = privateTrain.Count,
            ["privateValidationExamples"] = privateValidation.Count,
            ["pretrainSteps"] = pretrainSteps,
            ["parameterCount"] = model.ParameterCount,
            ["trainableParameterCount"] = privateRun.Trainable,
            ["clipping"] = privateRun.Clipping,
            ["pretrainedValidationLoss"] = pretrained,
            ["privateLoraValidationLoss"] = privateRun.ValidationLoss,
            ["nonPrivateLoraValidationLoss"] = nonPrivateRun.ValidationLoss,
            ["epsilon"] = privateRun.Epsilon,
            ["delta"] = privateRun.Delta,
            ["noiseMultiplier"] = privateRun.NoiseMultiplier,
            ["steps"] = privateRun.Steps,
            ["expectedBatchSize"] = PrivateBatch,
            ["noise"] = arguments.SeededNoise ? "seeded (reproducible)" : "secure",
            ["image"] = image,
        };
    }

    /// <summary>One example per e-mail: its first <paramref name="block"/> bytes and their next bytes; e-mails shorter than block + 1 bytes are left out.</summary>
    public static Dataset<float> EmailStarts(IEnumerable<SpamAssassinMessage> messages, int block)
    {
        var features = new List<float>();
        var targets = new List<float>();
        foreach (var message in messages)
        {
            var ids = ByteTokenizer.Instance.Encode(message.Body);
            if (ids.Length <= block)
            {
                continue;
            }

            for (var t = 0; t < block; t++)
            {
                features.Add(ids[t]);
                targets.Add(ids[t + 1]);
            }
        }

        return new Dataset<float>([.. features], block, [.. targets], block);
    }

    private static (double ValidationLoss, double Epsilon, double Delta, double NoiseMultiplier, long Steps, long Trainable, string Clipping, List<double> StepLosses) FineTune(
        MemoryStream snapshot, Dataset<float> train, Dataset<float> validation, ExperimentArguments arguments, bool isPrivate)
    {
        snapshot.Position = 0;
        var model = (GptModel<float>)ModelFactory.LoadTransformer<float>(snapshot);
        model.EnableLora(Lora);
        var peak = 1e-2;
        var trainer = new Trainer<float>(model, new SequenceCrossEntropy<float>(256), new AdamW<float>(model.Parameters, peak, weightDecay: 0));
        var losses = new List<double>();
        var options = new FitOptions
        {
            Epochs = 1,
            StepsPerEpoch = FineTuneSteps,
            MaxSteps = FineTuneSteps,
            ComputeTrainingMetrics = false,
            Schedule = new WarmupCosineSchedule(peak, FineTuneSteps / 10, FineTuneSteps, peak / 10),
            ScheduleStepping = ScheduleStepping.PerBatch,
            StepProgress = new StepLosses(losses),
        };
        var n = train.Count;
        var delta = 1.0 / ((double)n * n);
        if (!isPrivate)
        {
            options.BatchSize = PrivateBatch;
            options.Seed = arguments.Seed;
            trainer.Fit(train, options);
            return (trainer.Evaluate(validation).Loss, double.PositiveInfinity, 0, 0, FineTuneSteps, model.TrainableParameterCount, "none", losses);
        }

        var q = PrivacyEngine.SampleRate(n, PrivateBatch);
        var sigma = NoiseCalibration.FindNoiseMultiplier(TargetEpsilon, delta, q, FineTuneSteps, static () => new RdpAccountant()).NoiseMultiplier;
        var dp = new PrivateTrainer<float>(trainer, train, new DpSgdOptions
        {
            ExpectedBatchSize = PrivateBatch,
            NoiseMultiplier = sigma,
            MaxGradNorm = 1.0,
            Delta = delta,
            TargetEpsilon = TargetEpsilon,
            MaxPhysicalBatchSize = 128,
            RandomSource = arguments.SeededNoise ? new SeededRandomSource((ulong)arguments.Seed) : null,
        });
        dp.Fit(options);
        return (trainer.Evaluate(validation).Loss, dp.Epsilon, delta, sigma, dp.Steps, model.TrainableParameterCount, model.PlanClipping(ClippingMode.Automatic).Summary, losses);
    }

    private sealed class StepLosses(List<double> losses) : IProgress<StepResult>
    {
        public void Report(StepResult value) => losses.Add(value.Loss);
    }
}

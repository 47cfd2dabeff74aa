using System.Text.Json.Nodes;
using LlmCore.Experiments.Recipes;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Text;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Experiments;

/// <summary>
/// <c>lora-dp</c>: the <see cref="PrivateLoraTask"/>: pretraining on the public e-mails, then LoRA fine-tuning on the
/// private ones with DP-SGD at ε = 8 and, for comparison, without privacy; writes the fine-tuning loss curve.
/// </summary>
internal static class LoraDpExperiment
{
    public const int PretrainSteps = 600;
    public const double TargetEpsilon = 8;

    public static JsonObject Run(ExperimentArguments arguments)
    {
        var messages = SpamAssassinCorpus.Load();
        var pretrainSteps = arguments.Steps ?? PretrainSteps;
        var train = PrivateLoraTask.PrivateEmails(messages, test: false);
        var validation = PrivateLoraTask.PrivateEmails(messages, test: true);

        var model = PrivateLoraTask.Pretrain(messages, pretrainSteps, arguments.Seed);
        var pretrained = PrivateLoraTask.Loss(model, validation);
        using var snapshot = new MemoryStream();
        model.Save(snapshot);

        var losses = new List<double>();
        var privateRun = PrivateLoraTask.FineTune(model, train, TargetEpsilon, arguments.SeededNoise ? new SeededRandomSource((ulong)arguments.Seed) : null, arguments.Seed, new StepLosses(losses));
        var privateLoss = PrivateLoraTask.Loss(model, validation);
        snapshot.Position = 0;
        var copy = (GptModel<float>)ModelFactory.LoadTransformer<float>(snapshot);
        PrivateLoraTask.FineTune(copy, train, null, null, arguments.Seed);
        var nonPrivateLoss = PrivateLoraTask.Loss(copy, validation);

        var image = Path.Combine(arguments.Images, "lora-dp-loss.png");
        Plots.LossCurve(image, "Private LoRA fine-tuning on the private e-mails (ε = 8), GPT pretrained on the public ones",
            losses, [privateRun.Steps], [privateLoss],
            ("pretrained model", pretrained), ("non-private LoRA", nonPrivateLoss));
        return new JsonObject
        {
            ["publicMessages"] = messages.Count(static m => m.IsPublic),
            ["privateMessages"] = messages.Count(static m => !m.IsPublic),
            ["privateTrainExamples"] = train.Count,
            ["privateValidationExamples"] = validation.Count,
            ["pretrainSteps"] = pretrainSteps,
            ["parameterCount"] = model.ParameterCount,
            ["trainableParameterCount"] = model.TrainableParameterCount,
            ["clipping"] = model.PlanClipping(ClippingMode.Automatic).Summary,
            ["pretrainedValidationLoss"] = pretrained,
            ["privateLoraValidationLoss"] = privateLoss,
            ["nonPrivateLoraValidationLoss"] = nonPrivateLoss,
            ["epsilon"] = privateRun.Epsilon,
            ["delta"] = privateRun.Delta,
            ["noiseMultiplier"] = privateRun.NoiseMultiplier,
            ["sampleRate"] = privateRun.SampleRate,
            ["steps"] = privateRun.Steps,
            ["expectedBatchSize"] = PrivateLoraTask.PrivateBatch,
            ["noise"] = arguments.SeededNoise ? "seeded (reproducible)" : "secure",
            ["image"] = image,
        };
    }

    private sealed class StepLosses(List<double> losses) : IProgress<StepResult>
    {
        public void Report(StepResult value) => losses.Add(value.Loss);
    }
}

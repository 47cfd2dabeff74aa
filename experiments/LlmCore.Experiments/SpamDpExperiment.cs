using System.Diagnostics;
using System.Text.Json.Nodes;
using LlmCore.Experiments.Recipes;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Text;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Experiments;

/// <summary>
/// <c>spam-dp</c>: the <see cref="SpamTask"/> without privacy and with DP-SGD at ε = 1, 3, 8 (secure noise unless
/// --seeded-noise), over several seeds; writes the accuracy-against-ε plot.
/// </summary>
internal static class SpamDpExperiment
{
    public static readonly double[] Epsilons = [1, 3, 8];

    public static JsonObject Run(ExperimentArguments arguments)
    {
        var messages = SpamAssassinCorpus.Load();
        var train = SpamTask.Dataset(messages.Where(static m => !m.IsTest));
        var test = SpamTask.Dataset(messages.Where(static m => m.IsTest));
        var n = train.Count;
        var delta = 1.0 / ((double)n * n);
        var majority = 1.0 - (messages.Count(static m => m.IsTest && m.IsSpam) / (double)test.Count);
        var nonPrivateSteps = arguments.Steps ?? SpamTask.NonPrivateSteps;
        var privateSteps = arguments.Steps is { } s ? Math.Max(1, s / 2) : SpamTask.PrivateSteps;

        var nonPrivate = new List<double>();
        var privateAccuracy = Epsilons.Select(_ => new List<double>()).ToArray();
        var privateRuns = new JsonArray();
        var clock = Stopwatch.StartNew();
        double nonPrivateSeconds = 0;
        double privateSeconds = 0;
        string clipping = string.Empty;
        for (var seed = arguments.Seed; seed < arguments.Seed + arguments.Seeds; seed++)
        {
            clock.Restart();
            nonPrivate.Add(SpamTask.TrainNonPrivate(train, test, seed, nonPrivateSteps));
            nonPrivateSeconds += clock.Elapsed.TotalSeconds;
            for (var e = 0; e < Epsilons.Length; e++)
            {
                clock.Restart();
                var run = SpamTask.TrainPrivate(train, test, seed, Epsilons[e], arguments.SeededNoise ? new SeededRandomSource((ulong)seed) : null, privateSteps);
                privateSeconds += clock.Elapsed.TotalSeconds;
                privateAccuracy[e].Add(run.Accuracy);
                clipping = run.Clipping;
                privateRuns.Add(new JsonObject
                {
                    ["seed"] = seed,
                    ["targetEpsilon"] = Epsilons[e],
                    ["epsilon"] = run.Epsilon,
                    ["noiseMultiplier"] = run.NoiseMultiplier,
                    ["steps"] = run.Steps,
                    ["accuracy"] = run.Accuracy,
                });
            }
        }

        var means = privateAccuracy.Select(static a => a.Average()).ToArray();
        var deviations = privateAccuracy.Select(static a => Statistics.StandardDeviation(a)).ToArray();
        var image = Path.Combine(arguments.Images, "spam-dp-accuracy.png");
        Plots.AccuracyAgainstEpsilon(image, "Spam against ham (SpamAssassin, 1,241 test messages): one-block transformer, DP-SGD",
            Epsilons, means, deviations, nonPrivate.Average(), majority);
        var table = new JsonArray();
        for (var e = 0; e < Epsilons.Length; e++)
        {
            table.Add(new JsonObject { ["epsilon"] = Epsilons[e], ["meanAccuracy"] = means[e], ["sdAccuracy"] = deviations[e] });
        }

        return new JsonObject
        {
            ["trainMessages"] = n,
            ["testMessages"] = test.Count,
            ["delta"] = delta,
            ["majorityAccuracy"] = majority,
            ["parameterCount"] = new SequenceClassifier<float>(SpamTask.ModelOptions(0)).ParameterCount,
            ["seeds"] = arguments.Seeds,
            ["noise"] = arguments.SeededNoise ? "seeded (reproducible)" : "secure",
            ["clipping"] = clipping,
            ["nonPrivateAccuracy"] = nonPrivate.Average(),
            ["nonPrivateAccuracies"] = new JsonArray([.. nonPrivate.Select(v => JsonValue.Create(v))]),
            ["nonPrivateSteps"] = nonPrivateSteps,
            ["nonPrivateOptimizer"] = $"AdamW lr {SpamTask.NonPrivateLearningRate}, batch {SpamTask.NonPrivateBatch}",
            ["privateOptimizer"] = $"SGD momentum 0.9 lr {SpamTask.PrivateLearningRate}, clip {SpamTask.ClipNorm}",
            ["privateSteps"] = privateSteps,
            ["privateExpectedBatch"] = SpamTask.PrivateBatch,
            ["blockSize"] = SpamTask.BlockSize,
            ["private"] = table,
            ["runs"] = privateRuns,
            ["secondsPerNonPrivateRun"] = nonPrivateSeconds / arguments.Seeds,
            ["secondsPerPrivateRun"] = privateSeconds / (arguments.Seeds * Epsilons.Length),
            ["image"] = image,
        };
    }
}

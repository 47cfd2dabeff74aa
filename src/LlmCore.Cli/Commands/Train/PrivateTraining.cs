using LlmCore.Cli.Infrastructure;
using LlmCore.Optimization;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Metrics;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Training;

namespace LlmCore.Cli.Commands.Train;

/// <summary>
/// The <c>--private</c> path of <c>llmcore train</c>: DP-SGD with Poisson sampling (q = B/N), ⌈epochs·N/B⌉ steps,
/// clipping to <c>--max-grad-norm</c>, noise σ from <c>--noise-multiplier</c> or calibrated for <c>--target-epsilon</c>,
/// noise and sampling from the secure random source, ε from the RDP accountant at <c>--delta</c>.
/// </summary>
internal static class PrivateTraining
{
    /// <summary>The private options as parsed.</summary>
    public sealed record Settings(double? NoiseMultiplier, double? TargetEpsilon, double? MaxGradNorm, double? Delta)
    {
        /// <summary>Checks the combination and the ranges; throws the usage error naming the option.</summary>
        public void Validate(int batchSize, int trainCount)
        {
            if (NoiseMultiplier is null == TargetEpsilon is null)
            {
                throw CliUsageException.ForOption("--noise-multiplier", "with --private, give exactly one of --noise-multiplier or --target-epsilon", NoiseMultiplier?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)");
            }

            if (NoiseMultiplier is { } sigma && !(double.IsFinite(sigma) && sigma > 0))
            {
                throw CliUsageException.ForOption("--noise-multiplier", "must be a finite number > 0", sigma);
            }

            if (TargetEpsilon is { } target && !(double.IsFinite(target) && target > 0))
            {
                throw CliUsageException.ForOption("--target-epsilon", "must be a finite number > 0", target);
            }

            if (MaxGradNorm is not { } c || !(double.IsFinite(c) && c > 0))
            {
                throw CliUsageException.ForOption("--max-grad-norm", "is required with --private and must be a finite number > 0", MaxGradNorm?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)");
            }

            if (Delta is not { } delta || !(delta > 0 && delta < 1))
            {
                throw CliUsageException.ForOption("--delta", "is required with --private and must be in (0, 1)", Delta?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)");
            }

            if (batchSize > trainCount)
            {
                throw CliUsageException.ForOption("--batch-size", $"must be ≤ the {trainCount} training examples with --private (it is the expected Poisson batch size)", batchSize);
            }
        }
    }

    /// <summary>Trains privately and returns the history (training and held-out loss and metric per epoch) and the privacy spent.</summary>
    public static (History History, PrivateTrainingResult Result) Fit(
        Sequential<double> model,
        ILoss<double> loss,
        IMetric<double> metric,
        Func<IEnumerable<Parameter<double>>, IOptimizer<double>> optimizerFactory,
        Dataset<double> train,
        Dataset<double> test,
        int epochs,
        int batchSize,
        Settings settings,
        Action<EpochResult, double>? onEpoch)
    {
        var sigma = settings.NoiseMultiplier ?? PrivacyEngine.CalibrateNoiseMultiplier(
            settings.TargetEpsilon!.Value, settings.Delta!.Value, train.Count, batchSize, epochs, () => new RdpAccountant()).NoiseMultiplier;
        var options = new DpSgdOptions
        {
            ExpectedBatchSize = batchSize,
            NoiseMultiplier = sigma,
            MaxGradNorm = settings.MaxGradNorm!.Value,
            Delta = settings.Delta!.Value,
            TargetEpsilon = settings.TargetEpsilon,
        };
        var trainer = new PrivateTrainer<double>(model, loss, optimizerFactory(model.Parameters), train, options);
        var epochsRun = new List<EpochResult>();
        var predictions = new double[test.Count * model.OutputSize];
        var gradient = new double[predictions.Length];
        var result = trainer.Fit(epochs, new Reporter(e =>
        {
            model.Predict(test.Features, predictions, test.Count);
            var heldOutLoss = loss.Compute(predictions, test.Targets, test.Count, gradient);
            var heldOutMetric = metric.Compute(predictions, test.Targets, test.Count);
            var epoch = new EpochResult(
                e.Epoch,
                e.Loss,
                heldOutLoss,
                new Dictionary<string, double>(),
                new Dictionary<string, double> { [metric.Name] = heldOutMetric },
                trainer.Optimizer.Optimizer.LearningRate);
            epochsRun.Add(epoch);
            onEpoch?.Invoke(epoch, e.Epsilon);
        }));
        return (new History(epochsRun, result.StoppedAtTargetEpsilon), result);
    }

    private sealed class Reporter(Action<PrivateEpochResult> report) : IProgress<PrivateEpochResult>
    {
        public void Report(PrivateEpochResult value) => report(value);
    }
}

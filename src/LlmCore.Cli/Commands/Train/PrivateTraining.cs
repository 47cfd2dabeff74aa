using LlmCore.Cli.Infrastructure;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Training;

namespace LlmCore.Cli.Commands.Train;

/// <summary>
/// The <c>--private</c> path of <c>llmcore train</c>: DP-SGD with Poisson sampling (q = B/N), ⌈epochs·N/B⌉ steps,
/// clipping to <c>--max-grad-norm</c>, noise σ from <c>--noise-multiplier</c> or calibrated for <c>--target-epsilon</c>,
/// noise and sampling from the secure random source, ε from the RDP accountant at <c>--delta</c>: the one
/// <see cref="Trainer{T}"/> of the non-private path, made private by <see cref="PrivateTrainer{T}"/>.
/// </summary>
internal static class PrivateTraining
{
    /// <summary>The private options as parsed.</summary>
    public sealed record Settings(double? NoiseMultiplier, double? TargetEpsilon, double? MaxGradNorm, double? Delta)
    {
        /// <summary>Gets the accountant ε is computed with (RDP; <c>--accountant</c> will set it).</summary>
        public PrivacyAccountantKind Accountant { get; init; } = PrivacyAccountantKind.Rdp;

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

    /// <summary>
    /// Trains privately through the one training loop (<see cref="PrivateTrainer{T}"/> around <paramref name="trainer"/>)
    /// and returns the history (training loss, held-out loss and metric per epoch) and the privacy spent.
    /// </summary>
    public static (History History, PrivateTrainingResult Result) Fit(
        Trainer<double> trainer,
        Dataset<double> train,
        Dataset<double> test,
        int epochs,
        int batchSize,
        Settings settings,
        Action<EpochResult, double>? onEpoch)
    {
        var sigma = settings.NoiseMultiplier ?? PrivacyEngine.CalibrateNoiseMultiplier(
            settings.TargetEpsilon!.Value, settings.Delta!.Value, train.Count, batchSize, epochs, () => CreateAccountant(settings)).NoiseMultiplier;
        var options = new DpSgdOptions
        {
            ExpectedBatchSize = batchSize,
            NoiseMultiplier = sigma,
            MaxGradNorm = settings.MaxGradNorm!.Value,
            Delta = settings.Delta!.Value,
            TargetEpsilon = settings.TargetEpsilon,
            Accountant = settings.Accountant,
        };
        var privateTrainer = new PrivateTrainer<double>(trainer, train, options, CreateAccountant(settings));
        var progress = onEpoch is null ? null : new Reporter(e => onEpoch(e, privateTrainer.Epsilon));

        // Training-set metrics are not private releases: only the held-out ones are computed.
        var result = privateTrainer.Fit(epochs, new FitOptions { ComputeTrainingMetrics = false }, test, progress);
        return (result.History!, result);
    }

    /// <summary>The accountant of the run (RDP unless the settings say otherwise).</summary>
    private static IPrivacyAccountant CreateAccountant(Settings settings) => new PrivacyAccountantFactory().Create(settings.Accountant);

    private sealed class Reporter(Action<EpochResult> report) : IProgress<EpochResult>
    {
        public void Report(EpochResult value) => report(value);
    }
}

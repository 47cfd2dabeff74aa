using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmCore.Cli.Commands.Privacy;
using LlmCore.Cli.Infrastructure;
using LlmCore.Optimization;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Auditing;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Training;

namespace LlmCore.Cli.Commands.Train;

/// <summary>How <c>llmcore train --private</c> draws its batches (<c>--sampler</c>).</summary>
internal enum PrivateSampler
{
    /// <summary>Every example joins each step independently with probability q = B/N (add/remove neighbours; RDP or PLD).</summary>
    Poisson,

    /// <summary>Each step takes exactly B distinct examples drawn uniformly without replacement (replace-one neighbours; RDP only).</summary>
    Shuffle,
}

/// <summary>
/// The <c>--private</c> path of <c>llmcore train</c>, for every model it trains: the one <see cref="Trainer{T}"/> with a
/// private batch sampler (<see cref="PoissonBatchSampler"/>, or <see cref="SampledWithoutReplacementBatchSampler"/> for <c>--sampler
/// shuffle</c>), the clipping-and-noise <see cref="PrivateGradientTransform{T}"/> (wrapped by
/// <see cref="CanaryAuditTransform{T}"/> under <c>--audit-canaries</c>) and a <see cref="PrivacyAccountingCallback"/>
/// that composes the sampler's own event per step: <c>PoissonSampledEvent(q, GaussianEvent(σ))</c> for Poisson,
/// <c>SampledWithoutReplacementEvent.DpSgdStep(N, B, σ)</c> for fixed-size batches. Sampling and noise come from the
/// secure random source.
/// </summary>
internal static class PrivateTraining
{
    /// <summary>The confidence of the one-run audit's lower bound.</summary>
    public const double AuditConfidence = 0.95;

    /// <summary>The most canaries <c>--audit-canaries</c> accepts.</summary>
    public const int MaxAuditCanaries = 1_000_000;

    /// <summary>The private options as parsed.</summary>
    public sealed record Settings(double? NoiseMultiplier, double? TargetEpsilon, double? MaxGradNorm, double? Delta)
    {
        /// <summary>Gets the accountant ε is computed with (<c>--accountant</c>).</summary>
        public PrivacyAccountantKind Accountant { get; init; } = PrivacyAccountantKind.Rdp;

        /// <summary>Gets the batch sampler (<c>--sampler</c>).</summary>
        public PrivateSampler Sampler { get; init; } = PrivateSampler.Poisson;

        /// <summary>Gets the number of white-box canaries of the one-run audit, or <see langword="null"/> for none (<c>--audit-canaries</c>).</summary>
        public int? AuditCanaries { get; init; }

        /// <summary>Gets how per-example norms are computed (<c>--clipping</c>).</summary>
        public ClippingMode ClippingMode { get; init; } = ClippingMode.Automatic;

        /// <summary>Gets the PLD accountant's grid limit (<c>--pld-max-grid-points</c>).</summary>
        public long PldMaxGridPoints { get; init; } = PldAccountant.DefaultMaxGridPoints;

        /// <summary>Gets the accountant's name as the CLI prints it.</summary>
        public string AccountantName => Accountant == PrivacyAccountantKind.Pld ? "pld" : "rdp";

        /// <summary>Gets the sampler's name as the CLI prints it.</summary>
        public string SamplerName => Sampler == PrivateSampler.Shuffle ? "shuffle" : "poisson";

        /// <summary>Checks the combination and the ranges; throws the usage error naming the option.</summary>
        public void Validate(int batchSize, int trainCount)
        {
            if (NoiseMultiplier is null == TargetEpsilon is null)
            {
                throw CliUsageException.ForOption("--noise-multiplier", "with --private, give exactly one of --noise-multiplier or --target-epsilon", NoiseMultiplier?.ToString(CultureInfo.InvariantCulture) ?? "(none)");
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
                throw CliUsageException.ForOption("--max-grad-norm", "is required with --private and must be a finite number > 0", MaxGradNorm?.ToString(CultureInfo.InvariantCulture) ?? "(none)");
            }

            if (Delta is not { } delta || !(delta > 0 && delta < 1))
            {
                throw CliUsageException.ForOption("--delta", "is required with --private and must be in (0, 1)", Delta?.ToString(CultureInfo.InvariantCulture) ?? "(none)");
            }

            if (Sampler == PrivateSampler.Shuffle && Accountant == PrivacyAccountantKind.Pld)
            {
                throw CliUsageException.ForOption(
                    "--sampler shuffle",
                    "is accounted only by the RDP accountant (fixed-size batches under replace-one neighbours, Wang-Balle-Kasiviswanathan 2019; the PLD accountant has no such event): use --accountant rdp, or --sampler poisson with --accountant pld",
                    "--accountant pld");
            }

            if (AuditCanaries is { } m)
            {
                if (m < 2 || m > MaxAuditCanaries)
                {
                    throw CliUsageException.ForOption("--audit-canaries", $"must be in [2, {MaxAuditCanaries}]", m);
                }

                if (Sampler == PrivateSampler.Shuffle)
                {
                    throw CliUsageException.ForOption("--audit-canaries", "needs --sampler poisson (the canaries join each step independently with probability q, as the examples do)", "--sampler shuffle");
                }
            }

            if (batchSize > trainCount)
            {
                throw CliUsageException.ForOption("--batch-size", $"must be ≤ the {trainCount} training examples with --private (it is the expected Poisson batch size)", batchSize);
            }
        }
    }

    /// <summary>What a private run spent and found.</summary>
    public sealed record Outcome(
        History History,
        long Steps,
        long PlannedSteps,
        double Epsilon,
        double? EpsilonLower,
        double Delta,
        double SampleRate,
        double NoiseMultiplier,
        double MaxGradNorm,
        bool StoppedAtTargetEpsilon,
        string Accountant,
        string Sampler,
        string Clipping,
        OneRunAuditResult? Audit);

    /// <summary>
    /// Trains privately through the one training loop for <paramref name="plannedSteps"/> steps (fewer if the target ε
    /// would be crossed) and returns the history and the privacy spent.
    /// </summary>
    /// <param name="trainer">The trainer; its gradient transform is replaced by the private one.</param>
    /// <param name="train">The private training data.</param>
    /// <param name="validation">Held-out data, or <see langword="null"/>.</param>
    /// <param name="options">Epochs, steps per epoch, schedule, evaluation limits and step progress; copied, and given the sampler, the step cap and the accounting callback.</param>
    /// <param name="plannedSteps">The steps of the run (σ is calibrated for them under <c>--target-epsilon</c>).</param>
    /// <param name="batchSize">B: the expected (Poisson) or exact (shuffle) batch size.</param>
    /// <param name="settings">The private options, validated.</param>
    /// <param name="onEpoch">Told each epoch's result and the ε spent so far, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the σ search and the run (Ctrl-C).</param>
    public static Outcome Fit<T>(
        Trainer<T> trainer,
        IDataset<T> train,
        IDataset<T>? validation,
        FitOptions options,
        long plannedSteps,
        int batchSize,
        Settings settings,
        Action<EpochResult, double>? onEpoch,
        CancellationToken cancellationToken = default)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        return AccountingOptionsParsing.WithinPldLimits(Run);

        // The run itself, inside the PLD limit translation (a refused grid names --pld-max-grid-points).
        Outcome Run()
        {
            var n = train.Count;
            var delta = settings.Delta!.Value;
            var clip = settings.MaxGradNorm!.Value;
            Func<double, PrivacyEvent> stepEvent = settings.Sampler == PrivateSampler.Shuffle
                ? sigma => SampledWithoutReplacementEvent.DpSgdStep(n, batchSize, sigma)
                : sigma => new PoissonSampledEvent(PrivacyEngine.SampleRate(n, batchSize), new GaussianEvent(sigma));
            var sigma = settings.NoiseMultiplier ?? NoiseCalibration.FindNoiseMultiplier(
                settings.TargetEpsilon!.Value, delta, s => new SelfComposedEvent(stepEvent(s), plannedSteps), () => CreateAccountant(settings), cancellationToken: cancellationToken).NoiseMultiplier;

            var source = SecureRandomSource.Instance;
            IBatchSampler sampler = settings.Sampler == PrivateSampler.Shuffle
                ? new SampledWithoutReplacementBatchSampler(n, batchSize, source)
                : new PoissonBatchSampler(n, PrivacyEngine.SampleRate(n, batchSize), source);
            var accountant = CreateAccountant(settings);

            // With RDP the accounting callback also refuses any step that would cross the target (cheap: the step's curve is
            // cached). With PLD that check is one FFT self-composition per step, so the run relies on σ calibrated for the
            // planned steps instead (ε grows with the steps, so ε after them is the largest ε of the run).
            var checkTarget = settings.Accountant == PrivacyAccountantKind.Rdp ? settings.TargetEpsilon : null;
            var accounting = new PrivacyAccountingCallback(accountant, stepEvent(sigma), delta, checkTarget);
            var privateTransform = new PrivateGradientTransform<T>(sigma, clip, source, settings.ClippingMode);
            IGradientTransform<T> transform = privateTransform;
            CanaryAuditTransform<T>? audit = null;
            double[]? initial = null;
            if (settings.AuditCanaries is { } canaries)
            {
                audit = CanaryAuditTransform<T>.Create(privateTransform, trainer.Model.Parameters, canaries, clip, sampler.SampleRate, source);
                initial = audit.Snapshot();
                transform = audit;
            }

            trainer.GradientTransform = transform;
            var run = options.Clone();
            run.BatchSampler = sampler;
            run.MaxSteps = plannedSteps;
            run.ComputeTrainingMetrics = false; // training-set metrics are not private releases
            run.StepCallbacks.Insert(0, accounting);
            var progress = onEpoch is null ? null : new Reporter(e => onEpoch(e, accounting.ComposedSteps == 0 ? 0 : accounting.Epsilon));
            History history;
            try
            {
                history = trainer.Fit(train, run, validation, progress, cancellationToken);
            }
            finally
            {
                trainer.GradientTransform = null;
            }

            var epsilon = accounting.ComposedSteps == 0 ? 0 : accounting.Epsilon;
            double? epsilonLower = accountant is PldAccountant pld && accounting.ComposedSteps > 0 ? pld.GetEpsilonBounds(delta).Lower : null;
            OneRunAuditResult? auditResult = null;
            if (audit is not null)
            {
                var scores = audit.Score(initial!);
                auditResult = PrivacyAudit.EvaluateOneRun(audit.Audit.Plan, scores, AuditCandidates(audit.Audit.Plan.CanaryCount), delta, AuditConfidence);
            }

            var clipping = trainer.Model is IClippingPlanner planner ? planner.PlanClipping(settings.ClippingMode).Summary : "materialized";
            return new Outcome(
                history,
                accounting.ComposedSteps,
                plannedSteps,
                epsilon,
                epsilonLower,
                delta,
                sampler.SampleRate,
                sigma,
                clip,
                history.StopReason == TrainingStopReason.StepRefused && accounting.TargetReached,
                settings.AccountantName,
                settings.SamplerName,
                clipping,
                auditResult);
        }
    }

    /// <summary>
    /// The (k₊, k₋) guess counts of the audit, fixed before the scores are seen: k guesses each way for k of about 1%,
    /// 5%, 10%, 25% and 50% of the canaries (the paper's abstention sweep); <see cref="PrivacyAudit.EvaluateOneRun(OneRunAuditPlan, ReadOnlySpan{double}, IEnumerable{ValueTuple{int, int}}, double, double)"/>
    /// tests each at level (1 − confidence)/K.
    /// </summary>
    internal static IReadOnlyList<(int Positive, int Negative)> AuditCandidates(int canaries)
    {
        var candidates = new List<(int, int)>();
        foreach (var fraction in new[] { 0.01, 0.05, 0.1, 0.25, 0.5 })
        {
            var k = Math.Max(1, (int)Math.Floor(fraction * canaries));
            if (2 * k <= canaries && !candidates.Contains((k, k)))
            {
                candidates.Add((k, k));
            }
        }

        return candidates;
    }

    /// <summary>
    /// The JSON object of a <c>train</c> result with the private keys of the contract appended (<c>epsilon</c>, <c>delta</c>,
    /// <c>sampleRate</c>, <c>accountant</c>, <c>sampler</c>, <c>clipping</c>, with PLD <c>epsilonLower</c>, with canaries
    /// <c>auditEpsilonLower</c>, ...); none when the run was not private.
    /// </summary>
    public static JsonObject WithPrivacyKeys<TResult>(TResult result, Outcome? privacy, Settings? settings)
    {
        var node = JsonSerializer.SerializeToNode(result, CliContext.JsonOptions)!.AsObject();
        if (privacy is null)
        {
            return node;
        }

        var keys = JsonSerializer.SerializeToNode(
            new
            {
                epsilon = privacy.Epsilon,
                delta = privacy.Delta,
                sampleRate = privacy.SampleRate,
                noiseMultiplier = privacy.NoiseMultiplier,
                maxGradNorm = privacy.MaxGradNorm,
                targetEpsilon = settings?.TargetEpsilon,
                stoppedAtTargetEpsilon = privacy.StoppedAtTargetEpsilon,
                epsilonLower = privacy.EpsilonLower,
                accountant = privacy.Accountant,
                sampler = privacy.Sampler,
                clipping = privacy.Clipping,
                auditCanaries = privacy.Audit?.Canaries,
                auditEpsilonLower = privacy.Audit?.EpsilonLowerBound,
                auditConfidence = privacy.Audit?.Confidence,
            },
            CliContext.JsonOptions)!.AsObject();
        foreach (var (key, value) in keys.ToList())
        {
            keys.Remove(key);
            node[key] = value;
        }

        return node;
    }

    /// <summary>Parses <c>--accountant</c>.</summary>
    public static PrivacyAccountantKind ParseAccountant(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "rdp" => PrivacyAccountantKind.Rdp,
        "pld" => PrivacyAccountantKind.Pld,
        _ => throw CliUsageException.ForOption("--accountant", "must be rdp or pld", value),
    };

    /// <summary>Parses <c>--sampler</c>.</summary>
    public static PrivateSampler ParseSampler(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "poisson" => PrivateSampler.Poisson,
        "shuffle" => PrivateSampler.Shuffle,
        _ => throw CliUsageException.ForOption("--sampler", "must be poisson or shuffle", value),
    };

    /// <summary>Parses <c>--clipping</c>.</summary>
    public static ClippingMode ParseClipping(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "auto" or "automatic" => ClippingMode.Automatic,
        "ghost" => ClippingMode.Ghost,
        "materialized" => ClippingMode.Materialized,
        _ => throw CliUsageException.ForOption("--clipping", "must be auto, ghost or materialized", value),
    };

    /// <summary>The accountant of the run.</summary>
    private static IPrivacyAccountant CreateAccountant(Settings settings) => settings.Accountant == PrivacyAccountantKind.Pld
        ? AccountingOptionsParsing.CreatePld(settings.PldMaxGridPoints)
        : new PrivacyAccountantFactory().Create(settings.Accountant);

    private sealed class Reporter(Action<EpochResult> report) : IProgress<EpochResult>
    {
        public void Report(EpochResult value) => report(value);
    }
}

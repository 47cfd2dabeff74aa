using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LlmCore.Cli.Infrastructure;
using LlmCore.Privacy.Accounting;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Privacy;

/// <summary>
/// <c>llmcore privacy noise-multiplier</c>: the noise multiplier for a target ε by Opacus' search (returns the side whose
/// ε ≤ target). JSON keys: <c>noiseMultiplier</c>, <c>epsilon</c>, plus <c>targetEpsilon</c>, <c>delta</c>, <c>sampleRate</c>,
/// <c>steps</c>, <c>accountant</c> and <c>stoppedAtAccountantLimit</c> (true when the PLD accountant refused smaller noise
/// multipliers, so that ε is further below the target than the tolerance; a warning line says so without <c>--json</c>).
/// </summary>
internal static class NoiseMultiplierCommand
{
    public static Command Create(CliContext context)
    {
        var target = new Option<double>("--target-epsilon") { Description = "E, the target epsilon (> 0).", Required = true };
        var delta = new Option<double>("--delta") { Description = "D, the target delta, in (0, 1).", Required = true };
        var sampleRate = new Option<double>("--sample-rate") { Description = "Q, the Poisson sampling rate, in (0, 1].", Required = true };
        var steps = new Option<long>("--steps") { Description = "T, the number of steps (>= 1).", Required = true };
        var accountant = new Option<string>("--accountant") { Description = "rdp (default) or pld.", DefaultValueFactory = _ => "rdp" };
        var tolerance = new Option<double>("--epsilon-tolerance")
        {
            Description = "Stop when target - epsilon <= this (Opacus' 0.01).",
            DefaultValueFactory = _ => NoiseCalibration.DefaultEpsilonTolerance,
        };

        var command = new Command("noise-multiplier", "The noise multiplier of DP-SGD for a target epsilon (its epsilon stays <= the target).");
        var maxGridPoints = AccountingOptionsParsing.CreatePldMaxGridPointsOption();
        foreach (var o in new Option[] { target, delta, sampleRate, steps, accountant, tolerance, maxGridPoints })
        {
            command.Options.Add(o);
        }

        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            var kind = AccountingOptionsParsing.ParseAccountant(parseResult.GetValue(accountant));
            var e = parseResult.GetValue(target);
            var d = parseResult.GetValue(delta);
            var q = parseResult.GetValue(sampleRate);
            var t = parseResult.GetValue(steps);
            var tol = parseResult.GetValue(tolerance);
            AccountingOptionsParsing.CheckPositive("--target-epsilon", e);
            AccountingOptionsParsing.CheckDelta(d);
            AccountingOptionsParsing.CheckSampleRate(q);
            AccountingOptionsParsing.CheckSteps(t);
            AccountingOptionsParsing.CheckPositive("--epsilon-tolerance", tol);
            var gridLimit = AccountingOptionsParsing.CheckPldMaxGridPoints(parseResult, maxGridPoints, kind);

            NoiseCalibrationResult result;
            try
            {
                result = kind == PrivacyAccountantKind.Rdp
                    ? NoiseCalibration.FindNoiseMultiplier(e, d, q, t, () => new RdpAccountant(), tol, context.CancellationToken)
                    : AccountingOptionsParsing.WithinPldLimits(() => AccountingOptionsParsing.WithPldProbeProgress(context, parseResult, "PLD noise search", report =>
                        SearchPld(e, d, q, t, tol, gridLimit, context.CancellationToken, (probe, sigma, epsilon) =>
                            report(string.Create(CultureInfo.InvariantCulture, $"probe {probe}, noise multiplier {sigma:G4}, epsilon {epsilon:G4}")))));
            }
            catch (PrivacyCalibrationException ex)
            {
                throw new CliUsageException($"--target-epsilon {ex.Message}", ex);
            }

            if (parseResult.GetValue(CliContext.JsonOption))
            {
                context.WriteJson(new JsonObject
                {
                    ["noiseMultiplier"] = result.NoiseMultiplier,
                    ["epsilon"] = result.Epsilon,
                    ["targetEpsilon"] = e,
                    ["delta"] = d,
                    ["sampleRate"] = q,
                    ["steps"] = t,
                    ["accountant"] = AccountingOptionsParsing.Name(kind),
                    ["stoppedAtAccountantLimit"] = result.StoppedAtAccountantLimit,
                });
                return CliApp.Success;
            }

            var table = new Table().AddColumn("quantity").AddColumn("value");
            table.AddRow("accountant", AccountingOptionsParsing.Name(kind));
            table.AddRow("noise multiplier", result.NoiseMultiplier.ToString("G10", CultureInfo.InvariantCulture));
            table.AddRow("epsilon", result.Epsilon.ToString("F6", CultureInfo.InvariantCulture));
            table.AddRow("target epsilon", e.ToString("G6", CultureInfo.InvariantCulture));
            table.AddRow("delta", d.ToString("G6", CultureInfo.InvariantCulture));
            context.Console.Write(table);
            if (result.StoppedAtAccountantLimit)
            {
                context.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[yellow]warning:[/] the PLD accountant cannot analyse noise multipliers below about {result.NoiseMultiplier:G4} within its grid limit, so the search stopped there: its epsilon is below the target by more than --epsilon-tolerance. --accountant rdp searches further."));
            }

            return CliApp.Success;
        }));

        return command;
    }

    /// <summary>
    /// Opacus' search with the PLD accountant, each probe's accountant carrying <paramref name="cancellationToken"/> (Ctrl-C
    /// stops within a probe) and reporting (probe number from 1, σ, ε) through <paramref name="probed"/> once it answers.
    /// </summary>
    internal static NoiseCalibrationResult SearchPld(
        double targetEpsilon, double delta, double sampleRate, long steps, double tolerance, long gridLimit, CancellationToken cancellationToken, Action<int, double, double> probed)
    {
        var probes = 0;
        return NoiseCalibration.FindNoiseMultiplier(
            targetEpsilon,
            delta,
            sampleRate,
            steps,
            () => new ProbePldAccountant(AccountingOptionsParsing.CreatePld(gridLimit), cancellationToken, (composed, epsilon) =>
                probed(++probes, NoiseMultiplierOf(composed), epsilon)),
            tolerance,
            cancellationToken);
    }

    /// <summary>σ of the DP-SGD event the search composes (NaN for any other event).</summary>
    private static double NoiseMultiplierOf(PrivacyEvent? privacyEvent) => privacyEvent switch
    {
        SelfComposedEvent s => NoiseMultiplierOf(s.Event),
        PoissonSampledEvent p => NoiseMultiplierOf(p.Event),
        GaussianEvent g => g.NoiseMultiplier,
        _ => double.NaN,
    };
}

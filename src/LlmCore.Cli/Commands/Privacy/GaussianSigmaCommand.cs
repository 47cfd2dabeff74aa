using System.CommandLine;
using System.Globalization;
using LlmCore.Cli.Infrastructure;
using LlmCore.Privacy.Mechanisms;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Privacy;

/// <summary><c>llmcore privacy gaussian-sigma</c>: σ of the Gaussian mechanism for (ε, δ) at L2 sensitivity Δ.</summary>
internal static class GaussianSigmaCommand
{
    public static Command Create(CliContext context)
    {
        var epsilon = new Option<double>("--epsilon") { Description = "ε > 0 (< 1 for the classic method).", Required = true };
        var delta = new Option<double>("--delta") { Description = "δ in (0, 1).", Required = true };
        var sensitivity = new Option<double>("--sensitivity") { Description = "L2 sensitivity Δ > 0.", Required = true };
        var method = new Option<string>("--method")
        {
            Description = "analytic (Balle and Wang 2018, the default) or classic (Δ·√(2 ln(1.25/δ))/ε, ε < 1 only).",
            DefaultValueFactory = _ => "analytic",
        };
        method.AcceptOnlyFromAmong("analytic", "classic");

        var command = new Command("gaussian-sigma", "Noise σ of the Gaussian mechanism for a target (ε, δ).");
        command.Options.Add(epsilon);
        command.Options.Add(delta);
        command.Options.Add(sensitivity);
        command.Options.Add(method);
        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            var e = parseResult.GetValue(epsilon);
            var d = parseResult.GetValue(delta);
            var s = parseResult.GetValue(sensitivity);
            var m = parseResult.GetValue(method) == "classic" ? GaussianCalibrationMethod.Classic : GaussianCalibrationMethod.Analytic;
            if (!double.IsFinite(e) || e <= 0 || (m == GaussianCalibrationMethod.Classic && e >= 1))
            {
                throw CliUsageException.ForOption("--epsilon", m == GaussianCalibrationMethod.Classic ? "must be in (0, 1) for --method classic" : "must be a finite number > 0", e);
            }

            if (!(d > 0 && d < 1))
            {
                throw CliUsageException.ForOption("--delta", "must be in (0, 1)", d);
            }

            OptionChecks.PositiveFinite("--sensitivity", s);

            double sigma;
            try
            {
                sigma = GaussianCalibration.Sigma(e, d, s, m);
            }
            catch (ArgumentOutOfRangeException ex)
            {
                // In range one by one, but together beyond what a double holds (ε = 1e-320, say).
                throw new CliUsageException($"--epsilon, --delta and --sensitivity together are outside the computable range: {ex.Message.Split(" (Parameter", 2)[0]}", ex);
            }

            var methodName = m == GaussianCalibrationMethod.Classic ? "classic" : "analytic";
            if (parseResult.GetValue(CliContext.JsonOption))
            {
                context.WriteJson(new { sigma, epsilon = e, delta = d, sensitivity = s, method = methodName });
                return CliApp.Success;
            }

            var table = new Table().AddColumn("quantity").AddColumn("value");
            table.AddRow("method", methodName);
            table.AddRow("epsilon", e.ToString("R", CultureInfo.InvariantCulture));
            table.AddRow("delta", d.ToString("R", CultureInfo.InvariantCulture));
            table.AddRow("sensitivity", s.ToString("R", CultureInfo.InvariantCulture));
            table.AddRow("sigma", sigma.ToString("R", CultureInfo.InvariantCulture));
            context.Console.Write(table);
            return CliApp.Success;
        }));
        return command;
    }
}

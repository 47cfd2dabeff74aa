using System.Globalization;
using LlmCore.Cli.Infrastructure;
using LlmCore.Privacy.Accounting;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Privacy;

/// <summary>Checks and parsing shared by <c>privacy epsilon</c> and <c>privacy noise-multiplier</c>.</summary>
internal static class AccountingOptionsParsing
{
    public static PrivacyAccountantKind ParseAccountant(string? value) => value?.ToUpperInvariant() switch
    {
        null or "RDP" => PrivacyAccountantKind.Rdp,
        "PLD" => PrivacyAccountantKind.Pld,
        _ => throw CliUsageException.ForOption("--accountant", "must be rdp or pld", value),
    };

    public static string Name(PrivacyAccountantKind kind) => kind == PrivacyAccountantKind.Rdp ? "rdp" : "pld";

    /// <summary>Parses <c>--sampling</c>: <see langword="true"/> for without-replacement (fixed-size batches).</summary>
    public static bool ParseSampling(string? value) => value?.ToUpperInvariant() switch
    {
        null or "POISSON" => false,
        "WITHOUT-REPLACEMENT" => true,
        _ => throw CliUsageException.ForOption("--sampling", "must be poisson or without-replacement", value),
    };

    public static string SamplingName(bool withoutReplacement) => withoutReplacement ? "without-replacement" : "poisson";

    public static double[]? ParseOrders(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var parts = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw CliUsageException.ForOption("--orders", "must be a comma-separated list of orders > 1", value);
        }

        var orders = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var a) || !(a > 1) || double.IsInfinity(a))
            {
                throw CliUsageException.ForOption("--orders", "must be a comma-separated list of finite orders > 1", value);
            }

            orders[i] = a;
        }

        return orders;
    }

    public static void CheckSampleRate(double q)
    {
        if (!(q > 0 && q <= 1))
        {
            throw CliUsageException.ForOption("--sample-rate", "must be in (0, 1]", q);
        }
    }

    public static void CheckPositive(string option, double value)
    {
        OptionChecks.PositiveFinite(option, value);
    }

    public static void CheckDelta(double delta)
    {
        if (!(delta > 0 && delta < 1))
        {
            throw CliUsageException.ForOption("--delta", "must be in (0, 1)", delta);
        }
    }

    public static void CheckSteps(long steps)
    {
        OptionChecks.AtLeast("--steps", steps, 1);
    }

    /// <summary>
    /// Runs PLD work, turning the accountant's refusal (its grid limit, <see cref="AccountingLimitExceededException"/>) into
    /// bad input that names the options: the work a request needs grows as the noise multiplier shrinks and the steps grow.
    /// </summary>
    public static System.CommandLine.Option<long> CreatePldMaxGridPointsOption() => new("--pld-max-grid-points")
    {
        Description = string.Create(CultureInfo.InvariantCulture, $"With --accountant pld: the most points of any one grid or FFT (peak memory about 64 bytes per point). Default {PldAccountant.DefaultMaxGridPoints:N0} (about 1 GiB), in [{PldAccountant.MinGridPointsLimit:N0}, {PldAccountant.MaxGridPointsLimit:N0}]."),
        DefaultValueFactory = _ => PldAccountant.DefaultMaxGridPoints,
    };

    /// <summary>Checks <c>--pld-max-grid-points</c>: in range, and given only with <c>--accountant pld</c> (it would be ignored otherwise).</summary>
    public static long CheckPldMaxGridPoints(System.CommandLine.ParseResult parseResult, System.CommandLine.Option<long> option, PrivacyAccountantKind kind)
    {
        var value = parseResult.GetValue(option);
        if (parseResult.GetResult(option) is { Implicit: false } && kind != PrivacyAccountantKind.Pld)
        {
            throw CliUsageException.ForOption("--pld-max-grid-points", "applies to --accountant pld only", value);
        }

        if (value < PldAccountant.MinGridPointsLimit || value > PldAccountant.MaxGridPointsLimit)
        {
            throw CliUsageException.ForOption("--pld-max-grid-points", string.Create(CultureInfo.InvariantCulture, $"must be in [{PldAccountant.MinGridPointsLimit:N0}, {PldAccountant.MaxGridPointsLimit:N0}]"), value);
        }

        return value;
    }

    public static T WithinPldLimits<T>(Func<T> work)
    {
        try
        {
            return work();
        }
        catch (AccountingLimitExceededException ex)
        {
            throw new CliUsageException(
                string.Create(CultureInfo.InvariantCulture, $"--accountant pld cannot analyse this request within its limit of {ex.MaxGridPoints} grid points (--pld-max-grid-points; about 64 bytes of memory per point): it would need {ex.RequiredGridPoints:G3}. The PLD accountant's work grows as --noise-multiplier shrinks and as --steps grows; use a larger --noise-multiplier, fewer --steps, --accountant rdp, or raise the limit with --pld-max-grid-points (at most {PldAccountant.MaxGridPointsLimit:N0}) if the machine has the memory."),
                ex);
        }
    }

    /// <summary>Runs PLD work that returns nothing (see <see cref="WithinPldLimits{T}(Func{T})"/>).</summary>
    public static void WithinPldLimits(Action work) => WithinPldLimits(() =>
    {
        work();
        return true;
    });

    /// <summary>
    /// Runs PLD work with a progress bar on stderr when the run is interactive and not <c>--json</c> (as <c>schedule
    /// simulate</c> decides). The work reports the fraction of its stages done through the callback; the bar also shows that
    /// Ctrl-C stops it (the accountant checks the token in its outer loops; the command then exits 130).
    /// </summary>
    public static T WithPldProgress<T>(CliContext context, System.CommandLine.ParseResult parseResult, Func<Action<double>, T> work)
    {
        if (!context.ShowProgress(parseResult))
        {
            return work(static _ => { });
        }

        T result = default!;
        context.Console.Progress().Start(ctx =>
        {
            var bar = ctx.AddTask("PLD accounting (Ctrl-C stops)", maxValue: 1.0);
            result = work(f => bar.Value = Math.Max(bar.Value, f));
            bar.Value = 1.0;
        });
        return result;
    }

    /// <summary>
    /// Runs PLD work of unknown length (a search of probes) with a bar on stderr when the run is interactive and not
    /// <c>--json</c>, as <see cref="WithPldProgress{T}"/>: the bar cannot know how many probes the search needs, so it is
    /// indeterminate and counts them, the work reporting each probe's status line through the callback.
    /// </summary>
    public static T WithPldProbeProgress<T>(CliContext context, System.CommandLine.ParseResult parseResult, string what, Func<Action<string>, T> work)
    {
        if (!context.ShowProgress(parseResult))
        {
            return work(static _ => { });
        }

        T result = default!;
        context.Console.Progress().Start(ctx =>
        {
            var bar = ctx.AddTask($"{what} (Ctrl-C stops)", maxValue: 1.0);
            bar.IsIndeterminate = true;
            result = work(status => bar.Description = $"{what}: {Markup.Escape(status)} (Ctrl-C stops)");
            bar.IsIndeterminate = false;
            bar.Value = 1.0;
        });
        return result;
    }

    public static PldAccountant CreatePld(long maxGridPoints) =>
        new(PldAccountant.DefaultDiscretizationInterval, PldAccountant.DefaultTailMassTruncation, maxGridPoints);
}

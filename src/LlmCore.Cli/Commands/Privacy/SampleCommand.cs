using System.CommandLine;
using System.Globalization;
using LlmCore.Cli.Infrastructure;
using LlmCore.Privacy.Sampling;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Privacy;

/// <summary>
/// <c>llmcore privacy sample</c>: draws noise samples, one per line (invariant culture, round-trip format; integers for
/// the discrete kinds). Under <c>--json</c> one object: <c>mechanism</c>, <c>scale</c>, <c>count</c>, <c>seeded</c> and
/// <c>samples</c> (an array), or, with <c>--output</c>, <c>output</c> (the file that holds the samples, one per line) in
/// place of <c>samples</c>. The samples are streamed, so memory does not grow with <c>--count</c>.
/// </summary>
internal static class SampleCommand
{
    /// <summary>The most samples one call draws: 10^8 (a 2 GB text file at most).</summary>
    public const int MaxCount = 100_000_000;

    /// <summary>From this many samples into a file, a progress bar shows on a terminal (10⁸ exact discrete-Gaussian samples take minutes).</summary>
    private const int ProgressFromCount = 1_000_000;

    public static Command Create(CliContext context)
    {
        var mechanism = new Option<string>("--mechanism")
        {
            Description = "laplace | gaussian | discrete-laplace | discrete-gaussian.",
            Required = true,
        };
        mechanism.AcceptOnlyFromAmong("laplace", "gaussian", "discrete-laplace", "discrete-gaussian");
        var scale = new Option<double>("--scale")
        {
            Description = "b for the Laplace kinds (density or mass ∝ exp(−|x|/b)); σ for the Gaussian kinds (∝ exp(−x²/2σ²)); finite and > 0, at most 1e15 for the discrete kinds.",
            Required = true,
        };
        var count = new Option<int>("--count") { Description = $"How many samples, in [0, {MaxCount}].", Required = true };
        var seed = new Option<ulong?>("--seed") { Description = "Use the fast seeded source (reproducible), an integer in [0, 18446744073709551615]; without it the secure source is used." };
        var output = new Option<FileInfo?>("--output") { Description = "Write the samples to this file (one per line) instead of stdout." };

        var command = new Command("sample", "Draw noise samples from a mechanism's noise distribution, one per line.");
        command.Options.Add(mechanism);
        command.Options.Add(scale);
        command.Options.Add(count);
        command.Options.Add(seed);
        command.Options.Add(output);
        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            var kind = parseResult.GetValue(mechanism)!;
            var b = parseResult.GetValue(scale);
            var n = parseResult.GetValue(count);
            var discrete = kind.StartsWith("discrete-", StringComparison.Ordinal);
            if (discrete && !(b > 0 && b <= ExactSamplers.MaxScale))
            {
                throw CliUsageException.ForOption("--scale", "must be in (0, 1e15] for the discrete kinds (the exact samplers return 64-bit integers)", b);
            }

            OptionChecks.PositiveFinite("--scale", b);

            if (n < 0 || n > MaxCount)
            {
                throw CliUsageException.ForOption("--count", $"must be in [0, {MaxCount}]", n);
            }

            var seedValue = parseResult.GetValue(seed);
            IRandomSource source = seedValue is { } s ? new SeededRandomSource(s) : SecureRandomSource.Instance;
            var file = parseResult.GetValue(output);
            var json = parseResult.GetValue(CliContext.JsonOption);
            if (file is not null)
            {
                try
                {
                    using var writer = new StreamWriter(file.FullName);
                    if (context.ShowProgress(parseResult) && n >= ProgressFromCount)
                    {
                        context.Console.Progress().Start(ctx =>
                        {
                            var bar = ctx.AddTask(string.Create(CultureInfo.InvariantCulture, $"{n:N0} {kind} samples to {file.Name} (Ctrl-C stops)"), maxValue: 1.0);
                            Write(kind, b, n, source, writer, separator: null, context.CancellationToken, f => bar.Value = f);
                            bar.Value = 1.0;
                        });
                    }
                    else
                    {
                        Write(kind, b, n, source, writer, separator: null, context.CancellationToken);
                    }
                }
                catch (OperationCanceledException)
                {
                    // Stopped: no half-written sample file is left behind.
                    File.Delete(file.FullName);
                    throw;
                }
            }

            if (!json)
            {
                if (file is null)
                {
                    Write(kind, b, n, source, context.Output, separator: null, context.CancellationToken);
                }

                return CliApp.Success;
            }

            // One JSON object, streamed: the samples never sit in memory all at once.
            var o = context.Output;
            o.Write("{\n");
            o.Write($"  \"mechanism\": \"{kind}\",\n");
            o.Write(string.Create(CultureInfo.InvariantCulture, $"  \"scale\": {b:R},\n"));
            o.Write(string.Create(CultureInfo.InvariantCulture, $"  \"count\": {n},\n"));
            o.Write($"  \"seeded\": {(seedValue is null ? "false" : "true")},\n");
            if (file is not null)
            {
                o.Write($"  \"output\": {System.Text.Json.JsonSerializer.Serialize(file.FullName)}\n");
            }
            else
            {
                o.Write("  \"samples\": [");
                Write(kind, b, n, source, o, separator: ",", context.CancellationToken);
                o.Write("]\n");
            }

            o.Write("}\n");
            return CliApp.Success;
        }));
        return command;
    }

    /// <summary>
    /// Writes the samples one per line (<paramref name="separator"/> null) or as the items of a JSON array, checking
    /// <paramref name="cancellationToken"/> and reporting the fraction done once per block of 4,096.
    /// </summary>
    private static void Write(string kind, double scale, int count, IRandomSource source, TextWriter target, string? separator, CancellationToken cancellationToken, Action<double>? report = null)
    {
        const int Block = 4096;
        var buffer = new double[Math.Min(Block, Math.Max(count, 1))];
        var remaining = count;
        var first = true;
        while (remaining > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            report?.Invoke((double)(count - remaining) / count);
            var n = Math.Min(buffer.Length, remaining);
            var span = buffer.AsSpan(0, n);
            switch (kind)
            {
                case "laplace":
                    LaplaceSampler.Fill(source, scale, span);
                    break;
                case "gaussian":
                    GaussianSampler.Fill(source, scale, span);
                    break;
                default:
                    // Integers below 1e15 · 40 or so in practice; written from the long, so they stay exact past 2^53.
                    for (var i = 0; i < n; i++)
                    {
                        var value = kind == "discrete-laplace" ? ExactSamplers.DiscreteLaplace(source, scale) : ExactSamplers.DiscreteGaussian(source, scale);
                        WriteItem(target, value.ToString(CultureInfo.InvariantCulture), separator, ref first);
                    }

                    remaining -= n;
                    continue;
            }

            foreach (var value in span)
            {
                WriteItem(target, value.ToString("R", CultureInfo.InvariantCulture), separator, ref first);
            }

            remaining -= n;
        }
    }

    private static void WriteItem(TextWriter target, string text, string? separator, ref bool first)
    {
        if (separator is null)
        {
            target.WriteLine(text);
            return;
        }

        if (!first)
        {
            target.Write(separator);
        }

        target.Write(text);
        first = false;
    }
}

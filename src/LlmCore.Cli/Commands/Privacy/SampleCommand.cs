using System.CommandLine;
using System.Globalization;
using LlmCore.Cli.Infrastructure;
using LlmCore.Privacy.Mechanisms;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Cli.Commands.Privacy;

/// <summary><c>llmcore privacy sample</c>: draws noise samples, one per line (invariant culture, round-trip format).</summary>
internal static class SampleCommand
{
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
            Description = "b for the Laplace kinds (density or mass ∝ exp(−|x|/b)); σ for the Gaussian kinds (∝ exp(−x²/2σ²)).",
            Required = true,
        };
        var count = new Option<int>("--count") { Description = "How many samples.", Required = true };
        var seed = new Option<ulong?>("--seed") { Description = "Use the fast seeded source (reproducible); without it the secure source is used." };
        var output = new Option<FileInfo?>("--output") { Description = "Write the samples to this file instead of stdout." };

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
            if (!double.IsFinite(b) || b <= 0)
            {
                throw CliUsageException.ForOption("--scale", "must be finite and > 0", b);
            }

            if (n < 0)
            {
                throw CliUsageException.ForOption("--count", "must be >= 0", n);
            }

            var seedValue = parseResult.GetValue(seed);
            IRandomSource source = seedValue is { } s ? new SeededRandomSource(s) : SecureRandomSource.Instance;
            var file = parseResult.GetValue(output);
            using var writer = file is null ? null : new StreamWriter(file.FullName);
            var target = writer ?? context.Output;
            Write(kind, b, n, source, target);
            return CliApp.Success;
        }));
        return command;
    }

    private static void Write(string kind, double scale, int count, IRandomSource source, TextWriter target)
    {
        const int Block = 4096;
        var buffer = new double[Math.Min(Block, Math.Max(count, 1))];
        var remaining = count;
        while (remaining > 0)
        {
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
                case "discrete-laplace":
                    for (var i = 0; i < n; i++)
                    {
                        span[i] = ExactSamplers.DiscreteLaplace(source, scale);
                    }

                    break;
                default:
                    for (var i = 0; i < n; i++)
                    {
                        span[i] = ExactSamplers.DiscreteGaussian(source, scale);
                    }

                    break;
            }

            foreach (var value in span)
            {
                target.WriteLine(value.ToString("R", CultureInfo.InvariantCulture));
            }

            remaining -= n;
        }
    }
}

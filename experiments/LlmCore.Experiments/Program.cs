using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmCore.Experiments;

// The experiment harness: each command trains, prints one JSON object on stdout and writes its PNG to --images.
// Usage: dotnet run -c Release --project experiments/LlmCore.Experiments -- COMMAND [--steps N] [--seed K] [--seeds S] [--images DIR]
var commands = new Dictionary<string, Func<ExperimentArguments, JsonObject>>(StringComparer.Ordinal)
{
    ["names-gpt"] = LanguageModelExperiment.Names,
    ["email-gpt"] = LanguageModelExperiment.Email,
    ["spam-dp"] = SpamDpExperiment.Run,
    ["lora-dp"] = LoraDpExperiment.Run,
};

if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    await Console.Error.WriteLineAsync($"usage: LlmCore.Experiments {string.Join('|', commands.Keys)} [--steps N] [--seed K] [--seeds S] [--images DIR] [--seeded-noise]").ConfigureAwait(false);
    return 2;
}

ExperimentArguments arguments;
try
{
    arguments = ExperimentArguments.Parse(args.AsSpan(1));
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
    return 2;
}

JsonObject result;
try
{
    result = command(arguments);
}
catch (FileNotFoundException e)
{
    // The SpamAssassin archive is missing: the message says what to run.
    await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
    return 1;
}

result["command"] = args[0];
result["loadAverage"] = Machine.LoadAverage();
result["processorCount"] = Environment.ProcessorCount;
Console.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
return 0;

namespace LlmCore.Experiments
{
    /// <summary>The options every command shares.</summary>
    internal sealed record ExperimentArguments(int? Steps, int Seed, int Seeds, string Images, bool SeededNoise)
    {
        public static ExperimentArguments Parse(ReadOnlySpan<string> args)
        {
            int? steps = null;
            var seed = 1;
            var seeds = 3;
            var images = Path.Combine("docs", "images");
            var seededNoise = false;
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--steps":
                        steps = Positive(args, ++i, "--steps");
                        break;
                    case "--seed":
                        seed = Positive(args, ++i, "--seed");
                        break;
                    case "--seeds":
                        seeds = Positive(args, ++i, "--seeds");
                        break;
                    case "--images":
                        images = i + 1 < args.Length ? args[++i] : throw new ArgumentException("--images needs a directory.");
                        break;
                    case "--seeded-noise":
                        seededNoise = true;
                        break;
                    default:
                        throw new ArgumentException($"Unknown option '{args[i]}'.");
                }
            }

            return new ExperimentArguments(steps, seed, seeds, images, seededNoise);
        }

        private static int Positive(ReadOnlySpan<string> args, int index, string name)
        {
            if (index >= args.Length || !int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                throw new ArgumentException($"{name} needs an integer ≥ 1.");
            }

            return value;
        }
    }

    /// <summary>What the figures are measured on.</summary>
    internal static class Machine
    {
        /// <summary>The 1-minute load average from /proc/loadavg (what <c>uptime</c> prints first), or null off Linux.</summary>
        public static double? LoadAverage()
        {
            try
            {
                var text = File.ReadAllText("/proc/loadavg");
                return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }
    }
}

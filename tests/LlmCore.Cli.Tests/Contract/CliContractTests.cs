using System.CommandLine;
using System.Text.Json;
using LlmCore.Cli.Infrastructure;

namespace LlmCore.Cli.Tests.Contract;

/// <summary>
/// The CLI contract (DESIGN.md, docs/cli.md) checked over the whole command tree: every command answers <c>--help</c>,
/// and every leaf command run with <c>--json</c> on valid input prints exactly one JSON object on stdout and nothing else,
/// with numbers as numbers (the one allowed non-number is an infinite ε, written "Infinity" under an ε key).
/// </summary>
public sealed class CliContractTests : IDisposable
{
    // A four-job trace on one 4-GPU node (FIFO: 0–100, 100–150, 150–160, 160–161 s).
    private const string TinyTrace = "job_id,submit_time_s,duration_s,gpus,tenant\nj1,0,100,4,a\nj2,10,50,4,b\nj3,20,10,4,a\nj4,30,1,2,b\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("llmcore-contract-").FullName;

    /// <summary>
    /// One valid run per leaf command (without <c>--json</c>). Rows for commands other engineers are changing are kept
    /// minimal (required options only); a new command fails <see cref="EveryLeafCommand_HasAValidRun"/> until it has a row.
    /// </summary>
    public static TheoryData<string> Leaves() => [.. ValidRuns("TRACE", "MODEL").Keys.Where(static k => !s_notRunHere.ContainsKey(k))];

    /// <summary>Leaves whose --json run is checked by another test, with the reason.</summary>
    private static readonly Dictionary<string, string> s_notRunHere = new(StringComparer.Ordinal)
    {
        ["demo"] = "runs every package end to end (tens of seconds); CliAppTests.Demo_Json_PrintsExactlyOneObjectWithAllFourPackages parses its one object",
    };

    private static Dictionary<string, string[]> ValidRuns(string trace, string model) => new(StringComparer.Ordinal)
    {
        ["privacy sample"] = ["--mechanism", "laplace", "--scale", "1", "--count", "3", "--seed", "1"],
        ["privacy gaussian-sigma"] = ["--epsilon", "1", "--delta", "1e-5", "--sensitivity", "1"],
        ["privacy epsilon"] = ["--sample-rate", "0.01", "--noise-multiplier", "1.1", "--steps", "100", "--delta", "1e-5"],
        ["privacy noise-multiplier"] = ["--target-epsilon", "2", "--delta", "1e-5", "--sample-rate", "0.01", "--steps", "100"],
        ["schedule simulate"] = ["--trace", trace, "--nodes", "1", "--gpus-per-node", "4", "--policy", "fifo"],
        ["schedule compare"] = ["--trace", trace, "--nodes", "1", "--gpus-per-node", "4", "--policies", "fifo,sjf"],
        ["schedule run"] = ["--trace", trace, "--policy", "fifo", "--executor", "local", "--time-scale", "1000", "--nodes", "1", "--gpus-per-node", "4"],
        ["cost train"] = ["--parameters", "7e9", "--tokens", "1e12", "--gpu", "H100-SXM", "--gpus", "8", "--mfu", "0.4"],
        ["cost inference"] = ["--parameters", "8e9", "--layers", "32", "--hidden", "4096", "--kv-heads", "8", "--gpu", "l40s", "--gpus", "1", "--batch", "16", "--prompt-tokens", "512", "--output-tokens", "256"],
        ["cost gpus"] = [],
        ["cost simulate"] = ["--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--gpus", "1", "--rate", "5", "--input", "200", "--output", "50", "--requests", "100"],
        ["cost serve"] = ["--model", "llama-3.1-8b", "--rate", "5", "--input", "200", "--output", "50", "--ttft-p99", "1", "--tpot-p99", "0.05", "--gpus", "H100-SXM", "--requests", "100"],
        ["business industries"] = [],
        ["business analyze"] = ["--industry", "finance", "--samples", "100"],
        ["optimize"] = ["--function", "quadratic", "--optimizer", "adam", "--steps", "10"],
        ["train"] = ["--dataset", "linear", "--optimizer", "sgd", "--lr", "0.01", "--epochs", "2"],
        ["generate"] = ["--model", model, "--prompt", "Ann", "--tokens", "4", "--temperature", "0"],
        ["demo"] = [],
    };

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every command in the tree, as its path of names ("" for the root), depth first.</summary>
    internal static IEnumerable<(string Path, Command Command)> Walk()
    {
        var root = CliApp.BuildRootCommand(new CliContext(TextWriter.Null, TextWriter.Null, interactive: false));
        var stack = new Stack<(string, Command)>([(string.Empty, root)]);
        while (stack.Count > 0)
        {
            var (path, command) = stack.Pop();
            yield return (path, command);
            foreach (var sub in command.Subcommands.Reverse())
            {
                stack.Push((path.Length == 0 ? sub.Name : $"{path} {sub.Name}", sub));
            }
        }
    }

    [Fact]
    public void EveryLeafCommand_HasAValidRun()
    {
        var leaves = Walk().Where(static c => c.Command.Subcommands.Count == 0).Select(static c => c.Path).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(leaves, ValidRuns("TRACE", "MODEL").Keys.Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void EveryCommand_Help_ExitsZeroWithUsageAndDescribedOptions()
    {
        foreach (var (path, command) in Walk())
        {
            var (exit, output, error) = CliRunner.Run([.. Split(path), "--help"]);

            Assert.True(exit == 0, $"'{path} --help' exited {exit}: {error}");
            Assert.Empty(error);
            Assert.Contains("Usage:", output, StringComparison.Ordinal);
            Assert.All(command.Options.Where(static o => !o.Hidden), o => Assert.False(string.IsNullOrWhiteSpace(o.Description), $"'{path}' {o.Name} has no description"));
        }
    }

    [Theory]
    [MemberData(nameof(Leaves))]
    public void EveryLeafCommand_Json_PrintsExactlyOneObjectOfNumbers(string path)
    {
        var trace = Path.Combine(_dir, "trace.csv");
        File.WriteAllText(trace, TinyTrace);
        var model = Path.Combine(_dir, "gpt.bin");
        TinyGpt().Save(model);
        var args = ValidRuns(trace, model)[path];

        var (exit, output, error) = CliRunner.Run([.. Split(path), .. args, "--json"]);

        Assert.True(exit == 0, $"'{path}' exited {exit}: {error}");
        using var document = JsonDocument.Parse(output); // throws on a second value or any trailing text
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        Assert.Null(NonNumber(document.RootElement, "$"));
    }

    /// <summary>A one-layer GPT of width 8 with the byte tokenizer's vocabulary, untrained: enough for a generate run.</summary>
    private static LlmCore.Optimization.Models.GptModel<float> TinyGpt()
    {
        var gpt = new LlmCore.Optimization.Models.GptModel<float>(new LlmCore.Optimization.Models.GptOptions { LayerCount = 1, HeadCount = 1, EmbeddingSize = 8, BlockSize = 8, VocabularySize = 256 });
        gpt.Metadata["tokenizer"] = "byte";
        return gpt;
    }

    [Fact]
    public void InfiniteEpsilon_IsTheOneAllowedNonNumber()
    {
        // σ = 1e-160 makes every order's RDP overflow (α/(2σ²) = ∞): ε is infinite, and the contract says how to write it.
        var (exit, output, _) = CliRunner.Run("privacy", "epsilon", "--sample-rate", "1", "--noise-multiplier", "1e-160", "--steps", "10", "--delta", "1e-5", "--json");

        Assert.Equal(0, exit);
        using var document = JsonDocument.Parse(output);
        Assert.Equal("Infinity", document.RootElement.GetProperty("epsilon").GetString());
        Assert.Null(NonNumber(document.RootElement, "$"));
    }

    /// <summary>The path of a NaN or infinity written as a string, except "Infinity" under a key that names an ε.</summary>
    private static string? NonNumber(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (NonNumber(property.Value, $"{path}.{property.Name}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (NonNumber(item, $"{path}[{i++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.String:
                var text = element.GetString();
                var key = path[(path.LastIndexOf('.') + 1)..];
                var epsilonKey = key.Contains("epsilon", StringComparison.OrdinalIgnoreCase);
                return text is "NaN" or "-Infinity" || (text == "Infinity" && !epsilonKey) ? path : null;
            default:
                return null;
        }
    }

    private static string[] Split(string path) => path.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

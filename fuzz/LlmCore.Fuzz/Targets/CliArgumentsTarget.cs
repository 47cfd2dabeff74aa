using System.CommandLine;
using System.CommandLine.Help;
using System.Text.Json;
using LlmCore.Cli;
using LlmCore.Cli.Infrastructure;

namespace LlmCore.Fuzz.Targets;

/// <summary>
/// The <c>llmcore</c> command line: the input's lines (or NUL-separated parts) are the arguments. Every argument
/// list is parsed with the real command tree (parsing must never throw). When the parse succeeds and the command
/// only computes and prints (privacy epsilon/noise-multiplier/gaussian-sigma, cost train/inference/gpus, business
/// analyze/industries) and no option writes a file, the command runs as <c>llmcore</c> would, and its outcome must
/// follow the CLI contract (docs/cli.md): exit 0, or exit 2 with one line on stderr naming the problem without a
/// .NET type name; under <c>--json</c> a success prints one JSON object. Exit 1 is an unexpected failure for these
/// commands, since nothing outside the arguments can fail.
/// </summary>
internal sealed class CliArgumentsTarget : FuzzTarget
{
    private const int MaxArguments = 24;

    private static readonly HashSet<string> s_runnable = new(StringComparer.Ordinal)
    {
        "privacy epsilon", "privacy noise-multiplier", "privacy gaussian-sigma",
        "cost train", "cost inference", "cost gpus",
        "business analyze", "business industries",
    };

    private static readonly string[] s_writingOptions = ["--plot", "--output", "--events", "--save", "--report"];

    public override string Name => "cli-args";

    public override string Description => "llmcore argument parsing (one argument per line); runs compute-only commands and checks exit codes 0/2";

    public override void Run(byte[] input)
    {
        var args = Text(input).Split(['\n', '\0'], MaxArguments + 1);
        if (args.Length > MaxArguments)
        {
            args = args[..MaxArguments];
        }

        var root = CliApp.BuildRootCommand(new CliContext(TextWriter.Null, TextWriter.Null, interactive: false));
        ParseResult parse;
        try
        {
            parse = root.Parse(args);
        }
        catch (UnauthorizedAccessException)
        {
            // "@FOLDER" (a response file System.CommandLine cannot open): CliApp.Run must turn it into exit 2.
            CheckBadInput(args);
            return;
        }

        // Help (-h, -?, --help, found even inside "-?steps") prints the help text, not the command's output.
        if (parse.Errors.Count > 0 || parse.Action is HelpAction || !s_runnable.Contains(CommandPath(parse.CommandResult.Command, root)) || args.Any(WritesAFile))
        {
            return;
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = CliApp.Run(args, output, error);
        var stderr = error.ToString();
        Check(exit is CliApp.Success or CliApp.BadInput, $"a compute-only command exits 0 or 2, not {exit}: {stderr.Trim()}");
        if (exit == CliApp.BadInput)
        {
            var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Check(lines.Length == 1 && lines[0].StartsWith("error: ", StringComparison.Ordinal), $"bad input gives one 'error: ' line on stderr, got: {stderr.Trim()}");
            Check(!lines[0].Contains("System.", StringComparison.Ordinal) && !lines[0].Contains("Exception", StringComparison.Ordinal), $"no .NET type name in an error message: {lines[0]}");
        }
        else if (args.Contains("--json"))
        {
            using var json = JsonDocument.Parse(output.ToString());
            Check(json.RootElement.ValueKind == JsonValueKind.Object, "--json prints one JSON object");
        }
    }

    private static bool WritesAFile(string argument) =>
        s_writingOptions.Any(o => argument == o || argument.StartsWith(o + "=", StringComparison.Ordinal) || argument.StartsWith(o + ":", StringComparison.Ordinal))
        || argument.StartsWith('@');

    private static string CommandPath(Command command, RootCommand root)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null && c != root; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return string.Join(' ', names);
    }

    private static void CheckBadInput(string[] args)
    {
        using var error = new StringWriter();
        var exit = CliApp.Run(args, TextWriter.Null, error);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Check(exit == CliApp.BadInput && lines.Length == 1 && lines[0].StartsWith("error: ", StringComparison.Ordinal), $"an unreadable response file is exit 2 with one 'error: ' line, got {exit}: {error}");
    }
}

using System.CommandLine;
using LlmCore.Cli.Commands;
using LlmCore.Cli.Infrastructure;

namespace LlmCore.Cli;

/// <summary>
/// The <c>llmcore</c> command line: builds the command tree and maps outcomes to exit codes
/// (0 success, 1 failure, 2 bad input, 3 a run that diverged).
/// </summary>
internal static class CliApp
{
    /// <summary>Exit code for success.</summary>
    public const int Success = 0;

    /// <summary>Exit code for a failure that is not the user's input.</summary>
    public const int Failure = 1;

    /// <summary>Exit code for bad input: an unknown option, a missing or invalid value.</summary>
    public const int BadInput = 2;

    /// <summary>Exit code for an optimization or training run whose loss or parameters became NaN or infinite.</summary>
    public const int Diverged = 3;

    /// <summary>Exit code for a run stopped by Ctrl-C (128 + SIGINT, as shells report an interrupted program).</summary>
    public const int Cancelled = 130;

    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand BuildRootCommand(CliContext context)
    {
        var root = new RootCommand(
            "llmcore: differential privacy, optimizers, GPU scheduling and LLM cost and business analysis.");
        root.Options.Add(CliContext.JsonOption);

        root.Subcommands.Add(PrivacyCommands.Create(context));
        root.Subcommands.Add(ScheduleCommands.Create(context));
        root.Subcommands.Add(CostCommands.Create(context));
        root.Subcommands.Add(BusinessCommands.Create(context));
        root.Subcommands.Add(OptimizeCommand.Create(context));
        root.Subcommands.Add(TrainCommand.Create(context));
        root.Subcommands.Add(GenerateCommand.Create(context));
        root.Subcommands.Add(DemoCommand.Create(context));
        return root;
    }

    /// <summary>Runs the command line and returns the process exit code.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="output">Where results go (stdout).</param>
    /// <param name="error">Where errors go (stderr).</param>
    /// <param name="interactive">Whether the output is a terminal (enables progress bars and colour).</param>
    /// <param name="cancellationToken">Stops a long-running command (Ctrl-C): it then exits with <see cref="Cancelled"/>.</param>
    public static int Run(string[] args, TextWriter output, TextWriter error, bool interactive = false, CancellationToken cancellationToken = default)
    {
        var context = new CliContext(output, error, interactive, cancellationToken);
        var root = BuildRootCommand(context);
        ParseResult parseResult;
        try
        {
            parseResult = root.Parse(args);
        }
        catch (UnauthorizedAccessException ex)
        {
            // System.CommandLine reads "@PATH" as a response file and reports a missing one, but lets this escape for a
            // folder or an unreadable file ("@." — found by fuzzing, docs/quality.md).
            error.WriteLine($"error: cannot read the response file of an argument that starts with '@': {ex.Message}");
            return BadInput;
        }

        if (parseResult.Errors.Count > 0)
        {
            // Unknown tokens are the most useful thing to name; then the rest, all on one line.
            var messages = parseResult.Errors
                .Select(CliMessages.Describe)
                .OrderBy(static m => m.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1)
                .Distinct(StringComparer.Ordinal);
            error.WriteLine($"error: {string.Join(" ", messages)}");
            return BadInput;
        }

        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
        };

        try
        {
            return parseResult.Invoke(configuration);
        }
#pragma warning disable CA1031 // The CLI's last line of defence turns any failure into one line and its exit code.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var (exitCode, message) = CliMessages.ForException(ex);
            error.WriteLine($"error: {message}");
            return exitCode;
        }
    }
}

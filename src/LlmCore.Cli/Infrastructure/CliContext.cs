using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace LlmCore.Cli.Infrastructure;

/// <summary>
/// What every command needs: the output and error writers, whether output is a terminal, and the helpers that
/// keep the CLI contract (one JSON object under <c>--json</c>, human tables otherwise).
/// </summary>
internal sealed class CliContext
{
    /// <summary>The <c>--json</c> option, recursive so that every command takes it.</summary>
    public static readonly Option<bool> JsonOption = new("--json")
    {
        Description = "Print exactly one JSON object (camelCase keys) on stdout and nothing else.",
        Recursive = true,
    };

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public CliContext(TextWriter output, TextWriter error, bool interactive, CancellationToken cancellationToken = default)
    {
        CancellationToken = cancellationToken;
        Output = output;
        Error = error;
        Interactive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
    }

    /// <summary>Gets the token Ctrl-C cancels; long-running commands pass it to the library's loops.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Gets the writer for results (stdout).</summary>
    public TextWriter Output { get; }

    /// <summary>Gets the writer for errors and diagnostics (stderr).</summary>
    public TextWriter Error { get; }

    /// <summary>Gets a value indicating whether stdout is a terminal.</summary>
    public bool Interactive { get; }

    /// <summary>Gets the Spectre console that writes human output to <see cref="Output"/>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Gets the JSON options every command serialises with.</summary>
    public static JsonSerializerOptions JsonOptions => s_json;

    /// <summary>Writes <paramref name="value"/> as the single JSON object of a <c>--json</c> run.</summary>
    /// <remarks>
    /// The contract allows one non-number in place of a number: an infinite ε, written as the string "Infinity" under a key
    /// that names an ε. Any other NaN or infinity means a result overflowed; it is not printed (a script would read the
    /// string as a value) but reported as a failure naming the key.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The value holds a NaN or an infinity where the contract does not allow one.</exception>
    public void WriteJson<T>(T value)
    {
        var node = JsonSerializer.SerializeToNode(value, s_json);
        if (FindNonFinite(node, "$") is { } path)
        {
            throw new InvalidOperationException($"the result '{path}' is not a finite number (it overflowed); the inputs are outside the range this command can compute.");
        }

        Output.WriteLine(node is null ? "null" : node.ToJsonString(s_json));
    }

    /// <summary>The path of the first NaN or infinity the contract does not allow, or <see langword="null"/>.</summary>
    internal static string? FindNonFinite(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o)
                {
                    if (FindNonFinite(child, $"{path}.{key}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (FindNonFinite(a[i], $"{path}[{i}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValue v when v.TryGetValue<string>(out var text):
                return text switch
                {
                    "Infinity" when IsEpsilonKey(path) => null,
                    "NaN" or "Infinity" or "-Infinity" => path,
                    _ => null,
                };
            case JsonValue v when v.TryGetValue<double>(out var d):
                // Checked as a double first: a finite double beyond float's range (1e50, say) reads as an infinite float.
                return double.IsFinite(d) || (double.IsPositiveInfinity(d) && IsEpsilonKey(path)) ? null : path;
            case JsonValue v when v.TryGetValue<float>(out var f) && !float.IsFinite(f):
                return path;
            default:
                return null;
        }
    }

    /// <summary>Whether the last key of <paramref name="path"/> names an ε (<c>epsilon</c>, <c>epsilonLower</c>, <c>auditEpsilonLower</c>, ...).</summary>
    private static bool IsEpsilonKey(string path)
    {
        var key = path[(path.LastIndexOf('.') + 1)..];
        return key.Contains("epsilon", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether progress bars may be shown: on a terminal and not under <c>--json</c>.</summary>
    public bool ShowProgress(ParseResult parseResult) => Interactive && !parseResult.GetValue(JsonOption);

    /// <summary>Creates a command group that, run without a subcommand, names its subcommands and exits with code 2.</summary>
    public static Command CreateGroup(string name, string description)
    {
        var command = new Command(name, description);
        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            var names = string.Join(", ", command.Subcommands.Select(static c => c.Name));
            throw new CliUsageException(names.Length == 0
                ? $"'llmcore {name}' has no subcommands yet."
                : $"'llmcore {name}' needs a subcommand: {names}.");
        }));
        return command;
    }

    /// <summary>Folds a message onto one line.</summary>
    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

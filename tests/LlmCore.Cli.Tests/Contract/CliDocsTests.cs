using System.Text.RegularExpressions;

namespace LlmCore.Cli.Tests.Contract;

/// <summary>
/// docs/cli.md against <c>--help</c> (issue 22): every option of every leaf command is documented in that command's row
/// of the command table, and every option a row names exists; docs cite no file that is not in the repository.
/// </summary>
public sealed partial class CliDocsTests
{
    private static readonly string[] s_global = ["--json", "--help", "-h", "-?", "--version"];

    [Fact]
    public void EveryOptionOfEveryLeafCommand_IsInItsDocsRow()
    {
        var rows = CommandRows();
        var missing = new List<string>();
        foreach (var (path, command) in CliContractTests.Walk().Where(static c => c.Command.Subcommands.Count == 0 && c.Path.Length > 0))
        {
            var text = string.Join('\n', rows.Where(r => r.Path == path).Select(static r => r.Text));
            if (text.Length == 0)
            {
                missing.Add($"'{path}' has no row in docs/cli.md");
                continue;
            }

            missing.AddRange(command.Options.Where(static o => !o.Hidden && !s_global.Contains(o.Name))
                .Where(o => !Regex.IsMatch(text, Regex.Escape(o.Name) + @"(?![a-z0-9-])"))
                .Select(o => $"'{path}' {o.Name}"));
        }

        Assert.True(missing.Count == 0, "docs/cli.md lacks: " + string.Join("; ", missing));
    }

    [Fact]
    public void EveryOptionADocsRowNames_Exists()
    {
        var commands = CliContractTests.Walk().ToDictionary(static c => c.Path, static c => c.Command, StringComparer.Ordinal);
        var unknown = new List<string>();
        foreach (var (path, text) in CommandRows())
        {
            if (!commands.TryGetValue(path, out var command))
            {
                unknown.Add($"row for unknown command '{path}'");
                continue;
            }

            // Only the usage column (the first cell): the description may name other commands' options.
            var usage = text.Split(" | ", 2)[0];
            var names = command.Options.SelectMany(static o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
            unknown.AddRange(OptionName().Matches(usage).Select(static m => m.Value).Distinct()
                .Where(n => !names.Contains(n) && !s_global.Contains(n))
                .Select(n => $"'{path}' {n}"));
        }

        Assert.True(unknown.Count == 0, "docs/cli.md names options that --help lacks: " + string.Join("; ", unknown));
    }

    /// <summary>The command table's rows: the command path (the words after <c>llmcore</c> up to the first option) and the row.</summary>
    private static List<(string Path, string Text)> CommandRows()
    {
        var rows = new List<(string, string)>();
        foreach (var line in File.ReadLines(Path.Combine(RepositoryRoot(), "docs", "cli.md")))
        {
            var match = RowStart().Match(line);
            if (match.Success)
            {
                rows.Add((match.Groups["path"].Value.Trim(), line));
            }
        }

        return rows;
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "docs", "cli.md")) && File.Exists(Path.Combine(dir.FullName, "LlmCore.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("The repository root (with docs/cli.md) is not above the test's directory.");
    }

    [GeneratedRegex(@"^\| `llmcore (?<path>[a-z][a-z -]*?)(?= --| \.\.\.| \(|`| \[)", RegexOptions.CultureInvariant)]
    private static partial Regex RowStart();

    [GeneratedRegex(@"--[a-z][a-z0-9-]*", RegexOptions.CultureInvariant)]
    private static partial Regex OptionName();
}

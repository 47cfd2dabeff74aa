using System.Text.Json;

namespace LlmCore.Cli.Tests;

public class CliAppTests
{
    [Fact]
    public void Version_PrintsSuiteVersion()
    {
        var (exitCode, output, error) = CliRunner.Run("--version");

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
    }

    [Fact]
    public void Help_ListsEveryCommandGroup()
    {
        var (exitCode, output, _) = CliRunner.Run("--help");

        Assert.Equal(0, exitCode);
        foreach (var name in new[] { "privacy", "schedule", "cost", "business", "demo", "--json" })
        {
            Assert.Contains(name, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("demo", "--no-such-option")]
    public void UnknownOption_OneLineOnStderr_ExitCode2(params string[] args)
    {
        var (exitCode, output, error) = CliRunner.Run(args);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(args[^1], error, StringComparison.Ordinal);
    }

    // Fuzzing finding (docs/quality.md, "Bugs found by fuzzing", target cli-args): afl's argument list held "@.", which
    // System.CommandLine reads as a response file; for a folder it threw UnauthorizedAccessException out of CliApp.Run.
    [Theory]
    [InlineData("privacy", "epsilon")]
    [InlineData("demo")]
    public void ResponseFileThatIsAFolder_OneLineOnStderr_ExitCode2(params string[] command)
    {
        var folder = Directory.CreateTempSubdirectory("llmcore-cli-");
        try
        {
            var (exitCode, output, error) = CliRunner.Run([.. command, "@" + folder.FullName]);

            Assert.Equal(2, exitCode);
            Assert.Empty(output);
            var line = Assert.Single(error.TrimEnd().Split('\n'));
            Assert.StartsWith("error: cannot read the response file", line, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete();
        }
    }

    [Fact]
    public void GroupWithoutSubcommand_ExitCode2()
    {
        var (exitCode, _, error) = CliRunner.Run("business");

        Assert.Equal(2, exitCode);
        Assert.Contains("llmcore business", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_Json_PrintsExactlyOneObjectWithAllFourPackages()
    {
        var (exitCode, output, error) = CliRunner.Run("demo", "--json");

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        using var document = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        var titles = document.RootElement.GetProperty("sections").EnumerateArray()
            .Select(static s => s.GetProperty("title").GetString()!)
            .ToArray();
        foreach (var package in new[] { "LlmCore.Privacy", "LlmCore.Optimization", "LlmCore.Scheduling", "LlmCore.Commercialization" })
        {
            Assert.Contains(titles, t => t.StartsWith(package, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Demo_Human_PrintsTables()
    {
        var (exitCode, output, _) = CliRunner.Run("demo");

        Assert.Equal(0, exitCode);
        Assert.Contains("LlmCore.Commercialization", output, StringComparison.Ordinal);
        Assert.Contains("Demo finished", output, StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using System.Reflection;

namespace LlmCore.PackageTests;

/// <summary>Installs the packed <c>llmcore</c> tool with <c>dotnet tool install --tool-path</c> and runs it.</summary>
public sealed class ToolPackageTests : IClassFixture<ToolPackageTests.InstalledTool>
{
    private readonly InstalledTool _tool;

    public ToolPackageTests(InstalledTool tool) => _tool = tool;

    [Fact]
    public void Version_PrintsThePackedVersion()
    {
        var (exitCode, output, error) = _tool.Run("--version");

        Assert.True(exitCode == 0, error);
        Assert.StartsWith(InstalledTool.Version, output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_RunsAllFourPackages()
    {
        var (exitCode, output, error) = _tool.Run("demo");

        Assert.True(exitCode == 0, error);
        foreach (var package in new[] { "LlmCore.Privacy", "LlmCore.Optimization", "LlmCore.Scheduling", "LlmCore.Commercialization" })
        {
            Assert.Contains(package, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UnknownOption_ExitCode2()
    {
        var (exitCode, _, error) = _tool.Run("--no-such-option");

        Assert.Equal(2, exitCode);
        Assert.Contains("--no-such-option", error, StringComparison.Ordinal);
    }

    public sealed class InstalledTool : IDisposable
    {
        public static readonly string Version = Metadata("LlmCorePackageVersion");
        private static readonly string s_source = Metadata("LlmCorePackageSource");
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "llmcore-tool-" + Guid.NewGuid().ToString("N"));

        public InstalledTool()
        {
            Directory.CreateDirectory(_directory);
            var (exitCode, output, error) = Execute(
                "dotnet",
                ["tool", "install", "LlmCore.Cli", "--tool-path", _directory, "--version", Version],
                Path.Combine(_directory, "nuget-cache"));
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"dotnet tool install failed ({exitCode}): {output} {error}");
            }
        }

        public (int ExitCode, string Output, string Error) Run(params string[] args) =>
            Execute(Path.Combine(_directory, "llmcore"), args, nugetPackages: null);

        public void Dispose()
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }

        private static (int, string, string) Execute(string fileName, string[] args, string? nugetPackages)
        {
            var info = new ProcessStartInfo(fileName)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,

                // The repository's nuget.config maps LlmCore.* to artifacts/packages.
                WorkingDirectory = Path.GetDirectoryName(Path.GetDirectoryName(s_source))!,
            };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            if (nugetPackages is not null)
            {
                info.Environment["NUGET_PACKAGES"] = nugetPackages;
            }

            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in 5 minutes.");
            }

            return (process.ExitCode, output.Result, error.Result);
        }

        private static string Metadata(string key) =>
            typeof(InstalledTool).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
    }
}

using System.Reflection;
using PublicApiGenerator;

namespace LlmCore.Architecture.Tests;

/// <summary>
/// Public API approval: each library's public surface is kept in <c>PublicApi/{Assembly}.approved.txt</c>, so
/// that every change to it shows in review. To accept a deliberate change, run the tests with
/// <c>LLMCORE_ACCEPT_API=1</c> and commit the updated files.
/// </summary>
public class PublicApiTests
{
    public static TheoryData<string> Libraries() =>
        new("LlmCore.Privacy", "LlmCore.Optimization", "LlmCore.Scheduling", "LlmCore.Scheduling.Slurm", "LlmCore.Commercialization");

    [Theory]
    [MemberData(nameof(Libraries))]
    public void PublicApi_MatchesApprovedFile(string assemblyName)
    {
        var assembly = Assembly.Load(assemblyName);
        var api = assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false })
            .ReplaceLineEndings("\n");
        var path = Path.Combine(DependencyGraphTests.RepoRoot(), "tests", "LlmCore.Architecture.Tests", "PublicApi", assemblyName + ".approved.txt");

        if (Environment.GetEnvironmentVariable("LLMCORE_ACCEPT_API") == "1")
        {
            File.WriteAllText(path, api);
        }

        Assert.True(File.Exists(path), $"No approved API for {assemblyName}; run the tests with LLMCORE_ACCEPT_API=1 and commit {path}.");
        var approved = File.ReadAllText(path).ReplaceLineEndings("\n");
        Assert.True(
            approved == api,
            $"The public API of {assemblyName} changed. Review the difference, then run the tests with LLMCORE_ACCEPT_API=1 and commit {path}.\n{FirstDifference(approved, api)}");
    }

    private static string FirstDifference(string approved, string actual)
    {
        var a = approved.Split('\n');
        var b = actual.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var left = i < a.Length ? a[i] : "<end>";
            var right = i < b.Length ? b[i] : "<end>";
            if (left != right)
            {
                return $"line {i + 1}: approved '{left}', actual '{right}'";
            }
        }

        return string.Empty;
    }
}

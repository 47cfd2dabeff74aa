using System.Text.Json;

namespace LlmCore.Cli.Tests.Schedule;

/// <summary>
/// <c>llmcore schedule run --executor slurm</c> against the local cluster of scripts/slurm/local-cluster.sh (settings
/// from artifacts/slurm/cluster.env). Outside CI it is skipped when the cluster is not running; in CI (CI=true) it
/// runs and fails without a cluster.
/// </summary>
public sealed class RunOnSlurmTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llmcore-run-slurm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SlurmClusterFact]
    public void Run_SmallTraceOnSlurmAndLocally_SameJobsRunInTheSameOrder()
    {
        var env = SlurmClusterFactAttribute.Settings()
            ?? throw new InvalidOperationException($"No local Slurm cluster settings at {SlurmClusterFactAttribute.EnvFile}; start it with scripts/slurm/local-cluster.sh start.");
        var trace = Path.Combine(_dir, "t.csv");
        File.WriteAllText(trace, RunCommandTests.Trace);
        var slurmEvents = Path.Combine(_dir, "slurm.csv");
        var localEvents = Path.Combine(_dir, "local.csv");

        var slurm = CliRunner.Run("schedule", "run", "--trace", trace, "--policy", "sjf", "--executor", "slurm", "--slurm-url", env["SLURMRESTD_URL"],
            "--slurm-token", env["SLURMRESTD_TOKEN"], "--slurm-user", env["SLURMRESTD_USER"], "--time-scale", "10", "--events", slurmEvents, "--json");
        var local = CliRunner.Run("schedule", "run", "--trace", trace, "--policy", "sjf", "--executor", "local", "--time-scale", "10", "--events", localEvents, "--json");

        Assert.True(slurm.ExitCode == 0, slurm.Error);
        Assert.True(local.ExitCode == 0, local.Error);
        using var json = JsonDocument.Parse(slurm.Output);
        Assert.Equal("slurm", json.RootElement.GetProperty("executor").GetString());
        Assert.Equal(5, json.RootElement.GetProperty("completed").GetInt32());
        Assert.Equal(RunCommandTests.s_sjfOrder, RunCommandTests.EventOrder(slurmEvents));
        Assert.Equal(RunCommandTests.EventOrder(localEvents), RunCommandTests.EventOrder(slurmEvents));
        Assert.All(File.ReadLines(slurmEvents).Skip(1), l => Assert.EndsWith(",completed", l, StringComparison.Ordinal));
    }

    [SlurmClusterFact]
    public void Run_OnSlurm_EndsWithTheAccountingOfEveryJobReadThroughSlurmrestd()
    {
        var env = SlurmClusterFactAttribute.Settings()
            ?? throw new InvalidOperationException($"No local Slurm cluster settings at {SlurmClusterFactAttribute.EnvFile}; start it with scripts/slurm/local-cluster.sh start.");
        var trace = Path.Combine(_dir, "t.csv");
        File.WriteAllText(trace, RunCommandTests.Trace);
        string[] connection = ["--executor", "slurm", "--slurm-url", env["SLURMRESTD_URL"], "--slurm-token", env["SLURMRESTD_TOKEN"], "--slurm-user", env["SLURMRESTD_USER"], "--time-scale", "10"];

        // No --slurm-api-version: negotiated from slurmrestd's GET /openapi/v3 (the local cluster serves only v0.0.38).
        var json = CliRunner.Run(["schedule", "run", "--trace", trace, "--policy", "sjf", .. connection, "--json"]);
        var text = CliRunner.Run(["schedule", "run", "--trace", trace, "--policy", "fifo", .. connection]);

        Assert.True(json.ExitCode == 0, json.Error);
        Assert.True(text.ExitCode == 0, text.Error);
        using var doc = JsonDocument.Parse(json.Output);
        Assert.Equal("v0.0.38", doc.RootElement.GetProperty("slurmApiVersion").GetString());
        var rows = doc.RootElement.GetProperty("accounting").EnumerateArray().ToDictionary(r => r.GetProperty("jobId").GetString()!);

        // The trace's jobs (RunCommandTests.Trace): GPUs, and a sleep of duration/10 s each, so Slurm's elapsed time
        // (whole seconds) is at least the sleep's whole seconds.
        var expected = new Dictionary<string, (int Gpus, double Sleep)> { ["j0"] = (32, 2.0), ["j1"] = (32, 0.8), ["j2"] = (16, 0.4), ["j3"] = (32, 0.6), ["j4"] = (8, 0.2) };
        Assert.Equal(expected.Keys.Order(), rows.Keys.Order());
        foreach (var (id, (gpus, sleep)) in expected)
        {
            var row = rows[id];
            Assert.Equal("COMPLETED", row.GetProperty("state").GetString());
            Assert.Equal(gpus, row.GetProperty("gpus").GetInt32());
            Assert.Equal(0, row.GetProperty("exitCode").GetInt32());
            Assert.Equal(0, row.GetProperty("restarts").GetInt32());
            Assert.True(row.GetProperty("elapsedSeconds").GetDouble() >= Math.Floor(sleep), $"{id}: elapsed {row.GetProperty("elapsedSeconds")}");
            Assert.True(row.GetProperty("slurmJobId").GetInt64() > 0);
        }

        Assert.Contains("Slurm accounting", text.Output, StringComparison.Ordinal);
        Assert.Contains("AllocGPUs", text.Output, StringComparison.Ordinal);
        Assert.Contains("COMPLETED", text.Output, StringComparison.Ordinal);
    }
}

/// <summary>A fact that needs the local Slurm cluster: skipped outside CI when it is not running, failing in CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class SlurmClusterFactAttribute : FactAttribute
{
    public SlurmClusterFactAttribute()
    {
        var inCi = Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");
        if (!inCi && Settings() is not { } env)
        {
            Skip = $"Local Slurm cluster not running (no settings at {EnvFile}); start it with scripts/slurm/local-cluster.sh start. In CI this test fails instead of skipping.";
        }
        else if (!inCi && Settings() is { } s && !File.Exists(s.GetValueOrDefault("SLURMRESTD_SOCKET", "")))
        {
            Skip = "Local Slurm cluster not running (slurmrestd's socket is missing); start it with scripts/slurm/local-cluster.sh start.";
        }
    }

    public static string EnvFile
    {
        get
        {
            if (Environment.GetEnvironmentVariable("LLMCORE_SLURM_ENV") is { Length: > 0 } path)
            {
                return path;
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LlmCore.sln")))
                {
                    return Path.Combine(dir.FullName, "artifacts", "slurm", "cluster.env");
                }
            }

            return Path.Combine(AppContext.BaseDirectory, "cluster.env");
        }
    }

    public static Dictionary<string, string>? Settings()
    {
        if (!File.Exists(EnvFile))
        {
            return null;
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(EnvFile))
        {
            var text = line.StartsWith("export ", StringComparison.Ordinal) ? line[7..] : line;
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                settings[text[..eq].Trim()] = text[(eq + 1)..].Trim().Trim('"', '\'');
            }
        }

        return settings;
    }
}

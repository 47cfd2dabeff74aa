using System.Diagnostics;

namespace LlmCore.Scheduling.Slurm.Tests.Integration;

/// <summary>
/// The local cluster that scripts/slurm/local-cluster.sh starts (and .ci/setup.d/slurm.sh in CI). Its settings are
/// read from artifacts/slurm/cluster.env (or the file named by LLMCORE_SLURM_ENV).
/// </summary>
internal static class LocalSlurmCluster
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>?> s_env = new(Load);

    public static bool InCi =>
        Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    public static string EnvFile =>
        Environment.GetEnvironmentVariable("LLMCORE_SLURM_ENV") is { Length: > 0 } path
            ? path
            : Path.Combine(RepoRoot() ?? AppContext.BaseDirectory, "artifacts", "slurm", "cluster.env");

    public static string? Unavailable()
    {
        var env = s_env.Value;
        if (env is null)
        {
            return $"no cluster settings at {EnvFile}";
        }

        return File.Exists(env["SLURMRESTD_SOCKET"]) ? null : $"slurmrestd's socket {env["SLURMRESTD_SOCKET"]} does not exist";
    }

    public static IReadOnlyDictionary<string, string> Settings
    {
        get
        {
            if (Unavailable() is { } reason)
            {
                throw new InvalidOperationException(
                    $"The local Slurm cluster is not available ({reason}). Start it with 'scripts/slurm/local-cluster.sh start' " +
                    "(CI runs .ci/setup.d/slurm.sh, which does that); see artifacts/slurm/log/ for why it did not start.");
            }

            return s_env.Value!;
        }
    }

    public static int Nodes => int.Parse(Settings["SLURM_LOCAL_NODES"], System.Globalization.CultureInfo.InvariantCulture);

    public static int GpusPerNode => int.Parse(Settings["SLURM_LOCAL_GPUS"], System.Globalization.CultureInfo.InvariantCulture);

    public static string JobDirectory => Settings["SLURM_LOCAL_JOBDIR"];

    public static SlurmOptions JwtOptions() => new()
    {
        BaseAddress = new Uri(Settings["SLURMRESTD_URL"]),
        UserName = Settings["SLURMRESTD_USER"],
        Token = Settings["SLURMRESTD_TOKEN"],
        ApiVersion = Settings["SLURMRESTD_API_VERSION"],
        WorkingDirectory = JobDirectory,
        SlurmConfPath = Settings["SLURM_CONF"],
        MaxRetryAttempts = 8,
    };

    public static SlurmOptions SocketOptions() => new()
    {
        UnixSocketPath = Settings["SLURMRESTD_SOCKET"],
        ApiVersion = Settings["SLURMRESTD_API_VERSION"],
        WorkingDirectory = JobDirectory,
        SlurmConfPath = Settings["SLURM_CONF"],
    };

    /// <summary>Runs a Slurm command against this cluster (SLURM_CONF set, SLURM_JWT removed).</summary>
    public static (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment.Remove("SLURM_JWT");
        info.Environment["SLURM_CONF"] = Settings["SLURM_CONF"];
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    /// <summary>The PID of slurmctld from its pid file.</summary>
    public static int SlurmctldPid()
    {
        var conf = File.ReadAllLines(Settings["SLURM_CONF"]);
        var pidFile = conf.First(l => l.StartsWith("SlurmctldPidFile=", StringComparison.Ordinal))["SlurmctldPidFile=".Length..];
        return int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static IReadOnlyDictionary<string, string>? Load()
    {
        var path = EnvFile;
        if (!File.Exists(path))
        {
            return null;
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                settings[line[..eq].Trim()] = line[(eq + 1)..].Trim();
            }
        }

        return settings;
    }

    private static string? RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmCore.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}

/// <summary>
/// A fact that needs the local Slurm cluster. Outside CI it is skipped, with the reason, when the cluster is not
/// running; in CI (CI=true) it always runs, so a missing cluster fails the test with a clear message.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (!LocalSlurmCluster.InCi && LocalSlurmCluster.Unavailable() is { } reason)
        {
            Skip = $"Local Slurm cluster not running ({reason}); start it with scripts/slurm/local-cluster.sh start. In CI this test fails instead of skipping.";
        }
    }
}

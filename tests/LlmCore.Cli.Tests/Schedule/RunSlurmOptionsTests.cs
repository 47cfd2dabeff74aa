namespace LlmCore.Cli.Tests.Schedule;

/// <summary>The Slurm options of <c>llmcore schedule run</c> that are checked before any connection is made.</summary>
public sealed class RunSlurmOptionsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llmcore-run-options-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("v0.0.39")] // served by Slurm 23.02-24.05, not spoken by LlmCore.Scheduling.Slurm
    [InlineData("v0.0.45")]
    [InlineData("0.0.38")]
    public void Run_UnsupportedSlurmApiVersion_ExitsWithUsageErrorListingTheSupportedOnes(string version)
    {
        var trace = Path.Combine(_dir, "t.csv");
        File.WriteAllText(trace, "job_id,submit_time_s,duration_s,gpus\na,0,1,1\n");

        var (exit, _, error) = CliRunner.Run("schedule", "run", "--trace", trace, "--policy", "fifo", "--executor", "slurm",
            "--slurm-url", "http://127.0.0.1:9", "--slurm-token", "jwt", "--slurm-api-version", version);

        Assert.Equal(2, exit);
        Assert.Contains("--slurm-api-version", error, StringComparison.Ordinal);
        Assert.Contains("auto or one of v0.0.38, v0.0.40, v0.0.41, v0.0.42, v0.0.43, v0.0.44", error, StringComparison.Ordinal);
    }
}

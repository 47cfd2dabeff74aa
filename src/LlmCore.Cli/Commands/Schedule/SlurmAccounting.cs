using System.Globalization;
using LlmCore.Scheduling.Slurm;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Schedule;

/// <summary>One Slurm job of a replay as <c>sacct</c> would list it: job, state, elapsed, GPUs, exit code.</summary>
/// <param name="SlurmJobId">Slurm's job id.</param>
/// <param name="JobId">LlmCore's job id (the Slurm job name without the replay's prefix).</param>
/// <param name="State">Slurm's state name (<c>COMPLETED</c>, <c>FAILED</c>, ...).</param>
/// <param name="ElapsedSeconds">How long its last run took, or <see langword="null"/> when it has not both started and ended.</param>
/// <param name="Gpus">The GPUs of the whole job.</param>
/// <param name="ExitCode">The exit code of the batch script, or <see langword="null"/> when a signal ended it.</param>
/// <param name="Signal">The signal that ended it, or <see langword="null"/>.</param>
/// <param name="Restarts">How often Slurm requeued it.</param>
/// <param name="Nodes">The nodes of its last run, in Slurm's compressed form.</param>
internal sealed record SlurmAccountingRow(long SlurmJobId, string JobId, string State, double? ElapsedSeconds, int Gpus, int? ExitCode, int? Signal, int Restarts, string Nodes)
{
    /// <summary>Elapsed time as sacct prints it: <c>[D-]HH:MM:SS</c>.</summary>
    public string Elapsed => ElapsedSeconds is not double s
        ? "-"
        : TimeSpan.FromSeconds(s) is var t && t.Days > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{t.Days}-{t.Hours:00}:{t.Minutes:00}:{t.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Hours:00}:{t.Minutes:00}:{t.Seconds:00}");

    /// <summary>The exit code as sacct prints it: <c>exit:signal</c>.</summary>
    public string SacctExitCode => string.Create(CultureInfo.InvariantCulture, $"{ExitCode ?? 0}:{Signal ?? 0}");
}

/// <summary>
/// The accounting view of <c>schedule run --executor slurm</c>: the replay's jobs read back through slurmrestd
/// (<c>GET /jobs</c>; no slurmdbd needed, so jobs older than the cluster's <c>MinJobAge</c> are gone).
/// </summary>
internal static class SlurmAccounting
{
    public static async Task<IReadOnlyList<SlurmAccountingRow>> ReadAsync(ISlurmClient client, string jobNamePrefix, CancellationToken cancellationToken)
    {
        var jobs = await client.GetJobsAsync(cancellationToken).ConfigureAwait(false);
        return
        [
            .. jobs
                .Where(j => j.Name.StartsWith(jobNamePrefix, StringComparison.Ordinal) && j.Name.Length > jobNamePrefix.Length)
                .OrderBy(static j => j.JobId)
                .Select(j => new SlurmAccountingRow(
                    j.JobId,
                    j.Name[jobNamePrefix.Length..],
                    j.SlurmState,
                    j.Elapsed?.TotalSeconds,
                    j.TotalGpus,
                    j.ExitCode,
                    j.Signal,
                    j.RestartCount,
                    j.Nodes)),
        ];
    }

    public static Table ToTable(IReadOnlyList<SlurmAccountingRow> rows, int traceJobs, string apiVersion)
    {
        var table = new Table()
            .AddColumn(new TableColumn("JobID").RightAligned())
            .AddColumn("JobName")
            .AddColumn("State")
            .AddColumn(new TableColumn("Elapsed").RightAligned())
            .AddColumn(new TableColumn("AllocGPUs").RightAligned())
            .AddColumn(new TableColumn("ExitCode").RightAligned());
        var missing = traceJobs - rows.Select(static r => r.JobId).Distinct(StringComparer.Ordinal).Count();
        table.Title = new TableTitle($"Slurm accounting through slurmrestd (REST API {apiVersion})");
        if (missing > 0)
        {
            table.Caption = new TableTitle(string.Create(CultureInfo.InvariantCulture, $"{missing} of {traceJobs} jobs no longer shown by Slurm (older than its MinJobAge)"));
        }

        foreach (var r in rows)
        {
            table.AddRow(
                r.SlurmJobId.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(r.JobId),
                Markup.Escape(r.State),
                r.Elapsed,
                r.Gpus.ToString(CultureInfo.InvariantCulture),
                r.SacctExitCode);
        }

        return table;
    }
}

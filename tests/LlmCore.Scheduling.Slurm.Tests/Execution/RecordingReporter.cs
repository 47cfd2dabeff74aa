using System.Diagnostics;
using LlmCore.Scheduling.Execution;

namespace LlmCore.Scheduling.Slurm.Tests.Execution;

/// <summary>Collects an executor's reports and waits for them.</summary>
internal sealed class RecordingReporter : IJobRunReporter
{
    private readonly Lock _lock = new();
    private readonly List<JobRunReport> _reports = [];
    private readonly Dictionary<JobRunReport, DateTimeOffset> _times = [];

    public DateTimeOffset TimeOf(JobRunReport report)
    {
        lock (_lock)
        {
            return _times[report];
        }
    }

    public IReadOnlyList<JobRunReport> Reports
    {
        get
        {
            lock (_lock)
            {
                return [.. _reports];
            }
        }
    }

    public void Report(JobRunReport report)
    {
        lock (_lock)
        {
            _reports.Add(report);
            _times.TryAdd(report, DateTimeOffset.UtcNow);
        }
    }

    public async Task<JobRunReport> WaitForAsync(string jobId, JobRunEvent kind, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            var found = Reports.FirstOrDefault(r => r.JobId == jobId && r.Event == kind);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No {kind} report for {jobId} within {timeout.TotalSeconds} s; reports: {string.Join("; ", Reports)}");
    }
}

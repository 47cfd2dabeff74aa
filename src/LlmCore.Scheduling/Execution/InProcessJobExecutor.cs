using System.Collections.Concurrent;

namespace LlmCore.Scheduling.Execution;

/// <summary>
/// Runs jobs in this process: each run is a task executing a workload delegate (by default it waits the job's
/// runtime estimate on the <see cref="TimeProvider"/>, or completes at once without one). Exceptions from the
/// workload report a failure; a cancelled or preempted run reports nothing further.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class InProcessJobExecutor : IJobExecutor, IDisposable
{
    private readonly TimeProvider _time;
    private readonly Func<JobLaunch, CancellationToken, Task> _workload;
    private readonly ConcurrentDictionary<(string, int), CancellationTokenSource> _runs = new();

    /// <summary>Creates the executor.</summary>
    /// <param name="timeProvider">The clock for the default workload.</param>
    /// <param name="workload">The work of a run; <see langword="null"/> waits the expected run time.</param>
    /// <exception cref="ArgumentNullException"><paramref name="timeProvider"/> is <see langword="null"/>.</exception>
    public InProcessJobExecutor(TimeProvider timeProvider, Func<JobLaunch, CancellationToken, Task>? workload = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _time = timeProvider;
        _workload = workload ?? DefaultWorkload;
    }

    /// <summary>Gets the number of runs in progress.</summary>
    public int ActiveRuns => _runs.Count;

    /// <inheritdoc/>
    public Task StartAsync(JobLaunch launch, IJobRunReporter reporter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        ArgumentNullException.ThrowIfNull(reporter);
        var cts = new CancellationTokenSource();
        if (!_runs.TryAdd((launch.JobId, launch.Attempt), cts))
        {
            cts.Dispose();
            return Task.CompletedTask;
        }

        _ = Task.Run(async () =>
        {
            reporter.Report(new JobRunReport(launch.JobId, launch.Attempt, JobRunEvent.Started));
            JobRunReport? end;
            try
            {
                await _workload(launch, cts.Token).ConfigureAwait(false);
                end = new JobRunReport(launch.JobId, launch.Attempt, JobRunEvent.Completed);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                end = null;
            }
#pragma warning disable CA1031 // A workload's failure is the job's outcome, whatever its type.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                end = new JobRunReport(launch.JobId, launch.Attempt, JobRunEvent.Failed, ex.Message);
            }

            if (_runs.TryRemove((launch.JobId, launch.Attempt), out var own))
            {
                own.Dispose();
            }

            if (end is not null)
            {
                reporter.Report(end);
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task CancelAsync(JobLaunch launch, CancellationToken cancellationToken) => Stop(launch);

    /// <inheritdoc/>
    public Task PreemptAsync(JobLaunch launch, CancellationToken cancellationToken) => Stop(launch);

    /// <summary>Stops every run.</summary>
    public void Dispose()
    {
        foreach (var key in _runs.Keys)
        {
            if (_runs.TryRemove(key, out var cts))
            {
                cts.Cancel();
                cts.Dispose();
            }
        }
    }

    private Task Stop(JobLaunch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        if (_runs.TryGetValue((launch.JobId, launch.Attempt), out var cts))
        {
            try
            {
                cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run ended meanwhile.
            }
        }

        return Task.CompletedTask;
    }

    private Task DefaultWorkload(JobLaunch launch, CancellationToken cancellationToken) =>
        launch.ExpectedRunSeconds is { } s && s > 0 ? Task.Delay(TimeSpan.FromSeconds(s), _time, cancellationToken) : Task.CompletedTask;
}

using LlmCore.Scheduling.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlmCore.Scheduling.Execution;

/// <summary>
/// Runs the online scheduler in a host: a scheduling pass whenever the state changed (or every pass interval, for
/// aging and reservations), then hands the pass's commands to the <see cref="IJobExecutor"/> in order
/// (preemptions before starts).
/// </summary>
/// <remarks>Thread-safe (one background loop).</remarks>
public sealed partial class SchedulerHostedService : BackgroundService
{
    private readonly IJobScheduler _scheduler;
    private readonly IJobExecutor _executor;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;

    /// <summary>Creates the service.</summary>
    /// <param name="scheduler">The scheduler.</param>
    /// <param name="executor">The executor.</param>
    /// <param name="passInterval">The longest time between passes (&gt; 0).</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="passInterval"/> is not positive.</exception>
    public SchedulerHostedService(IJobScheduler scheduler, IJobExecutor executor, TimeSpan passInterval, ILogger<SchedulerHostedService> logger)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(logger);
        Guard.Positive(passInterval);
        _scheduler = scheduler;
        _executor = executor;
        _interval = passInterval;
        _logger = logger;
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var plan = _scheduler.RunSchedulingPass();
                if (!plan.IsEmpty)
                {
                    Log.Pass(_logger, plan.Starts.Count, plan.Preemptions.Count, plan.Expired.Count);
                }

                while (_scheduler.Commands.TryRead(out var command))
                {
                    await DispatchAsync(command, stoppingToken).ConfigureAwait(false);
                }

                await _scheduler.WaitForWorkAsync(_interval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    private async Task DispatchAsync(ExecutorCommand command, CancellationToken cancellationToken)
    {
        try
        {
            switch (command.Kind)
            {
                case ExecutorCommandKind.Start:
                    await _executor.StartAsync(command.Launch, _scheduler, cancellationToken).ConfigureAwait(false);
                    break;
                case ExecutorCommandKind.Preempt:
                    await _executor.PreemptAsync(command.Launch, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await _executor.CancelAsync(command.Launch, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // An executor failure fails that run, not the scheduler.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ExecutorFailed(_logger, ex, command.Kind, command.Launch.JobId);
            if (command.Kind == ExecutorCommandKind.Start)
            {
                _scheduler.Report(new JobRunReport(command.Launch.JobId, command.Launch.Attempt, JobRunEvent.Failed, "executor failed to start the run: " + ex.Message));
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Scheduling pass: {Starts} started, {Preemptions} preempted, {Expired} expired")]
        public static partial void Pass(ILogger logger, int starts, int preemptions, int expired);

        [LoggerMessage(2, LogLevel.Error, "Executor failed to {Kind} job {JobId}")]
        public static partial void ExecutorFailed(ILogger logger, Exception exception, ExecutorCommandKind kind, string jobId);
    }
}

using LlmCore.Cli.Commands.Schedule;
using LlmCore.Scheduling;
using LlmCore.Scheduling.Execution;
using LlmCore.Scheduling.Metrics;
using Microsoft.Extensions.Time.Testing;

namespace LlmCore.Cli.Tests.Schedule;

/// <summary>
/// The replay loop of <c>llmcore schedule run</c> on a virtual clock: an executor whose runs end exactly after their
/// expected run time, and a clock that jumps to the next run end or due submission whenever the loop is idle. Nothing
/// depends on wall-clock slack, so the schedule is exact and the same on a loaded machine.
/// </summary>
public sealed class ReplayTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<ReplayJob> Trace() =>
    [
        new("j0", 0, 20, 32, "a", PriorityClasses.Normal),
        new("j1", 5, 8, 32, "a", PriorityClasses.Normal),
        new("j2", 6, 4, 16, "b", PriorityClasses.Normal),
        new("j3", 7, 6, 32, "a", PriorityClasses.Normal),
        new("j4", 8, 2, 8, "b", PriorityClasses.Normal),
    ];

    private static ReplayResult Replay(string policy, double timeScale, bool preemption = true)
    {
        var clock = new FakeTimeProvider(s_t0);
        var executor = new VirtualExecutor(clock);
        return LlmCore.Cli.Commands.Schedule.Replay.RunAsync(
            Trace(), Cluster.Uniform(4, 8), executor, new ReplaySettings(policy, timeScale) { Preemption = preemption }, clock, executor.IdleAsync, CancellationToken.None)
            .GetAwaiter().GetResult();
    }

    // The trace of RunCommandTests on 4 × 8 GPUs: j0 holds all 32 GPUs for 0–20 s; j1–j4 arrive at 5–8 s. SJF at 20 s:
    // j4 (2 s, 8 GPUs) and j2 (4 s, 16 GPUs) start together; j3 (6 s, 32 GPUs) waits for both: 24–30; j1 (8 s) 30–38.
    // JCTs: j0 20, j4 14, j2 18, j3 23, j1 33 → mean 21.6 s; makespan 38 s.
    [Theory]
    [InlineData(1.0)]
    [InlineData(10.0)]
    [InlineData(1000.0)]
    public void Replay_SjfOnAVirtualClock_IsTheHandComputedSchedule(double timeScale)
    {
        var result = Replay("sjf", timeScale);

        Assert.Equal(["j0", "j4", "j2", "j3", "j1"], result.Segments.Select(s => s.JobId));
        Assert.Equal(
            [(0.0, 20.0), (20.0, 22.0), (20.0, 24.0), (24.0, 30.0), (30.0, 38.0)],
            result.Segments.Select(s => (Math.Round(s.StartSeconds, 6), Math.Round(s.EndSeconds, 6))));
        Assert.All(result.Segments, s => Assert.Equal(RunOutcome.Completed, s.Outcome));
        Assert.Equal(5, result.Metrics.Completed);
        Assert.Equal(21.6, result.Metrics.AvgJctSeconds, 6);
        Assert.Equal(38, result.Metrics.MakespanSeconds, 6);
    }

    // SRTF with preemption (the library's default); replayed jobs have no checkpoints, so a preempted run loses all its
    // work. At 5 s j1 (8 s left) preempts j0 (15 s left); at 6 s j2 (4 s) preempts j1 (7 s left) and takes 16 of the 32
    // GPUs; j3 (6 s, 32 GPUs) cannot preempt j2 (3 s left) at 7 s; j4 (2 s) takes 8 free GPUs at 8 s; j2 and j4 end at
    // 10 s: j3 10–16, then j1 16–24 and j0 24–44.
    [Fact]
    public void Replay_SrtfWithPreemptionOnByDefault_PreemptsForShorterRemainingTime()
    {
        var result = Replay("srtf", 10);

        Assert.Equal(
            [("j0", RunOutcome.Preempted), ("j1", RunOutcome.Preempted), ("j2", RunOutcome.Completed), ("j4", RunOutcome.Completed), ("j3", RunOutcome.Completed), ("j1", RunOutcome.Completed), ("j0", RunOutcome.Completed)],
            result.Segments.Select(s => (s.JobId, s.Outcome)));
        Assert.Equal(2, result.Metrics.Preemptions);
        Assert.Equal(44, result.Metrics.MakespanSeconds, 6);
    }

    // Same jobs without preemption: SRTF only orders the queue, which is SJF's schedule.
    [Fact]
    public void Replay_SrtfWithoutPreemption_IsSjf()
    {
        var result = Replay("srtf", 10, preemption: false);

        Assert.Equal(["j0", "j4", "j2", "j3", "j1"], result.Segments.Select(s => s.JobId));
        Assert.Equal(0, result.Metrics.Preemptions);
    }

    // The progress bar of `schedule run` counts jobs done (submitted, no longer waiting or running): in the SJF schedule
    // above j0 ends at 20 s, j4 at 22, j2 at 24, j3 at 30 and j1 at 38, so the count is told 0 (after the first
    // submission) and then 1 to 5, each once, in order.
    [Fact]
    public async Task Replay_Progress_CountsJobsDoneOnceEach_UpToTheTraceLength()
    {
        var clock = new FakeTimeProvider(s_t0);
        var executor = new VirtualExecutor(clock);
        var told = new List<int>();

        _ = await LlmCore.Cli.Commands.Schedule.Replay.RunAsync(
            Trace(), Cluster.Uniform(4, 8), executor, new ReplaySettings("sjf", 10), clock, executor.IdleAsync, CancellationToken.None, new ScheduleCliSupport.ActionProgress<int>(told.Add));

        Assert.Equal([0, 1, 2, 3, 4, 5], told);
    }

    /// <summary>An executor on a virtual clock: a run reports Started at once and Completed exactly after its expected
    /// run time, when <see cref="IdleAsync"/> moves the clock there. Single-threaded, like the replay loop.</summary>
    private sealed class VirtualExecutor(FakeTimeProvider clock) : IJobExecutor
    {
        private readonly List<(DateTimeOffset End, JobLaunch Launch, IJobRunReporter Reporter)> _runs = [];

        public Task StartAsync(JobLaunch launch, IJobRunReporter reporter, CancellationToken cancellationToken)
        {
            reporter.Report(new JobRunReport(launch.JobId, launch.Attempt, JobRunEvent.Started));
            _runs.Add((clock.GetUtcNow() + TimeSpan.FromSeconds(launch.ExpectedRunSeconds ?? 0), launch, reporter));
            return Task.CompletedTask;
        }

        public Task CancelAsync(JobLaunch launch, CancellationToken cancellationToken) => Stop(launch);

        public Task PreemptAsync(JobLaunch launch, CancellationToken cancellationToken) => Stop(launch);

        /// <summary>Moves the clock to the next run end or due submission and reports the runs that ended then.</summary>
        public ValueTask IdleAsync(DateTimeOffset? until, CancellationToken cancellationToken)
        {
            var next = until ?? DateTimeOffset.MaxValue;
            foreach (var run in _runs)
            {
                next = run.End < next ? run.End : next;
            }

            Assert.True(next != DateTimeOffset.MaxValue, "the replay waits for nothing: it would never finish");
            if (next > clock.GetUtcNow())
            {
                clock.SetUtcNow(next);
            }

            foreach (var run in _runs.Where(r => r.End <= clock.GetUtcNow()).OrderBy(r => r.End).ToList())
            {
                _runs.Remove(run);
                run.Reporter.Report(new JobRunReport(run.Launch.JobId, run.Launch.Attempt, JobRunEvent.Completed));
            }

            return ValueTask.CompletedTask;
        }

        private Task Stop(JobLaunch launch)
        {
            _runs.RemoveAll(r => r.Launch.JobId == launch.JobId && r.Launch.Attempt == launch.Attempt);
            return Task.CompletedTask;
        }
    }
}

using System.Diagnostics;
using LlmCore.Scheduling.Execution;
using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Slurm.Execution;
using LlmCore.Scheduling.Slurm.Tests.Execution;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace LlmCore.Scheduling.Slurm.Tests.Integration;

/// <summary>
/// The Slurm executor against the real local cluster (4 nodes x 8 fake GPUs, sched/builtin, PreemptMode=REQUEUE),
/// alone and driven by LlmCore's scheduler.
/// </summary>
[Collection(SlurmCollection.Name)]
public sealed class SlurmExecutorTests(ITestOutputHelper output)
{
    private static string Prefix(string what) => $"it-{what}-{Guid.NewGuid():N}"[..20] + "-";

    private static SlurmExecutorOptions Options(string prefix) => new()
    {
        JobNamePrefix = prefix,
        TimeLimitMinutes = 5,
        PollInterval = TimeSpan.FromMilliseconds(100),
        MaxPollInterval = TimeSpan.FromMilliseconds(500),
    };

    private static JobLaunch Launch(string id, int gpus, double seconds, int attempt = 1) =>
        new(new JobSpec(id, gpus) { RuntimeEstimate = TimeSpan.FromSeconds(seconds) }, attempt,
            new Placement([new NodeAllocation(0, "n1", gpus)], "GPU", TopologyLevel.Node), 0, 0);

    private static async Task WaitUntilAsync(Func<bool> done, TimeSpan timeout, Func<string> describe)
    {
        var watch = Stopwatch.StartNew();
        while (!done())
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Not done within {timeout.TotalSeconds} s: {describe()}");
            }

            await Task.Delay(100);
        }
    }

    [SlurmFact]
    public async Task StartAsync_HeldSubmitThenRelease_ReportsStartedThenCompleted()
    {
        using var client = new SlurmRestClient(LocalSlurmCluster.JwtOptions());
        var prefix = Prefix("life");
        await using var executor = new SlurmJobExecutor(client, Options(prefix));
        var reporter = new RecordingReporter();

        await executor.StartAsync(Launch("a", 2, 1), reporter, CancellationToken.None);
        var started = await reporter.WaitForAsync("a", JobRunEvent.Started, TimeSpan.FromSeconds(20));
        await reporter.WaitForAsync("a", JobRunEvent.Completed, TimeSpan.FromSeconds(30));

        var jobs = await client.FindJobsByNameAsync(prefix + "a");
        var job = Assert.Single(jobs);
        Assert.Equal(SlurmJobState.Completed, job.State);
        Assert.Equal("llmcore:a", job.Comment);
        Assert.Equal(2, job.Gpus);
        Assert.StartsWith("nodes=n", started.Message, StringComparison.Ordinal);
        Assert.Equal([JobRunEvent.Started, JobRunEvent.Completed], reporter.Reports.Select(r => r.Event));
        Assert.Equal(0, executor.ActiveRuns);
    }

    [SlurmFact]
    public async Task CancelAsync_RunningJob_SlurmCancelsItAndNothingMoreIsReported()
    {
        using var client = new SlurmRestClient(LocalSlurmCluster.SocketOptions());
        var prefix = Prefix("cancel");
        await using var executor = new SlurmJobExecutor(client, Options(prefix));
        var reporter = new RecordingReporter();
        var launch = Launch("c", 1, 120);

        await executor.StartAsync(launch, reporter, CancellationToken.None);
        await reporter.WaitForAsync("c", JobRunEvent.Started, TimeSpan.FromSeconds(20));
        var slurmId = executor.GetSlurmJobId("c")!.Value;
        await executor.CancelAsync(launch, CancellationToken.None);
        await executor.CancelAsync(launch, CancellationToken.None);

        await WaitUntilAsync(() => client.GetJobAsync(slurmId).GetAwaiter().GetResult()?.State == SlurmJobState.Cancelled, TimeSpan.FromSeconds(20), () => "job not cancelled");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal([JobRunEvent.Started], reporter.Reports.Select(r => r.Event));
    }

    [SlurmFact]
    public async Task Scheduler_HigherPriorityJob_RequeuesRunningGangOnSlurmAndResumesItLater()
    {
        using var client = new SlurmRestClient(LocalSlurmCluster.JwtOptions());
        var cluster = await SlurmClusterReader.ReadClusterAsync(client);
        Assert.Equal(LocalSlurmCluster.Nodes * LocalSlurmCluster.GpusPerNode, cluster.TotalGpus);
        var prefix = Prefix("preempt");
        await using var executor = new SlurmJobExecutor(client, Options(prefix));
        using var scheduler = new JobScheduler(new SchedulingEngine(cluster, SchedulingPolicy.Create("priority")), TimeProvider.System);
        var events = new List<SchedulerEvent>();
        scheduler.JobEvent += (_, e) =>
        {
            lock (events)
            {
                events.Add(e);
            }
        };
        using var host = new SchedulerHostedService(scheduler, executor, TimeSpan.FromMilliseconds(200), NullLogger<SchedulerHostedService>.Instance);
        await host.StartAsync(CancellationToken.None);

        // A low-priority gang on every GPU of the cluster, then an urgent 8-GPU job.
        scheduler.Submit(new JobSpec("low", cluster.TotalGpus) { Priority = PriorityClasses.Low, RuntimeEstimate = TimeSpan.FromSeconds(4) });
        await WaitUntilAsync(() => executor.GetSlurmJobId("low") is { } id && client.GetJobAsync(id).GetAwaiter().GetResult()?.State == SlurmJobState.Running, TimeSpan.FromSeconds(30), () => "low did not start");
        var lowSlurmId = executor.GetSlurmJobId("low")!.Value;
        scheduler.Submit(new JobSpec("high", LocalSlurmCluster.GpusPerNode) { Priority = PriorityClasses.High, RuntimeEstimate = TimeSpan.FromSeconds(1) });

        await WaitUntilAsync(
            () => scheduler.Get("low")!.State == JobState.Completed && scheduler.Get("high")!.State == JobState.Completed,
            TimeSpan.FromSeconds(90),
            () => $"low {scheduler.Get("low")!.State}, high {scheduler.Get("high")!.State}");
        await host.StopAsync(CancellationToken.None);

        var low = scheduler.Get("low")!;
        Assert.Equal(2, low.Attempts);
        Assert.Equal(1, low.Preemptions);
        var lowJobs = await client.FindJobsByNameAsync(prefix + "low");
        var lowJob = Assert.Single(lowJobs);
        Assert.Equal(lowSlurmId, lowJob.JobId);
        Assert.Equal(1, lowJob.RestartCount);
        Assert.Equal(SlurmJobState.Completed, lowJob.State);
        var high = Assert.Single(await client.FindJobsByNameAsync(prefix + "high"));
        Assert.True(high.StartTime <= lowJob.StartTime, $"high started at {high.StartTime}, low resumed at {lowJob.StartTime}");
        lock (events)
        {
            output.WriteLine(string.Join(Environment.NewLine, events.Select(e => $"{e.Time:HH:mm:ss.fff} {e.Kind} {e.JobId} {e.Detail}")));
            Assert.Contains(events, e => e.Kind == SchedulerEventKind.Requeued && e.JobId == "low");
        }
    }

    [SlurmFact]
    public async Task Scheduler_BurstOf200Jobs_AllCompleteAndSlurmStartsThemInAdmissionOrder()
    {
        const int Count = 200;
        using var client = new SlurmRestClient(LocalSlurmCluster.JwtOptions());
        var cluster = await SlurmClusterReader.ReadClusterAsync(client);
        var prefix = Prefix("burst");
        await using var executor = new SlurmJobExecutor(client, Options(prefix));
        using var scheduler = new JobScheduler(new SchedulingEngine(cluster, SchedulingPolicy.Create("fifo")), TimeProvider.System);
        var admitted = new List<string>();
        var admittedAt = new Dictionary<string, DateTimeOffset>();
        scheduler.JobEvent += (_, e) =>
        {
            if (e.Kind == SchedulerEventKind.Started)
            {
                lock (admitted)
                {
                    admitted.Add(e.JobId);
                    admittedAt[e.JobId] = e.Time;
                }
            }
        };
        using var host = new SchedulerHostedService(scheduler, executor, TimeSpan.FromMilliseconds(200), NullLogger<SchedulerHostedService>.Instance);
        var watch = Stopwatch.StartNew();
        await host.StartAsync(CancellationToken.None);
        scheduler.SubmitMany([.. Enumerable.Range(0, Count).Select(i => new JobSpec($"b{i:D3}", 1) { RuntimeEstimate = TimeSpan.FromSeconds(0.5) })]);

        await WaitUntilAsync(
            () => scheduler.GetJobs().All(j => j.State == JobState.Completed),
            TimeSpan.FromSeconds(150),
            () => $"{scheduler.GetJobs().Count(j => j.State == JobState.Completed)} of {Count} completed");
        var elapsed = watch.Elapsed;
        await host.StopAsync(CancellationToken.None);

        var mine = (await client.GetJobsAsync()).Where(j => j.Name.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(j => j.Name[prefix.Length..]);
        Assert.Equal(Count, mine.Count);
        Assert.All(mine.Values, j => Assert.Equal(SlurmJobState.Completed, j.State));
        List<string> order;
        lock (admitted)
        {
            order = [.. admitted];
        }

        Assert.Equal(Count, order.Count);
        for (var i = 1; i < order.Count; i++)
        {
            // Slurm's start times have whole-second resolution: the admission order must never go back in time.
            Assert.True(mine[order[i - 1]].StartTime <= mine[order[i]].StartTime, $"{order[i]} started in Slurm before {order[i - 1]}");
        }

        var latencies = order.Select(id => (mine[id].StartTime!.Value - admittedAt[id]).TotalSeconds).Order().ToArray();
        output.WriteLine($"{Count} jobs in {elapsed.TotalSeconds:F1} s; admission -> RUNNING (1 s resolution): median {latencies[Count / 2]:F2} s, max {latencies[^1]:F2} s");
    }

    [SlurmFact]
    public async Task NewExecutor_AfterHostRestart_AdoptsRunningJobInsteadOfSubmittingAgain()
    {
        using var client = new SlurmRestClient(LocalSlurmCluster.SocketOptions());
        var prefix = Prefix("adopt");
        var launch = Launch("r", 1, 4);
        long slurmId;
        var first = new RecordingReporter();
        await using (var before = new SlurmJobExecutor(client, Options(prefix)))
        {
            await before.StartAsync(launch, first, CancellationToken.None);
            await first.WaitForAsync("r", JobRunEvent.Started, TimeSpan.FromSeconds(20));
            slurmId = before.GetSlurmJobId("r")!.Value;
        }

        await using var after = new SlurmJobExecutor(client, Options(prefix));
        var recovered = await after.RecoverAsync();
        var mine = Assert.Single(recovered, r => r.Job.JobId == slurmId);
        Assert.Equal("r", mine.JobId);

        var second = new RecordingReporter();
        await after.StartAsync(launch, second, CancellationToken.None);
        Assert.Equal(slurmId, after.GetSlurmJobId("r"));
        await second.WaitForAsync("r", JobRunEvent.Completed, TimeSpan.FromSeconds(30));
        Assert.Single(await client.FindJobsByNameAsync(prefix + "r"));
        Assert.Equal([JobRunEvent.Started], first.Reports.Select(r => r.Event));
    }

    [SlurmFact]
    public async Task StartAsync_SlurmctldRestartDuringRun_EveryJobStillCompletes()
    {
        const int Count = 12;
        using var client = new SlurmRestClient(LocalSlurmCluster.JwtOptions());
        var prefix = Prefix("ctld");
        await using var executor = new SlurmJobExecutor(client, Options(prefix));
        var reporter = new RecordingReporter();
        for (var i = 0; i < Count / 2; i++)
        {
            await executor.StartAsync(Launch($"k{i}", 2, 2), reporter, CancellationToken.None);
        }

        var pid = LocalSlurmCluster.SlurmctldPid();
        using (var ctld = Process.GetProcessById(pid))
        {
            LocalSlurmCluster.Run("kill", "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await ctld.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var late = Task.Run(async () =>
        {
            for (var i = Count / 2; i < Count; i++)
            {
                await executor.StartAsync(Launch($"k{i}", 2, 2), reporter, CancellationToken.None);
            }
        });
        await Task.Delay(TimeSpan.FromSeconds(1));
        var (exit, text) = LocalSlurmCluster.Run("slurmctld");
        Assert.True(exit == 0, "slurmctld did not start again: " + text);
        await late;

        await WaitUntilAsync(() => reporter.Reports.Count(r => r.Event == JobRunEvent.Completed) == Count, TimeSpan.FromSeconds(90), () => string.Join("; ", reporter.Reports));
        Assert.DoesNotContain(reporter.Reports, r => r.Event is JobRunEvent.Failed or JobRunEvent.Preempted);
        var jobs = (await client.GetJobsAsync()).Where(j => j.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        Assert.Equal(Count, jobs.Count);
    }
    [SlurmFact]
    public async Task StartAsync_200LaunchesOnOneConnection_AllCompleteAndFirstOnesStartWithinSeconds()
    {
        const int Count = 200;
        using var client = new SlurmRestClient(LocalSlurmCluster.JwtOptions());
        var prefix = Prefix("speed");
        await using var executor = new SlurmJobExecutor(client, Options(prefix));
        var reporter = new RecordingReporter();
        var submittedAt = new DateTimeOffset[Count];
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Count; i++)
        {
            submittedAt[i] = DateTimeOffset.UtcNow;
            await executor.StartAsync(Launch($"s{i:D3}", 1, 0), reporter, CancellationToken.None);
        }

        var submitSeconds = watch.Elapsed.TotalSeconds;
        await WaitUntilAsync(() => reporter.Reports.Count(r => r.Event == JobRunEvent.Completed) == Count, TimeSpan.FromSeconds(120), () => $"{reporter.Reports.Count(r => r.Event == JobRunEvent.Completed)} completed");

        // Latency from the start call (LlmCore's admission) to the executor's Started report (poll every 100 ms), for
        // the jobs that had a free GPU at once (the cluster has 32).
        var started = reporter.Reports.Where(r => r.Event == JobRunEvent.Started).ToList();
        Assert.Equal(Count, started.Count);
        var latencies = started.Select(r => (reporter.TimeOf(r) - submittedAt[int.Parse(r.JobId[1..], System.Globalization.CultureInfo.InvariantCulture)]).TotalSeconds).Order().Take(32).ToArray();
        output.WriteLine($"start call -> Started report, first 32 jobs: median {latencies[16]:F2} s, max {latencies[^1]:F2} s");
        Assert.True(latencies[16] < 5, $"median latency {latencies[16]:F2} s");
        output.WriteLine($"submit+release: {Count / submitSeconds:F0} launches/s ({submitSeconds:F2} s for {Count}); all done after {watch.Elapsed.TotalSeconds:F1} s");
        Assert.DoesNotContain(reporter.Reports, r => r.Event is JobRunEvent.Failed or JobRunEvent.Preempted);
    }
}

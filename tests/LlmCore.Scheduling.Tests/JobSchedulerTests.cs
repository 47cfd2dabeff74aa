using System.Collections.Concurrent;
using LlmCore.Scheduling.Execution;
using LlmCore.Scheduling.Policies;
using Microsoft.Extensions.Time.Testing;
using static LlmCore.Scheduling.Tests.Specs;

namespace LlmCore.Scheduling.Tests;

public class JobSchedulerTests
{
    [Fact]
    public void Submit_ThenPass_QueuesStartCommandsAndEvents()
    {
        var time = new FakeTimeProvider(TestSim.T0);
        using var scheduler = new JobScheduler(NewEngine(Cluster.Uniform(1, 8), "fifo"), time);
        var events = new List<SchedulerEvent>();
        scheduler.JobEvent += (_, e) => events.Add(e);

        scheduler.Submit(Job("a", 8, 60));
        scheduler.Submit(Job("b", 8, 60));
        time.Advance(TimeSpan.FromSeconds(5));
        var plan = scheduler.RunSchedulingPass();

        Assert.Equal("a", Assert.Single(plan.Starts).JobId);
        Assert.True(scheduler.Commands.TryRead(out var command));
        Assert.Equal((ExecutorCommandKind.Start, "a"), (command.Kind, command.Launch.JobId));
        var queue = scheduler.GetQueue();
        Assert.Equal("b", Assert.Single(queue).Id);
        Assert.Contains("needs 8 GPUs", queue[0].Reason, StringComparison.Ordinal);
        Assert.Equal([SchedulerEventKind.Submitted, SchedulerEventKind.Submitted, SchedulerEventKind.Started], events.Select(e => e.Kind));

        time.Advance(TimeSpan.FromSeconds(60));
        scheduler.Report(new JobRunReport("a", 1, JobRunEvent.Completed));
        Assert.Equal(JobState.Completed, scheduler.Get("a")!.State);
        Assert.Equal(TestSim.At(65), scheduler.Get("a")!.EndedAt);
    }

    [Fact]
    public void Cancel_RunningJob_QueuesCancelCommandAndFreesGpus()
    {
        var time = new FakeTimeProvider(TestSim.T0);
        using var scheduler = new JobScheduler(NewEngine(Cluster.Uniform(1, 8), "fifo"), time);
        scheduler.Submit(Job("a", 8, 60));
        scheduler.RunSchedulingPass();
        scheduler.Commands.TryRead(out _);

        Assert.True(scheduler.Cancel("a"));
        Assert.False(scheduler.Cancel("a"));
        Assert.True(scheduler.Commands.TryRead(out var command));
        Assert.Equal(ExecutorCommandKind.Cancel, command.Kind);
        Assert.Equal(0, scheduler.Inspect(e => e.AllocatedGpus));
    }

    [Fact]
    public async Task InProcessExecutor_RunsJobsToCompletionThroughTheScheduler()
    {
        var time = new FakeTimeProvider(TestSim.T0);
        using var scheduler = new JobScheduler(NewEngine(Cluster.Uniform(1, 2), "fifo"), time);
        using var executor = new InProcessJobExecutor(time, (launch, ct) => launch.JobId == "bad" ? throw new InvalidOperationException("boom") : Task.CompletedTask);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = 0;
        scheduler.JobEvent += (_, e) =>
        {
            if (e.Kind is SchedulerEventKind.Completed or SchedulerEventKind.Failed && Interlocked.Increment(ref ended) == 2)
            {
                done.TrySetResult();
            }
        };

        scheduler.Submit(Job("ok", 1));
        scheduler.Submit(Job("bad", 1));
        scheduler.RunSchedulingPass();
        while (scheduler.Commands.TryRead(out var c))
        {
            await executor.StartAsync(c.Launch, scheduler, CancellationToken.None);
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(JobState.Completed, scheduler.Get("ok")!.State);
        Assert.Equal((JobState.Failed, "boom"), (scheduler.Get("bad")!.State, scheduler.Get("bad")!.Reason));
    }

    // Many threads submit and cancel while another completes running jobs, fails and recovers nodes, and passes run.
    // Afterwards every job is in exactly one terminal state and the counts add up.
    [Fact]
    public async Task Concurrency_SubmitCancelFinishAndNodeFailures_EveryJobEndsExactlyOnce()
    {
        var time = new FakeTimeProvider(TestSim.T0);
        var cluster = Cluster.Uniform(6, 4);
        using var scheduler = new JobScheduler(NewEngine(cluster, "multifactor"), time, queueExecutorCommands: false);
        var submitted = new ConcurrentBag<string>();
        var events = new ConcurrentQueue<SchedulerEvent>();
        scheduler.JobEvent += (_, e) => events.Enqueue(e);
        using var stop = new CancellationTokenSource();

        var submitters = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            var random = new Random(t);
            for (var i = 0; i < 300; i++)
            {
                var id = $"t{t}-{i}";
                var info = scheduler.Submit(new JobSpec(id, random.Next(1, 9)) { RuntimeEstimate = TimeSpan.FromSeconds(random.Next(1, 50)), Tenant = "tenant" + (t % 2) });
                submitted.Add(info.Id);
                if (random.Next(5) == 0)
                {
                    scheduler.Cancel($"t{t}-{random.Next(0, i + 1)}");
                }
            }
        })).ToArray();

        var worker = Task.Run(() =>
        {
            var random = new Random(99);
            while (!stop.IsCancellationRequested)
            {
                scheduler.RunSchedulingPass();
                foreach (var job in scheduler.GetJobs().Where(j => j.State == JobState.Running).Take(3))
                {
                    scheduler.Report(new JobRunReport(job.Id, job.Attempts, random.Next(10) == 0 ? JobRunEvent.Failed : JobRunEvent.Completed));
                }

                var node = cluster.Nodes[random.Next(cluster.Nodes.Count)].Name;
                scheduler.SetNodeState(node, up: random.Next(3) != 0);
            }
        });

        await Task.WhenAll(submitters);
        await stop.CancelAsync();
        await worker;

        foreach (var node in cluster.Nodes)
        {
            scheduler.SetNodeState(node.Name, up: true);
        }

        for (var guard = 0; guard < 10_000; guard++)
        {
            scheduler.RunSchedulingPass();
            var running = scheduler.GetJobs().Where(j => j.State == JobState.Running).ToList();
            if (running.Count == 0 && scheduler.GetQueue().Count == 0)
            {
                break;
            }

            foreach (var job in running)
            {
                scheduler.Report(new JobRunReport(job.Id, job.Attempts, JobRunEvent.Completed));
            }
        }

        var jobs = scheduler.GetJobs();
        Assert.Equal(1200, jobs.Count);
        Assert.Equal(submitted.Order(), jobs.Select(j => j.Id).Order());
        Assert.All(jobs, j => Assert.True(j.State is JobState.Completed or JobState.Failed or JobState.Cancelled, $"{j.Id} is {j.State}"));
        var terminal = events.Where(e => e.Kind is SchedulerEventKind.Completed or SchedulerEventKind.Failed or SchedulerEventKind.Cancelled or SchedulerEventKind.Rejected).ToList();
        Assert.Equal(jobs.Count, terminal.Count);
        Assert.Equal(jobs.Count, terminal.Select(e => e.JobId).Distinct().Count());
        Assert.Equal(jobs.Sum(j => j.Attempts), events.Count(e => e.Kind == SchedulerEventKind.Started));
        Assert.Equal(0, scheduler.Inspect(e => e.AllocatedGpus));
    }
}

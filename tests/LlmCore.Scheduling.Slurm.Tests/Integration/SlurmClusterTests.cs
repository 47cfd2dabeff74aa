using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;

namespace LlmCore.Scheduling.Slurm.Tests.Integration;

/// <summary>
/// End-to-end tests against the real local cluster (Slurm 22.05, 4 nodes x 8 fake GPUs, FIFO sched/builtin,
/// PreemptMode=REQUEUE). They run one after another (one class) because one of them restarts slurmctld.
/// </summary>
[Collection(SlurmCollection.Name)]
public sealed class SlurmClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(100);

    private static string Unique(string prefix) => $"llmcore-it-{prefix}-{Guid.NewGuid():N}"[..40];

    private static SlurmJobRequest Job(string name, int gpus, string body, bool hold = true) => new()
    {
        Name = name,
        Script = "#!/bin/bash\n" + body + "\n",
        GpusPerNode = gpus,
        Hold = hold,
        TimeLimitMinutes = 5,
    };

    private static async Task<SlurmJob> WaitForAsync(ISlurmClient client, long jobId, Func<SlurmJob, bool> done, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        SlurmJob? last = null;
        while (watch.Elapsed < timeout)
        {
            last = await client.GetJobAsync(jobId);
            if (last is not null && done(last))
            {
                return last;
            }

            await Task.Delay(s_poll);
        }

        throw new TimeoutException($"Job {jobId} did not reach the expected state within {timeout.TotalSeconds} s; last: {last?.SlurmState}/{last?.Reason}");
    }

    [SlurmFact]
    public async Task HeldSubmit_Release_RunsThenCompletes()
    {
        using var client = new SlurmRestClient(LocalSlurmCluster.JwtOptions());

        var submitted = await client.SubmitAsync(Job(Unique("life"), 2, "echo $CUDA_VISIBLE_DEVICES; sleep 1"));
        Assert.True(submitted.IsHeld);
        var held = await client.GetJobAsync(submitted.JobId);
        Assert.Equal(SlurmJobState.Held, held!.State);
        Assert.Equal(2, held.Gpus);

        var released = Stopwatch.StartNew();
        await client.ReleaseAsync(submitted.JobId);
        var running = await WaitForAsync(client, submitted.JobId, j => j.State is SlurmJobState.Running or SlurmJobState.Completed, TimeSpan.FromSeconds(20));
        output.WriteLine($"release -> {running.SlurmState}: {released.ElapsedMilliseconds} ms");
        var completed = await WaitForAsync(client, submitted.JobId, j => j.IsFinished, TimeSpan.FromSeconds(30));

        Assert.Equal(SlurmJobState.Completed, completed.State);
        Assert.Equal(0, completed.ExitCode);
        Assert.NotEmpty(completed.Nodes);
        Assert.StartsWith("llmcore:", completed.Comment, StringComparison.Ordinal);
    }

    [SlurmFact]
    public async Task FailingScript_Runs_EndsFailedWithItsExitCode()
    {
        using var client = new SlurmRestClient(LocalSlurmCluster.SocketOptions());

        var submitted = await client.SubmitAsync(Job(Unique("fail"), 1, "exit 3", hold: false));
        var job = await WaitForAsync(client, submitted.JobId, j => j.IsFinished, TimeSpan.FromSeconds(30));

        Assert.Equal(SlurmJobState.Failed, job.State);
        Assert.Equal(3, job.ExitCode);
    }

    [SlurmFact]
    public async Task Cancel_RunningJob_EndsCancelledAndSecondCancelIsNoOp()
    {
        using var client = new SlurmRestClient(LocalSlurmCluster.JwtOptions());
        var submitted = await client.SubmitAsync(Job(Unique("cancel"), 1, "sleep 120", hold: false));
        await WaitForAsync(client, submitted.JobId, j => j.State == SlurmJobState.Running, TimeSpan.FromSeconds(20));

        await client.CancelAsync(submitted.JobId);
        var job = await WaitForAsync(client, submitted.JobId, j => j.IsFinished, TimeSpan.FromSeconds(20));
        await client.CancelAsync(submitted.JobId);

        Assert.Equal(SlurmJobState.Cancelled, job.State);
    }

    [SlurmFact]
    public async Task UnknownJobId_GetAndCancel_ReportNotFound()
    {
        using var client = new SlurmRestClient(LocalSlurmCluster.JwtOptions());

        Assert.Null(await client.GetJobAsync(987_654_321));
        await Assert.ThrowsAsync<SlurmJobNotFoundException>(() => client.CancelAsync(987_654_321));
        await Assert.ThrowsAsync<SlurmJobNotFoundException>(() => client.RequeueAsync(987_654_321));
    }

    [SlurmFact]
    public async Task Requeue_RunningJob_GoesBackToPendingAndRunsAgain()
    {
        using var client = new SlurmRestClient(LocalSlurmCluster.JwtOptions());
        var submitted = await client.SubmitAsync(Job(Unique("requeue"), 4, "sleep 120", hold: false));

        var first = await WaitForAsync(client, submitted.JobId, j => j.SlurmState == "RUNNING", TimeSpan.FromSeconds(20));

        await client.RequeueAsync(submitted.JobId);

        // Back to PENDING (reason BeginTime) with restart_cnt 1, after a short COMPLETING/REQUEUED phase.
        var requeued = await WaitForAsync(client, submitted.JobId, j => j.RestartCount == 1 && j.State == SlurmJobState.Pending, TimeSpan.FromSeconds(20));
        Assert.Empty(requeued.Nodes);

        // Slurm holds a requeued job back for cred_expire + 1 s (11 s with the local cluster's cred_expire=10), then runs it again.
        var again = await WaitForAsync(client, submitted.JobId, j => j.SlurmState == "RUNNING", TimeSpan.FromSeconds(40));
        await client.CancelAsync(submitted.JobId);

        Assert.Equal(1, again.RestartCount);
        Assert.True(again.StartTime > first.StartTime, $"restart at {again.StartTime} is not after the first start at {first.StartTime}");
    }

    [SlurmFact]
    public async Task RequeueHold_RunningJob_StaysHeldUntilReleased()
    {
        using var client = new SlurmRestClient(LocalSlurmCluster.SocketOptions());
        var submitted = await client.SubmitAsync(Job(Unique("rqhold"), 1, "sleep 120", hold: false));
        await WaitForAsync(client, submitted.JobId, j => j.State == SlurmJobState.Running, TimeSpan.FromSeconds(20));

        await client.RequeueAsync(submitted.JobId, hold: true);
        var held = await WaitForAsync(client, submitted.JobId, j => j.RestartCount == 1 && j.State is SlurmJobState.Held or SlurmJobState.Pending, TimeSpan.FromSeconds(20));
        await client.CancelAsync(submitted.JobId);

        Assert.Equal(SlurmJobState.Held, held.State);
    }

    [SlurmFact]
    public async Task Preemption_UrgentGangOnFullCluster_RequeuesABatchJobThatLaterResumes()
    {
        using var client = new SlurmRestClient(LocalSlurmCluster.JwtOptions());
        var gpus = LocalSlurmCluster.GpusPerNode;
        var fill = new List<long>();
        long urgent = 0;
        try
        {
            for (var i = 0; i < LocalSlurmCluster.Nodes; i++)
            {
                fill.Add((await client.SubmitAsync(Job(Unique("fill"), gpus, "sleep 120", hold: false))).JobId);
            }

            foreach (var id in fill)
            {
                await WaitForAsync(client, id, j => j.SlurmState == "RUNNING", TimeSpan.FromSeconds(30));
            }

            // A whole-node gang in the higher-tier partition: Slurm (preempt/partition_prio, PreemptMode=REQUEUE) requeues a batch job.
            urgent = (await client.SubmitAsync(Job(Unique("urgent"), gpus, "sleep 120", hold: false) with { Partition = "urgent" })).JobId;
            await WaitForAsync(client, urgent, j => j.SlurmState == "RUNNING", TimeSpan.FromSeconds(30));
            var victims = new List<SlurmJob>();
            foreach (var id in fill)
            {
                var job = (await client.GetJobAsync(id))!;
                if (job.RestartCount == 1)
                {
                    victims.Add(job);
                }
            }

            var victim = Assert.Single(victims);
            await WaitForAsync(client, victim.JobId, j => j.State == SlurmJobState.Pending, TimeSpan.FromSeconds(20));

            // When the urgent job ends, the preempted job runs again (after the requeue delay of cred_expire + 1 s).
            await client.CancelAsync(urgent);
            var resumed = await WaitForAsync(client, victim.JobId, j => j.SlurmState == "RUNNING", TimeSpan.FromSeconds(40));
            Assert.Equal(1, resumed.RestartCount);
        }
        finally
        {
            foreach (var id in fill.Append(urgent).Where(id => id > 0))
            {
                await client.CancelAsync(id);
            }
        }
    }

    [SlurmFact]
    public async Task Nodes_ReadFromSlurm_MatchTheClusterShape()
    {
        using var client = new SlurmRestClient(LocalSlurmCluster.JwtOptions());

        var nodes = await client.GetNodesAsync();
        var partitions = await client.GetPartitionsAsync();
        var ping = await client.PingAsync();
        var diag = await client.GetDiagnosticsAsync();

        Assert.Equal(LocalSlurmCluster.Nodes, nodes.Count);
        Assert.All(nodes, n => Assert.Equal(LocalSlurmCluster.GpusPerNode, n.Gpus));
        Assert.All(nodes, n => Assert.True(n.IsUsable, n.Name + " is " + n.State));
        Assert.Contains(partitions, p => p.Name == "batch" && p.IsDefault);
        Assert.Contains(partitions, p => p.Name == "urgent" && p.PriorityTier > 1);
        Assert.True(ping.IsUp);
        Assert.StartsWith("22.05", ping.SlurmVersion, StringComparison.Ordinal);
        Assert.True(diag.JobsSubmitted >= 0);
    }

    [SlurmFact]
    public async Task HealthCheck_ThroughDi_IsHealthy()
    {
        var services = new ServiceCollection();
        services.AddLlmCoreSlurmClient(o =>
        {
            var jwt = LocalSlurmCluster.JwtOptions();
            o.BaseAddress = jwt.BaseAddress;
            o.UserName = jwt.UserName;
            o.Token = jwt.Token;
        });
        await using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<SlurmHealthCheck>().CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [SlurmFact]
    public async Task Burst_ReleasedInAdmissionOrder_AllCompleteAndStartInThatOrder()
    {
        const int Count = 100;
        int[] sizes = [1, 2, 8, 4, 1, 3];
        using var client = new SlurmRestClient(LocalSlurmCluster.JwtOptions());
        var prefix = Unique("burst")[..30];
        var ids = new long[Count];
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Count; i++)
        {
            ids[i] = (await client.SubmitAsync(Job($"{prefix}-{i:D3}", sizes[i % sizes.Length], "sleep 0.2"))).JobId;
        }

        var submitSeconds = watch.Elapsed.TotalSeconds;
        foreach (var id in ids)
        {
            await client.ReleaseAsync(id);
        }

        var deadline = Stopwatch.StartNew();
        IReadOnlyList<SlurmJob> mine;
        do
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            var set = ids.ToHashSet();
            mine = (await client.GetJobsAsync()).Where(j => set.Contains(j.JobId)).OrderBy(j => j.JobId).ToArray();
        }
        while (mine.Any(j => !j.IsFinished) && deadline.Elapsed < TimeSpan.FromSeconds(90));

        output.WriteLine($"{Count} submits in {submitSeconds:F2} s ({Count / submitSeconds:F0}/s); all finished after {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(Count, mine.Count);
        Assert.All(mine, j => Assert.Equal(SlurmJobState.Completed, j.State));

        // FIFO sched/builtin: a job admitted (released) later never starts before an earlier one (start times in whole seconds).
        for (var i = 1; i < Count; i++)
        {
            Assert.True(mine[i - 1].StartTime <= mine[i].StartTime, $"job {i} ({mine[i].StartTime}) started before job {i - 1} ({mine[i - 1].StartTime})");
        }
    }

    [SlurmFact]
    public async Task SlurmctldRestart_InTheMiddleOfARun_LosesNoJob()
    {
        const int Count = 30;
        using var client = new SlurmRestClient(LocalSlurmCluster.JwtOptions());
        var prefix = Unique("restart")[..30];
        var ids = new long[Count];
        for (var i = 0; i < Count; i++)
        {
            ids[i] = (await client.SubmitAsync(Job($"{prefix}-{i:D2}", 2, "sleep 1"))).JobId;
        }

        for (var i = 0; i < Count / 2; i++)
        {
            await client.ReleaseAsync(ids[i]);
        }

        // Stop slurmctld (its state is saved in StateSaveLocation), keep working through the outage, start it again.
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
                await client.ReleaseAsync(ids[i]);
            }
        });
        await Task.Delay(TimeSpan.FromSeconds(1));
        var (exit, text) = LocalSlurmCluster.Run("slurmctld");
        Assert.True(exit == 0, "slurmctld did not start again: " + text);
        await late;

        var deadline = Stopwatch.StartNew();
        IReadOnlyList<SlurmJob> mine;
        do
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            var set = ids.ToHashSet();
            mine = (await client.GetJobsAsync()).Where(j => set.Contains(j.JobId)).ToArray();
        }
        while ((mine.Count < Count || mine.Any(j => !j.IsFinished)) && deadline.Elapsed < TimeSpan.FromSeconds(90));

        Assert.Equal(Count, mine.Count);
        Assert.All(mine, j => Assert.Equal(SlurmJobState.Completed, j.State));
        Assert.True((await client.PingAsync()).IsUp);
    }
}

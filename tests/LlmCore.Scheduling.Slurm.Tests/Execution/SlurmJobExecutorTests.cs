using System.Net;
using System.Text.Json.Nodes;
using LlmCore.Scheduling.Execution;
using LlmCore.Scheduling.Slurm.Execution;
using LlmCore.Scheduling.Slurm.Internal;
using LlmCore.Scheduling.Slurm.Tests.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmCore.Scheduling.Slurm.Tests.Execution;

// The executor over the real client, against bodies recorded from slurmrestd (Slurm 22.05.8, REST API v0.0.38,
// Recorded/v0.0.38/). Where a state was not recorded for job 11, the recorded job-11 body is copied with its
// job_state/state_reason/restart_cnt/exit_code changed to the values Slurm reports for that state (Slurm's squeue(1)
// "JOB STATE CODES" and "JOB REASON CODES", https://slurm.schedmd.com/squeue.html).
public class SlurmJobExecutorTests
{
    private const string P = "/slurm/v0.0.38/";
    private static readonly DateTimeOffset s_now = new(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);

    private static string Job11(string state, string reason = "None", int restarts = 0, int exitCode = 0)
    {
        var body = JsonNode.Parse(FakeSlurmHandler.Recorded("v0.0.38/job-11-running.response.json"))!;
        var job = body["jobs"]![0]!;
        job["job_state"] = state;
        job["state_reason"] = reason;
        job["restart_cnt"] = restarts;
        job["exit_code"] = exitCode;
        return body.ToJsonString();
    }

    private static (SlurmJobExecutor Executor, FakeSlurmHandler Handler) Create(string scontrol = "true")
    {
        var handler = new FakeSlurmHandler();
        var client = handler.Client(new SlurmOptions
        {
            UnixSocketPath = "/run/s.sock",
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryAttempts = 1,
            ScontrolPath = scontrol,
            ApiVersion = "v0.0.38",
        }).Client;
        var executor = new SlurmJobExecutor(client, new SlurmExecutorOptions
        {
            JobNamePrefix = "t-",
            TimeScale = 10,
            PollInterval = TimeSpan.FromMilliseconds(10),
            MaxPollInterval = TimeSpan.FromMilliseconds(20),
        }, new FakeTimeProvider(s_now));
        return (executor, handler);
    }

    private static JobLaunch Launch(string id = "a", int gpusPerNode = 2, int nodes = 1, int attempt = 1) =>
        new(new JobSpec(id, gpusPerNode * nodes) { RuntimeEstimate = TimeSpan.FromSeconds(30) }, attempt,
            new Placement([.. Enumerable.Range(0, nodes).Select(i => new NodeAllocation(i, $"n{i + 1}", gpusPerNode))], "GPU", nodes == 1 ? TopologyLevel.Node : TopologyLevel.Cluster), 0, 0);

    private static FakeSlurmHandler Submitting(FakeSlurmHandler handler, params string[] polls)
    {
        // The release goes out from the executor's releaser; the scripted job states are answered only after it, as
        // slurmctld would (a held job does not run before its release).
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = FakeSlurmHandler.Recorded("v0.0.38/release.response.json");
        handler.OnRecorded(HttpMethod.Get, P + "jobs", "v0.0.38/jobs-list.response.json");
        handler.OnRecorded(HttpMethod.Post, P + "job/submit", "v0.0.38/submit-hold.response.json");
        handler.On(HttpMethod.Post, P + "job/11", () =>
        {
            released.TrySetResult();
            return Json(release);
        });
        foreach (var poll in polls)
        {
            // With few runs the executor polls each job (GET /job/{id}) instead of the whole table.
            handler.On(HttpMethod.Get, P + "job/11", () =>
            {
                released.Task.Wait(TimeSpan.FromSeconds(10));
                return Json(poll);
            });
        }

        return handler;
    }

    private static HttpResponseMessage Json(string body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };

    [Fact]
    public async Task StartAsync_RecordedLifecycle_SubmitsHeldReleasesAndReportsStartedThenCompleted()
    {
        var (executor, handler) = Create();
        Submitting(handler, FakeSlurmHandler.Recorded("v0.0.38/job-11-running.response.json"), Job11("COMPLETED"));
        var reporter = new RecordingReporter();

        await executor.StartAsync(Launch(), reporter, CancellationToken.None);
        await reporter.WaitForAsync("a", JobRunEvent.Completed, TimeSpan.FromSeconds(10));
        await executor.DisposeAsync();

        var submit = JsonNode.Parse(handler.Requests.First(r => r.Path.EndsWith("job/submit", StringComparison.Ordinal)).Body!)!;
        Assert.True(submit["job"]!["hold"]!.GetValue<bool>());
        Assert.Equal("t-a", submit["job"]!["name"]!.GetValue<string>());
        Assert.Equal("llmcore:a", submit["job"]!["comment"]!.GetValue<string>());
        Assert.Contains("sleep 3\n", submit["script"]!.GetValue<string>(), StringComparison.Ordinal); // 30 s / time scale 10
        var release = JsonNode.Parse(handler.Requests.First(r => r.Method == HttpMethod.Post && r.Path.EndsWith("job/11", StringComparison.Ordinal)).Body!)!;
        Assert.False(release["hold"]!.GetValue<bool>());
        Assert.Equal(
            [new JobRunReport("a", 1, JobRunEvent.Started, "nodes=n1"), new JobRunReport("a", 1, JobRunEvent.Completed)],
            reporter.Reports);
    }

    [Fact]
    public async Task StartAsync_LaunchesOfOnePass_HandsOverWithoutWaitingAndReleasesInAdmissionOrder()
    {
        // Five launches, as one scheduling pass admits them. Every release is held back until all five StartAsync
        // calls returned: if a start waited for its release, this would time out.
        var (executor, handler) = Create();
        var handedOver = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = JsonNode.Parse(FakeSlurmHandler.Recorded("v0.0.38/submit-hold.response.json"))!;
        var release = FakeSlurmHandler.Recorded("v0.0.38/release.response.json");
        handler.OnRecorded(HttpMethod.Get, P + "jobs", "v0.0.38/jobs-list.response.json");
        for (var id = 101; id <= 105; id++)
        {
            held["job_id"] = id;
            handler.On(HttpMethod.Post, P + "job/submit", HttpStatusCode.OK, held.ToJsonString());
            handler.On(HttpMethod.Post, P + "job/" + id, () =>
            {
                Assert.True(handedOver.Task.Wait(TimeSpan.FromSeconds(10)), "a release was sent before every start returned");
                return Json(release);
            });
            handler.OnRecorded(HttpMethod.Get, P + "job/" + id, "v0.0.38/job-11-held.response.json");
        }

        foreach (var name in new[] { "a", "b", "c", "d", "e" })
        {
            await executor.StartAsync(Launch(name), new RecordingReporter(), CancellationToken.None);
        }

        handedOver.SetResult();
        await handler.WaitForRequestAsync(r => r.Method == HttpMethod.Post && r.Path == P + "job/105", TimeSpan.FromSeconds(10));
        await executor.DisposeAsync();

        var releases = handler.Requests.Where(r => r.Method == HttpMethod.Post && !r.Path.EndsWith("submit", StringComparison.Ordinal)).Select(r => r.Path).ToList();
        Assert.Equal([P + "job/101", P + "job/102", P + "job/103", P + "job/104", P + "job/105"], releases);
    }

    [Fact]
    public async Task StartAsync_GangOverTwoNodes_RequestsTwoNodesWithGpusPerNode()
    {
        var (executor, handler) = Create();
        Submitting(handler, FakeSlurmHandler.Recorded("v0.0.38/job-11-held.response.json"));

        await executor.StartAsync(Launch(gpusPerNode: 8, nodes: 2), new RecordingReporter(), CancellationToken.None);
        await executor.DisposeAsync();

        var job = JsonNode.Parse(handler.Requests.First(r => r.Path.EndsWith("job/submit", StringComparison.Ordinal)).Body!)!["job"]!;
        Assert.Equal("gpu:8", job["gres"]!.GetValue<string>());
        Assert.Equal("2", job["nodes"]!.ToString());
    }

    [Fact]
    public async Task Poll_RecordedFailedExitStatus768_ReportsFailedWithExitCode3()
    {
        var (executor, handler) = Create();
        Submitting(handler, FakeSlurmHandler.Recorded("v0.0.38/job-11-running.response.json"), Job11("FAILED", "NonZeroExitCode", exitCode: 768));
        var reporter = new RecordingReporter();

        await executor.StartAsync(Launch(), reporter, CancellationToken.None);
        var failed = await reporter.WaitForAsync("a", JobRunEvent.Failed, TimeSpan.FromSeconds(10));
        await executor.DisposeAsync();

        Assert.Contains("exit code 3", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(reporter.Reports, r => r.Event == JobRunEvent.Completed);
    }

    [Fact]
    public async Task Poll_SlurmRequeuedRunningJob_ReportsPreemptedAndHoldsIt()
    {
        var (executor, handler) = Create();
        Submitting(handler, FakeSlurmHandler.Recorded("v0.0.38/job-11-running.response.json"), Job11("PENDING", "BeginTime", restarts: 1));
        var reporter = new RecordingReporter();

        await executor.StartAsync(Launch(), reporter, CancellationToken.None);
        await reporter.WaitForAsync("a", JobRunEvent.Preempted, TimeSpan.FromSeconds(10));
        await executor.DisposeAsync();

        var bodies = handler.Requests.Where(r => r.Method == HttpMethod.Post && r.Path.EndsWith("job/11", StringComparison.Ordinal)).Select(r => JsonNode.Parse(r.Body!)!["hold"]!.GetValue<bool>()).ToList();
        Assert.Equal([false, true], bodies);
        Assert.Equal(0, executor.ActiveRuns);
    }

    [Fact]
    public async Task PreemptAsync_ThenNextAttempt_RequeuesAndReleasesTheSameSlurmJob()
    {
        var (executor, handler) = Create();
        Submitting(handler, FakeSlurmHandler.Recorded("v0.0.38/job-11-running.response.json"), FakeSlurmHandler.Recorded("v0.0.38/job-11-held.response.json"));
        var reporter = new RecordingReporter();
        await executor.StartAsync(Launch(), reporter, CancellationToken.None);
        await reporter.WaitForAsync("a", JobRunEvent.Started, TimeSpan.FromSeconds(10));

        await executor.PreemptAsync(Launch(), CancellationToken.None);
        await executor.PreemptAsync(Launch(), CancellationToken.None);
        Assert.Equal(0, executor.ActiveRuns);
        await executor.StartAsync(Launch(attempt: 2), reporter, CancellationToken.None);
        await handler.WaitForRequestAsync(r => r.Method == HttpMethod.Post && r.Path.EndsWith("job/11", StringComparison.Ordinal) && r.Body!.Contains("false", StringComparison.Ordinal) && handler.Requests.Count(x => x.Method == HttpMethod.Post && x.Path.EndsWith("job/11", StringComparison.Ordinal)) == 2, TimeSpan.FromSeconds(10));
        await executor.DisposeAsync();

        Assert.Equal(11, executor.GetSlurmJobId("a"));
        Assert.Single(handler.Requests, r => r.Path.EndsWith("job/submit", StringComparison.Ordinal));
        Assert.Equal(2, handler.Requests.Count(r => r.Method == HttpMethod.Post && r.Path.EndsWith("job/11", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CancelAsync_JobSlurmNoLongerKnows_IsANoOp()
    {
        var (executor, handler) = Create();
        Submitting(handler, FakeSlurmHandler.Recorded("v0.0.38/job-11-held.response.json"));
        handler.OnRecorded(HttpMethod.Delete, P + "job/11", "v0.0.38/cancel-unknown.response.json", HttpStatusCode.InternalServerError);
        await executor.StartAsync(Launch(), new RecordingReporter(), CancellationToken.None);

        await executor.CancelAsync(Launch(), CancellationToken.None);
        await executor.CancelAsync(Launch(), CancellationToken.None);
        await executor.DisposeAsync();

        Assert.Single(handler.Requests, r => r.Method == HttpMethod.Delete);
        Assert.Equal(0, executor.ActiveRuns);
    }

    [Fact]
    public void Constructor_PollIntervalZero_Throws()
    {
        var client = new SlurmRestClient(new HttpClient(new FakeSlurmHandler()), new SlurmOptions { UnixSocketPath = "/run/s.sock" });

        var ex = Assert.Throws<ArgumentException>(() => new SlurmJobExecutor(client, new SlurmExecutorOptions { PollInterval = TimeSpan.Zero }));

        Assert.Contains("PollInterval", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadClusterAsync_RecordedNodes_FourNodesWithEightGpus()
    {
        var handler = new FakeSlurmHandler().OnRecorded(HttpMethod.Get, P + "nodes", "v0.0.38/nodes.response.json");
        using var client = new SlurmRestClient(new HttpClient(handler), new SlurmOptions { UnixSocketPath = "/run/s.sock", ApiVersion = "v0.0.38" });

        var cluster = await SlurmClusterReader.ReadClusterAsync(client);

        Assert.Equal(["n1", "n2", "n3", "n4"], cluster.Nodes.Select(n => n.Name));
        Assert.All(cluster.Nodes, n => Assert.Equal(8, n.Gpus));
        Assert.Equal(32, cluster.TotalGpus);
        Assert.Equal(8, cluster.Nodes[0].CpuCores);
    }

    // Host list syntax from Slurm's documentation (slurm.conf(5), "NodeName"): ranges with zero padding, several ranges.
    [Theory]
    [InlineData("n[1-3,5]", "n1,n2,n3,n5")]
    [InlineData("gpu[01-02],login1", "gpu01,gpu02,login1")]
    [InlineData("n1", "n1")]
    [InlineData("", "")]
    public void Expand_SlurmHostList_ListsEveryName(string hostList, string expected)
    {
        Assert.Equal(expected, string.Join(',', SlurmHostList.Expand(hostList)));
    }

    [Fact]
    public void AddLlmCoreSlurmExecutor_AfterAddLlmCoreScheduling_ReplacesTheInProcessExecutor()
    {
        var services = new ServiceCollection();
        services.AddLlmCoreScheduling();
        services.AddLlmCoreSlurmExecutor(o => o.UnixSocketPath = "/run/s.sock", o => o.JobNamePrefix = "x-");
        using var provider = services.BuildServiceProvider();

        Assert.IsType<SlurmJobExecutor>(provider.GetRequiredService<IJobExecutor>());
        Assert.Single(services, d => d.ServiceType == typeof(IJobExecutor));
        Assert.Equal("x-j", provider.GetRequiredService<SlurmJobExecutor>().SlurmJobName("j"));
    }

    [Fact]
    public void AddLlmCoreSlurmExecutor_BadExecutorOptions_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddLlmCoreSlurmExecutor(o => o.UnixSocketPath = "/run/s.sock", o =>
        {
            o.TimeScale = 0;
            o.JobNamePrefix = "has space";
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SlurmExecutorOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.Contains("TimeScale", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("JobNamePrefix", StringComparison.Ordinal));
    }
}

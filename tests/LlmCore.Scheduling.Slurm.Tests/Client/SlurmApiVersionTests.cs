using System.Net;
using System.Text.Json.Nodes;

namespace LlmCore.Scheduling.Slurm.Tests.Client;

/// <summary>
/// Every supported REST API version against its bodies (Recorded/README.md): v0.0.38 recorded from Slurm 22.05.8, and
/// v0.0.40-v0.0.44 built from SchedMD's published OpenAPI schemas and release notes. Each test pins the version, so
/// the requests go to that version's paths and the answers are read by that version's mapping.
/// </summary>
public class SlurmApiVersionTests
{
    public static TheoryData<string> Versions() => new() { "v0.0.38", "v0.0.40", "v0.0.41", "v0.0.42", "v0.0.43", "v0.0.44" };

    public static TheoryData<string> DataParserVersions() => new() { "v0.0.40", "v0.0.41", "v0.0.42", "v0.0.43", "v0.0.44" };

    private static bool IsV38(string version) => version == "v0.0.38";

    /// <summary>A collection's path: v0.0.38 has no trailing slash, the data_parser versions' paths end in '/' (their OpenAPI documents).</summary>
    private static string Collection(string version, string name) => $"/slurm/{version}/{name}{(IsV38(version) ? string.Empty : "/")}";

    private static string Job(string version, long id) => $"/slurm/{version}/job/{id}";

    private static string File(string version, string name) => version + "/" + (IsV38(version)
        ? name switch
        {
            "submit-refused.response.json" => "submit-noenv.response.json",
            "job-unknown.response.json" => "get-unknown.response.json",
            _ => name,
        }
        : name);

    private static (SlurmRestClient Client, FakeSlurmHandler Handler) Create(string version, string scontrol = "scontrol")
    {
        var handler = new FakeSlurmHandler();
        var options = new SlurmOptions
        {
            UnixSocketPath = "/run/slurmrestd/slurmrestd.socket",
            ApiVersion = version,
            Partition = "batch",
            WorkingDirectory = "/var/tmp/slurm-jobs",
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryAttempts = 2,
            ScontrolPath = scontrol,
        };
        return (handler.Client(options).Client, handler);
    }

    // The request behind every submit body: 2 GPUs on one node, 10 minutes, one extra environment variable.
    private static SlurmJobRequest Request(bool hold) => new()
    {
        Name = "llmcore-t-001",
        Script = "#!/bin/bash\nsleep 30\n",
        GpusPerNode = 2,
        TimeLimitMinutes = 10,
        Hold = hold,
        StandardOutput = "/var/tmp/slurm-jobs/llmcore-%j.out",
        Environment = new Dictionary<string, string> { ["LLM_TASK"] = "t-001" },
    };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task SubmitAsync_HeldJob_SendsTheRecordedBodyAndReadsHeld(string version)
    {
        var (client, handler) = Create(version);
        handler.OnRecorded(HttpMethod.Post, $"/slurm/{version}/job/submit", File(version, "submit-held.response.json"));

        var result = await client.SubmitAsync(Request(hold: true));

        var sent = JsonNode.Parse(Assert.Single(handler.Requests).Body!);
        var recorded = JsonNode.Parse(FakeSlurmHandler.Recorded(File(version, "submit-held.request.json")));
        Assert.True(JsonNode.DeepEquals(recorded, sent), $"sent {sent!.ToJsonString()}");
        var answered = JsonNode.Parse(FakeSlurmHandler.Recorded(File(version, "submit-held.response.json")))!["job_id"]!.GetValue<long>();
        Assert.Equal(new SlurmSubmitResult(answered, IsHeld: true, AlreadyExisted: false), result);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task SubmitAsync_UnheldJob_SendsTheRecordedBodyAndReadsNotHeld(string version)
    {
        var (client, handler) = Create(version);
        handler.OnRecorded(HttpMethod.Post, $"/slurm/{version}/job/submit", File(version, "submit.response.json"));

        var result = await client.SubmitAsync(Request(hold: false));

        var sent = JsonNode.Parse(Assert.Single(handler.Requests).Body!);
        var recorded = JsonNode.Parse(FakeSlurmHandler.Recorded(File(version, "submit.request.json")));
        Assert.True(JsonNode.DeepEquals(recorded, sent), $"sent {sent!.ToJsonString()}");
        Assert.False(result.IsHeld);
        Assert.True(result.JobId > 0);
    }

    [Theory]
    [InlineData("v0.0.38", HttpStatusCode.BadRequest, 2127, "environment must be set")] // recorded, Slurm 22.05.8
    [InlineData("v0.0.40", HttpStatusCode.InternalServerError, 2014, "Requested node configuration is not available")]
    [InlineData("v0.0.41", HttpStatusCode.InternalServerError, 2014, "Requested node configuration is not available")]
    [InlineData("v0.0.42", HttpStatusCode.InternalServerError, 2014, "Requested node configuration is not available")]
    [InlineData("v0.0.43", HttpStatusCode.InternalServerError, 2014, "Requested node configuration is not available")]
    [InlineData("v0.0.44", HttpStatusCode.InternalServerError, 2014, "Requested node configuration is not available")]
    public async Task SubmitAsync_Refused_ThrowsSlurmExceptionWithTheBodysMessage(string version, HttpStatusCode status, int error, string message)
    {
        var (client, handler) = Create(version);
        handler.OnRecorded(HttpMethod.Post, $"/slurm/{version}/job/submit", File(version, "submit-refused.response.json"), status);

        var ex = await Assert.ThrowsAsync<SlurmException>(() => client.SubmitAsync(Request(hold: true)));

        Assert.Equal(error, ex.SlurmErrorNumber);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsTransient);
        Assert.Equal((int)status, ex.StatusCode);
        Assert.Single(handler.Requests); // a refusal is not retried
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ReleaseAsync_HeldJob_PostsTheRecordedBody(string version)
    {
        var (client, handler) = Create(version);
        handler.OnRecorded(HttpMethod.Post, Job(version, 1231), File(version, "release.response.json"));

        await client.ReleaseAsync(1231);

        var sent = JsonNode.Parse(Assert.Single(handler.Requests).Body!);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(FakeSlurmHandler.Recorded(File(version, "release.request.json"))), sent));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ReleaseAsync_FinishedJob_ThrowsSlurmExceptionWithTheBodysMessage(string version)
    {
        // Slurm's _update_job: ESLURM_JOB_FINISHED, 2084 "Job has already finished" (recorded on 22.05.8 for v0.0.38).
        var (client, handler) = Create(version);
        handler.OnRecorded(HttpMethod.Post, Job(version, 1210), File(version, "release-refused.response.json"), HttpStatusCode.InternalServerError);

        var ex = await Assert.ThrowsAsync<SlurmException>(() => client.ReleaseAsync(1210));

        Assert.Equal(2084, ex.SlurmErrorNumber);
        Assert.Contains("Job has already finished", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsTransient);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task CancelAsync_RunningJob_SendsDelete(string version)
    {
        var (client, handler) = Create(version);
        handler.OnRecorded(HttpMethod.Delete, Job(version, 1207), File(version, "cancel.response.json"));

        await client.CancelAsync(1207);

        Assert.Equal(HttpMethod.Delete, Assert.Single(handler.Requests).Method);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task CancelAsync_FinishedJob_IsANoOp(string version)
    {
        // v0.0.38-v0.0.43: no error (a warning from v0.0.40); v0.0.44: a status entry with error 2021 (already done).
        var (client, handler) = Create(version);
        handler.OnRecorded(HttpMethod.Delete, Job(version, 1210), File(version, "cancel-done.response.json"));

        await client.CancelAsync(1210);

        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task CancelAsync_V0044UnknownJobInStatus_ThrowsJobNotFound()
    {
        // v0.0.44's openapi_kill_job_resp reports each job's failure in status[].error (code, string, message).
        const string Body = """{"status":[{"error":{"string":"Invalid job id specified","code":2017,"message":"Unable to find JobId=99999"},"step_id":"","job_id":{"set":true,"infinite":false,"number":99999},"federation":{"sibling":""}}],"errors":[],"warnings":[]}""";
        var (client, handler) = Create("v0.0.44");
        handler.On(HttpMethod.Delete, Job("v0.0.44", 99999), HttpStatusCode.OK, Body);

        var ex = await Assert.ThrowsAsync<SlurmJobNotFoundException>(() => client.CancelAsync(99999));

        Assert.Equal(99999, ex.JobId);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task GetJobAsync_UnknownJob_ReturnsNullAndCancelThrowsNotFound(string version)
    {
        // Slurm 22.05 answers HTTP 500, 23.11 and later 404 (http_status_from_error: ESLURM_INVALID_JOB_ID).
        var status = IsV38(version) ? HttpStatusCode.InternalServerError : HttpStatusCode.NotFound;
        var (client, handler) = Create(version);
        handler.OnRecorded(HttpMethod.Get, Job(version, 99999), File(version, "job-unknown.response.json"), status);
        handler.OnRecorded(HttpMethod.Delete, Job(version, 99999), File(version, "job-unknown.response.json"), status);

        Assert.Null(await client.GetJobAsync(99999));
        var ex = await Assert.ThrowsAsync<SlurmJobNotFoundException>(() => client.CancelAsync(99999));
        Assert.Equal(2017, ex.SlurmErrorNumber);
    }

    /// <summary>
    /// One row per job of each version's jobs.response.json: (version, job id, mapped state, Slurm's state name, exit
    /// code, signal, restarts). v0.0.40+: the job_state lists of Recorded/v0.0.4N; the expected name is what Slurm's
    /// job_state_string() prints for that list (a flag before the base state). v0.0.38: real records (1208-1215) and
    /// records derived from job 1214 with another job_state (1301-1310).
    /// </summary>
    public static TheoryData<string, long, SlurmJobState, string, int?, int?, int> JobStates()
    {
        var rows = new TheoryData<string, long, SlurmJobState, string, int?, int?, int>
        {
            { "v0.0.38", 1208, SlurmJobState.Held, "PENDING", 0, null, 1 },             // scontrol requeuehold, then JobHeldUser (priority 0)
            { "v0.0.38", 1210, SlurmJobState.Failed, "TIMEOUT", null, 15, 0 },          // killed by SIGTERM at its 1-minute limit
            { "v0.0.38", 1211, SlurmJobState.Cancelled, "CANCELLED", null, 15, 0 },
            { "v0.0.38", 1212, SlurmJobState.Running, "RUNNING", 0, null, 0 },
            { "v0.0.38", 1213, SlurmJobState.Failed, "FAILED", 3, null, 0 },            // raw wait status 768
            { "v0.0.38", 1214, SlurmJobState.Completed, "COMPLETED", 0, null, 0 },
            { "v0.0.38", 1215, SlurmJobState.Pending, "PENDING", 0, null, 1 },          // requeued: BeginTime
            { "v0.0.38", 1301, SlurmJobState.Pending, "PENDING", 0, null, 0 },
            { "v0.0.38", 1302, SlurmJobState.Pending, "REQUEUED", 0, null, 0 },
            { "v0.0.38", 1303, SlurmJobState.Running, "CONFIGURING", 0, null, 0 },
            { "v0.0.38", 1304, SlurmJobState.Running, "COMPLETING", 0, null, 0 },
            { "v0.0.38", 1305, SlurmJobState.Failed, "NODE_FAIL", 1, null, 0 },
            { "v0.0.38", 1306, SlurmJobState.Failed, "OUT_OF_MEMORY", 0, null, 0 },
            { "v0.0.38", 1307, SlurmJobState.Preempted, "PREEMPTED", null, 9, 0 },
            { "v0.0.38", 1308, SlurmJobState.Failed, "BOOT_FAIL", 1, null, 0 },
            { "v0.0.38", 1309, SlurmJobState.Failed, "DEADLINE", 1, null, 0 },
            { "v0.0.38", 1310, SlurmJobState.Running, "SUSPENDED", 0, null, 0 },
        };
        foreach (var v in new[] { "v0.0.40", "v0.0.41", "v0.0.42", "v0.0.43", "v0.0.44" })
        {
            rows.Add(v, 1201, SlurmJobState.Held, "PENDING", null, null, 0);            // hold, priority {set, 0}
            rows.Add(v, 1202, SlurmJobState.Pending, "PENDING", null, null, 0);
            rows.Add(v, 1203, SlurmJobState.Pending, "PENDING", null, null, 1);         // requeued: BeginTime
            rows.Add(v, 1204, SlurmJobState.Pending, "REQUEUED", null, null, 1);        // [PENDING, REQUEUED]
            rows.Add(v, 1205, SlurmJobState.Held, "PENDING", null, null, 1);            // requeued held
            rows.Add(v, 1206, SlurmJobState.Running, "CONFIGURING", null, null, 0);     // [RUNNING, CONFIGURING]
            rows.Add(v, 1207, SlurmJobState.Running, "RUNNING", null, null, 0);
            rows.Add(v, 1208, SlurmJobState.Running, "RUNNING", null, null, 0);
            rows.Add(v, 1209, SlurmJobState.Running, "COMPLETING", 0, null, 0);         // [COMPLETED, COMPLETING]
            rows.Add(v, 1210, SlurmJobState.Completed, "COMPLETED", 0, null, 0);
            rows.Add(v, 1211, SlurmJobState.Failed, "FAILED", 3, null, 0);
            rows.Add(v, 1212, SlurmJobState.Cancelled, "CANCELLED", null, 9, 0);
            rows.Add(v, 1213, SlurmJobState.Failed, "TIMEOUT", null, 15, 0);
            rows.Add(v, 1214, SlurmJobState.Failed, "NODE_FAIL", 1, null, 0);
            rows.Add(v, 1215, SlurmJobState.Failed, "OUT_OF_MEMORY", 0, null, 0);
            rows.Add(v, 1216, SlurmJobState.Preempted, "PREEMPTED", null, 9, 0);
            rows.Add(v, 1217, SlurmJobState.Failed, "BOOT_FAIL", 1, null, 0);
            rows.Add(v, 1218, SlurmJobState.Failed, "DEADLINE", 1, null, 0);
            rows.Add(v, 1219, SlurmJobState.Running, "SUSPENDED", null, null, 0);
        }

        rows.Add("v0.0.44", 1220, SlurmJobState.Pending, "EXPEDITING", null, null, 1); // v0.0.44 adds EXPEDITING
        return rows;
    }

    [Theory]
    [MemberData(nameof(JobStates))]
    public async Task GetJobsAsync_EveryState_MapsAsSlurmNamesIt(string version, long jobId, SlurmJobState state, string slurmState, int? exitCode, int? signal, int restarts)
    {
        var (client, handler) = Create(version);
        handler.OnRecorded(HttpMethod.Get, Collection(version, "jobs"), File(version, "jobs.response.json"));

        var job = Assert.Single(await client.GetJobsAsync(), j => j.JobId == jobId);

        Assert.Equal(state, job.State);
        Assert.Equal(slurmState, job.SlurmState);
        Assert.Equal(exitCode, job.ExitCode);
        Assert.Equal(signal, job.Signal);
        Assert.Equal(restarts, job.RestartCount);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task GetJobsAsync_RecordedList_HasNoUnknownStateAndCountsGangGpus(string version)
    {
        var (client, handler) = Create(version);
        handler.OnRecorded(HttpMethod.Get, Collection(version, "jobs"), File(version, "jobs.response.json"));

        var jobs = await client.GetJobsAsync();

        Assert.DoesNotContain(jobs, j => j.State == SlurmJobState.Unknown);
        var gang = Assert.Single(jobs, j => j.Nodes == "n[2-3]"); // 2 nodes x gres gpu:8
        Assert.Equal(8, gang.Gpus);
        Assert.Equal(2, gang.NodeCount);
        Assert.Equal(16, gang.TotalGpus);
    }

    [Theory]
    [MemberData(nameof(DataParserVersions))]
    public async Task GetJobsAsync_NumberObjects_SetInfiniteAndUnsetMapAsSlurmMeansThem(string version)
    {
        var (client, handler) = Create(version);
        handler.OnRecorded(HttpMethod.Get, Collection(version, "jobs"), File(version, "jobs.response.json"));

        var jobs = (await client.GetJobsAsync()).ToDictionary(j => j.JobId);

        // set: {"set": true, "infinite": false, "number": n} is n.
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1796420000), jobs[1210].SubmitTime);
        Assert.Equal(TimeSpan.FromSeconds(30), jobs[1210].Elapsed);
        Assert.Equal(0, jobs[1210].ExitCode);

        // infinite: no end time (job 1207 has no time limit).
        Assert.NotNull(jobs[1207].StartTime);
        Assert.Null(jobs[1207].EndTime);
        Assert.Null(jobs[1207].Elapsed);

        // unset: no exit code while pending (return_code {"set": false}), no start time (0 means none).
        Assert.Null(jobs[1202].ExitCode);
        Assert.Null(jobs[1202].Signal);
        Assert.Null(jobs[1202].StartTime);

        // priority {"set": true, "number": 0} is a hold; the state list is kept.
        Assert.Equal(SlurmJobState.Held, jobs[1201].State);
        Assert.Equal(["RUNNING", "CONFIGURING"], jobs[1206].StateFlags);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task GetJobsIfChangedAsync_NothingChanged_ReturnsNull(string version)
    {
        // v0.0.38: HTTP 304. v0.0.40+: HTTP 200, no jobs, the warning "No job changes since update_time[...]".
        var (client, handler) = Create(version);
        var path = Collection(version, "jobs") + "?update_time=1796420120";
        if (IsV38(version))
        {
            handler.OnStatus(HttpMethod.Get, path, HttpStatusCode.NotModified);
        }
        else
        {
            handler.OnRecorded(HttpMethod.Get, path, File(version, "jobs-unchanged.response.json"));
        }

        Assert.Null(await client.GetJobsIfChangedAsync(DateTimeOffset.FromUnixTimeSeconds(1796420120)));
    }

    [Theory]
    [MemberData(nameof(DataParserVersions))]
    public async Task GetJobsIfChangedAsync_Changed_ReturnsEveryJob(string version)
    {
        var (client, handler) = Create(version);
        handler.OnRecorded(HttpMethod.Get, Collection(version, "jobs") + "?update_time=1796420000", File(version, "jobs.response.json"));

        var jobs = await client.GetJobsIfChangedAsync(DateTimeOffset.FromUnixTimeSeconds(1796420000));

        Assert.NotNull(jobs);
        Assert.Equal(version == "v0.0.44" ? 20 : 19, jobs.Count);
    }

    [Theory]
    [MemberData(nameof(DataParserVersions))]
    public async Task GetNodesAsync_StateLists_SplitIntoStateAndFlags(string version)
    {
        var (client, handler) = Create(version);
        handler.OnRecorded(HttpMethod.Get, Collection(version, "nodes"), File(version, "nodes.response.json"));

        var nodes = await client.GetNodesAsync();

        Assert.Equal(["n1", "n2", "n3", "n4"], nodes.Select(n => n.Name));
        Assert.Equal(["mixed", "allocated", "idle", "idle"], nodes.Select(n => n.State));
        Assert.Equal(["DRAIN"], nodes[3].StateFlags);
        Assert.Equal([true, true, true, false], nodes.Select(n => n.IsUsable));
        Assert.All(nodes, n => Assert.Equal(8, n.Gpus));
        Assert.Equal([2, 8, 0, 0], nodes.Select(n => n.GpusUsed));
        Assert.Equal(["batch", "urgent"], nodes[0].Partitions);
    }

    [Theory]
    [MemberData(nameof(DataParserVersions))]
    public async Task GetPartitionsAsync_NestedFields_ReadTiersNodesAndCpus(string version)
    {
        var (client, handler) = Create(version);
        handler.OnRecorded(HttpMethod.Get, Collection(version, "partitions"), File(version, "partitions.response.json"));

        var partitions = await client.GetPartitionsAsync();

        // Up to v0.0.44 the partition flags (Default) are not in the API, so IsDefault is false.
        Assert.Equal(new SlurmPartition("batch", "n[1-4]", "UP", 1, false, 4, 32), partitions[0]);
        Assert.Equal(new SlurmPartition("urgent", "n[1-4]", "UP", 10, false, 4, 32), partitions[1]);
    }

    [Theory]
    [InlineData("v0.0.40", "23.11.10")]
    [InlineData("v0.0.41", "24.05.8")]
    [InlineData("v0.0.42", "24.11.7")]
    [InlineData("v0.0.43", "25.05.8")]
    [InlineData("v0.0.44", "25.11.7")]
    public async Task PingAsync_Primary_IsUpWithReleaseAndDataParser(string version, string release)
    {
        // v0.0.40/41 answer pinged and mode; v0.0.42+ also responding and primary.
        var (client, handler) = Create(version);
        handler.OnRecorded(HttpMethod.Get, Collection(version, "ping"), File(version, "ping.response.json"));

        var ping = await client.PingAsync();

        Assert.Equal(new SlurmPing("ctl", true, "primary", release, "data_parser/" + version), ping);
    }

    [Fact]
    public async Task PingAsync_V0042NotResponding_IsDown()
    {
        const string Body = """{"pings":[{"hostname":"ctl","pinged":"DOWN","responding":false,"latency":0,"mode":"primary","primary":true}],"errors":[],"warnings":[]}""";
        var (client, handler) = Create("v0.0.42");
        handler.On(HttpMethod.Get, Collection("v0.0.42", "ping"), HttpStatusCode.OK, Body);

        Assert.False((await client.PingAsync()).IsUp);
    }

    [Theory]
    [MemberData(nameof(DataParserVersions))]
    public async Task GetDiagnosticsAsync_Statistics_ReadsCounters(string version)
    {
        var (client, handler) = Create(version);
        handler.OnRecorded(HttpMethod.Get, Collection(version, "diag"), File(version, "diag.response.json"));

        var diag = await client.GetDiagnosticsAsync();

        Assert.Equal(new SlurmDiagnostics(1220, 1100, 1000, 90, 10, 5, 4, 210, 180, 3), diag);
    }

    [Fact]
    public async Task ReleaseAsync_ArrayTaskRefusedInResults_Throws()
    {
        // For a job array slurmctld answers RESPONSE_JOB_ARRAY_ERRORS: per-task codes in results[].error_code.
        const string Body = """{"results":[{"job_id":1240,"step_id":"","error":"Job has already finished","error_code":2084,"why":"Job has already finished"}],"errors":[],"warnings":[{"description":"Job update resulted in non-zero return-code[2084]: Job has already finished","source":"slurm_update_job2()"}]}""";
        var (client, handler) = Create("v0.0.41");
        handler.On(HttpMethod.Post, Job("v0.0.41", 1240), HttpStatusCode.OK, Body);

        var ex = await Assert.ThrowsAsync<SlurmException>(() => client.ReleaseAsync(1240));

        Assert.Equal(2084, ex.SlurmErrorNumber);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task RequeueAsync_AnyVersion_RunsScontrolBecauseNoVersionHasARequeueCall(string version)
    {
        // The OpenAPI documents of v0.0.38-v0.0.44 have no requeue path (v0.0.45 adds /job/{job_id}/requeue).
        var dir = Directory.CreateTempSubdirectory("llmcore-scontrol-");
        try
        {
            var log = Path.Combine(dir.FullName, "args");
            var script = Path.Combine(dir.FullName, "scontrol");
            await System.IO.File.WriteAllTextAsync(script, $"#!/bin/sh\necho \"$@\" > '{log}'\n");
            System.IO.File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var (client, handler) = Create(version, script);

            await client.RequeueAsync(1207, hold: true);

            Assert.Equal("requeuehold 1207", (await System.IO.File.ReadAllTextAsync(log)).Trim());
            Assert.Empty(handler.Requests);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

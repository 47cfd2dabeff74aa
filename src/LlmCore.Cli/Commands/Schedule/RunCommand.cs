using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LlmCore.Cli.Infrastructure;
using LlmCore.Scheduling;
using LlmCore.Scheduling.Execution;
using LlmCore.Scheduling.Metrics;
using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;
using LlmCore.Scheduling.Slurm;
using LlmCore.Scheduling.Slurm.Execution;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Schedule;

/// <summary>
/// <c>llmcore schedule run --trace FILE.csv --policy NAME --executor slurm|local [--slurm-url URL] [--slurm-token JWT]
/// [--slurm-api-version auto|v0.0.NN] [--time-scale K] [--events FILE.csv]</c>: replays a trace in real time (divided by
/// K) through LlmCore's online scheduler, each job running on a real executor: a Slurm batch job sleeping duration/K s
/// on its GPUs, or an in-process run. On Slurm it ends with an accounting view (sacct-like) read through slurmrestd.
/// </summary>
internal static class RunCommand
{
    public static Command Create(CliContext context)
    {
        var traceOption = new Option<string>("--trace") { Description = "Trace CSV: job_id,submit_time_s,duration_s,gpus[,tenant,priority].", Required = true };
        var policyOption = new Option<string>("--policy") { Description = "Scheduling policy: " + string.Join(", ", SchedulingPolicy.Names) + ".", Required = true };
        var executorOption = new Option<string>("--executor") { Description = "Where jobs run: slurm (a Slurm cluster through slurmrestd) or local (in this process).", Required = true };
        var urlOption = new Option<string?>("--slurm-url") { Description = "slurmrestd's URL (e.g. http://127.0.0.1:6820); default $SLURMRESTD_URL." };
        var tokenOption = new Option<string?>("--slurm-token") { Description = "JWT for slurmrestd (scontrol token); default $SLURMRESTD_TOKEN." };
        var userOption = new Option<string?>("--slurm-user") { Description = "User name sent with the JWT; default $SLURMRESTD_USER, else $USER." };
        var apiOption = new Option<string>("--slurm-api-version") { Description = "slurmrestd REST API version: auto (the highest both sides speak, from slurmrestd's GET /openapi/v3) or one of " + string.Join(", ", SlurmRestClient.SupportedApiVersions) + ".", DefaultValueFactory = _ => "auto" };
        var scaleOption = new Option<double>("--time-scale") { Description = "Replay K times faster than the trace (each job sleeps duration/K s); > 0.", DefaultValueFactory = _ => 1.0 };
        var eventsOption = new Option<string?>("--events") { Description = "Write one row per run segment: job_id,placement,gpus,start_s,end_s,outcome." };
        var nodesOption = new Option<int>("--nodes") { Description = "Nodes of the in-process cluster (--executor local; Slurm reports its own).", DefaultValueFactory = _ => 4 };
        var gpusOption = new Option<int>("--gpus-per-node") { Description = "GPUs per node of the in-process cluster (--executor local).", DefaultValueFactory = _ => 8 };
        var noPreemptionOption = new Option<bool>("--no-preemption") { Description = "Turn preemption off (on by default, as in the library and schedule simulate)." };
        var maxRowsOption = ScheduleCliSupport.CreateMaxTraceRowsOption();
        var maxClusterGpusOption = ScheduleCliSupport.CreateMaxClusterGpusOption();

        var command = new Command("run", "Replay a trace on a real executor (Slurm or in-process) through LlmCore's scheduler.");
        foreach (var option in new Option[] { traceOption, policyOption, executorOption, urlOption, tokenOption, userOption, apiOption, scaleOption, eventsOption, nodesOption, gpusOption, noPreemptionOption, maxRowsOption, maxClusterGpusOption })
        {
            command.Options.Add(option);
        }

        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            var executor = parseResult.GetValue(executorOption)!.Trim().ToLowerInvariant();
            if (executor is not ("slurm" or "local"))
            {
                throw CliUsageException.ForOption("--executor", "must be slurm or local", executor);
            }

            var policyName = parseResult.GetValue(policyOption)!.Trim().ToLowerInvariant();
            if (!SchedulingPolicy.Names.Contains(policyName))
            {
                throw CliUsageException.ForOption("--policy", "must be one of " + string.Join(", ", SchedulingPolicy.Names), policyName);
            }

            // Options of the other executor would be ignored: refused instead.
            var foreign = executor == "local"
                ? new Option[] { urlOption, tokenOption, userOption, apiOption }
                : new Option[] { nodesOption, gpusOption, maxClusterGpusOption };
            if (foreign.FirstOrDefault(o => parseResult.GetResult(o) is { Implicit: false }) is { } stray)
            {
                throw new CliUsageException(executor == "local"
                    ? $"{stray.Name}: applies to --executor slurm only; the local executor runs in this process."
                    : $"{stray.Name}: applies to --executor local only; with slurm the cluster shape comes from Slurm.");
            }

            var scale = parseResult.GetValue(scaleOption);
            OptionChecks.PositiveFinite("--time-scale", scale);

            var nodes = parseResult.GetValue(nodesOption);
            var gpusPerNode = parseResult.GetValue(gpusOption);
            var maxGpus = ScheduleCliSupport.GetMaxClusterGpus(parseResult, maxClusterGpusOption);
            OptionChecks.AtLeast("--nodes", nodes, 1);
            OptionChecks.InRange("--gpus-per-node", gpusPerNode, 1, 1024);

            ScheduleCliSupport.CheckClusterSize(nodes, gpusPerNode, maxGpus);

            var trace = ReplayTrace.Read(parseResult.GetValue(traceOption)!, parseResult.GetValue(maxRowsOption));
            var settings = new ReplaySettings(policyName, scale) { Preemption = !parseResult.GetValue(noPreemptionOption) };
            ScheduleCliSupport.WarnAboutConfiguration(context, [settings.CreatePolicy()]);
            ReplayResult result;
            IReadOnlyList<SlurmAccountingRow>? accounting = null;
            var apiVersion = string.Empty;

            // A replay lasts the trace's span / --time-scale (hours at K = 1): a bar of jobs done on a terminal, as
            // `schedule simulate` shows; Ctrl-C stops it at the next event or poll (at most 100 ms with the local executor).
            ReplayResult Replayed(Cluster cluster, IJobExecutor jobExecutor)
            {
                if (!context.ShowProgress(parseResult))
                {
                    return Replay.RunAsync(trace, cluster, jobExecutor, settings, context.CancellationToken).GetAwaiter().GetResult();
                }

                ReplayResult? replayed = null;
                context.Console.Progress().Start(ctx =>
                {
                    var bar = ctx.AddTask($"{policyName} on {executor}: jobs done", maxValue: Math.Max(1, trace.Count));
                    replayed = Replay.RunAsync(trace, cluster, jobExecutor, settings, context.CancellationToken, new ScheduleCliSupport.ActionProgress<int>(done => bar.Value = done)).GetAwaiter().GetResult();
                });
                return replayed!;
            }

            if (executor == "local")
            {
                using var inProcess = new InProcessJobExecutor(TimeProvider.System);
                result = Replayed(Cluster.Uniform(nodes, gpusPerNode, "GPU", 0, maxGpus), inProcess);
            }
            else
            {
                var options = SlurmConnection(parseResult.GetValue(urlOption), parseResult.GetValue(tokenOption), parseResult.GetValue(userOption), parseResult.GetValue(apiOption)!);
                using var client = new SlurmRestClient(options);
                var cluster = SlurmClusterReader.ReadClusterAsync(client).GetAwaiter().GetResult();
                var executorOptions = new SlurmExecutorOptions { JobNamePrefix = $"llmcore-run-{Guid.NewGuid():N}"[..20] + "-", PollInterval = TimeSpan.FromMilliseconds(100), MaxPollInterval = TimeSpan.FromSeconds(1) };
                using var slurm = new SlurmJobExecutor(client, executorOptions);
                result = Replayed(cluster, slurm);
                accounting = SlurmAccounting.ReadAsync(client, executorOptions.JobNamePrefix, context.CancellationToken).GetAwaiter().GetResult();
                apiVersion = client.ApiVersion;
            }

            if (parseResult.GetValue(eventsOption) is { } eventsPath)
            {
                using var writer = new StreamWriter(eventsPath);
                RunSegmentCsv.Write(writer, result.Segments);
            }

            var m = result.Metrics;
            if (parseResult.GetValue(CliContext.JsonOption))
            {
                // Every key of `schedule simulate --json` (docs/cli.md), then executor; accounting and slurmApiVersion only
                // with --executor slurm (null values are not written).
                var d = ReplayStatistics.Compute(trace, result);
                var json = JsonSerializer.SerializeToNode(SimulateCommand.ToJson(policyName, ScheduleCliSupport.Label(settings.CreatePolicy()), null, null, m, d, result.ClusterGpus), CliContext.JsonOptions)!.AsObject();
                json["executor"] = executor;
                if (accounting is not null)
                {
                    json["slurmApiVersion"] = apiVersion;
                    json["accounting"] = JsonSerializer.SerializeToNode(
                        accounting.Select(static r => new
                        {
                            slurmJobId = r.SlurmJobId,
                            jobId = r.JobId,
                            state = r.State,
                            elapsedSeconds = r.ElapsedSeconds,
                            gpus = r.Gpus,
                            exitCode = r.ExitCode,
                            signal = r.Signal,
                            restarts = r.Restarts,
                            nodes = r.Nodes,
                        }),
                        CliContext.JsonOptions);
                }

                context.WriteJson(json);
                return 0;
            }

            var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
            table.Title = new TableTitle($"{policyName} on {(executor == "slurm" ? "Slurm" : "the in-process executor")} ({result.ClusterGpus} GPUs, time scale {scale.ToString("G", CultureInfo.InvariantCulture)})");
            void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
            Row("jobs", m.Jobs.ToString(CultureInfo.InvariantCulture));
            Row("completed", m.Completed.ToString(CultureInfo.InvariantCulture));
            Row("avg JCT (s)", m.AvgJctSeconds.ToString("F1", CultureInfo.InvariantCulture));
            Row("p50 JCT (s)", m.P50JctSeconds.ToString("F1", CultureInfo.InvariantCulture));
            Row("p99 JCT (s)", m.P99JctSeconds.ToString("F1", CultureInfo.InvariantCulture));
            Row("avg queue delay (s)", m.AvgQueueDelaySeconds.ToString("F1", CultureInfo.InvariantCulture));
            Row("makespan (s)", m.MakespanSeconds.ToString("F1", CultureInfo.InvariantCulture));
            Row("GPU utilization", m.GpuUtilization.ToString("P1", CultureInfo.InvariantCulture));
            Row("preemptions", m.Preemptions.ToString(CultureInfo.InvariantCulture));
            context.Console.Write(table);
            if (accounting is not null)
            {
                context.Console.Write(SlurmAccounting.ToTable(accounting, trace.Count, apiVersion));
            }

            return 0;
        }));
        return command;
    }

    private static SlurmOptions SlurmConnection(string? url, string? token, string? user, string apiVersion)
    {
        url ??= Environment.GetEnvironmentVariable("SLURMRESTD_URL");
        token ??= Environment.GetEnvironmentVariable("SLURMRESTD_TOKEN");
        user ??= Environment.GetEnvironmentVariable("SLURMRESTD_USER") ?? Environment.UserName;
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw CliUsageException.ForOption("--slurm-url", "must be slurmrestd's http(s) URL (or set SLURMRESTD_URL)", url);
        }

        if (string.IsNullOrWhiteSpace(token))
        {
            throw CliUsageException.ForOption("--slurm-token", "must be a JWT from 'scontrol token' (or set SLURMRESTD_TOKEN)", token);
        }

        var auto = string.Equals(apiVersion, "auto", StringComparison.OrdinalIgnoreCase);
        if (!auto && !SlurmRestClient.SupportedApiVersions.Contains(apiVersion, StringComparer.Ordinal))
        {
            throw CliUsageException.ForOption("--slurm-api-version", "must be auto or one of " + string.Join(", ", SlurmRestClient.SupportedApiVersions), apiVersion);
        }

        return new SlurmOptions
        {
            BaseAddress = uri,
            Token = token,
            UserName = user,
            ApiVersion = auto ? null : apiVersion,
            SlurmConfPath = Environment.GetEnvironmentVariable("SLURM_CONF"),
        };
    }
}

/// <summary>One row of a trace.</summary>
internal sealed record ReplayJob(string Id, double SubmitSeconds, double DurationSeconds, int Gpus, string Tenant, int Priority);

/// <summary>
/// Reads the trace CSV of the CLI contract through the simulator's <see cref="TraceReader"/> (the same parser as
/// <c>schedule simulate</c>: other columns ignored, every malformed row reported with its line number).
/// </summary>
internal static class ReplayTrace
{
    public static IReadOnlyList<ReplayJob> Read(string path, int maxRows)
    {
        if (!File.Exists(path))
        {
            throw CliUsageException.ForOption("--trace", "must name an existing CSV file", path);
        }

        var trace = ScheduleCliSupport.ReadTrace(path, maxRows);
        if (trace.Jobs.Count == 0)
        {
            throw CliUsageException.ForOption("--trace", "must contain at least one job", path);
        }

        return [.. trace.Jobs.Select(static j => new ReplayJob(j.Spec.Id, j.SubmitSeconds, j.DurationSeconds, j.Spec.Gpus, j.Spec.Tenant, j.Spec.Priority))];
    }
}

/// <summary>The settings of a replay.</summary>
internal sealed record ReplaySettings(string Policy, double TimeScale)
{
    /// <summary>Gets whether preemption is on (the library's default).</summary>
    public bool Preemption { get; init; } = true;

    /// <summary>Creates the policy: the named ordering with the library's defaults (backfill on) and <see cref="Preemption"/>.</summary>
    public SchedulingPolicy CreatePolicy() => SchedulingPolicy.Create(Policy, backfill: true, preemption: Preemption);
}

/// <summary>What a replay measured.</summary>
internal sealed record ReplayResult(ScheduleMetrics Metrics, IReadOnlyList<JobRunSegment> Segments, Cluster Cluster)
{
    /// <summary>Gets every job's submission and completion, in trace order.</summary>
    public IReadOnlyList<JobOutcomeRecord> Records { get; init; } = [];

    /// <summary>Gets the GPUs of the cluster.</summary>
    public int ClusterGpus => Cluster.TotalGpus;
}

/// <summary>
/// The fairness, wait and load figures of a replay, the same as <c>schedule simulate</c> reports: offered load, longest
/// wait, tenants, Jain's index, finish-time fairness and per-type utilisation from
/// <see cref="SimulationStatistics.Compute(Trace, IReadOnlyList{JobOutcomeRecord}, IReadOnlyList{JobRunSegment}, Cluster, ThroughputMatrix?)"/>
/// (ρ with n the average number of jobs submitted and not completed over the job's life, Themis' definition); rejected
/// (never ran), failed (ran, never completed) and lost GPU-hours (GPU-time of preempted or failed runs: a replay has no
/// checkpoints) from the segments.
/// </summary>
internal static class ReplayStatistics
{
    public static SimulationMetrics Compute(IReadOnlyList<ReplayJob> jobs, ReplayResult result)
    {
        var trace = new Trace(jobs.Select(static j => new TraceJob(new JobSpec(j.Id, j.Gpus) { Tenant = j.Tenant, Priority = j.Priority }, j.SubmitSeconds, j.DurationSeconds)));
        var records = result.Records;
        var statistics = SimulationStatistics.Compute(trace, records, result.Segments, result.Cluster);
        var ran = result.Segments.Select(static s => s.JobId).ToHashSet(StringComparer.Ordinal);
        var notCompleted = records.Where(static r => r.CompletedSeconds is null).ToArray();
        var lost = result.Segments.Where(static s => s.Outcome is RunOutcome.Preempted or RunOutcome.Failed).Sum(static s => s.Gpus * (s.EndSeconds - s.StartSeconds));
        return statistics with
        {
            Rejected = notCompleted.Count(r => !ran.Contains(r.JobId)),
            Failed = notCompleted.Count(r => ran.Contains(r.JobId)),
            Unfinished = 0,
            LostGpuHours = lost / 3600,
        };
    }
}

/// <summary>
/// Replays a trace in real time through a <see cref="JobScheduler"/> and an <see cref="IJobExecutor"/>: job i is
/// submitted at submit_time_s/K after the start with a runtime estimate of duration_s/K, and runs for that long. A
/// run segment starts when the executor reports <see cref="JobRunEvent.Started"/> (for Slurm: when the poll sees the
/// job RUNNING) and ends when its end is reported; times are converted back to the trace's clock (× K).
/// </summary>
/// <remarks>
/// One loop owns the scheduler. Executors only queue their reports, stamped with the time they arrived; the loop takes
/// the queued reports and the submissions that are due in time order, one instant at a time, runs a pass after each
/// and hands the pass's commands to the executor, then waits for the next report or due submission. Decisions
/// therefore depend on the order of those events, not on how threads interleave or how late the loop wakes up under
/// load; with a virtual clock (the <c>idle</c> callback of <see cref="RunAsync(IReadOnlyList{ReplayJob}, Cluster, IJobExecutor, ReplaySettings, TimeProvider, Func{DateTimeOffset?, CancellationToken, ValueTask}?, CancellationToken, IProgress{int}?)"/>)
/// a replay is exactly reproducible.
/// </remarks>
internal static class Replay
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(100);

    public static Task<ReplayResult> RunAsync(IReadOnlyList<ReplayJob> trace, Cluster cluster, IJobExecutor executor, ReplaySettings settings, CancellationToken cancellationToken, IProgress<int>? progress = null) =>
        RunAsync(trace, cluster, executor, settings, TimeProvider.System, idle: null, cancellationToken, progress);

    /// <summary>Replays <paramref name="trace"/> on <paramref name="time"/>'s clock.</summary>
    /// <param name="trace">The jobs, in submission order.</param>
    /// <param name="cluster">The cluster the scheduler places on.</param>
    /// <param name="executor">Runs the jobs.</param>
    /// <param name="settings">Policy, preemption and time scale.</param>
    /// <param name="time">The clock of the scheduler and of the due submissions.</param>
    /// <param name="cancellationToken">Stops the replay.</param>
    /// <param name="idle">Called when nothing is left to do before <c>until</c> (the next due submission, or
    /// <see langword="null"/> when all are submitted); it returns when a report may have arrived or time moved on.
    /// <see langword="null"/> waits on <paramref name="time"/> for a report, the next submission or 100 ms.</param>
    /// <param name="progress">Told the number of jobs done (submitted and no longer waiting or running) whenever it
    /// changes, on the loop's thread; <see langword="null"/> for none.</param>
    internal static async Task<ReplayResult> RunAsync(
        IReadOnlyList<ReplayJob> trace,
        Cluster cluster,
        IJobExecutor executor,
        ReplaySettings settings,
        TimeProvider time,
        Func<DateTimeOffset?, CancellationToken, ValueTask>? idle,
        CancellationToken cancellationToken,
        IProgress<int>? progress = null)
    {
        using var scheduler = new JobScheduler(new SchedulingEngine(cluster, settings.CreatePolicy(), start: time.GetUtcNow()), time);
        scheduler.RunSchedulingPass(); // warm-up, so that the first job is not delayed by the first pass
        var t0 = time.GetUtcNow();
        var k = settings.TimeScale;
        double TraceSeconds(DateTimeOffset at) => (at - t0).TotalSeconds * k;
        DateTimeOffset Due(int i) => t0 + TimeSpan.FromSeconds(trace[i].SubmitSeconds / k);

        var inbox = System.Threading.Channels.Channel.CreateUnbounded<(JobRunReport Report, DateTimeOffset At)>(new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
        var reporter = new QueueingReporter(inbox.Writer, time);
        var open = new Dictionary<string, OpenSegment>(StringComparer.Ordinal);
        var segments = new List<(JobRunSegment Segment, long Sequence)>();
        var completed = new Dictionary<string, double>(StringComparer.Ordinal);
        var sequence = 0L;
        DateTimeOffset? reportedAt = null;

        void Close(string jobId, RunOutcome outcome, DateTimeOffset at)
        {
            if (open.Remove(jobId, out var seg))
            {
                var start = seg.StartedAt ?? seg.AdmittedAt;
                segments.Add((new JobRunSegment(jobId, seg.Placement, seg.Gpus, TraceSeconds(start), Math.Max(TraceSeconds(at), TraceSeconds(start)), outcome), seg.Sequence));
            }
        }

        // Raised on the loop's thread (it is the only caller of the scheduler); a reported end is dated when it arrived.
        scheduler.JobEvent += (_, e) =>
        {
            var at = reportedAt ?? e.Time;
            switch (e.Kind)
            {
                case SchedulerEventKind.Completed:
                    completed[e.JobId] = TraceSeconds(at);
                    Close(e.JobId, RunOutcome.Completed, at);
                    break;
                case SchedulerEventKind.Failed:
                    Close(e.JobId, RunOutcome.Failed, at);
                    break;
                case SchedulerEventKind.Requeued:
                    Close(e.JobId, RunOutcome.Preempted, at);
                    break;
                case SchedulerEventKind.Cancelled:
                    Close(e.JobId, RunOutcome.Cancelled, at);
                    break;
                default:
                    break;
            }
        };

        void Apply(JobRunReport report, DateTimeOffset at)
        {
            if (report.Event == JobRunEvent.Started)
            {
                if (open.TryGetValue(report.JobId, out var seg) && seg.Attempt == report.Attempt)
                {
                    seg.StartedAt = at;
                    if (report.Message is { } message && message.StartsWith("nodes=", StringComparison.Ordinal))
                    {
                        // Slurm chose the nodes (placement is advisory there): record where the job really ran.
                        var names = message["nodes=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries);
                        var indexes = names.Select(n => cluster.Nodes.Select(x => x.Name).ToList().IndexOf(n)).ToList();
                        if (names.Length > 0 && indexes.All(i => i >= 0))
                        {
                            var perNode = seg.Gpus / names.Length;
                            seg.Placement = Format(indexes.Select(i => (i, perNode)));
                        }
                    }
                }

                return;
            }

            reportedAt = at;
            try
            {
                scheduler.Report(report);
            }
            finally
            {
                reportedAt = null;
            }
        }

        async Task PassAsync()
        {
            scheduler.RunSchedulingPass();
            while (scheduler.Commands.TryRead(out var command))
            {
                try
                {
                    switch (command.Kind)
                    {
                        case ExecutorCommandKind.Start:
                            var launch = command.Launch;
                            open[launch.JobId] = new OpenSegment(launch.Attempt, sequence++, time.GetUtcNow(), Format(launch.Placement.Nodes.Select(n => (n.NodeIndex, n.Gpus))), launch.Placement.Gpus);
                            await executor.StartAsync(launch, reporter, cancellationToken).ConfigureAwait(false);
                            break;
                        case ExecutorCommandKind.Preempt:
                            await executor.PreemptAsync(command.Launch, cancellationToken).ConfigureAwait(false);
                            break;
                        default:
                            await executor.CancelAsync(command.Launch, cancellationToken).ConfigureAwait(false);
                            break;
                    }
                }
                catch (SlurmException ex) when (command.Kind == ExecutorCommandKind.Start)
                {
                    scheduler.Report(new JobRunReport(command.Launch.JobId, command.Launch.Attempt, JobRunEvent.Failed, "Slurm refused the job: " + ex.Message));
                }
            }
        }

        var next = 0;
        var reportedDone = -1;
        var queued = new Queue<(JobRunReport Report, DateTimeOffset At)>();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            while (inbox.Reader.TryRead(out var item))
            {
                queued.Enqueue(item);
            }

            // The events that happened by now, in time order (reports first on a tie: a run that ended frees its GPUs
            // for the jobs submitted at that instant), one pass after each instant.
            var now = time.GetUtcNow();
            while (queued.Count > 0 || (next < trace.Count && Due(next) <= now))
            {
                var due = next < trace.Count && Due(next) <= now ? Due(next) : DateTimeOffset.MaxValue;
                if (queued.Count > 0 && queued.Peek().At <= due)
                {
                    var at = queued.Peek().At;
                    while (queued.Count > 0 && queued.Peek().At == at)
                    {
                        var (report, reported) = queued.Dequeue();
                        Apply(report, reported);
                    }
                }
                else
                {
                    while (next < trace.Count && Due(next) == due)
                    {
                        var job = trace[next++];
                        scheduler.Submit(new JobSpec(job.Id, job.Gpus)
                        {
                            Tenant = job.Tenant,
                            Priority = job.Priority,
                            RuntimeEstimate = TimeSpan.FromSeconds(job.DurationSeconds / k),
                        });
                    }
                }

                await PassAsync().ConfigureAwait(false);
                while (inbox.Reader.TryRead(out var item))
                {
                    queued.Enqueue(item);
                }
            }

            var active = scheduler.Inspect(e => e.PendingCount + e.Running.Count);
            if (progress is not null && next - active != reportedDone)
            {
                reportedDone = next - active;
                progress.Report(reportedDone);
            }

            if (next == trace.Count && active == 0)
            {
                break;
            }

            await PassAsync().ConfigureAwait(false); // aging and reservations move on with time
            DateTimeOffset? until = next < trace.Count ? Due(next) : null;
            if (idle is not null)
            {
                await idle(until, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var wait = until is { } u ? u - time.GetUtcNow() : s_pollInterval;
            wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > s_pollInterval ? s_pollInterval : wait;
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var arrived = inbox.Reader.WaitToReadAsync(cts.Token).AsTask();
            await Task.WhenAny(arrived, Task.Delay(wait, time, cts.Token)).ConfigureAwait(false);
            await cts.CancelAsync().ConfigureAwait(false);
        }

        var records = trace.Select(j => new JobOutcomeRecord(j.Id, j.Tenant, j.Gpus, j.SubmitSeconds, completed.TryGetValue(j.Id, out var c) ? c : null)).ToList();
        List<JobRunSegment> ordered = [.. segments.OrderBy(s => s.Sequence).Select(s => s.Segment)]; // admission order (one row per run)
        return new ReplayResult(ScheduleMetrics.Compute(records, ordered, cluster.TotalGpus), ordered, cluster) { Records = records };
    }

    internal static string Format(IEnumerable<(int Node, int Gpus)> nodes) =>
        string.Join(';', nodes.Select(n => string.Create(CultureInfo.InvariantCulture, $"{n.Node}:{n.Gpus}")));

    /// <summary>A run that has not ended yet.</summary>
    private sealed class OpenSegment(int attempt, long sequence, DateTimeOffset admittedAt, string placement, int gpus)
    {
        public int Attempt { get; } = attempt;

        public long Sequence { get; } = sequence;

        public DateTimeOffset AdmittedAt { get; } = admittedAt;

        public DateTimeOffset? StartedAt { get; set; }

        public string Placement { get; set; } = placement;

        public int Gpus { get; } = gpus;
    }

    /// <summary>Queues an executor's reports, stamped with the time they arrived, for the replay's loop (thread-safe).</summary>
    private sealed class QueueingReporter(System.Threading.Channels.ChannelWriter<(JobRunReport Report, DateTimeOffset At)> writer, TimeProvider time) : IJobRunReporter
    {
        public void Report(JobRunReport report) => writer.TryWrite((report, time.GetUtcNow()));
    }
}

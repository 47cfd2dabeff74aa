// Submit throughput over one kept-open connection, the latency from release (LlmCore's admission) to RUNNING, and
// launches through SlurmJobExecutor, measured with LlmCore.Scheduling.Slurm against the local cluster of
// scripts/slurm/local-cluster.sh.
// Usage: dotnet run -c Release --project scripts/slurm/measure -- ENV_FILE [SUBMITS] [LATENCY_SAMPLES] [LAUNCHES]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using LlmCore.Scheduling;
using LlmCore.Scheduling.Execution;
using LlmCore.Scheduling.Slurm;
using LlmCore.Scheduling.Slurm.Execution;
using Microsoft.Extensions.Logging;

var envFile = args.Length > 0 ? args[0] : "artifacts/slurm/cluster.env";
var submits = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
var samples = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;
var launches = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 200;
var env = File.ReadAllLines(envFile).Where(l => l.Contains('=', StringComparison.Ordinal))
    .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal);

var transports = new (string Name, SlurmOptions Options)[]
{
    ("JWT over TCP", new SlurmOptions { BaseAddress = new Uri(env["SLURMRESTD_URL"]), UserName = env["SLURMRESTD_USER"], Token = env["SLURMRESTD_TOKEN"], WorkingDirectory = env["SLURM_LOCAL_JOBDIR"] }),
    ("unix socket", new SlurmOptions { UnixSocketPath = env["SLURMRESTD_SOCKET"], WorkingDirectory = env["SLURM_LOCAL_JOBDIR"] }),
};

Console.WriteLine($"Slurm measurements, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
foreach (var (name, options) in submits > 0 ? transports : [])
{
    using var client = new SlurmRestClient(options);
    var ping = await client.PingAsync();
    var ids = new List<long>(submits);

    // Warm-up (JIT, connection) outside the timed loop.
    var warm = await client.SubmitAsync(Request("llmcore-measure-warm", hold: true));
    await client.CancelAsync(warm.JobId);

    var watch = Stopwatch.StartNew();
    for (var i = 0; i < submits; i++)
    {
        ids.Add((await client.SubmitAsync(Request($"llmcore-measure-{i}", hold: true))).JobId);
    }

    var seconds = watch.Elapsed.TotalSeconds;
    foreach (var id in ids)
    {
        await client.CancelAsync(id);
    }

    Console.WriteLine($"{name}: {submits} held submits on one connection in {seconds:F3} s = {submits / seconds:F0} jobs/s (Slurm {ping.SlurmVersion}, {client.ApiVersion})");
}

// Release -> RUNNING latency, one job at a time on an idle cluster, polled every 20 ms.
if (samples > 0)
{
    using var client = new SlurmRestClient(transports[0].Options);
    var latencies = new List<double>(samples);
    for (var i = 0; i < samples; i++)
    {
        var job = await client.SubmitAsync(Request($"llmcore-latency-{i}", hold: true, body: "sleep 30"));
        var watch = Stopwatch.StartNew();
        await client.ReleaseAsync(job.JobId);
        while (true)
        {
            var state = await client.GetJobAsync(job.JobId);
            if (state is { State: SlurmJobState.Running or SlurmJobState.Completed })
            {
                break;
            }

            await Task.Delay(20);
        }

        latencies.Add(watch.Elapsed.TotalSeconds);
        await client.CancelAsync(job.JobId);
    }

    latencies.Sort();
    Console.WriteLine($"release -> RUNNING (n={samples}): median {latencies[samples / 2]:F3} s, p90 {latencies[(int)(samples * 0.9)]:F3} s, max {latencies[^1]:F3} s, min {latencies[0]:F3} s");
}

// Launches through the executor: 1-GPU `true` jobs, as fast as StartAsync hands them over (a scheduler's pass admitting
// them all), on each transport. Hand-over is StartAsync returning (held submit done, release queued); released is the
// releaser's last release; started is the executor's last Started report (its poll saw the job RUNNING or done).
foreach (var (name, options) in launches > 0 ? transports : [])
{
    using var client = new SlurmRestClient(options);
    var releases = new ReleaseCounter();
    var prefix = $"llmcore-measure-{Guid.NewGuid():N}"[..24] + "-";
    await using var executor = new SlurmJobExecutor(
        client,
        new SlurmExecutorOptions { JobNamePrefix = prefix, TimeLimitMinutes = 5, PollInterval = TimeSpan.FromMilliseconds(100), MaxPollInterval = TimeSpan.FromMilliseconds(500) },
        logger: releases);
    var reporter = new Reporter();
    await executor.StartAsync(Launch("warm"), reporter, CancellationToken.None); // connections, the job-table snapshot, JIT
    await reporter.WaitAsync(1, TimeSpan.FromSeconds(60));
    releases.Reset();
    reporter.Reset();

    var watch = Stopwatch.StartNew();
    for (var i = 0; i < launches; i++)
    {
        await executor.StartAsync(Launch($"l{i:D4}"), reporter, CancellationToken.None);
    }

    var handOver = watch.Elapsed.TotalSeconds;
    await releases.WaitAsync(launches, TimeSpan.FromSeconds(300));
    var released = releases.ElapsedSince(watch);
    await reporter.WaitAsync(launches, TimeSpan.FromSeconds(300));
    var started = reporter.ElapsedSince(watch);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name}: {launches} launches through SlurmJobExecutor: handed over in {handOver:F2} s = {launches / handOver:F0}/s; all released after {released:F2} s = {launches / released:F0}/s; all reported Started after {started:F2} s = {launches / started:F0}/s ({client.ApiVersion}, load average {LoadAverage()})"));
}

static JobLaunch Launch(string id) =>
    new(new JobSpec(id, 1), 1, new Placement([new NodeAllocation(0, "n1", 1)], "GPU", TopologyLevel.Node), 0, 0);

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static SlurmJobRequest Request(string name, bool hold, string body = "true") => new()
{
    Name = name,
    Script = "#!/bin/bash\n" + body + "\n",
    GpusPerNode = 1,
    Hold = hold,
    TimeLimitMinutes = 5,
};

/// <summary>Counts the executor's released jobs from its debug log ("Released {Count} Slurm jobs").</summary>
internal sealed class ReleaseCounter : ILogger<SlurmJobExecutor>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _count;
    private long _lastTicks;

    public TimeSpan LastAt => TimeSpan.FromTicks(Interlocked.Read(ref _lastTicks));

    public void Reset()
    {
        Interlocked.Exchange(ref _count, 0);
    }

    public double ElapsedSince(Stopwatch start) => (LastAt - (_clock.Elapsed - start.Elapsed)).TotalSeconds;

    public async Task WaitAsync(int count, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (Volatile.Read(ref _count) < count && watch.Elapsed < timeout)
        {
            await Task.Delay(10);
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id == 8 && state is IReadOnlyList<KeyValuePair<string, object?>> values
            && values.FirstOrDefault(static kv => kv.Key == "Count").Value is int released)
        {
            Interlocked.Add(ref _count, released);
            Interlocked.Exchange(ref _lastTicks, _clock.Elapsed.Ticks);
        }
    }
}

/// <summary>Counts Started reports and remembers when the last one came.</summary>
internal sealed class Reporter : IJobRunReporter
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, bool> _started = new(StringComparer.Ordinal);
    private long _lastTicks;

    public void Reset() => _started.Clear();

    public double ElapsedSince(Stopwatch start) => (TimeSpan.FromTicks(Interlocked.Read(ref _lastTicks)) - (_clock.Elapsed - start.Elapsed)).TotalSeconds;

    public async Task WaitAsync(int count, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (_started.Count < count && watch.Elapsed < timeout)
        {
            await Task.Delay(10);
        }
    }

    public void Report(JobRunReport report)
    {
        if (report.Event == JobRunEvent.Started && _started.TryAdd(report.JobId, true))
        {
            Interlocked.Exchange(ref _lastTicks, _clock.Elapsed.Ticks);
        }
    }
}

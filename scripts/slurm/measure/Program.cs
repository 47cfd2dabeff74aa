// Submit throughput over one kept-open connection and the latency from release (LlmCore's admission) to RUNNING,
// measured with LlmCore.Scheduling.Slurm's client against the local cluster of scripts/slurm/local-cluster.sh.
// Usage: dotnet run -c Release --project scripts/slurm/measure -- ENV_FILE [SUBMITS] [LATENCY_SAMPLES]
using System.Diagnostics;
using System.Globalization;
using LlmCore.Scheduling.Slurm;

var envFile = args.Length > 0 ? args[0] : "artifacts/slurm/cluster.env";
var submits = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
var samples = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 30;
var env = File.ReadAllLines(envFile).Where(l => l.Contains('=', StringComparison.Ordinal))
    .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal);

var transports = new (string Name, SlurmOptions Options)[]
{
    ("JWT over TCP", new SlurmOptions { BaseAddress = new Uri(env["SLURMRESTD_URL"]), UserName = env["SLURMRESTD_USER"], Token = env["SLURMRESTD_TOKEN"], WorkingDirectory = env["SLURM_LOCAL_JOBDIR"] }),
    ("unix socket", new SlurmOptions { UnixSocketPath = env["SLURMRESTD_SOCKET"], WorkingDirectory = env["SLURM_LOCAL_JOBDIR"] }),
};

Console.WriteLine($"Slurm measurements, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores");
foreach (var (name, options) in transports)
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
using (var client = new SlurmRestClient(transports[0].Options))
{
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

static SlurmJobRequest Request(string name, bool hold, string body = "true") => new()
{
    Name = name,
    Script = "#!/bin/bash\n" + body + "\n",
    GpusPerNode = 1,
    Hold = hold,
    TimeLimitMinutes = 5,
};

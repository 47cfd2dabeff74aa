using BenchmarkDotNet.Attributes;
using LlmCore.Scheduling;
using LlmCore.Scheduling.Policies;

namespace LlmCore.Benchmarks.Scheduling;

/// <summary>
/// One scheduling pass (<see cref="SchedulingEngine.Plan"/>, which changes nothing, so every iteration sees the same
/// state) over <see cref="PendingJobs"/> pending jobs on 1,000 nodes × 8 GPUs (4 tenants) with EASY backfill and
/// preemption on. <see cref="Shape"/> <c>Racks</c>: one GPU type, racks of 32 nodes (the original benchmark);
/// <c>FourLevels</c>: a 4-level topology (node ⊂ NVLink domain of 8 nodes ⊂ rack of 4 domains ⊂ block of 8 racks) and 3
/// GPU types (H100, A100, L40S by rack), with jobs that accept one, two or every type, and a quarter of them requiring or
/// preferring an NVLink domain or a rack. Half the nodes run 8-GPU jobs, the rest hold a mix of 1–4-GPU jobs, so the pass
/// starts some jobs, computes a reservation for the head and tries backfill for the rest. The baseline is plain sorting
/// of the pending jobs by submission order, the floor of any ordering.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Scheduling")]
public class SchedulerBenchmarks
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private SchedulingEngine _fifo = null!;
    private SchedulingEngine _multifactor = null!;
    private SchedulingEngine _drf = null!;
    private long[] _sequence = [];
    private IReadOnlyList<Job> _pending = [];
    private DateTimeOffset _now;

    /// <summary>Gets or sets the pending jobs.</summary>
    [Params(1_000, 10_000, 100_000)]
    public int PendingJobs { get; set; }

    /// <summary>Gets or sets the cluster's shape: <c>Racks</c> (one type, one level) or <c>FourLevels</c> (4 levels, 3 types).</summary>
    [Params("Racks", "FourLevels")]
    public string Shape { get; set; } = "Racks";

    [GlobalSetup]
    public void Setup()
    {
        _now = s_start.AddHours(1);
        _fifo = Build("fifo");
        _multifactor = Build("multifactor");
        _drf = Build("drf");
        _sequence = new long[PendingJobs];
        _pending = _fifo.Pending;
    }

    [Benchmark(Baseline = true)]
    public long SortPendingBySubmission()
    {
        var pending = _pending;
        for (var i = 0; i < _sequence.Length; i++)
        {
            _sequence[i] = pending[_sequence.Length - 1 - i].Sequence;
        }

        Array.Sort(_sequence);
        return _sequence[0];
    }

    [Benchmark]
    public int FifoPass() => _fifo.Plan(_now).Starts.Count;

    [Benchmark]
    public int MultifactorPass() => _multifactor.Plan(_now).Starts.Count;

    [Benchmark]
    public int DrfPass() => _drf.Plan(_now).Starts.Count;

    /// <summary>Runs one case's pass <paramref name="repeats"/> times and prints the median and best wall time per pass
    /// (a harness for a profiler, not a measurement: BenchmarkDotNet's figures are the ones to quote).</summary>
    /// <returns>The exit code: 0, or 2 for bad arguments.</returns>
    internal static int Loop(string policy, string pending, string shape, string repeats, TextWriter output)
    {
        if (policy is not ("fifo" or "multifactor" or "drf") || !int.TryParse(pending, out var n) || n < 1 || shape is not ("Racks" or "FourLevels")
            || !int.TryParse(repeats, out var count) || count < 1)
        {
            output.WriteLine("usage: sched-pass fifo|multifactor|drf PENDING(>= 1) Racks|FourLevels REPEATS(>= 1)");
            return 2;
        }

        var bench = new SchedulerBenchmarks { PendingJobs = n, Shape = shape };
        bench._now = s_start.AddHours(1);
        var engine = bench.Build(policy);
        var times = new double[count];
        var starts = 0;
        for (var i = 0; i < count; i++)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            starts += engine.Plan(bench._now).Starts.Count;
            times[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        output.WriteLine($"{policy} {n} {shape}: median {times[count / 2]:F2} ms, best {times[0]:F2} ms per pass over {count} passes ({starts / count} starts each)");
        return 0;
    }

    private SchedulingEngine Build(string policy)
    {
        var random = new Random(42);
        var fourLevels = Shape == "FourLevels";
        string[] types = ["H100", "A100", "L40S"];
        var cluster = fourLevels
            ? new Cluster(
                Enumerable.Range(0, 1000).Select(i => new NodeSpec("n" + i, 8, types[(i / 32) % 3])
                {
                    CpuCores = 96,
                    MemoryGib = 1024,
                    Labels = new Dictionary<string, string> { ["block"] = "b" + (i / 256), ["rack"] = "r" + (i / 32), ["nvlink"] = "d" + (i / 8) },
                }),
                ["block", "rack", "nvlink"])
            : new Cluster(Enumerable.Range(0, 1000).Select(i => new NodeSpec("n" + i, 8, "H100") { Rack = "r" + (i / 32), CpuCores = 96, MemoryGib = 1024 }));
        var tenants = Enumerable.Range(0, 4).Select(t => new TenantQuota("t" + t, 2000)).ToArray();
        var engine = new SchedulingEngine(cluster, SchedulingPolicy.Create(policy), tenants, s_start);

        // Fill the cluster: 500 whole-node jobs, then small jobs until about 97% of the GPUs are busy.
        var running = new List<JobSpec>();
        for (var i = 0; i < 500; i++)
        {
            running.Add(new JobSpec("r" + i, 8) { Tenant = "t" + (i % 4), RuntimeEstimate = TimeSpan.FromSeconds(random.Next(3600, 36000)), MaxSpan = TopologyLevel.Node });
        }

        for (var i = 0; i < 1300; i++)
        {
            running.Add(new JobSpec("s" + i, random.Next(1, 4)) { Tenant = "t" + (i % 4), RuntimeEstimate = TimeSpan.FromSeconds(random.Next(600, 36000)), MaxSpan = TopologyLevel.Node });
        }

        engine.Submit(running, s_start);
        engine.RunPass(s_start);

        var pending = new List<JobSpec>(PendingJobs);
        var sizes = new[] { 1, 1, 2, 4, 8, 8, 16, 32, 64 };
        for (var i = 0; i < PendingJobs; i++)
        {
            var spec = new JobSpec("p" + i, sizes[random.Next(sizes.Length)])
            {
                Tenant = "t" + random.Next(4),
                Priority = random.Next(3) * 100,
                RuntimeEstimate = TimeSpan.FromSeconds(random.Next(60, 72000)),
                Preemptible = true,
            };
            if (fourLevels)
            {
                spec = spec with
                {
                    GpuTypes = random.Next(3) switch { 0 => [], 1 => [types[random.Next(3)]], _ => [types[random.Next(3)], types[random.Next(3)]] },
                    Topology = random.Next(4) switch
                    {
                        0 => new TopologyRequest { RequiredLevel = spec.Gpus <= 64 ? "nvlink" : "rack" },
                        1 => new TopologyRequest { PreferredLevel = "rack" },
                        _ => null,
                    },
                };
            }

            pending.Add(spec);
        }

        engine.Submit(pending, s_start.AddMinutes(1));
        return engine;
    }
}

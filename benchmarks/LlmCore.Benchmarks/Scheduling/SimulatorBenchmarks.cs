using BenchmarkDotNet.Attributes;
using LlmCore.Scheduling;
using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;

namespace LlmCore.Benchmarks.Scheduling;

/// <summary>
/// Simulating the first N jobs of the Philly October 2017 trace (Jeon et al., ATC 2019; tests/reference/traces) on
/// 64 nodes × 8 GPUs: SJF (non-preemptive, the baseline) and SRTF (preemptive, more passes and events). Time should
/// grow close to N log N.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Scheduling")]
public class SimulatorBenchmarks
{
    private Trace _trace = null!;
    private Cluster _cluster = null!;

    /// <summary>Gets or sets the number of jobs replayed.</summary>
    [Params(10_000, 20_000, 47_192)]
    public int Jobs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _trace = TraceReader.ReadFile(FindTrace()).Take(Jobs);
        _cluster = Cluster.Uniform(64, 8);
    }

    [Benchmark(Baseline = true)]
    public double Sjf() => new Simulator(_cluster, SchedulingPolicy.Create("sjf", backfill: false, preemption: true)).Run(_trace).Metrics.AvgJctSeconds;

    [Benchmark]
    public double Srtf() => new Simulator(_cluster, SchedulingPolicy.Create("srtf", backfill: false, preemption: true)).Run(_trace).Metrics.AvgJctSeconds;

    private static string FindTrace()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "reference", "traces", "philly_2017-10.csv");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("tests/reference/traces/philly_2017-10.csv was not found above " + AppContext.BaseDirectory);
    }
}

using System.Globalization;
using LlmCore.Scheduling.Simulation;

namespace LlmCore.Benchmarks.Scheduling;

/// <summary>
/// Writes the synthetic trace of the scale runs of issue 18 (docs/benchmarks.md, "Scale"): <c>jobs</c> jobs with Philly-like
/// sizes and durations (<see cref="SyntheticWorkloadOptions"/>' defaults: GPUs 1 (80%), 2 (6%), 4 (7%), 8 (5%), 16 (1.5%),
/// 32 (0.5%); log-normal durations with median 1,684 s and σ 2.08, capped at 2,750,674 s — Jeon et al., ATC 2019, Philly
/// October 2017; Poisson arrivals; 4 tenants), seed 18, the arrival rate set so the offered load on the given cluster is
/// <c>load</c> (to within the rounding of arrival times to whole seconds). Run with
/// <c>dotnet benchmarks/LlmCore.Benchmarks/bin/Release/net10.0/LlmCore.Benchmarks.dll sched-scale-trace JOBS LOAD GPUS PATH</c>
/// (scripts/bench/scale-trace.sh does, then replays the trace through the CLI).
/// </summary>
internal static class ScaleTrace
{
    public const int Seed = 18;

    public static int Run(IReadOnlyList<string> args, TextWriter output)
    {
        if (args.Count != 4
            || !int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out var jobs) || jobs < 2
            || !double.TryParse(args[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var load) || !(load > 0) || !double.IsFinite(load)
            || !int.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out var gpus) || gpus < 1)
        {
            output.WriteLine("usage: sched-scale-trace JOBS(≥ 2) LOAD(> 0) CLUSTER_GPUS(≥ 1) PATH");
            return 2;
        }

        // The same draws at a rate scaled so the offered load comes out at the target (up to whole-second arrival times).
        var options = new SyntheticWorkloadOptions { Jobs = jobs, Seed = Seed };
        var unit = SyntheticWorkload.Generate(options).OfferedLoad(gpus);
        var trace = SyntheticWorkload.Generate(options with { LoadFactor = load / unit });
        var path = args[3];
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using (var writer = new StreamWriter(path))
        {
            TraceWriter.Write(writer, trace);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: {trace.Jobs.Count} jobs, offered load {trace.OfferedLoad(gpus):F3} on {gpus} GPUs, arrivals over {trace.ArrivalSpanSeconds / 86400:F1} days, seed {Seed}"));
        return 0;
    }
}

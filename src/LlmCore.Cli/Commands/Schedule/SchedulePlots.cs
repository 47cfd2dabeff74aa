using LlmCore.Cli.Infrastructure;
using LlmCore.Scheduling.Simulation;
using ScottPlot;

namespace LlmCore.Cli.Commands.Schedule;

/// <summary>PNG plots of simulations (ScottPlot 5).</summary>
internal static class SchedulePlots
{
    private const int MaxPoints = 4000;

    /// <summary>GPU utilization (left axis) and queue length (right axis) over time, as step lines.</summary>
    public static void SaveTimeline(string path, SimulationResult result, int clusterGpus, string title)
    {
        var samples = Thin(result.Samples);
        var hours = samples.Select(s => s.Seconds / 3600).ToArray();
        var utilization = samples.Select(s => (double)s.BusyGpus / clusterGpus).ToArray();
        var queued = samples.Select(s => (double)s.QueuedJobs).ToArray();
        var plot = new Plot();
        if (hours.Length > 0)
        {
            var u = plot.Add.Scatter(hours, utilization);
            u.ConnectStyle = ConnectStyle.StepHorizontal;
            u.MarkerSize = 0;
            u.LegendText = "GPU utilization";
            var q = plot.Add.Scatter(hours, queued);
            q.ConnectStyle = ConnectStyle.StepHorizontal;
            q.MarkerSize = 0;
            q.LegendText = "queued jobs";
            q.Axes.YAxis = plot.Axes.Right;
        }

        plot.Title(title);
        plot.XLabel("time (hours)");
        plot.YLabel("GPU utilization");
        plot.Axes.Right.Label.Text = "queued jobs";
        PlotLegend.Below(plot);
        plot.SavePng(path, 1000, 500);
    }

    /// <summary>Empirical CDFs of job completion time, one line per policy, on a log10 axis.</summary>
    public static void SaveJctCdf(string path, IReadOnlyList<(string Label, SimulationResult Result)> results, string title)
    {
        var plot = new Plot();
        foreach (var (label, r) in results)
        {
            var jcts = r.Jobs.Where(j => j.CompletedSeconds is not null).Select(j => Math.Max(1, j.CompletedSeconds!.Value - j.SubmitSeconds)).Order().ToArray();
            if (jcts.Length == 0)
            {
                continue;
            }

            var step = Math.Max(1, jcts.Length / MaxPoints);
            var xs = new List<double>();
            var ys = new List<double>();
            for (var i = 0; i < jcts.Length; i += step)
            {
                xs.Add(Math.Log10(jcts[i]));
                ys.Add((i + 1.0) / jcts.Length);
            }

            xs.Add(Math.Log10(jcts[^1]));
            ys.Add(1);
            var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
            line.MarkerSize = 0;
            line.LegendText = label;
        }

        plot.Title(title);
        plot.XLabel("log10 job completion time (s)");
        plot.YLabel("fraction of completed jobs");
        PlotLegend.Below(plot);
        plot.SavePng(path, 900, 600);
    }

    /// <summary>Average JCT (hours) against offered load, one line with markers per policy.</summary>
    public static void SaveJctAgainstLoad(string path, IReadOnlyList<(string Label, (double Load, double AvgJctSeconds)[] Points)> series, string title)
    {
        var plot = new Plot();
        foreach (var (label, points) in series)
        {
            var line = plot.Add.Scatter(points.Select(p => p.Load).ToArray(), points.Select(p => p.AvgJctSeconds / 3600).ToArray());
            line.MarkerSize = 7;
            line.LegendText = label;
        }

        plot.Title(title);
        plot.XLabel("offered load (GPU-seconds asked / GPU-seconds available during arrivals)");
        plot.YLabel("average job completion time (hours)");
        PlotLegend.Below(plot);
        plot.SavePng(path, 900, 600);
    }

    private static IReadOnlyList<ClusterSample> Thin(IReadOnlyList<ClusterSample> samples)
    {
        if (samples.Count <= MaxPoints)
        {
            return samples;
        }

        var step = samples.Count / MaxPoints;
        var thinned = new List<ClusterSample>((samples.Count / step) + 1);
        for (var i = 0; i < samples.Count; i += step)
        {
            thinned.Add(samples[i]);
        }

        thinned.Add(samples[^1]);
        return thinned;
    }
}

using System.CommandLine;
using LlmCore.Cli.Infrastructure;
using LlmCore.Scheduling.Simulation;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Schedule;

/// <summary><c>llmcore schedule compare</c>: the same trace through several policies, side by side.</summary>
internal static class CompareCommand
{
    public static Command Create(CliContext context)
    {
        var support = new ScheduleCliSupport();
        var policies = new Option<string>("--policies") { Description = "Comma-separated policies, e.g. fifo,sjf,srtf,las.", DefaultValueFactory = _ => "fifo,sjf,srtf,las" };
        var plot = new Option<string?>("--plot") { Description = "Write a PNG of the policies' JCT CDFs." };
        var command = new Command("compare", "Replay one trace under several scheduling policies and compare their metrics in one table.");
        support.AddTo(command);
        command.Options.Add(policies);
        command.Options.Add(plot);
        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            var cluster = support.BuildCluster(parseResult);
            var backfill = parseResult.GetValue(support.Backfill);
            var preemption = support.PreemptionEnabled(parseResult);
            var names = parseResult.GetValue(policies)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Length == 0)
            {
                throw CliUsageException.ForOption("--policies", "must name at least one policy", parseResult.GetValue(policies));
            }

            var built = names.Select(n => ScheduleCliSupport.BuildPolicy(n, backfill, preemption, "--policies")).ToArray();
            ScheduleCliSupport.WarnAboutConfiguration(context, built);
            var options = support.BuildOptions(parseResult);
            var trace = support.LoadTrace(parseResult);
            var results = new List<SimulationResult>(built.Length);
            foreach (var p in built)
            {
                results.Add(ScheduleCliSupport.Run(context, parseResult, new Simulator(cluster, p, options), trace, "simulating " + p.Name));
            }

            if (parseResult.GetValue(plot) is { } plotPath)
            {
                SchedulePlots.SaveJctCdf(plotPath, results, $"JCT CDF on {cluster.Nodes.Count}×{cluster.MaxGpusPerNode} GPUs, {trace.Jobs.Count} jobs, offered load {ScheduleCliSupport.Fraction(trace.OfferedLoad(cluster.TotalGpus))}");
            }

            if (parseResult.GetValue(CliContext.JsonOption))
            {
                context.WriteJson(new
                {
                    jobs = trace.Jobs.Count,
                    clusterGpus = cluster.TotalGpus,
                    offeredLoad = trace.OfferedLoad(cluster.TotalGpus),
                    results = results.Select(r => SimulateCommand.ToJson(r, cluster.TotalGpus)).ToArray(),
                });
                return CliApp.Success;
            }

            var table = new Table().Border(TableBorder.Rounded)
                .Title($"{trace.Jobs.Count} jobs on {cluster.Nodes.Count} × {cluster.MaxGpusPerNode} GPUs, offered load {ScheduleCliSupport.Fraction(trace.OfferedLoad(cluster.TotalGpus))}")
                .AddColumn("policy");
            foreach (var header in new[] { "avg JCT h", "p50 h", "p99 h", "queue h", "util", "preempt", "Jain", "done" })
            {
                table.AddColumn(new TableColumn(header).RightAligned());
            }

            foreach (var r in results)
            {
                var m = r.Metrics;
                table.AddRow(
                    r.Policy,
                    Hours(m.AvgJctSeconds),
                    Hours(m.P50JctSeconds),
                    Hours(m.P99JctSeconds),
                    Hours(m.AvgQueueDelaySeconds),
                    ScheduleCliSupport.Fraction(m.GpuUtilization),
                    m.Preemptions.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ScheduleCliSupport.Fraction(r.Details.JainFairnessIndex),
                    $"{m.Completed}/{m.Jobs}");
            }

            context.Console.Write(table);
            return CliApp.Success;
        }));
        return command;
    }

    private static string Hours(double seconds) => (seconds / 3600).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
}

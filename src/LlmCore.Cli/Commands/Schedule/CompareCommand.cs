using System.CommandLine;
using System.Globalization;
using LlmCore.Cli.Infrastructure;
using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Schedule;

/// <summary><c>llmcore schedule compare</c>: the same trace through several policies (and loads), side by side.</summary>
internal static class CompareCommand
{
    public static Command Create(CliContext context)
    {
        var support = new ScheduleCliSupport();
        support.Heterogeneity.Description = "With --throughputs: aware, agnostic or both (each policy runs in both variants).";
        var policies = new Option<string>("--policies") { Description = "Comma-separated policies, e.g. fifo,sjf,srtf,las.", DefaultValueFactory = _ => "fifo,sjf,srtf,las" };
        var loadFactors = new Option<string?>("--load-factors") { Description = "Comma-separated arrival-rate factors to sweep (in place of --load-factor), e.g. 0.5,1,2; the plot then shows average JCT against offered load." };
        var plot = CliOptions.Plot("Write a PNG: the policies' JCT CDFs, or average JCT against offered load with --load-factors");
        var command = new Command("compare", "Replay one trace under several scheduling policies (and arrival rates) and compare their metrics in one table.");
        support.AddTo(command);
        command.Options.Add(policies);
        command.Options.Add(loadFactors);
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

            var throughputs = support.LoadThroughputs(parseResult);
            var variants = throughputs is null ? [false] : support.HeterogeneityVariants(parseResult, allowBoth: true);
            var built = names.SelectMany(n => variants.Select(aware => ScheduleCliSupport.BuildPolicy(n, backfill, preemption, "--policies", throughputs, aware))).ToArray();
            ScheduleCliSupport.WarnAboutConfiguration(context, built);
            var options = support.BuildOptions(parseResult);
            var factors = ParseFactors(parseResult, loadFactors, support);
            var baseTrace = support.LoadTrace(parseResult, scale: factors is null);
            var runs = new List<(SchedulingPolicy Policy, double? Factor, Trace Trace, SimulationResult Result)>();
            foreach (var factor in factors ?? [(double?)null])
            {
                var trace = factor is { } f ? baseTrace.ScaleLoad(f) : baseTrace;
                foreach (var p in built)
                {
                    var label = ScheduleCliSupport.Label(p) + (factor is { } lf ? " × " + lf.ToString("G", CultureInfo.InvariantCulture) : string.Empty);
                    runs.Add((p, factor, trace, ScheduleCliSupport.Run(context, parseResult, new Simulator(cluster, p, options), trace, "simulating " + label)));
                }
            }

            var where = ScheduleCliSupport.Describe(cluster);
            if (parseResult.GetValue(plot) is { } plotPath)
            {
                if (factors is null)
                {
                    SchedulePlots.SaveJctCdf(plotPath, [.. runs.Select(r => (ScheduleCliSupport.Label(r.Policy), r.Result))], $"JCT CDF on {where}, {baseTrace.Jobs.Count} jobs, offered load {ScheduleCliSupport.Fraction(baseTrace.OfferedLoad(cluster.TotalGpus))}");
                }
                else
                {
                    var series = built.Select(p => (ScheduleCliSupport.Label(p), runs.Where(r => ReferenceEquals(r.Policy, p)).Select(r => (r.Result.Details.OfferedLoad, r.Result.Metrics.AvgJctSeconds)).ToArray())).ToArray();
                    SchedulePlots.SaveJctAgainstLoad(plotPath, series, $"Average JCT on {where}, {baseTrace.Jobs.Count} jobs");
                }
            }

            if (parseResult.GetValue(CliContext.JsonOption))
            {
                context.WriteJson(new
                {
                    jobs = baseTrace.Jobs.Count,
                    clusterGpus = cluster.TotalGpus,
                    offeredLoad = runs[0].Trace.OfferedLoad(cluster.TotalGpus),
                    results = runs.Select(r => SimulateCommand.ToJson(r.Result, cluster.TotalGpus, r.Policy, r.Factor)).ToArray(),
                });
                return CliApp.Success;
            }

            var title = factors is null
                ? $"{baseTrace.Jobs.Count} jobs on {where}, offered load {ScheduleCliSupport.Fraction(baseTrace.OfferedLoad(cluster.TotalGpus))}"
                : $"{baseTrace.Jobs.Count} jobs on {where}";
            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title)).AddColumn("policy");
            var headers = factors is null
                ? new[] { "avg JCT h", "p50 h", "p99 h", "queue h", "util", "preempt", "Jain", "FTF ρ", "done" }
                : ["load", "avg JCT h", "p50 h", "p99 h", "queue h", "util", "preempt", "Jain", "FTF ρ", "done"];
            foreach (var header in headers)
            {
                table.AddColumn(new TableColumn(header).RightAligned());
            }

            foreach (var (policy, _, _, r) in runs)
            {
                var m = r.Metrics;
                var cells = new List<string> { Markup.Escape(ScheduleCliSupport.Label(policy)) };
                if (factors is not null)
                {
                    cells.Add(ScheduleCliSupport.Fraction(r.Details.OfferedLoad));
                }

                cells.AddRange(
                [
                    Hours(m.AvgJctSeconds),
                    Hours(m.P50JctSeconds),
                    Hours(m.P99JctSeconds),
                    Hours(m.AvgQueueDelaySeconds),
                    ScheduleCliSupport.Fraction(m.GpuUtilization),
                    m.Preemptions.ToString(CultureInfo.InvariantCulture),
                    ScheduleCliSupport.Fraction(r.Details.JainFairnessIndex),
                    ScheduleCliSupport.Fraction(r.Details.FinishTimeFairnessMean),
                    $"{m.Completed}/{m.Jobs}",
                ]);
                table.AddRow([.. cells]);
            }

            context.Console.Write(table);
            return CliApp.Success;
        }));
        return command;
    }

    private static double?[]? ParseFactors(ParseResult parseResult, Option<string?> option, ScheduleCliSupport support)
    {
        if (parseResult.GetValue(option) is not { } text)
        {
            return null;
        }

        if (parseResult.GetResult(support.LoadFactor) is { Implicit: false })
        {
            throw new CliUsageException("--load-factors: cannot be combined with --load-factor.");
        }

        var factors = new List<double?>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) || !double.IsFinite(f) || f <= 0)
            {
                throw CliUsageException.ForOption("--load-factors", "must be comma-separated numbers > 0", text);
            }

            factors.Add(f);
        }

        return factors.Count == 0 ? throw CliUsageException.ForOption("--load-factors", "must list at least one factor", text) : [.. factors];
    }

    private static string Hours(double seconds) => (seconds / 3600).ToString("0.0", CultureInfo.InvariantCulture);
}

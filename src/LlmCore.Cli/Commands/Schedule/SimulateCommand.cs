using System.CommandLine;
using LlmCore.Cli.Infrastructure;
using LlmCore.Scheduling.Metrics;
using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Schedule;

/// <summary><c>llmcore schedule simulate</c>: replays a trace through one policy of the production scheduler.</summary>
internal static class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        var support = new ScheduleCliSupport();
        var policy = new Option<string>("--policy") { Description = string.Join(", ", SchedulingPolicy.Names) + ".", Required = true };
        var events = new Option<string?>("--events") { Description = "Write every run segment to this CSV: job_id,placement,gpus,start_s,end_s,outcome." };
        var plot = CliOptions.Plot("Write a PNG of GPU utilization and queue length over time");
        var command = new Command("simulate", "Replay a job trace on a simulated GPU cluster with one scheduling policy (discrete-event, deterministic).");
        support.AddTo(command);
        command.Options.Add(policy);
        command.Options.Add(events);
        command.Options.Add(plot);
        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            var cluster = support.BuildCluster(parseResult);
            var throughputs = support.LoadThroughputs(parseResult);
            var aware = support.HeterogeneityVariants(parseResult, allowBoth: false)[0];
            var schedulingPolicy = ScheduleCliSupport.BuildPolicy(parseResult.GetValue(policy)!, parseResult.GetValue(support.Backfill), support.PreemptionEnabled(parseResult), "--policy", throughputs, aware);
            ScheduleCliSupport.WarnAboutConfiguration(context, [schedulingPolicy]);
            var options = support.BuildOptions(parseResult) with { KeepRunSegments = parseResult.GetValue(events) is not null };
            var trace = support.LoadTrace(parseResult);
            var simulator = new Simulator(cluster, schedulingPolicy, options);
            var result = ScheduleCliSupport.Run(context, parseResult, simulator, trace, "simulating " + schedulingPolicy.Name);

            if (parseResult.GetValue(events) is { } eventsPath)
            {
                using var writer = new StreamWriter(eventsPath);
                RunSegmentCsv.Write(writer, result.Segments);
            }

            if (parseResult.GetValue(plot) is { } plotPath)
            {
                SchedulePlots.SaveTimeline(plotPath, result, cluster.TotalGpus, $"{ScheduleCliSupport.Label(schedulingPolicy)} on {ScheduleCliSupport.Describe(cluster)}, {trace.Jobs.Count} jobs, offered load {ScheduleCliSupport.Fraction(result.Details.OfferedLoad)}");
            }

            var m = result.Metrics;
            var d = result.Details;
            if (parseResult.GetValue(CliContext.JsonOption))
            {
                context.WriteJson(ToJson(result, cluster.TotalGpus, schedulingPolicy));
                return CliApp.Success;
            }

            var table = new Table().Border(TableBorder.Rounded)
                .Title(Markup.Escape($"{ScheduleCliSupport.Label(schedulingPolicy)} on {ScheduleCliSupport.Describe(cluster)}"))
                .AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("jobs (completed)", $"{m.Jobs} ({m.Completed})");
            table.AddRow("rejected / failed / unfinished", $"{d.Rejected} / {d.Failed} / {d.Unfinished}");
            table.AddRow("offered load", ScheduleCliSupport.Fraction(d.OfferedLoad));
            table.AddRow("average JCT", ScheduleCliSupport.Seconds(m.AvgJctSeconds));
            table.AddRow("p50 / p99 JCT", ScheduleCliSupport.Seconds(m.P50JctSeconds) + " / " + ScheduleCliSupport.Seconds(m.P99JctSeconds));
            table.AddRow("average queueing delay", ScheduleCliSupport.Seconds(m.AvgQueueDelaySeconds));
            table.AddRow("longest wait", ScheduleCliSupport.Seconds(d.LongestWaitSeconds));
            table.AddRow("makespan", ScheduleCliSupport.Seconds(m.MakespanSeconds));
            table.AddRow("GPU utilization", ScheduleCliSupport.Fraction(m.GpuUtilization));
            table.AddRow("preemptions (lost GPU-hours)", $"{m.Preemptions} ({d.LostGpuHours:N1})");
            table.AddRow("Jain fairness over tenants", ScheduleCliSupport.Fraction(d.JainFairnessIndex));
            table.AddRow("finish-time fairness ρ mean / max", ScheduleCliSupport.Fraction(d.FinishTimeFairnessMean) + " / " + ScheduleCliSupport.Fraction(d.FinishTimeFairnessMax));
            if (cluster.GpuTypes.Count > 1)
            {
                table.AddRow("utilization by GPU type", Markup.Escape(string.Join(", ", d.UtilizationByGpuType.Select(u => $"{u.Key} {ScheduleCliSupport.Fraction(u.Value)}"))));
            }

            if (d.Resizes > 0)
            {
                table.AddRow("elastic resizes", d.Resizes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            context.Console.Write(table);
            return CliApp.Success;
        }));
        return command;
    }

    internal static object ToJson(SimulationResult result, int clusterGpus, SchedulingPolicy policy, double? loadFactor = null) =>
        ToJson(result.Policy, ScheduleCliSupport.Label(policy), policy.Throughputs is null ? null : policy.HeterogeneityAware ? "aware" : "agnostic", loadFactor, result.Metrics, result.Details, clusterGpus);

    /// <summary>The keys of <c>schedule simulate --json</c>, shared with <c>schedule run --json</c> (which adds its own).</summary>
    internal static object ToJson(string policy, string label, string? heterogeneity, double? loadFactor, ScheduleMetrics m, SimulationMetrics d, int clusterGpus) =>
        new
        {
            policy,
            label,
            heterogeneity,
            loadFactor,
            jobs = m.Jobs,
            completed = m.Completed,
            avgJctSeconds = m.AvgJctSeconds,
            p50JctSeconds = m.P50JctSeconds,
            p99JctSeconds = m.P99JctSeconds,
            avgQueueDelaySeconds = m.AvgQueueDelaySeconds,
            makespanSeconds = m.MakespanSeconds,
            gpuUtilization = m.GpuUtilization,
            preemptions = m.Preemptions,
            clusterGpus,
            offeredLoad = d.OfferedLoad,
            rejected = d.Rejected,
            failed = d.Failed,
            unfinished = d.Unfinished,
            lostGpuHours = d.LostGpuHours,
            longestWaitSeconds = d.LongestWaitSeconds,
            jainFairnessIndex = d.JainFairnessIndex,
            finishTimeFairnessMean = d.FinishTimeFairnessMean,
            finishTimeFairnessMax = d.FinishTimeFairnessMax,
            utilizationByGpuType = d.UtilizationByGpuType,
            resizes = d.Resizes,
            tenants = d.Tenants.Select(t => new { tenant = t.Tenant, jobs = t.Jobs, completed = t.Completed, gpuHours = t.GpuSeconds / 3600, share = t.Share, avgJctSeconds = t.AvgJctSeconds, serviceRate = t.ServiceRate }).ToArray(),
        };
}

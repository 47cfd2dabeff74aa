using System.Globalization;
using LlmCore.Scheduling;
using LlmCore.Scheduling.Policies;

namespace LlmCore.Cli.Commands.Demo;

/// <summary>The scheduling part of the demo: the same small workload under several policies on one 8-GPU node.</summary>
internal static class SchedulingDemo
{
    private static readonly DateTimeOffset s_t0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static DemoSection Run(Infrastructure.CliContext context)
    {
        // A(4 GPUs, 10 s), B(8, 10 s), C(2, 5 s), D(4, 20 s), all at t = 0 on one 8-GPU node.
        JobSpec[] jobs =
        [
            Job("A", 4, 10),
            Job("B", 8, 10),
            Job("C", 2, 5),
            Job("D", 4, 20),
        ];
        var lines = new List<KeyValuePair<string, string>>();
        foreach (var (name, backfill) in new[] { ("fifo", false), ("fifo", true), ("sjf", true) })
        {
            var (starts, avgJct) = Simulate(SchedulingPolicy.Create(name, backfill), jobs);
            lines.Add(new($"{name}{(backfill ? " + EASY backfill" : string.Empty)}: starts", string.Join(" ", starts.Select(s => $"{s.Key}@{s.Value:0}s"))));
            lines.Add(new($"{name}{(backfill ? " + EASY backfill" : string.Empty)}: average JCT", avgJct.ToString("0.0", CultureInfo.InvariantCulture) + " s"));
        }

        var rejected = new SchedulingEngine(Cluster.Uniform(1, 8), SchedulingPolicy.Create("fifo")).Submit([Job("huge", 16, 10)], s_t0)[0];
        lines.Add(new("a 16-GPU job on 8 GPUs", rejected.Reason ?? string.Empty));
        return new DemoSection("LlmCore.Scheduling", lines);
    }

    private static JobSpec Job(string id, int gpus, double seconds) => new(id, gpus) { RuntimeEstimate = TimeSpan.FromSeconds(seconds) };

    private static (List<KeyValuePair<string, double>> Starts, double AverageJct) Simulate(SchedulingPolicy policy, JobSpec[] jobs)
    {
        var engine = new SchedulingEngine(Cluster.Uniform(1, 8), policy, start: s_t0);
        engine.Submit(jobs, s_t0);
        var ends = new PriorityQueue<(string Id, int Attempt), double>();
        var starts = new List<KeyValuePair<string, double>>();
        var jct = 0.0;
        var now = 0.0;
        while (true)
        {
            foreach (var s in engine.RunPass(s_t0.AddSeconds(now)).Starts)
            {
                starts.Add(new(s.JobId, now));
                ends.Enqueue((s.JobId, s.Attempt), now + (s.ExpectedRunSeconds ?? 0));
            }

            if (!ends.TryDequeue(out var end, out var at))
            {
                break;
            }

            now = at;
            engine.Finish(end.Id, end.Attempt, true, s_t0.AddSeconds(now));
            jct += now;
        }

        return (starts, jct / jobs.Length);
    }
}

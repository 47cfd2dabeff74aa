using CsCheck;
using LlmCore.Scheduling.Metrics;
using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;

namespace LlmCore.Scheduling.Tests.Simulation;

public class SimulatorInvariantTests
{
    [Fact]
    public void Run_AnyPolicyWorkloadAndFailures_ConservesJobsAndGpuSeconds()
    {
        var gen = Gen.Select(Gen.Int[0, 1000], Gen.Int[0, SchedulingPolicy.Names.Count - 1], Gen.Bool, Gen.Double[0, 0.3]);
        gen.Sample((seed, policyIndex, backfill, failureRate) =>
        {
            var cluster = Cluster.Uniform(3, 8);
            var trace = SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 60, Seed = seed, LoadFactor = 20, MedianDurationSeconds = 600, DurationSigma = 1.5 });
            var options = new SimulationOptions
            {
                Seed = seed,
                JobFailureProbability = failureRate,
                MaxRetries = 1000,
                RuntimeEstimates = RuntimeEstimateMode.Noisy,
                NodeFailures = [new NodeFailure(seed % 3, 3600, 7200)],
                CheckpointInterval = TimeSpan.FromMinutes(5),
                RestartCost = TimeSpan.FromSeconds(20),
            };
            var policy = SchedulingPolicy.Create(SchedulingPolicy.Names[policyIndex], backfill, preemption: true);
            var r = new Simulator(cluster, policy, options).Run(trace);

            // Every job completes exactly once, or is rejected (needs more than the cluster has).
            var completedSegments = r.Segments.Where(s => s.Outcome == RunOutcome.Completed).GroupBy(s => s.JobId).ToDictionary(g => g.Key, g => g.Count());
            foreach (var job in trace.Jobs)
            {
                var completions = completedSegments.GetValueOrDefault(job.Id);
                if (job.Spec.Gpus > cluster.TotalGpus)
                {
                    Assert.Equal(0, completions);
                }
                else
                {
                    Assert.Equal(1, completions);
                }
            }

            Assert.Empty(r.UnfinishedJobIds);
            Assert.Empty(r.OpenSegments);

            // GPU-seconds held = Σ gpus·duration + work lost to preemptions/failures + restore time of completed runs.
            var held = r.Segments.Sum(s => s.Gpus * (s.EndSeconds - s.StartSeconds));
            var needed = trace.Jobs.Where(j => j.Spec.Gpus <= cluster.TotalGpus).Sum(j => j.GpuSeconds);
            var expected = needed + (3600 * (r.Details.LostGpuHours + r.Details.RestartGpuHours));
            Assert.Equal(expected, held, Math.Max(1e-3, expected * 1e-9) * 10);

            AssertNoNodeOverCommitted(r.Segments, 8);
        }, iter: 40);
    }

    internal static void AssertNoNodeOverCommitted(IEnumerable<JobRunSegment> segments, int gpusPerNode)
    {
        var deltas = new List<(int Node, double Time, int Delta)>();
        foreach (var s in segments)
        {
            // A zero-length run (started and preempted at the same instant) never holds GPUs.
            if (s.EndSeconds <= s.StartSeconds)
            {
                continue;
            }

            foreach (var part in s.Placement.Split(';'))
            {
                var pair = part.Split(':');
                var node = int.Parse(pair[0], System.Globalization.CultureInfo.InvariantCulture);
                var gpus = int.Parse(pair[1], System.Globalization.CultureInfo.InvariantCulture);
                deltas.Add((node, s.StartSeconds, gpus));
                deltas.Add((node, s.EndSeconds, -gpus));
            }
        }

        foreach (var group in deltas.GroupBy(d => d.Node))
        {
            var used = 0;
            // Releases before allocations at the same instant.
            foreach (var d in group.OrderBy(d => d.Time).ThenBy(d => d.Delta))
            {
                used += d.Delta;
                Assert.InRange(used, 0, gpusPerNode);
            }
        }
    }
}

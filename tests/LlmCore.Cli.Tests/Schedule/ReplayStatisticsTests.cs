using CsCheck;
using LlmCore.Cli.Commands.Schedule;
using LlmCore.Scheduling.Metrics;

namespace LlmCore.Cli.Tests.Schedule;

/// <summary>
/// Finish-time fairness of <c>schedule run</c> (Themis, Mahajan et al., NSDI 2020: ρ = JCT shared / JCT alone on 1/n of
/// the cluster, n the average number of jobs in the system over the job's life).
/// </summary>
public class ReplayStatisticsTests
{
    [Fact]
    public void FinishTimeFairness_TwoFullClusterJobs_MatchesHandComputation()
    {
        // 4 GPUs; A and B arrive at 0, each needs all 4 GPUs for 10 s; A runs first (done at 10), B waits (done at 20).
        // A: 2 jobs in the system over [0, 10] → n = 2, rate min(1, 4 / (2·4)) = ½, alone 20 s, ρ = 10 / 20 = ½.
        // B: 2 jobs over [0, 10), 1 over [10, 20] → n = 30 / 20 = 1.5, rate ⅔, alone 15 s, ρ = 20 / 15 = 4/3.
        ReplayJob[] jobs = [new("a", 0, 10, 4, "t", 0), new("b", 0, 10, 4, "t", 0)];
        JobOutcomeRecord[] records = [new("a", "t", 4, 0, 10), new("b", "t", 4, 0, 20)];

        var (mean, max) = ReplayStatistics.FinishTimeFairness(jobs, records, 4);

        Assert.Equal((0.5 + (4.0 / 3)) / 2, mean, 12);
        Assert.Equal(4.0 / 3, max, 12);
    }

    [Fact]
    public void FinishTimeFairness_EqualsTheSumOverEveryPairOfJobs()
    {
        // The definition written directly: n = Σ_k |[submit_k, end_k) ∩ [submit, done]| / JCT, a job that never
        // completes counting until the end; the sweep must give the same value.
        var gen = Gen.Select(Gen.Double[0, 100], Gen.Double[0.5, 50], Gen.Double[0, 80], Gen.Int[1, 8], Gen.Bool)
            .Array[1, 40];
        gen.Sample(rows =>
        {
            var jobs = rows.Select((r, i) => new ReplayJob($"j{i}", Math.Round(r.Item1), r.Item2, r.Item4, "t", 0)).ToArray();
            var records = rows.Select((r, i) => new JobOutcomeRecord($"j{i}", "t", r.Item4, Math.Round(r.Item1), r.Item5 ? Math.Round(r.Item1) + r.Item2 + Math.Round(r.Item3) : null)).ToArray();
            const int gpus = 8;

            var (mean, max) = ReplayStatistics.FinishTimeFairness(jobs, records, gpus);

            double sum = 0, worst = 0;
            var count = 0;
            for (var j = 0; j < records.Length; j++)
            {
                if (records[j].CompletedSeconds is not { } done)
                {
                    continue;
                }

                var submit = records[j].SubmitSeconds;
                var jct = done - submit;
                double overlap = 0;
                foreach (var k in records)
                {
                    var end = k.CompletedSeconds ?? done;
                    overlap += Math.Max(0, Math.Min(end, done) - Math.Max(k.SubmitSeconds, submit));
                }

                var n = jct > 0 ? Math.Max(1, overlap / jct) : 1;
                var rho = jct / (jobs[j].DurationSeconds / Math.Min(1, gpus / (n * jobs[j].Gpus)));
                sum += rho;
                worst = Math.Max(worst, rho);
                count++;
            }

            var expectedMean = count == 0 ? 0 : sum / count;
            return Math.Abs(mean - expectedMean) <= 1e-9 * Math.Max(1, expectedMean) && Math.Abs(max - worst) <= 1e-9 * Math.Max(1, worst);
        }, iter: 200);
    }
}

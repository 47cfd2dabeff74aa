using CsCheck;
using LlmCore.Scheduling.Metrics;
using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;

namespace LlmCore.Scheduling.Tests.Simulation;

/// <summary>
/// <see cref="SimulationStatistics.Compute(Trace, IReadOnlyList{JobOutcomeRecord}, IReadOnlyList{JobRunSegment}, Cluster, ThroughputMatrix?)"/>:
/// finish-time fairness (Themis, Mahajan et al., NSDI 2020: ρ = JCT shared / JCT alone on 1/N of the cluster) and
/// per-GPU-type utilisation for a library user, as the simulator reports them.
/// </summary>
public class SimulationStatisticsClusterTests
{
    // Class X runs at 10 steps/s on a V100 (the reference) and 5 on a K80: relative speed 0.5 there.
    private const string MatrixJson = """
        { "referenceGpuType": "v100", "gpuTypes": ["v100", "k80"],
          "classes": { "X": { "v100": 10, "k80": 5 } } }
        """;

    /// <summary>Node 0: two K80s; node 1: two V100s.</summary>
    private static Cluster TwoTypes() => new([new NodeSpec("k", 2, "k80"), new NodeSpec("v", 2, "v100")]);

    // Two class-X jobs of 2 GPUs and 100 s (on V100s) arrive at 0: j1 runs on the V100 node over [0, 100], j2 on the
    // K80 node at half speed over [0, 200]. Makespan 200 s.
    private static (Trace Trace, JobOutcomeRecord[] Jobs, JobRunSegment[] Segments) TwoJobsOnTwoTypes() =>
        (new Trace([new TraceJob(new JobSpec("j1", 2) { JobClass = "X", Tenant = "t" }, 0, 100), new TraceJob(new JobSpec("j2", 2) { JobClass = "X", Tenant = "t" }, 0, 100)]),
            [new JobOutcomeRecord("j1", "t", 2, 0, 100), new JobOutcomeRecord("j2", "t", 2, 0, 200)],
            [new JobRunSegment("j1", "1:2", 2, 0, 100, RunOutcome.Completed), new JobRunSegment("j2", "0:2", 2, 0, 200, RunOutcome.Completed)]);

    // Utilisation: V100 2 GPUs × 100 s = 200 GPU-s over 2 GPUs × 200 s = 0.5; K80 2 × 200 = 400 over 2 × 200 = 1.
    // Jobs in the system: 2 over [0, 100), 1 over [100, 200].
    // With the matrix, the share of one 2-GPU job of X on the whole cluster is Σ n_t·speed_t = 2 × 0.5 + 2 × 1 = 3.
    //   j1: N = 2, rate = min(fastest 1, 3 / (2 × 2)) = 0.75, T_isolated = 100 / 0.75, ρ = 100 × 0.75 / 100 = 0.75.
    //   j2: N = (2 × 100 + 1 × 100) / 200 = 1.5, rate = min(1, 3 / (1.5 × 2)) = 1, T_isolated = 100, ρ = 200 / 100 = 2.
    //   Mean (0.75 + 2) / 2 = 1.375, max 2.
    // Without the matrix every GPU runs X at speed 1: share 4, j1 rate min(1, 4 / 4) = 1, ρ = 1; j2 rate 1, ρ = 2;
    //   mean 1.5, max 2.
    [Theory]
    [InlineData(true, 1.375, 2.0)]
    [InlineData(false, 1.5, 2.0)]
    public void TwoTypes_FinishTimeFairnessAndUtilisationByType_AsComputedByHand(bool withMatrix, double mean, double max)
    {
        var (trace, jobs, segments) = TwoJobsOnTwoTypes();

        var m = SimulationStatistics.Compute(trace, jobs, segments, TwoTypes(), withMatrix ? ThroughputMatrix.Parse(MatrixJson) : null);

        Assert.Equal(mean, m.FinishTimeFairnessMean, 12);
        Assert.Equal(max, m.FinishTimeFairnessMax, 12);
        Assert.Equal(2, m.UtilizationByGpuType.Count);
        Assert.Equal(0.5, m.UtilizationByGpuType["v100"], 12);
        Assert.Equal(1.0, m.UtilizationByGpuType["k80"], 12);
    }

    // The overload without the cluster keeps its documented behaviour (ρ 0, no per-type figures); every other figure is
    // the same with or without the cluster. Offered load: 2 × (2 × 100) GPU-s over 4 GPUs × an arrival span of 0 → 0.
    [Fact]
    public void WithoutCluster_LeavesClusterMetricsEmpty_AndTheRestEqual()
    {
        var (trace, jobs, segments) = TwoJobsOnTwoTypes();

        var plain = SimulationStatistics.Compute(trace, jobs, segments, 4);
        var full = SimulationStatistics.Compute(trace, jobs, segments, TwoTypes());

        Assert.Equal(0, plain.FinishTimeFairnessMean);
        Assert.Equal(0, plain.FinishTimeFairnessMax);
        Assert.Empty(plain.UtilizationByGpuType);
        Assert.Equal(plain.OfferedLoad, full.OfferedLoad);
        Assert.Equal(plain.LongestWaitSeconds, full.LongestWaitSeconds);
        Assert.Equal(plain.JainFairnessIndex, full.JainFairnessIndex);
        Assert.Equal(plain.Tenants, full.Tenants);
    }

    // The library path must give what the simulator reports when every job completes (the simulator counts the jobs its
    // engine holds, the library the jobs submitted and not completed: the same then). A contended mix of two classes on
    // the K80 + V100 cluster, agnostic and aware, FIFO and LAS with preemption (preempted segments included).
    [Theory]
    [InlineData("fifo", false)]
    [InlineData("fifo", true)]
    [InlineData("las", false)]
    [InlineData("las", true)]
    public void EqualsTheSimulator_WhenEveryJobCompletes(string policyName, bool aware)
    {
        const string matrixJson = """
            { "referenceGpuType": "v100", "gpuTypes": ["v100", "k80"],
              "classes": { "A": { "v100": 10, "k80": 2 }, "B": { "v100": 4, "k80": 4 } } }
            """;
        var matrix = ThroughputMatrix.Parse(matrixJson);
        var cluster = TwoTypes();
        var specs = new List<TraceJob>();
        var random = new Random(18);
        for (var i = 0; i < 30; i++)
        {
            specs.Add(new TraceJob(new JobSpec($"j{i}", 1 + random.Next(2)) { JobClass = i % 3 == 0 ? "B" : "A", Tenant = $"t{i % 2}" }, i * 20, 30 + random.Next(200)));
        }

        var trace = new Trace(specs);
        var policy = SchedulingPolicy.Create(policyName, backfill: false, preemption: true) with { Throughputs = matrix, HeterogeneityAware = aware };
        var r = new Simulator(cluster, policy, new SimulationOptions { CheckpointInterval = TimeSpan.FromSeconds(10), RestartCost = TimeSpan.FromSeconds(5) }).Run(trace);
        Assert.Equal(trace.Jobs.Count, r.Metrics.Completed);

        var m = SimulationStatistics.Compute(trace, r.Jobs, [.. r.Segments, .. r.OpenSegments], cluster, matrix);

        Assert.Equal(r.Details.FinishTimeFairnessMean, m.FinishTimeFairnessMean, 9);
        Assert.Equal(r.Details.FinishTimeFairnessMax, m.FinishTimeFairnessMax, 9);
        Assert.Equal(r.Details.UtilizationByGpuType.Keys.Order(), m.UtilizationByGpuType.Keys.Order());
        foreach (var (type, utilisation) in r.Details.UtilizationByGpuType)
        {
            Assert.Equal(utilisation, m.UtilizationByGpuType[type], 9);
        }

        Assert.Equal(r.Details.JainFairnessIndex, m.JainFairnessIndex, 12);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2:1")]
    [InlineData("0:1;x:1")]
    [InlineData("0-1")]
    public void PlacementNotOnTheCluster_ThrowsNamingSegments(string placement)
    {
        var (trace, jobs, _) = TwoJobsOnTwoTypes();
        JobRunSegment[] segments = [new JobRunSegment("j1", placement, 1, 0, 100, RunOutcome.Completed)];

        var ex = Assert.Throws<ArgumentException>(() => SimulationStatistics.Compute(trace, jobs, segments, TwoTypes()));

        Assert.Equal("segments", ex.ParamName);
        Assert.Contains("nodes 0 to 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NullCluster_Throws()
    {
        var (trace, jobs, segments) = TwoJobsOnTwoTypes();

        Assert.Throws<ArgumentNullException>("cluster", () => SimulationStatistics.Compute(trace, jobs, segments, (Cluster)null!));
    }

    // One 4-GPU node; A and B arrive at 0, each needs all 4 GPUs for 10 s; A runs first (done at 10), B waits (done at 20).
    // A: 2 jobs in the system over [0, 10] → N = 2, rate min(1, 4 / (2·4)) = ½, alone 20 s, ρ = 10 / 20 = ½.
    // B: 2 jobs over [0, 10), 1 over [10, 20] → N = 30 / 20 = 1.5, rate ⅔, alone 15 s, ρ = 20 / 15 = 4/3.
    // (Moved from the CLI's schedule run tests, whose figures now come from this method.)
    [Fact]
    public void TwoFullClusterJobs_MatchesHandComputation()
    {
        var trace = new Trace([new TraceJob(new JobSpec("a", 4) { Tenant = "t" }, 0, 10), new TraceJob(new JobSpec("b", 4) { Tenant = "t" }, 0, 10)]);
        JobOutcomeRecord[] records = [new("a", "t", 4, 0, 10), new("b", "t", 4, 0, 20)];
        JobRunSegment[] segments = [new("a", "0:4", 4, 0, 10, RunOutcome.Completed), new("b", "0:4", 4, 10, 20, RunOutcome.Completed)];

        var m = SimulationStatistics.Compute(trace, records, segments, Cluster.Uniform(1, 4));

        Assert.Equal((0.5 + (4.0 / 3)) / 2, m.FinishTimeFairnessMean, 12);
        Assert.Equal(4.0 / 3, m.FinishTimeFairnessMax, 12);
        Assert.Equal(1.0, m.UtilizationByGpuType["GPU"], 12);
    }

    [Fact]
    public void FinishTimeFairness_EqualsTheSumOverEveryPairOfJobs()
    {
        // The definition written directly (one GPU type, no matrix): N = Σ_k |[submit_k, end_k) ∩ [submit, done]| / JCT,
        // a job that never completes counting until the end; ρ = JCT / (duration / min(1, GPUs / (N · gpus))). The
        // prefix-sum sweep must give the same value.
        var gen = Gen.Select(Gen.Double[0, 100], Gen.Double[0.5, 50], Gen.Double[0, 80], Gen.Int[1, 8], Gen.Bool)
            .Array[1, 40];
        const int gpus = 8;
        var cluster = Cluster.Uniform(1, gpus);
        gen.Sample(rows =>
        {
            var trace = new Trace(rows.Select((r, i) => new TraceJob(new JobSpec($"j{i}", r.Item4) { Tenant = "t" }, Math.Round(r.Item1), r.Item2)));
            var records = rows.Select((r, i) => new JobOutcomeRecord($"j{i}", "t", r.Item4, Math.Round(r.Item1), r.Item5 ? Math.Round(r.Item1) + r.Item2 + Math.Round(r.Item3) : null)).ToArray();

            var m = SimulationStatistics.Compute(trace, records, [], cluster);

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
                var rho = jct / (rows[j].Item2 / Math.Min(1, gpus / (n * records[j].Gpus)));
                sum += rho;
                worst = Math.Max(worst, rho);
                count++;
            }

            var expectedMean = count == 0 ? 0 : sum / count;
            return Math.Abs(m.FinishTimeFairnessMean - expectedMean) <= 1e-9 * Math.Max(1, expectedMean) && Math.Abs(m.FinishTimeFairnessMax - worst) <= 1e-9 * Math.Max(1, worst);
        }, iter: 200);
    }
}

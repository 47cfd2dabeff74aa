using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;

namespace LlmCore.Scheduling.Tests.Heterogeneity;

/// <summary>Throughput matrices, runs at the speed of their GPU type, heterogeneity-aware placement and service, finish-time fairness.</summary>
public class HeterogeneityTests
{
    // Class A loves the V100 (10 steps/s there, 2 on a K80: 0.2 of its speed); class B runs alike on both (4 and 4).
    private const string MatrixJson = """
        { "referenceGpuType": "v100", "gpuTypes": ["v100", "k80"],
          "classes": { "A": { "v100": 10, "k80": 2 }, "B": { "v100": 4, "k80": 4 } } }
        """;

    /// <summary>One K80 node listed first, then one V100 node, one GPU each.</summary>
    private static Cluster K80First() => new([new NodeSpec("k", 1, "k80"), new NodeSpec("v", 1, "v100")]);

    private static SimulationResult Simulate(Trace trace, bool aware, string policy = "fifo") =>
        new Simulator(K80First(), SchedulingPolicy.Create(policy, backfill: false, preemption: true) with { Throughputs = ThroughputMatrix.Parse(MatrixJson), HeterogeneityAware = aware },
            new SimulationOptions { CheckpointInterval = TimeSpan.FromSeconds(1), RestartCost = TimeSpan.Zero }).Run(trace);

    // A alone, 100 s on a V100. Agnostic placement tries the cluster's order, K80 first: A runs at 0.2 of its speed and
    // takes 500 s. Aware placement ranks types by A's speed relative to the mean speed of the classes there: V100 1 / 1,
    // K80 0.2 / 0.6; A lands on the V100 and takes 100 s.
    [Theory]
    [InlineData(false, "k80", 500)]
    [InlineData(true, "v100", 100)]
    public void V100LovingJob_LandsOnV100OnlyWhenAware(bool aware, string type, double completion)
    {
        var r = Simulate(new Trace([new TraceJob(new JobSpec("a", 1) { JobClass = "A" }, 0, 100)]), aware);

        var segment = Assert.Single(r.Segments);
        Assert.Equal(type == "k80" ? "0:1" : "1:1", segment.Placement);
        Assert.Equal(completion, r.Jobs.Single().CompletedSeconds!.Value, 9);
        Assert.Equal(type == "k80" ? 1.0 : 0.0, r.Details.UtilizationByGpuType["k80"], 9);
    }

    // B (indifferent) and A arrive together, B first. Aware: B's comparative advantage is the K80 (1 / 0.6 against
    // 1 / 1), A's the V100: both finish at 100 s. Agnostic: B takes the first type (K80), A the V100: the same here; but
    // with A first, agnostic sends A to the K80 (500 s) and B to the V100 (100 s), while aware still pairs them well.
    [Theory]
    [InlineData(false, 500)]
    [InlineData(true, 100)]
    public void TwoClasses_AwarePairsEachWithItsComparativeAdvantage(bool aware, double lastCompletion)
    {
        var trace = new Trace([new TraceJob(new JobSpec("a", 1) { JobClass = "A" }, 0, 100), new TraceJob(new JobSpec("b", 1) { JobClass = "B" }, 0, 100)]);

        var r = Simulate(trace, aware);

        Assert.Equal(lastCompletion, r.Jobs.Max(j => j.CompletedSeconds!.Value), 9);
    }

    // LAS counts service in normalised GPU-seconds when aware: a job crawling on a K80 (speed 0.2) for 100 s has 20
    // normalised GPU-seconds, under a 50 GPU-s threshold: still in the first queue. Agnostic, it has 100 and is demoted.
    [Fact]
    public void Las_Aware_CountsServiceInNormalisedGpuSeconds()
    {
        var cluster = K80First();
        var parameters = new PolicyParameters { LasThresholdsGpuSeconds = [50], LasStarvationFactor = 0 };
        foreach (var aware in new[] { false, true })
        {
            var policy = SchedulingPolicy.Create("las", parameters, backfill: false, preemption: true) with { Throughputs = ThroughputMatrix.Parse(MatrixJson), HeterogeneityAware = aware };
            var engine = new SchedulingEngine(cluster, policy, start: TestSim.T0);
            engine.Submit([new JobSpec("a", 1) { JobClass = "A", GpuTypes = ["k80"] }], TestSim.T0);
            var run = engine.RunPass(TestSim.T0).Starts.Single();
            Assert.Equal(0.2, run.Speed, 12);
            var job = engine.Jobs["a"];
            var context = new OrderingContext(TestSim.At(100), cluster, engine.Ledger, aware);
            Assert.Equal(100 * (aware ? 0.2 : 1), context.AttainedService(job), 9);
            var key = new double[1];
            policy.Ordering.ComputeKeys(context, [job], key);
            Assert.Equal(aware ? 0 : 1, key[0]);
        }
    }

    // Themis' finish-time fairness on one 4-GPU node: two 4-GPU jobs of 100 s at t = 0 run one after the other. Job 1
    // (0–100) shared the system with job 2 the whole time: N = 2, T_isolated = 100 × 2 = 200, ρ = 100 / 200 = 0.5.
    // Job 2 (done at 200) had N = (2 × 100 + 1 × 100) / 200 = 1.5: T_isolated = 150, ρ = 200 / 150 = 4/3.
    [Fact]
    public void FinishTimeFairness_TwoJobsInARow_AsComputedByHand()
    {
        var trace = new Trace([new TraceJob(new JobSpec("j1", 4), 0, 100), new TraceJob(new JobSpec("j2", 4), 0, 100)]);

        var r = new Simulator(Cluster.Uniform(1, 4), SchedulingPolicy.Create("fifo")).Run(trace);

        Assert.Equal((0.5 + (4.0 / 3)) / 2, r.Details.FinishTimeFairnessMean, 9);
        Assert.Equal(4.0 / 3, r.Details.FinishTimeFairnessMax, 9);
        Assert.Equal(1.0, r.Details.UtilizationByGpuType["GPU"], 9);
    }

    [Fact]
    public void ThroughputMatrix_GivesRelativeSpeeds()
    {
        var m = ThroughputMatrix.Parse(MatrixJson);

        Assert.Equal("v100", m.ReferenceGpuType);
        Assert.Equal(["A", "B"], m.JobClasses);
        Assert.Equal(0.2, m.RelativeSpeed("A", "K80"), 12);
        Assert.Equal(1.0, m.RelativeSpeed("b", "k80"), 12);
        Assert.Equal(2, m.Throughput("A", "k80"), 12);
        Assert.Throws<ArgumentException>(() => m.Throughput("C", "k80"));
    }

    [Theory]
    [InlineData("{ \"gpuTypes\": [\"v100\"], \"classes\": { \"A\": { \"v100\": 0 } } }", 1, "must run on the reference GPU type v100")]
    [InlineData("{ \"gpuTypes\": [\"v100\", \"k80\"], \"classes\": { \"A\": { \"v100\": 1 } } }", 1, "gives no throughput for GPU type k80")]
    [InlineData("{ \"gpuTypes\": [\"v100\"],\n \"classes\": { \"A\": { \"v100\": 1, \"h100\": 2 } } }", 2, "names GPU type 'h100'")]
    [InlineData("{ \"gpuTypes\": [\"v100\"], \"referenceGpuType\": \"k80\", \"classes\": {} }", 1, "\"referenceGpuType\" 'k80' is not one of")]
    [InlineData("{ \"classes\": {} }", 1, "missing \"gpuTypes\"")]
    [InlineData("{ \"gpuTypes\": [\"v100\"],\n \"refrenceGpuType\": \"v100\", \"classes\": {} }", 2, "unknown key 'refrenceGpuType' in the throughput file")]
    public void ThroughputMatrix_MalformedFile_NamesLineAndProblem(string json, int line, string problem)
    {
        var ex = Assert.Throws<SchedulingFileException>(() => ThroughputMatrix.Parse(json, "t.json"));

        Assert.Equal(line, ex.Line);
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Engine_ClassMissingFromMatrix_IsRejected()
    {
        var policy = SchedulingPolicy.Create("fifo") with { Throughputs = ThroughputMatrix.Parse(MatrixJson) };
        var engine = new SchedulingEngine(K80First(), policy, start: TestSim.T0);

        var job = engine.Submit([new JobSpec("c", 1) { JobClass = "C" }], TestSim.T0).Single();

        Assert.Equal(JobState.Rejected, job.State);
        Assert.Contains("job class 'C' is not in the throughput matrix", job.Reason, StringComparison.Ordinal);
    }
}

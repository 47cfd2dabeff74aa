using LlmCore.Commercialization.Serving;
using LlmCore.Commercialization.Serving.Internal;
using static LlmCore.Commercialization.Tests.Serving.ServingTestFixtures;

namespace LlmCore.Commercialization.Tests.Serving;

// The front batcher (AMD's MLPerf v4.1 harness: mlcommons/inference_results_v4.1@a2f5d66d,
// closed/AMD/code/llama2-70b-99.9/VllmFp8/sync_sut.py, batch_samples_loop) against hand computation on the toy GPU and
// model of ServingTestFixtures. Iteration times are those of ServingSimulatorTests: one request of 100 prompt tokens
// prefills in 0.002004 s and its 4 later tokens take 0.0080164 s; two such prompts together prefill in 0.004008 s.
public class RequestBatcherTests
{
    private const double Tolerance = 1e-12;

    // The first deadline is the first arrival + timeout: A arrives at 0 and leaves at 0.05 s, so TTFT = 0.05 + 0.002004.
    [Fact]
    public void Simulate_OneRequest_WaitsForTheTimeoutThenPrefills()
    {
        var simulator = new ServingSimulator(Catalog());
        var deployment = Deployment() with { FrontBatcher = new RequestBatcher(96, 0.05) };

        var outcome = Assert.Single(simulator.Simulate(deployment, AtZero((100, 5))).RequestOutcomes);

        Assert.Equal(0.05 + 0.002004, outcome.TtftSeconds, Tolerance);
        Assert.Equal(0.0080164 / 4, outcome.TpotSeconds, Tolerance);
    }

    // A batch of two is full when B arrives at 1 ms: both leave then, together, for one replica (of two), and prefill in
    // one iteration of 0.004008 s. TTFT A = 0.001 + 0.004008, TTFT B = 0.004008.
    [Fact]
    public void Simulate_FullBatch_LeavesAtOnceForOneReplica()
    {
        var simulator = new ServingSimulator(Catalog());
        var deployment = Deployment(2) with { FrontBatcher = new RequestBatcher(2, 10.0) };
        var workload = new ServingWorkload([new ServingRequest(0, 100, 5), new ServingRequest(0.001, 100, 5)]);

        var outcomes = simulator.Simulate(deployment, workload).RequestOutcomes;

        Assert.Equal(0.001 + 0.004008, outcomes[0].TtftSeconds, Tolerance);
        Assert.Equal(0.004008, outcomes[1].TtftSeconds, Tolerance);
        Assert.Equal(outcomes[0].Replica, outcomes[1].Replica);
    }

    // Without a batcher the least-loaded router would put B on the idle second replica.
    [Fact]
    public void Simulate_WithoutBatcher_SpreadsTheSameRequests()
    {
        var simulator = new ServingSimulator(Catalog());
        var workload = new ServingWorkload([new ServingRequest(0, 100, 5), new ServingRequest(0.001, 100, 5)]);

        var outcomes = simulator.Simulate(Deployment(2), workload).RequestOutcomes;

        Assert.NotEqual(outcomes[0].Replica, outcomes[1].Replica);
    }

    // Round robin over batches (AMD's next_device_id): batches of two go to replicas 0, 1, 0.
    [Fact]
    public void Simulate_RoundRobin_SendsWholeBatchesInTurn()
    {
        var simulator = new ServingSimulator(Catalog());
        var deployment = Deployment(2) with { Routing = RoutingPolicy.RoundRobin, FrontBatcher = new RequestBatcher(2, 1.0) };
        var workload = new ServingWorkload(Enumerable.Range(0, 6).Select(static i => new ServingRequest(0, 10, 2)));

        var replicas = simulator.Simulate(deployment, workload).RequestOutcomes.Select(static o => o.Replica).ToArray();

        Assert.Equal([0, 0, 1, 1, 0, 0], replicas);
    }

    // A leaves at its deadline 0.01 s and finishes at 0.01 + 0.002004 + 0.0080164. The batcher's next deadline (0.02 s)
    // passes with nothing waiting, so B, arriving at 0.5 s, leaves at once: TTFT B = 0.002004 (the replica is idle).
    [Fact]
    public void Simulate_ArrivalAfterAnEmptyDeadline_LeavesAtOnce()
    {
        var simulator = new ServingSimulator(Catalog());
        var deployment = Deployment() with { FrontBatcher = new RequestBatcher(96, 0.01) };
        var workload = new ServingWorkload([new ServingRequest(0, 100, 5), new ServingRequest(0.5, 100, 5)]);

        var outcomes = simulator.Simulate(deployment, workload).RequestOutcomes;

        Assert.Equal(0.01 + 0.002004, outcomes[0].TtftSeconds, Tolerance);
        Assert.Equal(0.002004, outcomes[1].TtftSeconds, Tolerance);
    }

    // Arrivals at 0, 0.04 and 0.07 with a 0.05 s timeout: A and B leave at 0.05 (deadline 0 + 0.05); C waits for the next
    // deadline 0.05 + 0.05 = 0.10, so its wait is 0.03 s and its TTFT 0.03 + 0.002004 (the replica is idle again by
    // then: A and B finish at 0.05 + 0.004008 + 0.0080328 = 0.0620408).
    [Fact]
    public void Simulate_TimeoutRunsFromThePreviousRelease()
    {
        var simulator = new ServingSimulator(Catalog());
        var deployment = Deployment() with { FrontBatcher = new RequestBatcher(96, 0.05) };
        var workload = new ServingWorkload([new ServingRequest(0, 100, 5), new ServingRequest(0.04, 100, 5), new ServingRequest(0.07, 100, 5)]);

        var outcomes = simulator.Simulate(deployment, workload).RequestOutcomes;

        Assert.Equal(0.05 + 0.004008, outcomes[0].TtftSeconds, Tolerance);
        Assert.Equal(0.01 + 0.004008, outcomes[1].TtftSeconds, Tolerance);
        Assert.Equal(0.03 + 0.002004, outcomes[2].TtftSeconds, Tolerance);
    }

    [Theory]
    [InlineData(0, 0.3)]
    [InlineData(96, 0.0)]
    [InlineData(96, double.NaN)]
    [InlineData(96, double.PositiveInfinity)]
    public void Constructor_OutOfRange_Throws(int maxRequests, double timeout) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RequestBatcher(maxRequests, timeout));

    [Fact]
    public void Validate_DeploymentWithABadBatcher_Throws()
    {
        var deployment = Deployment() with { FrontBatcher = new RequestBatcher(96, 0.3) with { TimeoutSeconds = -1 } };

        var error = Assert.Throws<ArgumentOutOfRangeException>(deployment.Validate);
        Assert.Equal("TimeoutSeconds", error.ParamName);
    }

    // AMD's harness defaults: --gpu-batch-size 96, --batcher-threshold 0.3 (mainVllmFp8_SyncServer.py).
    [Fact]
    public void AmdMlPerfV41_IsTheHarnessDefaults()
    {
        Assert.Equal(96, RequestBatcher.AmdMlPerfV41.MaxRequests);
        Assert.Equal(0.3, RequestBatcher.AmdMlPerfV41.TimeoutSeconds);
        Assert.Contains("front batcher: batches of ≤ 96 or every 0.3 s", (Deployment() with { FrontBatcher = RequestBatcher.AmdMlPerfV41 }).ToString(), StringComparison.Ordinal);
    }

    // The mean prompt of MLPerf's OpenOrca set: 5,463,976 tokens over 24,576 prompts (FlashLab-MBZUAI/HBFSim@96cf1b37,
    // validation/calibration/h100-llama2-70b-calibration-protocol.json) = 222.33, rounded to 222.
    [Fact]
    public void MlPerfOpenOrca_MeanPromptIsTheRoundedPublishedSum()
    {
        var mean = (int)Math.Round(5_463_976 / 24_576.0);
        Assert.Equal(222, mean);
        Assert.Equal(mean, MlPerfOpenOrca.Input.Sample(new Random(1)));
        Assert.InRange(MlPerfOpenOrca.MeanInputTokens, MlPerfOpenOrca.MinInputTokens, MlPerfOpenOrca.MaxInputTokens);
    }
}

using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;
using LlmCore.Commercialization.Serving;
using static LlmCore.Commercialization.Tests.Serving.ServingTestFixtures;

namespace LlmCore.Commercialization.Tests.Serving;

// Expected values are hand-computed from the iteration-time formulas in the remarks of ServingSimulator, on the toy GPU
// (100 TFLOP/s, 1 TB/s) and toy model (1e9 parameters = 2 GB FP16, L = 10, h = 1000, K = 40,000 B/token) of
// ServingTestFixtures, with η = 1 and the pure roofline max(compute, memory).
public class ServingSimulatorTests
{
    private const double Tolerance = 1e-12;

    // Prefill of 100 tokens: linear max(2·1e9·100/1e14 = 2e-3, 2e9/1e12 = 2e-3) = 2e-3 s; attention: pairs 100·101/2 = 5,050,
    // compute 4·10·1000·5050/1e14 = 2.02e-6, memory 40,000·100/1e12 = 4e-6 → 4e-6. TTFT = 0.002004 s.
    // Decode with c cached tokens: linear max(2e-5, 2e-3) = 2e-3; attention max(4·10·1000·(c+1)/1e14 = 4e-10·(c+1),
    // 40,000·(c+1)/1e12 = 4e-8·(c+1)) = 4e-8·(c+1). Four decode steps at c + 1 = 101..104: 4·2e-3 + 4e-8·410 = 0.0080164 s,
    // TPOT = 0.0020041 s.
    [Fact]
    public void Simulate_OneRequestAlone_TtftIsThePrefillAndTpotOneDecodeIteration()
    {
        var simulator = new ServingSimulator(Catalog());
        var result = simulator.Simulate(Deployment(), AtZero((100, 5)));

        var outcome = Assert.Single(result.RequestOutcomes);
        Assert.Equal(0.002004, outcome.TtftSeconds, Tolerance);
        Assert.Equal(0.0080164 / 4, outcome.TpotSeconds, Tolerance);
        Assert.Equal(0.002004 + 0.0080164, outcome.EndToEndSeconds, Tolerance);
        Assert.Equal(5, result.Iterations);
        Assert.Equal(0, result.Preemptions);
        Assert.Equal(5, result.OutputTokens);
    }

    // Both prefills share one iteration: T = 200: linear max(4e-3, 2e-3) = 4e-3; attention pairs 10,100 → 4.04e-6 against
    // 40,000·200/1e12 = 8e-6 → 8e-6. TTFT = 0.004008 s for both. Decode steps with two sequences: linear 2e-3 (memory-bound),
    // attention memory-bound 8e-8·(c+1): 4·2e-3 + 8e-8·410 = 0.0080328 s, TPOT = 0.0020082 s.
    [Fact]
    public void Simulate_TwoRequestsBatched_ShareEveryIteration()
    {
        var simulator = new ServingSimulator(Catalog());
        var result = simulator.Simulate(Deployment(), AtZero((100, 5), (100, 5)));

        Assert.All(result.RequestOutcomes, o =>
        {
            Assert.Equal(0.004008, o.TtftSeconds, Tolerance);
            Assert.Equal(0.0080328 / 4, o.TpotSeconds, Tolerance);
            Assert.Equal(0.004008 + 0.0080328, o.CompletionSeconds, Tolerance);
        });
        Assert.Equal(5, result.Iterations);
    }

    // Streaming adds StreamingSecondsPerSequence (here 1e-4 s) per sequence of every iteration to the cases above. One
    // request: the prefill iteration 0.002004 + 1e-4 = 0.002104 s, each of the four decode steps 1e-4 s longer, TPOT
    // 0.0020041 + 1e-4 = 0.0021041 s. Two batched requests: 2e-4 s more per iteration, TTFT 0.004008 + 2e-4 = 0.004208 s,
    // TPOT 0.0020082 + 2e-4 = 0.0022082 s.
    [Fact]
    public void Simulate_StreamTokens_AddsTheStreamingCostPerSequenceToEveryIteration()
    {
        var simulator = new ServingSimulator(Catalog());
        var streaming = Deployment() with { StreamTokens = true, Efficiency = Ideal with { StreamingSecondsPerSequence = 1e-4 } };

        var alone = Assert.Single(simulator.Simulate(streaming, AtZero((100, 5))).RequestOutcomes);
        Assert.Equal(0.002104, alone.TtftSeconds, Tolerance);
        Assert.Equal(0.0021041, alone.TpotSeconds, Tolerance);

        Assert.All(simulator.Simulate(streaming, AtZero((100, 5), (100, 5))).RequestOutcomes, o =>
        {
            Assert.Equal(0.004208, o.TtftSeconds, Tolerance);
            Assert.Equal(0.0022082, o.TpotSeconds, Tolerance);
        });
    }

    // Without StreamTokens the same factors give the unstreamed times of the single-request case: an offline run pays nothing.
    [Fact]
    public void Simulate_WithoutStreamTokens_IgnoresTheStreamingCost()
    {
        var simulator = new ServingSimulator(Catalog());
        var deployment = Deployment() with { Efficiency = Ideal with { StreamingSecondsPerSequence = 1e-4 } };

        var outcome = Assert.Single(simulator.Simulate(deployment, AtZero((100, 5))).RequestOutcomes);
        Assert.False(deployment.StreamTokens);
        Assert.Equal(0.002004, outcome.TtftSeconds, Tolerance);
        Assert.Equal(0.0020041, outcome.TpotSeconds, Tolerance);
    }

    [Theory]
    [InlineData(-1e-6)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Validate_BadStreamingCost_ThrowsNamingIt(double seconds)
    {
        var efficiency = Ideal with { StreamingSecondsPerSequence = seconds };
        var exception = Assert.ThrowsAny<ArgumentException>(efficiency.Validate);
        Assert.Equal(nameof(ServingEfficiency.StreamingSecondsPerSequence), exception.ParamName);
    }

    // The KV cache holds exactly 104 tokens = I + O − 1 of request A (100 + 5 − 1), block size 1. B (10 + 2) arrives with A;
    // admission control needs room for B's whole prompt (10 blocks) and only 4 are free, so B waits until A finishes at
    // 0.0100204 s (see the single-request case). B alone: prefill linear max(2e-4, 2e-3) = 2e-3, attention max(4e4·55/1e14
    // = 2.2e-8, 40,000·10/1e12 = 4e-7) → 0.0020004; one decode at c = 10: 2e-3 + 4e-8·11 = 0.00200044.
    [Fact]
    public void Simulate_KvCacheExactlyFullThenOneMore_TheNewRequestWaits()
    {
        var simulator = new ServingSimulator(Catalog(kvTokens: 104));
        var result = simulator.Simulate(Deployment(), AtZero((100, 5), (10, 2)));

        var a = result.RequestOutcomes[0];
        var b = result.RequestOutcomes[1];
        Assert.Equal(0.0100204, a.CompletionSeconds, Tolerance);
        Assert.Equal(0.0100204 + 0.0020004, b.FirstTokenSeconds, Tolerance);
        Assert.Equal(0.0100204 + 0.0020004 + 0.00200044, b.CompletionSeconds, Tolerance);
        Assert.Equal(0, result.Preemptions);
        Assert.Equal(1.0, result.PeakKvCacheUtilization, Tolerance);
        Assert.Equal(104, result.KvCacheTokensPerReplica);
    }

    // Both prompts (50 each) fit the 104-token cache, but their decodes grow it by two tokens per step: after two steps it is
    // full (52 + 52), so the third step preempts B (admitted last). B re-enters the queue to recompute its 50 + 3 tokens and
    // cannot be admitted again until A (which grows to 99 tokens) has finished.
    [Fact]
    public void Simulate_DecodesOutgrowTheCache_PreemptsTheLatestAndRecomputesItLater()
    {
        var simulator = new ServingSimulator(Catalog(kvTokens: 104));
        var result = simulator.Simulate(Deployment(), AtZero((50, 50), (50, 50)));

        var a = result.RequestOutcomes[0];
        var b = result.RequestOutcomes[1];
        Assert.Equal(1, result.Preemptions);
        Assert.Equal(0, a.Preemptions);
        Assert.Equal(1, b.Preemptions);
        Assert.Equal(a.FirstTokenSeconds, b.FirstTokenSeconds, Tolerance);
        Assert.True(b.CompletionSeconds > a.CompletionSeconds);
        Assert.Equal(100, result.OutputTokens);
        Assert.Equal(2, result.Completed);
    }

    [Fact]
    public void Simulate_ReserveFullSequence_NeverPreempts()
    {
        var simulator = new ServingSimulator(Catalog(kvTokens: 104));
        var deployment = Deployment() with { Admission = AdmissionPolicy.ReserveFullSequence };
        var result = simulator.Simulate(deployment, AtZero((50, 50), (50, 50)));

        Assert.Equal(0, result.Preemptions);
        Assert.True(result.RequestOutcomes[1].FirstTokenSeconds >= result.RequestOutcomes[0].CompletionSeconds);
    }

    // A single request on one prefill and one decode replica: the prefill replica emits the first token exactly as an
    // aggregated replica would, the 100 cached tokens (4 MB) move at the default 50 GB/s in 8e-5 s, and the decode
    // replica then runs the same four decode steps.
    [Fact]
    public void Simulate_DisaggregatedSingleRequest_EqualsAggregatedPlusTransferTime()
    {
        var simulator = new ServingSimulator(Catalog());
        var aggregated = simulator.Simulate(Deployment(), AtZero((100, 5))).RequestOutcomes[0];
        var disaggregated = simulator.Simulate(Deployment(2) with { PrefillReplicas = 1 }, AtZero((100, 5))).RequestOutcomes[0];

        var transfer = 100 * ToyKvBytesPerToken / ServingDeployment.DefaultKvTransferBytesPerSecondPerGpu;
        Assert.Equal(8e-5, transfer, Tolerance);
        Assert.Equal(aggregated.TtftSeconds, disaggregated.TtftSeconds, Tolerance);
        Assert.Equal(aggregated.EndToEndSeconds + transfer, disaggregated.EndToEndSeconds, Tolerance);
        Assert.Equal(0, disaggregated.Replica);
    }

    [Fact]
    public void Simulate_SameSeed_GivesTheSameRun()
    {
        var simulator = new ServingSimulator();
        var deployment = new ServingDeployment(ModelPresets.Llama31_8B, "H100-SXM", 1, 1, 2) { WeightPrecision = NumericPrecision.Fp8 };
        ServingSimulationResult Run(int seed) => simulator.Simulate(deployment, ServingWorkload.Poisson(20, 400, TokenLengths.Uniform(100, 900), TokenLengths.Uniform(20, 200), seed));

        var first = Run(7);
        var again = Run(7);
        var other = Run(8);

        Assert.Equal(first.RequestOutcomes, again.RequestOutcomes);
        Assert.Equal(first.Ttft, again.Ttft);
        Assert.NotEqual(first.RequestOutcomes, other.RequestOutcomes);
    }

    // Little's law L = λW (Little 1961) on a stable fleet: the time-average of requests in the system over the middle of the
    // run, from the outcomes, against the configured Poisson rate times the mean latency of the requests that arrived in
    // that window. Fixed seed, so the check is deterministic; the 5% tolerance covers the edge effects of a finite window.
    [Fact]
    public void Simulate_SteadyState_SatisfiesLittlesLaw()
    {
        const double rate = 12;
        var simulator = new ServingSimulator();
        var deployment = new ServingDeployment(ModelPresets.Llama31_8B, "H100-SXM", 1, 1, 2) { WeightPrecision = NumericPrecision.Fp8 };
        var result = simulator.Simulate(deployment, ServingWorkload.Poisson(rate, 6000, TokenLengths.Fixed(500), TokenLengths.Uniform(50, 250), seed: 3));

        var outcomes = result.RequestOutcomes;
        var start = outcomes[1000].ArrivalSeconds;
        var end = outcomes[5000].ArrivalSeconds;

        // N(t) by a sweep over arrivals (+1) and completions (−1), sampled on a fine grid of the window.
        var changes = outcomes.SelectMany(static o => new[] { (Time: o.ArrivalSeconds, Delta: 1), (Time: o.CompletionSeconds, Delta: -1) })
            .OrderBy(static c => c.Time).ThenBy(static c => c.Delta).ToArray();
        const int samples = 20_000;
        var inSystem = 0.0;
        var count = 0;
        var next = 0;
        for (var s = 0; s < samples; s++)
        {
            var t = start + ((end - start) * (s + 0.5) / samples);
            while (next < changes.Length && changes[next].Time <= t)
            {
                count += changes[next++].Delta;
            }

            inSystem += count;
        }

        var l = inSystem / samples;
        var w = outcomes.Where(o => o.ArrivalSeconds >= start && o.ArrivalSeconds < end).Average(static o => o.EndToEndSeconds);
        Assert.InRange(l / (rate * w), 0.95, 1.05);
    }

    [Fact]
    public void Simulate_HigherRate_NeverLowersLatency()
    {
        var simulator = new ServingSimulator();
        var deployment = new ServingDeployment(ModelPresets.Llama31_8B, "H100-SXM") { WeightPrecision = NumericPrecision.Fp8 };
        var previous = default(ServingSimulationResult);
        foreach (var rate in new[] { 1.0, 4.0, 8.0, 16.0, 24.0 })
        {
            var result = simulator.Simulate(deployment, ServingWorkload.Poisson(rate, 800, TokenLengths.Fixed(800), TokenLengths.Fixed(150), seed: 11));
            if (previous is not null)
            {
                Assert.True(result.Ttft.Mean >= previous.Ttft.Mean, $"mean TTFT fell from {previous.Ttft.Mean} to {result.Ttft.Mean} at {rate}/s");
                Assert.True(result.Tpot.Mean >= previous.Tpot.Mean, $"mean TPOT fell from {previous.Tpot.Mean} to {result.Tpot.Mean} at {rate}/s");
                Assert.True(result.EndToEnd.P99 >= previous.EndToEnd.P99, $"p99 latency fell at {rate}/s");
            }

            previous = result;
        }
    }

    [Fact]
    public void Simulate_Cost_IsGpuHoursTimesPrice()
    {
        var simulator = new ServingSimulator(Catalog());
        var result = simulator.Simulate(Deployment(3), AtZero((100, 5)));

        Assert.Equal(3, result.GpuCount);
        Assert.Equal(3 * result.DurationSeconds / 3600, result.GpuHours, Tolerance);
        Assert.Equal(result.GpuHours * 2.0, result.CostUsd, Tolerance);
        Assert.Equal(result.CostUsd / 5 * 1e6, result.CostPerMillionOutputTokensUsd, 1e-9);
        Assert.Null(result.CostPerMillionOutputTokensAtOfferedLoadUsd);
    }

    [Fact]
    public void Simulate_Slo_CountsGoodput()
    {
        var simulator = new ServingSimulator(Catalog());
        var options = new ServingSimulationOptions { Slo = new ServingSlo(0.003, 0.01) };
        var result = simulator.Simulate(Deployment(), AtZero((100, 5), (100, 5), (100, 5)), options);

        // The three prompts share the first iteration (T = 300, compute-bound: 6e-3 s), so no TTFT is within 3 ms; TPOTs are about 2 ms.
        Assert.Equal(0.0, result.SloAttainment);
        Assert.False(result.MeetsSlo);
        var relaxed = simulator.Simulate(Deployment(), AtZero((100, 5), (100, 5), (100, 5)), new ServingSimulationOptions { Slo = new ServingSlo(0.01, 0.01) });
        Assert.Equal(1.0, relaxed.SloAttainment);
        Assert.True(relaxed.MeetsSlo);
        Assert.Equal(3 / relaxed.DurationSeconds, relaxed.GoodputRequestsPerSecond!.Value, 1e-9);
    }

    [Fact]
    public void Simulate_TensorParallel_AddsTheAllReduceTerm()
    {
        // TP2 on the toy GPU: per rank half the FLOPs and weights; one decode token (c = 100) adds 2·L = 20 all-reduces of
        // 1·1000·2 bytes each moving 2(t−1)/t = 1 × message over the link: 20·2000/(100e9/2) = 8e-7 s.
        var simulator = new ServingSimulator(Catalog());
        var tp2 = new ServingDeployment(ToyModel, "Toy", 2, 1, 1) { Efficiency = Ideal, BlockSize = 1, KvCacheMemoryFraction = 1.0, PricePerGpuHourUsd = 1 };
        var result = simulator.Simulate(tp2, AtZero((100, 2)));

        // Prefill T = 100: linear max(1e-3, 1e-3) = 1e-3, attention max(1.01e-6, 2e-6) = 2e-6, all-reduce 20·200,000/5e10 = 8e-5.
        // Decode at c = 100: linear max(1e-5, 1e-3) = 1e-3, attention max(2.02e-8, 2.02e-6) = 2.02e-6, all-reduce 8e-7.
        var outcome = result.RequestOutcomes[0];
        Assert.Equal(1e-3 + 2e-6 + 8e-5, outcome.TtftSeconds, Tolerance);
        Assert.Equal(1e-3 + 2.02e-6 + 8e-7, outcome.TpotSeconds, Tolerance);
    }

    [Fact]
    public void Simulate_InterconnectOverride_ScalesOnlyTheAllReduceTerm()
    {
        // The same TP2 request with the pair joined at 25 GB/s instead of the toy GPU's 100 GB/s: the all-reduce term is
        // 4× (prefill 20·200,000/(25e9/2) = 3.2e-4 s, decode 20·2,000/1.25e10 = 3.2e-6 s); compute and memory terms as before.
        var simulator = new ServingSimulator(Catalog());
        var tp2 = new ServingDeployment(ToyModel, "Toy", 2, 1, 1) { Efficiency = Ideal, BlockSize = 1, KvCacheMemoryFraction = 1.0, PricePerGpuHourUsd = 1, InterconnectBytesPerSecond = 25e9 };
        var outcome = simulator.Simulate(tp2, AtZero((100, 2))).RequestOutcomes[0];

        Assert.Equal(1e-3 + 2e-6 + 3.2e-4, outcome.TtftSeconds, Tolerance);
        Assert.Equal(1e-3 + 2.02e-6 + 3.2e-6, outcome.TpotSeconds, Tolerance);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e9)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Validate_InterconnectNotPositiveFinite_ThrowsNamingIt(double bytesPerSecond)
    {
        var deployment = Deployment() with { InterconnectBytesPerSecond = bytesPerSecond };

        var error = Assert.ThrowsAny<ArgumentException>(deployment.Validate);

        Assert.Equal(nameof(ServingDeployment.InterconnectBytesPerSecond), error.ParamName);
    }

    [Fact]
    public void Simulate_RoundRobin_AlternatesReplicas()
    {
        var simulator = new ServingSimulator(Catalog());
        var deployment = Deployment(2) with { Routing = RoutingPolicy.RoundRobin };
        var workload = new ServingWorkload(Enumerable.Range(0, 4).Select(static i => new ServingRequest(i, 10, 2)));

        var replicas = simulator.Simulate(deployment, workload).RequestOutcomes.Select(static o => o.Replica).ToArray();

        Assert.Equal([0, 1, 0, 1], replicas);
    }

    // Shared queue against the router, hand-computed. A (100, 5) arrives at 0 and B (100, 5) at 0.001: each finds an idle
    // replica (A replica 0, B replica 1; both policies agree). Replica 0: prefill 0–0.002004, first decode (c + 1 = 101)
    // 2e-3 + 4e-8·101 = 0.00200404 s, to 0.00400804. Replica 1: prefill 0.001–0.003004. C (100, 2) arrives at 0.0025,
    // when both are busy with one request each.
    // Shared queue: C waits in the queue and replica 1, the first to start an iteration (0.003004), takes it: B's first
    // decode (101 keys) and C's prefill run together, T = 101 tokens: linear max(2·1e9·101/1e14 = 2.02e-3, 2e-3) = 2.02e-3;
    // attention memory 40,000·(100 written + 101 read)/1e12 = 8.04e-6 against compute 4·10·1000·(5,050 + 101)/1e14 =
    // 2.0604e-6 → 8.04e-6; first token at 0.003004 + 0.00202804, TTFT 0.00253204 s.
    // Fewest outstanding: a tie (one each) goes to replica 0, whose decode ends at 0.00400804; then A's second decode
    // (102 keys) with C's prefill: 2.02e-3 + 40,000·(100 + 102)/1e12 = 0.00202808 s; TTFT 0.00603612 − 0.0025 = 0.00353612 s.
    [Fact]
    public void Simulate_SharedQueue_TheFirstReplicaToStartAnIterationTakesTheRequest()
    {
        var simulator = new ServingSimulator(Catalog());
        var workload = new ServingWorkload([new ServingRequest(0, 100, 5), new ServingRequest(0.001, 100, 5), new ServingRequest(0.0025, 100, 2)]);

        var shared = simulator.Simulate(Deployment(2) with { Routing = RoutingPolicy.SharedQueue }, workload).RequestOutcomes;
        var routed = simulator.Simulate(Deployment(2), workload).RequestOutcomes;

        Assert.Equal([0, 1, 1], shared.Select(static o => o.Replica));
        Assert.Equal(0.00253204, shared[2].TtftSeconds, Tolerance);
        Assert.Equal([0, 1, 0], routed.Select(static o => o.Replica));
        Assert.Equal(0.00353612, routed[2].TtftSeconds, Tolerance);
    }

    // A replica takes only what its batch has room for (the batch limit less the requests it holds). Batch limit 1, two
    // replicas, three requests (100, 5) at 0: replica 0 takes A, replica 1 takes B (the lowest index first), C waits in the
    // queue. Both finish at 0.002004 + 0.0080164 = 0.0100204 s; replica 0 plans first and takes C, whose prefill alone takes
    // 0.002004 s: TTFT 0.0120244 s.
    [Fact]
    public void Simulate_SharedQueue_TakesOnlyWhatTheBatchHasRoomFor()
    {
        var simulator = new ServingSimulator(Catalog());
        var deployment = Deployment(2) with { Routing = RoutingPolicy.SharedQueue, MaxBatch = 1 };

        var outcomes = simulator.Simulate(deployment, AtZero((100, 5), (100, 5), (100, 5))).RequestOutcomes;

        Assert.Equal([0, 1, 0], outcomes.Select(static o => o.Replica));
        Assert.Equal(0.002004, outcomes[0].TtftSeconds, Tolerance);
        Assert.Equal(0.002004, outcomes[1].TtftSeconds, Tolerance);
        Assert.Equal(0.0100204 + 0.002004, outcomes[2].TtftSeconds, Tolerance);
    }

    // Behind a front batcher (two requests or 1 s) the released batches join the shared queue. Three requests (100, 5) at 0:
    // the first two leave at once and idle replica 0 takes both (room for 64): one iteration of two prefills, TTFT 0.004008 s.
    // The third leaves at the deadline, 1 s; both replicas are idle again and replica 0 takes it: TTFT 1 + 0.002004 s.
    [Fact]
    public void Simulate_SharedQueue_BehindAFrontBatcher_TakesTheReleasedBatches()
    {
        var simulator = new ServingSimulator(Catalog());
        var deployment = Deployment(2) with { Routing = RoutingPolicy.SharedQueue, FrontBatcher = new RequestBatcher(2, 1.0) };

        var outcomes = simulator.Simulate(deployment, AtZero((100, 5), (100, 5), (100, 5))).RequestOutcomes;

        Assert.Equal([0, 0, 0], outcomes.Select(static o => o.Replica));
        Assert.Equal(0.004008, outcomes[0].TtftSeconds, Tolerance);
        Assert.Equal(0.004008, outcomes[1].TtftSeconds, Tolerance);
        Assert.Equal(1.002004, outcomes[2].TtftSeconds, Tolerance);
    }

    // With one replica (or one per pool when disaggregated) there is nothing to route: the shared queue gives exactly the
    // outcomes of the router, for a seeded Poisson stream that queues and preempts.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Simulate_SharedQueue_OneReplicaPerPool_EqualsTheRouter(bool disaggregated)
    {
        var simulator = new ServingSimulator(Catalog(kvTokens: 2_000));
        var deployment = disaggregated ? Deployment(2) with { PrefillReplicas = 1 } : Deployment();
        var workload = ServingWorkload.Poisson(400, 300, TokenLengths.Uniform(50, 400), TokenLengths.Uniform(2, 60), seed: 7);

        var routed = simulator.Simulate(deployment, workload);
        var shared = simulator.Simulate(deployment with { Routing = RoutingPolicy.SharedQueue }, workload);

        Assert.Equal(routed.RequestOutcomes, shared.RequestOutcomes);
        Assert.True(routed.Preemptions > 0 || routed.Ttft.P99 > 5 * routed.Ttft.P50, "the stream should queue");
    }

    [Fact]
    public void Simulate_PrefillFirst_RunsPrefillsWithoutDecodes()
    {
        // A decodes; B arrives at 1 ms. Under PrefillFirst the next iteration prefills B alone, so A's second token waits.
        var simulator = new ServingSimulator(Catalog());
        var workload = new ServingWorkload([new ServingRequest(0, 100, 3), new ServingRequest(0.001, 100, 2)]);
        var chunked = simulator.Simulate(Deployment(), workload).RequestOutcomes[0];
        var prefillFirst = simulator.Simulate(Deployment() with { Batching = BatchingPolicy.PrefillFirst }, workload).RequestOutcomes[0];

        Assert.True(prefillFirst.CompletionSeconds > chunked.CompletionSeconds);
    }

    [Fact]
    public void Simulate_RequestLargerThanTheCache_IsRejected()
    {
        var simulator = new ServingSimulator(Catalog(kvTokens: 50));
        var ex = Assert.Throws<ArgumentException>("workload", () => simulator.Simulate(Deployment(), AtZero((100, 5))));
        Assert.Contains("104 tokens", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_WeightsDoNotFit_IsRejected()
    {
        var simulator = new ServingSimulator();
        var deployment = new ServingDeployment(ModelPresets.Llama31_405B, "L40S");
        var ex = Assert.Throws<ArgumentException>("deployment", () => simulator.Simulate(deployment, AtZero((10, 10))));
        Assert.Contains("does not fit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_UnknownGpu_ThrowsUnknownGpuException()
    {
        var simulator = new ServingSimulator();
        Assert.Throws<UnknownGpuException>(() => simulator.Simulate(new ServingDeployment(ToyModel, "TPU-v9"), AtZero((10, 10))));
    }

    [Fact]
    public void Simulate_Fp8OnAGpuWithoutFp8_IsRejected()
    {
        var simulator = new ServingSimulator();
        var deployment = new ServingDeployment(ModelPresets.Llama31_8B, "A100-80GB") { WeightPrecision = NumericPrecision.Fp8 };
        Assert.Throws<ArgumentException>("deployment", () => simulator.Simulate(deployment, AtZero((10, 10))));
    }

    [Fact]
    public void Simulate_Progress_ReachesOne()
    {
        var simulator = new ServingSimulator(Catalog());
        var reports = new List<double>();
        simulator.Simulate(Deployment(), AtZero((100, 5), (100, 5)), progress: new SynchronousProgress(reports));
        Assert.Equal(1.0, reports[^1]);
        Assert.Equal(reports.Order(), reports);
    }

    [Fact]
    public void Simulate_Cancelled_Throws()
    {
        var simulator = new ServingSimulator();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var deployment = new ServingDeployment(ModelPresets.Llama31_8B, "H100-SXM");
        Assert.ThrowsAny<OperationCanceledException>(() => simulator.Simulate(deployment, ServingWorkload.Poisson(50, 20_000, TokenLengths.Fixed(100), TokenLengths.Fixed(100)), cancellationToken: cts.Token));
    }

    [Fact]
    public void Profile_ReportsTheMemoryLayout()
    {
        var profile = new ServingSimulator(Catalog(kvTokens: 104)).Profile(Deployment());
        Assert.Equal(2e9, profile.WeightBytesPerGpu);
        Assert.Equal(ToyKvBytesPerToken, profile.KvCacheBytesPerToken);
        Assert.Equal(104, profile.KvCacheTokens);
        Assert.True(profile.FitsInMemory);
    }

    private sealed class SynchronousProgress(List<double> reports) : IProgress<double>
    {
        public void Report(double value) => reports.Add(value);
    }
}

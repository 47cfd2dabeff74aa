using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;
using LlmCore.Commercialization.Serving;

namespace LlmCore.Commercialization.Tests.Serving;

public class DeploymentSearchTests
{
    private static DeploymentSearchRequest SmallGrid(double rate = 30, double ttft = 1.0, double tpot = 0.02) =>
        new(ModelPresets.Llama31_8B, rate, TokenLengths.Fixed(500), TokenLengths.Fixed(100), new ServingSlo(ttft, tpot))
        {
            Gpus = ["H100-SXM", "L40S"],
            Precisions = [NumericPrecision.Fp16, NumericPrecision.Fp8],
            GpusPerReplica = [1, 2],
            PipelineDegrees = [1],
            MaxBatches = [16, 64],
            TokenBudgets = [512, 2048],
            SimulatedRequests = 300,
            Seed = 5,
            MaxReplicas = 12,
        };

    [Fact]
    public void Search_Best_MeetsItsSloInAFreshSimulation()
    {
        var request = SmallGrid();
        var result = new DeploymentSearch().Search(request);

        Assert.True(result.Best.MeetsSlo);
        var workload = ServingWorkload.Poisson(request.RequestsPerSecond, request.SimulatedRequests, request.InputTokens, request.OutputTokens, request.Seed);
        var check = new ServingSimulator().Simulate(result.Best.Deployment, workload);
        Assert.True(check.Ttft.P99 <= request.Slo.TtftP99Seconds, $"p99 TTFT {check.Ttft.P99}");
        Assert.True(check.Tpot.P99 <= request.Slo.TpotP99Seconds, $"p99 TPOT {check.Tpot.P99}");
        Assert.Equal(result.Best.TtftP99Seconds, check.Ttft.P99);
    }

    // Exhaustive check of the pruning: every configuration of the grid that fits memory, at every replica count whose fleet
    // costs less than the answer, is simulated and must miss the target; configurations pruned for memory must be
    // rejected by the simulator itself.
    [Fact]
    public void Search_NoCheaperCandidateOfTheGrid_MeetsTheSlo()
    {
        var request = SmallGrid();
        var search = new DeploymentSearch();
        var result = search.Search(request);
        var state = search.Prepare(request);

        var checkedCandidates = 0;
        foreach (var candidate in state.Fitting)
        {
            for (var replicas = candidate.Template.IsDisaggregated ? 2 : 1; candidate.CostPerHour(replicas) < result.Best.CostPerHourUsd; replicas++)
            {
                var evaluation = search.Evaluate(candidate, replicas, state);
                Assert.False(evaluation.MeetsSlo, $"{evaluation.Deployment} costs {evaluation.CostPerHourUsd}/h < {result.Best.CostPerHourUsd}/h and meets the target");
                checkedCandidates++;
            }
        }

        Assert.True(checkedCandidates >= 5, $"only {checkedCandidates} cheaper candidates");
        Assert.Equal(state.Configurations - state.FittingCount, result.PrunedByMemory);
        Assert.True(result.PrunedByMemory + result.PrunedByLatency + result.PrunedByCost > 0);
    }

    [Fact]
    public void Search_Pareto_HoldsOnlyNonDominatedCandidatesCheapestFirst()
    {
        var result = new DeploymentSearch().Search(SmallGrid());

        Assert.Contains(result.Pareto, p => ReferenceEquals(p, result.Best) || (p.CostPerHourUsd == result.Best.CostPerHourUsd && p.TtftP99Seconds <= result.Best.TtftP99Seconds));
        Assert.Equal(result.Pareto.OrderBy(static p => p.CostPerHourUsd).Select(static p => p.CostPerHourUsd), result.Pareto.Select(static p => p.CostPerHourUsd));
        foreach (var p in result.Pareto)
        {
            Assert.DoesNotContain(result.Evaluated, o => o.CostPerHourUsd < p.CostPerHourUsd && o.TtftP99Seconds < p.TtftP99Seconds && o.TpotP99Seconds < p.TpotP99Seconds);
        }
    }

    [Fact]
    public void Search_CostPerMillionOutputTokens_IsTheFleetPriceOverTheOfferedTokens()
    {
        var result = new DeploymentSearch().Search(SmallGrid());
        var best = result.Best;
        var price = best.Deployment.PricePerGpuHourUsd!.Value;

        Assert.Equal(best.Deployment.GpuCount * price, best.CostPerHourUsd, 1e-9);
        Assert.Equal(best.CostPerHourUsd / 3600 / (30 * 100) * 1e6, best.CostPerMillionOutputTokensUsd, 1e-9);
    }

    [Fact]
    public void Search_ModelThatFitsNoReplica_ThrowsModelDoesNotFit()
    {
        var request = SmallGrid() with { Model = ModelPresets.Llama31_405B, Gpus = ["L40S"] };
        var ex = Assert.Throws<NoFeasibleDeploymentException>(() => new DeploymentSearch().Search(request));
        Assert.Equal(DeploymentSearchFailure.ModelDoesNotFit, ex.Reason);
        Assert.Contains("fits no deployment", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Search_UnreachableSlo_ThrowsSloUnreachableWithTheBounds()
    {
        var request = SmallGrid(ttft: 0.001, tpot: 0.03);
        var ex = Assert.Throws<NoFeasibleDeploymentException>(() => new DeploymentSearch().Search(request));
        Assert.Equal(DeploymentSearchFailure.SloUnreachable, ex.Reason);
        Assert.True(ex.LowestTtftP99Seconds > 0.001);
    }

    // StreamTokens reaches every candidate: the answer streams, and a fresh simulation of it with streaming gives the p99 TPOT
    // the search reported (the same deployment without streaming is faster by StreamingSecondsPerSequence per sequence).
    [Fact]
    public void Search_StreamTokens_SimulatesEveryCandidateStreaming()
    {
        var request = SmallGrid() with { StreamTokens = true };
        var result = new DeploymentSearch().Search(request);

        Assert.True(result.Best.Deployment.StreamTokens);
        Assert.All(result.Pareto, static e => Assert.True(e.Deployment.StreamTokens));
        var workload = ServingWorkload.Poisson(request.RequestsPerSecond, request.SimulatedRequests, request.InputTokens, request.OutputTokens, request.Seed);
        var streamed = new ServingSimulator().Simulate(result.Best.Deployment, workload);
        var whole = new ServingSimulator().Simulate(result.Best.Deployment with { StreamTokens = false }, workload);
        Assert.Equal(result.Best.TpotP99Seconds, streamed.Tpot.P99);
        Assert.True(whole.Tpot.Mean < streamed.Tpot.Mean, $"{whole.Tpot.Mean} against {streamed.Tpot.Mean}");
    }

    // Routing reaches every candidate: with a shared queue the answer pulls from one, and a fresh simulation of it gives the
    // p99 the search reported and meets the target.
    [Fact]
    public void Search_SharedQueue_SimulatesEveryCandidateWithIt()
    {
        var request = SmallGrid() with { Routing = RoutingPolicy.SharedQueue };
        var result = new DeploymentSearch().Search(request);

        Assert.Equal(RoutingPolicy.SharedQueue, result.Best.Deployment.Routing);
        Assert.All(result.Pareto, static e => Assert.Equal(RoutingPolicy.SharedQueue, e.Deployment.Routing));
        var workload = ServingWorkload.Poisson(request.RequestsPerSecond, request.SimulatedRequests, request.InputTokens, request.OutputTokens, request.Seed);
        var check = new ServingSimulator().Simulate(result.Best.Deployment, workload);
        Assert.Equal(result.Best.TtftP99Seconds, check.Ttft.P99);
        Assert.True(check.Ttft.P99 <= request.Slo.TtftP99Seconds && check.Tpot.P99 <= request.Slo.TpotP99Seconds);
    }

    [Fact]
    public void Request_UndefinedPolicies_AreRejectedByValidateNamingThem()
    {
        Assert.Throws<ArgumentOutOfRangeException>("Routing", (SmallGrid() with { Routing = (RoutingPolicy)7 }).Validate);
        Assert.Throws<ArgumentOutOfRangeException>("Admission", (SmallGrid() with { Admission = (AdmissionPolicy)7 }).Validate);
    }

    [Fact]
    public void Search_SameRequest_GivesTheSameAnswer()
    {
        var first = new DeploymentSearch().Search(SmallGrid());
        var again = new DeploymentSearch().Search(SmallGrid());
        Assert.Equal(first.Best, again.Best);
        Assert.Equal(first.Pareto.Count, again.Pareto.Count);
    }

    [Fact]
    public void Search_UnknownGpu_ThrowsUnknownGpuException()
    {
        Assert.Throws<UnknownGpuException>(() => new DeploymentSearch().Search(SmallGrid() with { Gpus = ["TPU-v9"] }));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Request_NonPositiveRate_Throws(double rate)
    {
        Assert.Throws<ArgumentOutOfRangeException>("requestsPerSecond", () => new DeploymentSearchRequest(ModelPresets.Llama31_8B, rate, TokenLengths.Fixed(1), TokenLengths.Fixed(1), new ServingSlo(1, 1)));
    }

    [Theory]
    [InlineData(0.0, 1.0, "ttftP99Seconds")]
    [InlineData(1.0, -0.5, "tpotP99Seconds")]
    [InlineData(double.PositiveInfinity, 1.0, "ttftP99Seconds")]
    public void Slo_NonPositiveTargets_Throw(double ttft, double tpot, string parameter)
    {
        Assert.Throws<ArgumentOutOfRangeException>(parameter, () => new ServingSlo(ttft, tpot));
    }

    [Fact]
    public void Request_EmptyGrid_IsRejectedByValidate()
    {
        var request = SmallGrid() with { MaxBatches = [] };
        Assert.Throws<ArgumentException>("MaxBatches", request.Validate);
    }
}

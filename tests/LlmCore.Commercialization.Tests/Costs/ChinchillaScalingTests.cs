using CsCheck;
using LlmCore.Commercialization.Costs;

namespace LlmCore.Commercialization.Tests.Costs;

public class ChinchillaScalingTests
{
    [Fact]
    public void ComputeOptimal_ChinchillaBudget_GivesChinchillaSizeAndData()
    {
        // Hoffmann et al. 2022 (arXiv:2203.15556), Tables 1 and 3, and llm-costs.json row chinchilla-70b: the Gopher
        // budget 5.76e23 FLOPs is spent compute-optimally on 70B parameters and 1.4T tokens.
        var row = CostReference.Row("training_runs", "chinchilla-70b");

        var allocation = ChinchillaScaling.ComputeOptimal(CostReference.Number(row, "reported_training_flops"));

        Assert.InRange(allocation.Parameters / CostReference.Number(row, "params_total"), 0.97, 1.03);
        Assert.InRange(allocation.Tokens / CostReference.Number(row, "training_tokens"), 0.97, 1.03);
    }

    [Fact]
    public void ComputeOptimal_SpendsTheWholeBudgetAtTheRatio()
    {
        Gen.Select(Gen.Double[1e18, 1e27], Gen.Double[1.0, 200.0]).Sample((flops, ratio) =>
        {
            var a = ChinchillaScaling.ComputeOptimal(flops, ratio);
            Assert.Equal(flops, a.Flops, 1e-9 * flops);
            Assert.Equal(ratio, a.Tokens / a.Parameters, 1e-9 * ratio);
        });
    }

    [Fact]
    public void OptimalTokens_IsTwentyPerParameter()
    {
        // Hoffmann et al. 2022: about 20 tokens per parameter (Chinchilla 70B on 1.4T tokens).
        Assert.Equal(1.4e12, ChinchillaScaling.OptimalTokens(70e9), 1.0);
    }

    [Fact]
    public void Loss_FallsWithParametersAndTokens_TowardsTheIrreducibleLoss()
    {
        // Hoffmann et al. 2022, Eq. 2 and §3.3: E = 1.69 is the loss of an ideal model on infinite data.
        Gen.Select(Gen.Double[1e6, 1e13], Gen.Double[1e6, 1e14], Gen.Double[1.01, 10]).Sample((n, d, f) =>
        {
            var loss = ChinchillaScaling.Loss(n, d);
            Assert.True(ChinchillaScaling.Loss(n * f, d) < loss);
            Assert.True(ChinchillaScaling.Loss(n, d * f) < loss);
            Assert.True(loss > 1.69);
        });
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void ComputeOptimal_BadBudget_Throws(double flops)
    {
        Assert.Equal("flops", Assert.Throws<ArgumentOutOfRangeException>(() => ChinchillaScaling.ComputeOptimal(flops)).ParamName);
    }
}

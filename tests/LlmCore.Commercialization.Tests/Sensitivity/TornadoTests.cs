using LlmCore.Commercialization.Sensitivity;

namespace LlmCore.Commercialization.Tests.Sensitivity;

public class TornadoTests
{
    // Tornado vector, computed by hand (and checked in Python): NPV over 3 years at 10% of annual profit
    // 12·((price − cost)·volume − fixed); base price $0.02, volume 3M/month, cost $0.0017, fixed $50k → NPV
    // $146,226.90; swings volume [2M, 4M] 1,092,225.39, price [0.015, 0.025] 895,266.72, fixed [40k, 70k]
    // 895,266.72, cost [0.001, 0.003] 179,053.34, r [8%, 15%] 17,279.67.
    private static double Npv(IReadOnlyList<double> x)
    {
        var (price, volume, cost, fixedCost, rate) = (x[0], x[1], x[2], x[3], x[4]);
        var annual = 12 * (((price - cost) * volume) - fixedCost);
        return (annual / (1 + rate)) + (annual / Math.Pow(1 + rate, 2)) + (annual / Math.Pow(1 + rate, 3));
    }

    private static readonly UncertainInput[] s_inputs =
    [
        new("price", 0.015, 0.02, 0.025),
        new("volume", 2e6, 3e6, 4e6),
        new("cost", 0.001, 0.0017, 0.003),
        new("fixed", 40_000, 50_000, 70_000),
        new("discount rate", 0.08, 0.10, 0.15),
    ];

    [Fact]
    public void Compute_ResearchVector_RanksVolumeFirstWithPublishedSwings()
    {
        var result = Tornado.Compute(Npv, s_inputs);

        Assert.Equal(146_226.90, result.BaseOutput, 0.01);
        Assert.Equal("volume", result.Bars[0].Input);
        var swing = result.Bars.ToDictionary(static b => b.Input, static b => b.Swing);
        Assert.Equal(1_092_225.39, swing["volume"], 0.01);
        Assert.Equal(895_266.72, swing["price"], 0.01);
        Assert.Equal(895_266.72, swing["fixed"], 0.01);
        Assert.Equal(179_053.34, swing["cost"], 0.01);
        Assert.Equal(17_279.67, swing["discount rate"], 0.01);
        Assert.Equal("discount rate", result.Bars[^1].Input);
    }

    // A constructed case: y = 10·a + 1·b + 0.1·c with equal ranges, so a drives the output most and c least,
    // whatever order the inputs are given in.
    [Fact]
    public void Compute_ConstructedCase_RanksMostInfluentialInputFirst()
    {
        UncertainInput[] inputs = [new("c", -1, 0, 1), new("a", -1, 0, 1), new("b", -1, 0, 1)];

        var result = Tornado.Compute(static x => (0.1 * x[0]) + (10 * x[1]) + x[2], inputs);

        Assert.Equal(["a", "b", "c"], result.Bars.Select(static b => b.Input));
        Assert.Equal(20, result.Bars[0].Swing, 1e-12);
    }

    [Fact]
    public void UncertainInput_LowAboveBase_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new UncertainInput("x", 2, 1, 3));
    }
}

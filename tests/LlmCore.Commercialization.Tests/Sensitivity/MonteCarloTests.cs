using LlmCore.Commercialization.Sensitivity;

namespace LlmCore.Commercialization.Tests.Sensitivity;

public class MonteCarloTests
{
    private const double Z90 = 1.2815515655446004;

    // Monte Carlo check: profit = (price − cost)·volume − 50,000 with price ~ N(0.02, 0.002), cost ~ N(0.0017, 0.0003),
    // volume ~ N(3e6, 5e5), independent. The analytic mean is (0.02 − 0.0017)·3e6 − 50,000 = 4,900; P(loss) ≈ 0.34 and
    // P10/P50/P90 ≈ −8,872 / 4,418 / 19,271 from an independent NumPy simulation (n = 200,000) made for the design. σ(profit) ≈ 6,160, so with n = 200,000 the
    // standard error of the mean is ≈ 14: a 5-SE tolerance (70) would fail by chance with probability < 1e-6, and
    // the seed is fixed.
    [Fact]
    public void Run_NormalProfitModel_MatchesAnalyticMeanAndPublishedPercentiles()
    {
        UncertainInput[] inputs =
        [
            Normal("price", 0.02, 0.002),
            Normal("cost", 0.0017, 0.0003),
            Normal("volume", 3e6, 5e5),
        ];

        var summary = MonteCarlo.Run(static x => ((x[0] - x[1]) * x[2]) - 50_000, inputs, 200_000, seed: 20240601);

        Assert.Equal(4_900, summary.Mean, 70.0);
        Assert.Equal(0.34, summary.ProbabilityBelowZero, 0.01);
        Assert.Equal(-8_872, summary.P10, 150.0);
        Assert.Equal(4_418, summary.P50, 150.0);
        Assert.Equal(19_271, summary.P90, 250.0);
    }

    [Fact]
    public void Run_SameSeed_IsReproducible()
    {
        UncertainInput[] inputs = [new("a", 0, 1, 3), new("b", 1, 2, 5, InputDistribution.Pert)];

        var first = MonteCarlo.Run(static x => x[0] * x[1], inputs, 1000, 7);
        var second = MonteCarlo.Run(static x => x[0] * x[1], inputs, 1000, 7);

        Assert.Equal(first, second);
    }

    // Triangular(0, 3, mode 1) has mean (0 + 1 + 3)/3 = 4/3 and σ² = (0 + 1 + 9 − 0 − 0 − 3)/18 = 7/18, σ ≈ 0.624;
    // with n = 100,000 the SE is 0.002, so a 0.01 tolerance (5 SE) fails by chance with probability < 1e-6.
    [Fact]
    public void Run_TriangularInput_HasTheTriangularMean()
    {
        var summary = MonteCarlo.Run(static x => x[0], [new UncertainInput("a", 0, 1, 3)], 100_000, 11);

        Assert.Equal(4.0 / 3, summary.Mean, 0.01);
        Assert.Equal(Math.Sqrt(7.0 / 18), summary.StandardDeviation, 0.01);
    }

    [Fact]
    public void Run_TooFewSamples_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MonteCarlo.Run(static x => 0, [], 1, 1));
    }

    private static UncertainInput Normal(string name, double mean, double sigma) =>
        new(name, mean - (Z90 * sigma), mean, mean + (Z90 * sigma), InputDistribution.Normal);
}

using CsCheck;
using LlmCore.Privacy.Budget;
using LlmCore.Privacy.Guarantees;
using LlmCore.Privacy.Mechanisms;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Tests.TestSupport;
using MathNet.Numerics.Distributions;

namespace LlmCore.Privacy.Tests.Mechanisms;

public class LaplaceMechanismTests
{
    [Theory]
    [InlineData("google_go_laplace_granularity_9.6e-07")] // google/differential-privacy go/noise/laplace_noise_test.go::TestAddLaplaceFloat64RoundsToGranularity
    [InlineData("google_go_laplace_granularity_9.1e-13")] // same source
    [InlineData("google_go_laplace_granularity_8.7e-19")] // same source
    public void GranularityFor_GoogleVectors_Match(string id)
    {
        var granularity = LaplaceMechanism.GranularityFor(ReferenceVectors.Input(id, "epsilon"), ReferenceVectors.Input(id, "l1_sensitivity"));

        Assert.Equal(ReferenceVectors.Recomputed(id), granularity);
    }

    [Fact]
    public void Release_AnyFiniteInput_LandsOnTheGrid()
    {
        Gen.Select(Gen.Double[-1e9, 1e9], Gen.Double[1e-3, 10], Gen.Double[1e-2, 100]).Sample((value, epsilon, sensitivity) =>
        {
            var mechanism = new LaplaceMechanism(epsilon, sensitivity, new SeededRandomSource(7));
            var released = mechanism.Release(value);
            var steps = released / mechanism.Granularity;
            return Math.Floor(steps) == steps;
        }, iter: 500);
    }

    [Fact]
    public void FillNoise_100kSamples_PassesKolmogorovSmirnovAgainstLaplace()
    {
        // KS at level 0.001 (false-failure rate 0.1%) against Laplace(0, b), b = (Δ + g)/ε: the 2^-40 grid is far below KS resolution.
        var mechanism = new LaplaceMechanism(0.5, 2.0, new SeededRandomSource(41));
        var noise = new double[100_000];
        mechanism.FillNoise(noise);
        var laplace = new Laplace(0, mechanism.Scale);

        Assert.True(Statistics.KolmogorovSmirnov(noise, laplace.CumulativeDistribution) < Statistics.KsCritical001(noise.Length));
        Assert.All(noise, x => Assert.Equal(Math.Floor(x / mechanism.Granularity), x / mechanism.Granularity));
    }

    [Fact]
    public void ReleaseVector_MatchesLengthsAndGrid()
    {
        var mechanism = new LaplaceMechanism(1, 1, new SeededRandomSource(42));
        double[] values = [0.1, 2.5, -3.75, 1e6];
        var output = new double[values.Length];

        mechanism.Release(values, output);

        Assert.All(output, x => Assert.Equal(Math.Floor(x / mechanism.Granularity), x / mechanism.Granularity));
        Assert.Throws<ArgumentException>(() => mechanism.Release(values, new double[3]));
    }

    [Fact]
    public void Guarantee_IsPureEpsilonWithL1Sensitivity()
    {
        var mechanism = new LaplaceMechanism(0.7, 3);

        Assert.Equal(PrivacyGuaranteeKind.Pure, mechanism.Guarantee.Kind);
        Assert.Equal(0.7, mechanism.Guarantee.Epsilon);
        Assert.Equal(SensitivityNorm.L1, mechanism.Sensitivity.Norm);
        Assert.Equal(3, mechanism.Sensitivity.Value);
        Assert.True(mechanism.Scale >= 3 / 0.7);
        Assert.True(mechanism.Scale <= 3 / 0.7 * (1 + (Math.Pow(2, -39) / 0.7)));
    }

    [Fact]
    public void Release_BudgetExhausted_ThrowsBeforeDrawingNoise()
    {
        var source = new Statistics.CountingSource(new SeededRandomSource(43));
        var mechanism = new LaplaceMechanism(1, 1, source);
        var budget = new PrivacyBudget(1.5);

        mechanism.Release(10, budget);
        var drawn = source.Words;
        var ex = Assert.Throws<PrivacyBudgetExceededException>(() => mechanism.Release(10, budget));

        Assert.Equal(drawn, source.Words);
        Assert.Equal(1.0, ex.EpsilonSpent);
        Assert.Equal(1.0, budget.EpsilonSpent);
    }

    [Theory]
    [InlineData(double.NaN, 1, "epsilon")]
    [InlineData(0, 1, "epsilon")]
    [InlineData(-0.5, 1, "epsilon")]
    [InlineData(double.PositiveInfinity, 1, "epsilon")]
    [InlineData(1, 0, "sensitivity")]
    [InlineData(1, -1, "sensitivity")]
    [InlineData(1, double.NaN, "sensitivity")]
    public void Constructor_BadInput_ThrowsNamingParameter(double epsilon, double sensitivity, string parameter)
    {
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => new LaplaceMechanism(epsilon, sensitivity)).ParamName);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Release_NonFiniteValue_ThrowsNamingValue(double value)
    {
        Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => new LaplaceMechanism(1, 1).Release(value)).ParamName);
    }
}

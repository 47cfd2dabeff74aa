using LlmCore.Privacy.Accounting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCore.Privacy.Tests.Accounting;

/// <summary>Bad input is rejected with ArgumentOutOfRangeException naming the parameter; DI wiring of the factory.</summary>
public class AccountingBadInputTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void PoissonSampledEvent_SampleRateOutsideUnitInterval_Throws(double q)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new PoissonSampledEvent(q, new GaussianEvent(1)));
        Assert.Equal("samplingProbability", ex.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void GaussianEvent_NonPositiveSigma_Throws(double sigma)
    {
        Assert.Equal("noiseMultiplier", Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianEvent(sigma)).ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-1e-5)]
    [InlineData(double.NaN)]
    public void GetEpsilon_DeltaOutsideOpenUnitInterval_Throws(double delta)
    {
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => new RdpAccountant().GetEpsilon(delta)).ParamName);
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => new PldAccountant().GetEpsilon(delta)).ParamName);
    }

    [Fact]
    public void StepsBelowOne_Throw()
    {
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => new SelfComposedEvent(new GaussianEvent(1), 0)).ParamName);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => new RdpAccountant().Compose(new GaussianEvent(1), 0)).ParamName);
        Assert.Equal("steps", Assert.Throws<ArgumentOutOfRangeException>(() =>
            NoiseCalibration.FindNoiseMultiplier(1, 1e-5, 0.1, 0, static () => new RdpAccountant())).ParamName);
    }

    [Fact]
    public void GetDelta_NegativeOrNaNEpsilon_Throws()
    {
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new RdpAccountant().GetDelta(-1)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new PldAccountant().GetDelta(double.NaN)).ParamName);
    }

    [Fact]
    public void RdpAccountant_OrderAtMostOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RdpAccountant([1.0, 2.0]));
        Assert.Throws<ArgumentException>(() => new RdpAccountant([]));
    }

    [Fact]
    public void AddLlmCorePrivacy_RegistersAccountantFactory()
    {
        var services = new ServiceCollection();
        services.AddLlmCorePrivacy();
        services.Configure<AccountingOptions>(o => o.DefaultAccountant = PrivacyAccountantKind.Pld);
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IPrivacyAccountantFactory>();
        Assert.IsType<PldAccountant>(factory.Create());
        Assert.IsType<RdpAccountant>(factory.Create(PrivacyAccountantKind.Rdp));
    }

    [Fact]
    public void AddLlmCorePrivacy_InvalidAccountingOptions_FailValidation()
    {
        var services = new ServiceCollection();
        services.AddLlmCorePrivacy();
        services.Configure<AccountingOptions>(o => o.PldDiscretizationInterval = 5);
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AccountingOptions>>().Value);
        Assert.Contains("PldDiscretizationInterval", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.0, "PldTailMassTruncation must be between 1E-30 and 1E-06")]
    [InlineData(1e-5, "PldTailMassTruncation must be between 1E-30 and 1E-06")]
    [InlineData(double.NaN, "PldTailMassTruncation must be between 1E-30 and 1E-06")]
    public void AddLlmCorePrivacy_TailMassOutOfRange_FailsValidationNamingTheRange(double tail, string message)
    {
        var services = new ServiceCollection();
        services.AddLlmCorePrivacy();
        services.Configure<AccountingOptions>(o => o.PldTailMassTruncation = tail);
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AccountingOptions>>().Value);
        Assert.True(ex.Message.Contains(message, StringComparison.Ordinal), ex.Message);
    }

    [Theory]
    [InlineData(PldAccountant.MinGridPointsLimit, true)]
    [InlineData(PldAccountant.MaxGridPointsLimit, true)]
    [InlineData(PldAccountant.MinGridPointsLimit - 1, false)]
    [InlineData(PldAccountant.MaxGridPointsLimit + 1, false)]
    public void AddLlmCorePrivacy_MaxGridPointsAtAndBeyondItsLimits_AcceptedOrRefused(long points, bool valid)
    {
        var services = new ServiceCollection();
        services.AddLlmCorePrivacy();
        services.Configure<AccountingOptions>(o => o.PldMaxGridPoints = points);
        using var provider = services.BuildServiceProvider();
        if (valid)
        {
            Assert.Equal(points, provider.GetRequiredService<IOptions<AccountingOptions>>().Value.PldMaxGridPoints);
        }
        else
        {
            var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AccountingOptions>>().Value);
            Assert.Contains("PldMaxGridPoints", ex.Message, StringComparison.Ordinal);
        }
    }
}

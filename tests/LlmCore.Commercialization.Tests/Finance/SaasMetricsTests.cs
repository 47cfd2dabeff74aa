using LlmCore.Commercialization.Finance;

namespace LlmCore.Commercialization.Tests.Finance;

public class SaasMetricsTests
{
    // Definitions after Skok, "SaaS Metrics 2.0"; values by hand: ARPA $100/month, GM 60%,
    // churn 3%/month, CAC $1,200 → LTV $2,000, LTV/CAC 1.67, CAC payback 20 months, discounted LTV (1%/month) $1,515.
    [Fact]
    public void LifetimeValue_ResearchVector_Matches()
    {
        var ltv = SaasMetrics.LifetimeValue(100, 0.60, 0.03);

        Assert.Equal(2000, ltv, 1e-9);
        Assert.Equal(1.67, ltv / 1200, 0.005);
        Assert.Equal(20, SaasMetrics.CacPaybackPeriods(1200, 100, 0.60), 1e-9);
        Assert.Equal(1515, SaasMetrics.DiscountedLifetimeValue(100, 0.60, 0.03, 0.01), 1e-9);
    }

    // By hand: $50k/month fixed, price $0.02, cost $0.0017 per request → 2,732,240
    // requests a month; a $30 seat with $0.68 variable cost → 1,705.3 seats.
    [Fact]
    public void BreakEvenVolume_ResearchVector_Matches()
    {
        Assert.Equal(2_732_240, SaasMetrics.BreakEvenVolume(50_000, 0.02, 0.0017), 1.0);
        Assert.Equal(1705.3, SaasMetrics.BreakEvenVolume(50_000, 30, 0.68), 0.05);
    }

    [Fact]
    public void BreakEvenVolume_LossPerUnit_IsInfinite()
    {
        Assert.True(double.IsPositiveInfinity(SaasMetrics.BreakEvenVolume(10, 1, 2)));
    }

    [Fact]
    public void BreakEvenVolume_NegativePrice_IsRejected()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SaasMetrics.BreakEvenVolume(10, -1, 0.5));
        Assert.Equal("pricePerUnit", ex.ParamName);
    }
}

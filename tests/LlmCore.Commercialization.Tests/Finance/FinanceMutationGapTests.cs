using LlmCore.Commercialization.Finance;

namespace LlmCore.Commercialization.Tests.Finance;

/// <summary>
/// Gaps found by mutation testing of the Finance scope (scripts/quality/mutation.sh commercialization Finance): the
/// documented ranges' end points and the branches the worked examples in FinancialMathTests/SaasMetricsTests never reach.
/// Every expected value is a hand computation written out beside it or a documented range.
/// </summary>
public class FinanceMutationGapTests
{
    // Brealey, Myers and Allen, ch. 5: payback is the time until the cumulative cash flow equals the investment.
    // [-1000, 1000]: the cumulative flow is exactly 0 after period 1, so payback = (1 − 1) + 1000/1000 = 1 period.
    [Fact]
    public void Payback_CumulativeExactlyZero_CountsAsRecovered()
    {
        Assert.Equal(1.0, FinancialMath.Payback([-1000, 1000])!.Value, 1e-12);
        Assert.Equal(1.0, FinancialMath.DiscountedPayback(0.0, [-1000, 1000])!.Value, 1e-12);
    }

    // Nothing to recover: a first flow ≥ 0 pays back at once (period 0), not at (0 − 1) + 0/CF₀.
    [Fact]
    public void Payback_NonNegativeFirstFlow_IsZero()
    {
        Assert.Equal(0.0, FinancialMath.Payback([0, 100])!.Value);
        Assert.Equal(0.0, FinancialMath.Payback([50, -10, 20])!.Value);
        Assert.Equal(0.0, FinancialMath.DiscountedPayback(0.10, [0, 100])!.Value);
    }

    // Hand computation: [-100, 0, 0, 121] at 10 %: discounted flows −100, 0, 0, 121/1.331 = 90.909 → never recovered;
    // at 0 % the plain payback is 2 + 100/121 = 2.8264. A rate of exactly −1 is outside the documented range (> −1).
    [Fact]
    public void DiscountedPayback_DiscountsEachPeriodAndChecksTheRate()
    {
        Assert.Null(FinancialMath.DiscountedPayback(0.10, [-100, 0, 0, 121]));
        Assert.Equal(2.0 + (100.0 / 121.0), FinancialMath.DiscountedPayback(0.0, [-100, 0, 0, 121])!.Value, 1e-12);
        // [-100, 60, 60] at 10 %: −100 + 54.545 = −45.455, then 60/1.21 = 49.587 → 1 + 45.455/49.587 = 1.9167.
        Assert.Equal(1.0 + ((100.0 - (60.0 / 1.1)) / (60.0 / 1.21)), FinancialMath.DiscountedPayback(0.10, [-100, 60, 60])!.Value, 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>("rate", () => FinancialMath.DiscountedPayback(-1.0, [-1.0, 2.0]));
        Assert.Throws<ArgumentOutOfRangeException>("rate", () => FinancialMath.DiscountedPayback(double.PositiveInfinity, [-1.0, 2.0]));
        Assert.Throws<ArgumentException>("cashFlows", () => FinancialMath.DiscountedPayback(0.1, [-1.0, double.NaN]));
    }

    // Hand computation: NPV just above the documented lower bound, r = −0.5: −1 + 1/0.5 = 1.
    [Fact]
    public void Npv_RateJustAboveMinusOne_IsAccepted()
    {
        Assert.Equal(1.0, FinancialMath.Npv(-0.5, [-1, 1]), 1e-12);
        Assert.Equal(-1.0 + (1.0 / 0.01), FinancialMath.Npv(-0.99, [-1, 1]), 1e-9);
    }

    // Hand computation: −1 + 3/(1 + r) = 0 ⇔ r = 2 (beyond the first scan up to 1.0); −1 + 51/(1 + r) = 0 ⇔ r = 50;
    // −1 + 1000/(1 + r) = 0 ⇔ r = 999, outside the documented search range (−0.99, 100] → null.
    [Fact]
    public void Irr_LargeRates_FoundUpTo100AndNullBeyond()
    {
        Assert.Equal(2.0, FinancialMath.Irr([-1, 3])!.Value, 1e-9);
        Assert.Equal(50.0, FinancialMath.Irr([-1, 51])!.Value, 1e-7);
        Assert.Null(FinancialMath.Irr([-1, 1000]));
    }

    // Hand computation: −100 + 5/(1 + r) = 0 ⇔ r = −0.95 (a loss of 95 %); −100 + 50/(1 + r) ⇔ r = −0.5.
    [Fact]
    public void Irr_NegativeRates_AreFound()
    {
        Assert.Equal(-0.5, FinancialMath.Irr([-100, 50])!.Value, 1e-9);
        Assert.Equal(-0.95, FinancialMath.Irr([-100, 5])!.Value, 1e-9);
    }

    // Two IRRs (the "multiple rates of return" case of Brealey, Myers and Allen, ch. 5), by hand: with x = 1 + r,
    // −100 + 230/x − 132/x² = 0 ⇔ −100x² + 230x − 132 = 0 ⇔ x = (230 ± 10)/200 → r = 10 % or 20 %. The documented
    // answer is the smallest; a scan that skipped the rates below 1.0 would find neither (NPV(−0.99) and NPV(1.25) are
    // both negative).
    [Fact]
    public void Irr_TwoRates_TheSmallestIsReturned()
    {
        var irr = FinancialMath.Irr([-100, 230, -132]);

        Assert.Equal(0.10, irr!.Value, 1e-9);
        Assert.Equal(0.0, FinancialMath.Npv(0.20, [-100, 230, -132]), 1e-9);
    }

    [Fact]
    public void Payback_BadInput_NamesTheCashFlows()
    {
        Assert.Throws<ArgumentNullException>("cashFlows", () => FinancialMath.Payback(null!));
        Assert.Throws<ArgumentException>("cashFlows", () => FinancialMath.Payback([-1, double.PositiveInfinity]));
        Assert.Throws<ArgumentException>("cashFlows", () => FinancialMath.Payback([double.NaN, 1]));
    }

    // A zero flow is neither an outflow nor an inflow: [0, 100] and [-100, 0] have no sign change, so no IRR.
    [Fact]
    public void Irr_ZeroFlowsAreNotASignChange()
    {
        Assert.Null(FinancialMath.Irr([0, 100]));
        Assert.Null(FinancialMath.Irr([-100, 0]));
        Assert.Throws<ArgumentNullException>("cashFlows", () => FinancialMath.Irr(null!));
        Assert.Throws<ArgumentException>("cashFlows", () => FinancialMath.Irr([-1, double.PositiveInfinity]));
    }

    // The documented ranges include their closed ends: churn 1 (every account leaves after one period), gross margin
    // ±1, ARPA 0, discount rate 0. By hand: 100·1/1 = 100; 100·(−1)/0.5 = −200; 0·0.6/0.1 = 0;
    // discounted with d = 0: 100·0.6·1/(0 + 0.03) = 2000 (= the undiscounted LTV).
    [Fact]
    public void LifetimeValue_ClosedEndsOfTheRanges_AreAccepted()
    {
        Assert.Equal(100.0, SaasMetrics.LifetimeValue(100, 1.0, 1.0), 1e-12);
        Assert.Equal(-200.0, SaasMetrics.LifetimeValue(100, -1.0, 0.5), 1e-12);
        Assert.Equal(0.0, SaasMetrics.LifetimeValue(0, 0.6, 0.1));
        Assert.Equal(2000.0, SaasMetrics.DiscountedLifetimeValue(100, 0.6, 0.03, 0.0), 1e-9);
        Assert.Equal(100.0 * 2.0 / 2.0, SaasMetrics.DiscountedLifetimeValue(100, 1.0, 1.0, 1.0), 1e-12);
    }

    [Theory]
    [InlineData(-0.01, 0.6, 0.1, "revenuePerAccount")]
    [InlineData(double.NaN, 0.6, 0.1, "revenuePerAccount")]
    [InlineData(100, -1.01, 0.1, "grossMargin")]
    [InlineData(100, 1.01, 0.1, "grossMargin")]
    [InlineData(100, double.NaN, 0.1, "grossMargin")]
    [InlineData(100, 0.6, 0.0, "churn")]
    [InlineData(100, 0.6, 1.01, "churn")]
    [InlineData(100, 0.6, double.PositiveInfinity, "churn")]
    public void LifetimeValue_OutsideTheRanges_NamesTheParameter(double arpa, double margin, double churn, string name)
    {
        Assert.Throws<ArgumentOutOfRangeException>(name, () => SaasMetrics.LifetimeValue(arpa, margin, churn));
        Assert.Throws<ArgumentOutOfRangeException>(name, () => SaasMetrics.DiscountedLifetimeValue(arpa, margin, churn, 0.01));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void DiscountedLifetimeValue_BadDiscountRate_NamesIt(double rate)
    {
        Assert.Throws<ArgumentOutOfRangeException>("discountRate", () => SaasMetrics.DiscountedLifetimeValue(100, 0.6, 0.03, rate));
    }

    // Ranges from the XML docs: CAC ≥ 0, ARPA > 0, gross margin in (0, 1]. By hand: 0/(100·1) = 0; 500/(100·1) = 5.
    [Fact]
    public void CacPayback_ClosedEnds_AreAcceptedAndOpenEndsRejected()
    {
        Assert.Equal(0.0, SaasMetrics.CacPaybackPeriods(0, 100, 0.5));
        Assert.Equal(5.0, SaasMetrics.CacPaybackPeriods(500, 100, 1.0), 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>("customerAcquisitionCost", () => SaasMetrics.CacPaybackPeriods(-1, 100, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>("customerAcquisitionCost", () => SaasMetrics.CacPaybackPeriods(double.NaN, 100, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>("revenuePerAccount", () => SaasMetrics.CacPaybackPeriods(100, 0, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>("revenuePerAccount", () => SaasMetrics.CacPaybackPeriods(100, double.PositiveInfinity, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>("grossMargin", () => SaasMetrics.CacPaybackPeriods(100, 100, 0.0));
        Assert.Throws<ArgumentOutOfRangeException>("grossMargin", () => SaasMetrics.CacPaybackPeriods(100, 100, 1.01));
        Assert.Throws<ArgumentOutOfRangeException>("grossMargin", () => SaasMetrics.CacPaybackPeriods(100, 100, double.NaN));
    }

    // Cost–volume–profit (Horngren): with a zero unit margin no volume covers positive fixed costs → +∞; with no fixed
    // costs the break-even volume is 0 units (by hand: 0/(30 − 10) = 0). All three inputs are ≥ 0 and finite.
    [Fact]
    public void BreakEvenVolume_ZeroMarginAndZeroFixedCosts()
    {
        Assert.True(double.IsPositiveInfinity(SaasMetrics.BreakEvenVolume(10, 5, 5)));
        // No fixed costs and no unit margin: still the documented +∞ for a margin ≤ 0, never 0/0 = NaN.
        Assert.True(double.IsPositiveInfinity(SaasMetrics.BreakEvenVolume(0, 5, 5)));
        Assert.Equal(0.0, SaasMetrics.BreakEvenVolume(0, 30, 10));
        Assert.Equal(5.0, SaasMetrics.BreakEvenVolume(100, 20, 0), 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>("fixedCosts", () => SaasMetrics.BreakEvenVolume(-1, 30, 10));
        Assert.Throws<ArgumentOutOfRangeException>("variableCostPerUnit", () => SaasMetrics.BreakEvenVolume(1, 30, -0.5));
        Assert.Throws<ArgumentOutOfRangeException>("fixedCosts", () => SaasMetrics.BreakEvenVolume(double.PositiveInfinity, 30, 10));
    }
}

using LlmCore.Commercialization.Finance;

namespace LlmCore.Commercialization.Tests.Finance;

public class FinancialMathTests
{
    // Microsoft Support, "NPV function", example 1: rate 10%, -10,000 one year from today, then 3,000, 4,200 and
    // 6,800 → $1,188.44. Excel discounts its first value one period, so it sits at t = 1 here after a zero at t = 0.
    [Fact]
    public void Npv_ExcelDocumentationExample_Is1188Point44()
    {
        var npv = FinancialMath.Npv(0.10, [0, -10_000, 3_000, 4_200, 6_800]);

        Assert.Equal(1188.44, npv, 0.005);
    }

    // Hand computation (checked in Python): CF = [-1000, 300, 400, 500, 200], r = 10% → NPV 115.5659.
    [Fact]
    public void Npv_ResearchVector_Is115Point5659()
    {
        Assert.Equal(115.5659, FinancialMath.Npv(0.10, [-1000, 300, 400, 500, 200]), 1e-4);
    }

    // Microsoft Support, "IRR function", example: -70,000 then 12,000, 15,000, 18,000, 21,000 → -2.1% (four years);
    // adding 26,000 in year five → 8.7%. Third decimals from the same formula: -2.1245% and 8.6631%.
    [Theory]
    [InlineData(new double[] { -70_000, 12_000, 15_000, 18_000, 21_000 }, -0.021245)]
    [InlineData(new double[] { -70_000, 12_000, 15_000, 18_000, 21_000, 26_000 }, 0.086631)]
    [InlineData(new double[] { -1000, 300, 400, 500, 200 }, 0.153221)] // Hand computation (checked in Python): IRR 15.3221%.
    public void Irr_PublishedExamples_MatchToSixDecimals(double[] flows, double expected)
    {
        var irr = FinancialMath.Irr(flows);

        Assert.NotNull(irr);
        Assert.Equal(expected, irr.Value, 1e-6);
        Assert.Equal(0.0, FinancialMath.Npv(irr.Value, flows), 1e-6);
    }

    [Fact]
    public void Irr_NoSignChange_IsNull()
    {
        Assert.Null(FinancialMath.Irr([100, 200, 300]));
        Assert.Null(FinancialMath.Irr([-100, -200]));
    }

    // Hand computation (checked in Python): payback 2.6 periods, discounted payback 3.154 at 10%.
    [Fact]
    public void Payback_ResearchVector_Is2Point6AndDiscounted3Point154()
    {
        double[] flows = [-1000, 300, 400, 500, 200];

        Assert.Equal(2.6, FinancialMath.Payback(flows)!.Value, 1e-12);
        Assert.Equal(3.154, FinancialMath.DiscountedPayback(0.10, flows)!.Value, 1e-3);
    }

    // Brealey, Myers and Allen, Principles of Corporate Finance, ch. 5 (payback rule): a 2,000 project returning
    // 1,000 a year for three years pays back in 2 years; one returning 500 a year does not within 3 years.
    [Fact]
    public void Payback_TextbookEvenFlows_TwoYearsOrNever()
    {
        Assert.Equal(2.0, FinancialMath.Payback([-2000, 1000, 1000, 1000])!.Value, 1e-12);
        Assert.Null(FinancialMath.Payback([-2000, 500, 500, 500]));
    }

    [Fact]
    public void Npv_BadInput_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FinancialMath.Npv(-1, [1.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FinancialMath.Npv(double.NaN, [1.0]));
        Assert.Throws<ArgumentException>(() => FinancialMath.Npv(0.1, [1.0, double.PositiveInfinity]));
        Assert.Throws<ArgumentNullException>(() => FinancialMath.Npv(0.1, null!));
    }
}

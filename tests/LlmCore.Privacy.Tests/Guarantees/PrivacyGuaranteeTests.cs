using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Guarantees;
using LlmCore.Privacy.Tests.TestSupport;

namespace LlmCore.Privacy.Tests.Guarantees;

public class PrivacyGuaranteeTests
{
    [Theory]
    [InlineData("opendp_cdp_delta_0.05_0.25", 0.05, 0.25)] // opendp rust/src/combinators/measure_cast/zCDP_to_approxDP/cdp_delta/test.rs::test_cdp_delta_rounding_regression
    [InlineData("opendp_cdp_delta_5e-30_1e-13", 5e-30, 1e-13)] // same source
    [InlineData("opendp_cdp_delta_0.5_0", 0.5, 0)] // cdp_delta/test.rs::test_edge_cases
    [InlineData("opendp_cdp_delta_1/32_0", 1.0 / 32, 0)] // zCDP_to_approxDP/test.rs::test_zCDP_to_approxDP_nontrivial
    public void ZcdpDelta_OpenDpVectors_MatchToRelative1e9(string id, double rho, double epsilon)
    {
        var expected = ReferenceVectors.Recomputed(id);

        var delta = ZeroConcentratedDp.ToDelta(rho, epsilon);

        Assert.True(Math.Abs(delta - expected) <= 1e-9 * expected, $"{delta} vs {expected}");
    }

    [Fact]
    public void ZcdpEpsilon_OpenDpVector_Matches()
    {
        // opendp zCDP_to_approxDP/test.rs::test_zCDP_to_approxDP_nontrivial (vector opendp_cdp_epsilon_1/32_1e-3).
        var expected = ReferenceVectors.Recomputed("opendp_cdp_epsilon_1/32_1e-3");

        Assert.Equal(expected, ZeroConcentratedDp.ToEpsilon(1.0 / 32, 1e-3), 10);
        Assert.Equal(expected, PrivacyGuarantee.ZeroConcentrated(1.0 / 32).EpsilonAt(1e-3), 10);
    }

    [Fact]
    public void Pure_ToRho_IsHalfEpsilonSquared()
    {
        // Bun and Steinke 2016, Prop. 1.4.
        Assert.Equal(0.5, PrivacyGuarantee.Pure(1).ToRho());
        Assert.Throws<InvalidOperationException>(() => PrivacyGuarantee.Approximate(1, 1e-5).ToRho());
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-1)]
    [InlineData(double.PositiveInfinity)]
    public void Factories_BadEpsilon_ThrowNamingParameter(double epsilon)
    {
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => PrivacyGuarantee.Pure(epsilon)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => PrivacyGuarantee.Approximate(epsilon, 0.1)).ParamName);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Approximate_DeltaOutsideUnitInterval_Throws(double delta)
    {
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => PrivacyGuarantee.Approximate(1, delta)).ParamName);
    }

    [Fact]
    public void Approximate_ZeroDelta_IsPure()
    {
        Assert.Equal(PrivacyGuarantee.Pure(2), PrivacyGuarantee.Approximate(2, 0));
        Assert.Equal("(1, 1E-05)-DP", PrivacyGuarantee.Approximate(1, 1e-5).ToString());
    }
}

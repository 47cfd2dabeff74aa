using LlmCore.Privacy.Auditing;
using LlmCore.Privacy.Mechanisms;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Tests.Auditing;

public class PrivacyAuditTests
{
    [Fact]
    public void ClopperPearson_KnownInterval_MatchesReference()
    {
        // Clopper and Pearson (1934): 2-sided 95% interval for 5/20 is [0.08657, 0.49105] (R binom.test).
        Assert.Equal(0.08657, PrivacyAudit.ClopperPearsonLower(5, 20, 0.025), 5);
        Assert.Equal(0.49105, PrivacyAudit.ClopperPearsonUpper(5, 20, 0.025), 5);
        Assert.Equal(0, PrivacyAudit.ClopperPearsonLower(0, 20, 0.025));
        Assert.Equal(1, PrivacyAudit.ClopperPearsonUpper(20, 20, 0.025));
    }

    [Fact]
    public void Audit_CorrectLaplace_BoundStaysBelowClaimedEpsilon()
    {
        // Inputs 0 and 1 (Δ = 1), event "output ≥ 1": the optimal event, P₀ = e^{−ε}/2 and P₁ = 1/2.
        var mechanism = new LaplaceMechanism(1, 1, new SeededRandomSource(91));

        var result = PrivacyAudit.EpsilonLowerBound(() => mechanism.Release(0), () => mechanism.Release(1), static y => y >= 1, 100_000);

        Assert.InRange(result.EpsilonLowerBound, 0.9, 1.0);
    }

    [Fact]
    public void Audit_MisScaledLaplace_IsCaught()
    {
        // Claims ε = 1 but uses the scale for ε = 3: the audit must show ε > 1 with 95% confidence.
        var broken = new LaplaceMechanism(3, 1, new SeededRandomSource(92));
        const double claimed = 1.0;

        var result = PrivacyAudit.EpsilonLowerBound(() => broken.Release(0), () => broken.Release(1), static y => y >= 1, 100_000);

        Assert.True(result.EpsilonLowerBound > claimed, $"bound {result.EpsilonLowerBound}");
    }

    [Fact]
    public void Audit_CorrectGaussian_BoundStaysBelowClaimedEpsilonWithDelta()
    {
        var mechanism = new GaussianMechanism(1, 1e-5, 1, source: new SeededRandomSource(93));

        var result = PrivacyAudit.EpsilonLowerBound(() => mechanism.Release(0), () => mechanism.Release(1), static y => y >= 2, 50_000, delta: 1e-5);

        Assert.True(result.EpsilonLowerBound <= 1.0, $"bound {result.EpsilonLowerBound}");
    }

    [Fact]
    public void FromCounts_BadInput_ThrowsNamingParameter()
    {
        Assert.Equal("hitsOnFirst", Assert.Throws<ArgumentOutOfRangeException>(() => PrivacyAudit.FromCounts(11, 0, 10)).ParamName);
        Assert.Equal("confidence", Assert.Throws<ArgumentOutOfRangeException>(() => PrivacyAudit.FromCounts(1, 0, 10, 0, 1)).ParamName);
    }
}

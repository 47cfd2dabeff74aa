using LlmCore.Privacy.Accounting;

namespace LlmCore.Privacy.Tests.Accounting;

/// <summary>
/// The composition theorems and zCDP conversions at their edges, worked by hand (read against Stryker's mutators for
/// scripts/quality/mutation.sh privacy Accounting, docs/quality.md): the reference-vector tests check interior points.
/// </summary>
public class CompositionMutationGapTests
{
    // Basic composition (Dwork and Roth 2014, Thm 3.16): ε and δ add; δ is a probability, so it is capped at 1.
    [Fact]
    public void Basic_AddsAndCapsDelta()
    {
        Assert.Equal(new EpsilonDelta(3, 0.3), CompositionTheorems.Basic([new(1, 0.1), new(2, 0.2)]), new EpsilonDeltaComparer(1e-15));
        Assert.Equal(new EpsilonDelta(3, 1), CompositionTheorems.Basic([new(1, 0.6), new(2, 0.6)]));
        Assert.Equal(new EpsilonDelta(0, 0), CompositionTheorems.Basic([]));
    }

    [Fact]
    public void Guarantees_OutOfRange_ThrowNamingTheArgument()
    {
        Assert.Equal("guarantees", Assert.Throws<ArgumentOutOfRangeException>(() => CompositionTheorems.Basic([new(-0.1, 0)])).ParamName);
        Assert.Equal("guarantees", Assert.Throws<ArgumentOutOfRangeException>(() => CompositionTheorems.Basic([new(double.NaN, 0)])).ParamName);
        Assert.Equal("guarantees", Assert.Throws<ArgumentOutOfRangeException>(() => CompositionTheorems.Basic([new(double.PositiveInfinity, 0)])).ParamName);
        Assert.Equal("guarantees", Assert.Throws<ArgumentOutOfRangeException>(() => CompositionTheorems.Basic([new(1, 1.5)])).ParamName);
        Assert.Equal("guarantees", Assert.Throws<ArgumentOutOfRangeException>(() => CompositionTheorems.Basic([new(1, -1e-9)])).ParamName);
        Assert.Equal(new EpsilonDelta(0, 1), CompositionTheorems.Basic([new(0, 1)])); // the closed ends
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => CompositionTheorems.Advanced(1, 0, 0, 0.1)).ParamName);
        Assert.Equal("slack", Assert.Throws<ArgumentOutOfRangeException>(() => CompositionTheorems.Advanced(1, 0, 3, 0)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => CompositionTheorems.Advanced(-1, 0, 3, 0.1)).ParamName);
        Assert.Equal("totalDelta", Assert.Throws<ArgumentOutOfRangeException>(() => CompositionTheorems.OptimalHomogeneous(1, 0, 3, 1.1)).ParamName);
        Assert.Equal("totalDelta", Assert.Throws<ArgumentOutOfRangeException>(() => CompositionTheorems.OptimalHomogeneous(1, 0, 3, -0.1)).ParamName);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => CompositionTheorems.OptimalHomogeneous(1, 0, 0, 0.1)).ParamName);
        Assert.Equal("totalEpsilon", Assert.Throws<ArgumentOutOfRangeException>(() => CompositionTheorems.OptimalHomogeneousInverse(0, 0.1, 3, 0)).ParamName);
        Assert.Equal("slack", Assert.Throws<ArgumentOutOfRangeException>(() => CompositionTheorems.Heterogeneous([new(1, 0)], 1)).ParamName);
        Assert.Equal("slack", Assert.Throws<ArgumentOutOfRangeException>(() => CompositionTheorems.Heterogeneous([new(1, 0)], -0.1)).ParamName);
    }

    // Advanced composition (Dwork and Roth 2014, Thm 3.20): δ_total = k·δ + δ′, capped at 1; with ε = 0.1, k = 10,
    // δ′ = e^{−2}: ε_total = √(2·10·2)·0.1 + 10·0.1·(e^{0.1} − 1) = 0.632456 + 0.105171 = 0.737627.
    [Fact]
    public void Advanced_ByHand()
    {
        var result = CompositionTheorems.Advanced(0.1, 1e-3, 10, Math.Exp(-2));

        Assert.Equal(Math.Sqrt(40) * 0.1 + (Math.Exp(0.1) - 1), result.Epsilon, 12);
        Assert.Equal(0.01 + Math.Exp(-2), result.Delta, 15);
        Assert.Equal(1, CompositionTheorems.Advanced(0.1, 0.2, 10, 0.5).Delta);
    }

    // Kairouz, Oh and Viswanath 2017 (Thm 3.3), k = 1: a single (ε, δ) mechanism is (ε, δ) and no better, so the
    // optimal ε is ε when the total δ is δ, and there is none below δ. (δ = 1/4 so that 1 − (1 − δ) is exact in
    // binary64: with δ = 0.01 it rounds to 0.010000000000000009 and the comparison with the total δ fails, as it does
    // in dp_accounting's formula.)
    [Fact]
    public void OptimalHomogeneous_OneMechanism_IsItself()
    {
        Assert.Equal(0.7, CompositionTheorems.OptimalHomogeneous(0.7, 0.25, 1, 0.25));
        Assert.Null(CompositionTheorems.OptimalHomogeneous(0.7, 0.25, 1, 0.2499));
    }

    // KOV17 for two pure ε mechanisms: (0, δ) holds from δ = (e^{2ε} − 1)/(1 + e^ε)² = tanh(ε/2) on, otherwise 2ε is
    // optimal. ε = ln 3: tanh(ln 3 / 2) = (3 − 1)/(3 + 1) = 1/2.
    [Fact]
    public void OptimalHomogeneous_TwoPureMechanisms_SwitchAtTanhHalfEpsilon()
    {
        var epsilon = Math.Log(3);

        Assert.Equal(0.0, CompositionTheorems.OptimalHomogeneous(epsilon, 0, 2, 0.5 + 1e-12));
        Assert.Equal(2 * epsilon, CompositionTheorems.OptimalHomogeneous(epsilon, 0, 2, 0.5 - 1e-12));
        Assert.Equal(2 * epsilon, CompositionTheorems.OptimalHomogeneous(epsilon, 0, 2, 0));
    }

    // If every per-mechanism ε up to the total fits, the total itself is returned (k = 1, δ = 0: ε_total = ε).
    [Fact]
    public void OptimalHomogeneousInverse_WholeBudgetFits_ReturnsIt()
    {
        Assert.Equal(0.4, CompositionTheorems.OptimalHomogeneousInverse(0.4, 0, 1, 0));
        Assert.Null(CompositionTheorems.OptimalHomogeneousInverse(0.4, 0.001, 1, 0.01)); // δ = 0.01 alone exceeds the total δ
    }

    // Heterogeneous composition (Kairouz, Oh and Viswanath 2017, Thm 3.5): without slack only basic composition
    // applies, and δ_total = 1 − (1 − δ′)·Π(1 − δ_i): two (1, 0.1) give (2, 0.19); with slack 0.1, 1 − 0.9·0.81 = 0.271.
    [Fact]
    public void Heterogeneous_DeltaAndNoSlack_ByHand()
    {
        EpsilonDelta[] two = [new(1, 0.1), new(1, 0.1)];

        var noSlack = CompositionTheorems.Heterogeneous(two, 0);
        Assert.Equal(2, noSlack.Epsilon);
        Assert.Equal(0.19, noSlack.Delta, 15);
        Assert.Equal(0.271, CompositionTheorems.Heterogeneous(two, 0.1).Delta, 15);
        Assert.True(CompositionTheorems.Heterogeneous(two, 0.1).Epsilon <= 2);
        Assert.Throws<ArgumentNullException>("guarantees", () => CompositionTheorems.Heterogeneous(null!, 0.1));
        Assert.Throws<ArgumentNullException>("guarantees", () => CompositionTheorems.Basic(null!));
    }

    // Bun and Steinke 2016: ε-DP implies ε²/2-zCDP (Prop. 1.4); ρ-zCDP implies (ρ + 2√(ρ ln(1/δ)), δ)-DP (Prop. 1.3):
    // ρ = 0.5, δ = e^{−2} gives 0.5 + 2·1 = 2.5; ρ adds under composition (Lemma 1.7).
    [Fact]
    public void Zcdp_BunSteinkeConversionsAndComposition_ByHand()
    {
        Assert.Equal(0.5, ZeroConcentratedDp.FromPureDp(1));
        Assert.Equal(0, ZeroConcentratedDp.FromPureDp(0));
        Assert.Equal(2.5, ZeroConcentratedDp.ToEpsilonBunSteinke(0.5, Math.Exp(-2)), 14);
        Assert.Equal(0.75, ZeroConcentratedDp.Compose([0.25, 0.5, 0]));
        Assert.Equal(0, ZeroConcentratedDp.Compose([]));
        Assert.Equal(3.0, ZeroConcentratedDp.GaussianSigma(ZeroConcentratedDp.GaussianRho(3.0, 2.0), 2.0), 14);
        Assert.Equal(2.0 / 9, ZeroConcentratedDp.GaussianRho(3.0, 2.0), 15);
    }

    // Zero ρ, or ε = +∞, means δ = 0; a ρ so small that δ(0) is already below the target gives ε = 0.
    [Fact]
    public void Zcdp_DegenerateCases()
    {
        Assert.Equal(0, ZeroConcentratedDp.ToDelta(0, 0.5));
        Assert.Equal(0, ZeroConcentratedDp.ToDelta(0.5, double.PositiveInfinity));
        Assert.Equal(0, ZeroConcentratedDp.ToEpsilon(0, 1e-6));
        Assert.Equal(0, ZeroConcentratedDp.ToEpsilon(1e-12, 0.5));
        Assert.True(ZeroConcentratedDp.ToDelta(0.5, 0) <= 1);
    }

    // ToEpsilon is the smallest ε with ToDelta(ρ, ε) ≤ δ (to a relative 1e−14, on the safe side).
    [Theory]
    [InlineData(0.1, 1e-5)]
    [InlineData(2.0, 1e-9)]
    public void Zcdp_ToEpsilon_IsTheSmallestSafeEpsilon(double rho, double delta)
    {
        var epsilon = ZeroConcentratedDp.ToEpsilon(rho, delta);

        Assert.True(ZeroConcentratedDp.ToDelta(rho, epsilon) <= delta);
        Assert.True(ZeroConcentratedDp.ToDelta(rho, epsilon * (1 - 1e-9)) > delta);
        Assert.True(epsilon < ZeroConcentratedDp.ToEpsilonBunSteinke(rho, delta));
    }

    [Fact]
    public void Zcdp_OutOfRange_ThrowsNamingTheArgument()
    {
        Assert.Equal("rhos", Assert.Throws<ArgumentOutOfRangeException>(() => ZeroConcentratedDp.Compose([0.1, -0.1])).ParamName);
        Assert.Equal("rhos", Assert.Throws<ArgumentOutOfRangeException>(() => ZeroConcentratedDp.Compose([double.NaN])).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => ZeroConcentratedDp.FromPureDp(-1)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => ZeroConcentratedDp.FromPureDp(double.PositiveInfinity)).ParamName);
        Assert.Equal("rho", Assert.Throws<ArgumentOutOfRangeException>(() => ZeroConcentratedDp.ToDelta(-1, 1)).ParamName);
        Assert.Equal("rho", Assert.Throws<ArgumentOutOfRangeException>(() => ZeroConcentratedDp.ToEpsilon(double.PositiveInfinity, 1e-5)).ParamName);
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => ZeroConcentratedDp.ToEpsilon(1, 0)).ParamName);
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => ZeroConcentratedDp.ToEpsilonBunSteinke(1, 1)).ParamName);
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => ZeroConcentratedDp.GaussianRho(0)).ParamName);
        Assert.Equal("sensitivity", Assert.Throws<ArgumentOutOfRangeException>(() => ZeroConcentratedDp.GaussianSigma(1, double.NaN)).ParamName);
        Assert.Throws<ArgumentNullException>("rhos", () => ZeroConcentratedDp.Compose(null!));
    }

    private sealed class EpsilonDeltaComparer(double tolerance) : IEqualityComparer<EpsilonDelta>
    {
        public bool Equals(EpsilonDelta x, EpsilonDelta y) => Math.Abs(x.Epsilon - y.Epsilon) <= tolerance && Math.Abs(x.Delta - y.Delta) <= tolerance;

        public int GetHashCode(EpsilonDelta obj) => 0;
    }
}

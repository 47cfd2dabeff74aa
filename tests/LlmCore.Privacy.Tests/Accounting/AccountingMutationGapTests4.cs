using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Accounting.Internal;

namespace LlmCore.Privacy.Tests.Accounting;

/// <summary>
/// Gaps the Stryker run of the Accounting folder (without the PLD files; 2026-12-06 08:09, 87.4 %) left alive: argument
/// checks that no test reached (each documented in the method's XML docs), the boundary values the docs allow, the
/// Laplace RDP and the randomized-response pure ε at scales other than 1, the heterogeneous composition bound when its
/// ln(1/δ′) term is the smallest, the conversion's boundary-order flag, and the signed forward differences of the
/// sampling-without-replacement bound on sequences that are not increasing. Expected values come from the cited
/// theorems or from exact arithmetic in the test, never from this library's output.
/// </summary>
public class AccountingMutationGapTests4
{
    public static TheoryData<string, Action, string> BadArguments => new()
    {
        { "RdpAccountant.Supports(null)", () => new RdpAccountant().Supports(null!), "privacyEvent" },
        { "RdpAccountant.GetEpsilonResultIfComposed(null)", () => new RdpAccountant().GetEpsilonResultIfComposed(null!, 1e-5), "privacyEvent" },
        { "RdpAccountant.GetEpsilonResultIfComposed(δ = 0)", () => new RdpAccountant().GetEpsilonResultIfComposed(new GaussianEvent(1), 0), "delta" },
        { "RdpAccountant.GetEpsilonResultIfComposed(δ = 1)", () => new RdpAccountant().GetEpsilonResultIfComposed(new GaussianEvent(1), 1), "delta" },
        { "RdpAccountant.GetEpsilonResultIfComposed(δ = NaN)", () => new RdpAccountant().GetEpsilonResultIfComposed(new GaussianEvent(1), double.NaN), "delta" },
        { "ComputeSampledGaussianRdp(σ = 0)", () => RdpAccountant.ComputeSampledGaussianRdp(0.1, 0, 2), "noiseMultiplier" },
        { "ComputeSampledGaussianRdp(σ = ∞)", () => RdpAccountant.ComputeSampledGaussianRdp(0.1, double.PositiveInfinity, 2), "noiseMultiplier" },
        { "ComputeSampledWithoutReplacementGaussianRdp(σ = NaN)", () => RdpAccountant.ComputeSampledWithoutReplacementGaussianRdp(0.1, double.NaN, 2), "noiseMultiplier" },
        { "ComputeSampledWithoutReplacementGaussianRdp(σ = −1)", () => RdpAccountant.ComputeSampledWithoutReplacementGaussianRdp(0.1, -1, 2), "noiseMultiplier" },
        { "ComputeRdp(null)", () => RdpAccountant.ComputeRdp(null!, [2.0]), "privacyEvent" },
        { "GaussianRho(sensitivity = 0)", () => ZeroConcentratedDp.GaussianRho(1, 0), "sensitivity" },
        { "GaussianRho(sensitivity = NaN)", () => ZeroConcentratedDp.GaussianRho(1, double.NaN), "sensitivity" },
        { "GaussianSigma(sensitivity = −1)", () => ZeroConcentratedDp.GaussianSigma(0.5, -1), "sensitivity" },
        { "GaussianSigma(sensitivity = ∞)", () => ZeroConcentratedDp.GaussianSigma(0.5, double.PositiveInfinity), "sensitivity" },
        { "ToEpsilonBunSteinke(ρ = −1)", () => ZeroConcentratedDp.ToEpsilonBunSteinke(-1, 1e-5), "rho" },
        { "ToEpsilonBunSteinke(ρ = NaN)", () => ZeroConcentratedDp.ToEpsilonBunSteinke(double.NaN, 1e-5), "rho" },
        { "ToDelta(ε = −1)", () => ZeroConcentratedDp.ToDelta(0.5, -1), "epsilon" },
        { "ToDelta(ε = NaN)", () => ZeroConcentratedDp.ToDelta(0.5, double.NaN), "epsilon" },
        { "ToEpsilon(ρ = −0.5)", () => ZeroConcentratedDp.ToEpsilon(-0.5, 1e-5), "rho" },
        { "ToEpsilon(ρ = ∞)", () => ZeroConcentratedDp.ToEpsilon(double.PositiveInfinity, 1e-5), "rho" },
        { "ToEpsilon(δ = 0)", () => ZeroConcentratedDp.ToEpsilon(0.5, 0), "delta" },
        { "ToEpsilon(δ = 1)", () => ZeroConcentratedDp.ToEpsilon(0.5, 1), "delta" },
        { "MaxSteps(null event)", () => NoiseCalibration.MaxSteps(null!, 1, 1e-5, () => new RdpAccountant()), "stepEvent" },
        { "MaxSteps(null factory)", () => NoiseCalibration.MaxSteps(new GaussianEvent(1), 1, 1e-5, null!), "accountantFactory" },
        { "MaxSteps(ε = 0)", () => NoiseCalibration.MaxSteps(new GaussianEvent(1), 0, 1e-5, () => new RdpAccountant()), "targetEpsilon" },
        { "MaxSteps(ε = NaN)", () => NoiseCalibration.MaxSteps(new GaussianEvent(1), double.NaN, 1e-5, () => new RdpAccountant()), "targetEpsilon" },
        { "MaxSteps(δ = 0)", () => NoiseCalibration.MaxSteps(new GaussianEvent(1), 1, 0, () => new RdpAccountant()), "delta" },
        { "MaxSteps(δ = 1)", () => NoiseCalibration.MaxSteps(new GaussianEvent(1), 1, 1, () => new RdpAccountant()), "delta" },
        { "OptimalHomogeneous(ε = −1)", () => CompositionTheorems.OptimalHomogeneous(-1, 0, 2, 0.1), "epsilon" },
        { "OptimalHomogeneous(δ = 2)", () => CompositionTheorems.OptimalHomogeneous(1, 2, 2, 0.1), "epsilon" },
        { "Heterogeneous(ε = NaN)", () => CompositionTheorems.Heterogeneous([new(0.1, 0), new(double.NaN, 0)], 0.1), "guarantees" },
        { "Heterogeneous(δ = −0.1)", () => CompositionTheorems.Heterogeneous([new(0.1, -0.1)], 0.1), "guarantees" },
        { "SampledWithoutReplacementEvent(null)", () => _ = new SampledWithoutReplacementEvent(10, 2, null!), "event" },
        { "PoissonSampledEvent(null)", () => _ = new PoissonSampledEvent(0.1, null!), "event" },
        { "SelfComposedEvent(null)", () => _ = new SelfComposedEvent(null!, 2), "event" },
        { "ComposedEvent(null)", () => _ = new ComposedEvent((IEnumerable<PrivacyEvent>)null!), "events" },
    };

    // Each documented check: an ArgumentException-family exception naming the parameter (ArgumentNullException for
    // null, ArgumentOutOfRangeException for a value outside its documented range).
    [Theory]
    [MemberData(nameof(BadArguments))]
    public void BadArgument_IsRefusedNamingTheParameter(string call, Action act, string parameter)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(act);

        Assert.True(parameter == ex.ParamName, $"{call}: expected parameter '{parameter}', got '{ex.ParamName}' ({ex.GetType().Name}: {ex.Message})");
        Assert.True(ex is ArgumentNullException or ArgumentOutOfRangeException, $"{call}: {ex.GetType().Name}");
    }

    [Fact]
    public void MaxSteps_CancelledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => NoiseCalibration.MaxSteps(new GaussianEvent(1), 1, 1e-5, () => new RdpAccountant(), cancellationToken: cts.Token));
    }

    // The documented ranges are closed where the docs say so: N = 1, B = 1 and B = N, and totalDelta = 1.
    [Fact]
    public void BoundaryValues_TheDocsAllow_AreAccepted()
    {
        // ⌈E·N/B⌉: 3 epochs of 1 record in batches of 1 take 3 steps; one epoch of a batch of the whole set is 1 step.
        Assert.Equal(3, NoiseCalibration.StepsForEpochs(3, 1, 1));
        Assert.Equal(1, NoiseCalibration.StepsForEpochs(1, 1000, 1000));
        var withoutReplacement = new SampledWithoutReplacementEvent(1, 1, new GaussianEvent(1));
        Assert.Equal(1, withoutReplacement.DatasetSize);

        // With the whole δ budget (1) any pair of outputs is allowed, so the optimal composition of two (1, 0) runs needs
        // no ε at all (Kairouz, Oh and Viswanath 2017, Thm 3.3: the answer is ε·(k − 2i) at i = ⌊k/2⌋).
        Assert.Equal(0.0, CompositionTheorems.OptimalHomogeneous(1, 0, 2, 1.0));
        Assert.Equal(1.0, CompositionTheorems.OptimalHomogeneous(1, 0, 3, 1.0));
    }

    // ⌈E·N/B⌉ exactly where doubles cannot: N = 2^53 + 1 is not a double, so E·N/B in floating point is 2^53. And where
    // E·N overflows a long (2^40 · 2^40 = 2^80), the floating form is exact (2^80 / 2^20 = 2^60).
    [Fact]
    public void StepsForEpochs_BeyondDoublePrecisionAndBeyondLong_IsExact()
    {
        const long N = (1L << 53) + 1;
        Assert.Equal(N, NoiseCalibration.StepsForEpochs(1, N, 1));
        Assert.Equal(1L << 60, NoiseCalibration.StepsForEpochs(Math.Pow(2, 40), 1L << 40, 1L << 20));
    }

    // Kairouz, Oh and Viswanath (2017, Thm 3.5), the bound the method documents, evaluated here for 200 runs of ε = 0.1,
    // δ′ = 1e-5, where the ln(1/δ′) term is the smallest of the three: Σε = 20; Σε² = 2; Σε·tanh(ε/2) = 20·tanh(0.05).
    [Fact]
    public void Heterogeneous_LogInverseSlackTermSmallest_IsThatTerm()
    {
        const double Slack = 1e-5;
        var result = CompositionTheorems.Heterogeneous(Enumerable.Repeat(new EpsilonDelta(0.1, 0), 200), Slack);

        var sumTanh = 200 * 0.1 * Math.Tanh(0.05);
        var second = sumTanh + Math.Sqrt(2 * 2.0 * Math.Log(1 / Slack));
        var third = sumTanh + Math.Sqrt(2 * 2.0 * Math.Log(Math.E + (Math.Sqrt(2.0) / Slack)));
        Assert.True(second < third && second < 20, "the case must exercise the second term");
        Assert.Equal(second, result.Epsilon, 12);
        Assert.Equal(Slack, result.Delta, 15);
    }

    // Mironov 2017: a mechanism that is ε-DP is (α, ε)-RDP for every α and (α, αε²/2)-RDP (via Bun and Steinke 2016,
    // Prop. 3.3: ε-DP ⇒ ε²/2-zCDP); Laplace with scale b is 1/b-DP and its RDP tends to 1/b as α → ∞ (Prop. 6). At scales
    // other than 1, where (α − 1)/b and (α − 1)·b differ.
    [Theory]
    [InlineData(0.5)]
    [InlineData(2.0)]
    [InlineData(10.0)]
    public void LaplaceRdp_WithinThePureDpBounds_AndTendsToOneOverB(double b)
    {
        var epsilon = 1 / b;
        double[] orders = [1.5, 2, 3, 8, 32, 256];
        var rdp = RdpAccountant.ComputeRdp(new LaplaceEvent(b), orders);
        for (var i = 0; i < orders.Length; i++)
        {
            Assert.True(rdp[i] > 0, $"b = {b}, α = {orders[i]}: RDP {rdp[i]} not > 0");
            Assert.True(rdp[i] <= epsilon * (1 + 1e-12), $"b = {b}, α = {orders[i]}: RDP {rdp[i]} above ε = {epsilon}");
            Assert.True(rdp[i] <= (orders[i] * epsilon * epsilon / 2) * (1 + 1e-12), $"b = {b}, α = {orders[i]}: RDP {rdp[i]} above αε²/2");
        }

        // At α = 1e6: ln(α/(2α−1)·e^{(α−1)/b} + …)/(α − 1) = 1/b − ln 2/(α − 1) + O(1/α²).
        var far = RdpAccountant.ComputeRdp(new LaplaceEvent(b), [1e6])[0];
        Assert.Equal(epsilon - (Math.Log(2) / (1e6 - 1)), far, 9);
    }

    // k-ary randomized response with the ReplaceSpecial adjacency (the true answer against a uniform one): its pure ε is
    // the largest log ratio, max(ln(a/u), ln(u/b)) with a = 1 − p + p/k, b = p/k, u = 1/k, i.e. max(ln(k(1 − p) + p),
    // ln(1/p)) (dp_accounting's RandomizedResponse PLD, the ReplaceSpecial case, gives the same extreme losses).
    [Theory]
    [InlineData(0.5, 4)]
    [InlineData(0.9, 3)]
    [InlineData(0.05, 10)]
    public void RandomizedResponseReplaceSpecial_InfiniteOrder_IsTheLargestLogRatio(double p, int k)
    {
        var expected = Math.Max(Math.Log((k * (1 - p)) + p), Math.Log(1 / p));

        Assert.Equal(expected, RdpMath.RandomizedResponse(p, k, RandomizedResponseAdjacency.ReplaceSpecial, double.PositiveInfinity), 12);
    }

    // The conversion's optimum and its boundary flag (the optimum at the smallest or largest order may mean the orders
    // are too few): ε(α) = r + ln((α − 1)/α) − (ln δ + ln α)/(α − 1) (Balle et al. 2020, Thm 21; dp_accounting's
    // compute_epsilon), evaluated here per order.
    [Theory]
    [InlineData(new[] { 10.0, 0.1, 10.0 }, 1, false)]
    [InlineData(new[] { 0.1, 10.0, 10.0 }, 0, true)]
    [InlineData(new[] { 10.0, 10.0, 0.1 }, 2, true)]
    public void ConvertToEpsilon_OptimumAndBoundaryFlag(double[] rdp, int bestIndex, bool atBoundary)
    {
        double[] orders = [2, 4, 8];
        const double Delta = 1e-5;

        var result = RdpAccountant.ConvertToEpsilon(orders, rdp, Delta);

        var a = orders[bestIndex];
        var expected = rdp[bestIndex] + Math.Log((a - 1) / a) - ((Math.Log(Delta) + Math.Log(a)) / (a - 1));
        Assert.Equal(expected, result.Epsilon, 12);
        Assert.Equal(a, result.OptimalOrder);
        Assert.Equal(atBoundary, result.IsOptimalOrderAtBoundary);

        // Mironov (2017, Prop. 3): ε(α) = r + ln(1/δ)/(α − 1); with these curves the same order is optimal.
        var mironov = RdpAccountant.ConvertToEpsilonMironov(orders, rdp, Delta);
        Assert.Equal(rdp[bestIndex] + (Math.Log(1 / Delta) / (a - 1)), mironov.Epsilon, 12);
        Assert.Equal(a, mironov.OptimalOrder);
        Assert.Equal(atBoundary, mironov.IsOptimalOrderAtBoundary);
    }

    [Fact]
    public void ConvertToEpsilon_BothConversions_EveryOrderInfinite_IsInfiniteWithoutAnOrder()
    {
        var result = RdpAccountant.ConvertToEpsilon([2.0, 4.0], [double.PositiveInfinity, double.PositiveInfinity], 1e-5);

        Assert.Equal(double.PositiveInfinity, result.Epsilon);
        Assert.Null(result.OptimalOrder);
        Assert.False(result.IsOptimalOrderAtBoundary);
        var mironov = RdpAccountant.ConvertToEpsilonMironov([2.0, 4.0], [double.PositiveInfinity, double.PositiveInfinity], 1e-5);
        Assert.Equal(double.PositiveInfinity, mironov.Epsilon);
        Assert.Null(mironov.OptimalOrder);
        Assert.False(mironov.IsOptimalOrderAtBoundary);
    }

    // Composing events under the two neighbouring relations is refused with a message that names both, in the order they
    // were met (the accountant's docs: one accountant per neighbouring relation).
    [Fact]
    public void RdpAccountant_MixedNeighbouringRelations_MessageNamesBothInOrder()
    {
        var poisson = new PoissonSampledEvent(0.01, new GaussianEvent(1));
        var withoutReplacement = SampledWithoutReplacementEvent.DpSgdStep(1000, 10, 1.0);

        var first = new RdpAccountant();
        first.Compose(poisson);
        var ex1 = Assert.Throws<UnsupportedPrivacyEventException>(() => first.Compose(withoutReplacement));
        Assert.Contains("composed events under add/remove (Poisson sampling) neighbours", ex1.Message, StringComparison.Ordinal);
        Assert.Contains("analysed under replace-one (sampling without replacement) neighbours", ex1.Message, StringComparison.Ordinal);

        var second = new RdpAccountant();
        second.Compose(withoutReplacement);
        var ex2 = Assert.Throws<UnsupportedPrivacyEventException>(() => second.Compose(poisson));
        Assert.Contains("composed events under replace-one (sampling without replacement) neighbours", ex2.Message, StringComparison.Ordinal);
        Assert.Contains("analysed under add/remove (Poisson sampling) neighbours", ex2.Message, StringComparison.Ordinal);
    }

    // Equal composed events hash equally; composed events that differ in a part hash differently (HashCode's 32-bit
    // result collides for a given pair with probability about 2^-32 per process seed).
    [Fact]
    public void ComposedEvent_HashCode_DependsOnItsParts()
    {
        var a = new ComposedEvent(new GaussianEvent(1), new LaplaceEvent(2));
        var same = new ComposedEvent(new GaussianEvent(1), new LaplaceEvent(2));
        var other = new ComposedEvent(new GaussianEvent(1), new LaplaceEvent(3));

        Assert.Equal(a.GetHashCode(), same.GetHashCode());
        Assert.NotEqual(a.GetHashCode(), other.GetHashCode());
    }

    // ln|Δ^{k} g₀| of a sequence by its definition Δ^k g₀ = Σⱼ (−1)^{k−j} C(k, j) gⱼ, computed here in plain arithmetic, for
    // sequences whose differences change sign: g₀ = 1, gᵢ = exp(cgf(i − 1)). The bound's own cgf makes every difference
    // non-negative, so these sequences are what exercises the signs.
    public static TheoryData<string, Func<double, double>> SignedSequences => new()
    {
        { "decreasing: cgf(x) = −x ln 2", x => -x * Math.Log(2) },
        { "oscillating: cgf(x) = sin(2x)", x => Math.Sin(2 * x) },
        { "concave: cgf(x) = √x", Math.Sqrt },
    };

    [Theory]
    [MemberData(nameof(SignedSequences))]
    public void ForwardDifferences_SequencesWithBothSigns_MatchTheDefinition(string name, Func<double, double> cgf)
    {
        const int N = 6;
        var g = new double[N + 3];
        g[0] = 1;
        for (var i = 1; i < g.Length; i++)
        {
            g[i] = Math.Exp(cgf(i - 1));
        }

        var logs = WithoutReplacementRdp.ForwardDifferences(cgf, N);

        Assert.Equal(N + 2, logs.Length);
        for (var k = 1; k <= N + 2; k++)
        {
            double sum = 0;
            for (var j = 0; j <= k; j++)
            {
                sum += ((k - j) % 2 == 0 ? 1 : -1) * MathNet.Numerics.SpecialFunctions.Binomial(k, j) * g[j];
            }

            if (Math.Abs(sum) < 1e-12)
            {
                Assert.True(logs[k - 1] < Math.Log(1e-10), $"{name}, k = {k}: expected ln 0, got {logs[k - 1]}");
            }
            else
            {
                Assert.True(Math.Abs(Math.Log(Math.Abs(sum)) - logs[k - 1]) < 1e-9, $"{name}, k = {k}: ln|Δ| = {Math.Log(Math.Abs(sum))}, got {logs[k - 1]}");
            }
        }
    }
}

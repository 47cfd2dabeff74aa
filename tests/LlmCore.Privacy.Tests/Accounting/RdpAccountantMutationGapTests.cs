using LlmCore.Privacy.Accounting;
using Microsoft.Extensions.Logging;

namespace LlmCore.Privacy.Tests.Accounting;

/// <summary>
/// Gaps found by mutation testing of RdpAccountant.cs (scripts/quality/mutation.sh privacy Accounting/RdpAccountant):
/// the conversions at a single order written out by hand, the end-of-list flag, the neighbouring relation, the series
/// option of an accountant and the documented ranges' end points. Each expected value is a hand computation in the
/// comment (ln 2 = 0.693147, ln 3 = 1.098612, ln 1e-5 = −11.512925) or a published reference named beside it.
/// </summary>
public class RdpAccountantMutationGapTests
{
    // Improved conversion (Balle et al. 2020 Thm 21), one order α = 3, RDP 0.5, δ = 1e-5:
    // ε = 0.5 + ln(2/3) − (ln 1e-5 + ln 3)/2 = 0.5 − 0.405465 + 5.207156 = 5.301691.
    [Fact]
    public void ConvertToEpsilon_OneOrder_IsTheImprovedFormula()
    {
        var result = RdpAccountant.ConvertToEpsilon([3.0], [0.5], 1e-5);

        Assert.Equal(5.301691480, result.Epsilon, 1e-8);
        Assert.Equal(3.0, result.OptimalOrder);
        Assert.Equal(1e-5, result.Delta);
        Assert.False(result.IsOptimalOrderAtBoundary); // one order is no list to widen
    }

    // dp_accounting rdp_privacy_accountant._compute_epsilon: "if delta**2 + math.expm1(-r) > 0: eps = 0" (the KL bound).
    // α = 2, RDP 1e-6, δ = 0.01: δ² + expm1(−1e-6) ≈ 1e-4 − 1e-6 > 0 → ε = 0; the formula alone would give
    // 1e-6 − ln 2 − (ln 0.01 + ln 2) = 3.218877.
    [Fact]
    public void ConvertToEpsilon_TinyRdp_UsesTheKlShortcut()
    {
        var result = RdpAccountant.ConvertToEpsilon([2.0], [1e-6], 0.01);

        Assert.Equal(0.0, result.Epsilon);
        Assert.Equal(2.0, result.OptimalOrder);
    }

    // Opacus (privacy_analysis.get_privacy_spent) warns when the optimum is the smallest or the largest order: the flag
    // is set exactly then. Orders 2, 3, 4 with the formula's terms: RDP 0.5 at each → ε(2) = 0.5 − 0.693147 + 11.512925
    // − 0.693147 = 10.626631, ε(3) = 5.301691, ε(4) = 0.5 + ln(3/4) − (ln 1e-5 + ln 4)/3 = 0.5 − 0.287682 + 3.375566
    // = 3.587884 → the last order. With order 4's RDP +∞ (skipped), order 3 is best and lies inside the list.
    [Fact]
    public void ConvertToEpsilon_BoundaryFlag_OnlyAtTheEndsOfTheList()
    {
        var atEnd = RdpAccountant.ConvertToEpsilon([2.0, 3.0, 4.0], [0.5, 0.5, 0.5], 1e-5);
        Assert.Equal(4.0, atEnd.OptimalOrder);
        Assert.True(atEnd.IsOptimalOrderAtBoundary);
        Assert.Equal(0.5 + Math.Log(0.75) - ((Math.Log(1e-5) + Math.Log(4.0)) / 3.0), atEnd.Epsilon, 1e-12);

        var middle = RdpAccountant.ConvertToEpsilon([2.0, 3.0, 4.0], [0.5, 0.5, double.PositiveInfinity], 1e-5);
        Assert.Equal(3.0, middle.OptimalOrder);
        Assert.False(middle.IsOptimalOrderAtBoundary);
        Assert.Equal(5.301691480, middle.Epsilon, 1e-8);

        // The first order is best when RDP grows fast with α: ε(2) = 0.1 − 0.693147 + 11.512925 − 0.693147 = 10.226631,
        // ε(3) = 20 + … > 20.
        var atStart = RdpAccountant.ConvertToEpsilon([2.0, 3.0, 4.0], [0.1, 20, 40], 1e-5);
        Assert.Equal(2.0, atStart.OptimalOrder);
        Assert.True(atStart.IsOptimalOrderAtBoundary);
    }

    // Mironov 2017 Prop. 3: ε = RDP(α) + ln(1/δ)/(α − 1). Orders 2 and 3, RDP 1, δ = 1e-5: 1 + 11.512925 = 12.512925
    // and 1 + 5.756463 = 6.756463 → order 3, the last one. A single order is not at a boundary.
    [Fact]
    public void ConvertToEpsilonMironov_IsProposition3()
    {
        var result = RdpAccountant.ConvertToEpsilonMironov([2.0, 3.0], [1.0, 1.0], 1e-5);
        Assert.Equal(6.756462732, result.Epsilon, 1e-8);
        Assert.Equal(3.0, result.OptimalOrder);
        Assert.True(result.IsOptimalOrderAtBoundary);

        var single = RdpAccountant.ConvertToEpsilonMironov([2.0], [1.0], 1e-5);
        Assert.Equal(12.512925465, single.Epsilon, 1e-8);
        Assert.False(single.IsOptimalOrderAtBoundary);

        var none = RdpAccountant.ConvertToEpsilonMironov([2.0], [double.PositiveInfinity], 1e-5);
        Assert.Equal(double.PositiveInfinity, none.Epsilon);
        Assert.Null(none.OptimalOrder);
    }

    // dp_accounting compute_delta: ln δ = min(½ ln(1 − e^−r), (α − 1)(r − ε + ln(1 − 1/α)) − ln α).
    // α = 2, r = 0.5, ε = 1: ½ ln(1 − e^−0.5) = −0.466376; (0.5 − 1 − 0.693147) − 0.693147 = −1.886294 → δ = 0.151633.
    // α = 2, r = 2, ε = 0: ½ ln(1 − e^−2) = −0.072707; (2 − 0 − 0.693147) − 0.693147 = 0.613706 → δ = 0.929873.
    [Fact]
    public void ConvertToDelta_OneOrder_IsDpAccountingsComputeDelta()
    {
        var (delta, order) = RdpAccountant.ConvertToDelta([2.0], [0.5], 1.0);
        Assert.Equal(0.151632665, delta, 1e-8);
        Assert.Equal(2.0, order);

        var (kl, klOrder) = RdpAccountant.ConvertToDelta([2.0], [2.0], 0.0);
        Assert.Equal(0.929873495, kl, 1e-8);
        Assert.Equal(2.0, klOrder);
    }

    [Fact]
    public void ConvertToDelta_InfiniteEpsilonOrInfiniteCurve()
    {
        Assert.Equal((0.0, (double?)null), RdpAccountant.ConvertToDelta([2.0], [0.5], double.PositiveInfinity));
        Assert.Equal((1.0, (double?)null), RdpAccountant.ConvertToDelta([2.0, 3.0], [double.PositiveInfinity, double.PositiveInfinity], 1.0));
        // The finite order is used: order 3 of [+∞, 0.5] with ε = 1: 2·(0.5 − 1 + ln(2/3)) − ln 3 = −3.909543.
        var (delta, order) = RdpAccountant.ConvertToDelta([2.0, 3.0], [double.PositiveInfinity, 0.5], 1.0);
        Assert.Equal(3.0, order);
        Assert.Equal(Math.Exp((2.0 * (0.5 - 1.0 + Math.Log(2.0 / 3.0))) - Math.Log(3.0)), delta, 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>("epsilon", () => RdpAccountant.ConvertToDelta([2.0], [0.5], double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>("epsilon", () => RdpAccountant.ConvertToDelta([2.0], [0.5], -1e-9));
    }

    [Fact]
    public void Conversions_CheckTheCurve()
    {
        Assert.Throws<ArgumentException>("orders", () => RdpAccountant.ConvertToEpsilon([], [], 1e-5));
        Assert.Throws<ArgumentException>("rdp", () => RdpAccountant.ConvertToEpsilon([2.0, 3.0], [1.0], 1e-5));
        Assert.Throws<ArgumentOutOfRangeException>("rdp", () => RdpAccountant.ConvertToEpsilon([2.0], [-1e-12], 1e-5));
        Assert.Throws<ArgumentOutOfRangeException>("rdp", () => RdpAccountant.ConvertToEpsilon([2.0], [double.NaN], 1e-5));
        Assert.Throws<ArgumentOutOfRangeException>("orders", () => RdpAccountant.ConvertToEpsilon([1.0], [0.5], 1e-5));
        Assert.Throws<ArgumentOutOfRangeException>("orders", () => RdpAccountant.ConvertToEpsilonMironov([0.5], [0.5], 1e-5));
        Assert.Throws<ArgumentOutOfRangeException>("rdp", () => RdpAccountant.ConvertToDelta([2.0], [-1.0], 1.0));
        Assert.Throws<ArgumentOutOfRangeException>("delta", () => RdpAccountant.ConvertToEpsilonMironov([2.0], [1.0], 1.0));
        // RDP 0 is allowed (an event with no privacy loss): ε = 0 by the KL shortcut.
        Assert.Equal(0.0, RdpAccountant.ConvertToEpsilon([2.0], [0.0], 1e-5).Epsilon);
    }

    // Gaussian RDP α/(2σ²) (Mironov 2017 Prop. 7): σ = 1 at α = 2 and 4 → 1 and 2; three runs add up (3 and 6).
    [Fact]
    public void Compose_Count_MultipliesTheCurveAndIsRecorded()
    {
        var accountant = new RdpAccountant([2.0, 4.0]);
        var gaussian = new GaussianEvent(1.0);

        accountant.Compose(gaussian, 3);
        Assert.Equal([3.0, 6.0], accountant.Rdp);
        Assert.Equal(new SelfComposedEvent(gaussian, 3), Assert.Single(accountant.History));

        accountant.Compose(gaussian);
        Assert.Equal([4.0, 8.0], accountant.Rdp);
        Assert.Same(gaussian, accountant.History[1]);
        Assert.Equal([2.0, 4.0], accountant.Orders);
    }

    // Two different events in a row must not reuse the first one's cached curve: σ = 1 then σ = 2 at α = 2:
    // 2/2 + 2/8 = 1.25.
    [Fact]
    public void Compose_DifferentEvents_EachUsesItsOwnCurve()
    {
        var accountant = new RdpAccountant([2.0]);
        accountant.Compose(new GaussianEvent(1.0));
        accountant.Compose(new GaussianEvent(2.0));
        Assert.Equal(1.25, accountant.Rdp[0], 1e-15);

        // And the what-if of a third, different event adds its own curve: + 2/(2·0.5²) = 4 → RDP 5.25 at α = 2,
        // ε = 5.25 − ln 2 − (ln 1e-5 + ln 2) = 15.433484.
        var whatIf = accountant.GetEpsilonResultIfComposed(new GaussianEvent(0.5), 1e-5);
        Assert.Equal(5.25 - Math.Log(2.0) - (Math.Log(1e-5) + Math.Log(2.0)), whatIf.Epsilon, 1e-12);
    }

    // GetDeltaIfComposed = GetDelta of an accountant that composed the event, and leaves this one unchanged.
    [Fact]
    public void GetDeltaIfComposed_MatchesComposingAndChangesNothing()
    {
        var accountant = new RdpAccountant([2.0, 3.0]);
        accountant.Compose(new GaussianEvent(1.0));
        var whatIf = accountant.GetDeltaIfComposed(new GaussianEvent(2.0), 1.0);
        Assert.Equal([1.0, 1.5], accountant.Rdp);

        var composed = new RdpAccountant([2.0, 3.0]);
        composed.Compose(new GaussianEvent(1.0));
        composed.Compose(new GaussianEvent(2.0));
        Assert.Equal(composed.GetDelta(1.0), whatIf, 15);
        Assert.True(whatIf > accountant.GetDelta(1.0));
        Assert.Throws<ArgumentNullException>("privacyEvent", () => accountant.GetDeltaIfComposed(null!, 1.0));
    }

    // The what-if queries refuse an event of the other neighbouring relation as Compose does (the relation itself is
    // covered by SampledWithoutReplacementTests.Supports_RelationFixedByFirstSampledEvent_RefusesTheOther), and an
    // event of the same relation stays supported.
    [Fact]
    public void WhatIfQueries_RefuseTheOtherRelation()
    {
        var poisson = new PoissonSampledEvent(0.01, new GaussianEvent(1.0));
        var withoutReplacement = new SampledWithoutReplacementEvent(1000, 10, new GaussianEvent(1.0));
        var accountant = new RdpAccountant([2.0, 3.0]);
        accountant.Compose(poisson);

        Assert.True(accountant.Supports(poisson));
        Assert.Throws<UnsupportedPrivacyEventException>(() => accountant.GetEpsilonResultIfComposed(withoutReplacement, 1e-5));
        Assert.Throws<UnsupportedPrivacyEventException>(() => accountant.GetDeltaIfComposed(withoutReplacement, 1.0));
        Assert.Single(accountant.History);
    }

    // An accountant built with dp_accounting's absolute series composes that series' values (3.2 % above the signed one
    // at q = 0.01, σ = 2.5, α = 1.5, the dp_accounting test_compute_rdp_poisson_sampled_gaussian case).
    [Fact]
    public void Constructor_Series_IsUsedByCompose()
    {
        var step = new PoissonSampledEvent(0.01, new GaussianEvent(2.5));
        var absolute = new RdpAccountant([1.5], series: FractionalOrderSeries.AbsoluteUpperBound);
        var signed = new RdpAccountant([1.5]);
        absolute.Compose(step);
        signed.Compose(step);

        Assert.Equal(RdpAccountant.ComputeSampledGaussianRdp(0.01, 2.5, 1.5, FractionalOrderSeries.AbsoluteUpperBound), absolute.Rdp[0]);
        Assert.Equal(RdpAccountant.ComputeSampledGaussianRdp(0.01, 2.5, 1.5), signed.Rdp[0]);
        Assert.InRange(absolute.Rdp[0] / signed.Rdp[0], 1.01, 1.05);
        Assert.Throws<ArgumentOutOfRangeException>("series", () => new RdpAccountant(series: (FractionalOrderSeries)2));
    }

    [Fact]
    public void OrdersAndArguments_DocumentedRanges()
    {
        Assert.Throws<ArgumentOutOfRangeException>("orders", () => new RdpAccountant([2.0, double.PositiveInfinity]));
        Assert.Throws<ArgumentOutOfRangeException>("orders", () => new RdpAccountant([double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>("orders", () => RdpAccountant.ComputeRdp(new GaussianEvent(1.0), [1.0]));
        Assert.Throws<ArgumentNullException>("orders", () => RdpAccountant.ComputeRdp(new GaussianEvent(1.0), null!));
        Assert.Equal(RdpAccountant.DefaultOrders, new RdpAccountant().Orders);

        Assert.Throws<ArgumentOutOfRangeException>("samplingProbability", () => RdpAccountant.ComputeSampledGaussianRdp(-0.01, 1.0, 2.0));
        Assert.Throws<ArgumentOutOfRangeException>("samplingProbability", () => RdpAccountant.ComputeSampledGaussianRdp(1.01, 1.0, 2.0));
        Assert.Throws<ArgumentOutOfRangeException>("samplingProbability", () => RdpAccountant.ComputeSampledGaussianRdp(double.NaN, 1.0, 2.0));
        Assert.Throws<ArgumentOutOfRangeException>("order", () => RdpAccountant.ComputeSampledGaussianRdp(0.5, 1.0, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>("order", () => RdpAccountant.ComputeSampledGaussianRdp(0.5, 1.0, double.NaN));
        // The closed ends: q = 0 gives 0, q = 1 the Gaussian α/(2σ²) = 2/2 = 1.
        Assert.Equal(0.0, RdpAccountant.ComputeSampledGaussianRdp(0.0, 1.0, 2.0));
        Assert.Equal(1.0, RdpAccountant.ComputeSampledGaussianRdp(1.0, 1.0, 2.0), 1e-12);

        Assert.Throws<ArgumentOutOfRangeException>("samplingFraction", () => RdpAccountant.ComputeSampledWithoutReplacementGaussianRdp(-0.01, 1.0, 2.0));
        Assert.Throws<ArgumentOutOfRangeException>("samplingFraction", () => RdpAccountant.ComputeSampledWithoutReplacementGaussianRdp(1.01, 1.0, 2.0));
        Assert.Throws<ArgumentOutOfRangeException>("samplingFraction", () => RdpAccountant.ComputeSampledWithoutReplacementGaussianRdp(double.NaN, 1.0, 2.0));
        Assert.Throws<ArgumentOutOfRangeException>("order", () => RdpAccountant.ComputeSampledWithoutReplacementGaussianRdp(0.5, 1.0, 1.0));
        Assert.Equal(0.0, RdpAccountant.ComputeSampledWithoutReplacementGaussianRdp(0.0, 1.0, 2.0));
        Assert.Equal(1.0, RdpAccountant.ComputeSampledWithoutReplacementGaussianRdp(1.0, 1.0, 2.0), 1e-12);
    }

    // dp_accounting rdp_privacy_accountant.DEFAULT_RDP_ORDERS = [1 + x / 10 for x in range(1, 100)] + list(range(11, 64))
    // + [128, 256, 512, 1024].
    [Fact]
    public void DpAccountingOrders_AreDefaultRdpOrders()
    {
        var orders = RdpAccountant.DpAccountingOrders;
        Assert.Equal(1.1, orders[0]);
        Assert.Equal(10.9, orders[98], 12);
        Assert.Equal(11.0, orders[99]);
        Assert.Equal(63.0, orders[151]);
        Assert.Equal([128.0, 256.0, 512.0, 1024.0], orders.Skip(152));
    }

    // Opacus logs a warning when the optimal order is at an end of the list, and only then.
    [Fact]
    public void GetEpsilonResult_WarnsOnlyAtTheEndsOfTheList()
    {
        var logger = new CountingLogger();
        var accountant = new RdpAccountant([2.0, 3.0, 4.0], logger);
        accountant.Compose(new ZCdpEvent(0.5 / 3.0)); // RDP αρ: 1/3, 0.5, 2/3 → optimum at α = 4 for δ = 1e-5
        Assert.True(accountant.GetEpsilonResult(1e-5).IsOptimalOrderAtBoundary);
        Assert.Equal(1, logger.Warnings);

        var quiet = new CountingLogger();
        var middle = new RdpAccountant([2.0, 40.0, 400.0], quiet);
        middle.Compose(new ZCdpEvent(0.01)); // ε(40) ≈ 0.4 − 0.025 + (11.512925 − 3.688879)/39 = 0.576; ε(2), ε(400) larger
        var result = middle.GetEpsilonResult(1e-5);
        Assert.Equal(40.0, result.OptimalOrder);
        Assert.False(result.IsOptimalOrderAtBoundary);
        Assert.Equal(0, quiet.Warnings);
    }

    private sealed class CountingLogger : ILogger
    {
        public int Warnings { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings++;
            }
        }
    }
}

using CsCheck;
using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Mechanisms;

namespace LlmCore.Privacy.Tests.Accounting;

/// <summary>
/// The optimistic (lower) and pessimistic (upper) PLD estimates, dp_accounting's <c>pessimistic_estimate</c> flag.
/// </summary>
public class PldBoundsTests
{
    // dp_accounting at commit b5b0286e, privacy_loss_distribution.from_gaussian_mechanism / from_laplace_mechanism /
    // from_randomized_response(..., value_discretization_interval = Δ, pessimistic_estimate = False | True)
    // .self_compose(T).get_epsilon_for_delta(1e-5), run with NumPy 1.24 / SciPy 1.10 (the optimistic estimate uses privacy
    // buckets, the pessimistic one connect-the-dots, as there). Events: Gaussian σ = 1; Poisson q = 0.01 of Gaussian σ = 1,
    // 100 steps; Poisson q = 0.1 of Laplace b = 2, 50 steps; randomized response p = 0.5, k = 4, replace-one, 10 times.
    [Theory]
    [InlineData("gaussian", 1e-2, 4.372195881273181, 4.3772291797428275)]
    [InlineData("gaussian", 1e-3, 4.37667839597594, 4.377178466842786)]
    [InlineData("poisson-gaussian", 1e-2, 0.27953314891567826, 0.7290635799095075)]
    [InlineData("poisson-gaussian", 1e-3, 0.66802525226125, 0.7181398725178441)]
    [InlineData("poisson-laplace", 1e-2, 1.0847764894620495, 1.2951423255911432)]
    [InlineData("poisson-laplace", 1e-3, 1.2508932899969125, 1.290532761227216)]
    [InlineData("randomized-response", 1e-2, 15.998899883465983, 16.098899883465982)]
    [InlineData("randomized-response", 1e-3, 16.08889988346598, 16.098899883465982)]
    public void GetEpsilonBounds_MatchDpAccountingOptimisticAndPessimistic(string kind, double interval, double lower, double upper)
    {
        var accountant = new PldAccountant(interval);
        Compose(accountant, kind);

        var bounds = accountant.GetEpsilonBounds(1e-5);

        Assertions.Relative(lower, bounds.Lower, 1e-7);
        Assertions.Relative(upper, bounds.Upper, 1e-7);
        Assert.Equal(accountant.GetEpsilon(1e-5), bounds.Upper);
    }

    [Fact]
    public void Bounds_Gaussian_BracketTheExactEpsilonAndConverge()
    {
        // Exact ε of one Gaussian with σ = 1 at δ = 1e-5 (Balle and Wang 2018, Theorem 8), by bisection on its δ(ε).
        var lo = 0.0;
        var hi = 20.0;
        for (var i = 0; i < 200; i++)
        {
            var mid = 0.5 * (lo + hi);
            (lo, hi) = GaussianCalibration.Delta(1.0, mid, 1.0) > 1e-5 ? (mid, hi) : (lo, mid);
        }

        var exact = hi;
        var previousGap = double.PositiveInfinity;
        foreach (var interval in new[] { 1e-2, 1e-3, 1e-4 })
        {
            var accountant = new PldAccountant(interval);
            accountant.Compose(new GaussianEvent(1.0));
            var bounds = accountant.GetEpsilonBounds(1e-5);

            Assert.InRange(exact, bounds.Lower, bounds.Upper);
            var gap = bounds.Upper - bounds.Lower;
            Assert.True(gap < previousGap / 5, $"gap {gap} at interval {interval} after {previousGap}");
            previousGap = gap;
        }

        Assert.True(previousGap < 1e-4, $"gap {previousGap}");
    }

    [Fact]
    public void Bounds_PoissonSampledGaussian_TightenAsTheIntervalShrinks()
    {
        // The optimistic estimate rounds each of T losses down by up to Δ, so its bias grows like T·Δ; both ends move
        // monotonically towards each other as Δ shrinks.
        var lowers = new List<double>();
        var uppers = new List<double>();
        foreach (var interval in new[] { 1e-2, 3e-3, 1e-3 })
        {
            var accountant = new PldAccountant(interval);
            accountant.Compose(new PoissonSampledEvent(0.02, new GaussianEvent(1.2)), 60);
            var bounds = accountant.GetEpsilonBounds(1e-6);
            lowers.Add(bounds.Lower);
            uppers.Add(bounds.Upper);
        }

        Assert.True(lowers[0] <= lowers[1] && lowers[1] <= lowers[2], string.Join(", ", lowers));
        Assert.True(uppers[0] >= uppers[1] && uppers[1] >= uppers[2], string.Join(", ", uppers));
        Assert.True(uppers[2] - lowers[2] < (uppers[0] - lowers[0]) / 5);
    }

    [Fact]
    public void Bounds_PlainLaplaceComposed_LowerNeverAboveUpper()
    {
        // Regression (found by Bounds_LowerNeverAboveUpper, CsCheck seed 2I9OgrmRo7O3, q = 1): 1/b = 0.35 is a multiple of
        // Δ = 5e-3, so the Laplace loss's atom at −1/b fell between two buckets whose shared edge was computed two ways and
        // was counted in both: the optimistic masses summed to 1.35, and gave ε 10.2326 above the pessimistic 10.1803 at
        // δ = 2.2e-8 and δ = 1 at ε = 5 (pessimistic 0.016).
        var accountant = new PldAccountant(5e-3);
        accountant.Compose(new LaplaceEvent(20.0 / 7), 32);

        var epsilons = accountant.GetEpsilonBounds(2.2e-8);
        var deltas = accountant.GetDeltaBounds(5.0);

        Assert.True(epsilons.Lower <= epsilons.Upper, $"ε bounds [{epsilons.Lower}, {epsilons.Upper}]");
        Assert.True(deltas.Lower <= deltas.Upper, $"δ bounds [{deltas.Lower}, {deltas.Upper}]");

        // The exact δ(5) lies between 0.016018 and 0.016088 (the composition of the loss rounded down and up on a grid of
        // 1e-4 nats, an independent NumPy computation: ExactLaplaceDelta's alternating sums lose their digits at 32 steps).
        Assert.InRange(deltas.Lower, 0.0157, 0.016088);
        Assert.InRange(deltas.Upper, 0.016018, 0.0164);
    }

    // The exact δ(ε) of the Laplace mechanism (scale b, sensitivity 1) composed k times, from its privacy loss in closed
    // form (ExactLaplaceDelta): per step the loss is +1/b with probability ½, −1/b with probability ½e^{−1/b}, and
    // otherwise has density ¼e^{−1/(2b)}·e^{u/2} on (−1/b, 1/b) (the loss t(x)/b, t(x) = |x| − |x − 1|, of x ~ Lap(1, b)
    // against Lap(0, b)). At k = 1 it is Balle and Wang's 1 − e^{(ε − 1/b)/2} (ExactLaplaceDelta_OneStep_IsTheClosedForm);
    // at k = 8, b = 20/7 it gives 0.0654250 at ε = 1.26, inside the 1e-4-grid round-down/round-up bracket
    // [0.0653348, 0.0654525] of an independent NumPy computation.
    [Theory]
    [InlineData(20.0 / 7, 8, 1.26)]
    [InlineData(20.0 / 7, 8, 0.5)]
    [InlineData(1.0, 3, 1.5)]
    [InlineData(2.0, 6, 1.0)]
    public void Bounds_PlainLaplaceComposed_BracketTheExactDelta(double scale, int steps, double epsilon)
    {
        var exact = ExactLaplaceDelta(scale, steps, epsilon);
        foreach (var interval in new[] { 5e-3, 1e-3 })
        {
            var accountant = new PldAccountant(interval);
            accountant.Compose(new LaplaceEvent(scale), steps);

            var bounds = accountant.GetDeltaBounds(epsilon);

            Assert.InRange(exact, bounds.Lower, bounds.Upper);
            Assert.True(bounds.Upper - bounds.Lower <= steps * interval * exact, $"[{bounds.Lower}, {bounds.Upper}] around {exact} at Δ = {interval}");
        }
    }

    [Fact]
    public void ExactLaplaceDelta_OneStep_IsTheClosedForm()
    {
        // δ(ε) = 1 − e^{(ε − 1/b)/2} for one Laplace mechanism and 0 ≤ ε ≤ 1/b (Balle and Wang 2018; dp_accounting's
        // LaplacePrivacyLoss.get_delta_for_epsilon): checks the reference used above.
        Assertions.Relative(1 - Math.Exp((0.5 - 1.0) / 2), ExactLaplaceDelta(1.0, 1, 0.5), 1e-12);
        Assertions.Relative(1 - Math.Exp((0.1 - 0.35) / 2), ExactLaplaceDelta(20.0 / 7, 1, 0.1), 1e-12);
    }

    [Fact]
    public void Bounds_LowerNeverAboveUpper()
    {
        // Property: for Poisson-sampled Gaussian and Laplace compositions (q up to 1, where the event is the plain
        // mechanism), the plain events themselves, and any δ (or ε), optimistic ≤ pessimistic. Half the noises put 1/b on
        // a multiple of the interval: grid-aligned atoms found the bug of Bounds_PlainLaplaceComposed_LowerNeverAboveUpper.
        var noises = Gen.OneOf(Gen.Double[0.5, 4.0], Gen.Int[50, 400].Select(static k => 1.0 / (k * 5e-3)));
        Gen.Select(Gen.Double[0.005, 1.0], noises, Gen.Int[1, 40], Gen.Double[-9, -2], Gen.Int[0, 3]).Sample((q, noise, steps, logDelta, kind) =>
        {
            var accountant = new PldAccountant(5e-3);
            PrivacyEvent step = kind switch
            {
                0 => new PoissonSampledEvent(q, new LaplaceEvent(noise)),
                1 => new PoissonSampledEvent(q, new GaussianEvent(noise)),
                2 => new LaplaceEvent(noise),
                _ => new GaussianEvent(noise),
            };
            accountant.Compose(step, steps);
            var delta = Math.Pow(10, logDelta);
            var epsilons = accountant.GetEpsilonBounds(delta);
            var deltas = accountant.GetDeltaBounds(epsilons.Upper / 2);
            return epsilons.Lower <= epsilons.Upper && deltas.Lower <= deltas.Upper && epsilons.Lower >= 0 && deltas.Lower >= 0;
        }, iter: 15);
    }

    [Fact]
    public void Bounds_FollowLaterCompositions()
    {
        var accountant = new PldAccountant(1e-3);
        Assert.Equal(new PldBounds(0, 0), accountant.GetEpsilonBounds(1e-5));

        accountant.Compose(new GaussianEvent(2.0));
        var first = accountant.GetEpsilonBounds(1e-5);
        accountant.Compose(new GaussianEvent(2.0));
        var second = accountant.GetEpsilonBounds(1e-5);

        // Two Gaussians with σ = 2 are one with σ = √2: the same bounds as a fresh accountant built that way.
        var reference = new PldAccountant(1e-3);
        reference.Compose(new GaussianEvent(2.0), 2);
        Assert.True(second.Lower > first.Lower && second.Upper > first.Upper);
        Assertions.Relative(reference.GetEpsilonBounds(1e-5).Upper, second.Upper, 1e-3);
        Assertions.Relative(reference.GetEpsilonBounds(1e-5).Lower, second.Lower, 1e-3);
    }

    [Fact]
    public void Bounds_BadArguments_ThrowNamingTheParameter()
    {
        var accountant = new PldAccountant();

        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => accountant.GetEpsilonBounds(0)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => accountant.GetDeltaBounds(double.NaN)).ParamName);
    }

    /// <summary>The exact δ(ε) of k Laplace mechanisms of scale b (see <see cref="Bounds_PlainLaplaceComposed_BracketTheExactDelta"/>).</summary>
    /// <remarks>
    /// Conditioned on how many steps hit the atoms (n₊ at +c, n₋ at −c, c = 1/b), the other j losses have a joint density
    /// (¼e^{−c/2})^j·e^{s/2} that depends on their sum s alone, so the sum has density
    /// (¼e^{−c/2})^j·e^{s/2}·(2c)^{j−1}·IH_j((s + jc)/(2c)), IH_j the Irwin–Hall density of j uniforms; δ(ε) = E[(1 − e^{ε − L})₊]
    /// is then one integral per (n₊, n₋), taken by Simpson's rule on each polynomial piece of IH_j (about 1e-12 relative
    /// for k ≤ 8; the alternating sums of IH_j lose digits beyond).
    /// </remarks>
    private static double ExactLaplaceDelta(double scale, int steps, double epsilon)
    {
        const int Panels = 2000;
        var c = 1 / scale;
        var total = 0.0;
        for (var up = 0; up <= steps; up++)
        {
            for (var down = 0; down <= steps - up; down++)
            {
                var j = steps - up - down;
                var m = (up - down) * c;
                var weight = Multinomial(steps, up, down) * Math.Pow(0.5, up) * Math.Pow(0.5 * Math.Exp(-c), down) * Math.Pow(0.25 * Math.Exp(-c / 2), j);
                if (j == 0)
                {
                    total += weight * Math.Max(0, 1 - Math.Exp(epsilon - m));
                    continue;
                }

                for (var piece = 0; piece < j; piece++)
                {
                    var lo = Math.Max((-j * c) + (2 * c * piece), epsilon - m);
                    var hi = (-j * c) + (2 * c * (piece + 1));
                    if (lo >= hi)
                    {
                        continue;
                    }

                    var h = (hi - lo) / Panels;
                    var sum = 0.0;
                    for (var n = 0; n <= Panels; n++)
                    {
                        var s = lo + (n * h);
                        var x = Math.Clamp((s + (j * c)) / (2 * c), piece, piece + 1);
                        var density = Math.Exp(s / 2) * Math.Pow(2 * c, j - 1) * IrwinHallPiece(j, piece, x);
                        var f = density * (1 - Math.Exp(epsilon - m - s));
                        sum += f * (n == 0 || n == Panels ? 1 : n % 2 == 1 ? 4 : 2);
                    }

                    total += weight * sum * h / 3;
                }
            }
        }

        return total;
    }

    /// <summary>The Irwin–Hall density of j uniforms on its piece [piece, piece + 1]: Σ_{r ≤ piece} (−1)^r C(j, r)(x − r)^{j−1}/(j − 1)!.</summary>
    private static double IrwinHallPiece(int j, int piece, double x)
    {
        var sum = 0.0;
        for (var r = 0; r <= piece; r++)
        {
            sum += (r % 2 == 0 ? 1 : -1) * Binomial(j, r) * Math.Pow(x - r, j - 1);
        }

        return sum / Factorial(j - 1);
    }

    private static double Multinomial(int n, int a, int b) => Factorial(n) / (Factorial(a) * Factorial(b) * Factorial(n - a - b));

    private static double Binomial(int n, int k) => Factorial(n) / (Factorial(k) * Factorial(n - k));

    private static double Factorial(int n)
    {
        var f = 1.0;
        for (var i = 2; i <= n; i++)
        {
            f *= i;
        }

        return f;
    }

    private static void Compose(PldAccountant accountant, string kind)
    {
        switch (kind)
        {
            case "gaussian":
                accountant.Compose(new GaussianEvent(1.0));
                break;
            case "poisson-gaussian":
                accountant.Compose(new PoissonSampledEvent(0.01, new GaussianEvent(1.0)), 100);
                break;
            case "poisson-laplace":
                accountant.Compose(new PoissonSampledEvent(0.1, new LaplaceEvent(2.0)), 50);
                break;
            default:
                accountant.Compose(new RandomizedResponseEvent(0.5, 4), 10);
                break;
        }
    }
}

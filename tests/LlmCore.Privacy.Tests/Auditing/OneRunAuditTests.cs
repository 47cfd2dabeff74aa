using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Auditing;
using LlmCore.Privacy.Sampling;
using MathNet.Numerics.Distributions;

namespace LlmCore.Privacy.Tests.Auditing;

/// <summary>
/// The one-run audit of Steinke, Nasr and Jagielski (2023). Reference values: the paper's Appendix D procedure
/// (<c>p_value_DP_audit</c> and <c>get_eps_audit</c>, 30 bisection steps) evaluated with SciPy 1.10.1 on Debian 12; the paper's
/// figures are plots, so no value is read off them. The closed form for perfect guessing with δ = 0 is checked separately.
/// </summary>
public class OneRunAuditTests
{
    private static readonly (int Positive, int Negative)[] s_candidates = [(50, 50), (100, 100), (200, 200), (300, 300), (400, 400)];

    // p_value_DP_audit(m, r, v, ε, δ) of Appendix D, evaluated with SciPy (see the class remarks).
    [Theory]
    [InlineData(1000, 200, 150, 1.0, 1e-5, 0.3044225124350067)]
    [InlineData(1000, 200, 150, 0.5, 0.0, 8.91818292051609e-05)]
    [InlineData(1000, 1000, 600, 0.3, 1e-5, 0.05459831694066975)]
    [InlineData(50, 20, 20, 2.0, 0.01, 0.3232920068951068)]
    public void OneRunPValue_MatchesAppendixDProcedure(int m, int r, int v, double epsilon, double delta, double expected)
    {
        var p = PrivacyAudit.OneRunPValue(m, r, v, epsilon, delta);

        Assert.InRange(p, expected * (1 - 1e-9), expected * (1 + 1e-9));
    }

    // get_eps_audit(m, r, v, δ, 1 − confidence) of Appendix D: its bisection ends with [eps_min, eps_max] (both printed);
    // our bisection runs to 1e-12, so the bound must fall inside that bracket.
    [Theory]
    [InlineData(1000, 600, 600, 1e-5, 0.95, 5.270399462431669, 5.270399468019605)]
    [InlineData(1000, 100, 100, 0.0, 0.95, 3.492965430021286, 3.4929654337465763)]
    [InlineData(1000, 1000, 900, 1e-5, 0.95, 2.0206455951556563, 2.020645597949624)]
    [InlineData(1000, 200, 150, 1e-5, 0.95, 0.819972911849618, 0.8199729127809405)]
    [InlineData(10000, 1000, 800, 1e-6, 0.95, 1.2539840936660767, 1.2539840955287218)]
    [InlineData(100, 50, 30, 0.0, 0.95, 0.0, 9.313225746154785e-10)]
    [InlineData(1000, 1000, 1000, 0.0, 0.95, 5.809068337082863, 5.809068342670798)]
    [InlineData(1000, 1000, 1000, 1e-5, 0.99, 5.315612157806754, 5.31561216339469)]
    [InlineData(500, 100, 95, 1e-3, 0.95, 1.4831007458269596, 1.4831007476896048)]
    public void OneRunEpsilonLowerBound_MatchesAppendixDProcedure(int m, int r, int v, double delta, double confidence, double lo, double hi)
    {
        var bound = PrivacyAudit.OneRunEpsilonLowerBound(m, r, v, delta, confidence);

        Assert.InRange(bound, lo - 1e-9, hi + 1e-9);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(1000)]
    public void OneRunEpsilonLowerBound_PerfectGuessesWithoutDelta_IsTheClosedForm(int r)
    {
        // δ = 0 and v = r: the p-value is q^r, so the bound solves q^r = 1 − confidence: ε = ln(q/(1 − q)), q = 0.05^(1/r).
        var q = Math.Pow(0.05, 1.0 / r);

        Assert.Equal(Math.Log(q / (1 - q)), PrivacyAudit.OneRunEpsilonLowerBound(2000, r, r, 0, 0.95), 9);
    }

    [Fact]
    public void OneRunEpsilonLowerBound_MoreCorrectGuesses_NeverLower()
    {
        var previous = 0.0;
        for (var v = 0; v <= 400; v += 10)
        {
            var bound = PrivacyAudit.OneRunEpsilonLowerBound(1000, 400, v, 1e-5);
            Assert.True(bound >= previous, $"v = {v}");
            previous = bound;
        }

        Assert.Equal(0, PrivacyAudit.OneRunEpsilonLowerBound(1000, 400, 200, 1e-5));
    }

    [Fact]
    public void Plan_Create_IncludesEachCanaryWithProbabilityOneHalf()
    {
        // 200,000 canaries: the included count is Binomial(200000, ½); it must lie in the central 99.9% interval
        // (±3.29σ, σ = 223.6), a false-failure rate of 0.1% for this fixed seed.
        var plan = OneRunAuditPlan.Create(200_000, new SeededRandomSource(901));

        Assert.InRange(plan.IncludedCanaries.Count, 100_000 - 736, 100_000 + 736);
        Assert.Equal(plan.Inclusions, OneRunAuditPlan.Create(200_000, new SeededRandomSource(901)).Inclusions);
        Assert.Equal(plan.Inclusions, OneRunAuditPlan.FromInclusions(plan.Inclusions).Inclusions);
        Assert.All(plan.IncludedCanaries, i => Assert.True(plan.IsIncluded(i)));
    }

    [Fact]
    public void EvaluateOneRun_GuessesTopAndBottomScores()
    {
        // Canaries 0..5, included: 1, 3, 4. Scores rank them 2 < 0 < 5 < 1 < 3 < 4 with a tie (0 and 5 at 0.5, broken by index).
        var plan = OneRunAuditPlan.FromInclusions([false, true, false, true, true, false]);
        double[] scores = [0.5, 0.7, 0.1, 0.8, 0.9, 0.5];

        var result = PrivacyAudit.EvaluateOneRun(plan, scores, positiveGuesses: 2, negativeGuesses: 3, delta: 0, confidence: 0.95);

        // "Included" for 4 and 3 (both right); "excluded" for 2, 0, 5 (all right).
        Assert.Equal(5, result.Guesses);
        Assert.Equal(5, result.CorrectGuesses);
        Assert.Equal(PrivacyAudit.OneRunEpsilonLowerBound(6, 5, 5, 0, 0.95), result.EpsilonLowerBound);
        Assert.Equal(0, PrivacyAudit.EvaluateOneRun(plan, scores, 4, 0).CorrectGuesses - 3);
    }

    [Fact]
    public void EvaluateOneRun_Candidates_UseABonferroniLevel()
    {
        var plan = OneRunAuditPlan.Create(1000, new SeededRandomSource(902));
        var scores = plan.Inclusions.Select(static b => b ? 1.0 : 0.0).ToArray();

        var single = PrivacyAudit.EvaluateOneRun(plan, scores, 100, 100, 1e-5, 0.95);
        var one = PrivacyAudit.EvaluateOneRun(plan, scores, [(100, 100)], 1e-5, 0.95);
        var five = PrivacyAudit.EvaluateOneRun(plan, scores, s_candidates, 1e-5, 0.95);

        Assert.Equal(single, one);
        Assert.Equal(400, five.PositiveGuesses);
        Assert.Equal(PrivacyAudit.OneRunEpsilonLowerBound(1000, 800, 800, 1e-5, 1 - (0.05 / 5)), five.EpsilonLowerBound);
    }

    [Fact]
    public void EvaluateOneRun_BadArguments_ThrowNamingTheParameter()
    {
        var plan = OneRunAuditPlan.FromInclusions([true, false, true]);

        Assert.Equal("scores", Assert.Throws<ArgumentException>(() => PrivacyAudit.EvaluateOneRun(plan, new double[2], 1, 1)).ParamName);
        Assert.Equal("scores", Assert.Throws<ArgumentOutOfRangeException>(() => PrivacyAudit.EvaluateOneRun(plan, [1, double.NaN, 0], 1, 1)).ParamName);
        Assert.Equal("negativeGuesses", Assert.Throws<ArgumentOutOfRangeException>(() => PrivacyAudit.EvaluateOneRun(plan, new double[3], 2, 2)).ParamName);
        Assert.Equal("confidence", Assert.Throws<ArgumentOutOfRangeException>(() => PrivacyAudit.EvaluateOneRun(plan, new double[3], 1, 1, 0, 1)).ParamName);
        Assert.Equal("correctGuesses", Assert.Throws<ArgumentOutOfRangeException>(() => PrivacyAudit.OneRunEpsilonLowerBound(10, 3, 4)).ParamName);
        Assert.Equal("canaryCount", Assert.Throws<ArgumentOutOfRangeException>(() => OneRunAuditPlan.Create(0)).ParamName);
        Assert.Equal("inclusions", Assert.Throws<ArgumentException>(() => OneRunAuditPlan.FromInclusions([])).ParamName);
    }

    [Fact]
    public void GradientCanaries_OccupyDistinctCoordinatesAndOnlyIncludedOnesAreAdded()
    {
        var plan = OneRunAuditPlan.Create(500, new SeededRandomSource(903));
        var audit = new GradientCanaryAudit(plan, 600, 0.5, new SeededRandomSource(904));
        var coordinates = Enumerable.Range(0, 500).Select(audit.CoordinateOf).ToArray();
        Assert.Equal(500, coordinates.Distinct().Count());
        Assert.All(coordinates, c => Assert.InRange(c, 0, 599));

        var sum = new float[600];
        Assert.Equal(plan.IncludedCanaries.Count, audit.AddPoissonSampled(sum, 1.0, new SeededRandomSource(905)));
        Assert.Equal(0, audit.AddPoissonSampled(new double[600], 0.0, new SeededRandomSource(905)));
        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(plan.IsIncluded(i) ? 0.5f : 0f, sum[coordinates[i]]);
        }

        var excluded = Enumerable.Range(0, 500).First(i => !plan.IsIncluded(i));
        Assert.Equal("canary", Assert.Throws<ArgumentException>(() => audit.AddCanaryGradient(excluded, sum)).ParamName);
        Assert.Equal("clippedSum", Assert.Throws<ArgumentException>(() => audit.AddPoissonSampled(new float[599], 0.5, new SeededRandomSource(1))).ParamName);
        Assert.Equal("parameterCount", Assert.Throws<ArgumentOutOfRangeException>(() => new GradientCanaryAudit(plan, 499, 1.0)).ParamName);

        // Score = ⟨C·e_c, θ₀ − θ_T⟩.
        var initial = new float[600];
        var final = sum.Select(static x => -x).ToArray();
        var scores = audit.Score(initial, final);
        Assert.Equal(plan.Inclusions.Select(static b => b ? 0.25 : 0.0), scores);
    }

    [Fact]
    public void ExampleCanaries_IncludedSubsetFollowsThePlan()
    {
        var canaries = Enumerable.Range(0, 100).Select(static i => $"canary-{i}").ToArray();
        var audit = new ExampleCanaryAudit<string>(canaries, new SeededRandomSource(906));

        Assert.Equal(audit.Plan.IncludedCanaries.Select(i => canaries[i]), audit.IncludedCanaries);
        Assert.Equal(canaries.Select(static c => (double)c.Length), audit.Score(static c => c.Length));
        Assert.Equal("score", Assert.Throws<ArgumentOutOfRangeException>(() => audit.Score(static _ => double.PositiveInfinity)).ParamName);
        Assert.Equal("canaries", Assert.Throws<ArgumentException>(() => new ExampleCanaryAudit<string>(canaries, OneRunAuditPlan.FromInclusions([true]))).ParamName);
    }

    // White-box DP-SGD simulated through the public seams a training loop uses: every step the gradient transform adds the
    // included canaries the Poisson sampler picks (AddPoissonSampled), then N(0, σ²C²) noise (GaussianSampler), then an SGD
    // step; canary coordinates get no other gradient (the white-box worst case). The claimed ε is the RDP accountant's for
    // PoissonSampledEvent(q, Gaussian(σ)) over T steps at δ = 1e-5.
    public static TheoryData<double, double, int> Configurations => new()
    {
        { 1.0, 2.0, 1 },
        { 0.5, 4.0, 10 },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void WhiteBoxAudit_NoiseScaledDownTenTimes_ExceedsTheClaimedEpsilon(double q, double sigma, int steps)
    {
        var claimed = ClaimedEpsilon(q, sigma, steps);
        for (ulong seed = 1; seed <= 3; seed++)
        {
            var result = SimulateWhiteBox(seed, q, sigma / 10, steps);

            Assert.True(result.EpsilonLowerBound > claimed, $"seed {seed}: audited {result.EpsilonLowerBound} vs claimed {claimed}");
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void WhiteBoxAudit_CorrectNoise_NeverExceedsTheAccountant(double q, double sigma, int steps)
    {
        // The bound holds with confidence 95% per run if the mechanism is (ε, δ)-DP, so each seed could exceed the
        // accountant's ε with probability at most 5% (at most 40% for the 8 fixed seeds by the union bound); one-run audits are
        // far from tight, and every seed here stays below half of ε.
        var claimed = ClaimedEpsilon(q, sigma, steps);
        for (ulong seed = 101; seed <= 108; seed++)
        {
            var result = SimulateWhiteBox(seed, q, sigma, steps);

            Assert.True(result.EpsilonLowerBound <= claimed, $"seed {seed}: audited {result.EpsilonLowerBound} vs accountant {claimed}");
        }
    }

    [Fact]
    public void WhiteBoxAudit_NoNoise_GuessesEverythingAndTheBoundIsLarge()
    {
        var result = SimulateWhiteBox(7, 1.0, 0.0, 1);

        Assert.Equal(result.Guesses, result.CorrectGuesses);
        Assert.Equal(800, result.Guesses);
        Assert.Equal(PrivacyAudit.OneRunEpsilonLowerBound(1000, 800, 800, 1e-5, 1 - (0.05 / s_candidates.Length)), result.EpsilonLowerBound);
        Assert.True(result.EpsilonLowerBound > 5, $"{result.EpsilonLowerBound}");
    }

    private static double ClaimedEpsilon(double q, double sigma, int steps)
    {
        var accountant = new RdpAccountant();
        accountant.Compose(new PoissonSampledEvent(q, new GaussianEvent(sigma)), steps);
        return accountant.GetEpsilon(1e-5);
    }

    private static OneRunAuditResult SimulateWhiteBox(ulong seed, double q, double sigma, int steps)
    {
        const int canaries = 1000;
        var random = new SeededRandomSource(seed);
        var plan = OneRunAuditPlan.Create(canaries, random);
        var audit = new GradientCanaryAudit(plan, canaries, clippingNorm: 1.0, random);
        var initial = new double[canaries];
        var parameters = new double[canaries];
        var sum = new double[canaries];
        var noise = new double[canaries];
        for (var t = 0; t < steps; t++)
        {
            Array.Clear(sum);
            audit.AddPoissonSampled(sum, q, random);
            if (sigma > 0)
            {
                GaussianSampler.Fill(random, sigma * audit.ClippingNorm, noise);
                for (var i = 0; i < canaries; i++)
                {
                    sum[i] += noise[i];
                }
            }

            for (var i = 0; i < canaries; i++)
            {
                parameters[i] -= 0.05 * sum[i];
            }
        }

        return PrivacyAudit.EvaluateOneRun(plan, audit.Score(initial, parameters), s_candidates, delta: 1e-5, confidence: 0.95);
    }
}

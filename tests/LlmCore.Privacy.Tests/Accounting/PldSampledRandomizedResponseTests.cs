using LlmCore.Privacy.Accounting;

namespace LlmCore.Privacy.Tests.Accounting;

/// <summary>
/// Poisson-sampled randomized response in the PLD accountant, against the exact hockey-stick divergence computed by
/// enumerating every output sequence: δ(ε) = max over the two directions of Σₒ max(0, P(o) − e^ε·Q(o)), with P the
/// mixture q·RR + (1 − q)·uniform (record present with probability q; an absent record answers uniformly, the
/// ReplaceSpecial adjacency of dp_accounting) and Q uniform, composed T times. The accountant's discretisation is
/// pessimistic, so its δ must lie at or above the exact one and within the discretisation error.
/// </summary>
public class PldSampledRandomizedResponseTests
{
    [Theory]
    [InlineData(0.3, 0.5, 4, 1, 0.5)]
    [InlineData(0.3, 0.5, 4, 3, 0.5)]
    [InlineData(0.1, 0.2, 3, 4, 0.25)]
    [InlineData(0.8, 0.6, 5, 2, 1.0)]
    public void GetDelta_SampledRandomizedResponse_MatchesExactEnumeration(double q, double p, int k, int steps, double epsilon)
    {
        var accountant = new PldAccountant(1e-4);
        accountant.Compose(new PoissonSampledEvent(q, new RandomizedResponseEvent(p, k, RandomizedResponseAdjacency.ReplaceSpecial)), steps);

        var exact = ExactDelta(q, p, k, steps, epsilon);
        var delta = accountant.GetDelta(epsilon);

        Assert.InRange(delta, exact - 1e-12, exact + 2e-3);
    }

    [Fact]
    public void GetEpsilon_SamplingProbabilityOne_EqualsUnsampledReplaceSpecial()
    {
        var sampled = new PldAccountant(1e-4);
        sampled.Compose(new PoissonSampledEvent(1.0, new RandomizedResponseEvent(0.3, 10, RandomizedResponseAdjacency.ReplaceSpecial)), 5);
        var plain = new PldAccountant(1e-4);
        plain.Compose(new RandomizedResponseEvent(0.3, 10, RandomizedResponseAdjacency.ReplaceSpecial), 5);

        Assert.Equal(plain.GetEpsilon(1e-6), sampled.GetEpsilon(1e-6), 12);
    }

    [Fact]
    public void GetEpsilon_GrowsWithSamplingProbability()
    {
        double previous = 0;
        foreach (var q in new[] { 0.01, 0.05, 0.2, 0.5, 1.0 })
        {
            var accountant = new PldAccountant(1e-4);
            accountant.Compose(new PoissonSampledEvent(q, new RandomizedResponseEvent(0.3, 10, RandomizedResponseAdjacency.ReplaceSpecial)), 20);
            var epsilon = accountant.GetEpsilon(1e-6);
            Assert.True(epsilon > previous, $"q = {q}: ε {epsilon} is not above {previous}");
            previous = epsilon;
        }
    }

    [Fact]
    public void Compose_SampledReplaceOne_IsRejectedWithAReason()
    {
        var accountant = new PldAccountant(1e-3);

        var ex = Assert.Throws<UnsupportedPrivacyEventException>(() =>
            accountant.Compose(new PoissonSampledEvent(0.5, new RandomizedResponseEvent(0.3, 10, RandomizedResponseAdjacency.ReplaceOne))));

        Assert.Contains("ReplaceSpecial", ex.Message, StringComparison.Ordinal);
    }

    private static double ExactDelta(double q, double p, int k, int steps, double epsilon)
    {
        var b = p / k;
        var a = 1 - p + b;
        var u = 1.0 / k;
        var m1 = (q * a) + ((1 - q) * u);
        var m2 = (q * b) + ((1 - q) * u);

        // Enumerate output sequences by how many steps hit the true bucket (j) — the probabilities depend only on j.
        double remove = 0, add = 0;
        for (var j = 0; j <= steps; j++)
        {
            var count = Binomial(steps, j) * Math.Pow(k - 1, steps - j);
            var mixture = Math.Pow(m1, j) * Math.Pow(m2, steps - j);
            var uniform = Math.Pow(u, steps);
            remove += count * Math.Max(0, mixture - (Math.Exp(epsilon) * uniform));
            add += count * Math.Max(0, uniform - (Math.Exp(epsilon) * mixture));
        }

        return Math.Max(remove, add);
    }

    private static double Binomial(int n, int r)
    {
        double result = 1;
        for (var i = 1; i <= r; i++)
        {
            result = result * (n - r + i) / i;
        }

        return result;
    }
}

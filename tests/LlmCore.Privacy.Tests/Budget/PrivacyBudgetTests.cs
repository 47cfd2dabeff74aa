using CsCheck;
using LlmCore.Privacy.Budget;
using LlmCore.Privacy.Guarantees;

namespace LlmCore.Privacy.Tests.Budget;

public class PrivacyBudgetTests
{
    [Fact]
    public void Spend_WithinLimit_AccumulatesBasicComposition()
    {
        var budget = new PrivacyBudget(1.0, 1e-5, 0.5);

        budget.Spend(PrivacyGuarantee.Pure(0.25));
        budget.Spend(PrivacyGuarantee.Approximate(0.5, 4e-6));
        budget.Spend(PrivacyGuarantee.ZeroConcentrated(0.5));

        Assert.Equal(0.75, budget.EpsilonSpent);
        Assert.Equal(4e-6, budget.DeltaSpent);
        Assert.Equal(0.5, budget.RhoSpent);
        Assert.Equal(3, budget.SpendCount);
        Assert.Equal(0.25, budget.EpsilonRemaining);
    }

    [Fact]
    public void Spend_BeyondLimit_ThrowsWithNumbersAndChangesNothing()
    {
        var budget = new PrivacyBudget(1.0, 1e-6);
        budget.Spend(PrivacyGuarantee.Pure(0.75));

        var ex = Assert.Throws<PrivacyBudgetExceededException>(() => budget.Spend(PrivacyGuarantee.Approximate(0.5, 1e-7)));

        Assert.Equal(0.75, ex.EpsilonSpent);
        Assert.Equal(1.0, ex.EpsilonLimit);
        Assert.Equal(PrivacyGuarantee.Approximate(0.5, 1e-7), ex.Requested);
        Assert.Equal(0.75, budget.EpsilonSpent);
        Assert.Equal(0, budget.DeltaSpent);
        Assert.False(budget.TrySpend(PrivacyGuarantee.Approximate(0.1, 2e-6)));
        Assert.False(budget.TrySpend(PrivacyGuarantee.ZeroConcentrated(0.01)));
        Assert.Equal(1, budget.SpendCount);
    }

    [Fact]
    public void Spend_SixteenConcurrentThreads_NeverExceedsAndLosesNothing()
    {
        // Property: for random limits and per-spend ε, 16 threads racing to spend accept exactly what fits, and the
        // odometer equals (accepted spends) × ε with no lost update.
        Gen.Select(Gen.Double[0.5, 20], Gen.Double[0.01, 0.5]).Sample((limit, epsilon) =>
        {
            var budget = new PrivacyBudget(limit);
            var accepted = 0;
            using var start = new Barrier(16);
            var threads = Enumerable.Range(0, 16).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                for (var i = 0; i < 200; i++)
                {
                    if (budget.TrySpend(PrivacyGuarantee.Pure(epsilon)))
                    {
                        Interlocked.Increment(ref accepted);
                    }
                }
            })).ToList();
            threads.ForEach(static t => t.Start());
            threads.ForEach(static t => t.Join());

            var sequential = 0.0;
            for (var i = 0; i < accepted; i++)
            {
                sequential += epsilon;
            }

            return budget.EpsilonSpent <= limit
                && budget.SpendCount == accepted
                && budget.EpsilonSpent == sequential
                && budget.EpsilonSpent + epsilon > limit;
        }, iter: 20, threads: 1);
    }

    [Theory]
    [InlineData(double.NaN, 0, 0, "epsilonLimit")]
    [InlineData(-1, 0, 0, "epsilonLimit")]
    [InlineData(1, 1, 0, "deltaLimit")]
    [InlineData(1, -0.1, 0, "deltaLimit")]
    [InlineData(1, 0, double.PositiveInfinity, "rhoLimit")]
    public void Constructor_BadLimits_ThrowNamingParameter(double epsilon, double delta, double rho, string parameter)
    {
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => new PrivacyBudget(epsilon, delta, rho)).ParamName);
    }
}

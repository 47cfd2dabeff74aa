using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Budget;

namespace LlmCore.Privacy.Tests.Budget;

public sealed class AccountantBackedBudgetTests
{
    private static readonly PrivacyEvent s_step = new PoissonSampledEvent(0.01, new GaussianEvent(1.0));

    [Fact]
    public void Spend_UpToLimit_ChargesThenRefusesWithoutComposing()
    {
        // Limit between ε after 100 and after 101 steps: exactly 100 releases are accepted.
        var after100 = new RdpAccountant().Compose(s_step, 100).GetEpsilon(1e-5);
        var after101 = new RdpAccountant().Compose(s_step, 101).GetEpsilon(1e-5);
        var budget = new AccountantBackedBudget(new RdpAccountant(), (after100 + after101) / 2, 1e-5);
        for (var i = 0; i < 100; i++)
        {
            budget.Spend(s_step);
        }

        Assert.Equal(100, budget.SpendCount);
        Assert.Equal(after100, budget.EpsilonSpent, 12);
        Assert.False(budget.TrySpend(s_step));
        var ran = false;
        Assert.Throws<PrivacyBudgetExceededException>(() => budget.Release(s_step, () => ran = true));
        Assert.False(ran);
        Assert.Equal(100, budget.SpendCount);
        Assert.Equal(100, budget.Accountant.History.Count);
    }

    [Fact]
    public void TrySpend_ConcurrentCallers_NeverJointlyExceedLimit()
    {
        // 8 threads race 400 releases against a limit that admits exactly 100 (checked and composed under one lock).
        var after100 = new RdpAccountant().Compose(s_step, 100).GetEpsilon(1e-5);
        var after101 = new RdpAccountant().Compose(s_step, 101).GetEpsilon(1e-5);
        var limit = (after100 + after101) / 2;
        var budget = new AccountantBackedBudget(new RdpAccountant(), limit, 1e-5);
        var accepted = 0;
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            if (budget.TrySpend(s_step))
            {
                Interlocked.Increment(ref accepted);
            }
        });
        Assert.Equal(100, accepted);
        Assert.Equal(100, budget.SpendCount);
        Assert.True(budget.EpsilonSpent <= limit);
    }

    [Fact]
    public void Release_WithinBudget_RunsAfterCharging()
    {
        var budget = new AccountantBackedBudget(new PldAccountant(1e-3), 5.0, 1e-5);
        var value = budget.Release(new GaussianEvent(2.0), () => budget.SpendCount);
        Assert.Equal(1, value);
        Assert.InRange(budget.EpsilonSpent, 0.1, 5.0);
    }

    [Fact]
    public void Constructor_BadArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("accountant", () => new AccountantBackedBudget(null!, 1, 1e-5));
        Assert.Throws<ArgumentOutOfRangeException>("epsilonLimit", () => new AccountantBackedBudget(new RdpAccountant(), 0, 1e-5));
        Assert.Throws<ArgumentOutOfRangeException>("epsilonLimit", () => new AccountantBackedBudget(new RdpAccountant(), double.NaN, 1e-5));
        Assert.Throws<ArgumentOutOfRangeException>("delta", () => new AccountantBackedBudget(new RdpAccountant(), 1, 0));
        Assert.Throws<ArgumentNullException>("privacyEvent", () => new AccountantBackedBudget(new RdpAccountant(), 1, 1e-5).TrySpend(null!));
    }
}

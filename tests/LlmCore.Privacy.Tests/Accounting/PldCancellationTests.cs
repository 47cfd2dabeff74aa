using LlmCore.Privacy.Accounting;

namespace LlmCore.Privacy.Tests.Accounting;

/// <summary>
/// Issue 22: the PLD accountant's long work (composition, FFT self-composition) stops when its token is cancelled, and
/// a cancelled composition leaves the accountant as it was. Allocation is measured with
/// <see cref="GC.GetTotalAllocatedBytes(bool)"/>, so these run in the resource collection, alone.
/// </summary>
[Collection(ResourceCollection.Name)]
public class PldCancellationTests
{
    // σ = 0.02, q = 0.01, 100 steps, δ = 1e-5: the request the follow-up measured at more than 5 minutes within
    // the default grid limit. With an already-cancelled token nothing may be built.
    [Fact]
    public void Compose_AlreadyCancelled_ThrowsBeforeBuilding_NothingComposed()
    {
        var accountant = new PldAccountant();
        var step = new PoissonSampledEvent(0.01, new GaussianEvent(0.02));
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        _ = accountant.Supports(step);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);

        Assert.ThrowsAny<OperationCanceledException>(() => accountant.Compose(step, 100, cancellation.Token));

        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Assert.True(bytes < 1L << 20, $"a cancelled composition allocated {bytes} bytes");
        Assert.Empty(accountant.History);
    }

    [Fact]
    public void GetEpsilonBounds_AlreadyCancelled_Throws_ThenAnswersWithoutToken()
    {
        var accountant = new PldAccountant();
        var step = new PoissonSampledEvent(0.01, new GaussianEvent(1.0));
        accountant.Compose(step, 10);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => accountant.GetEpsilonBounds(1e-5, cancellation.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => accountant.GetEpsilon(1e-5, cancellation.Token));

        // The state is intact: the overloads without a token answer as a fresh accountant does.
        var fresh = new PldAccountant();
        fresh.Compose(step, 10);
        Assert.Equal(fresh.GetEpsilonBounds(1e-5), accountant.GetEpsilonBounds(1e-5));
    }

    // A cancelled composition after an earlier one is rolled back alone: the earlier composition and its ε are kept,
    // and the same composition succeeds afterwards without the token.
    [Fact]
    public void Compose_CancelledAfterAnEarlierComposition_RollsBackOnlyTheCancelledOne()
    {
        var accountant = new PldAccountant();
        var first = new PoissonSampledEvent(0.01, new GaussianEvent(1.0));
        var second = new PoissonSampledEvent(0.02, new GaussianEvent(1.0));
        accountant.Compose(first, 10);
        var before = accountant.GetEpsilon(1e-5);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => accountant.Compose(second, 10, cancellation.Token));

        Assert.Single(accountant.History);
        Assert.Equal(before, accountant.GetEpsilon(1e-5));
        accountant.Compose(second, 10, CancellationToken.None);
        Assert.Equal(2, accountant.History.Count);
        Assert.True(accountant.GetEpsilon(1e-5) > before);
    }
}

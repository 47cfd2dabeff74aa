using System.Diagnostics;
using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Accounting.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCore.Privacy.Tests.Accounting;

/// <summary>Tests that measure process-wide CPU time and allocation run alone, so that other tests do not count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ResourceCollection
{
    public const string Name = "resource measurements";
}

/// <summary>
/// The PLD accountant's limit on its work (issue 22): requests whose grid or FFT would exceed
/// <see cref="PldAccountant.MaxGridPoints"/> are refused before anything is allocated, with the parameter and both
/// numbers; and losses beyond 709 nats, where e^ε overflows, no longer lose their mass.
/// </summary>
[Collection(ResourceCollection.Name)]
public class PldLimitsTests
{
    // Issue 22: this request reached 14.8 GB and was killed after 129 s. One step's loss spans up to
    // ≈ (2(1 + 8σ) − 1)/(2σ²) + ln q ≈ 5.07e5 nats (σ = 1e-3, q = 0.01): 5e9 grid points at interval 1e-4.
    // CPU time (not wall-clock time, which other processes inflate) and allocation bound the work of the refusal.
    [Fact]
    public void Compose_NoiseMultiplier1e3_RefusedBeforeAllocatingInUnderASecond()
    {
        var accountant = new PldAccountant();
        var step = new PoissonSampledEvent(0.01, new GaussianEvent(1e-3));
        _ = accountant.Supports(step); // JIT the accountant's entry points outside the measurement
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);

        var ex = Assert.Throws<AccountingLimitExceededException>(() => accountant.Compose(step, 100));

        var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Assert.True(cpuUsed < TimeSpan.FromSeconds(1), $"refusal took {cpuUsed.TotalMilliseconds} ms of CPU");
        Assert.True(bytes < 16L << 20, $"refusal allocated {bytes} bytes");
        Assert.Equal("privacyEvent", ex.ParamName);
        Assert.Equal(PldAccountant.DefaultMaxGridPoints, ex.MaxGridPoints);
        Assert.InRange(ex.RequiredGridPoints, 4e9, 6e9);
        Assert.Contains("16,777,216", ex.Message, StringComparison.Ordinal);
        Assert.Contains("maxGridPoints", ex.Message, StringComparison.Ordinal);
        Assert.Empty(accountant.History);
        Assert.Equal(0.0, accountant.GetEpsilon(1e-5));
    }

    // 10^12 steps: the composed loss spans ~2e7 nats (Chernoff window) → ~2.7e11 points: refused, naming count, without
    // overflowing count × offset.
    [Fact]
    public void Compose_TrillionSteps_RefusedNamingCount()
    {
        var accountant = new PldAccountant();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);

        var ex = Assert.Throws<AccountingLimitExceededException>(() => accountant.Compose(new PoissonSampledEvent(0.01, new GaussianEvent(1.0)), 1_000_000_000_000));

        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - allocated < 64L << 20);
        Assert.Equal("count", ex.ParamName);
        Assert.True(ex.RequiredGridPoints > ex.MaxGridPoints);
    }

    // Self-composition of a Gaussian is one Gaussian with σ/√k (dp_accounting's shortcut): k = 1e12 at σ = 1 makes σ = 1e-6.
    [Fact]
    public void Compose_GaussianSelfComposedTrillionTimes_RefusedNamingEvent()
    {
        var ex = Assert.Throws<AccountingLimitExceededException>(() => new PldAccountant().Compose(new GaussianEvent(1.0), 1_000_000_000_000));

        Assert.Equal("privacyEvent", ex.ParamName);
    }

    [Fact]
    public void GetEpsilonIfComposed_BeyondLimit_RefusedAndNothingComposed()
    {
        var accountant = new PldAccountant();
        accountant.Compose(new GaussianEvent(1.0));

        Assert.Throws<AccountingLimitExceededException>(() => accountant.GetEpsilonIfComposed(new PoissonSampledEvent(0.01, new GaussianEvent(1e-3)), 1e-5));
        Assert.Single(accountant.History);
    }

    // The limit is a knob: q = 0.2, σ = 1, 100 steps needs more than 2^12 points at interval 1e-4 but fits in the default.
    [Fact]
    public void MaxGridPoints_SmallLimitRefuses_DefaultLimitAnswers()
    {
        var step = new PoissonSampledEvent(0.2, new GaussianEvent(1.0));
        var small = new PldAccountant(1e-4, 1e-15, 1 << 12);

        var ex = Assert.Throws<AccountingLimitExceededException>(() => small.Compose(step, 100));
        Assert.Equal(1 << 12, ex.MaxGridPoints);

        var fits = new PldAccountant(1e-4, 1e-15, PldAccountant.DefaultMaxGridPoints);
        fits.Compose(step, 100);
        Assert.True(double.IsFinite(fits.GetEpsilon(1e-5)));
        Assert.Equal(PldAccountant.DefaultMaxGridPoints, new PldAccountant().MaxGridPoints);
    }

    [Theory]
    [InlineData(1023L)]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData((1L << 28) + 1)]
    public void Constructor_MaxGridPointsOutOfRange_Throws(long maxGridPoints)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new PldAccountant(1e-4, 1e-15, maxGridPoints));

        Assert.Equal("maxGridPoints", ex.ParamName);
        Assert.Contains("268435456", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Factory_PldMaxGridPoints_ReachesTheAccountant()
    {
        var factory = new PrivacyAccountantFactory(new AccountingOptions { PldMaxGridPoints = 1 << 20 });

        var accountant = Assert.IsType<PldAccountant>(factory.Create(PrivacyAccountantKind.Pld));

        Assert.Equal(1 << 20, accountant.MaxGridPoints);
    }

    [Fact]
    public void AddLlmCorePrivacy_PldMaxGridPointsOutOfRange_FailsValidationNamingIt()
    {
        var services = new ServiceCollection();
        services.AddLlmCorePrivacy();
        services.Configure<AccountingOptions>(o => o.PldMaxGridPoints = 1L << 30);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AccountingOptions>>().Value);

        Assert.Contains(nameof(AccountingOptions.PldMaxGridPoints), ex.Message, StringComparison.Ordinal);
    }

    // A Poisson-sampled Laplace with b = 1e-3 has a largest loss of ln(1 − q + q·e^{1/b}) ≈ 998.4 nats, carried by mass
    // ≈ q/2. At δ = 1e-14 ε is that largest loss (pure-DP amplification, as dp_accounting's test_poisson_subsampled_laplace).
    // Before the fix e^v overflowed past 709.8 nats: the mass above was lost and ε came out ≈ 709.8, below the truth.
    [Fact]
    public void GetEpsilon_LossesBeyond709Nats_KeepTheirMass()
    {
        const double q = 0.2;
        const double b = 1e-3;
        var exact = 1 / b + Math.Log(q) + LogMath.Log1P((1 - q) * Math.Exp(-1 / b) / q);
        var accountant = new PldAccountant(1e-3);

        accountant.Compose(new PoissonSampledEvent(q, new LaplaceEvent(b)));

        Assert.InRange(accountant.GetEpsilon(1e-14), exact - 1e-9, exact + 1e-3);
    }

    // The Gaussian mechanism's exact curve (Balle and Wang 2018, Thm 8): δ(ε) = Φ(1/(2σ) − εσ) − e^ε·Φ(−1/(2σ) − εσ),
    // solved for ε in log space. σ = 0.025: the loss is N(800, 40²) nats, so ε(1e-5) ≈ 970, beyond e^ε's range.
    [Fact]
    public void GetEpsilon_GaussianWithEpsilonNear970_MatchesBalleWang()
    {
        const double sigma = 0.025;
        const double delta = 1e-5;
        double Delta(double eps) =>
            Math.Exp(LogMath.LogNormalCdf((1 / (2 * sigma)) - (eps * sigma)))
            - Math.Exp(eps + LogMath.LogNormalCdf((-1 / (2 * sigma)) - (eps * sigma)));
        double lo = 0, hi = 5000;
        for (var i = 0; i < 200; i++)
        {
            var mid = 0.5 * (lo + hi);
            (lo, hi) = Delta(mid) > delta ? (mid, hi) : (lo, mid);
        }

        var accountant = new PldAccountant(1e-3);
        accountant.Compose(new GaussianEvent(sigma));

        Assert.InRange(hi, 900, 1100);
        var eps = accountant.GetEpsilon(delta);
        Assert.True(eps >= hi - 1e-6 && eps <= hi + 1e-2, $"PLD {eps:R}, exact {hi:R}, PLD delta at exact {accountant.GetDelta(hi):R}");
        Assert.InRange(accountant.GetDelta(hi), delta * (1 - 1e-9), delta * 1.05);
    }
}

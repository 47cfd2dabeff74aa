using LlmCore.Scheduling.Simulation;

namespace LlmCore.Scheduling.Tests.Simulation;

public class SyntheticWorkloadTests
{
    [Fact]
    public void Generate_SameSeed_SameTrace()
    {
        var a = SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 200, Seed = 5 });
        var b = SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 200, Seed = 5 });
        Assert.Equal(a.Jobs, b.Jobs);
    }

    [Fact]
    public void Generate_InterArrivals_HaveExponentialMeanAndMedian()
    {
        // 20,000 Poisson arrivals at 60/h: inter-arrival times ~ Exp(mean 60 s), median 60·ln 2 ≈ 41.6 s (submit times
        // are floored to whole seconds, which moves each gap by less than 1 s). Standard error of the mean 60/√n ≈ 0.42 s,
        // of the median ≈ 0.42 s, so the bands below are > 3.5σ wide: false-failure rate below 0.1%.
        var trace = SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 20_000, ArrivalsPerHour = 60, Seed = 11 });
        var gaps = new double[trace.Jobs.Count - 1];
        for (var i = 1; i < trace.Jobs.Count; i++)
        {
            gaps[i - 1] = trace.Jobs[i].SubmitSeconds - trace.Jobs[i - 1].SubmitSeconds;
        }

        Assert.InRange(gaps.Average(), 58.5, 61.5);
        Array.Sort(gaps);
        Assert.InRange(gaps[gaps.Length / 2], 39, 44);
    }

    [Fact]
    public void Generate_LoadFactorTwo_DoublesOfferedLoad()
    {
        var baseTrace = SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 5000, Seed = 3 });
        var doubled = SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 5000, Seed = 3, LoadFactor = 2 });
        Assert.Equal(2 * baseTrace.OfferedLoad(64), doubled.OfferedLoad(64), 1);
    }

    [Fact]
    public void Generate_Durations_HaveConfiguredMedian()
    {
        // Log-normal median is exp(μ) = MedianDurationSeconds; with 20,000 draws the sample median is within ±5%
        // (its standard error is about 1.25σ/√n ≈ 1.8% of μ on the log scale).
        var trace = SyntheticWorkload.Generate(new SyntheticWorkloadOptions { Jobs = 20_000, Seed = 9 });
        var durations = trace.Jobs.Select(j => j.DurationSeconds).Order().ToArray();
        Assert.InRange(durations[durations.Length / 2], 1684 * 0.95, 1684 * 1.05);
    }
}

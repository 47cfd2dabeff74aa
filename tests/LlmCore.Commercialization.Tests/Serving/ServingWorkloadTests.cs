using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;
using LlmCore.Commercialization.Serving;

namespace LlmCore.Commercialization.Tests.Serving;

public class ServingWorkloadTests
{
    [Fact]
    public void Poisson_MeanInterArrival_IsOneOverTheRate()
    {
        // 20,000 exponential gaps of mean 0.1 s: the sample mean's standard error is 0.1/√20000 ≈ 7e-4, so ±0.003 is > 4 σ.
        var workload = ServingWorkload.Poisson(10, 20_001, TokenLengths.Fixed(10), TokenLengths.Fixed(10), seed: 1);
        var span = workload.Requests[^1].ArrivalSeconds - workload.Requests[0].ArrivalSeconds;
        Assert.Equal(0.0, workload.Requests[0].ArrivalSeconds);
        Assert.InRange(span / 20_000, 0.097, 0.103);
        Assert.Equal(10, workload.OfferedRequestsPerSecond);
    }

    [Fact]
    public void Batch_AllArriveAtZero_WithNoFiniteRate()
    {
        var workload = ServingWorkload.Batch(5, TokenLengths.Fixed(3), TokenLengths.Uniform(1, 4), seed: 2);
        Assert.All(workload.Requests, static r => Assert.Equal(0.0, r.ArrivalSeconds));
        Assert.All(workload.Requests, static r => Assert.InRange(r.OutputTokens, 1, 4));
        Assert.True(double.IsPositiveInfinity(workload.OfferedRequestsPerSecond));
    }

    [Fact]
    public void Constructor_SortsByArrivalKeepingTies()
    {
        var workload = new ServingWorkload([new ServingRequest(2, 1, 1), new ServingRequest(1, 2, 1), new ServingRequest(1, 3, 1)]);
        Assert.Equal([2, 3, 1], workload.Requests.Select(static r => r.InputTokens));
        Assert.Equal(2.0, workload.MeanInputTokens);
        Assert.Equal(3, workload.MaxInputTokens);
    }

    [Fact]
    public void ParseCsv_ReadsTheColumnsByName()
    {
        var workload = ServingWorkload.ParseCsv("input_tokens,arrival_s,output_tokens,user\n100,0.5,20,a\n50,0,10,b\n");
        Assert.Equal(new ServingRequest(0, 50, 10), workload.Requests[0]);
        Assert.Equal(new ServingRequest(0.5, 100, 20), workload.Requests[1]);
    }

    [Theory]
    [InlineData("arrival_s,input_tokens\n0,1\n", "output_tokens")]
    [InlineData("arrival_s,input_tokens,output_tokens\n0,x,1\n", "Row 2, column 2")]
    [InlineData("arrival_s,input_tokens,output_tokens\n0,1,1\n-1,1,1\n", "Row 3, column 1")]
    [InlineData("arrival_s,input_tokens,output_tokens\n0,1,0\n", "Row 2, column 3")]
    [InlineData("arrival_s,input_tokens,output_tokens\n0,1.5,1\n", "whole number")]
    [InlineData("arrival_s,input_tokens,output_tokens\n", "no requests")]
    [InlineData("", "empty")]
    public void ParseCsv_BadInput_NamesRowAndColumn(string csv, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ServingWorkload.ParseCsv(csv));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LogNormal_HasTheRequestedMeanWithinSamplingError()
    {
        // cv 0.5, no clipping in practice (bounds far out): the sample mean of 20,000 draws has a standard error of
        // 300·0.5/√20000 ≈ 1.1 tokens; ±6 tokens is > 5 σ.
        var lengths = TokenLengths.LogNormal(300, 0.5, 1, 100_000);
        var random = new Random(3);
        var mean = Enumerable.Range(0, 20_000).Average(_ => lengths.Sample(random));
        Assert.InRange(mean, 294, 306);
    }

    [Fact]
    public void Uniform_CoversBothEnds()
    {
        var lengths = TokenLengths.Uniform(3, 5);
        var random = new Random(4);
        var seen = Enumerable.Range(0, 1000).Select(_ => lengths.Sample(random)).Distinct().Order().ToArray();
        Assert.Equal([3, 4, 5], seen);
        Assert.Equal(4.0, lengths.Mean);
    }

    [Fact]
    public void LatencyStatistics_UsesNumPyLinearPercentiles()
    {
        // numpy.percentile([1, 2, 3, 4], [50, 90, 99]) = 2.5, 3.7, 3.97 (linear interpolation, NumPy's default).
        var stats = LatencyStatistics.From([4.0, 1.0, 3.0, 2.0]);
        Assert.Equal(2.5, stats.P50, 1e-12);
        Assert.Equal(3.7, stats.P90, 1e-12);
        Assert.Equal(3.97, stats.P99, 1e-12);
        Assert.Equal(2.5, stats.Mean, 1e-12);
        Assert.Equal(4.0, stats.Max);
        Assert.Equal(default, LatencyStatistics.From([]));
    }

    [Fact]
    public void Deployment_Validate_RejectsBadSettings()
    {
        var d = new ServingDeployment(ModelPresets.Llama31_8B, "H100-SXM", 1, 1, 2);
        Assert.Throws<ArgumentException>("Replicas", (d with { Replicas = 1, PrefillReplicas = 1 }).Validate);
        Assert.Throws<ArgumentOutOfRangeException>("PrefillReplicas", (d with { PrefillReplicas = 2 }).Validate);
        Assert.Throws<ArgumentOutOfRangeException>("MaxBatch", (d with { MaxBatch = 0 }).Validate);
        Assert.Throws<ArgumentOutOfRangeException>("KvCacheMemoryFraction", (d with { KvCacheMemoryFraction = 1.5 }).Validate);
        Assert.Throws<ArgumentException>("KvCachePrecision", (d with { KvCachePrecision = NumericPrecision.Int4 }).Validate);
        Assert.Throws<ArgumentOutOfRangeException>("tensorParallel", () => new ServingDeployment(ModelPresets.Llama31_8B, "H100-SXM", 0));
    }
}

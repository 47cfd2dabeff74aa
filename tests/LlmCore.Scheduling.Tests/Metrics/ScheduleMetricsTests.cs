using LlmCore.Scheduling.Metrics;

namespace LlmCore.Scheduling.Tests.Metrics;

public class ScheduleMetricsTests
{
    // Hand-worked: a 2-GPU cluster. Job a (2 GPUs) submitted at 0 runs 0-10 and completes; job b (1 GPU) submitted
    // at 5 runs 10-12, is preempted, runs again 14-20 and completes; job c (1 GPU) submitted at 6 never starts.
    // JCTs: a 10, b 15 → mean 12.5, p50 12.5, p99 10 + 0.99·5 = 14.95. Queue delays: a 0, b 5 → 2.5.
    // Makespan 0-20 = 20; GPU-seconds 2·10 + 1·2 + 1·6 = 28 → utilization 28 / (2·20) = 0.7.
    [Fact]
    public void Compute_HandWorkedSchedule_MatchesByHand()
    {
        JobOutcomeRecord[] jobs =
        [
            new("a", "t", 2, 0, 10),
            new("b", "t", 1, 5, 20),
            new("c", "t", 1, 6, null),
        ];
        JobRunSegment[] segments =
        [
            new("a", "0:2", 2, 0, 10, RunOutcome.Completed),
            new("b", "0:1", 1, 10, 12, RunOutcome.Preempted),
            new("b", "0:1", 1, 14, 20, RunOutcome.Completed),
        ];

        var m = ScheduleMetrics.Compute(jobs, segments, clusterGpus: 2);

        Assert.Equal(3, m.Jobs);
        Assert.Equal(2, m.Completed);
        Assert.Equal(12.5, m.AvgJctSeconds, 12);
        Assert.Equal(12.5, m.P50JctSeconds, 12);
        Assert.Equal(14.95, m.P99JctSeconds, 12);
        Assert.Equal(2.5, m.AvgQueueDelaySeconds, 12);
        Assert.Equal(20, m.MakespanSeconds, 12);
        Assert.Equal(0.7, m.GpuUtilization, 12);
        Assert.Equal(1, m.Preemptions);
    }

    // NumPy: np.percentile([1, 2, 3, 4], 25) = 1.75, np.percentile([1, 2, 3, 4], 50) = 2.5 (linear interpolation).
    [Theory]
    [InlineData(0.25, 1.75)]
    [InlineData(0.5, 2.5)]
    [InlineData(1.0, 4.0)]
    [InlineData(0.0, 1.0)]
    public void Percentile_MatchesNumPyLinear(double p, double expected)
    {
        Assert.Equal(expected, ScheduleMetrics.Percentile([1.0, 2.0, 3.0, 4.0], p), 12);
    }

    [Fact]
    public void Compute_SegmentOfUnknownJob_Throws()
    {
        Assert.Throws<ArgumentException>("segments", () => ScheduleMetrics.Compute([new("a", "t", 1, 0, 1)], [new("x", "0:1", 1, 0, 1, RunOutcome.Completed)], 1));
    }

    [Fact]
    public void RunSegmentCsv_WritesHeaderAndRows()
    {
        using var writer = new StringWriter();

        RunSegmentCsv.Write(writer, [new JobRunSegment("j1", "3:8;4:8", 16, 0, 12.5, RunOutcome.Preempted)]);

        Assert.Equal("job_id,placement,gpus,start_s,end_s,outcome\nj1,3:8;4:8,16,0,12.5,preempted\n", writer.ToString().ReplaceLineEndings("\n"));
    }
}

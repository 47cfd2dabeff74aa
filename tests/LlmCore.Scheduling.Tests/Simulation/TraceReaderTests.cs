using LlmCore.Scheduling.Simulation;

namespace LlmCore.Scheduling.Tests.Simulation;

public class TraceReaderTests
{
    [Fact]
    public void Read_ValidRowsWithExtraColumns_ParsesAndSortsBySubmitTime()
    {
        const string csv = "job_id,submit_time_s,duration_s,gpus,tenant,status,priority\n" +
            "b,20,5,2,vc1,,high\n" +
            "a,10,7.5,1,,,\n" +
            "c,10,3,8,vc2,Pass,7\n";
        var trace = TraceReader.Read(new StringReader(csv));
        Assert.Equal(["a", "c", "b"], trace.Jobs.Select(j => j.Id));
        Assert.Equal("default", trace.Jobs[0].Spec.Tenant);
        Assert.Equal(PriorityClasses.Normal, trace.Jobs[0].Spec.Priority);
        Assert.Equal(7.5, trace.Jobs[0].DurationSeconds);
        Assert.Equal(7, trace.Jobs[1].Spec.Priority);
        Assert.Equal(PriorityClasses.High, trace.Jobs[2].Spec.Priority);
        Assert.Equal("vc1", trace.Jobs[2].Spec.Tenant);
        Assert.Equal(2, trace.Jobs[2].Spec.Gpus);
        // Σ gpus·duration = 1·7.5 + 8·3 + 2·5.
        Assert.Equal(41.5, trace.TotalGpuSeconds);
    }

    [Fact]
    public void Read_MoreRowsThanMaxRows_RefusedAtTheFirstRowPastTheLimit_BlankLinesNotCounted()
    {
        const string csv = "job_id,submit_time_s,duration_s,gpus\n" +
            "a,0,1,1\n" +
            "\n" +
            "b,1,1,1\n" +
            "c,2,1,1\n" +
            "not even a row\n";

        Assert.Equal(2, TraceReader.Read(new StringReader("job_id,submit_time_s,duration_s,gpus\na,0,1,1\n\nb,1,1,1\n"), "t.csv", maxRows: 2).Jobs.Count);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TraceReader.Read(new StringReader(csv), "t.csv", maxRows: 2));
        Assert.Equal("maxRows", ex.ParamName);
        Assert.Contains("'t.csv' has more than 2 job rows (line 5 is row 3)", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => TraceReader.Read(new StringReader(csv), "t.csv", maxRows: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => TraceReader.Read(new StringReader(csv), "t.csv", maxRows: TraceReader.MaxRowsLimit + 1));
    }

    [Fact]
    public void Read_MalformedRows_ReportsEveryLineNumber()
    {
        const string csv = "job_id,submit_time_s,duration_s,gpus\n" +
            "ok,0,1,1\n" +
            "bad-gpus,0,1,0\n" +
            "bad-time,-3,1,1\n" +
            "ok,1,1,1\n" +
            "bad-duration,1,abc,1\n" +
            "short,1\n";
        var ex = Assert.Throws<TraceFormatException>(() => TraceReader.Read(new StringReader(csv), "t.csv"));
        Assert.Equal([3, 4, 5, 6, 7], ex.Errors.Select(e => e.Line));
        Assert.Contains("gpus", ex.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("appears twice", ex.Errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("t.csv", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingRequiredColumn_ReportsHeaderLine()
    {
        var ex = Assert.Throws<TraceFormatException>(() => TraceReader.Read(new StringReader("job_id,submit_time_s,gpus\na,0,1\n")));
        var error = Assert.Single(ex.Errors);
        Assert.Equal(1, error.Line);
        Assert.Contains("duration_s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_PhillyOctober_Has47192JobsAndPublishedGpuHours()
    {
        // tests/reference/traces/README.md: 47,192 jobs and 438,318 GPU-hours in philly_2017-10.csv.
        var trace = TraceReader.ReadFile(Path.Combine(AppContext.BaseDirectory, "reference", "traces", "philly_2017-10.csv"));
        Assert.Equal(47_192, trace.Jobs.Count);
        Assert.Equal(438_318, trace.TotalGpuSeconds / 3600, 0);
    }

    [Fact]
    public void ScaleLoad_Two_HalvesArrivalSpanAndDoublesOfferedLoad()
    {
        var trace = new Trace([
            new TraceJob(new JobSpec("a", 1), 100, 50),
            new TraceJob(new JobSpec("b", 1), 300, 50),
        ]);
        var scaled = trace.ScaleLoad(2);
        Assert.Equal([100.0, 200.0], scaled.Jobs.Select(j => j.SubmitSeconds));
        // 100 GPU-s over 1 GPU × 200 s = 0.5; doubled rate: over 100 s = 1.0.
        Assert.Equal(0.5, trace.OfferedLoad(1), 12);
        Assert.Equal(1.0, scaled.OfferedLoad(1), 12);
    }

    // Issue 22: the simulator keeps times as TimeSpan (at most ~9.2e11 s); 1e12 s used to overflow it far from the file.
    // Times beyond TraceReader.MaxSeconds are malformed rows, reported with their line and column.
    [Theory]
    [InlineData("j,0,1e12,1", "column 3 (duration_s)")]
    [InlineData("j,1e10,1,1", "column 2 (submit_time_s)")]
    [InlineData("j,0,Infinity,1", "column 3 (duration_s)")]
    [InlineData("j,0,1,99999999999", "column 4 (gpus)")]
    public void Read_TimeOrCountOutOfRange_ReportsLineAndColumn(string row, string column)
    {
        var csv = "job_id,submit_time_s,duration_s,gpus\nok,0,1,1\n" + row + "\n";

        var ex = Assert.Throws<TraceFormatException>(() => TraceReader.Read(new StringReader(csv), "t.csv"));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(3, error.Line);
        Assert.Contains(column, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TimesAtTheLimit_AreAccepted()
    {
        var trace = TraceReader.Read(new StringReader("job_id,submit_time_s,duration_s,gpus\nj,1e9,1e9,1\n"));

        Assert.Equal(TraceReader.MaxSeconds, Assert.Single(trace.Jobs).DurationSeconds);
    }

    [Fact]
    public void ScaleLoad_BeyondMaxSeconds_IsRefused()
    {
        var trace = TraceReader.Read(new StringReader("job_id,submit_time_s,duration_s,gpus\na,0,1,1\nb,1000,1,1\n"));

        Assert.Throws<ArgumentException>(() => trace.ScaleLoad(1e-7));
    }

    // A cluster beyond Cluster.MaxNodes or Cluster.MaxGpus is refused before anything is allocated: 2147483647 nodes
    // would otherwise be enumerated one by one, and a billion GPUs on one node needed over 11 GB.
    [Theory]
    [InlineData(int.MaxValue, 1024)]
    [InlineData(1, 1_000_000_000)]
    [InlineData(8193, 1024)]
    public void Cluster_Uniform_BeyondTheLimits_IsRefusedAtOnce(int nodes, int gpusPerNode)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Throws<ArgumentOutOfRangeException>(() => Cluster.Uniform(nodes, gpusPerNode));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the refusal allocated a megabyte or more");
    }

    [Fact]
    public void Cluster_Uniform_AtTheGpuLimit_IsBuilt()
    {
        var cluster = Cluster.Uniform(8192, 1024);

        Assert.Equal(Cluster.MaxGpus, cluster.TotalGpus);
    }

    [Fact]
    public void Read_RepeatedTenantsAndGpuTypes_ShareOneInstanceAndKeepTheirValues()
    {
        // Memory at scale (issue 18: a million-job trace held one tenant string per job): equal cells share one string
        // and equal gpu_type cells one list; the values are those of the cells, trimmed.
        const string csv = "job_id,submit_time_s,duration_s,gpus,tenant,gpu_type\n"
            + "a,0,10,1,vision,v100/a100\n"
            + "b,1,10,1, vision ,v100/a100\n"
            + "c,2,10,1,audio,k80\n";

        var jobs = TraceReader.Read(new StringReader(csv)).Jobs;

        Assert.Equal(["vision", "vision", "audio"], jobs.Select(j => j.Spec.Tenant));
        Assert.Same(jobs[0].Spec.Tenant, jobs[1].Spec.Tenant);
        Assert.Equal(["v100", "a100"], jobs[0].Spec.GpuTypes);
        Assert.Same(jobs[0].Spec.GpuTypes, jobs[1].Spec.GpuTypes);
        Assert.Equal(["k80"], jobs[2].Spec.GpuTypes);
    }
}

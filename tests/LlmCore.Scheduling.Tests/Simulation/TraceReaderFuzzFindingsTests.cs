using LlmCore.Scheduling.Simulation;

namespace LlmCore.Scheduling.Tests.Simulation;

/// <summary>
/// Inputs that fuzzing (scripts/quality/fuzz.sh trace-csv, docs/quality.md) found to break TraceReader's contract:
/// every malformed file is a <see cref="TraceFormatException"/> naming its line.
/// </summary>
public class TraceReaderFuzzFindingsTests
{
    // afl++ found "," (two empty column names): Sep refused the header with its own ArgumentException, which
    // escaped TraceReader.Read undocumented (and reached the CLI without the file name and line).
    [Theory]
    [InlineData(",\n")]
    [InlineData("job_id,submit_time_s,duration_s,gpus,gpus\na,0,1,1,1\n")]
    [InlineData("job_id,job_id,submit_time_s,duration_s,gpus\na,a,0,1,1\n")]
    public void Read_HeaderNamesAColumnTwice_IsATraceFormatExceptionOnLine1(string csv)
    {
        var ex = Assert.Throws<TraceFormatException>(() => TraceReader.Read(new StringReader(csv), "t.csv"));

        var error = Assert.Single(ex.Errors);
        Assert.Equal(1, error.Line);
        Assert.Contains("twice", error.Message, StringComparison.Ordinal);
        Assert.Contains("t.csv", ex.Message, StringComparison.Ordinal);
    }
}

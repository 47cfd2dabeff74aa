using LlmCore.Optimization.Data;

namespace LlmCore.Optimization.Tests.Data;

/// <summary>
/// Inputs that fuzzing (scripts/quality/fuzz.sh dataset-csv, docs/quality.md) found to break CsvDataset's contract:
/// "every error is an ArgumentException whose message names the file".
/// </summary>
public class CsvDatasetFuzzFindingsTests
{
    // afl++ found ",\n" and "2,1,2\n...": Sep's own ArgumentException for a repeated header name escaped without the file name.
    [Theory]
    [InlineData(",\n1,2\n")]
    [InlineData("2,1,2\n0,1,2\n")]
    [InlineData("a,b,y,b\n1,2,3,4\n")]
    public void Load_HeaderNamesAColumnTwice_NamesTheFileAndTheProblem(string csv)
    {
        var ex = Assert.Throws<ArgumentException>(() => CsvDataset.Load<double>(new StringReader(csv), "data.csv"));

        Assert.StartsWith("data.csv: the header names a column twice", ex.Message, StringComparison.Ordinal);
        Assert.Equal("reader", ex.ParamName);
    }
}

namespace LlmCore.Scheduling.Tests.Fuzzing;

/// <summary>
/// Inputs of the cluster and throughput files that escaped <see cref="SchedulingFileException"/> or ran unbounded before
/// the fixes listed in docs/quality.md ("Bugs found by fuzzing"); targets cluster-json and throughputs-json.
/// </summary>
public class JsonFileFuzzFindingsTests
{
    // A "\ud800" escape decodes to a lone UTF-16 surrogate; Utf8JsonReader.GetString throws InvalidOperationException for it.
    [Theory]
    [InlineData("{ \"nodes\": [ { \"gpus\": 8, \"name\": \"a\\ud800\" } ] }", 1, 35)]
    [InlineData("{ \"n\\udc00\": 1 }", 1, 3)]
    public void ClusterFile_LoneSurrogateEscape_IsAFileErrorAtItsPosition(string json, int line, int column)
    {
        var ex = Assert.Throws<SchedulingFileException>(() => ClusterFile.Parse(json, "c.json"));

        Assert.Equal((line, column), (ex.Line, ex.Column));
        Assert.Contains("not valid UTF-16", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThroughputMatrix_LoneSurrogateEscape_IsAFileError()
    {
        var ex = Assert.Throws<SchedulingFileException>(() => ThroughputMatrix.Parse("{ \"gpuTypes\": [\"\\ud800\"], \"classes\": {} }", "t.json"));

        Assert.Equal(1, ex.Line);
    }

    // Cluster.TotalGpus is an int: 2,148 nodes × 1,000,000 GPUs (each within its own documented range) wrapped it negative.
    [Fact]
    public void ClusterFile_MoreGpusThanAnInt_IsRejected()
    {
        var ex = Assert.Throws<SchedulingFileException>(() => ClusterFile.Parse("{ \"nodes\": [ { \"gpus\": 1000000, \"count\": 2148 } ] }", "c.json"));

        Assert.Contains("at least 2,148,000,000 GPUs, more than the 8,388,608", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterFile_GpusUpToTheClusterLimit_AreAccepted()
    {
        // Cluster.MaxGpus is 8,388,608 (2^23): 8,388 nodes of 1,000 GPUs (8,388,000) are accepted, one node more is not.
        var cluster = ClusterFile.Parse("{ \"nodes\": [ { \"gpus\": 1000, \"count\": 8388 } ] }");
        Assert.Equal(8_388_000, cluster.TotalGpus);

        Assert.Throws<SchedulingFileException>(() => ClusterFile.Parse("{ \"nodes\": [ { \"gpus\": 1000, \"count\": 8389 } ] }"));
    }

    // Domain counts multiply down the tree: two levels of 1,000,000 empty domains looped 10¹² times (a hang, not an error).
    [Fact]
    public void ClusterFile_NestedEmptyDomainsWithHugeCounts_AreRejectedNotLoopedOver()
    {
        const string json = """
            { "levels": ["a", "b"], "domains": [ { "count": 1000000, "domains": [ { "count": 1000000, "domains": [] } ] } ] }
            """;

        var ex = Assert.Throws<SchedulingFileException>(() => ClusterFile.Parse(json, "c.json"));

        Assert.Contains("more than 1,000,000 domains", ex.Message, StringComparison.Ordinal);
    }
}

namespace LlmCore.Scheduling.Tests.Topology;

public class ClusterFileTests
{
    // Two blocks of four racks; each rack is one NVL72 system: 18 compute trays × 4 GPUs = 72 GPUs (NVIDIA GB200 NVL72).
    internal const string Nvl72Json = """
        {
          // widest first
          "levels": ["block", "rack", "nvl72"],
          "domains": [
            { "name": "block", "count": 2, "domains": [
              { "name": "rack", "count": 4, "domains": [
                { "name": "nvl72", "nodes": [ { "count": 18, "gpus": 4, "gpuType": "GB200", "name": "tray" } ] }
              ] }
            ] }
          ],
        }
        """;

    [Fact]
    public void Parse_Nvl72Tree_HasEveryLevelAndNodeNamedAfterItsPath()
    {
        var cluster = ClusterFile.Parse(Nvl72Json);

        Assert.Equal(["block", "rack", "nvl72"], cluster.TopologyLevels);
        Assert.Equal(2 * 4 * 18, cluster.Nodes.Count);
        Assert.Equal(576, cluster.TotalGpus);
        Assert.Equal((2, 8, 8, 144, 1), (cluster.DomainCount("block"), cluster.DomainCount("rack"), cluster.DomainCount("NVL72"), cluster.DomainCount("node"), cluster.DomainCount("cluster")));
        Assert.Equal("block0-rack0-nvl72-tray0", cluster.Nodes[0].Name);
        Assert.Equal("block1-rack3-nvl72-tray17", cluster.Nodes[^1].Name);
        Assert.Equal(["GB200"], cluster.GpuTypes);
    }

    [Fact]
    public void Parse_FlatNodesWithLabels_GroupsByLabelPath()
    {
        // rack r0 exists in both blocks: they are different racks, because a domain is the path of labels down to it.
        var cluster = ClusterFile.Parse("""
            { "levels": ["block", "rack"],
              "nodes": [
                { "name": "a", "gpus": 8, "gpuType": "H100", "labels": { "block": "b0", "rack": "r0" } },
                { "name": "b", "gpus": 8, "gpuType": "H100", "labels": { "block": "b0", "rack": "r0" } },
                { "name": "c", "gpus": 8, "gpuType": "A100", "labels": { "block": "b1", "rack": "r0" } },
                { "name": "d", "count": 2, "gpus": 4, "cpuCores": 64, "memoryGib": 512, "labels": { "block": "b1" } }
              ] }
            """);

        Assert.Equal(5, cluster.Nodes.Count);
        Assert.Equal(["a", "b", "c", "d0", "d1"], cluster.Nodes.Select(n => n.Name));
        Assert.Equal(2, cluster.DomainCount("block"));
        Assert.Equal(4, cluster.DomainCount("rack")); // b0/r0, b1/r0, and d0, d1 each on its own (no rack label)
        Assert.Equal(64, cluster.Nodes[3].CpuCores);
        Assert.Equal("GPU", cluster.Nodes[4].GpuType);
    }

    [Theory]
    [InlineData("{ \"levels\": [\"rack\"], \"nodes\": [ { \"gpu\": 8 } ] }", 1, 43, "unknown key 'gpu'")]
    [InlineData("{ \"nodes\": [\n  { \"name\": \"x\" } ] }", 2, 3, "needs \"gpus\"")]
    [InlineData("{ \"nodes\": [ { \"gpus\": 0 } ] }", 1, 24, "\"gpus\" must be an integer in [1")]
    [InlineData("{ \"nodes\": [ { \"gpus\": 8, \"labels\": { \"rack\": \"r\" } } ] }", 1, 47, "label 'rack' is not one of")]
    [InlineData("{ \"levels\": [\"rack\"],\n \"domains\": [ { \"name\": \"r\", \"domains\": [ { \"nodes\": [ { \"gpus\": 1 } ] } ] } ] }", 2, 43, "nested 2 deep")]
    [InlineData("{ \"nodes\": [ { \"gpus\": 8 }, ] ", 1, 0, "not valid JSON")]
    [InlineData("{ }", 1, 1, "no nodes")]
    public void Parse_MalformedFile_NamesLineColumnAndProblem(string json, int line, int column, string problem)
    {
        var ex = Assert.Throws<SchedulingFileException>(() => ClusterFile.Parse(json, "c.json"));

        // Column 0 in a row: the JSON reader reports where it noticed the end of the text; only the line is checked.
        Assert.Equal(line, ex.Line);
        if (column > 0)
        {
            Assert.Equal(column, ex.Column);
        }

        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"c.json:{line}:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => ClusterFile.Load(Path.Combine(Path.GetTempPath(), "llmcore-no-such-cluster.json")));
    }
}

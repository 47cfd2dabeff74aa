using System.Text.Json;
using LlmCore.Cli.Infrastructure;
using LlmCore.Scheduling;

namespace LlmCore.Cli.Tests.Schedule;

/// <summary>The YAML form of <c>--cluster</c> and <c>--throughputs</c>: the JSON form's keys and values in YAML's syntax
/// (YAML 1.2, https://yaml.org/spec/1.2.2/), errors at the YAML file's line and column.</summary>
public sealed class YamlFileTests : IDisposable
{
    // Two blocks of four racks; each rack is one NVL72 system of 18 trays × 4 GPUs (as ClusterFileTests' JSON), the rack
    // defined once with an anchor and repeated with an alias.
    private const string Nvl72Yaml = """
        # widest first
        levels: [block, rack, nvl72]
        domains:
          - name: block
            count: 2
            domains:
              - &rack
                name: rack
                count: 4
                domains:
                  - name: nvl72
                    nodes:
                      - { count: 18, gpus: 4, gpuType: GB200, name: tray }
        """;

    private const string Nvl72Json = """
        { "levels": ["block", "rack", "nvl72"],
          "domains": [ { "name": "block", "count": 2, "domains": [ { "name": "rack", "count": 4, "domains": [
            { "name": "nvl72", "nodes": [ { "count": 18, "gpus": 4, "gpuType": "GB200", "name": "tray" } ] } ] } ] } ] }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("llmcore-yaml-").FullName;

    private static string Gavel(string file) => Path.Combine(AppContext.BaseDirectory, "reference", "gavel", file);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Read_Nvl72Tree_EqualsTheJsonForm()
    {
        var json = ClusterFile.Parse(Nvl72Json);
        var yaml = YamlAsJson.Read(Nvl72Yaml, "c.yaml", ClusterFile.Parse);

        Assert.Equal(json.TopologyLevels, yaml.TopologyLevels);
        Assert.Equal(json.Nodes.Select(n => (n.Name, n.Gpus, n.GpuType)), yaml.Nodes.Select(n => (n.Name, n.Gpus, n.GpuType)));
        Assert.All(new[] { "block", "rack", "nvl72", "node", "cluster" }, level => Assert.Equal(json.DomainCount(level), yaml.DomainCount(level)));
    }

    // YAML 1.2 core schema (section 10.3.2): a plain scalar is a number when it reads as one; quoted it is text.
    [Theory]
    [InlineData("8", 8)]
    [InlineData("+8", 8)]
    [InlineData("8.0", 8)]
    [InlineData("0x10", 16)]
    [InlineData("0o10", 8)]
    [InlineData("1e1", 10)]
    public void Read_PlainNumbers_ResolveAsTheCoreSchemaSays(string gpus, int expected)
    {
        var cluster = YamlAsJson.Read($"nodes: [ {{ gpus: {gpus} }} ]", "c.yaml", ClusterFile.Parse);

        Assert.Equal(expected, cluster.Nodes[0].Gpus);
    }

    [Theory]
    [InlineData("levels: [rack]\nnodes:\n  - gpu: 8\n", 3, 10, "unknown key 'gpu'")] // at its value, as in JSON
    [InlineData("nodes:\n  - { gpus: '8' }\n", 2, 13, "\"gpus\" must be a number, found a string")]
    [InlineData("nodes:\n  - { gpus: true }\n", 2, 13, "\"gpus\" must be a number, found a boolean")]
    [InlineData("nodes:\n  - { gpus: 1_000 }\n", 2, 13, "\"gpus\" must be a number, found a string")]
    [InlineData("nodes:\n  - { gpus: ~ }\n", 2, 13, "\"gpus\" must be a number, found null")]
    [InlineData("nodes:\n  - { gpus: .inf }\n", 2, 13, "'.inf' is not a finite number")]
    [InlineData("nodes:\n  - { gpus: 8, gpuType: 4090 }\n", 2, 25, "\"gpuType\" must be a string, found a number")]
    [InlineData("nodes: []\nnodes: []\n", 2, 1, "the key 'nodes' is repeated")]
    [InlineData("nodes: [ { gpus: 8 } ]\ndomains: *missing\n", 2, 10, "unknown alias '*missing'")]
    [InlineData("? [a]\n: 1\n", 1, 3, "a key must be a scalar")]
    [InlineData("nodes: [ { gpus: 8 }\n", 2, 1, "not valid YAML")]
    [InlineData("nodes: [ { gpus: 8 } ]\n---\nnodes: []\n", 2, 1, "a second YAML document")]
    [InlineData("", 1, 1, "the file is empty")]
    [InlineData("- 1\n", 1, 1, "the cluster file must be an object, found an array")]
    [InlineData("levels: [rack]\ndomains:\n  - name: r\n    domains:\n      - nodes: [ { gpus: 1 } ]\n", 5, 9, "nested 2 deep")]
    public void Read_MalformedFile_NamesTheYamlLineAndColumn(string yaml, int line, int column, string problem)
    {
        var ex = Assert.Throws<SchedulingFileException>(() => YamlAsJson.Read(yaml, "c.yaml", ClusterFile.Parse));

        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Equal((line, column), (ex.Line, ex.Column));
        Assert.StartsWith($"c.yaml:{line}:{column}:", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ErrorInsideAnAlias_NamesTheAnchoredPlace()
    {
        // The alias repeats node 'a', so the second copy's name appears twice: the error is the copy's, and it names the
        // anchored node on line 2 (at its anchor, column 5, or at its brace, column 8), not the alias on line 3.
        var yaml = "nodes:\n  - &n { name: a, gpus: 8 }\n  - *n\n";

        var ex = Assert.Throws<SchedulingFileException>(() => YamlAsJson.Read(yaml, "c.yaml", ClusterFile.Parse));

        Assert.Contains("node name 'a' appears twice", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, ex.Line);
        Assert.Contains(ex.Column, new[] { 5, 8 });
    }

    [Fact]
    public void Convert_Alias_RepeatsTheValueAndMapsItsPlacesToTheAnchor()
    {
        // JSON columns: { 1, "a" 2-4, : 5, [ 6, 1 7, ... , "b" 12-14, : 15, [ 16, 1 17. YAML: the anchored 1 is at 1:8,
        // the 2 at 1:11, the alias at 2:4.
        var converted = YamlAsJson.Convert("a: &x [1, 2]\nb: *x\n", "c.yaml");

        Assert.Equal("{\"a\":[1,2],\"b\":[1,2]}", converted.Json);
        Assert.Equal((1, 8), converted.YamlPlace(1, 7));
        Assert.Equal((1, 8), converted.YamlPlace(1, 17));
        Assert.Equal((1, 11), converted.YamlPlace(1, 19));
    }

    [Fact]
    public void Read_AliasesBeyondTheSizeLimit_AreRefused()
    {
        // Each level repeats the one before ten times: 10^8 copies of the first value, far beyond 64 MB of JSON.
        var lines = new List<string> { "a0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]" };
        for (var i = 1; i <= 8; i++)
        {
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]");
        }

        var ex = Assert.Throws<SchedulingFileException>(() => YamlAsJson.Convert(string.Join('\n', lines), "c.yaml"));

        Assert.Contains("larger than 64 MB of JSON", ex.Message, StringComparison.Ordinal);
    }

    // The core schema's tag resolution (YAML 1.2.2, section 10.3.2): null, bool, int (decimal, 0o octal, 0x hex) and
    // float forms resolve; everything else, and anything quoted or tagged !!str, is a string.
    [Theory]
    [InlineData("8", "8")]
    [InlineData("-8", "-8")]
    [InlineData("8.5", "8.5")]
    [InlineData(".5", "0.5")]
    [InlineData("5.", "5")]
    [InlineData("1e3", "1000")]
    [InlineData("1.5E+2", "150")]
    [InlineData("1E-1", "0.1")]
    [InlineData("0x1F", "31")]
    [InlineData("0o17", "15")]
    [InlineData("true", "true")]
    [InlineData("False", "false")]
    [InlineData("~", "null")]
    [InlineData("", "null")]
    [InlineData("Null", "null")]
    [InlineData("0xZZ", "\"0xZZ\"")]
    [InlineData("0x", "\"0x\"")]
    [InlineData("0o9", "\"0o9\"")]
    [InlineData("1e", "\"1e\"")]
    [InlineData("e5", "\"e5\"")]
    [InlineData(".", "\".\"")]
    [InlineData("+-1", "\"+-1\"")]
    [InlineData("yes", "\"yes\"")]
    [InlineData("'8'", "\"8\"")]
    [InlineData("!!str 8", "\"8\"")]
    [InlineData("\"say \\\"hi\\\"\"", "\"say \\\"hi\\\"\"")]
    public void Convert_Scalar_ResolvesAsTheCoreSchemaSays(string yaml, string json)
    {
        Assert.Equal("{\"v\":" + json + "}", YamlAsJson.Convert("v: " + yaml, "c.yaml").Json);
    }

    [Theory]
    [InlineData(".inf")]
    [InlineData("-.Inf")]
    [InlineData("+.INF")]
    [InlineData(".NaN")]
    public void Convert_InfinityOrNaN_IsRefused(string value)
    {
        var ex = Assert.Throws<SchedulingFileException>(() => YamlAsJson.Convert("v: " + value, "c.yaml"));

        Assert.Equal("c.yaml:1:4: '" + value + "' is not a finite number", ex.Message);
    }

    [Fact]
    public void YamlPlace_OutsideTheConvertedLine_IsTheFileStart()
    {
        var converted = YamlAsJson.Convert("\n\nv: 1", "c.yaml");

        Assert.Equal((3, 1), converted.YamlPlace(1, 1));
        Assert.Equal((3, 4), converted.YamlPlace(1, 6));
        Assert.Equal((1, 1), converted.YamlPlace(2, 1));
        Assert.Equal((1, 1), converted.YamlPlace(1, 0));
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => YamlAsJson.Load(Path.Combine(_dir, "none.yaml"), ClusterFile.Parse));
    }

    [Fact]
    public void Simulate_YamlClusterAndThroughputs_PrintsWhatTheJsonFilesGive()
    {
        // JSON without comments is YAML too: the throughput file is read as YAML as it is.
        var throughputs = Path.Combine(_dir, "throughputs.yml");
        File.WriteAllText(throughputs, File.ReadAllText(Gavel("throughputs.json")));
        var cluster = Path.Combine(_dir, "cluster.yaml");
        File.WriteAllText(cluster, """
            # Gavel's simulated cluster (tests/reference/gavel/cluster-v100-p100-k80.json) in YAML
            levels: [rack]
            domains:
              - { name: v100-rack, nodes: [ { count: 9, gpus: 4, gpuType: v100, name: v100- } ] }
              - { name: p100-rack, nodes: [ { count: 9, gpus: 4, gpuType: p100, name: p100- } ] }
              - name: k80-rack
                nodes:
                  - count: 9
                    gpus: 4
                    gpuType: k80
                    name: k80-
            """);
        string[] common = ["schedule", "simulate", "--trace", Gavel("continuous-single.csv"), "--jobs", "200", "--load-factor", "4", "--policy", "las", "--json"];

        var fromJson = CliRunner.Run([.. common, "--cluster", Gavel("cluster-v100-p100-k80.json"), "--throughputs", Gavel("throughputs.json")]);
        var fromYaml = CliRunner.Run([.. common, "--cluster", cluster, "--throughputs", throughputs]);

        Assert.True(fromJson.ExitCode == 0 && fromYaml.ExitCode == 0, fromJson.Error + fromYaml.Error);
        using var json = JsonDocument.Parse(fromYaml.Output);
        Assert.Equal(108, json.RootElement.GetProperty("clusterGpus").GetInt32());
        Assert.Equal(fromJson.Output, fromYaml.Output);
    }

    [Fact]
    public void Simulate_BadYamlCluster_ExitsTwoNamingTheYamlPlace()
    {
        var cluster = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(cluster, "levels: [rack]\nnodes:\n  - gpu: 8\n");

        var (exit, _, error) = CliRunner.Run("schedule", "simulate", "--trace", Gavel("continuous-single.csv"), "--jobs", "10", "--cluster", cluster, "--policy", "fifo");

        Assert.Equal(2, exit);
        Assert.Contains("--cluster: bad.yaml:3:10: unknown key 'gpu'", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}

using System.Text.Json;

namespace LlmCore.Cli.Tests.Schedule;

/// <summary><c>schedule simulate/compare</c> with cluster files, throughput matrices and the library's preemption default.</summary>
public sealed class ScheduleTopologyCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llmcore-topo-").FullName;

    private static string Gavel(string file) => Path.Combine(AppContext.BaseDirectory, "reference", "gavel", file);

    private static string Philly => Path.Combine(AppContext.BaseDirectory, "reference", "traces", "philly_2017-10.csv");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    // The measurement: las on a contended trace gave FIFO's average JCT because the CLI turned preemption off.
    // With the library's default (preemption on) las preempts and differs from fifo; --no-preemption warns in one line.
    [Fact]
    public void Simulate_LasByDefault_PreemptsAndDiffersFromFifo()
    {
        string[] common = ["schedule", "simulate", "--trace", Philly, "--jobs", "800", "--nodes", "4", "--gpus-per-node", "8", "--json"];
        var las = CliRunner.Run([.. common, "--policy", "las"]);
        var fifo = CliRunner.Run([.. common, "--policy", "fifo"]);
        var off = CliRunner.Run([.. common, "--policy", "las", "--no-preemption"]);

        Assert.True(las.ExitCode == 0 && fifo.ExitCode == 0 && off.ExitCode == 0, las.Error + fifo.Error + off.Error);
        Assert.Empty(las.Error);
        using var l = JsonDocument.Parse(las.Output);
        using var f = JsonDocument.Parse(fifo.Output);
        using var o = JsonDocument.Parse(off.Output);
        Assert.True(l.RootElement.GetProperty("preemptions").GetInt32() > 0);
        Assert.NotEqual(f.RootElement.GetProperty("avgJctSeconds").GetDouble(), l.RootElement.GetProperty("avgJctSeconds").GetDouble());
        Assert.Equal(0, o.RootElement.GetProperty("preemptions").GetInt32());
        Assert.StartsWith("warning: policy las is preemptive", off.Error, StringComparison.Ordinal);
        Assert.Single(off.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Simulate_PreemptionAndNoPreemption_ExitsTwo()
    {
        var (exit, _, error) = CliRunner.Run("schedule", "simulate", "--trace", Philly, "--jobs", "10", "--nodes", "2", "--gpus-per-node", "8", "--policy", "fifo", "--preemption", "--no-preemption");
        Assert.Equal(2, exit);
        Assert.Contains("--no-preemption", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_ClusterAndThroughputFiles_PrintsFairnessAndUtilizationByType()
    {
        var (exit, output, error) = CliRunner.Run("schedule", "simulate", "--trace", Gavel("continuous-single.csv"), "--jobs", "300", "--load-factor", "4",
            "--cluster", Gavel("cluster-v100-p100-k80.json"), "--throughputs", Gavel("throughputs.json"), "--policy", "las", "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(108, root.GetProperty("clusterGpus").GetInt32());
        Assert.Equal(300, root.GetProperty("completed").GetInt32());
        Assert.Equal("aware", root.GetProperty("heterogeneity").GetString());
        var mean = root.GetProperty("finishTimeFairnessMean").GetDouble();
        var max = root.GetProperty("finishTimeFairnessMax").GetDouble();
        Assert.True(mean > 0 && max >= mean);
        var byType = root.GetProperty("utilizationByGpuType");
        Assert.Equal(["v100", "p100", "k80"], byType.EnumerateObject().Select(p => p.Name));
        Assert.All(byType.EnumerateObject(), p => Assert.InRange(p.Value.GetDouble(), 0, 1));

        // The three types hold 36 GPUs each, so the overall utilisation is the mean of the three.
        Assert.Equal(byType.EnumerateObject().Average(p => p.Value.GetDouble()), root.GetProperty("gpuUtilization").GetDouble(), 9);
    }

    // Gavel's result (Narayanan et al., OSDI 2020, figure 8): heterogeneity-aware LAS beats agnostic LAS on average JCT
    // once the cluster is loaded; on its own throughput data and this trace's first 1,500 jobs at 4 jobs per hour.
    [Fact]
    public void Compare_HeterogeneityBoth_AwareLasHasLowerAverageJctUnderLoad()
    {
        var (exit, output, error) = CliRunner.Run("schedule", "compare", "--trace", Gavel("continuous-single.csv"), "--jobs", "1500",
            "--cluster", Gavel("cluster-v100-p100-k80.json"), "--throughputs", Gavel("throughputs.json"),
            "--policies", "las", "--heterogeneity", "both", "--load-factors", "4", "--json");

        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var results = json.RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(["las (agnostic)", "las (aware)"], results.Select(r => r.GetProperty("label").GetString()));
        Assert.All(results, r => Assert.Equal(4, r.GetProperty("loadFactor").GetDouble()));
        Assert.True(results[1].GetProperty("avgJctSeconds").GetDouble() < results[0].GetProperty("avgJctSeconds").GetDouble());
    }

    [Theory]
    [InlineData("{ \"nodes\": [ { \"gpus\": 8, \"gpuTyp\": \"H100\" } ] }", "c.json:1:")]
    [InlineData("{ \"nodes\": [ { \"gpus\": -1 } ] }", "c.json:1:24")]
    public void Simulate_MalformedClusterFile_ExitsTwoNamingFileLineAndColumn(string json, string where)
    {
        var cluster = Write("c.json", json);

        var (exit, output, error) = CliRunner.Run("schedule", "simulate", "--trace", Philly, "--jobs", "10", "--cluster", cluster, "--policy", "fifo", "--json");

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.StartsWith("error: --cluster: " + where, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("--cluster", "--nodes")]
    [InlineData("--heterogeneity", null)]
    public void Simulate_ConflictingOrMissingOptions_ExitsTwoNamingTheOption(string option, string? with)
    {
        var cluster = Write("ok.json", "{ \"nodes\": [ { \"count\": 2, \"gpus\": 8 } ] }");
        List<string> args = ["schedule", "simulate", "--trace", Philly, "--jobs", "10", "--policy", "fifo"];
        if (option == "--cluster")
        {
            args.AddRange(["--cluster", cluster, with!, "2", "--gpus-per-node", "8"]);
        }
        else
        {
            args.AddRange(["--nodes", "2", "--gpus-per-node", "8", "--heterogeneity", "agnostic"]);
        }

        var (exit, _, error) = CliRunner.Run([.. args]);

        Assert.Equal(2, exit);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }
}

using System.Globalization;
using System.Text.Json;

namespace LlmCore.Cli.Tests.Schedule;

public class ScheduleSimulateCommandTests
{
    private static readonly string[] s_contractKeys = ["jobs", "completed", "avgJctSeconds", "p50JctSeconds", "p99JctSeconds", "avgQueueDelaySeconds", "makespanSeconds", "gpuUtilization", "preemptions"];

    private static string Philly => Path.Combine(AppContext.BaseDirectory, "reference", "traces", "philly_2017-10.csv");

    private static string TempFile(string extension) => Path.Combine(Path.GetTempPath(), "llmcore-sim-" + Guid.NewGuid().ToString("N") + extension);

    [Fact]
    public void Simulate_Json_PrintsContractKeysAndHandComputedFifo()
    {
        // FIFO on one 4-GPU node: j1 0–100, j2 100–150, j3 150–160 → JCTs 100, 140, 140.
        var trace = TempFile(".csv");
        File.WriteAllText(trace, "job_id,submit_time_s,duration_s,gpus,tenant\nj1,0,100,4,a\nj2,10,50,4,b\nj3,20,10,4,a\n");
        try
        {
            var (exitCode, output, error) = CliRunner.Run("schedule", "simulate", "--trace", trace, "--nodes", "1", "--gpus-per-node", "4", "--policy", "fifo", "--json");
            Assert.Equal(0, exitCode);
            Assert.Empty(error);
            using var document = JsonDocument.Parse(output);
            var root = document.RootElement;
            foreach (var key in s_contractKeys)
            {
                Assert.Equal(JsonValueKind.Number, root.GetProperty(key).ValueKind);
            }

            Assert.Equal(3, root.GetProperty("jobs").GetInt32());
            Assert.Equal(3, root.GetProperty("completed").GetInt32());
            Assert.Equal(380.0 / 3, root.GetProperty("avgJctSeconds").GetDouble(), 6);
            Assert.Equal(160, root.GetProperty("makespanSeconds").GetDouble(), 6);
            Assert.Equal(1.0, root.GetProperty("gpuUtilization").GetDouble(), 6);
        }
        finally
        {
            File.Delete(trace);
        }
    }

    [Fact]
    public void Simulate_EventsAndPlot_WritesSegmentsWithinNodeCapacity()
    {
        var events = TempFile(".csv");
        var plot = TempFile(".png");
        try
        {
            var (exitCode, output, _) = CliRunner.Run("schedule", "simulate", "--trace", Philly, "--jobs", "800", "--nodes", "4", "--gpus-per-node", "8",
                "--policy", "srtf", "--preemption", "--backfill", "--events", events, "--plot", plot, "--json");
            Assert.Equal(0, exitCode);
            using var document = JsonDocument.Parse(output);
            var root = document.RootElement;
            var lines = File.ReadAllLines(events);
            Assert.Equal("job_id,placement,gpus,start_s,end_s,outcome", lines[0]);
            var rows = lines.Skip(1).Select(l => l.Split(',')).ToArray();
            Assert.Equal(root.GetProperty("completed").GetInt32(), rows.Count(r => r[5] == "completed"));
            Assert.Equal(root.GetProperty("preemptions").GetInt32(), rows.Count(r => r[5] == "preempted"));
            Assert.All(rows, r => Assert.Contains(r[5], new[] { "completed", "preempted", "failed", "cancelled" }));

            // No node ever holds more than its 8 GPUs (releases before allocations at the same instant).
            var deltas = new List<(int Node, double Time, int Delta)>();
            foreach (var r in rows)
            {
                var start = double.Parse(r[3], CultureInfo.InvariantCulture);
                var end = double.Parse(r[4], CultureInfo.InvariantCulture);
                if (end <= start)
                {
                    continue;
                }

                var total = 0;
                foreach (var part in r[1].Split(';'))
                {
                    var pair = part.Split(':');
                    var gpus = int.Parse(pair[1], CultureInfo.InvariantCulture);
                    total += gpus;
                    deltas.Add((int.Parse(pair[0], CultureInfo.InvariantCulture), start, gpus));
                    deltas.Add((int.Parse(pair[0], CultureInfo.InvariantCulture), end, -gpus));
                }

                Assert.Equal(int.Parse(r[2], CultureInfo.InvariantCulture), total);
            }

            foreach (var node in deltas.GroupBy(d => d.Node))
            {
                Assert.InRange(node.Key, 0, 3);
                var used = 0;
                foreach (var d in node.OrderBy(d => d.Time).ThenBy(d => d.Delta))
                {
                    used += d.Delta;
                    Assert.InRange(used, 0, 8);
                }
            }

            var png = File.ReadAllBytes(plot);
            Assert.True(png.Length > 1000);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
        }
        finally
        {
            File.Delete(events);
            File.Delete(plot);
        }
    }

    [Fact]
    public void Simulate_MalformedRow_ExitsTwoNamingTheLine()
    {
        var trace = TempFile(".csv");
        File.WriteAllText(trace, "job_id,submit_time_s,duration_s,gpus\na,0,10,1\nb,5,ten,1\nc,6,10,0\n");
        try
        {
            var (exitCode, output, error) = CliRunner.Run("schedule", "simulate", "--trace", trace, "--nodes", "1", "--gpus-per-node", "8", "--policy", "fifo", "--json");
            Assert.Equal(2, exitCode);
            Assert.Empty(output);
            Assert.Contains("line 3", error, StringComparison.Ordinal);
            Assert.Contains("line 4", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(trace);
        }
    }

    [Theory]
    [InlineData("--policy", "round-robin")]
    [InlineData("--nodes", "0")]
    [InlineData("--estimates", "psychic")]
    public void Simulate_BadOption_ExitsTwo(string option, string value)
    {
        var args = new Dictionary<string, string> { ["--trace"] = Philly, ["--nodes"] = "2", ["--gpus-per-node"] = "8", ["--policy"] = "fifo", ["--jobs"] = "10" };
        args[option] = value;
        var (exitCode, _, error) = CliRunner.Run(["schedule", "simulate", .. args.SelectMany(kv => new[] { kv.Key, kv.Value })]);
        Assert.Equal(2, exitCode);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Compare_Json_RanksSrtfAheadOfFifoAndPlotsCdf()
    {
        var plot = TempFile(".png");
        try
        {
            var (exitCode, output, error) = CliRunner.Run("schedule", "compare", "--trace", Philly, "--jobs", "1000", "--nodes", "4", "--gpus-per-node", "8",
                "--policies", "fifo,srtf", "--preemption", "--plot", plot, "--json");
            Assert.Equal(0, exitCode);
            Assert.Empty(error);
            using var document = JsonDocument.Parse(output);
            var results = document.RootElement.GetProperty("results").EnumerateArray().ToArray();
            Assert.Equal(["fifo", "srtf"], results.Select(r => r.GetProperty("policy").GetString()));
            Assert.True(results[1].GetProperty("avgJctSeconds").GetDouble() < results[0].GetProperty("avgJctSeconds").GetDouble());
            Assert.True(document.RootElement.GetProperty("offeredLoad").GetDouble() > 1);
            Assert.True(File.Exists(plot));
        }
        finally
        {
            File.Delete(plot);
        }
    }

    [Fact]
    public void Compare_Human_PrintsOneRowPerPolicy()
    {
        var (exitCode, output, _) = CliRunner.Run("schedule", "compare", "--trace", Philly, "--jobs", "200", "--nodes", "2", "--gpus-per-node", "8", "--policies", "fifo,sjf,las");
        Assert.Equal(0, exitCode);
        Assert.Contains("fifo", output, StringComparison.Ordinal);
        Assert.Contains("sjf", output, StringComparison.Ordinal);
        Assert.Contains("las", output, StringComparison.Ordinal);
    }
}

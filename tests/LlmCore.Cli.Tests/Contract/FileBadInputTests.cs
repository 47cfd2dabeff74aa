using System.Text.Json;

namespace LlmCore.Cli.Tests.Contract;

/// <summary>
/// Bad input that lives in a file (issue 22), per file format and per command that reads it: exit code 2, one line on
/// stderr that names the option and the file position (line and column where the format has them), no .NET type name,
/// nothing on stdout, and no output file written. Also the shape and data checks of <c>cost</c> and <c>train</c> that
/// need an input file, and the consistency of <c>schedule run --json</c> with <c>schedule simulate --json</c>.
/// </summary>
public sealed class FileBadInputTests : IDisposable
{
    private const string Header = "job_id,submit_time_s,duration_s,gpus,tenant\n";

    private readonly string _inputs = Directory.CreateTempSubdirectory("llmcore-in-").FullName;
    private readonly string _outputs = Directory.CreateTempSubdirectory("llmcore-out-").FullName;

    public void Dispose()
    {
        Directory.Delete(_inputs, recursive: true);
        Directory.Delete(_outputs, recursive: true);
    }

    /// <summary>The input files the rows name (IN/name), by name.</summary>
    private static readonly Dictionary<string, string> s_files = new(StringComparer.Ordinal)
    {
        // TimeSpan holds at most ~9.2e11 s: 1e12 used to end in exit 1 with .NET's "TimeSpan overflowed" and no line.
        ["long.csv"] = Header + "j1,0,100,4,a\nj2,5,1e12,4,a\n",
        ["late.csv"] = Header + "j1,2e9,100,4,a\n",
        ["gpus.csv"] = Header + "j1,0,100,4,a\nj2,1,100,99999999999,a\n",
        ["empty.csv"] = Header,
        ["ok.csv"] = Header + "j1,0,100,4,a\nj2,10,50,4,b\n",
        ["huge-cluster.json"] = """{ "nodes": [ { "count": 1000, "gpus": 10000 } ] }""",
        ["negative-gpu.json"] = """[ { "name": "X1", "denseFp16Tflops": -5, "memoryGb": 80, "bandwidthTbPerSecond": 2, "tdpWatts": 700 } ]""",
        ["one-class.csv"] = "a,b,y\n1,2,0\n2,3,0\n3,4,0\n4,5,0\n5,6,0\n",
        ["two-rows.csv"] = "a,b,y\n1,2,0\n2,3,1\n",
        ["six.csv"] = "a,b,y\n1,2,0\n2,3,1\n3,1,0\n4,2,1\n5,3,0\n6,1,1\n",
    };

    /// <summary>Rows: the arguments (IN/x is an input file above, OUT a file in an empty directory) and the words the line must contain.</summary>
    public static TheoryData<string, string> Rows() => new()
    {
        // Trace CSV (schedule simulate, compare, run): file, line, column and the range.
        { "schedule simulate --trace IN/long.csv --nodes 1 --gpus-per-node 4 --policy fifo --events OUT.csv", "--trace|long.csv|line 3|column 3 (duration_s)|[0, 1e9]|1e12" },
        { "schedule compare --trace IN/late.csv --nodes 1 --gpus-per-node 4 --policies fifo,sjf --plot OUT.png", "--trace|late.csv|line 2|column 2 (submit_time_s)|[0, 1e9]" },
        { "schedule run --trace IN/long.csv --policy fifo --executor local --time-scale 1000 --events OUT.csv", "--trace|long.csv|line 3|column 3 (duration_s)" },
        { "schedule simulate --trace IN/gpus.csv --nodes 1 --gpus-per-node 4 --policy fifo", "--trace|line 3|column 4 (gpus)|99999999999" },
        // An empty trace has no JCT and no fairness: refused (it used to print JCT 0 s and Jain 1.000).
        { "schedule simulate --trace IN/empty.csv --nodes 1 --gpus-per-node 4 --policy fifo --events OUT.csv", "--trace|empty.csv|no jobs" },
        { "schedule compare --trace IN/empty.csv --nodes 1 --gpus-per-node 4 --policies fifo,sjf", "--trace|no jobs" },
        { "schedule run --trace IN/empty.csv --policy fifo --executor local --time-scale 1000", "--trace|at least one job" },
        { "schedule simulate --trace IN/ok.csv --nodes 1 --gpus-per-node 4 --policy fifo --until 0 --load-factor 1e-9", "--load-factor|1e9 s" },
        // Cluster size: checked before anything is allocated (2147483647 × 1024 used to run out of memory).
        { "schedule simulate --trace IN/ok.csv --nodes 2147483647 --gpus-per-node 1024 --policy fifo --events OUT.csv", "--nodes|1,000,000" },
        { "schedule simulate --trace IN/ok.csv --nodes 100000 --gpus-per-node 1024 --policy fifo", "--nodes × --gpus-per-node|8,388,608" },
        { "schedule compare --trace IN/ok.csv --nodes 100000 --gpus-per-node 1024 --policies fifo,sjf", "--nodes × --gpus-per-node|8,388,608" },
        { "schedule run --trace IN/ok.csv --policy fifo --executor local --nodes 100000 --gpus-per-node 1024", "--nodes × --gpus-per-node|8,388,608" },
        { "schedule simulate --trace IN/ok.csv --cluster IN/huge-cluster.json --policy fifo", "--cluster|huge-cluster.json|10,000,000 GPUs|8,388,608" },
        // Options that the other choices would ignore.
        { "schedule simulate --trace IN/ok.csv --nodes 1 --gpus-per-node 4 --policy fifo --estimate-sigma 2", "--estimate-sigma|--estimates noisy" },
        { "schedule run --trace IN/ok.csv --policy fifo --executor local --slurm-url http://127.0.0.1:6820", "--slurm-url|--executor slurm" },
        { "schedule run --trace IN/ok.csv --policy fifo --executor slurm --slurm-url http://127.0.0.1:1 --nodes 2", "--nodes|--executor local" },
        // GPU catalogue JSON: the file and the GPU entry named.
        { "cost train --parameters 7e9 --tokens 1e12 --gpu X1 --gpus 8 --mfu 0.4 --gpu-catalog IN/negative-gpu.json", "--gpu-catalog|negative-gpu.json|GPU entry 0 ('X1')|denseFp16Tflops|-5" },
        { "cost inference --parameters 8e9 --layers 32 --hidden 4096 --gpu X1 --gpus 1 --batch 1 --prompt-tokens 1 --output-tokens 1 --gpu-catalog IN/negative-gpu.json", "--gpu-catalog|'X1'|denseFp16Tflops" },
        // Dataset CSV (train): a target with one class, too few rows, an unknown --target, a batch above the rows.
        { "train --dataset IN/one-class.csv --optimizer sgd --epochs 1 --plot OUT.png", "--dataset|at least 2 classes|one-class.csv" },
        { "train --dataset IN/two-rows.csv --optimizer sgd --epochs 1 --plot OUT.png", "--dataset|2 row(s)|1 for training" },
        { "train --dataset IN/six.csv --optimizer sgd --epochs 1 --target nope", "--target|'nope'|a, b, y" },
        { "train --dataset IN/six.csv --optimizer sgd --epochs 1 --batch-size 100", "--batch-size|5 training rows" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void BadFileInput_ExitsTwo_OneLineNamingTheOptionAndPosition_NoTypeName_NoFile(string commandLine, string expected)
    {
        foreach (var (name, text) in s_files)
        {
            File.WriteAllText(Path.Combine(_inputs, name), text);
        }

        var args = commandLine.Split(' ').Select(Resolve).ToArray();

        var (exit, output, error) = CliRunner.Run(args);

        BadInputAssert.ExitTwoWithOneLine(exit, output, error, expected);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outputs));
    }

    // Inconsistent attention shapes and ranges (issue 22): each would have been accepted, or silently ignored, before.
    [Theory]
    [InlineData("--heads 64 --kv-heads 100", "--kv-heads|100|--heads 64")]
    [InlineData("--heads 64 --kv-heads 48", "--kv-heads|48|divide")]
    [InlineData("--heads 32 --head-dim 64 --kv-heads 8", "--head-dim|--hidden|4096")]
    [InlineData("--head-dim 64", "--head-dim|--kv-heads")]
    [InlineData("--heads 30", "--heads|30|divide --hidden")]
    [InlineData("--kv-latent-dim 576 --kv-heads 8", "--kv-latent-dim|--kv-heads")]
    [InlineData("--parameters 1e300", "--parameters|(0, 1e15]")]
    [InlineData("--compute-efficiency 1e-300", "--compute-efficiency|[1e-6, 1]")]
    public void CostInference_InconsistentShapeOrRange_ExitsTwo(string extra, string expected)
    {
        string[] args = ["cost", "inference", "--parameters", "8e9", "--layers", "32", "--hidden", "4096", "--gpu", "l40s", "--gpus", "1", "--batch", "16", "--prompt-tokens", "512", "--output-tokens", "256", .. extra.Split(' ')];
        if (extra.StartsWith("--parameters", StringComparison.Ordinal))
        {
            args = [.. args[..2], .. args[4..]];
        }

        AssertBadInput(args, expected);
    }

    [Theory]
    [InlineData("--tokens 1e300", "--tokens|(0, 1e18]")]
    [InlineData("--tokens 1e12 --layers 80", "--layers|--hidden and --sequence-length")]
    [InlineData("--tokens 1e12 --layers 80 --hidden 8192", "--sequence-length")]
    [InlineData("--tokens 1e12 --effective-time 1e-300", "--effective-time|[1e-6, 1]")]
    [InlineData("--tokens 1e12 --price-per-gpu-hour 1e300", "--price-per-gpu-hour|[0, 1e6]")]
    public void CostTrain_OutOfRangeOrIncomplete_ExitsTwo(string extra, string expected) =>
        AssertBadInput(["cost", "train", "--parameters", "7e9", "--gpu", "H100-SXM", "--gpus", "8", "--mfu", "0.4", .. extra.Split(' ')], expected);

    [Fact]
    public void Epsilon_OrdersWithPld_ExitsTwo() =>
        AssertBadInput(["privacy", "epsilon", "--sample-rate", "0.01", "--noise-multiplier", "1", "--steps", "10", "--delta", "1e-5", "--accountant", "pld", "--orders", "2,4"], "--orders|--accountant rdp");

    // Divergence is exit code 3 for train as for optimize (docs/cli.md): lr = 1e6 on the linear dataset overflows the
    // squared error in the first epoch. Nothing on stdout, no plot.
    [Fact]
    public void Train_Diverges_ExitsThreeWithOneLineAndNoPlot()
    {
        var plot = Path.Combine(_outputs, "loss.png");

        var (exit, output, error) = CliRunner.Run("train", "--dataset", "linear", "--optimizer", "sgd", "--lr", "1e6", "--epochs", "5", "--plot", plot, "--json");

        Assert.Equal(3, exit);
        Assert.Empty(output);
        var line = Assert.Single(error.TrimEnd('\n', '\r').Split('\n'));
        Assert.Matches(@"^error: diverged at epoch 1: the loss is (NaN|infinite); try a smaller --lr", line);
        Assert.False(File.Exists(plot));
    }

    // docs/cli.md: `schedule run --json` has the keys of `schedule simulate --json` plus `executor`. On the same
    // two-job trace both replay FIFO on one 4-GPU node (j1 0–100, j2 100–150), so the values that do not depend on
    // wall-clock timing agree too.
    [Fact]
    public void ScheduleRun_Json_HasEveryKeyOfSimulatePlusExecutor()
    {
        var trace = Path.Combine(_inputs, "ok.csv");
        File.WriteAllText(trace, s_files["ok.csv"]);

        var simulate = CliRunner.Run("schedule", "simulate", "--trace", trace, "--nodes", "1", "--gpus-per-node", "4", "--policy", "fifo", "--json");
        var run = CliRunner.Run("schedule", "run", "--trace", trace, "--nodes", "1", "--gpus-per-node", "4", "--policy", "fifo", "--executor", "local", "--time-scale", "1000", "--json");

        Assert.True(simulate.ExitCode == 0, simulate.Error);
        Assert.True(run.ExitCode == 0, run.Error);
        using var simulated = JsonDocument.Parse(simulate.Output);
        using var replayed = JsonDocument.Parse(run.Output);
        var keys = replayed.RootElement.EnumerateObject().Select(static p => p.Name).ToHashSet(StringComparer.Ordinal);
        var missing = simulated.RootElement.EnumerateObject().Select(static p => p.Name).Where(k => !keys.Contains(k)).ToArray();
        Assert.True(missing.Length == 0, "schedule run --json lacks " + string.Join(", ", missing));
        Assert.Equal("local", replayed.RootElement.GetProperty("executor").GetString());
        foreach (var key in new[] { "jobs", "completed", "clusterGpus", "rejected", "failed", "unfinished" })
        {
            Assert.Equal(simulated.RootElement.GetProperty(key).GetInt32(), replayed.RootElement.GetProperty(key).GetInt32());
        }

        Assert.Equal(simulated.RootElement.GetProperty("offeredLoad").GetDouble(), replayed.RootElement.GetProperty("offeredLoad").GetDouble(), 9);
        Assert.Equal(2, replayed.RootElement.GetProperty("tenants").GetArrayLength());
    }

    private static void AssertBadInput(string[] args, string expected)
    {
        var (exit, output, error) = CliRunner.Run(args);
        BadInputAssert.ExitTwoWithOneLine(exit, output, error, expected);
    }

    private string Resolve(string arg) =>
        arg.StartsWith("IN/", StringComparison.Ordinal) ? Path.Combine(_inputs, arg[3..])
        : arg.StartsWith("OUT", StringComparison.Ordinal) ? Path.Combine(_outputs, "out" + arg[3..])
        : arg;
}

using System.Globalization;
using System.Text;

namespace LlmCore.Cli.Tests.Contract;

/// <summary>
/// Issue 22, "documented limits and an option to raise them" and "a way to stop": a request beyond a limit is refused at
/// once, with bounded allocation, naming the option that raises it; a long-running command stops on its cancellation
/// token (what Ctrl-C cancels) with exit code 130 and prints no result. Allocation is measured on the test's own thread
/// (GC.GetAllocatedBytesForCurrentThread: the CLI runs the command on the calling thread, and tests running in parallel
/// do not count), so the bounds hold under any load.
/// </summary>
public sealed class ResourceLimitsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llmcore-limits-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteTrace(int rows)
    {
        var path = Path.Combine(_dir, string.Create(CultureInfo.InvariantCulture, $"trace-{rows}.csv"));
        var text = new StringBuilder("job_id,submit_time_s,duration_s,gpus\n");
        for (var i = 0; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"j{i},{i},{60 + (i % 7)},{1 + (i % 4)}\n");
        }

        File.WriteAllText(path, text.ToString());
        return path;
    }

    [Theory]
    [InlineData("simulate")]
    [InlineData("compare")]
    public void Trace_BeyondMaxTraceRows_RefusedAtTheLimitWithBoundedAllocation_NamingTheOption(string command)
    {
        // 200,000 rows (about 3.6 MB of text, about 240 MB of simulator state if it were read whole) against a limit
        // of 10: the read must stop at row 11, so the refusal allocates far less than the file alone would need.
        var trace = WriteTrace(200_000);
        var policy = command == "compare" ? "--policies" : "--policy";
        _ = CliRunner.Run("schedule", command, "--trace", trace, "--nodes", "2", "--gpus-per-node", "8", policy, "fifo", "--max-trace-rows", "1"); // JIT
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (exitCode, output, error) = CliRunner.Run("schedule", command, "--trace", trace, "--nodes", "2", "--gpus-per-node", "8", policy, "fifo", "--max-trace-rows", "10");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("more than 10 job rows", error, StringComparison.Ordinal);
        Assert.Contains("raise it with --max-trace-rows", error, StringComparison.Ordinal);
        Assert.Contains("1,000,000", error, StringComparison.Ordinal); // the default, named
        Assert.True(allocated < 2L << 20, $"refusal allocated {allocated} bytes");
    }

    [Fact]
    public void Trace_AtMaxTraceRows_Accepted_AndRaisingTheLimitAcceptsMore()
    {
        var trace = WriteTrace(12);

        Assert.Equal(0, CliRunner.Run("schedule", "simulate", "--trace", trace, "--nodes", "2", "--gpus-per-node", "8", "--policy", "fifo", "--max-trace-rows", "12", "--json").ExitCode);
        Assert.Equal(2, CliRunner.Run("schedule", "simulate", "--trace", trace, "--nodes", "2", "--gpus-per-node", "8", "--policy", "fifo", "--max-trace-rows", "11", "--json").ExitCode);
        Assert.Equal(0, CliRunner.Run("schedule", "run", "--trace", trace, "--executor", "local", "--policy", "fifo", "--time-scale", "1e6", "--max-trace-rows", "12", "--json").ExitCode);
        Assert.Equal(2, CliRunner.Run("schedule", "run", "--trace", trace, "--executor", "local", "--policy", "fifo", "--time-scale", "1e6", "--max-trace-rows", "11", "--json").ExitCode);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1000000001")]
    public void MaxTraceRows_OutOfRange_ExitsTwoNamingTheRange(string value)
    {
        var trace = WriteTrace(2);
        var (exitCode, output, error) = CliRunner.Run("schedule", "simulate", "--trace", trace, "--nodes", "2", "--gpus-per-node", "8", "--policy", "fifo", "--max-trace-rows", value);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("--max-trace-rows must be in [1, 1,000,000,000]", error, StringComparison.Ordinal);
    }

    [Fact]
    public void PldMaxGridPoints_LowLimit_RefusesAnOrdinaryRequest_TheDefaultAnswersIt()
    {
        // σ = 1, q = 0.01, 100 steps needs ~1e5 grid points at interval 1e-4 (PldAccountant's remarks: 10⁵ steps need ~2^18):
        // above a limit of 1,024, well below the default 2^24. So the option is read, and the message names it.
        string[] request = ["privacy", "epsilon", "--sample-rate", "0.01", "--noise-multiplier", "1", "--steps", "100", "--delta", "1e-5", "--accountant", "pld"];
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (exitCode, output, error) = CliRunner.Run([.. request, "--pld-max-grid-points", "1024"]);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("limit of 1024 grid points (--pld-max-grid-points", error, StringComparison.Ordinal);
        Assert.Contains("raise the limit with --pld-max-grid-points (at most 268,435,456)", error, StringComparison.Ordinal);
        Assert.True(allocated < 64L << 20, $"refusal allocated {allocated} bytes");
        Assert.Equal(0, CliRunner.Run([.. request, "--json"]).ExitCode);
        Assert.Equal(2, CliRunner.Run("privacy", "noise-multiplier", "--target-epsilon", "1", "--delta", "1e-5", "--sample-rate", "0.01", "--steps", "100", "--accountant", "pld", "--pld-max-grid-points", "1024").ExitCode);
    }

    [Theory]
    [InlineData("privacy epsilon --sample-rate 0.01 --noise-multiplier 1 --steps 100 --delta 1e-5 --accountant pld --pld-max-grid-points 1000", "--pld-max-grid-points|[1,024, 268,435,456]")]
    [InlineData("privacy epsilon --sample-rate 0.01 --noise-multiplier 1 --steps 100 --delta 1e-5 --accountant pld --pld-max-grid-points 268435457", "--pld-max-grid-points|[1,024, 268,435,456]")]
    [InlineData("privacy epsilon --sample-rate 0.01 --noise-multiplier 1 --steps 100 --delta 1e-5 --pld-max-grid-points 4096", "--pld-max-grid-points|--accountant pld only")]
    [InlineData("privacy noise-multiplier --target-epsilon 1 --delta 1e-5 --sample-rate 0.01 --steps 100 --pld-max-grid-points 4096", "--pld-max-grid-points|--accountant pld only")]
    [InlineData("train --model gpt --text names --steps 1 --max-memory-gb 0.001", "--max-memory-gb: this run needs about")]
    [InlineData("train --model gpt --text names --steps 1 --max-memory-gb 0", "--max-memory-gb|(0, 1024]")]
    [InlineData("train --model gpt --text names --steps 1 --max-memory-gb 2000", "--max-memory-gb|(0, 1024]")]
    [InlineData("train --dataset iris --optimizer sgd --max-memory-gb 4", "--max-memory-gb|--model")]
    public void LimitOption_BadValue_ExitsTwoNamingIt(string commandLine, string expected)
    {
        var (exitCode, output, error) = CliRunner.Run(commandLine.Split(' '));

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        foreach (var word in expected.Split('|'))
        {
            Assert.Contains(word, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Gpt_LargestShape_RefusedBeforeAllocating_NamingMaxMemoryGb()
    {
        // 64 layers of width 8192: 12·64·8192² ≈ 5.2e10 parameters, 16 bytes each for weights, gradients and AdamW's
        // moments ≈ 825 GB (by hand) — refused at once instead of allocating.
        string[] args = ["train", "--model", "gpt", "--text", "names", "--layers", "64", "--heads", "64", "--embd", "8192", "--steps", "1"];
        _ = CliRunner.Run([.. args, "--max-memory-gb", "0"]); // JIT the parsing path
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (exitCode, output, error) = CliRunner.Run(args);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.StartsWith("error: --max-memory-gb: this run needs about 8", error, StringComparison.Ordinal);
        Assert.Contains("more than the limit of 2 GB", error, StringComparison.Ordinal);
        Assert.Contains("raise the limit with --max-memory-gb G", error, StringComparison.Ordinal);
        Assert.True(allocated < 32L << 20, $"refusal allocated {allocated} bytes");
    }

    [Fact]
    public void CostSimulate_RequestsBeyondMaxRequests_RefusedBeforeAllocating_NamingTheOption()
    {
        // int.MaxValue requests at ~250 bytes each would need ~500 GB (10⁶ requests peaked at 305 MB, docs/cli.md).
        string[] args = ["cost", "simulate", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--gpus", "1", "--rate", "1", "--input", "100", "--output", "10"];
        _ = CliRunner.Run([.. args, "--requests", "0"]); // JIT
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (exitCode, output, error) = CliRunner.Run([.. args, "--requests", "2147483647"]);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("--requests: 2,147,483,647 is more than the limit of 5,000,000 (--max-requests", error, StringComparison.Ordinal);
        Assert.Contains("raise it with --max-requests N", error, StringComparison.Ordinal);
        Assert.True(allocated < 32L << 20, $"refusal allocated {allocated} bytes");
        Assert.Equal(2, CliRunner.Run([.. args, "--requests", "20", "--max-requests", "10"]).ExitCode);
        Assert.Equal(0, CliRunner.Run([.. args, "--requests", "10", "--max-requests", "10", "--json"]).ExitCode);
    }

    /// <summary>The long-running commands (docs/cli.md, "Resource limits"), each with a small valid request.</summary>
    public static TheoryData<string> LongRunning() => new()
    {
        "train --dataset moons --optimizer adam --epochs 5",
        "train --dataset iris --optimizer sgd --lr 0.2 --epochs 2 --batch-size 30 --private --noise-multiplier 1 --max-grad-norm 1 --delta 1e-5",
        "train --model gpt --text names --layers 1 --heads 2 --embd 16 --block 8 --steps 3",
        "optimize --function rosenbrock --optimizer adam --steps 10",
        "privacy noise-multiplier --target-epsilon 1 --delta 1e-5 --sample-rate 0.01 --steps 100",
        "privacy epsilon --accountant pld --sample-rate 0.01 --noise-multiplier 1 --steps 100 --delta 1e-5",
        "cost simulate --model llama-3.1-8b --gpu h100-sxm --gpus 1 --rate 1 --input 100 --output 10 --requests 1000",
        "cost serve --model llama-3.1-8b --rate 1 --input 100 --output 10 --ttft-p99 1 --tpot-p99 0.1 --gpus H100-SXM --precisions fp8 --requests 100",
        "business analyze --industry healthcare",
        "schedule simulate --trace TRACE --nodes 2 --gpus-per-node 8 --policy fifo",
        "schedule compare --trace TRACE --nodes 2 --gpus-per-node 8",
        "schedule run --trace TRACE --executor local --policy fifo --time-scale 1e6",
    };

    [Fact]
    public void TrainCsv_BeyondMaxRows_RefusedBeforeReading_NamingOptionFileAndLimit()
    {
        // 200,000 rows against a limit of 10: the count stops at row 11 and reads 64-KiB blocks, so the refusal
        // allocates far less than the 200,000 lines read whole would (each a string, then cells and numbers).
        var path = Path.Combine(_dir, "wide.csv");
        var text = new StringBuilder("x1,x2,y\n");
        for (var i = 0; i < 200_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i % 13},{i % 7},{i % 2}\n");
        }

        File.WriteAllText(path, text.ToString());
        _ = CliRunner.Run("train", "--dataset", path, "--optimizer", "sgd", "--max-rows", "1"); // JIT
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (exitCode, output, error) = CliRunner.Run("train", "--dataset", path, "--optimizer", "sgd", "--max-rows", "10");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("--dataset wide.csv", error, StringComparison.Ordinal);
        Assert.Contains("more than 10 rows", error, StringComparison.Ordinal);
        Assert.Contains("raise it with --max-rows", error, StringComparison.Ordinal);
        Assert.True(allocated < 2L << 20, $"refusal allocated {allocated} bytes");
        Assert.Equal(2, CliRunner.Run("train", "--dataset", path, "--optimizer", "sgd", "--max-rows", "0").ExitCode);
        Assert.Equal(2, CliRunner.Run("train", "--model", "gpt", "--text", "names", "--max-rows", "10").ExitCode);
    }

    [Theory]
    [InlineData("simulate", "--nodes|1000001|--gpus-per-node|1", "--nodes must be ≤ 1,000,000")]
    [InlineData("compare", "--nodes|1000001|--gpus-per-node|1", "--nodes must be ≤ 1,000,000")]
    [InlineData("run", "--nodes|1000001|--gpus-per-node|1", "--nodes must be ≤ 1,000,000")]
    [InlineData("simulate", "--nodes|8193|--gpus-per-node|1024", "8,389,632 GPUs, more than the 8,388,608")]
    [InlineData("run", "--nodes|8193|--gpus-per-node|1024", "8,389,632 GPUs, more than the 8,388,608")]
    public void Cluster_BeyondTheDefaultLimits_ExitsTwoNamingMaxClusterGpus(string command, string cluster, string expected)
    {
        // The defaults of docs/cli.md ("Resource limits"): 1,000,000 nodes, 2²³ = 8,388,608 GPUs; 8,193 × 1,024 is one
        // node of 1,024 GPUs over.
        var (exitCode, output, error) = CliRunner.Run([.. ScheduleRequest(command, WriteTrace(2)), .. cluster.Split('|')]);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("--max-cluster-gpus", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("simulate")]
    [InlineData("compare")]
    [InlineData("run")]
    public void Cluster_RaisedLimit_AcceptsIt_ALoweredOneRefusesASmallCluster(string command)
    {
        // 8,193 × 1,024 = 8,389,632 GPUs on 8,193 nodes: beyond the default, cheap to build (one type, 1,025 free-GPU counts).
        var request = ScheduleRequest(command, WriteTrace(2));

        Assert.Equal(0, CliRunner.Run([.. request, "--nodes", "8193", "--gpus-per-node", "1024", "--max-cluster-gpus", "8389632", "--json"]).ExitCode);
        Assert.Equal(0, CliRunner.Run([.. request, "--nodes", "2", "--gpus-per-node", "8", "--max-cluster-gpus", "16", "--json"]).ExitCode);
        Assert.Equal(2, CliRunner.Run([.. request, "--nodes", "2", "--gpus-per-node", "8", "--max-cluster-gpus", "15", "--json"]).ExitCode);
    }

    [Theory]
    [InlineData("simulate", "0")]
    [InlineData("compare", "1073741825")]
    [InlineData("run", "1073741825")]
    public void MaxClusterGpus_OutsideOneToTheCeiling_ExitsTwoNamingTheRange(string command, string value)
    {
        var (exitCode, output, error) = CliRunner.Run([.. ScheduleRequest(command, WriteTrace(2)), "--nodes", "2", "--gpus-per-node", "8", "--max-cluster-gpus", value]);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("--max-cluster-gpus must be between 1 and 1,073,741,824", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ClusterFile_BeyondTheLimit_ExitsTwoNamingTheFilePositionAndTheOption_RaisedAccepted()
    {
        var cluster = Path.Combine(_dir, "cluster.json");
        File.WriteAllText(cluster, "{ \"nodes\": [ { \"gpus\": 8, \"count\": 3 } ] }");
        string[] request = ["schedule", "simulate", "--trace", WriteTrace(2), "--cluster", cluster, "--policy", "fifo"];

        var (exitCode, output, error) = CliRunner.Run([.. request, "--max-cluster-gpus", "23"]);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.StartsWith("error: --cluster: cluster.json:1:", error, StringComparison.Ordinal);
        Assert.Contains("more than the 23", error, StringComparison.Ordinal);
        Assert.Contains("--max-cluster-gpus", error, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run([.. request, "--max-cluster-gpus", "24", "--json"]).ExitCode);
    }

    [Fact]
    public void MaxClusterGpus_WithTheSlurmExecutor_ExitsTwo()
    {
        var (exitCode, _, error) = CliRunner.Run("schedule", "run", "--trace", WriteTrace(2), "--executor", "slurm", "--policy", "fifo", "--max-cluster-gpus", "100");

        Assert.Equal(2, exitCode);
        Assert.Contains("--max-cluster-gpus: applies to --executor local only", error, StringComparison.Ordinal);
    }

    private static string[] ScheduleRequest(string command, string trace) => command switch
    {
        "simulate" => ["schedule", "simulate", "--trace", trace, "--policy", "fifo"],
        "compare" => ["schedule", "compare", "--trace", trace, "--policies", "fifo"],
        _ => ["schedule", "run", "--trace", trace, "--executor", "local", "--policy", "fifo", "--time-scale", "1e6"],
    };

    [Fact]
    public void TrainCsv_FewRowsManyColumns_BeyondMaxCells_RefusedBeforeReading_NamingTheOption()
    {
        // Issue 22: 1,000 rows × 10,000,000 columns passed --max-rows. Small here: 20 rows × 1,001 columns (20,020 cells)
        // against --max-cells 10,000; the count stops after the header and 10 rows (⌊10,000 / 1,001⌋ = 9, so row 10).
        var path = Path.Combine(_dir, "wide-columns.csv");
        var text = new StringBuilder(string.Join(',', Enumerable.Range(0, 1000).Select(i => "x" + i)) + ",y\n");
        for (var r = 0; r < 20; r++)
        {
            text.Append(string.Join(',', Enumerable.Repeat("0.5", 1000))).Append(r % 2 == 0 ? ",0\n" : ",1\n");
        }

        File.WriteAllText(path, text.ToString());
        _ = CliRunner.Run("train", "--dataset", path, "--optimizer", "sgd", "--max-cells", "10000"); // JIT
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (exitCode, output, error) = CliRunner.Run("train", "--dataset", path, "--optimizer", "sgd", "--max-cells", "10000");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("--dataset wide-columns.csv: 1,001 columns × more than 9 rows is more than 10,000 cells", error, StringComparison.Ordinal);
        Assert.Contains("raise it with --max-cells", error, StringComparison.Ordinal);
        Assert.True(allocated < 2L << 20, $"refusal allocated {allocated} bytes");
        Assert.Equal(0, CliRunner.Run("train", "--dataset", path, "--optimizer", "sgd", "--epochs", "1", "--max-cells", "20020", "--json").ExitCode);
        Assert.Equal(2, CliRunner.Run("train", "--dataset", path, "--optimizer", "sgd", "--epochs", "1", "--max-cells", "20019", "--json").ExitCode);
    }

    [Theory]
    [InlineData("--max-cells|5", "the header has more than 5 columns")]
    [InlineData("--max-cells|2", "the file has 44 bytes, more than 16 per cell of the limit (--max-cells 2")]
    [InlineData("--max-cells|0", "--max-cells must be between 1 and 2,147,483,647")]
    [InlineData("--max-cells|2147483648", "--max-cells must be between 1 and 2,147,483,647")]
    public void TrainCsv_CellAndByteLimits_ExitTwoNamingMaxCells(string option, string expected)
    {
        // A header of 6 columns and one row: 6 columns (> 5), 12 + 32 = 44 bytes (> 16 × 2, ≤ 16 × 5).
        var path = Path.Combine(_dir, "six.csv");
        File.WriteAllText(path, "a,b,c,d,e,y\n" + string.Concat(Enumerable.Repeat("0.125,", 5)) + "1\n");
        var (exitCode, output, error) = CliRunner.Run(["train", "--dataset", path, "--optimizer", "sgd", .. option.Split('|')]);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainCsv_AtMaxRows_Accepted()
    {
        var path = Path.Combine(_dir, "small.csv");
        var text = new StringBuilder("x1,x2,y\n");
        for (var i = 0; i < 40; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i % 13},{i % 7},{i % 2}\n");
        }

        File.WriteAllText(path, text.ToString());

        Assert.Equal(0, CliRunner.Run("train", "--dataset", path, "--optimizer", "sgd", "--epochs", "1", "--max-rows", "40", "--json").ExitCode);
        Assert.Equal(2, CliRunner.Run("train", "--dataset", path, "--optimizer", "sgd", "--epochs", "1", "--max-rows", "39", "--json").ExitCode);
    }

    [Fact]
    public void CostSimulateTrace_BeyondMaxRequests_RefusedNamingOptionFileAndLimit()
    {
        var path = Path.Combine(_dir, "requests.csv");
        var text = new StringBuilder("arrival_s,input_tokens,output_tokens\n");
        for (var i = 0; i < 20; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i * 0.5},{100 + i},{10 + i}\n");
        }

        File.WriteAllText(path, text.ToString());
        string[] request = ["cost", "simulate", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--gpus", "1", "--trace", path];

        var (exitCode, output, error) = CliRunner.Run([.. request, "--max-requests", "19"]);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("--trace requests.csv", error, StringComparison.Ordinal);
        Assert.Contains("more than 19 rows", error, StringComparison.Ordinal);
        Assert.Contains("--max-requests", error, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run([.. request, "--max-requests", "20", "--json"]).ExitCode);
    }

    [Fact]
    public void TrainPrivatePld_LowGridLimit_RefusedNamingTheOption()
    {
        // The request of PldMaxGridPoints_LowLimit_RefusesAnOrdinaryRequest_TheDefaultAnswersIt (≈1e5 grid points) in
        // train: iris, batch 30 of 120 training rows (q = 0.25), 2 epochs — well above 1,024 points at σ = 1.
        string[] request = ["train", "--dataset", "iris", "--optimizer", "sgd", "--lr", "0.2", "--epochs", "2", "--batch-size", "30", "--private", "--noise-multiplier", "1", "--max-grad-norm", "1", "--delta", "1e-5", "--accountant", "pld"];

        var (exitCode, output, error) = CliRunner.Run([.. request, "--pld-max-grid-points", "1024"]);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("--pld-max-grid-points", error, StringComparison.Ordinal);
        Assert.Equal(0, CliRunner.Run([.. request, "--json"]).ExitCode);
        Assert.Equal(2, CliRunner.Run([.. request[..^2], "--pld-max-grid-points", "4096"]).ExitCode); // rdp: the option would be ignored
    }

    [Theory]
    [MemberData(nameof(LongRunning))]
    public void LongRunningCommand_Cancelled_ExitsWith130_PrintsNoResult(string commandLine)
    {
        // The token is cancelled before the run: nothing in CliApp checks it up front, so the exit code shows that the
        // command passed it to its loop (remove the wiring and the command completes with exit 0). The simulators look at
        // the token every 1,024 instants (scheduling) or 4,096 events (serving), so the requests are big enough to get there.
        var trace = WriteTrace(3000);
        var args = commandLine.Replace("TRACE", trace, StringComparison.Ordinal).Split(' ');
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        var (exitCode, output, error) = CliRunner.Run(cancellation.Token, [.. args, "--json"]);

        Assert.Equal(130, exitCode);
        Assert.Empty(output);
        Assert.Equal("error: cancelled (Ctrl-C); the run stopped before it finished and printed no result.", error.TrimEnd());
    }

    [Theory]
    [InlineData("gaussian")]
    [InlineData("discrete-gaussian")]
    public void PrivacySampleToFile_Cancelled_ExitsWith130_AndLeavesNoFile(string mechanism)
    {
        // 10⁸ exact discrete-Gaussian samples take minutes; the sampler checks the token once per block of 4,096 and
        // deletes the half-written file, so a stopped run leaves nothing that looks like a finished one.
        var path = Path.Combine(Path.GetTempPath(), $"llmcore-samples-{Guid.NewGuid():N}.txt");
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        var (exitCode, output, error) = CliRunner.Run(cancellation.Token, ["privacy", "sample", "--mechanism", mechanism, "--scale", "10", "--count", "100000", "--output", path]);

        Assert.Equal(130, exitCode);
        Assert.Empty(output);
        Assert.Equal("error: cancelled (Ctrl-C); the run stopped before it finished and printed no result.", error.TrimEnd());
        Assert.False(File.Exists(path));
    }
}

using System.Text.Json;

namespace LlmCore.Cli.Tests.Cost;

public class ServingCommandsTests
{
    private static readonly string[] s_simulate =
        ["cost", "simulate", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--gpus", "2", "--precision", "fp8", "--rate", "10", "--input", "500", "--output", "100", "--requests", "300"];

    private static readonly string[] s_serve =
        ["cost", "serve", "--model", "llama-3.1-8b", "--rate", "10", "--input", "500", "--output", "100", "--ttft-p99", "1", "--tpot-p99", "0.03",
         "--gpus", "L40S,H100-SXM", "--precisions", "fp8", "--requests", "200"];

    [Fact]
    public void Simulate_Json_PrintsTheContractKeys()
    {
        var (exitCode, output, error) = CliRunner.Run([.. s_simulate, "--json"]);

        Assert.True(exitCode == 0, error);
        Assert.Empty(error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal(300, root.GetProperty("requests").GetInt32());
        Assert.Equal(300, root.GetProperty("completed").GetInt32());
        foreach (var key in new[] { "throughputTokensPerSecond", "ttftMeanSeconds", "ttftP99Seconds", "tpotMeanSeconds", "tpotP99Seconds", "costPerMillionOutputTokensUsd" })
        {
            Assert.True(root.GetProperty(key).GetDouble() > 0, key);
        }

        Assert.True(root.GetProperty("ttftP99Seconds").GetDouble() >= root.GetProperty("ttftP50Seconds").GetDouble());
        var deployment = root.GetProperty("deployment");
        Assert.Equal("H100-SXM", deployment.GetProperty("gpu").GetString());
        Assert.Equal(2, deployment.GetProperty("gpus").GetInt32());
        Assert.Equal(1, deployment.GetProperty("tp").GetInt32());
        Assert.Equal(2, deployment.GetProperty("replicas").GetInt32());
        Assert.False(deployment.GetProperty("disaggregated").GetBoolean());
    }

    [Fact]
    public void Simulate_DisaggregatedWithPlot_WritesAPng()
    {
        var dir = Directory.CreateTempSubdirectory("llmcore-serving-");
        try
        {
            var plot = Path.Combine(dir.FullName, "cdf.png");
            var (exitCode, output, error) = CliRunner.Run([.. s_simulate, "--disaggregated", "--ttft-p99", "2", "--tpot-p99", "0.05", "--plot", plot]);

            Assert.True(exitCode == 0, error);
            Assert.Contains("time to first token", output, StringComparison.Ordinal);
            Assert.Contains("goodput", output, StringComparison.Ordinal);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, File.ReadAllBytes(plot)[..4]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Simulate_Trace_ReadsTheRequests()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "arrival_s,input_tokens,output_tokens\n0,100,10\n0.5,200,20\n1.0,300,5\n");
            var (exitCode, output, error) = CliRunner.Run("cost", "simulate", "--model", "llama-3.1-8b", "--gpu", "H100-SXM", "--gpus", "1", "--trace", file, "--json");

            Assert.True(exitCode == 0, error);
            using var document = JsonDocument.Parse(output);
            Assert.Equal(3, document.RootElement.GetProperty("requests").GetInt32());
            Assert.Equal(35, document.RootElement.GetProperty("outputTokens").GetInt64());
        }
        finally
        {
            File.Delete(file);
        }
    }

    // One request alone (arrival 0, 100 prompt tokens, 5 output tokens) on one H100: TTFT is its prefill iteration and the
    // four other tokens take one decode iteration each (the library's hand-computed single-request case, ServingSimulatorTests).
    // --stream adds ServingEfficiency.StreamingSecondsPerSequence = 43 µs (the calibrated default, fitted on the 8×H100
    // MLPerf Inference v4.1 Server run; docs/commercialization.md, "Calibration") per running sequence to every iteration:
    // here one sequence, so TTFT and TPOT grow by exactly 43 µs and the end-to-end latency by 5 × 43 µs.
    [Fact]
    public void Simulate_Stream_AddsTheStreamingCostToEveryIterationOfASingleRequest()
    {
        const double PerSequence = 43e-6;
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "arrival_s,input_tokens,output_tokens\n0,100,5\n");
            string[] args = ["cost", "simulate", "--model", "llama-3.1-8b", "--gpu", "H100-SXM", "--gpus", "1", "--trace", file, "--json"];
            var (offCode, offOutput, offError) = CliRunner.Run(args);
            var (onCode, onOutput, onError) = CliRunner.Run([.. args, "--stream"]);

            Assert.True(offCode == 0, offError);
            Assert.True(onCode == 0, onError);
            using var off = JsonDocument.Parse(offOutput);
            using var on = JsonDocument.Parse(onOutput);
            Assert.False(off.RootElement.GetProperty("stream").GetBoolean());
            Assert.True(on.RootElement.GetProperty("stream").GetBoolean());
            double Delta(string key) => on.RootElement.GetProperty(key).GetDouble() - off.RootElement.GetProperty(key).GetDouble();
            Assert.Equal(PerSequence, Delta("ttftMeanSeconds"), 1e-12);
            Assert.Equal(PerSequence, Delta("tpotMeanSeconds"), 1e-12);
            Assert.Equal(5 * PerSequence, Delta("e2eMeanSeconds"), 1e-12);
            Assert.Equal(off.RootElement.GetProperty("iterations").GetInt64(), on.RootElement.GetProperty("iterations").GetInt64());
        }
        finally
        {
            File.Delete(file);
        }
    }

    // A TP2 replica whose pair is joined at a third of the H100's 900 GB/s (a 4-GPU HGX board): the all-reduces of every
    // iteration take longer, so TTFT and TPOT rise and the rest stays; the JSON and the table name the link.
    [Fact]
    public void Simulate_InterconnectGbps_SlowsTheTensorParallelIterationsAndIsReported()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "arrival_s,input_tokens,output_tokens\n0,100,5\n");
            string[] args = ["cost", "simulate", "--model", "llama-3.1-8b", "--gpu", "H100-SXM", "--gpus", "2", "--tp", "2", "--trace", file];
            var (fullCode, fullOutput, fullError) = CliRunner.Run([.. args, "--json"]);
            var (pairCode, pairOutput, pairError) = CliRunner.Run([.. args, "--interconnect-gbps", "300", "--json"]);
            var (tableCode, tableOutput, tableError) = CliRunner.Run([.. args, "--interconnect-gbps", "300"]);

            Assert.True(fullCode == 0, fullError);
            Assert.True(pairCode == 0, pairError);
            Assert.True(tableCode == 0, tableError);
            using var full = JsonDocument.Parse(fullOutput);
            using var pair = JsonDocument.Parse(pairOutput);
            Assert.False(full.RootElement.GetProperty("deployment").TryGetProperty("interconnectGbPerSecond", out _));
            Assert.Equal(300, pair.RootElement.GetProperty("deployment").GetProperty("interconnectGbPerSecond").GetDouble(), 1e-9);
            Assert.True(pair.RootElement.GetProperty("tpotMeanSeconds").GetDouble() > full.RootElement.GetProperty("tpotMeanSeconds").GetDouble());
            Assert.True(pair.RootElement.GetProperty("ttftMeanSeconds").GetDouble() > full.RootElement.GetProperty("ttftMeanSeconds").GetDouble());
            Assert.Equal(full.RootElement.GetProperty("iterations").GetInt64(), pair.RootElement.GetProperty("iterations").GetInt64());
            Assert.Contains("300 GB/s between GPUs", tableOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    // --routing shared-queue: no router, the replicas take waiting requests as they start iterations (cost serve simulates
    // every candidate so). The JSON's deployment names the policy (without the option, least-outstanding); every simulated
    // request is served; a value outside the three exits 2 naming the option and the values.
    [Theory]
    [InlineData("simulate")]
    [InlineData("serve")]
    public void Routing_SharedQueue_IsUsedAndReported_AndABadValueExitsWithCode2(string command)
    {
        var args = command == "simulate" ? s_simulate : s_serve;
        var (defaultCode, defaultOutput, defaultError) = CliRunner.Run([.. args, "--json"]);
        var (sharedCode, sharedOutput, sharedError) = CliRunner.Run([.. args, "--routing", "shared-queue", "--json"]);
        var (badCode, badOutput, badError) = CliRunner.Run([.. args, "--routing", "random", "--json"]);

        Assert.True(defaultCode == 0, defaultError);
        Assert.True(sharedCode == 0, sharedError);
        using var routed = JsonDocument.Parse(defaultOutput);
        using var shared = JsonDocument.Parse(sharedOutput);
        Assert.Equal("least-outstanding", routed.RootElement.GetProperty("deployment").GetProperty("routing").GetString());
        Assert.Equal("shared-queue", shared.RootElement.GetProperty("deployment").GetProperty("routing").GetString());
        if (command == "simulate")
        {
            Assert.Equal(300, shared.RootElement.GetProperty("completed").GetInt32());
        }

        Assert.Equal(2, badCode);
        Assert.Empty(badOutput);
        Assert.Contains("--routing", badError, StringComparison.Ordinal);
        Assert.Contains("shared-queue", badError, StringComparison.Ordinal);
        Assert.Single(badError.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-300")]
    [InlineData("NaN")]
    public void Simulate_InterconnectGbpsNotPositive_ExitsWithCode2AndOneLine(string value)
    {
        var (exitCode, output, error) = CliRunner.Run([.. s_simulate, "--interconnect-gbps", value, "--json"]);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("--interconnect-gbps", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Simulate_WithoutStream_TableIsUnchangedAndStreamNamesItself()
    {
        var (offCode, offOutput, offError) = CliRunner.Run(s_simulate);
        var (onCode, onOutput, onError) = CliRunner.Run([.. s_simulate, "--stream"]);

        Assert.True(offCode == 0, offError);
        Assert.True(onCode == 0, onError);
        Assert.DoesNotContain("streamed", offOutput, StringComparison.Ordinal);
        Assert.Contains("streamed", onOutput, StringComparison.Ordinal);
    }

    // --stream is a flag and combines with every other option (aggregated or disaggregated, Poisson or trace); the bad
    // input is a value after it, which the parser rejects as a stray argument naming the value.
    [Theory]
    [InlineData("simulate", "--stream", "maybe")]
    [InlineData("simulate", "--stream=maybe", "maybe")]
    [InlineData("serve", "--stream", "sometimes")]
    public void Stream_WithAValue_ExitsWithCode2NamingTheValue(string command, string flag, string value)
    {
        var args = (command == "simulate" ? s_simulate : s_serve).ToList();
        args.Add(flag);
        if (!flag.Contains('=', StringComparison.Ordinal))
        {
            args.Add(value);
        }

        var (exitCode, output, error) = CliRunner.Run([.. args, "--json"]);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains($"'{value}'", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--model", "gpt-5", "--model")]
    [InlineData("--gpu", "TPU-v9", "--gpu")]
    [InlineData("--rate", "0", "--rate")]
    [InlineData("--rate", "-3", "--rate")]
    [InlineData("--requests", "0", "--requests")]
    [InlineData("--gpus", "3", "--gpus")]
    [InlineData("--precision", "fp4", "--precision")]
    public void Simulate_BadInput_ExitsWithCode2AndOneLine(string option, string value, string named)
    {
        var args = s_simulate.ToList();
        var index = args.IndexOf(option);
        args[index + 1] = value;
        if (option == "--gpus")
        {
            args.InsertRange(index, ["--tp", "2"]);
        }

        var (exitCode, output, error) = CliRunner.Run([.. args, "--json"]);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Simulate_ZeroSlo_ExitsWithCode2()
    {
        var (exitCode, _, error) = CliRunner.Run([.. s_simulate, "--ttft-p99", "0", "--tpot-p99", "0.05"]);
        Assert.Equal(2, exitCode);
        Assert.Contains("--ttft-p99", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Simulate_ModelThatDoesNotFit_ExitsWithCode2SayingWhy()
    {
        var (exitCode, output, error) = CliRunner.Run("cost", "simulate", "--model", "llama-3.1-405b", "--gpu", "L40S", "--gpus", "1", "--rate", "1", "--input", "100", "--output", "10", "--requests", "10");

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("--gpus", error, StringComparison.Ordinal);
        Assert.Contains("Llama-3.1-405B", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Serve_Json_PrintsTheContractKeys()
    {
        var (exitCode, output, error) = CliRunner.Run([.. s_serve, "--json"]);

        Assert.True(exitCode == 0, error);
        Assert.Empty(error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        var deployment = root.GetProperty("deployment");
        foreach (var key in new[] { "gpu", "gpus", "tp", "pp", "precision", "disaggregated" })
        {
            Assert.True(deployment.TryGetProperty(key, out _), key);
        }

        Assert.Equal("fp8", deployment.GetProperty("precision").GetString());
        Assert.True(root.GetProperty("costPerMillionOutputTokensUsd").GetDouble() > 0);
        Assert.InRange(root.GetProperty("ttftP99Seconds").GetDouble(), 0, 1);
        Assert.InRange(root.GetProperty("tpotP99Seconds").GetDouble(), 0, 0.03);
        var pareto = root.GetProperty("pareto").EnumerateArray().ToArray();
        Assert.NotEmpty(pareto);
        Assert.All(pareto, static p =>
        {
            foreach (var key in new[] { "gpu", "gpus", "tp", "pp", "precision", "disaggregated", "costPerMillionOutputTokensUsd", "ttftP99Seconds", "tpotP99Seconds" })
            {
                Assert.True(p.TryGetProperty(key, out _), key);
            }
        });
    }

    [Fact]
    public void Serve_Stream_SearchesStreamingDeployments()
    {
        var (exitCode, output, error) = CliRunner.Run([.. s_serve, "--stream", "--json"]);

        Assert.True(exitCode == 0, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.True(root.GetProperty("stream").GetBoolean());
        Assert.InRange(root.GetProperty("tpotP99Seconds").GetDouble(), 0, 0.03);
    }

    [Fact]
    public void Serve_HumanWithPlot_PrintsTablesAndWritesAPng()
    {
        var dir = Directory.CreateTempSubdirectory("llmcore-serve-");
        try
        {
            var plot = Path.Combine(dir.FullName, "pareto.png");
            var (exitCode, output, error) = CliRunner.Run([.. s_serve, "--plot", plot]);

            Assert.True(exitCode == 0, error);
            Assert.Contains("Cheapest deployment", output, StringComparison.Ordinal);
            Assert.Contains("Pareto", output, StringComparison.Ordinal);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, File.ReadAllBytes(plot)[..4]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("--gpus", "L40S,TPU-v9", "--gpus")]
    [InlineData("--rate", "0", "--rate")]
    [InlineData("--ttft-p99", "0", "--ttft-p99")]
    [InlineData("--tpot-p99", "-1", "--tpot-p99")]
    [InlineData("--model", "llama-9", "--model")]
    [InlineData("--requests", "99", "--requests")]
    [InlineData("--requests", "1000001", "--requests")]
    public void Serve_BadInput_ExitsWithCode2AndOneLine(string option, string value, string named)
    {
        var args = s_serve.ToList();
        args[args.IndexOf(option) + 1] = value;

        var (exitCode, output, error) = CliRunner.Run([.. args, "--json"]);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    // Llama 3.1 405B in FP16 is 810 GB; the grid's largest replica is 16 × 48 GB L40S = 768 GB.
    [Fact]
    public void Serve_ModelThatFitsNoDeployment_ExitsWithCode2()
    {
        var (exitCode, _, error) = CliRunner.Run("cost", "serve", "--model", "llama-3.1-405b", "--rate", "1", "--input", "100", "--output", "10",
            "--ttft-p99", "2", "--tpot-p99", "0.1", "--gpus", "L40S", "--precisions", "fp16", "--json");

        Assert.Equal(2, exitCode);
        Assert.Contains("fits no deployment", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Serve_UnreachableSlo_ExitsWithCode2SayingHowFar()
    {
        var args = s_serve.ToList();
        args[args.IndexOf("--tpot-p99") + 1] = "0.0001";

        var (exitCode, _, error) = CliRunner.Run([.. args, "--json"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("--ttft-p99/--tpot-p99", error, StringComparison.Ordinal);
        Assert.Contains("per output token", error, StringComparison.Ordinal);
    }
}

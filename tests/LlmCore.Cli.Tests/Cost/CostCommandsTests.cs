using System.Text.Json;

namespace LlmCore.Cli.Tests.Cost;

public class CostCommandsTests
{
    private static readonly string[] s_contractGpus = ["V100-32GB", "A100-40GB", "A100-80GB", "H100-SXM", "H100-PCIE", "H800", "H200", "B200", "L40S", "MI300X"];

    [Fact]
    public void Train_Json_PrintsContractKeys_ReproducingLlama2_70B()
    {
        // Llama 2 70B (Touvron et al. 2023, arXiv:2307.09288, Table 2): 2.0T tokens, 1,720,320 A100-80GB hours; at the
        // steady-state MFU 0.43 the estimate must land within 10%; 6·N·D = 8.4e23 FLOPs.
        var (exitCode, output, error) = CliRunner.Run("cost", "train", "--parameters", "70e9", "--tokens", "2e12", "--gpu", "A100-80GB", "--gpus", "2048", "--mfu", "0.43", "--json");

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal(8.4e23, root.GetProperty("flops").GetDouble(), 1e15);
        Assert.InRange(root.GetProperty("gpuHours").GetDouble() / 1_720_320, 0.9, 1.1);
        Assert.Equal(root.GetProperty("gpuHours").GetDouble() / (2048 * 24.0), root.GetProperty("wallClockDays").GetDouble(), 1e-6);
        Assert.Equal(root.GetProperty("gpuHours").GetDouble() * 2.0, root.GetProperty("costUsd").GetDouble(), 1e-3);
    }

    [Fact]
    public void Train_DeepSeekV3_ActiveParametersAndPrice()
    {
        // DeepSeek-V3 report (arXiv:2412.19437, Table 1): 37B active of 671B, 14.8T tokens, 2,048 H800, $2/GPU-hour,
        // 2.664M GPU-hours = $5.328M pre-training; 0.346 is the utilisation those figures imply (llm-costs.json).
        var (exitCode, output, _) = CliRunner.Run("cost", "train", "--parameters", "671e9", "--active-parameters", "37e9", "--tokens", "14.8e12",
            "--gpu", "h800", "--gpus", "2048", "--mfu", "0.346", "--price-per-gpu-hour", "2", "--json");

        Assert.Equal(0, exitCode);
        using var document = JsonDocument.Parse(output);
        Assert.InRange(document.RootElement.GetProperty("costUsd").GetDouble() / 5.328e6, 0.99, 1.01);
    }

    [Fact]
    public void Train_Human_PrintsTable()
    {
        var (exitCode, output, error) = CliRunner.Run("cost", "train", "--parameters", "7e9", "--tokens", "2e12", "--gpu", "h100-sxm", "--gpus", "64", "--mfu", "0.4", "--effective-time", "0.9");

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        Assert.Contains("GPU-hours", output, StringComparison.Ordinal);
        Assert.Contains("wall-clock days", output, StringComparison.Ordinal);
        Assert.Contains("H100-SXM", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Inference_Json_PrintsContractKeys()
    {
        // Llama-2-70B (80 layers, d 8192, 8 KV heads): 2·80·8·128·2 = 327,680 KV bytes per token (llm-costs.json, arch-llama-2-70b).
        var (exitCode, output, error) = CliRunner.Run("cost", "inference", "--parameters", "70e9", "--layers", "80", "--hidden", "8192", "--kv-heads", "8",
            "--gpu", "H100-SXM", "--gpus", "4", "--batch", "32", "--prompt-tokens", "1000", "--output-tokens", "500", "--price-per-gpu-hour", "3", "--json");

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal(327_680, root.GetProperty("kvCacheBytesPerToken").GetDouble());
        Assert.True(root.GetProperty("prefillSeconds").GetDouble() > 0);
        var tps = root.GetProperty("decodeTokensPerSecond").GetDouble();
        Assert.Equal(3.0 * 4 / 3600 / tps * 1e6, root.GetProperty("costPerMillionOutputTokensUsd").GetDouble(), 1e-9);
        Assert.True(root.GetProperty("costPerMillionInputTokensUsd").GetDouble() > 0);
        Assert.True(root.GetProperty("fitsInMemory").GetBoolean());
    }

    [Fact]
    public void Inference_Gemma7B_HeadDimensionNotHiddenOverHeads_KvBytesFromKvHeadsAndHeadDim()
    {
        // Gemma-7B's config.json on Hugging Face (google/gemma-7b): hidden_size 3072, num_attention_heads 16,
        // num_key_value_heads 16, head_dim 256 (16 × 256 = 4096 ≠ 3072), num_hidden_layers 28. KV cache per token at
        // fp16, by hand: 2 (K and V) × 16 kv-heads × 256 head-dim × 28 layers × 2 bytes = 458,752 B (3072/16 = 192
        // would give 344,064 B, and 2 × hidden × layers × 2 the same).
        var (exitCode, output, error) = CliRunner.Run("cost", "inference", "--parameters", "8.54e9", "--layers", "28", "--hidden", "3072",
            "--kv-heads", "16", "--head-dim", "256", "--gpu", "H100-SXM", "--gpus", "1", "--batch", "8", "--prompt-tokens", "512",
            "--output-tokens", "256", "--json");

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        using var document = JsonDocument.Parse(output);
        Assert.Equal(458_752, document.RootElement.GetProperty("kvCacheBytesPerToken").GetDouble());
    }

    [Fact]
    public void Inference_Gemma7B_WithHeads_RefusedWithTheWayToDescribeIt()
    {
        var (exitCode, output, error) = CliRunner.Run("cost", "inference", "--parameters", "8.54e9", "--layers", "28", "--hidden", "3072",
            "--heads", "16", "--kv-heads", "16", "--head-dim", "256", "--gpu", "H100-SXM", "--gpus", "1", "--batch", "8", "--prompt-tokens", "512",
            "--output-tokens", "256");

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("such as Gemma-7B, give --kv-heads and --head-dim without --heads", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fp16", 140e9)]
    [InlineData("fp8", 70e9)]
    [InlineData("int4", 35e9)]
    public void Inference_Precision_SetsWeightBytes(string precision, double weightBytes)
    {
        var (exitCode, output, _) = CliRunner.Run("cost", "inference", "--parameters", "70e9", "--layers", "80", "--hidden", "8192", "--kv-heads", "8",
            "--gpu", "H200", "--gpus", "2", "--batch", "8", "--prompt-tokens", "100", "--output-tokens", "100", "--precision", precision, "--json");

        Assert.Equal(0, exitCode);
        using var document = JsonDocument.Parse(output);
        Assert.Equal(weightBytes, document.RootElement.GetProperty("weightBytes").GetDouble());
    }

    [Fact]
    public void Inference_Human_PrintsTable()
    {
        var (exitCode, output, _) = CliRunner.Run("cost", "inference", "--parameters", "8e9", "--layers", "32", "--hidden", "4096", "--kv-heads", "8",
            "--gpu", "l40s", "--gpus", "1", "--batch", "16", "--prompt-tokens", "512", "--output-tokens", "256");

        Assert.Equal(0, exitCode);
        Assert.Contains("$ per 1M output tokens", output, StringComparison.Ordinal);
        Assert.Contains("largest batch that fits", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Gpus_Json_ListsContractGpusWithSpecs()
    {
        var (exitCode, output, error) = CliRunner.Run("cost", "gpus", "--json");

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        using var document = JsonDocument.Parse(output);
        var gpus = document.RootElement.GetProperty("gpus").EnumerateArray().ToDictionary(static g => g.GetProperty("name").GetString()!, static g => g.Clone());
        foreach (var name in s_contractGpus)
        {
            Assert.True(gpus.ContainsKey(name), name);
        }

        // NVIDIA H100 SXM datasheet (llm-costs.json gpu_specs h100-sxm): 989 TFLOP/s BF16, 80 GB, 3.35 TB/s, 700 W.
        Assert.Equal(989, gpus["H100-SXM"].GetProperty("denseFp16Tflops").GetDouble(), 1e-9);
        Assert.Equal(3.35, gpus["H100-SXM"].GetProperty("bandwidthTbPerSecond").GetDouble(), 1e-9);
    }

    [Fact]
    public void Gpus_Human_ListsNames()
    {
        var (exitCode, output, _) = CliRunner.Run("cost", "gpus");

        Assert.Equal(0, exitCode);
        foreach (var name in s_contractGpus)
        {
            Assert.Contains(name, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void GpuCatalogFile_AddsGpus()
    {
        var path = Path.Combine(Path.GetTempPath(), $"llmcore-cli-gpus-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """[ { "name": "Gaudi3", "denseFp16Tflops": 1835, "denseFp8Tflops": 1835, "memoryGb": 128, "bandwidthTbPerSecond": 3.7, "tdpWatts": 900 } ]""");
        try
        {
            var (exitCode, output, _) = CliRunner.Run("cost", "train", "--parameters", "7e9", "--tokens", "1e12", "--gpu", "gaudi3", "--gpus", "8", "--mfu", "0.4", "--gpu-catalog", path, "--json");

            Assert.Equal(0, exitCode);
            using var document = JsonDocument.Parse(output);
            Assert.Equal("Gaudi3", document.RootElement.GetProperty("gpu").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("train")]
    [InlineData("inference")]
    public void UnknownGpu_ExitCode2_ListingKnownNames(string command)
    {
        string[] args = command == "train"
            ? ["cost", "train", "--parameters", "7e9", "--tokens", "1e12", "--gpu", "RTX-9090", "--gpus", "8", "--mfu", "0.4"]
            : ["cost", "inference", "--parameters", "7e9", "--layers", "32", "--hidden", "4096", "--gpu", "RTX-9090", "--gpus", "1", "--batch", "1", "--prompt-tokens", "1", "--output-tokens", "1"];

        var (exitCode, output, error) = CliRunner.Run(args);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("--gpu", error, StringComparison.Ordinal);
        Assert.Contains("RTX-9090", error, StringComparison.Ordinal);
        foreach (var name in s_contractGpus)
        {
            Assert.Contains(name, error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--gpus", "0", "--gpus")]
    [InlineData("--mfu", "0", "--mfu")]
    [InlineData("--mfu", "1.5", "--mfu")]
    [InlineData("--mfu", "-0.2", "--mfu")]
    [InlineData("--price-per-gpu-hour", "-1", "--price-per-gpu-hour")]
    [InlineData("--tokens", "0", "--tokens")]
    [InlineData("--effective-time", "0", "--effective-time")]
    [InlineData("--active-parameters", "8e9", "--active-parameters")]
    [InlineData("--precision", "int4", "--precision")]
    public void Train_BadInput_ExitCode2_NamingTheOption(string option, string value, string named)
    {
        var args = new Dictionary<string, string>
        {
            ["--parameters"] = "7e9",
            ["--tokens"] = "1e12",
            ["--gpu"] = "H100-SXM",
            ["--gpus"] = "8",
            ["--mfu"] = "0.4",
        };
        args[option] = value;

        var (exitCode, output, error) = CliRunner.Run(["cost", "train", .. args.SelectMany(static p => new[] { p.Key, p.Value })]);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--gpus", "0")]
    [InlineData("--batch", "0")]
    [InlineData("--output-tokens", "0")]
    [InlineData("--prompt-tokens", "-1")]
    [InlineData("--price-per-gpu-hour", "-3")]
    [InlineData("--precision", "fp4")]
    [InlineData("--memory-efficiency", "0")]
    public void Inference_BadInput_ExitCode2_NamingTheOption(string option, string value)
    {
        var args = new Dictionary<string, string>
        {
            ["--parameters"] = "7e9",
            ["--layers"] = "32",
            ["--hidden"] = "4096",
            ["--gpu"] = "A100-80GB",
            ["--gpus"] = "1",
            ["--batch"] = "4",
            ["--prompt-tokens"] = "128",
            ["--output-tokens"] = "128",
        };
        args[option] = value;

        var (exitCode, output, error) = CliRunner.Run(["cost", "inference", .. args.SelectMany(static p => new[] { p.Key, p.Value })]);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_MissingRequiredOption_ExitCode2()
    {
        var (exitCode, _, error) = CliRunner.Run("cost", "train", "--parameters", "7e9", "--tokens", "1e12", "--gpus", "8", "--mfu", "0.4");

        Assert.Equal(2, exitCode);
        Assert.Contains("--gpu", error, StringComparison.Ordinal);
    }
}

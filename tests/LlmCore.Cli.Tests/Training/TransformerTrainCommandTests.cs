using System.Text.Json;
using LlmCore.Privacy.Accounting;

namespace LlmCore.Cli.Tests.Training;

/// <summary>
/// <c>llmcore train --model gpt|classifier</c> and <c>llmcore generate</c> (issues 15 item 5, 16 item 4, 17 item 4):
/// the contract keys, determinism, the model file round trip, the private keys and bad input. Models are tiny and runs
/// a few steps long, so each test takes a second or two.
/// </summary>
public sealed class TransformerTrainCommandTests : IDisposable
{
    /// <summary>A tiny GPT on the embedded names corpus: 1 layer, 2 heads, width 16, block 8 (batch 8 unless a test says).</summary>
    private static readonly string[] s_tiny = ["train", "--model", "gpt", "--text", "names", "--layers", "1", "--heads", "2", "--embd", "16", "--block", "8"];

    private static readonly string[] s_tinyGpt = [.. s_tiny, "--batch-size", "8"];

    private readonly string _dir = Directory.CreateTempSubdirectory("llmcore-gpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static JsonElement RunJson(params string[] args)
    {
        var (exit, output, error) = CliRunner.Run([.. args, "--json"]);
        Assert.True(exit == 0, $"exit {exit}: {error}");
        Assert.Empty(error);
        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }

    private static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(static e => e.GetDouble())];

    [Fact]
    public void Gpt_Json_HasContractKeys()
    {
        var root = RunJson([.. s_tinyGpt, "--steps", "6"]);

        Assert.Equal(6, root.GetProperty("steps").GetInt64());
        Assert.True(double.IsFinite(root.GetProperty("trainLoss").GetDouble()));
        var validation = root.GetProperty("validationLoss").GetDouble();
        Assert.Equal(Math.Exp(validation), root.GetProperty("perplexity").GetDouble(), 9);
        Assert.True(root.GetProperty("tokensPerSecond").GetDouble() > 0);

        // nanoGPT's count (model.py, weight tying, biases): V·C + T·C + L·(12C² + 13C) + 2C = 4096 + 128 + 3280 + 32.
        Assert.Equal(7536, root.GetProperty("parameterCount").GetInt64());

        // A byte-level model starts near ln 256 = 5.545 nats per token (uniform logits from N(0, 0.02) weights).
        Assert.InRange(Doubles(root.GetProperty("lossHistory"))[0], 5.3, 5.8);
        Assert.False(root.TryGetProperty("epsilon", out _));
        Assert.False(root.TryGetProperty("metric", out _));
    }

    [Fact]
    public void Gpt_SameSeed_SameLosses_OtherSeed_OtherLosses()
    {
        string[] args = [.. s_tinyGpt, "--steps", "4", "--eval-interval", "2"];
        var first = RunJson([.. args, "--seed", "3"]);
        var second = RunJson([.. args, "--seed", "3"]);
        var other = RunJson([.. args, "--seed", "4"]);

        Assert.Equal(Doubles(first.GetProperty("lossHistory")), Doubles(second.GetProperty("lossHistory")));
        Assert.Equal(Doubles(first.GetProperty("validationLossHistory")), Doubles(second.GetProperty("validationLossHistory")));
        Assert.Equal(2, first.GetProperty("lossHistory").GetArrayLength());
        Assert.NotEqual(Doubles(first.GetProperty("lossHistory")), Doubles(other.GetProperty("lossHistory")));
    }

    [Fact]
    public void Gpt_Epochs_RunsWholePasses()
    {
        // A UTF-8 file of 400 bytes: 360 training tokens → ⌊(360 − 8 − 1)/8⌋ + 1 = 44 windows, ⌈44/8⌉ = 6 steps a pass.
        var file = Path.Combine(_dir, "corpus.txt");
        File.WriteAllText(file, string.Concat(Enumerable.Repeat("abcdefghij", 40)));
        var root = RunJson("train", "--model", "gpt", "--text", file, "--layers", "1", "--heads", "2", "--embd", "16", "--block", "8", "--batch-size", "8", "--epochs", "2");

        Assert.Equal(44, root.GetProperty("trainExamples").GetInt32());
        Assert.Equal(12, root.GetProperty("steps").GetInt64());
        Assert.Equal(2, root.GetProperty("lossHistory").GetArrayLength());
        Assert.Equal("corpus.txt", root.GetProperty("text").GetString());
    }

    [Fact]
    public void Gpt_Save_ThenGenerate_RoundTrip()
    {
        var model = Path.Combine(_dir, "sub", "model.bin");
        var plot = Path.Combine(_dir, "loss.png");
        var trained = RunJson([.. s_tinyGpt, "--steps", "5", "--save", model, "--plot", plot]);
        Assert.True(File.Exists(model));
        Assert.True(new FileInfo(plot).Length > 0);
        Assert.Equal(model, trained.GetProperty("save").GetString());
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(model)!, "*.tmp-*"));

        var greedy = RunJson("generate", "--model", model, "--prompt", "Ann", "--tokens", "12", "--temperature", "0");
        var again = RunJson("generate", "--model", model, "--prompt", "Ann", "--tokens", "12", "--temperature", "0");
        Assert.Equal(greedy.GetProperty("text").GetString(), again.GetProperty("text").GetString());
        Assert.StartsWith("Ann", greedy.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(12, greedy.GetProperty("generatedTokens").GetInt32());
        Assert.Equal(3, greedy.GetProperty("promptTokens").GetInt32());

        string[] sample = ["generate", "--model", model, "--prompt", "Ann", "--tokens", "30", "--temperature", "1", "--top-k", "20"];
        var a = RunJson([.. sample, "--seed", "7"]);
        var b = RunJson([.. sample, "--seed", "7"]);
        var c = RunJson([.. sample, "--seed", "8"]);
        Assert.Equal(a.GetProperty("text").GetString(), b.GetProperty("text").GetString());
        Assert.NotEqual(a.GetProperty("text").GetString(), c.GetProperty("text").GetString());

        // Without --json: the text alone.
        var (exit, output, error) = CliRunner.Run("generate", "--model", model, "--prompt", "Ann", "--tokens", "12", "--temperature", "0");
        Assert.True(exit == 0, error);
        Assert.Equal(greedy.GetProperty("text").GetString() + Environment.NewLine, output);
    }

    [Fact]
    public void Gpt_WithoutJson_PrintsASummary_AndGenerateRefusesAClassifierFile()
    {
        var (exit, output, error) = CliRunner.Run([.. s_tinyGpt, "--steps", "2", "--private", "--noise-multiplier", "1", "--max-grad-norm", "1", "--delta", "1e-5", "--audit-canaries", "20"]);
        Assert.True(exit == 0, error);
        Assert.Contains("GPT (7,536 parameters) on names: 2 steps", output, StringComparison.Ordinal);
        Assert.Contains("DP-SGD: ε = ", output, StringComparison.Ordinal);
        Assert.Contains("One-run audit: ε ≥ ", output, StringComparison.Ordinal);

        var classifier = Path.Combine(_dir, "classifier.bin");
        var model = new LlmCore.Optimization.Models.SequenceClassifier<float>(new LlmCore.Optimization.Models.SequenceClassifierOptions { LayerCount = 1, HeadCount = 1, EmbeddingSize = 8, BlockSize = 8 });
        model.Save(classifier);
        var (code, stdout, stderr) = CliRunner.Run("generate", "--model", classifier, "--prompt", "a", "--tokens", "2");
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("--model must be a GPT model file", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void GptPrivate_TargetEpsilon_RdpPoisson_KeysAndAccounting()
    {
        var root = RunJson([.. s_tiny, "--batch-size", "64", "--steps", "5", "--private", "--target-epsilon", "2", "--max-grad-norm", "1", "--delta", "1e-5"]);

        var epsilon = root.GetProperty("epsilon").GetDouble();
        Assert.InRange(epsilon, 1.9, 2.0); // calibrated to within Opacus' tolerance 0.01 below the target
        Assert.Equal("rdp", root.GetProperty("accountant").GetString());
        Assert.Equal("poisson", root.GetProperty("sampler").GetString());

        // docs/optimization.md: a full GPT reports "mixed" (LayerNorm gains are materialised, projections ghost where cheaper).
        Assert.Equal("mixed", root.GetProperty("clipping").GetString());

        // ε is the RDP accountant's for the run's (q, σ, steps): q = B/N with N the training windows.
        var n = root.GetProperty("trainExamples").GetInt32();
        var q = root.GetProperty("sampleRate").GetDouble();
        Assert.Equal(64.0 / n, q, 15);
        var sigma = root.GetProperty("noiseMultiplier").GetDouble();
        var expected = new RdpAccountant().Compose(new PoissonSampledEvent(q, new GaussianEvent(sigma)), 5).GetEpsilon(1e-5);
        Assert.Equal(expected, epsilon, 12);
        Assert.Equal(1e-5, root.GetProperty("delta").GetDouble());
    }

    [Fact]
    public void GptPrivate_Shuffle_IsAccountedAsSampledWithoutReplacement()
    {
        string[] args = [.. s_tiny, "--batch-size", "32", "--steps", "4", "--private", "--noise-multiplier", "1.1", "--max-grad-norm", "1", "--delta", "1e-5", "--clipping", "materialized"];
        var shuffle = RunJson([.. args, "--sampler", "shuffle"]);
        var poisson = RunJson(args);

        Assert.Equal("shuffle", shuffle.GetProperty("sampler").GetString());
        Assert.Equal("materialized", shuffle.GetProperty("clipping").GetString());
        var n = shuffle.GetProperty("trainExamples").GetInt32();
        var expected = new RdpAccountant().Compose(SampledWithoutReplacementEvent.DpSgdStep(n, 32, 1.1), 4).GetEpsilon(1e-5);
        Assert.Equal(expected, shuffle.GetProperty("epsilon").GetDouble(), 12);

        // docs/privacy.md ("Which batches, which guarantee"): for the same q and σ the fixed-size bound is never below Poisson's.
        Assert.True(shuffle.GetProperty("epsilon").GetDouble() >= poisson.GetProperty("epsilon").GetDouble());
    }

    [Fact]
    public void GptPrivate_Pld_ReportsBothEnds()
    {
        var root = RunJson([.. s_tiny, "--batch-size", "64", "--steps", "3", "--private", "--noise-multiplier", "1", "--max-grad-norm", "1", "--delta", "1e-5", "--accountant", "pld"]);

        Assert.Equal("pld", root.GetProperty("accountant").GetString());
        var upper = root.GetProperty("epsilon").GetDouble();
        var lower = root.GetProperty("epsilonLower").GetDouble();
        Assert.InRange(lower, 0, upper);

        // PLD is tighter than RDP for the same steps (docs/privacy.md, "Which accountant when").
        var q = root.GetProperty("sampleRate").GetDouble();
        var rdp = new RdpAccountant().Compose(new PoissonSampledEvent(q, new GaussianEvent(1)), 3).GetEpsilon(1e-5);
        Assert.True(upper < rdp, $"PLD {upper} against RDP {rdp}");
    }

    [Fact]
    public void GptPrivate_AuditCanaries_ReportsTheLowerBound()
    {
        var root = RunJson([.. s_tiny, "--batch-size", "64", "--steps", "4", "--private", "--noise-multiplier", "1", "--max-grad-norm", "1", "--delta", "1e-5", "--audit-canaries", "200"]);

        Assert.Equal(200, root.GetProperty("auditCanaries").GetInt32());
        Assert.Equal(0.95, root.GetProperty("auditConfidence").GetDouble());
        var audited = root.GetProperty("auditEpsilonLower").GetDouble();

        // With m = 200 and perfect guessing the bound is at most ln(q/(1 − q)), q = 0.05^(1/r) (docs/privacy.md), well below 10.
        Assert.InRange(audited, 0, 10);
    }

    [Fact]
    public void GptPrivateLora_FineTunesOnlyTheAdapters_OfAPretrainedModel()
    {
        var pretrained = Path.Combine(_dir, "base.bin");
        var tuned = Path.Combine(_dir, "lora.bin");
        var base_ = RunJson([.. s_tinyGpt, "--steps", "3", "--save", pretrained]);
        var root = RunJson(
            "train", "--model", "gpt", "--text", "names", "--init-model", pretrained, "--lora-rank", "2", "--steps", "3", "--batch-size", "64",
            "--private", "--noise-multiplier", "1", "--max-grad-norm", "1", "--delta", "1e-5", "--clipping", "ghost", "--save", tuned);

        // LoRA on the fused query/key/value projection (C → 3C) of one layer: A is r × C, B is 3C × r → 2·16 + 48·2 = 128.
        Assert.Equal(128, root.GetProperty("trainableParameterCount").GetInt64());
        Assert.Equal(base_.GetProperty("parameterCount").GetInt64() + 128, root.GetProperty("parameterCount").GetInt64());
        Assert.Equal(8, root.GetProperty("block").GetInt32()); // the shape comes from the file

        // docs/optimization.md: a LoRA-only model under Ghost reports "ghost".
        Assert.Equal("ghost", root.GetProperty("clipping").GetString());
        Assert.Equal(3, RunJson("generate", "--model", tuned, "--prompt", "Jo", "--tokens", "3", "--temperature", "0").GetProperty("generatedTokens").GetInt32());
    }

    [Fact]
    public void DensePrivate_AccountantSamplerAndAudit_ApplyToo()
    {
        var root = RunJson(
            "train", "--dataset", "iris", "--optimizer", "sgd", "--lr", "0.2", "--hidden", "16", "--epochs", "2", "--batch-size", "30",
            "--private", "--noise-multiplier", "1.5", "--max-grad-norm", "1", "--delta", "1e-5", "--accountant", "pld", "--audit-canaries", "50");

        Assert.Equal("pld", root.GetProperty("accountant").GetString());
        Assert.Equal("poisson", root.GetProperty("sampler").GetString());

        // docs/optimization.md: Sequential's dense layers take the ghost norm ‖δᵢ‖²(‖xᵢ‖² + 1); an MLP has nothing else to clip.
        Assert.Equal("ghost", root.GetProperty("clipping").GetString());
        Assert.True(root.TryGetProperty("auditEpsilonLower", out _));

        // Iris: N = 120, B = 30, 2 epochs → 8 steps of PoissonSampled(0.25, Gaussian(1.5)); PLD's ε (pessimistic).
        Assert.Equal(8, root.GetProperty("steps").GetInt64());
        var expected = new PldAccountant().Compose(new PoissonSampledEvent(0.25, new GaussianEvent(1.5)), 8).GetEpsilon(1e-5);
        Assert.Equal(expected, root.GetProperty("epsilon").GetDouble(), 9);
    }

    [Fact]
    public void Classifier_SpamAssassin_ReportsHeldOutAccuracy_AndMissingCorpusIsExplained()
    {
        Assert.True(
            LlmCore.Optimization.Text.SpamAssassinCorpus.FindArchive() is not null,
            "The SpamAssassin corpus is missing: run `bash scripts/data/fetch-spamassassin.sh` (CI does in .ci/setup.d/spamassassin.sh).");
        var root = RunJson("train", "--model", "classifier", "--text", "spamassassin", "--layers", "1", "--heads", "2", "--embd", "16", "--block", "16", "--batch-size", "16", "--steps", "3");

        Assert.Equal("accuracy", root.GetProperty("metric").GetString());
        Assert.InRange(root.GetProperty("metricValue").GetDouble(), 0, 1);
        Assert.Equal(root.GetProperty("trainLoss").GetDouble(), root.GetProperty("finalLoss").GetDouble());

        // The fixed split of docs/optimization.md: 4,805 training and 1,241 test messages, less the empty bodies.
        Assert.Equal(6046 - root.GetProperty("skippedMessages").GetInt32(), root.GetProperty("trainExamples").GetInt32() + root.GetProperty("heldOutExamples").GetInt32());
        Assert.InRange(root.GetProperty("heldOutExamples").GetInt32(), 1200, 1241);

        var previous = Environment.GetEnvironmentVariable("LLMCORE_SPAMASSASSIN");
        try
        {
            Environment.SetEnvironmentVariable("LLMCORE_SPAMASSASSIN", Path.Combine(_dir, "absent.tgz"));
            var (exit, output, error) = CliRunner.Run("train", "--model", "gpt", "--text", "spamassassin", "--steps", "1", "--json");
            Assert.Equal(2, exit);
            Assert.Empty(output);
            Assert.Contains("bash scripts/data/fetch-spamassassin.sh", error, StringComparison.Ordinal);
            Assert.Single(error.TrimEnd('\n').Split('\n'));
        }
        finally
        {
            Environment.SetEnvironmentVariable("LLMCORE_SPAMASSASSIN", previous);
        }
    }

    [Fact]
    public void BadFiles_ExitTwo_NamingTheOption_NothingWritten()
    {
        var empty = Path.Combine(_dir, "empty.txt");
        File.WriteAllText(empty, string.Empty);
        var shortText = Path.Combine(_dir, "short.txt");
        File.WriteAllText(shortText, "just a few words, far fewer than two blocks");
        var notUtf8 = Path.Combine(_dir, "latin1.txt");
        File.WriteAllBytes(notUtf8, [0x63, 0x61, 0x66, 0xE9, 0x20, 0xFF]);
        var garbage = Path.Combine(_dir, "garbage.bin");
        File.WriteAllText(garbage, "not a model");
        var save = Path.Combine(_dir, "out", "model.bin");

        foreach (var (args, words) in new (string[], string[])[]
        {
            (["train", "--model", "gpt", "--text", empty, "--save", save], ["--text", "empty"]),
            (["train", "--model", "gpt", "--text", shortText, "--block", "64", "--save", save], ["--block", "65 tokens", "lower --block"]),
            (["train", "--model", "gpt", "--text", notUtf8, "--save", save], ["--text", "UTF-8"]),
            (["generate", "--model", garbage, "--prompt", "a", "--tokens", "3"], ["--model", "not a readable model file"]),
        })
        {
            var (exit, output, error) = CliRunner.Run([.. args, "--json"]);
            Assert.True(exit == 2, $"{string.Join(' ', args)}: exit {exit}, {error}");
            Assert.Empty(output);
            var line = Assert.Single(error.TrimEnd('\n', '\r').Split('\n'));
            Assert.All(words, w => Assert.Contains(w, line, StringComparison.Ordinal));
            Assert.False(Directory.Exists(Path.GetDirectoryName(save)));
        }
    }

    [Theory]
    [InlineData("adamw", null, 0.1)]
    [InlineData("sgd", null, 0.0)]
    [InlineData("sgd", "0.01", 0.01)]
    public void Train_WeightDecayDefault_IsGpt2sForAdamWAndPyTorchsZeroOtherwise(string optimizer, string? weightDecay, double expected)
    {
        // AdamW: GPT-2/nanoGPT's decoupled 0.1; torch.optim.SGD's weight_decay defaults to 0 (a coupled 0.1 at lr 1 would
        // shrink every weight by 10% per step).
        string[] args = [.. s_tinyGpt, "--steps", "1", "--optimizer", optimizer, "--momentum", "0.9"];
        if (optimizer == "adamw")
        {
            args = [.. s_tinyGpt, "--steps", "1", "--optimizer", optimizer];
        }

        if (weightDecay is not null)
        {
            args = [.. args, "--weight-decay", weightDecay];
        }

        var json = RunJson(args);

        Assert.Equal(expected, json.GetProperty("weightDecay").GetDouble());
    }
}

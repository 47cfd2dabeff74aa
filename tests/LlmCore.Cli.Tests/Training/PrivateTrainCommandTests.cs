using System.Text.Json;
using LlmCore.Privacy.Accounting;

namespace LlmCore.Cli.Tests.Training;

public class PrivateTrainCommandTests
{
    [Fact]
    public void TrainPrivate_NoiseMultiplier_JsonHasTrainAndPrivacyKeys()
    {
        // Iris: 150 rows, 20 % held out → N = 120; B = 30 → q = 0.25, steps = ⌈20·120/30⌉ = 80.
        var (exit, output, error) = CliRunner.Run(
            "train", "--dataset", "iris", "--optimizer", "sgd", "--lr", "0.2", "--momentum", "0.9", "--epochs", "20", "--batch-size", "30",
            "--private", "--noise-multiplier", "1.5", "--max-grad-norm", "1.0", "--delta", "1e-5", "--json");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(80, root.GetProperty("steps").GetInt64());
        Assert.Equal(0.25, root.GetProperty("sampleRate").GetDouble(), 15);
        Assert.Equal(1e-5, root.GetProperty("delta").GetDouble());
        Assert.Equal(20, root.GetProperty("epochs").GetInt32());
        Assert.Equal(20, root.GetProperty("lossHistory").GetArrayLength());
        Assert.Equal("accuracy", root.GetProperty("metric").GetString());
        Assert.InRange(root.GetProperty("metricValue").GetDouble(), 0, 1);
        Assert.True(double.IsFinite(root.GetProperty("finalLoss").GetDouble()));

        // ε is the RDP accountant's for (q, σ, steps) at δ.
        var expected = new RdpAccountant().Compose(new PoissonSampledEvent(0.25, new GaussianEvent(1.5)), 80).GetEpsilon(1e-5);
        Assert.Equal(expected, root.GetProperty("epsilon").GetDouble(), 12);
    }

    [Fact]
    public void TrainPrivate_TargetEpsilon_StaysAtOrBelowTarget()
    {
        var (exit, output, error) = CliRunner.Run(
            "train", "--dataset", "iris", "--optimizer", "sgd", "--lr", "0.2", "--momentum", "0.9", "--epochs", "10", "--batch-size", "30",
            "--private", "--target-epsilon", "4", "--max-grad-norm", "1", "--delta", "1e-5", "--json");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(40, root.GetProperty("steps").GetInt64());
        Assert.InRange(root.GetProperty("epsilon").GetDouble(), 3.9, 4.0);
        Assert.True(root.GetProperty("noiseMultiplier").GetDouble() > 0);
    }

    [Fact]
    public void Train_WithoutPrivate_HasNoPrivacyKeys()
    {
        var (exit, output, error) = CliRunner.Run("train", "--dataset", "iris", "--optimizer", "sgd", "--epochs", "2", "--json");
        Assert.True(exit == 0, error);
        using var json = JsonDocument.Parse(output);
        Assert.False(json.RootElement.TryGetProperty("epsilon", out _));
        Assert.False(json.RootElement.TryGetProperty("steps", out _));
    }

    [Theory]
    [InlineData("--noise-multiplier", "--private", "--max-grad-norm", "1", "--delta", "1e-5")]
    [InlineData("--noise-multiplier", "--private", "--noise-multiplier", "1", "--target-epsilon", "2", "--max-grad-norm", "1", "--delta", "1e-5")]
    [InlineData("--noise-multiplier", "--private", "--noise-multiplier", "0", "--max-grad-norm", "1", "--delta", "1e-5")]
    [InlineData("--max-grad-norm", "--private", "--noise-multiplier", "1", "--delta", "1e-5")]
    [InlineData("--delta", "--private", "--noise-multiplier", "1", "--max-grad-norm", "1", "--delta", "1")]
    [InlineData("--target-epsilon", "--private", "--target-epsilon", "-1", "--max-grad-norm", "1", "--delta", "1e-5")]
    [InlineData("--private", "--noise-multiplier", "1")]
    [InlineData("--batch-size", "--private", "--noise-multiplier", "1", "--max-grad-norm", "1", "--delta", "1e-5", "--batch-size", "500")]
    public void TrainPrivate_BadOptions_ExitCode2NamingTheOption(string named, params string[] extra)
    {
        string[] args = ["train", "--dataset", "iris", "--optimizer", "sgd", "--epochs", "1", .. extra, "--json"];
        var (exit, _, error) = CliRunner.Run(args);
        Assert.Equal(2, exit);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }
}

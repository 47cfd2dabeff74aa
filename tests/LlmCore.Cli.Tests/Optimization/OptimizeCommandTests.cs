using System.Text.Json;

namespace LlmCore.Cli.Tests.Optimization;

public class OptimizeCommandTests
{
    // tests/reference/optimizer-trajectories.json, "adam_defaults" (torch.optim.Adam defaults on Rosenbrock from
    // (−1.5, 2)), float64 values after steps 1, 3 and 100.
    [Fact]
    public void Optimize_AdamDefaultsOnRosenbrock_MatchesReferenceTrajectory()
    {
        var (exit, output, error) = CliRunner.Run("optimize", "--function", "rosenbrock", "--optimizer", "adam", "--steps", "100", "--history", "--json");

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        Assert.Equal(100, root.GetProperty("steps").GetInt32());
        var history = root.GetProperty("history");
        Assert.Equal(100, history.GetArrayLength());
        Assert.Equal(-1.4990000000000645, history[0][0].GetDouble(), 1e-12);
        Assert.Equal(2.0009999999998, history[0][1].GetDouble(), 1e-12);
        Assert.Equal(-1.49700168313, history[2][0].GetDouble(), 1e-10);
        var parameters = root.GetProperty("parameters");
        Assert.Equal(-1.437364680536073, parameters[0].GetDouble(), 1e-12);
        Assert.Equal(2.0608585186191926, parameters[1].GetDouble(), 1e-12);
        var x = parameters[0].GetDouble();
        var y = parameters[1].GetDouble();
        Assert.Equal(((1 - x) * (1 - x)) + (100 * (y - (x * x)) * (y - (x * x))), root.GetProperty("loss").GetDouble(), 1e-12);
    }

    // "sgd_lr0.05_quadratic": f = ½(x² + 10y²) from (1, 1); one step: (1 − 0.05, 1 − 0.5) = (0.95, 0.5).
    [Fact]
    public void Optimize_SgdOnQuadratic_OneStepMatchesRule()
    {
        var (exit, output, _) = CliRunner.Run("optimize", "--function", "quadratic", "--optimizer", "sgd", "--lr", "0.05", "--steps", "1", "--json");

        Assert.Equal(0, exit);
        using var document = JsonDocument.Parse(output);
        var parameters = document.RootElement.GetProperty("parameters");
        Assert.Equal(0.95, parameters[0].GetDouble(), 1e-15);
        Assert.Equal(0.5, parameters[1].GetDouble(), 1e-15);
        Assert.False(document.RootElement.TryGetProperty("history", out _));
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adamw")]
    [InlineData("rmsprop")]
    [InlineData("adagrad")]
    [InlineData("adadelta")]
    [InlineData("adamax")]
    [InlineData("nadam")]
    [InlineData("radam")]
    [InlineData("lion")]
    [InlineData("lamb")]
    [InlineData("lars")]
    [InlineData("adafactor")]
    public void Optimize_EveryOptimizer_ReducesQuadraticLoss(string name)
    {
        var (exit, output, _) = CliRunner.Run("optimize", "--function", "quadratic", "--optimizer", name, "--steps", "50", "--lr", "0.05", "--json");

        Assert.Equal(0, exit);
        using var document = JsonDocument.Parse(output);
        Assert.True(document.RootElement.GetProperty("loss").GetDouble() < 5.5, name);
    }

    [Theory]
    [InlineData("--lr", "-0.1", "--lr")]
    [InlineData("--betas", "1,0.999", "--betas")]
    [InlineData("--eps", "0", "--eps")]
    [InlineData("--steps", "0", "--steps")]
    [InlineData("--start", "1", "--start")]
    public void Optimize_BadInput_ExitsTwoNamingOption(string option, string value, string named)
    {
        var args = new List<string> { "optimize", "--function", "rosenbrock", "--optimizer", "adam", "--steps", "5", "--json" };
        var index = args.IndexOf(option);
        if (index >= 0)
        {
            args[index + 1] = value;
        }
        else
        {
            args.AddRange([option, value]);
        }

        var (exit, output, error) = CliRunner.Run([.. args]);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Optimize_Plot_WritesPng()
    {
        var path = Path.Combine(Path.GetTempPath(), $"llmcore-optimize-{Guid.NewGuid():N}.png");
        try
        {
            var (exit, _, _) = CliRunner.Run("optimize", "--function", "rosenbrock", "--optimizer", "sgd", "--lr", "1e-3", "--momentum", "0.9", "--nesterov", "--steps", "200", "--plot", path);

            Assert.Equal(0, exit);
            var bytes = File.ReadAllBytes(path);
            Assert.True(bytes.Length > 1000);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

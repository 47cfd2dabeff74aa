using System.Globalization;
using System.Text.Json;
using MathNet.Numerics.Distributions;

namespace LlmCore.Cli.Tests.Privacy;

public class PrivacyCommandsTests
{
    [Fact]
    public void GaussianSigma_AnalyticJson_PrintsSigma()
    {
        // Balle and Wang 2018 (ICML, "Improving the Gaussian mechanism...", Thm 8), σ solved exactly: ε = ln 3, δ = 1e-5,
        // Δ = 1 → σ = 3.4246624 (Google's differential-privacy library returns 3.42578125, the top of its 1e-3 bisection).
        var (exit, output, _) = CliRunner.Run("privacy", "gaussian-sigma", "--epsilon", Math.Log(3).ToString("R", CultureInfo.InvariantCulture), "--delta", "1e-5", "--sensitivity", "1", "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(3.4246624, json.RootElement.GetProperty("sigma").GetDouble(), 6);
    }

    [Fact]
    public void GaussianSigma_ClassicJson_IsDworkRothFormula()
    {
        var (exit, output, _) = CliRunner.Run("privacy", "gaussian-sigma", "--epsilon", "0.5", "--delta", "1e-5", "--sensitivity", "2", "--method", "classic", "--json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(2 * Math.Sqrt(2 * Math.Log(1.25 / 1e-5)) / 0.5, json.RootElement.GetProperty("sigma").GetDouble(), 10);
    }

    [Fact]
    public void GaussianSigma_Human_PrintsTable()
    {
        var (exit, output, _) = CliRunner.Run("privacy", "gaussian-sigma", "--epsilon", "1", "--delta", "1e-6", "--sensitivity", "1");

        Assert.Equal(0, exit);
        Assert.Contains("sigma", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--epsilon", "1", "--method", "classic")]
    [InlineData("--epsilon", "0", "--method", "analytic")]
    [InlineData("--epsilon", "NaN", "--method", "analytic")]
    public void GaussianSigma_BadEpsilon_ExitsTwoNamingOption(string name, string value, string methodName, string method)
    {
        var (exit, output, error) = CliRunner.Run("privacy", "gaussian-sigma", name, value, "--delta", "1e-5", "--sensitivity", "1", methodName, method, "--json");

        Assert.Equal(2, exit);
        Assert.Contains("--epsilon", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("-0.5")]
    public void GaussianSigma_BadDelta_ExitsTwo(string delta)
    {
        var (exit, _, error) = CliRunner.Run("privacy", "gaussian-sigma", "--epsilon", "1", "--delta", delta, "--sensitivity", "1");

        Assert.Equal(2, exit);
        Assert.Contains("--delta", error, StringComparison.Ordinal);
    }

    [Fact]
    public void GaussianSigma_BadSensitivity_ExitsTwo()
    {
        var (exit, _, error) = CliRunner.Run("privacy", "gaussian-sigma", "--epsilon", "1", "--delta", "1e-5", "--sensitivity", "-1");

        Assert.Equal(2, exit);
        Assert.Contains("--sensitivity", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_LaplaceSeeded_IsReproducibleAndLaplaceDistributed()
    {
        var first = CliRunner.Run("privacy", "sample", "--mechanism", "laplace", "--scale", "2", "--count", "20000", "--seed", "5");
        var second = CliRunner.Run("privacy", "sample", "--mechanism", "laplace", "--scale", "2", "--count", "20000", "--seed", "5");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(first.Output, second.Output);
        var values = Parse(first.Output);
        Assert.Equal(20000, values.Length);

        // KS at level 0.001 (false-failure rate 0.1%) against Laplace(0, 2).
        Assert.True(Ks(values, new Laplace(0, 2).CumulativeDistribution) < 1.949 / Math.Sqrt(values.Length));
    }

    [Fact]
    public void Sample_GaussianSecure_HasSigmaAsScale()
    {
        var (exit, output, _) = CliRunner.Run("privacy", "sample", "--mechanism", "gaussian", "--scale", "3", "--count", "20000");

        Assert.Equal(0, exit);
        var values = Parse(output);
        Assert.True(Ks(values, new Normal(0, 3).CumulativeDistribution) < 1.949 / Math.Sqrt(values.Length));
    }

    [Theory]
    [InlineData("discrete-laplace")]
    [InlineData("discrete-gaussian")]
    public void Sample_DiscreteKinds_PrintIntegers(string mechanism)
    {
        var (exit, output, _) = CliRunner.Run("privacy", "sample", "--mechanism", mechanism, "--scale", "1.5", "--count", "500", "--seed", "1");

        Assert.Equal(0, exit);
        var values = Parse(output);
        Assert.Equal(500, values.Length);
        Assert.All(values, static v => Assert.Equal(Math.Round(v), v));
    }

    [Fact]
    public void Sample_Output_WritesFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"llmcore-sample-{Guid.NewGuid():N}.txt");
        try
        {
            var (exit, output, _) = CliRunner.Run("privacy", "sample", "--mechanism", "laplace", "--scale", "1", "--count", "10", "--seed", "2", "--output", path);

            Assert.Equal(0, exit);
            Assert.Equal(string.Empty, output);
            Assert.Equal(10, Parse(File.ReadAllText(path)).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--scale", "0")]
    [InlineData("--scale", "NaN")]
    [InlineData("--count", "-1")]
    public void Sample_BadValue_ExitsTwoNamingOption(string option, string value)
    {
        var args = new List<string> { "privacy", "sample", "--mechanism", "laplace", "--scale", "1", "--count", "3" };
        args[args.IndexOf(option) + 1] = value;

        var (exit, _, error) = CliRunner.Run([.. args]);

        Assert.Equal(2, exit);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_UnknownMechanism_ExitsTwo()
    {
        var (exit, _, error) = CliRunner.Run("privacy", "sample", "--mechanism", "uniform", "--scale", "1", "--count", "3");

        Assert.Equal(2, exit);
        Assert.Contains("uniform", error, StringComparison.Ordinal);
    }

    private static double[] Parse(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(static l => double.Parse(l, CultureInfo.InvariantCulture))];

    private static double Ks(double[] samples, Func<double, double> cdf)
    {
        var sorted = (double[])samples.Clone();
        Array.Sort(sorted);
        var d = 0.0;
        for (var i = 0; i < sorted.Length; i++)
        {
            var f = cdf(sorted[i]);
            d = Math.Max(d, Math.Max(((i + 1.0) / sorted.Length) - f, f - ((double)i / sorted.Length)));
        }

        return d;
    }
}

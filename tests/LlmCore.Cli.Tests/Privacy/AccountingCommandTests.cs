using System.Globalization;
using System.Text.Json;

namespace LlmCore.Cli.Tests.Privacy;

/// <summary>The <c>privacy epsilon</c> and <c>privacy noise-multiplier</c> commands against the CLI contract.</summary>
public class AccountingCommandTests
{
    // Opacus opacus/tests/accountants_test.py::test_rdp_accountant: σ = 1.5, q = 0.04, 2250 steps, δ = 1e-5 → 7.32911117143.
    [Fact]
    public void Epsilon_OpacusRdpSetting_PrintsContractKeys()
    {
        var (code, output, error) = CliRunner.Run("privacy", "epsilon", "--sample-rate", "0.04", "--noise-multiplier", "1.5", "--steps", "2250", "--delta", "1e-5", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(7.32911117143, root.GetProperty("epsilon").GetDouble(), 8);
        Assert.Equal(1e-5, root.GetProperty("delta").GetDouble());
        Assert.Equal("rdp", root.GetProperty("accountant").GetString());
        Assert.True(root.GetProperty("order").GetDouble() > 1);
    }

    // The contract's dataset form: Q = B/N, T = ceil(E·N/B); MNIST (60000, 256, 60 epochs) is 14063 steps, and its ε under
    // today's conversion is 2.597 with dp_accounting's orders (research note §2.2); Opacus' orders give the same 3 decimals.
    [Fact]
    public void Epsilon_DatasetForm_UsesCeilingSteps()
    {
        var (code, output, error) = CliRunner.Run("privacy", "epsilon", "--dataset-size", "60000", "--batch-size", "256", "--epochs", "60", "--noise-multiplier", "1.1", "--delta", "1e-5", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(14063, doc.RootElement.GetProperty("steps").GetInt64());
        Assert.Equal(2.597, doc.RootElement.GetProperty("epsilon").GetDouble(), 2);
    }

    // Opacus' module doctest orders 2..32 with a custom list: order 23 is reported for the heterogeneous example; here one
    // phase, so only the key and that the order comes from the list.
    [Fact]
    public void Epsilon_CustomOrders_ReportsOrderFromList()
    {
        var (code, output, _) = CliRunner.Run("privacy", "epsilon", "--sample-rate", "0.01", "--noise-multiplier", "1.0", "--steps", "100", "--delta", "1e-5", "--orders", "2,4,8,16,32", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Contains(doc.RootElement.GetProperty("order").GetDouble(), new[] { 2.0, 4, 8, 16, 32 });
    }

    [Fact]
    public void Epsilon_Pld_IsBelowRdp()
    {
        var args = new[] { "privacy", "epsilon", "--sample-rate", "0.05", "--noise-multiplier", "1.0", "--steps", "50", "--delta", "1e-5", "--json" };
        var rdp = JsonDocument.Parse(CliRunner.Run(args).Output).RootElement.GetProperty("epsilon").GetDouble();
        var (code, output, _) = CliRunner.Run([.. args, "--accountant", "pld"]);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("pld", doc.RootElement.GetProperty("accountant").GetString());
        Assert.True(doc.RootElement.GetProperty("epsilon").GetDouble() < rdp);
    }

    // A huge per-step loss overflows every order: ε must be reported as infinite ("Infinity"), never a finite number.
    [Fact]
    public void Epsilon_InfiniteOverOrders_WritesInfinity()
    {
        var (code, output, _) = CliRunner.Run("privacy", "epsilon", "--sample-rate", "1", "--noise-multiplier", "1e-160", "--steps", "10", "--delta", "1e-5", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("Infinity", doc.RootElement.GetProperty("epsilon").GetString());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("order").ValueKind);
    }

    // dp_accounting (google/differential-privacy b5b0286e) RdpAccountant(Opacus' 151 orders, REPLACE_ONE) composing
    // SelfComposed(SampledWithoutReplacementDpEvent(60000, 256, GaussianDpEvent(1.1 / 2)), 14063), run with NumPy/SciPy:
    // ε = 24.082411615411814 at α = 2 for δ = 1e-5. The CLI's --noise-multiplier is DP-SGD's, halved for the 2C sensitivity.
    [Fact]
    public void Epsilon_WithoutReplacement_DatasetForm_MatchesDpAccounting()
    {
        var (code, output, error) = CliRunner.Run("privacy", "epsilon", "--dataset-size", "60000", "--batch-size", "256", "--epochs", "60", "--noise-multiplier", "1.1", "--delta", "1e-5", "--sampling", "without-replacement", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(24.082411615411814, root.GetProperty("epsilon").GetDouble(), 8);
        Assert.Equal(2.0, root.GetProperty("order").GetDouble());
        Assert.Equal("without-replacement", root.GetProperty("sampling").GetString());
        Assert.Equal("replace-one", root.GetProperty("neighboringRelation").GetString());
        Assert.Equal(14063, root.GetProperty("steps").GetInt64());
    }

    // Same source, SampledWithoutReplacementDpEvent(100, 1, GaussianDpEvent(2 / 2)) × 1000, δ = 1e-5: ε = 3.576111482350549
    // at α = 6. With --sample-rate only the fraction b/n = 0.01 matters.
    [Fact]
    public void Epsilon_WithoutReplacement_SampleRateForm_MatchesDpAccounting()
    {
        var (code, output, error) = CliRunner.Run("privacy", "epsilon", "--sample-rate", "0.01", "--steps", "1000", "--noise-multiplier", "2", "--delta", "1e-5", "--sampling", "without-replacement", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(3.576111482350549, doc.RootElement.GetProperty("epsilon").GetDouble(), 8);
        Assert.Equal(6.0, doc.RootElement.GetProperty("order").GetDouble());
    }

    [Fact]
    public void Epsilon_DefaultSampling_IsPoissonAndSaysSo()
    {
        var (code, output, _) = CliRunner.Run("privacy", "epsilon", "--sample-rate", "0.01", "--steps", "1000", "--noise-multiplier", "2", "--delta", "1e-5", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("poisson", doc.RootElement.GetProperty("sampling").GetString());
        Assert.Equal("add-or-remove-one", doc.RootElement.GetProperty("neighboringRelation").GetString());

        // Theory (WBK19 Theorem 27 vs the exact Poisson RDP, term by term): fixed-size batches never cost less.
        var (_, wor, _) = CliRunner.Run("privacy", "epsilon", "--sample-rate", "0.01", "--steps", "1000", "--noise-multiplier", "1", "--delta", "1e-5", "--json", "--sampling", "without-replacement");
        var (_, poisson, _) = CliRunner.Run("privacy", "epsilon", "--sample-rate", "0.01", "--steps", "1000", "--noise-multiplier", "1", "--delta", "1e-5", "--json");
        Assert.True(JsonDocument.Parse(wor).RootElement.GetProperty("epsilon").GetDouble() > JsonDocument.Parse(poisson).RootElement.GetProperty("epsilon").GetDouble());
    }

    // The optimistic PLD estimate (dp_accounting's pessimistic_estimate = False) is reported next to the pessimistic one.
    [Fact]
    public void Epsilon_Pld_ReportsTheOptimisticEstimateBelowThePessimistic()
    {
        var (code, output, error) = CliRunner.Run("privacy", "epsilon", "--sample-rate", "0.05", "--noise-multiplier", "1.0", "--steps", "50", "--delta", "1e-5", "--accountant", "pld", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        var upper = doc.RootElement.GetProperty("epsilon").GetDouble();
        var lower = doc.RootElement.GetProperty("epsilonLower").GetDouble();
        Assert.InRange(lower, 0.9 * upper, upper);
        Assert.False(doc.RootElement.TryGetProperty("order", out _));

        var (_, human, _) = CliRunner.Run("privacy", "epsilon", "--sample-rate", "0.05", "--noise-multiplier", "1.0", "--steps", "50", "--delta", "1e-5", "--accountant", "pld");
        Assert.Contains("optimistic", human, StringComparison.Ordinal);
    }

    [Fact]
    public void Epsilon_PldWithoutReplacement_ExitsTwoNamingTheAccountant()
    {
        var (code, output, error) = CliRunner.Run("privacy", "epsilon", "--sample-rate", "0.01", "--steps", "10", "--noise-multiplier", "1", "--delta", "1e-5", "--accountant", "pld", "--sampling", "without-replacement", "--json");

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("--accountant", error, StringComparison.Ordinal);
        Assert.Contains("--sampling without-replacement", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("--sample-rate", "0")]
    [InlineData("--sample-rate", "1.5")]
    [InlineData("--noise-multiplier", "0")]
    [InlineData("--noise-multiplier", "NaN")]
    [InlineData("--delta", "1")]
    [InlineData("--delta", "0")]
    [InlineData("--steps", "0")]
    [InlineData("--accountant", "gdp")]
    [InlineData("--orders", "0.5,2")]
    [InlineData("--sampling", "shuffle")]
    public void Epsilon_BadInput_ExitsTwoNamingOption(string option, string value)
    {
        var args = new Dictionary<string, string>
        {
            ["--sample-rate"] = "0.01",
            ["--noise-multiplier"] = "1.0",
            ["--steps"] = "100",
            ["--delta"] = "1e-5",
        };
        args[option] = value;
        var argv = new List<string> { "privacy", "epsilon", "--json" };
        foreach (var (k, v) in args)
        {
            argv.Add(k);
            argv.Add(v);
        }

        var (code, output, error) = CliRunner.Run([.. argv]);
        Assert.Equal(2, code);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public void Epsilon_MixedForms_ExitsTwo()
    {
        var (code, _, _) = CliRunner.Run("privacy", "epsilon", "--sample-rate", "0.01", "--steps", "5", "--dataset-size", "100", "--batch-size", "10", "--epochs", "1", "--noise-multiplier", "1", "--delta", "1e-5");
        Assert.Equal(2, code);
    }

    // Opacus test_get_noise_multiplier_rdp_epochs: target 8, δ = 1e-5, q = 0.04, 2250 steps → 1.416 (grid point 1.416015625).
    [Fact]
    public void NoiseMultiplier_OpacusSetting_ReturnsOpacusValue()
    {
        var (code, output, error) = CliRunner.Run("privacy", "noise-multiplier", "--target-epsilon", "8", "--delta", "1e-5", "--sample-rate", "0.04", "--steps", "2250", "--json");
        Assert.True(code == 0, error);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(1.416015625, doc.RootElement.GetProperty("noiseMultiplier").GetDouble(), 10);
        Assert.InRange(doc.RootElement.GetProperty("epsilon").GetDouble(), 7.99, 8.0);
    }

    [Theory]
    [InlineData("--target-epsilon", "-1")]
    [InlineData("--delta", "2")]
    [InlineData("--sample-rate", "0")]
    [InlineData("--steps", "0")]
    public void NoiseMultiplier_BadInput_ExitsTwo(string option, string value)
    {
        var args = new Dictionary<string, string>
        {
            ["--target-epsilon"] = "8",
            ["--delta"] = "1e-5",
            ["--sample-rate"] = "0.04",
            ["--steps"] = "100",
        };
        args[option] = value;
        var argv = new List<string> { "privacy", "noise-multiplier" };
        foreach (var (k, v) in args)
        {
            argv.Add(k);
            argv.Add(v);
        }

        var (code, _, error) = CliRunner.Run([.. argv]);
        Assert.Equal(2, code);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Fact]
    public void NoiseMultiplier_Pld_CountsEveryProbeAndEndsOnOneOfThem()
    {
        // The progress bar's counter: each probe of the search reports once, numbered 1, 2, 3, …, with the σ it analysed;
        // the answer is the σ of one of them (the search returns a probed σ_high) and its ε.
        var probes = new List<(int Probe, double Sigma, double Epsilon)>();
        var result = LlmCore.Cli.Commands.Privacy.NoiseMultiplierCommand.SearchPld(2.0, 1e-5, 0.05, 10, 0.01, LlmCore.Privacy.Accounting.PldAccountant.DefaultMaxGridPoints, CancellationToken.None, (p, s, e) => probes.Add((p, s, e)));

        Assert.True(probes.Count >= 3, $"{probes.Count} probes");
        Assert.Equal(Enumerable.Range(1, probes.Count), probes.Select(static p => p.Probe));
        Assert.Contains(probes, p => p.Sigma == result.NoiseMultiplier && p.Epsilon == result.Epsilon);
        Assert.Equal(20.0, probes[0].Sigma);
    }

    [Fact]
    public void NoiseMultiplier_Pld_ProbeAccountantStopsWithinAProbe()
    {
        // Ctrl-C reaches the PLD accountant's own loops (not only the search between probes): a cancelled token stops
        // the composition of the probe itself.
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var probe = new LlmCore.Cli.Commands.Privacy.ProbePldAccountant(new LlmCore.Privacy.Accounting.PldAccountant(), cts.Token, static (_, _) => { });

        Assert.ThrowsAny<OperationCanceledException>(() => probe.Compose(new LlmCore.Privacy.Accounting.GaussianEvent(1.0), 10));
        Assert.Empty(probe.History);
    }

    [Fact]
    public void NoiseMultiplier_Pld_InteractiveRunShowsTheBarAndTheAnswer()
    {
        // On a terminal the search runs under the probe bar (rendered to the console, not under --json) and still prints
        // its table.
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CliApp.Run(["privacy", "noise-multiplier", "--target-epsilon", "2", "--delta", "1e-5", "--sample-rate", "0.05", "--steps", "10", "--accountant", "pld"], output, error, interactive: true);

        Assert.True(code == 0, error.ToString());
        Assert.Contains("noise multiplier", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("PLD noise search", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Epsilon_HumanOutput_ShowsTable()
    {
        var (code, output, _) = CliRunner.Run("privacy", "epsilon", "--sample-rate", "0.01", "--noise-multiplier", "1.0", "--steps", "100", "--delta", "1e-5");
        Assert.Equal(0, code);
        Assert.Contains("epsilon", output, StringComparison.Ordinal);
        Assert.Contains(string.Format(CultureInfo.InvariantCulture, "{0}", 100), output, StringComparison.Ordinal);
    }
}

using System.Globalization;
using System.Text.Json;
using CsCheck;

namespace LlmCore.Cli.Tests.Contract;

/// <summary>
/// Property tests over the numeric options of the privacy calculators (issue 22): every input is either refused as bad
/// input (exit 2, one line naming an option) or answered with finite numbers (ε may be the documented "Infinity"); no
/// input ends in exit 1, a NaN, or an overflowed number.
/// </summary>
public class NumericInputPropertyTests
{
    // Magnitudes from 1e-320 (subnormal) to 1e308, signs, zero, the non-finite values and the ends of each range.
    private static readonly Gen<double> s_anyDouble = Gen.OneOf(
        Gen.Double[-320, 308].Select(static e => Math.Pow(10, e)),
        Gen.Double[-320, 308].Select(static e => -Math.Pow(10, e)),
        Gen.Double.Unit,
        Gen.OneOf(0.0, 1.0, -0.0, double.Epsilon, 1 - 1e-16, double.MaxValue, double.PositiveInfinity, double.NegativeInfinity, double.NaN));

    private static readonly Gen<double> s_probability = Gen.OneOf(
        Gen.Double[-320, 0].Select(static e => Math.Pow(10, e)),
        Gen.Double.Unit,
        Gen.OneOf(1 - 1e-16, 1.0, double.Epsilon));

    private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    [Fact]
    public void GaussianSigma_CalibrationEquationFlatToRounding_ExitsTwoNamingEpsilon()
    {
        // Found by the property below (CsCheck seed 4pPeksEYPah1): MathNet's Brent solver did not converge and the CLI
        // exited 1 with MathNet's own words ("The algorithm has failed, exceeded the number of iterations ...").
        var (exit, output, error) = CliRunner.Run("privacy", "gaussian-sigma", "--epsilon", "9.44060876285911E+134", "--delta", "0.5646928001397324", "--sensitivity", "3.820230364994723E+51", "--method", "analytic", "--json");

        Assert.Equal(2, exit);
        Assert.Empty(output);
        AssertOneLineNamingAnOption(error);
        Assert.Contains("--epsilon", error, StringComparison.Ordinal);
    }

    [Fact]
    public void GaussianSigma_EveryAcceptedInput_GivesAFiniteSigma()
    {
        Gen.Select(s_anyDouble, s_probability, s_anyDouble, Gen.OneOf("analytic", "classic")).Sample(
            (epsilon, delta, sensitivity, method) =>
            {
                var (exit, output, error) = CliRunner.Run("privacy", "gaussian-sigma", "--epsilon", F(epsilon), "--delta", F(delta), "--sensitivity", F(sensitivity), "--method", method, "--json");
                if (exit == 2)
                {
                    AssertOneLineNamingAnOption(error);
                    return;
                }

                Assert.True(exit == 0, $"exit {exit}: {error}");
                using var document = JsonDocument.Parse(output);
                var sigma = document.RootElement.GetProperty("sigma");
                Assert.Equal(JsonValueKind.Number, sigma.ValueKind);
                Assert.True(double.IsFinite(sigma.GetDouble()) && sigma.GetDouble() > 0, $"sigma {sigma}");
            },
            iter: 300);
    }

    [Fact]
    public void Epsilon_Rdp_EveryAcceptedInput_GivesAFiniteOrInfiniteEpsilon()
    {
        var steps = Gen.OneOf(Gen.Long[1, 1000], Gen.Long[1, long.MaxValue], Gen.OneOf(0L, -1L, long.MaxValue));
        Gen.Select(s_probability, s_anyDouble, steps, s_probability).Sample(
            (q, sigma, t, delta) =>
            {
                var (exit, output, error) = CliRunner.Run("privacy", "epsilon", "--sample-rate", F(q), "--noise-multiplier", F(sigma), "--steps", t.ToString(CultureInfo.InvariantCulture), "--delta", F(delta), "--json");
                if (exit == 2)
                {
                    AssertOneLineNamingAnOption(error);
                    return;
                }

                Assert.True(exit == 0, $"exit {exit}: {error}");
                using var document = JsonDocument.Parse(output);
                var epsilon = document.RootElement.GetProperty("epsilon");
                if (epsilon.ValueKind == JsonValueKind.String)
                {
                    Assert.Equal("Infinity", epsilon.GetString());
                }
                else
                {
                    Assert.True(double.IsFinite(epsilon.GetDouble()) && epsilon.GetDouble() >= 0, $"epsilon {epsilon}");
                }
            },
            iter: 300);
    }

    // The PLD accountant is slow on purpose-built inputs (seconds at its limit), so it gets fixed rows rather than a
    // generator: each is either answered with finite bounds or refused within its limit, never exit 1.
    [Theory]
    [InlineData("1", "1e-160", "10")]
    [InlineData("1e-300", "1", "1000")]
    [InlineData("0.5", "0.05", "1")]
    [InlineData("1", "1e300", "1")]
    [InlineData("0.01", "1", "9223372036854775807")]
    public void Epsilon_Pld_ExtremeInputs_AnsweredOrRefused(string q, string sigma, string steps)
    {
        var (exit, output, error) = CliRunner.Run("privacy", "epsilon", "--accountant", "pld", "--sample-rate", q, "--noise-multiplier", sigma, "--steps", steps, "--delta", "1e-5", "--json");

        if (exit == 2)
        {
            AssertOneLineNamingAnOption(error);
            return;
        }

        Assert.True(exit == 0, $"exit {exit}: {error}");
        using var document = JsonDocument.Parse(output);
        foreach (var key in new[] { "epsilon", "epsilonLower" })
        {
            var value = document.RootElement.GetProperty(key);
            Assert.True(value.ValueKind == JsonValueKind.String ? value.GetString() == "Infinity" : double.IsFinite(value.GetDouble()), $"{key} {value}");
        }
    }

    // cost train and cost inference (issue 22: `--tokens 1e300` printed "Infinity"): every accepted input gives finite
    // numbers for every key; the rest is refused with one line naming an option.
    [Fact]
    public void CostTrain_EveryAcceptedInput_GivesFiniteNumbers()
    {
        var gpus = Gen.OneOf(Gen.Int[1, 100_000], Gen.OneOf(0, -1, int.MaxValue));
        var shape = Gen.OneOf(Gen.Const(Array.Empty<string>()), Gen.Select(Gen.Int[1, 200], Gen.Int[1, 100_000], Gen.Int[1, 1_000_000], static (l, d, s) => new[] { "--layers", l.ToString(CultureInfo.InvariantCulture), "--hidden", d.ToString(CultureInfo.InvariantCulture), "--sequence-length", s.ToString(CultureInfo.InvariantCulture) }));
        Gen.Select(s_anyDouble, s_anyDouble, gpus, s_probability, s_probability, s_anyDouble, shape).Sample(
            (n, d, g, mfu, effective, price, extra) =>
            {
                var (exit, output, error) = CliRunner.Run(
                    ["cost", "train", "--parameters", F(n), "--tokens", F(d), "--gpu", "H100-SXM", "--gpus", g.ToString(CultureInfo.InvariantCulture), "--mfu", F(mfu), "--effective-time", F(effective), "--price-per-gpu-hour", F(price), .. extra, "--json"]);
                AssertRefusedOrFinite(exit, output, error);
            },
            iter: 300);
    }

    [Fact]
    public void CostInference_EveryAcceptedInput_GivesFiniteNumbers()
    {
        var count = Gen.OneOf(Gen.Int[1, 1_000_000], Gen.OneOf(0, -1, int.MaxValue));
        Gen.Select(s_anyDouble, count, count, count, count, s_probability, s_anyDouble).Sample(
            (n, layers, batch, prompt, output, efficiency, price) =>
            {
                var (exit, stdout, error) = CliRunner.Run(
                    "cost", "inference", "--parameters", F(n), "--layers", layers.ToString(CultureInfo.InvariantCulture), "--hidden", "4096", "--kv-heads", "8", "--heads", "32",
                    "--gpu", "H100-SXM", "--gpus", "8", "--batch", batch.ToString(CultureInfo.InvariantCulture), "--prompt-tokens", prompt.ToString(CultureInfo.InvariantCulture),
                    "--output-tokens", output.ToString(CultureInfo.InvariantCulture), "--compute-efficiency", F(efficiency), "--memory-efficiency", F(efficiency), "--utilization", F(efficiency),
                    "--price-per-gpu-hour", F(price), "--json");
                AssertRefusedOrFinite(exit, stdout, error);
            },
            iter: 300);
    }

    private static void AssertRefusedOrFinite(int exit, string output, string error)
    {
        if (exit == 2)
        {
            AssertOneLineNamingAnOption(error);
            return;
        }

        Assert.True(exit == 0, $"exit {exit}: {error}");
        using var document = JsonDocument.Parse(output);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            Assert.True(property.Value.ValueKind != JsonValueKind.Number || double.IsFinite(property.Value.GetDouble()), $"{property.Name} {property.Value}");
            Assert.False(property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is "NaN" or "Infinity" or "-Infinity", $"{property.Name} {property.Value}");
        }
    }

    private static void AssertOneLineNamingAnOption(string error)
    {
        var line = Assert.Single(error.TrimEnd('\n', '\r').Split('\n'));
        Assert.Matches("^error: .*--[a-z]", line);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
    }
}

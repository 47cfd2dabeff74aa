using LlmCore.Cli.Infrastructure;

namespace LlmCore.Cli.Tests.Contract;

/// <summary>
/// The one shape of the CLI's range checks (docs/quality.md, "Argument checks"): <c>--option must be …; got X.</c>, exit 2,
/// the edge of each range accepted and NaN or infinity refused.
/// </summary>
public sealed class OptionChecksTests
{
    [Theory]
    [InlineData(0.0, "--x must be a finite number > 0; got 0.")]
    [InlineData(-1.5, "--x must be a finite number > 0; got -1.5.")]
    [InlineData(double.NaN, "--x must be a finite number > 0; got NaN.")]
    [InlineData(double.PositiveInfinity, "--x must be a finite number > 0; got Infinity.")]
    public void PositiveFinite_Refuses_OneLineNamingTheOption_Exit2(double value, string message)
    {
        var ex = Assert.Throws<CliUsageException>(() => OptionChecks.PositiveFinite("--x", value));

        Assert.Equal(message, ex.Message);
        Assert.Equal((2, message), CliMessages.ForException(ex));
    }

    [Fact]
    public void Checks_AcceptTheEdgeOfTheirRange()
    {
        Assert.Equal(double.Epsilon, OptionChecks.PositiveFinite("--x", double.Epsilon));
        Assert.Equal(0.0, OptionChecks.NonNegativeFinite("--x", 0.0));
        Assert.Equal(1L, OptionChecks.AtLeast("--x", 1, 1));
        Assert.Equal(100L, OptionChecks.InRange("--x", 100L, 100, 1_000_000));
        Assert.Equal(1_000_000L, OptionChecks.InRange("--x", 1_000_000L, 100, 1_000_000));
        Assert.Equal(1.0, OptionChecks.InRange("--x", 1.0, 0.0, 1.0));
    }

    [Fact]
    public void Checks_RefuseTheFirstValueOutside_InTheSameShape()
    {
        Assert.Equal("--x must be a finite number ≥ 0; got -0.001.", Assert.Throws<CliUsageException>(() => OptionChecks.NonNegativeFinite("--x", -0.001)).Message);
        Assert.Equal("--x must be a finite number ≥ 0; got -Infinity.", Assert.Throws<CliUsageException>(() => OptionChecks.NonNegativeFinite("--x", double.NegativeInfinity)).Message);
        Assert.Equal("--x must be an integer ≥ 1; got 0.", Assert.Throws<CliUsageException>(() => OptionChecks.AtLeast("--x", 0, 1)).Message);
        Assert.Equal("--x must be an integer in [100, 1000000]; got 99.", Assert.Throws<CliUsageException>(() => OptionChecks.InRange("--x", 99L, 100, 1_000_000)).Message);
        Assert.Equal("--x must be an integer in [100, 1000000]; got 1000001.", Assert.Throws<CliUsageException>(() => OptionChecks.InRange("--x", 1_000_001L, 100, 1_000_000)).Message);
        Assert.Equal("--x must be in [0, 1]; got 1.5.", Assert.Throws<CliUsageException>(() => OptionChecks.InRange("--x", 1.5, 0.0, 1.0)).Message);
        Assert.Equal("--x must be in [0, 1]; got NaN.", Assert.Throws<CliUsageException>(() => OptionChecks.InRange("--x", double.NaN, 0.0, 1.0)).Message);
    }

    [Fact]
    public void GaussianSigma_SensitivityZero_UsesTheSharedShape()
    {
        var (code, output, error) = CliRunner.Run("privacy", "gaussian-sigma", "--epsilon", "1", "--delta", "1e-5", "--sensitivity", "0");

        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Single(error.Trim().Split('\n'));
        Assert.EndsWith("--sensitivity must be a finite number > 0; got 0.", error.Trim(), StringComparison.Ordinal);
    }
}

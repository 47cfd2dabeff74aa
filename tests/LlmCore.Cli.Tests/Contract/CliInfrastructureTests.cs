using System.Text.Json.Nodes;
using LlmCore.Cli.Infrastructure;

namespace LlmCore.Cli.Tests.Contract;

/// <summary>The shared pieces that keep the contract: JSON without non-numbers, messages without .NET type names.</summary>
public class CliInfrastructureTests
{
    [Fact]
    public void WriteJson_NaNOrOverflowedNumber_RefusesNamingTheKey()
    {
        var context = new CliContext(new StringWriter(), new StringWriter(), interactive: false);

        var ex = Assert.Throws<InvalidOperationException>(() => context.WriteJson(new { flops = double.PositiveInfinity, costUsd = 1.0 }));

        Assert.Contains("'$.flops'", ex.Message, StringComparison.Ordinal);
        Assert.Empty(context.Output.ToString()!);
        Assert.Throws<InvalidOperationException>(() => context.WriteJson(new JsonObject { ["epsilon"] = double.NaN }));
        Assert.Throws<InvalidOperationException>(() => context.WriteJson(new { history = new[] { new[] { 1.0, double.NegativeInfinity } } }));
    }

    [Fact]
    public void WriteJson_InfiniteEpsilon_IsWrittenAsTheContractSays()
    {
        var output = new StringWriter();
        var context = new CliContext(output, new StringWriter(), interactive: false);

        context.WriteJson(new JsonObject { ["epsilon"] = double.PositiveInfinity, ["epsilonLower"] = 2.5, ["delta"] = 1e-5 });

        var node = JsonNode.Parse(output.ToString())!;
        Assert.Equal("Infinity", node["epsilon"]!.GetValue<string>());
        Assert.Equal(2.5, node["epsilonLower"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("Cannot parse 'x' as expected type 'System.Nullable`1[System.UInt64]'.", "an integer in [0, 18446744073709551615]")]
    [InlineData("expected type 'System.Double'", "a number")]
    [InlineData("Exception of type 'System.OutOfMemoryException' was thrown.", "out of memory")]
    [InlineData("Array dimensions exceeded supported range (System.Int32[]).", "Array dimensions")]
    public void WithoutTypeNames_ReplacesEveryTypeNameByWords(string message, string expected)
    {
        var cleaned = CliMessages.WithoutTypeNames(message);

        Assert.DoesNotContain("System.", cleaned, StringComparison.Ordinal);
        Assert.Contains(expected, cleaned, StringComparison.Ordinal);
    }

    [Fact]
    public void ForException_MapsKindsToExitCodesAndLooksThroughWrappers()
    {
        Assert.Equal(2, CliMessages.ForException(new AggregateException(new ArgumentOutOfRangeException("x", "x must be > 0."))).ExitCode);
        Assert.Equal(3, CliMessages.ForException(CliDivergedException.AtStep(4, "the loss is NaN", "try a smaller --lr")).ExitCode);
        var (code, message) = CliMessages.ForException(new OutOfMemoryException());
        Assert.Equal(1, code);
        Assert.DoesNotContain("System.", message, StringComparison.Ordinal);
    }
}

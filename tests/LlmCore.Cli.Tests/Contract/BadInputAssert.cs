using System.Text.RegularExpressions;

namespace LlmCore.Cli.Tests.Contract;

/// <summary>The bad-input contract (docs/cli.md): exit code 2, nothing on stdout, one <c>error:</c> line on stderr that
/// contains every '|'-separated part of <c>expected</c>, and no .NET type or exception name.</summary>
internal static partial class BadInputAssert
{
    public static void ExitTwoWithOneLine(int exit, string output, string error, string expected)
    {
        Assert.True(exit == 2, $"exit {exit}; stderr: {error}");
        Assert.Empty(output);
        var line = Assert.Single(error.TrimEnd('\n', '\r').Split('\n'));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        foreach (var words in expected.Split('|'))
        {
            Assert.Contains(words, line, StringComparison.Ordinal);
        }

        Assert.DoesNotMatch(TypeName(), line);
    }

    [GeneratedRegex(@"System\.|`1|\[System|Exception of type|Exception\b", RegexOptions.CultureInvariant)]
    private static partial Regex TypeName();
}

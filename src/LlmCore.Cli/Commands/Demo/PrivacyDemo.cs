using System.Globalization;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Cli.Commands.Demo;

/// <summary>The privacy part of the demo.</summary>
internal static class PrivacyDemo
{
    public static DemoSection Run(Infrastructure.CliContext context)
    {
        Span<ulong> words = stackalloc ulong[4];
        SecureRandomSource.Instance.Fill(words);
        var seeded = new SeededRandomSource(42).NextUInt64();
        return new DemoSection("LlmCore.Privacy", [
            new("secure random source", SecureRandomSource.Instance.IsCryptographicallySecure ? "cryptographically secure" : "not secure"),
            new("first word of SeededRandomSource(42)", seeded.ToString("X16", CultureInfo.InvariantCulture)),
        ]);
    }
}

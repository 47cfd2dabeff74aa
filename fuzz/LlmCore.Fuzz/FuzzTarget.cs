using System.Diagnostics.CodeAnalysis;
using System.Text;
using LlmCore.Fuzz.Targets;

namespace LlmCore.Fuzz;

/// <summary>
/// One parser under fuzzing. <see cref="Run"/> feeds it one input and catches exactly the exceptions its XML docs
/// (or the CLI contract) promise for bad input; anything else escapes and is a finding: afl-fuzz records the input
/// under <c>crashes/</c>. A target also checks what the parser returns (finite numbers, the documented ranges) and
/// throws <see cref="FuzzInvariantException"/> when a parse "succeeds" with a value no valid input could give.
/// </summary>
internal abstract class FuzzTarget
{
    /// <summary>Gets the name used on the command line and for the corpus folder (fuzz/corpus/NAME).</summary>
    public abstract string Name { get; }

    /// <summary>Gets what the target feeds and which exceptions it accepts.</summary>
    public abstract string Description { get; }

    /// <summary>Runs one input.</summary>
    public abstract void Run(byte[] input);

    /// <summary>The input as text: UTF-8, invalid sequences replaced, as a <see cref="StreamReader"/> would read a file.</summary>
    protected static string Text(byte[] input) => Encoding.UTF8.GetString(input);

    /// <summary>Throws <see cref="FuzzInvariantException"/> unless <paramref name="condition"/> holds.</summary>
    protected static void Check([DoesNotReturnIf(false)] bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(what);
        }
    }
}

/// <summary>A parser accepted an input and returned something no valid input can produce.</summary>
internal sealed class FuzzInvariantException : Exception
{
    public FuzzInvariantException(string message)
        : base(message)
    {
    }

    public FuzzInvariantException()
    {
    }

    public FuzzInvariantException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The registry of targets.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new TraceCsvTarget(),
        new ClusterJsonTarget(),
        new ThroughputsJsonTarget(),
        new DatasetCsvTarget(),
        new GpuCatalogJsonTarget(),
        new IndustryCatalogJsonTarget(),
        new SlurmResponseTarget(),
        new CliArgumentsTarget(),
        new EmailBodyTarget(),
        new TokenizerDecodeTarget(),
    ];

    public static bool TryGet(string name, [NotNullWhen(true)] out FuzzTarget? target)
    {
        target = All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
        return target is not null;
    }
}

/// <summary>Runs saved inputs through a target in process: the crash triage and the seed-corpus check.</summary>
internal static class Replay
{
    public static int Run(FuzzTarget target, IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(static f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith("README.txt", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else
            {
                Console.Error.WriteLine($"error: '{path}' is neither a file nor a folder.");
                return 2;
            }
        }

        var failed = 0;
        foreach (var file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
            }
#pragma warning disable CA1031 // Replay reports every escaping exception: that is its job.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failed++;
                Console.WriteLine($"FAIL {file}: {ex.GetType().FullName}: {ex.Message}");
                Console.WriteLine(ex.StackTrace);
            }
        }

        Console.WriteLine($"{target.Name}: {files.Count - failed} of {files.Count} inputs passed");
        return failed == 0 ? 0 : 1;
    }
}

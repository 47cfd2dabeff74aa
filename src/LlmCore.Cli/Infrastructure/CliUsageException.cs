namespace LlmCore.Cli.Infrastructure;

/// <summary>
/// Bad input found by a command after parsing (a value out of range, a file that does not exist):
/// the CLI prints the message as one line on stderr and exits with code 2.
/// </summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException()
    {
    }

    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception whose message names the option and what it expects.</summary>
    public static CliUsageException ForOption(string option, string expectation, object? given) =>
        new($"{option} {expectation}; got {Format(given)}.");

    private static string Format(object? value) => value switch
    {
        null => "nothing",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}

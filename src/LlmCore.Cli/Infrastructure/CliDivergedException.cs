namespace LlmCore.Cli.Infrastructure;

/// <summary>
/// An optimization or training run diverged: the loss or a parameter became NaN or infinite. The CLI stops at that step,
/// prints the message as one line on stderr, writes nothing to stdout or to any output file, and exits with code 3
/// (<see cref="CliApp.Diverged"/>).
/// </summary>
internal sealed class CliDivergedException : Exception
{
    public CliDivergedException()
    {
    }

    public CliDivergedException(string message)
        : base(message)
    {
    }

    public CliDivergedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a run that diverged at <paramref name="step"/> (1-based), naming what became non-finite and the option to change.</summary>
    /// <param name="step">The step at which the first non-finite value appeared.</param>
    /// <param name="what">What became non-finite, e.g. "the loss is NaN".</param>
    /// <param name="advice">What to change, e.g. "try a smaller --lr".</param>
    public static CliDivergedException AtStep(long step, string what, string advice) =>
        new(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"diverged at step {step}: {what}; {advice} (exit code 3: the run diverged)."));
}

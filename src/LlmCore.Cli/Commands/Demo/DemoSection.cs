namespace LlmCore.Cli.Commands.Demo;

/// <summary>One package's part of <c>llmcore demo</c>: a title and the lines it shows.</summary>
/// <param name="Title">The section heading.</param>
/// <param name="Lines">What was computed, as label and formatted value, in order.</param>
/// <param name="Seconds">How long the section took.</param>
internal sealed record DemoSection(string Title, IReadOnlyList<KeyValuePair<string, string>> Lines, double Seconds = 0);

using System.CommandLine;
using LlmCore.Cli.Infrastructure;

namespace LlmCore.Cli.Commands;

/// <summary>The <c>llmcore business</c> command group.</summary>
internal static class BusinessCommands
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = CliContext.CreateGroup("business", "Commercialization analysis per industry.");
        return command;
    }
}

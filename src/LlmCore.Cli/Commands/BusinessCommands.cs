using System.CommandLine;
using LlmCore.Cli.Commands.Business;
using LlmCore.Cli.Infrastructure;

namespace LlmCore.Cli.Commands;

/// <summary>The <c>llmcore business</c> command group.</summary>
internal static class BusinessCommands
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = CliContext.CreateGroup("business", "Commercialization analysis per industry.");
        command.Subcommands.Add(AnalyzeCommand.Create(context));
        command.Subcommands.Add(IndustriesCommand.Create(context));
        return command;
    }
}

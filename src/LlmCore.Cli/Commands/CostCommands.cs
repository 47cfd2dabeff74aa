using System.CommandLine;
using LlmCore.Cli.Commands.Cost;
using LlmCore.Cli.Infrastructure;

namespace LlmCore.Cli.Commands;

/// <summary>The <c>llmcore cost</c> command group.</summary>
internal static class CostCommands
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = CliContext.CreateGroup("cost", "Training and inference cost of large models.");
        command.Subcommands.Add(Cost.TrainCommand.Create(context));
        command.Subcommands.Add(InferenceCommand.Create(context));
        command.Subcommands.Add(GpusCommand.Create(context));
        return command;
    }
}

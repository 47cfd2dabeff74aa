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
        var command = CliContext.CreateGroup("cost", "Training and inference cost of large models, serving simulation and the cheapest deployment under a latency target.");
        command.Subcommands.Add(Cost.TrainCommand.Create(context));
        command.Subcommands.Add(InferenceCommand.Create(context));
        command.Subcommands.Add(GpusCommand.Create(context));
        command.Subcommands.Add(SimulateCommand.Create(context));
        command.Subcommands.Add(ServeCommand.Create(context));
        return command;
    }
}

using System.CommandLine;
using LlmCore.Cli.Commands.Schedule;
using LlmCore.Cli.Infrastructure;

namespace LlmCore.Cli.Commands;

/// <summary>The <c>llmcore schedule</c> command group.</summary>
internal static class ScheduleCommands
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = CliContext.CreateGroup("schedule", "GPU job scheduling: simulate policies on cluster traces.");
        command.Subcommands.Add(SimulateCommand.Create(context));
        command.Subcommands.Add(CompareCommand.Create(context));
        command.Subcommands.Add(RunCommand.Create(context));
        return command;
    }
}

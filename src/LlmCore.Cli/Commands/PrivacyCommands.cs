using System.CommandLine;
using LlmCore.Cli.Commands.Privacy;
using LlmCore.Cli.Infrastructure;

namespace LlmCore.Cli.Commands;

/// <summary>The <c>llmcore privacy</c> command group.</summary>
internal static class PrivacyCommands
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var command = CliContext.CreateGroup("privacy", "Differential privacy: noise, mechanisms, accounting and calibration.");
        command.Subcommands.Add(Privacy.SampleCommand.Create(context));
        command.Subcommands.Add(Privacy.GaussianSigmaCommand.Create(context));
        command.Subcommands.Add(EpsilonCommand.Create(context));
        command.Subcommands.Add(NoiseMultiplierCommand.Create(context));
        return command;
    }
}

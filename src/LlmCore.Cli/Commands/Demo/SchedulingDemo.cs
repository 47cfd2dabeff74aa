using LlmCore.Scheduling.DependencyInjection;

namespace LlmCore.Cli.Commands.Demo;

/// <summary>The scheduling part of the demo.</summary>
internal static class SchedulingDemo
{
    public static DemoSection Run(Infrastructure.CliContext context)
    {
        var options = new SchedulingOptions();
        return new DemoSection("LlmCore.Scheduling", [
            new("default policy", options.Policy),
        ]);
    }
}

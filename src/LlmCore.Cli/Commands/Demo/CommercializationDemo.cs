using System.Globalization;
using LlmCore.Commercialization.DependencyInjection;

namespace LlmCore.Cli.Commands.Demo;

/// <summary>The commercialization part of the demo.</summary>
internal static class CommercializationDemo
{
    public static DemoSection Run(Infrastructure.CliContext context)
    {
        var options = new CommercializationOptions();
        return new DemoSection("LlmCore.Commercialization", [
            new("default price per GPU-hour", "$" + options.DefaultPricePerGpuHourUsd.ToString("F2", CultureInfo.InvariantCulture)),
        ]);
    }
}

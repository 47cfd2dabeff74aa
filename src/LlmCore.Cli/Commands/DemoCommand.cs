using System.CommandLine;
using System.Diagnostics;
using LlmCore.Cli.Commands.Demo;
using LlmCore.Cli.Infrastructure;
using Spectre.Console;

namespace LlmCore.Cli.Commands;

/// <summary><c>llmcore demo</c>: runs all four packages end to end on built-in data.</summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("demo", "Run all four LlmCore packages end to end on built-in data (under a minute).");
        command.SetAction(parseResult =>
        {
            var json = parseResult.GetValue(CliContext.JsonOption);
            var sections = new List<DemoSection>();
            var total = Stopwatch.StartNew();
            foreach (var run in new Func<CliContext, DemoSection>[] { PrivacyDemo.Run, OptimizationDemo.Run, TrainingDemo.Run, PrivateTrainingDemo.Run, SchedulingDemo.Run, CommercializationDemo.Run, BusinessDemo.Run })
            {
                var watch = Stopwatch.StartNew();
                var section = run(context);
                sections.Add(section with { Seconds = watch.Elapsed.TotalSeconds });
            }

            if (json)
            {
                context.WriteJson(new { sections, seconds = total.Elapsed.TotalSeconds });
                return CliApp.Success;
            }

            foreach (var section in sections)
            {
                context.Console.Write(new Rule($"[bold]{Markup.Escape(section.Title)}[/]").LeftJustified());
                var table = new Table().Border(TableBorder.Rounded).AddColumn("what").AddColumn(new TableColumn("value").RightAligned());
                foreach (var (key, value) in section.Lines)
                {
                    table.AddRow(Markup.Escape(key), Markup.Escape(value));
                }

                context.Console.Write(table);
                context.Console.WriteLine();
            }

            context.Console.MarkupLine($"[green]Demo finished in {total.Elapsed.TotalSeconds:F1} s.[/]");
            return CliApp.Success;
        });
        return command;
    }
}

using System.CommandLine;
using LlmCore.Cli.Infrastructure;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Cost;

/// <summary><c>llmcore cost gpus</c>: the GPU catalogue with its specs.</summary>
internal static class GpusCommand
{
    public static Command Create(CliContext context)
    {
        var catalog = CostCliSupport.CreateGpuCatalogOption();
        var command = new Command("gpus", "List the GPUs the cost commands know, with dense peaks, memory, bandwidth, interconnect and power.");
        command.Options.Add(catalog);
        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            var gpus = CostCliSupport.LoadCatalog(parseResult, catalog).Gpus;
            if (parseResult.GetValue(CliContext.JsonOption))
            {
                context.WriteJson(new
                {
                    gpus = gpus.Select(static g => new
                    {
                        name = g.Name,
                        denseFp16Tflops = g.DenseFp16FlopsPerSecond / 1e12,
                        denseFp8Tflops = g.DenseFp8FlopsPerSecond / 1e12,
                        memoryGb = g.MemoryBytes / 1e9,
                        bandwidthTbPerSecond = g.MemoryBandwidthBytesPerSecond / 1e12,
                        interconnectGbPerSecond = g.InterconnectBytesPerSecond / 1e9,
                        tdpWatts = g.TdpWatts,
                        description = g.Description,
                        source = g.Source,
                    }).ToList(),
                });
                return CliApp.Success;
            }

            var table = new Table().Border(TableBorder.Rounded).Title("GPU catalogue (dense peaks, decimal units)")
                .AddColumn(new TableColumn("name").NoWrap())
                .AddColumn(new TableColumn("bf16 TFLOP/s").RightAligned())
                .AddColumn(new TableColumn("fp8 TFLOP/s").RightAligned())
                .AddColumn(new TableColumn("HBM GB").RightAligned())
                .AddColumn(new TableColumn("HBM TB/s").RightAligned())
                .AddColumn(new TableColumn("link GB/s").RightAligned())
                .AddColumn(new TableColumn("TDP W").RightAligned());
            foreach (var g in gpus)
            {
                table.AddRow(
                    Markup.Escape(g.Name),
                    CostCliSupport.Number(g.DenseFp16FlopsPerSecond / 1e12, "0.#"),
                    g.DenseFp8FlopsPerSecond is { } fp8 ? CostCliSupport.Number(fp8 / 1e12, "0.#") : "-",
                    CostCliSupport.Number(g.MemoryBytes / 1e9, "0.#"),
                    CostCliSupport.Number(g.MemoryBandwidthBytesPerSecond / 1e12, "0.###"),
                    CostCliSupport.Number(g.InterconnectBytesPerSecond / 1e9, "0"),
                    CostCliSupport.Number(g.TdpWatts, "0"));
            }

            context.Console.Write(table);
            context.Console.MarkupLine("[grey]Dense tensor peaks (no sparsity); MFU refers to the bf16 column. Sources: 'llmcore cost gpus --json'.[/]");
            return CliApp.Success;
        }));
        return command;
    }
}

using System.CommandLine;
using LlmCore.Cli.Infrastructure;
using LlmCore.Commercialization.Costs;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Cost;

/// <summary><c>llmcore cost train</c>: compute, GPU-hours, wall-clock days and dollars of a training run.</summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var parameters = new Option<double>("--parameters") { Description = "Total parameters N (e.g. 7e9).", Required = true };
        var tokens = new Option<double>("--tokens") { Description = "Training tokens D (e.g. 2e12).", Required = true };
        var gpu = new Option<string>("--gpu") { Description = "GPU name (case-insensitive), e.g. H100-SXM; see 'llmcore cost gpus'.", Required = true };
        var gpus = new Option<int>("--gpus") { Description = "Number of GPUs.", Required = true };
        var mfu = new Option<double>("--mfu") { Description = "Model FLOPs utilisation against the dense BF16/FP16 peak, in (0, 1] (typically 0.35-0.45).", Required = true };
        var active = new Option<double?>("--active-parameters") { Description = "Parameters active per token, for mixture-of-experts models (default: all)." };
        var price = CostCliSupport.CreatePriceOption();
        var effective = new Option<double>("--effective-time")
        {
            Description = "Fraction of wall-clock time spent on productive steps (restarts, checkpoints and downtime take the rest), in (0, 1].",
            DefaultValueFactory = _ => 1.0,
        };
        var precision = new Option<string>("--precision")
        {
            Description = "Precision whose dense peak the MFU refers to: bf16 (default) or fp8.",
            DefaultValueFactory = _ => "bf16",
        };
        var layers = new Option<int?>("--layers") { Description = "Layers L, to add the attention FLOPs (with --hidden and --sequence-length)." };
        var hidden = new Option<int?>("--hidden") { Description = "Hidden size d, for the attention FLOPs." };
        var sequence = new Option<int?>("--sequence-length") { Description = "Training sequence length s, for the attention FLOPs (causal count: 6·L·s·d per token)." };
        var catalog = CostCliSupport.CreateGpuCatalogOption();

        var command = new Command("train", "Estimate the FLOPs, GPU-hours, wall-clock days and cost of a training run (6·N·D).");
        foreach (var option in new Option[] { parameters, tokens, gpu, gpus, mfu, active, price, effective, precision, layers, hidden, sequence, catalog })
        {
            command.Options.Add(option);
        }

        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            var n = parseResult.GetValue(parameters);
            var d = parseResult.GetValue(tokens);
            var count = parseResult.GetValue(gpus);
            var utilisation = parseResult.GetValue(mfu);
            var activeParameters = parseResult.GetValue(active);
            var pricePerHour = parseResult.GetValue(price);
            var effectiveTime = parseResult.GetValue(effective);
            CostCliSupport.RequirePositive(n, "--parameters", CostCliSupport.MaxParameters);
            CostCliSupport.RequirePositive(d, "--tokens", CostCliSupport.MaxTokens);
            CostCliSupport.RequirePositive(count, "--gpus");
            CostCliSupport.RequireFraction(utilisation, "--mfu");
            CostCliSupport.RequireFraction(effectiveTime, "--effective-time");
            CostCliSupport.RequirePrice(pricePerHour);
            if (activeParameters is { } a && (!double.IsFinite(a) || a <= 0 || a > n))
            {
                throw CliUsageException.ForOption("--active-parameters", "must be > 0 and at most --parameters", a);
            }

            var shape = (parseResult.GetValue(layers), parseResult.GetValue(hidden), parseResult.GetValue(sequence));
            foreach (var (value, name) in new[] { (shape.Item1, "--layers"), (shape.Item2, "--hidden"), (shape.Item3, "--sequence-length") })
            {
                if (value is { } v)
                {
                    CostCliSupport.RequirePositive(v, name);
                }
            }

            // The attention term needs all three; one or two of them alone used to be dropped without a word.
            var given = new[] { (shape.Item1, "--layers"), (shape.Item2, "--hidden"), (shape.Item3, "--sequence-length") };
            if (given.Any(static g => g.Item1 is not null) && given.Any(static g => g.Item1 is null))
            {
                throw new CliUsageException($"{string.Join(", ", given.Where(static g => g.Item1 is not null).Select(static g => g.Item2))}: the attention FLOPs need --layers, --hidden and --sequence-length together; also give {string.Join(" and ", given.Where(static g => g.Item1 is null).Select(static g => g.Item2))}.");
            }

            var gpuCatalog = CostCliSupport.LoadCatalog(parseResult, catalog);
            var spec = CostCliSupport.ResolveGpu(gpuCatalog, parseResult.GetValue(gpu));
            var trainingPrecision = CostCliSupport.ParsePrecision(parseResult.GetValue(precision), "--precision", allowInt4: false);
            if (trainingPrecision == Commercialization.Hardware.NumericPrecision.Fp8 && spec.DenseFp8FlopsPerSecond is null)
            {
                throw CliUsageException.ForOption("--precision", $"fp8 needs a GPU with FP8 units; {spec.Name} has none", "fp8");
            }

            var model = new AnalyticCostModel(gpuCatalog);
            var request = new TrainingCostRequest(n, d, spec.Name, count, utilisation)
            {
                ActiveParameters = activeParameters,
                PricePerGpuHourUsd = pricePerHour,
                EffectiveTimeFraction = effectiveTime,
                Precision = trainingPrecision,
                Layers = shape.Item1,
                HiddenSize = shape.Item2,
                SequenceLength = shape.Item3,
            };
            var estimate = model.EstimateTraining(request);
            CostCliSupport.RequireFiniteResults("--parameters, --tokens, --gpus, --mfu", estimate.Flops, estimate.GpuHours, estimate.WallClockDays, estimate.CostUsd, estimate.AttentionFlops, estimate.ComputeGpuHours);

            if (parseResult.GetValue(CliContext.JsonOption))
            {
                context.WriteJson(new
                {
                    flops = estimate.Flops,
                    gpuHours = estimate.GpuHours,
                    wallClockDays = estimate.WallClockDays,
                    costUsd = estimate.CostUsd,
                    attentionFlops = estimate.AttentionFlops,
                    computeGpuHours = estimate.ComputeGpuHours,
                    peakFlopsPerGpu = estimate.PeakFlopsPerGpu,
                    pricePerGpuHourUsd = estimate.PricePerGpuHourUsd,
                    gpu = spec.Name,
                    gpus = count,
                    mfu = utilisation,
                    effectiveTimeFraction = effectiveTime,
                    parameters = n,
                    activeParameters = activeParameters ?? n,
                    tokens = d,
                    precision = trainingPrecision == Commercialization.Hardware.NumericPrecision.Fp8 ? "fp8" : "bf16",
                });
                return CliApp.Success;
            }

            var table = new Table().Border(TableBorder.Rounded).Title("Training cost").AddColumn("quantity").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("parameters (active)", $"{CostCliSupport.Scientific(n)} ({CostCliSupport.Scientific(activeParameters ?? n)})");
            table.AddRow("tokens", CostCliSupport.Scientific(d));
            table.AddRow("training FLOPs", CostCliSupport.Scientific(estimate.Flops));
            if (estimate.AttentionFlops > 0)
            {
                table.AddRow("  of which attention", CostCliSupport.Scientific(estimate.AttentionFlops));
            }

            table.AddRow("GPU", $"{count} × {Markup.Escape(spec.Name)} ({CostCliSupport.Number(estimate.PeakFlopsPerGpu / 1e12, "0")} TFLOP/s peak)");
            table.AddRow("MFU / effective time", $"{CostCliSupport.Number(utilisation, "0.###")} / {CostCliSupport.Number(effectiveTime, "0.###")}");
            table.AddRow("GPU-hours (compute only)", CostCliSupport.Number(estimate.ComputeGpuHours, "N0"));
            table.AddRow("GPU-hours (billed)", CostCliSupport.Number(estimate.GpuHours, "N0"));
            table.AddRow("wall-clock days", CostCliSupport.Number(estimate.WallClockDays, "N1"));
            table.AddRow("price per GPU-hour", CostCliSupport.Usd(estimate.PricePerGpuHourUsd));
            table.AddRow("[bold]cost[/]", "[bold]" + CostCliSupport.Usd(estimate.CostUsd) + "[/]");
            context.Console.Write(table);
            return CliApp.Success;
        }));
        return command;
    }
}

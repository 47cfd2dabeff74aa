using System.CommandLine;
using LlmCore.Cli.Infrastructure;
using LlmCore.Commercialization.Costs;
using LlmCore.Commercialization.Hardware;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Cost;

/// <summary><c>llmcore cost inference</c>: prefill time, decode throughput and dollars per million tokens of a serving replica.</summary>
internal static class InferenceCommand
{
    public static Command Create(CliContext context)
    {
        var parameters = new Option<double>("--parameters") { Description = "Total parameters (e.g. 70e9).", Required = true };
        var layers = new Option<int>("--layers") { Description = "Transformer layers.", Required = true };
        var hidden = new Option<int>("--hidden") { Description = "Hidden (model) dimension.", Required = true };
        var kvHeads = new Option<int?>("--kv-heads") { Description = "Key-value heads (grouped-query attention); default: multi-head attention." };
        var gpu = new Option<string>("--gpu") { Description = "GPU name (case-insensitive), e.g. H100-SXM; see 'llmcore cost gpus'.", Required = true };
        var gpus = new Option<int>("--gpus") { Description = "GPUs per replica (tensor parallel).", Required = true };
        var batch = new Option<int>("--batch") { Description = "Concurrent sequences per replica.", Required = true };
        var prompt = new Option<int>("--prompt-tokens") { Description = "Input tokens per request.", Required = true };
        var output = new Option<int>("--output-tokens") { Description = "Output tokens per request.", Required = true };
        var price = CostCliSupport.CreatePriceOption();
        var active = new Option<double?>("--active-parameters") { Description = "Parameters active per token, for mixture-of-experts models (default: all)." };
        var heads = new Option<int?>("--heads") { Description = "Attention (query) heads; the head dimension is then hidden / heads. Without --heads and --head-dim the head dimension is 128." };
        var headDim = new Option<int?>("--head-dim") { Description = "Head dimension, with --kv-heads; for models whose head dimension is not hidden / heads (Gemma-7B: 256 with hidden 3072 and 16 heads) give --kv-heads and --head-dim without --heads." };
        var latent = new Option<int?>("--kv-latent-dim") { Description = "Cached elements per token and layer under multi-head latent attention (DeepSeek-V3: 576)." };
        var precision = new Option<string>("--precision") { Description = "Weight precision: fp16/bf16 (default), fp8 or int4.", DefaultValueFactory = _ => "fp16" };
        var kvPrecision = new Option<string>("--kv-precision") { Description = "KV-cache precision: fp16/bf16 (default) or fp8.", DefaultValueFactory = _ => "fp16" };
        var computeEfficiency = new Option<double>("--compute-efficiency") { Description = "η_c: fraction of the dense peak matrix products reach, in (0, 1].", DefaultValueFactory = _ => 0.5 };
        var memoryEfficiency = new Option<double>("--memory-efficiency") { Description = "η_m: fraction of peak memory bandwidth reached, in (0, 1].", DefaultValueFactory = _ => 0.8 };
        var memoryFraction = new Option<double>("--memory-fraction") { Description = "Fraction of GPU memory for weights and KV cache, in (0, 1].", DefaultValueFactory = _ => 0.9 };
        var utilization = new Option<double>("--utilization") { Description = "Average fraction of paid time spent serving, in (0, 1]; costs per token are divided by it.", DefaultValueFactory = _ => 1.0 };
        var catalog = CostCliSupport.CreateGpuCatalogOption();

        var command = new Command("inference", "Estimate prefill time, decode throughput and cost per million tokens of a serving replica (roofline).");
        foreach (var option in new Option[] { parameters, layers, hidden, kvHeads, gpu, gpus, batch, prompt, output, price, active, heads, headDim, latent, precision, kvPrecision, computeEfficiency, memoryEfficiency, memoryFraction, utilization, catalog })
        {
            command.Options.Add(option);
        }

        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            var n = parseResult.GetValue(parameters);
            CostCliSupport.RequirePositive(n, "--parameters", CostCliSupport.MaxParameters);
            CostCliSupport.RequirePositive(parseResult.GetValue(layers), "--layers");
            CostCliSupport.RequirePositive(parseResult.GetValue(hidden), "--hidden");
            CostCliSupport.RequirePositive(parseResult.GetValue(gpus), "--gpus");
            CostCliSupport.RequirePositive(parseResult.GetValue(batch), "--batch");
            CostCliSupport.RequirePositive(parseResult.GetValue(output), "--output-tokens");
            OptionChecks.AtLeast("--prompt-tokens", parseResult.GetValue(prompt), 0);

            foreach (var (option, name) in new[] { (kvHeads, "--kv-heads"), (heads, "--heads"), (headDim, "--head-dim"), (latent, "--kv-latent-dim") })
            {
                if (parseResult.GetValue(option) is { } v)
                {
                    CostCliSupport.RequirePositive(v, name);
                }
            }

            RequireConsistentShape(parseResult.GetValue(hidden), parseResult.GetValue(heads), parseResult.GetValue(kvHeads), parseResult.GetValue(headDim), parseResult.GetValue(latent));
            if (parseResult.GetValue(active) is { } a && (!double.IsFinite(a) || a <= 0 || a > n))
            {
                throw CliUsageException.ForOption("--active-parameters", "must be > 0 and at most --parameters", a);
            }

            CostCliSupport.RequireFraction(parseResult.GetValue(computeEfficiency), "--compute-efficiency");
            CostCliSupport.RequireFraction(parseResult.GetValue(memoryEfficiency), "--memory-efficiency");
            CostCliSupport.RequireFraction(parseResult.GetValue(memoryFraction), "--memory-fraction");
            CostCliSupport.RequireFraction(parseResult.GetValue(utilization), "--utilization");
            CostCliSupport.RequirePrice(parseResult.GetValue(price));
            var weightPrecision = CostCliSupport.ParsePrecision(parseResult.GetValue(precision), "--precision", allowInt4: true);
            var cachePrecision = CostCliSupport.ParsePrecision(parseResult.GetValue(kvPrecision), "--kv-precision", allowInt4: false);

            var gpuCatalog = CostCliSupport.LoadCatalog(parseResult, catalog);
            var spec = CostCliSupport.ResolveGpu(gpuCatalog, parseResult.GetValue(gpu));
            var request = new InferenceCostRequest(
                n,
                parseResult.GetValue(layers),
                parseResult.GetValue(hidden),
                spec.Name,
                parseResult.GetValue(gpus),
                parseResult.GetValue(batch),
                parseResult.GetValue(prompt),
                parseResult.GetValue(output))
            {
                KvHeads = parseResult.GetValue(kvHeads),
                PricePerGpuHourUsd = parseResult.GetValue(price),
                ActiveParameters = parseResult.GetValue(active),
                AttentionHeads = parseResult.GetValue(heads),
                HeadDimension = parseResult.GetValue(headDim),
                KvLatentDimension = parseResult.GetValue(latent),
                WeightPrecision = weightPrecision,
                KvCachePrecision = cachePrecision,
                ComputeEfficiency = parseResult.GetValue(computeEfficiency),
                MemoryBandwidthEfficiency = parseResult.GetValue(memoryEfficiency),
                UsableMemoryFraction = parseResult.GetValue(memoryFraction),
                Utilization = parseResult.GetValue(utilization),
            };
            var e = new AnalyticCostModel(gpuCatalog).EstimateInference(request);
            CostCliSupport.RequireFiniteResults("--parameters, --batch, --prompt-tokens, --output-tokens", e.PrefillSeconds, e.DecodeTokensPerSecond, e.CostPerMillionOutputTokensUsd, e.CostPerMillionInputTokensUsd, e.KvCacheBytesPerToken, e.TimePerOutputTokenSeconds, e.DecodeSeconds, e.OutputTokensPerSecond, e.MemoryPerGpuBytes);

            if (parseResult.GetValue(CliContext.JsonOption))
            {
                context.WriteJson(new
                {
                    prefillSeconds = e.PrefillSeconds,
                    decodeTokensPerSecond = e.DecodeTokensPerSecond,
                    costPerMillionOutputTokensUsd = e.CostPerMillionOutputTokensUsd,
                    costPerMillionInputTokensUsd = e.CostPerMillionInputTokensUsd,
                    kvCacheBytesPerToken = e.KvCacheBytesPerToken,
                    decodeTokensPerSecondPerGpu = e.DecodeTokensPerSecondPerGpu,
                    timePerOutputTokenSeconds = e.TimePerOutputTokenSeconds,
                    decodeSeconds = e.DecodeSeconds,
                    outputTokensPerSecond = e.OutputTokensPerSecond,
                    outputTokensPerSecondPerGpu = e.OutputTokensPerSecondPerGpu,
                    prefillTokensPerSecond = e.PrefillTokensPerSecond,
                    maxBatch = e.MaxBatch,
                    fitsInMemory = e.FitsInMemory,
                    weightBytes = e.WeightBytes,
                    kvCacheBytes = e.KvCacheBytes,
                    memoryPerGpuBytes = e.MemoryPerGpuBytes,
                    prefillBound = e.PrefillBound,
                    decodeBound = e.DecodeBound,
                    pricePerGpuHourUsd = e.PricePerGpuHourUsd,
                    gpu = spec.Name,
                    gpus = request.GpuCount,
                    batch = request.Batch,
                    weightPrecision = weightPrecision.ToString().ToLowerInvariant(),
                    kvCachePrecision = cachePrecision.ToString().ToLowerInvariant(),
                });
                return CliApp.Success;
            }

            var table = new Table().Border(TableBorder.Rounded).Title("Serving cost (one replica)").AddColumn("quantity").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("replica", $"{request.GpuCount} × {Markup.Escape(spec.Name)}, batch {request.Batch}, {request.PromptTokens} in / {request.OutputTokens} out");
            table.AddRow("weights / KV cache per token", $"{CostCliSupport.Bytes(e.WeightBytes)} ({weightPrecision.ToString().ToLowerInvariant()}) / {CostCliSupport.Number(e.KvCacheBytesPerToken, "N0")} B ({cachePrecision.ToString().ToLowerInvariant()})");
            table.AddRow("memory per GPU", $"{CostCliSupport.Bytes(e.MemoryPerGpuBytes)} of {CostCliSupport.Bytes(spec.MemoryBytes)}");
            table.AddRow("largest batch that fits", e.FitsInMemory ? CostCliSupport.Number(e.MaxBatch, "N0") : $"[red]{CostCliSupport.Number(e.MaxBatch, "N0")} (requested batch does not fit)[/]");
            table.AddRow("prefill (time to first token)", $"{CostCliSupport.Number(e.PrefillSeconds * 1000, "N1")} ms ({e.PrefillBound.ToString().ToLowerInvariant()}-bound)");
            table.AddRow("time per output token", $"{CostCliSupport.Number(e.TimePerOutputTokenSeconds * 1000, "N2")} ms ({e.DecodeBound.ToString().ToLowerInvariant()}-bound)");
            table.AddRow("decode tokens/s (replica / GPU)", $"{CostCliSupport.Number(e.DecodeTokensPerSecond, "N0")} / {CostCliSupport.Number(e.DecodeTokensPerSecondPerGpu, "N0")}");
            table.AddRow("end-to-end output tokens/s", CostCliSupport.Number(e.OutputTokensPerSecond, "N0"));
            table.AddRow("price per GPU-hour", CostCliSupport.Usd(e.PricePerGpuHourUsd));
            table.AddRow("[bold]$ per 1M input tokens[/]", "[bold]" + CostCliSupport.Usd(e.CostPerMillionInputTokensUsd) + "[/]");
            table.AddRow("[bold]$ per 1M output tokens[/]", "[bold]" + CostCliSupport.Usd(e.CostPerMillionOutputTokensUsd) + "[/]");
            context.Console.Write(table);
            return CliApp.Success;
        }));
        return command;
    }

    /// <summary>
    /// Refuses attention shapes that contradict each other or would be ignored: grouped-query attention shares each KV
    /// head among heads / kv-heads query heads, so --kv-heads must divide --heads; --heads × --head-dim is the hidden size
    /// when both are given (a model whose head dimension is not hidden / heads, such as Gemma-7B, is described by
    /// --kv-heads and --head-dim alone: the KV cache is 2 × kv-heads × head-dim × layers × bytes per token); latent attention caches its own latent vector, so it replaces the head options.
    /// </summary>
    internal static void RequireConsistentShape(int hidden, int? heads, int? kvHeads, int? headDim, int? latent)
    {
        if (latent is not null && (heads is not null || kvHeads is not null || headDim is not null))
        {
            throw new CliUsageException("--kv-latent-dim: latent attention caches one latent vector per token and layer, so --kv-heads, --heads and --head-dim would be ignored; give one or the other.");
        }

        if (heads is { } h && kvHeads is { } kv && (kv > h || h % kv != 0))
        {
            throw new CliUsageException($"--kv-heads: {kv} must divide --heads {h} (each key-value head serves heads / kv-heads query heads).");
        }

        if (heads is { } h2 && headDim is { } d && (long)h2 * d != hidden)
        {
            throw new CliUsageException($"--head-dim: {d} × --heads {h2} = {(long)h2 * d}, but --hidden is {hidden}; --heads × --head-dim must equal --hidden; for models whose head dimension is not hidden / heads, such as Gemma-7B, give --kv-heads and --head-dim without --heads.");
        }

        if (heads is { } h3 && headDim is null && hidden % h3 != 0)
        {
            throw new CliUsageException($"--heads: {h3} must divide --hidden {hidden} (head dimension = hidden / heads).");
        }

        if (headDim is { } d2 && heads is null && kvHeads is null)
        {
            throw new CliUsageException($"--head-dim: {d2} is used only with --kv-heads (grouped-query attention); without it the KV cache is 2 × --hidden per token and layer.");
        }
    }
}

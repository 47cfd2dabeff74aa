using System.CommandLine;
using System.Globalization;
using LlmCore.Cli.Infrastructure;
using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;
using LlmCore.Commercialization.Serving;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Cost;

/// <summary><c>llmcore cost simulate</c>: one serving deployment under a Poisson or trace workload, request by request.</summary>
internal static class SimulateCommand
{
    private const int ProgressThreshold = 5000;

    public static Command Create(CliContext context)
    {
        var model = ServingCliSupport.CreateModelOption();
        var gpu = new Option<string>("--gpu") { Description = "GPU name (case-insensitive), e.g. H100-SXM; see 'llmcore cost gpus'.", Required = true };
        var gpus = new Option<int>("--gpus") { Description = "GPUs of the deployment: replicas × tp × pp.", Required = true };
        var tp = new Option<int?>("--tp") { Description = "Tensor-parallel degree per replica (default: the smallest power of two that fits the model)." };
        var pp = new Option<int>("--pp") { Description = "Pipeline stages per replica.", DefaultValueFactory = _ => 1 };
        var precision = new Option<string>("--precision") { Description = "Weight precision: fp16 (default), fp8 or int4 (the KV cache is fp8 with fp8 weights, else fp16).", DefaultValueFactory = _ => "fp16" };
        var rate = new Option<double?>("--rate") { Description = "Poisson arrival rate, requests per second (required unless --trace)." };
        var input = new Option<int?>("--input") { Description = "Prompt tokens per request (required unless --trace)." };
        var output = new Option<int?>("--output") { Description = "Output tokens per request (required unless --trace)." };
        var requests = new Option<int?>("--requests") { Description = "Requests to simulate (required unless --trace)." };
        var maxRequests = new Option<int>("--max-requests")
        {
            Description = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The most requests --requests may ask for, or rows a --trace file may hold (the simulator holds about 250 bytes per request); default {DefaultMaxRequests:N0} (about 1.3 GB)."),
            DefaultValueFactory = _ => DefaultMaxRequests,
        };
        var trace = new Option<FileInfo?>("--trace") { Description = "A CSV of requests instead of a Poisson stream: header arrival_s,input_tokens,output_tokens." };
        var seed = new Option<int>("--seed") { Description = "Seed of the arrivals.", DefaultValueFactory = _ => 0 };
        var stream = ServingCliSupport.CreateStreamOption();
        var disaggregated = new Option<bool>("--disaggregated") { Description = "Separate prefill and decode replicas (KV cache moves between them)." };
        var prefillReplicas = new Option<int?>("--prefill-replicas") { Description = "Prefill replicas when --disaggregated (default: half, at least one)." };
        var maxBatch = new Option<int>("--max-batch") { Description = "Largest running batch per replica.", DefaultValueFactory = _ => 256 };
        var tokenBudget = new Option<int>("--token-budget") { Description = "Tokens per iteration (chunked-prefill chunk size).", DefaultValueFactory = _ => 2048 };
        var batching = new Option<string>("--batching") { Description = "chunked-prefill (default) or prefill-first.", DefaultValueFactory = _ => "chunked-prefill" };
        var admission = new Option<string>("--admission") { Description = "reserve-prompt (default; preempts and recomputes when the KV cache runs out) or reserve-full (never preempts).", DefaultValueFactory = _ => "reserve-prompt" };
        var interconnect = new Option<double?>("--interconnect-gbps") { Description = "GPU-to-GPU bandwidth within a replica in GB/s (bidirectional), for boards that join each pair of GPUs by only part of the links, e.g. 300 on a 4-GPU HGX H100 board (default: the GPU's own figure)." };
        var routing = ServingCliSupport.CreateRoutingOption();
        var ttft = new Option<double?>("--ttft-p99") { Description = "TTFT target in seconds, for goodput (with --tpot-p99)." };
        var tpot = new Option<double?>("--tpot-p99") { Description = "TPOT target in seconds, for goodput (with --ttft-p99)." };
        var price = CostCliSupport.CreatePriceOption();
        price.Description = "Price of one GPU-hour in US dollars (default: the dated price of the GPU; see docs/commercialization.md).";
        var plot = CliOptions.Plot("Write a PNG of the latency CDFs (TTFT, TPOT, end to end)");
        var catalog = CostCliSupport.CreateGpuCatalogOption();

        var command = new Command("simulate", "Simulate one serving deployment request by request: throughput, TTFT/TPOT percentiles, KV-cache use, preemptions and cost.");
        foreach (var option in new Option[] { model, gpu, gpus, tp, pp, precision, rate, input, output, requests, trace, seed, stream, disaggregated, prefillReplicas, maxBatch, tokenBudget, batching, admission, routing, interconnect, ttft, tpot, price, plot, catalog, maxRequests })
        {
            command.Options.Add(option);
        }

        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            var architecture = ServingCliSupport.ResolveModel(parseResult.GetValue(model));
            var gpuCatalog = CostCliSupport.LoadCatalog(parseResult, catalog);
            var spec = CostCliSupport.ResolveGpu(gpuCatalog, parseResult.GetValue(gpu));
            var total = parseResult.GetValue(gpus);
            CostCliSupport.RequirePositive(total, "--gpus");
            var stages = parseResult.GetValue(pp);
            CostCliSupport.RequirePositive(stages, "--pp");
            var weights = CostCliSupport.ParsePrecision(parseResult.GetValue(precision), "--precision", allowInt4: true);
            if (weights == NumericPrecision.Fp8 && spec.DenseFp8FlopsPerSecond is null)
            {
                throw CliUsageException.ForOption("--precision", $"fp8 needs a GPU with FP8 units; {spec.Name} has none", "fp8");
            }

            CostCliSupport.RequirePositive(parseResult.GetValue(maxBatch), "--max-batch");
            CostCliSupport.RequirePositive(parseResult.GetValue(tokenBudget), "--token-budget");
            var interconnectGbps = parseResult.GetValue(interconnect);
            if (interconnectGbps is { } gbps)
            {
                CostCliSupport.RequirePositive(gbps, "--interconnect-gbps", 1e6);
            }

            CostCliSupport.RequirePrice(parseResult.GetValue(price));
            var slo = ServingCliSupport.ParseSlo(parseResult.GetValue(ttft), parseResult.GetValue(tpot), required: false);
            var workload = BuildWorkload(parseResult, trace, rate, input, output, requests, maxRequests, seed);
            var simulator = new ServingSimulator(gpuCatalog);

            var template = new ServingDeployment(architecture, spec.Name, 1, stages, 1)
            {
                WeightPrecision = weights,
                MaxBatch = parseResult.GetValue(maxBatch),
                TokenBudget = parseResult.GetValue(tokenBudget),
                Batching = ParseBatching(parseResult.GetValue(batching)),
                Admission = ParseAdmission(parseResult.GetValue(admission)),
                Routing = ServingCliSupport.ParseRouting(parseResult.GetValue(routing)),
                StreamTokens = parseResult.GetValue(stream),
                PricePerGpuHourUsd = parseResult.GetValue(price),
                InterconnectBytesPerSecond = interconnectGbps * 1e9,
            };
            var tensor = parseResult.GetValue(tp) ?? DefaultTensorParallel(simulator, template, total, workload);
            CostCliSupport.RequirePositive(tensor, "--tp");
            if (total % (tensor * stages) != 0)
            {
                throw CliUsageException.ForOption("--gpus", $"must be a multiple of --tp × --pp = {tensor * stages}", total);
            }

            var replicas = total / (tensor * stages);
            int? prefill = null;
            if (parseResult.GetValue(disaggregated))
            {
                if (replicas < 2)
                {
                    throw CliUsageException.ForOption("--gpus", $"must hold at least two replicas of {tensor * stages} GPUs for --disaggregated", total);
                }

                prefill = parseResult.GetValue(prefillReplicas) ?? Math.Max(1, replicas / 2);
                OptionChecks.InRange("--prefill-replicas", prefill.Value, 1, replicas - 1);
            }
            else if (parseResult.GetValue(prefillReplicas) is { } stray)
            {
                throw CliUsageException.ForOption("--prefill-replicas", "needs --disaggregated", stray);
            }

            var deployment = template with { TensorParallel = tensor, Replicas = replicas, PrefillReplicas = prefill };
            ServingSimulationResult result;
            try
            {
                var show = context.ShowProgress(parseResult) && workload.Count >= ProgressThreshold;
                result = ServingCliSupport.WithProgress(context, show, "simulating", p => simulator.Simulate(deployment, workload, new ServingSimulationOptions { Slo = slo }, p, context.CancellationToken));
            }
            catch (ArgumentException ex) when (ex is not UnknownGpuException)
            {
                throw new CliUsageException($"--gpus {total} --tp {tensor} --pp {stages}: {ex.Message}", ex);
            }

            var plotPath = parseResult.GetValue(plot);
            if (plotPath is not null)
            {
                ServingPlots.SaveLatencyCdf(plotPath, result, $"{architecture.Name} on {ServingCliSupport.Describe(deployment)}");
            }

            if (parseResult.GetValue(CliContext.JsonOption))
            {
                context.WriteJson(ToJson(result, plotPath));
                return CliApp.Success;
            }

            WriteTable(context, result, plotPath);
            return CliApp.Success;
        }));
        return command;
    }

    /// <summary>The default of <c>--max-requests</c>: 5,000,000 requests, about 1.3 GB of simulation.</summary>
    public const int DefaultMaxRequests = 5_000_000;

    private static ServingWorkload BuildWorkload(ParseResult parseResult, Option<FileInfo?> trace, Option<double?> rate, Option<int?> input, Option<int?> output, Option<int?> requests, Option<int> maxRequests, Option<int> seed)
    {
        if (parseResult.GetValue(trace) is { } file)
        {
            foreach (var (option, name) in new (Option, string)[] { (rate, "--rate"), (input, "--input"), (output, "--output"), (requests, "--requests") })
            {
                if (parseResult.GetResult(option) is not null)
                {
                    throw new CliUsageException($"{name} cannot be combined with --trace (the trace gives the requests).");
                }
            }

            if (!file.Exists)
            {
                throw CliUsageException.ForOption("--trace", "must name an existing CSV file", file.FullName);
            }

            var traceLimit = parseResult.GetValue(maxRequests);
            CostCliSupport.RequirePositive(traceLimit, "--max-requests");
            CsvRowLimit.Check(file.FullName, "--trace", traceLimit, "--max-requests", "the simulator holds about 250 bytes per request");
            try
            {
                return ServingWorkload.LoadCsv(file.FullName);
            }
            catch (FormatException ex)
            {
                throw new CliUsageException($"--trace {file.Name}: {ex.Message}", ex);
            }
        }

        var r = parseResult.GetValue(rate) ?? throw new CliUsageException("--rate is required (or --trace).");
        var i = parseResult.GetValue(input) ?? throw new CliUsageException("--input is required (or --trace).");
        var o = parseResult.GetValue(output) ?? throw new CliUsageException("--output is required (or --trace).");
        var n = parseResult.GetValue(requests) ?? throw new CliUsageException("--requests is required (or --trace).");
        CostCliSupport.RequirePositive(r, "--rate");
        CostCliSupport.RequirePositive(i, "--input");
        CostCliSupport.RequirePositive(o, "--output");
        CostCliSupport.RequirePositive(n, "--requests");
        var limit = parseResult.GetValue(maxRequests);
        CostCliSupport.RequirePositive(limit, "--max-requests");
        if (n > limit)
        {
            throw new CliUsageException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--requests: {n:N0} is more than the limit of {limit:N0} (--max-requests; the simulator holds about 250 bytes per request: 10⁶ requests peaked at 305 MB); raise it with --max-requests N if the machine has the memory."));
        }

        return ServingWorkload.Poisson(r, n, TokenLengths.Fixed(i), TokenLengths.Fixed(o), parseResult.GetValue(seed));
    }

    /// <summary>The smallest power-of-two tensor degree (up to the GPUs per pipeline stage) whose replica holds the weights and the longest request.</summary>
    private static int DefaultTensorParallel(ServingSimulator simulator, ServingDeployment template, int total, ServingWorkload workload)
    {
        var longest = workload.MaxInputTokens + workload.MaxOutputTokens;
        for (var t = 1; t * template.PipelineParallel <= total; t *= 2)
        {
            if (total % (t * template.PipelineParallel) != 0)
            {
                break;
            }

            var profile = simulator.Profile(template with { TensorParallel = t });
            if (profile.FitsInMemory && profile.KvCacheTokens >= longest)
            {
                return t;
            }
        }

        throw CliUsageException.ForOption("--gpus", $"are too few for {template.Model.Name} in {ServingCliSupport.Precision(template.WeightPrecision)} on {template.Gpu}: no power-of-two --tp up to {total / template.PipelineParallel} holds its weights and a {longest}-token request", total);
    }

    private static BatchingPolicy ParseBatching(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "chunked-prefill" or "chunked" => BatchingPolicy.ChunkedPrefill,
        "prefill-first" => BatchingPolicy.PrefillFirst,
        _ => throw CliUsageException.ForOption("--batching", "must be chunked-prefill or prefill-first", value),
    };

    private static AdmissionPolicy ParseAdmission(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "reserve-prompt" => AdmissionPolicy.ReservePrompt,
        "reserve-full" => AdmissionPolicy.ReserveFullSequence,
        _ => throw CliUsageException.ForOption("--admission", "must be reserve-prompt or reserve-full", value),
    };

    private static object ToJson(ServingSimulationResult r, string? plot) => new
    {
        requests = r.Requests,
        completed = r.Completed,
        throughputTokensPerSecond = r.ThroughputTokensPerSecond,
        ttftMeanSeconds = r.Ttft.Mean,
        ttftP99Seconds = r.Ttft.P99,
        tpotMeanSeconds = r.Tpot.Mean,
        tpotP99Seconds = r.Tpot.P99,
        costPerMillionOutputTokensUsd = r.CostPerMillionOutputTokensUsd,
        ttftP50Seconds = r.Ttft.P50,
        ttftP90Seconds = r.Ttft.P90,
        tpotP50Seconds = r.Tpot.P50,
        tpotP90Seconds = r.Tpot.P90,
        e2eMeanSeconds = r.EndToEnd.Mean,
        e2eP50Seconds = r.EndToEnd.P50,
        e2eP90Seconds = r.EndToEnd.P90,
        e2eP99Seconds = r.EndToEnd.P99,
        durationSeconds = r.DurationSeconds,
        requestsPerSecond = r.RequestsPerSecond,
        inputTokens = r.InputTokens,
        outputTokens = r.OutputTokens,
        goodputRequestsPerSecond = r.GoodputRequestsPerSecond,
        sloAttainment = r.SloAttainment,
        meetsSlo = r.MeetsSlo,
        preemptions = r.Preemptions,
        iterations = r.Iterations,
        kvCacheUtilizationMean = r.MeanKvCacheUtilization,
        kvCacheUtilizationPeak = r.PeakKvCacheUtilization,
        kvCacheTokensPerReplica = r.KvCacheTokensPerReplica,
        gpuHours = r.GpuHours,
        costUsd = r.CostUsd,
        pricePerGpuHourUsd = r.PricePerGpuHourUsd,
        costPerMillionOutputTokensAtOfferedLoadUsd = r.CostPerMillionOutputTokensAtOfferedLoadUsd,
        deployment = ServingCliSupport.DeploymentJson(r.Deployment),
        stream = r.Deployment.StreamTokens,
        kvCacheUtilization = r.KvCacheUtilization.Select(static s => new { timeSeconds = s.TimeSeconds, utilization = s.Utilization }),
        plot,
    };

    private static void WriteTable(CliContext context, ServingSimulationResult r, string? plot)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Markup.Escape($"{r.Deployment.Model.Name}: {ServingCliSupport.Describe(r.Deployment)}"))
            .AddColumn("metric").AddColumn(new TableColumn("mean").RightAligned()).AddColumn(new TableColumn("p50").RightAligned())
            .AddColumn(new TableColumn("p90").RightAligned()).AddColumn(new TableColumn("p99").RightAligned());
        foreach (var (name, s) in new[] { ("time to first token", r.Ttft), ("time per output token", r.Tpot), ("end-to-end latency", r.EndToEnd) })
        {
            table.AddRow(name, ServingCliSupport.Seconds(s.Mean), ServingCliSupport.Seconds(s.P50), ServingCliSupport.Seconds(s.P90), ServingCliSupport.Seconds(s.P99));
        }

        context.Console.Write(table);
        var summary = new Table().Border(TableBorder.Rounded).AddColumn("quantity").AddColumn(new TableColumn("value").RightAligned());
        summary.AddRow("requests (completed)", string.Create(inv, $"{r.Requests:N0} ({r.Completed:N0})"));
        summary.AddRow("throughput", string.Create(inv, $"{r.ThroughputTokensPerSecond:N0} output tokens/s, {r.RequestsPerSecond:N2} requests/s"));
        if (r.Slo is { } slo)
        {
            summary.AddRow("goodput", string.Create(inv, $"{r.GoodputRequestsPerSecond:N2} requests/s ({r.SloAttainment:P1} within TTFT ≤ {slo.TtftP99Seconds:G4} s, TPOT ≤ {slo.TpotP99Seconds:G4} s)"));
            summary.AddRow("p99 within the SLO", r.MeetsSlo == true ? "yes" : "[red]no[/]");
        }

        summary.AddRow("KV cache (mean / peak)", string.Create(inv, $"{r.MeanKvCacheUtilization:P0} / {r.PeakKvCacheUtilization:P0} of {r.KvCacheTokensPerReplica:N0} tokens per replica"));
        summary.AddRow("preemptions", r.Preemptions.ToString("N0", inv));
        summary.AddRow("GPU-hours", string.Create(inv, $"{r.GpuHours:N3} ({r.GpuCount} GPUs × {r.DurationSeconds:N1} s)"));
        summary.AddRow("cost of the run", CostCliSupport.Usd(r.CostUsd) + " at " + CostCliSupport.Usd(r.PricePerGpuHourUsd) + "/GPU-hour");
        summary.AddRow("[bold]$ per 1M output tokens[/]", "[bold]" + CostCliSupport.Usd(r.CostPerMillionOutputTokensUsd) + "[/]");
        if (r.CostPerMillionOutputTokensAtOfferedLoadUsd is { } steady)
        {
            summary.AddRow("  at the offered load (steady state)", CostCliSupport.Usd(steady));
        }

        context.Console.Write(summary);
        if (plot is not null)
        {
            context.Console.WriteLine($"Latency CDF written to {plot}.");
        }
    }
}

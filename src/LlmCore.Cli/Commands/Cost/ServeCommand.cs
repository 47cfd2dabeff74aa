using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LlmCore.Cli.Infrastructure;
using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Serving;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Cost;

/// <summary><c>llmcore cost serve</c>: the cheapest deployment that meets a p99 TTFT/TPOT target, and the Pareto set.</summary>
internal static class ServeCommand
{
    /// <summary>The fewest requests per candidate: the p99 needs a hundred.</summary>
    private const int MinRequests = 100;

    /// <summary>The most requests per candidate: one simulation at a time, about 250 bytes per request (10⁶ requests of
    /// <c>cost simulate</c> peaked at 305 MB), keeps the search within the 2-GB promise of docs/cli.md.</summary>
    private const int MaxRequests = 1_000_000;

    public static Command Create(CliContext context)
    {
        var model = ServingCliSupport.CreateModelOption();
        var rate = new Option<double>("--rate") { Description = "Poisson arrival rate, requests per second.", Required = true };
        var input = new Option<int>("--input") { Description = "Prompt tokens per request.", Required = true };
        var output = new Option<int>("--output") { Description = "Output tokens per request.", Required = true };
        var ttft = new Option<double>("--ttft-p99") { Description = "99th-percentile time-to-first-token target, seconds.", Required = true };
        var tpot = new Option<double>("--tpot-p99") { Description = "99th-percentile time-per-output-token target, seconds.", Required = true };
        var gpus = new Option<string?>("--gpus") { Description = "Comma-separated GPU types to search (default: " + string.Join(",", DeploymentSearchRequest.DefaultGpus) + ")." };
        var precisions = new Option<string>("--precisions") { Description = "Comma-separated weight precisions to search.", DefaultValueFactory = _ => "fp16,fp8,int4" };
        var noDisaggregation = new Option<bool>("--no-disaggregated") { Description = "Search aggregated deployments only." };
        var requests = new Option<int>("--requests") { Description = "Requests simulated per candidate, 100 to 1,000,000 (the same seeded sample for all).", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the simulated arrivals.", DefaultValueFactory = _ => 0 };
        var stream = ServingCliSupport.CreateStreamOption();
        var routing = ServingCliSupport.CreateRoutingOption();
        var maxReplicas = new Option<int>("--max-replicas") { Description = "Most replicas a deployment may have.", DefaultValueFactory = _ => 256 };
        var price = CostCliSupport.CreatePriceOption();
        price.Description = "One price per GPU-hour for every GPU, US dollars (default: each GPU's dated price; see docs/commercialization.md).";
        var plot = CliOptions.Plot("Write a PNG of cost against p99 TPOT: every candidate simulated, the Pareto set and the answer");
        var catalog = CostCliSupport.CreateGpuCatalogOption();

        var command = new Command("serve", "Find the cheapest deployment (GPU, TP/PP, precision, batch, chunk, disaggregation, replicas) that meets a p99 TTFT/TPOT target at a request rate.");
        foreach (var option in new Option[] { model, rate, input, output, ttft, tpot, gpus, precisions, noDisaggregation, requests, seed, stream, routing, maxReplicas, price, plot, catalog })
        {
            command.Options.Add(option);
        }

        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            var architecture = ServingCliSupport.ResolveModel(parseResult.GetValue(model));
            CostCliSupport.RequirePositive(parseResult.GetValue(rate), "--rate");
            CostCliSupport.RequirePositive(parseResult.GetValue(input), "--input");
            CostCliSupport.RequirePositive(parseResult.GetValue(output), "--output");
            var slo = ServingCliSupport.ParseSlo(parseResult.GetValue(ttft), parseResult.GetValue(tpot), required: true)!;
            if (parseResult.GetValue(requests) is < MinRequests or > MaxRequests)
            {
                throw CliUsageException.ForOption("--requests", "must be an integer in [100, 1000000] (p99 needs 100; each simulation holds about 250 bytes per request)", parseResult.GetValue(requests));
            }

            CostCliSupport.RequirePositive(parseResult.GetValue(maxReplicas), "--max-replicas");
            CostCliSupport.RequirePrice(parseResult.GetValue(price));
            var gpuCatalog = CostCliSupport.LoadCatalog(parseResult, catalog);
            var gpuList = ParseGpus(gpuCatalog, parseResult.GetValue(gpus));
            var precisionList = (parseResult.GetValue(precisions) ?? string.Empty)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => CostCliSupport.ParsePrecision(p, "--precisions", allowInt4: true)).Distinct().ToArray();
            if (precisionList.Length == 0)
            {
                throw CliUsageException.ForOption("--precisions", "must list fp16, fp8 or int4", parseResult.GetValue(precisions));
            }

            var request = new DeploymentSearchRequest(architecture, parseResult.GetValue(rate), TokenLengths.Fixed(parseResult.GetValue(input)), TokenLengths.Fixed(parseResult.GetValue(output)), slo)
            {
                Gpus = gpuList,
                Precisions = precisionList,
                IncludeDisaggregated = !parseResult.GetValue(noDisaggregation),
                SimulatedRequests = parseResult.GetValue(requests),
                Seed = parseResult.GetValue(seed),
                MaxReplicas = parseResult.GetValue(maxReplicas),
                PricePerGpuHourUsd = parseResult.GetValue(price),
                StreamTokens = parseResult.GetValue(stream),
                Routing = ServingCliSupport.ParseRouting(parseResult.GetValue(routing)),
            };

            var search = new DeploymentSearch(new ServingSimulator(gpuCatalog));
            var stopwatch = Stopwatch.StartNew();
            DeploymentSearchResult result;
            try
            {
                result = ServingCliSupport.WithProgress(context, context.ShowProgress(parseResult), "searching deployments", p => search.Search(request, p, context.CancellationToken));
            }
            catch (NoFeasibleDeploymentException ex)
            {
                var option = ex.Reason == DeploymentSearchFailure.ModelDoesNotFit ? "--model" : "--ttft-p99/--tpot-p99";
                throw new CliUsageException($"{option}: {ex.Message}", ex);
            }

            var seconds = stopwatch.Elapsed.TotalSeconds;
            var plotPath = parseResult.GetValue(plot);
            if (plotPath is not null)
            {
                ServingPlots.SavePareto(plotPath, result, $"{architecture.Name}, {request.RequestsPerSecond:G4} req/s, {parseResult.GetValue(input)}+{parseResult.GetValue(output)} tokens");
            }

            if (parseResult.GetValue(CliContext.JsonOption))
            {
                context.WriteJson(ToJson(result, seconds, plotPath));
                return CliApp.Success;
            }

            WriteTables(context, result, seconds, plotPath);
            return CliApp.Success;
        }));
        return command;
    }

    private static string[] ParseGpus(GpuCatalog catalog, string? list)
    {
        if (list is null)
        {
            return [.. DeploymentSearchRequest.DefaultGpus.Where(g => catalog.TryGet(g, out _))];
        }

        var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
        {
            throw CliUsageException.ForOption("--gpus", "must list at least one GPU", list);
        }

        return [.. names.Select(n => catalog.TryGet(n, out var gpu)
            ? gpu.Name
            : throw CliUsageException.ForOption("--gpus", $"must list known GPUs: {string.Join(", ", catalog.Names)} (case-insensitive)", n)).Distinct()];
    }

    private static object Candidate(DeploymentEvaluation e) => new
    {
        gpu = e.Deployment.Gpu,
        gpus = e.Deployment.GpuCount,
        tp = e.Deployment.TensorParallel,
        pp = e.Deployment.PipelineParallel,
        precision = ServingCliSupport.Precision(e.Deployment.WeightPrecision),
        disaggregated = e.Deployment.IsDisaggregated,
        replicas = e.Deployment.Replicas,
        prefillReplicas = e.Deployment.PrefillReplicas,
        maxBatch = e.Deployment.MaxBatch,
        tokenBudget = e.Deployment.TokenBudget,
        costPerMillionOutputTokensUsd = e.CostPerMillionOutputTokensUsd,
        costPerHourUsd = e.CostPerHourUsd,
        ttftP99Seconds = e.TtftP99Seconds,
        tpotP99Seconds = e.TpotP99Seconds,
        meetsSlo = e.MeetsSlo,
    };

    private static object ToJson(DeploymentSearchResult r, double seconds, string? plot) => new
    {
        deployment = ServingCliSupport.DeploymentJson(r.Best.Deployment),
        costPerMillionOutputTokensUsd = r.Best.CostPerMillionOutputTokensUsd,
        ttftP99Seconds = r.Best.TtftP99Seconds,
        tpotP99Seconds = r.Best.TpotP99Seconds,
        pareto = r.Pareto.Select(Candidate),
        costPerHourUsd = r.Best.CostPerHourUsd,
        pricePerGpuHourUsd = r.Best.Deployment.PricePerGpuHourUsd,
        throughputTokensPerSecond = r.Best.ThroughputTokensPerSecond,
        configurations = r.Configurations,
        prunedByMemory = r.PrunedByMemory,
        prunedByLatency = r.PrunedByLatency,
        prunedByCost = r.PrunedByCost,
        simulations = r.Simulations,
        searchSeconds = seconds,
        plot,
        stream = r.Request.StreamTokens,
    };

    private static void WriteTables(CliContext context, DeploymentSearchResult r, double seconds, string? plot)
    {
        var inv = CultureInfo.InvariantCulture;
        var b = r.Best;
        var table = new Table().Border(TableBorder.Rounded).Title("Cheapest deployment meeting the SLO")
            .AddColumn("quantity").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("deployment", Markup.Escape(ServingCliSupport.Describe(b.Deployment)));
        table.AddRow("p99 TTFT / TPOT", $"{ServingCliSupport.Seconds(b.TtftP99Seconds)} / {ServingCliSupport.Seconds(b.TpotP99Seconds)} (target {ServingCliSupport.Seconds(r.Request.Slo.TtftP99Seconds)} / {ServingCliSupport.Seconds(r.Request.Slo.TpotP99Seconds)})");
        table.AddRow("fleet cost", CostCliSupport.Usd(b.CostPerHourUsd) + " per hour at " + CostCliSupport.Usd(b.Deployment.PricePerGpuHourUsd ?? 0) + "/GPU-hour");
        table.AddRow("[bold]$ per 1M output tokens[/]", "[bold]" + CostCliSupport.Usd(b.CostPerMillionOutputTokensUsd) + "[/]");
        context.Console.Write(table);

        var pareto = new Table().Border(TableBorder.Rounded).Title("Pareto set: cost against p99 latency (simulated candidates)")
            .AddColumn("deployment").AddColumn(new TableColumn("$/1M out").RightAligned()).AddColumn(new TableColumn("p99 TTFT").RightAligned())
            .AddColumn(new TableColumn("p99 TPOT").RightAligned()).AddColumn(new TableColumn("meets SLO").Centered());
        foreach (var e in r.Pareto)
        {
            pareto.AddRow(Markup.Escape(ServingCliSupport.Describe(e.Deployment)), CostCliSupport.Usd(e.CostPerMillionOutputTokensUsd), ServingCliSupport.Seconds(e.TtftP99Seconds), ServingCliSupport.Seconds(e.TpotP99Seconds), e.MeetsSlo ? "yes" : "no");
        }

        context.Console.Write(pareto);
        context.Console.MarkupLine(Markup.Escape(string.Create(inv, $"{r.Configurations:N0} configurations: {r.PrunedByMemory:N0} do not fit memory, {r.PrunedByLatency:N0} cannot meet the target even alone, {r.PrunedByCost:N0} cost more than the bound; {r.Simulations:N0} simulations in {seconds:F1} s.")));
        if (plot is not null)
        {
            context.Console.WriteLine($"Pareto plot written to {plot}.");
        }
    }
}

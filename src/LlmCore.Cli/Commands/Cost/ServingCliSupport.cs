using System.CommandLine;
using System.Globalization;
using LlmCore.Cli.Infrastructure;
using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;
using LlmCore.Commercialization.Serving;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Cost;

/// <summary>What <c>llmcore cost simulate</c> and <c>llmcore cost serve</c> share: model names, the deployment JSON object, progress.</summary>
internal static class ServingCliSupport
{
    public static Option<string> CreateModelOption() => new("--model")
    {
        Description = "The model: " + string.Join(", ", ModelPresets.All.Select(static m => m.Name.ToLowerInvariant())) + " (case-insensitive).",
        Required = true,
    };

    public static ModelArchitecture ResolveModel(string? name)
    {
        if (!ModelPresets.TryGet(name, out var model))
        {
            throw CliUsageException.ForOption("--model", "must be one of: " + string.Join(", ", ModelPresets.All.Select(static m => m.Name.ToLowerInvariant())), name);
        }

        return model;
    }

    /// <summary>The <c>--stream</c> flag of <c>cost simulate</c> and <c>cost serve</c>: each replica streams every token to the client.</summary>
    public static Option<bool> CreateStreamOption() => new("--stream")
    {
        Description = "Stream every generated token to the client as an online server does (costs host time per running sequence in every "
            + "iteration, fitted per GPU on MLPerf Inference v4.1 Server runs: H100 43 µs, H200 20 µs, MI300X 69 µs, L40S 3.7 µs; "
            + (ServingCalibration.Uncalibrated.StreamingSecondsPerSequence * 1e6).ToString("0", CultureInfo.InvariantCulture)
            + " µs for other GPUs); default: each response returned whole.",
    };

    public static ServingSlo? ParseSlo(double? ttft, double? tpot, bool required)
    {
        if (ttft is null && tpot is null && !required)
        {
            return null;
        }

        if (ttft is null || tpot is null)
        {
            throw new CliUsageException(ttft is null ? "--ttft-p99 is required with --tpot-p99." : "--tpot-p99 is required with --ttft-p99.");
        }

        OptionChecks.PositiveFinite("--ttft-p99", ttft.Value);
        OptionChecks.PositiveFinite("--tpot-p99", tpot.Value);

        return new ServingSlo(ttft.Value, tpot.Value);
    }

    public static string Precision(NumericPrecision precision) => precision.ToString().ToLowerInvariant();

    /// <summary>The <c>deployment</c> object of the CLI contract (gpu, gpus, tp, pp, precision, disaggregated) with extra keys.</summary>
    public static object DeploymentJson(ServingDeployment d) => new
    {
        gpu = d.Gpu,
        gpus = d.GpuCount,
        tp = d.TensorParallel,
        pp = d.PipelineParallel,
        precision = Precision(d.WeightPrecision),
        disaggregated = d.IsDisaggregated,
        replicas = d.Replicas,
        prefillReplicas = d.PrefillReplicas,
        maxBatch = d.MaxBatch,
        tokenBudget = d.TokenBudget,
        kvCachePrecision = Precision(d.EffectiveKvCachePrecision),
        model = d.Model.Name,
        interconnectGbPerSecond = d.InterconnectBytesPerSecond / 1e9,
        routing = RoutingName(d.Routing),
    };

    /// <summary>The <c>--routing</c> option of <c>cost simulate</c> and <c>cost serve</c>.</summary>
    public static Option<string> CreateRoutingOption() => new("--routing")
    {
        Description = "least-outstanding (default), round-robin, or shared-queue (no router: each replica takes waiting requests when it starts an iteration).",
        DefaultValueFactory = _ => "least-outstanding",
    };

    /// <summary>Reads <c>--routing</c>; another value exits 2 naming the three.</summary>
    public static RoutingPolicy ParseRouting(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "least-outstanding" => RoutingPolicy.LeastOutstandingRequests,
        "round-robin" => RoutingPolicy.RoundRobin,
        "shared-queue" => RoutingPolicy.SharedQueue,
        _ => throw CliUsageException.ForOption("--routing", "must be least-outstanding, round-robin or shared-queue", value),
    };

    /// <summary>The CLI's name of a routing policy (the values of <c>--routing</c>).</summary>
    public static string RoutingName(RoutingPolicy routing) => routing switch
    {
        RoutingPolicy.RoundRobin => "round-robin",
        RoutingPolicy.SharedQueue => "shared-queue",
        _ => "least-outstanding",
    };

    public static string Describe(ServingDeployment d)
    {
        var shape = d.PipelineParallel > 1 ? $"TP{d.TensorParallel}·PP{d.PipelineParallel}" : $"TP{d.TensorParallel}";
        var replicas = d.PrefillReplicas is { } p ? $"{p} prefill + {d.Replicas - p} decode" : $"{d.Replicas}";
        var streamed = d.StreamTokens ? ", streamed" : string.Empty;
        var link = d.InterconnectBytesPerSecond is { } bytes ? string.Create(CultureInfo.InvariantCulture, $", {bytes / 1e9:G4} GB/s between GPUs") : string.Empty;
        return $"{replicas} × {shape} {d.Gpu} ({d.GpuCount} GPUs), {Precision(d.WeightPrecision)}, batch ≤ {d.MaxBatch}, {d.TokenBudget}-token budget{streamed}{link}";
    }

    public static string Seconds(double seconds) => seconds switch
    {
        < 1 => (seconds * 1000).ToString("0.0", CultureInfo.InvariantCulture) + " ms",
        _ => seconds.ToString("0.000", CultureInfo.InvariantCulture) + " s",
    };

    /// <summary>Runs <paramref name="work"/> under a progress bar when <paramref name="show"/> (a terminal, not --json).</summary>
    public static T WithProgress<T>(CliContext context, bool show, string label, Func<IProgress<double>?, T> work)
    {
        if (!show)
        {
            return work(null);
        }

        T result = default!;
        context.Console.Progress().Start(ctx =>
        {
            var bar = ctx.AddTask(label, maxValue: 1.0);
            result = work(new ActionProgress(f => bar.Value = f));
        });
        return result;
    }

    /// <summary>Reports synchronously (System.Progress would post to the thread pool).</summary>
    private sealed class ActionProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}

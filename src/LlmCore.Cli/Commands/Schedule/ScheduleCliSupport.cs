using System.CommandLine;
using System.Globalization;
using LlmCore.Cli.Infrastructure;
using LlmCore.Scheduling;
using LlmCore.Scheduling.Policies;
using LlmCore.Scheduling.Simulation;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Schedule;

/// <summary>Options and helpers shared by <c>schedule simulate</c> and <c>schedule compare</c>.</summary>
internal sealed class ScheduleCliSupport
{
    public Option<string> Trace { get; } = new("--trace") { Description = "Trace CSV: job_id,submit_time_s,duration_s,gpus[,tenant,priority]; other columns are ignored.", Required = true };

    public Option<int?> Nodes { get; } = new("--nodes") { Description = "Nodes in the simulated cluster (required unless --cluster is given)." };

    public Option<int?> GpusPerNode { get; } = new("--gpus-per-node") { Description = "GPUs per node (required unless --cluster is given)." };

    public Option<string?> ClusterFilePath { get; } = new("--cluster") { Description = "A cluster file (JSON, or YAML when it ends in .yaml/.yml: topology levels, nodes and GPU types; see docs/scheduling.md) in place of --nodes and --gpus-per-node." };

    public Option<string?> Throughputs { get; } = new("--throughputs") { Description = "A throughput file (JSON, or YAML when it ends in .yaml/.yml: steps/s of each job class on each GPU type); jobs of a class run at its speed on the GPU type they get." };

    public Option<string> Heterogeneity { get; } = new("--heterogeneity")
    {
        Description = "With --throughputs: aware (place each job where its normalised throughput is highest, count service in normalised GPU-seconds) or agnostic.",
        DefaultValueFactory = _ => "aware",
    };

    public Option<bool> Backfill { get; } = new("--backfill") { Description = "Enable EASY backfill (uses the runtime estimates)." };

    public Option<bool> Preemption { get; } = new("--preemption") { Description = "Preemption is on by default, as in the library; this flag is accepted for compatibility." };

    public Option<bool> NoPreemption { get; } = new("--no-preemption") { Description = "Turn preemption off (priority, quota reclaim and the srtf/las orderings never preempt; srtf and las then only order the queue)." };

    public Option<string> Estimates { get; } = new("--estimates")
    {
        Description = "Runtime estimates for sjf, srtf and backfill: perfect (the trace's duration), noisy (log-normal error, --estimate-sigma) or none.",
        DefaultValueFactory = _ => "perfect",
    };

    public Option<double> EstimateSigma { get; } = new("--estimate-sigma") { Description = "σ of the log-normal estimate error for --estimates noisy.", DefaultValueFactory = _ => 1.0 };

    public Option<int> Seed { get; } = new("--seed") { Description = "Seed of estimate noise and injected failures.", DefaultValueFactory = _ => 1 };

    public Option<int?> Jobs { get; } = new("--jobs") { Description = "Replay only the first N jobs of the trace." };

    public Option<double> LoadFactor { get; } = new("--load-factor") { Description = "Scale the arrival rate (2 doubles the offered load).", DefaultValueFactory = _ => 1.0 };

    public Option<double> CheckpointMinutes { get; } = new("--checkpoint-minutes") { Description = "Checkpoint interval of every job in minutes; 0 means no checkpoints.", DefaultValueFactory = _ => 10.0 };

    public Option<double> RestartSeconds { get; } = new("--restart-seconds") { Description = "Time a restarted run spends restoring its checkpoint.", DefaultValueFactory = _ => 30.0 };

    public Option<double> JobFailureRate { get; } = new("--job-failure-rate") { Description = "Probability that a run fails part-way (it is retried up to 3 times).", DefaultValueFactory = _ => 0.0 };

    public Option<int> MaxTraceRows { get; } = CreateMaxTraceRowsOption();

    public Option<long> MaxClusterGpus { get; } = CreateMaxClusterGpusOption();

    public Option<double?> Until { get; } = new("--until") { Description = "Stop at this trace time (seconds); jobs still waiting or running are reported unfinished." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Trace, Nodes, GpusPerNode, ClusterFilePath, Throughputs, Heterogeneity, Backfill, Preemption, NoPreemption, Estimates, EstimateSigma, Seed, Jobs, LoadFactor, CheckpointMinutes, RestartSeconds, JobFailureRate, Until, MaxTraceRows, MaxClusterGpus })
        {
            command.Options.Add(option);
        }
    }

    public Trace LoadTrace(ParseResult parseResult) => LoadTrace(parseResult, scale: true);

    /// <summary>Reads <c>--trace</c>, keeps <c>--jobs</c>, and (when <paramref name="scale"/>) applies <c>--load-factor</c>.</summary>
    public Trace LoadTrace(ParseResult parseResult, bool scale)
    {
        var path = parseResult.GetValue(Trace)!;
        var trace = ReadTrace(path, parseResult.GetValue(MaxTraceRows));

        if (parseResult.GetValue(Jobs) is { } jobs)
        {
            OptionChecks.AtLeast("--jobs", jobs, 1);
            trace = trace.Take(jobs);
        }

        // An empty trace has no JCT and no fairness to report (a header-only file used to print JCT 0 s and Jain 1.000).
        if (trace.Jobs.Count == 0)
        {
            throw new CliUsageException($"--trace: '{path}' has no jobs (only a header); give at least one row job_id,submit_time_s,duration_s,gpus.");
        }

        var factor = parseResult.GetValue(LoadFactor);
        OptionChecks.PositiveFinite("--load-factor", factor);

        if (factor != 1 && scale)
        {
            try
            {
                trace = trace.ScaleLoad(factor);
            }
            catch (ArgumentException)
            {
                throw new CliUsageException($"--load-factor: {factor.ToString("R", CultureInfo.InvariantCulture)} stretches the submission times beyond 1e9 s, the most a trace may span; give a larger factor.");
            }
        }

        // --until before the first submission would report an empty run (no job submitted): refused like an empty trace.
        if (parseResult.GetValue(Until) is { } until && until < trace.Jobs[0].SubmitSeconds)
        {
            throw new CliUsageException($"--until: {until.ToString("R", CultureInfo.InvariantCulture)} s is before the first submission ({trace.Jobs[0].SubmitSeconds.ToString("R", CultureInfo.InvariantCulture)} s); no job would be submitted.");
        }

        return trace;
    }

    /// <summary>Creates <c>--max-trace-rows</c>, the limit on a trace's job rows (shared by simulate, compare and run).</summary>
    public static Option<int> CreateMaxTraceRowsOption() => new("--max-trace-rows")
    {
        Description = string.Create(CultureInfo.InvariantCulture, $"The most job rows a trace may have (the simulator holds about 0.6 KB per job); a longer trace is refused before it is read whole. Default {TraceReader.DefaultMaxRows:N0} (about 0.6 GB), at most {TraceReader.MaxRowsLimit:N0}."),
        DefaultValueFactory = _ => TraceReader.DefaultMaxRows,
    };

    /// <summary>The <c>--max-cluster-gpus</c> option of <c>schedule simulate</c>, <c>compare</c> and <c>run</c>.</summary>
    public static Option<long> CreateMaxClusterGpusOption() => new("--max-cluster-gpus")
    {
        Description = string.Create(CultureInfo.InvariantCulture, $"The most GPUs a cluster may have; above the default the node limit (and a cluster file's domain limit, 1,000,000 each) rises in proportion. Default {Cluster.MaxGpus:N0}, at most {Cluster.MaxGpusCeiling:N0}."),
        DefaultValueFactory = _ => Cluster.MaxGpus,
    };

    /// <summary>Reads <c>--max-cluster-gpus</c>: exits 2 outside [1, <see cref="Cluster.MaxGpusCeiling"/>].</summary>
    public static long GetMaxClusterGpus(ParseResult parseResult, Option<long> option)
    {
        var value = parseResult.GetValue(option);
        if (value is < 1 or > Cluster.MaxGpusCeiling)
        {
            throw CliUsageException.ForOption("--max-cluster-gpus", $"must be between 1 and {Cluster.MaxGpusCeiling.ToString("N0", CultureInfo.InvariantCulture)} (the largest cluster the simulator's arrays can hold)", value);
        }

        return value;
    }

    /// <summary>
    /// Refuses <c>--nodes</c> × <c>--gpus-per-node</c> beyond the limits of <paramref name="maxGpus"/>, before anything is
    /// allocated (2147483647 nodes × 1024 GPUs used to run out of memory); the message names <c>--max-cluster-gpus</c>.
    /// </summary>
    public static void CheckClusterSize(int nodes, int gpusPerNode, long maxGpus)
    {
        var maxNodes = Cluster.MaxNodesFor(maxGpus);
        if (nodes > maxNodes)
        {
            throw CliUsageException.ForOption("--nodes", $"must be ≤ {maxNodes.ToString("N0", CultureInfo.InvariantCulture)} (the node limit; --max-cluster-gpus above {Cluster.MaxGpus.ToString("N0", CultureInfo.InvariantCulture)} raises it in proportion, up to {Cluster.MaxNodesFor(Cluster.MaxGpusCeiling).ToString("N0", CultureInfo.InvariantCulture)})", nodes);
        }

        var total = (long)nodes * gpusPerNode;
        if (total > maxGpus)
        {
            throw new CliUsageException($"--nodes × --gpus-per-node: {nodes} × {gpusPerNode} = {total.ToString("N0", CultureInfo.InvariantCulture)} GPUs, more than the {maxGpus.ToString("N0", CultureInfo.InvariantCulture)} of --max-cluster-gpus (raise it, up to {Cluster.MaxGpusCeiling.ToString("N0", CultureInfo.InvariantCulture)}, if the machine has the memory).");
        }
    }

    /// <summary>
    /// Reads <c>--trace</c> with at most <paramref name="maxRows"/> job rows: a malformed row exits 2 with its line and
    /// column, a trace past the limit exits 2 naming <c>--max-trace-rows</c>, at the first row past it.
    /// </summary>
    public static Trace ReadTrace(string path, int maxRows)
    {
        if (maxRows < 1 || maxRows > TraceReader.MaxRowsLimit)
        {
            throw CliUsageException.ForOption("--max-trace-rows", string.Create(CultureInfo.InvariantCulture, $"must be in [1, {TraceReader.MaxRowsLimit:N0}]"), maxRows);
        }

        try
        {
            return TraceReader.ReadFile(path, maxRows);
        }
        catch (TraceFormatException ex)
        {
            throw new CliUsageException("--trace: " + ex.Message, ex);
        }
        catch (ArgumentOutOfRangeException ex) when (ex.ParamName == "maxRows")
        {
            throw new CliUsageException(string.Create(CultureInfo.InvariantCulture, $"--trace: '{path}' has more than {maxRows:N0} job rows, the limit of --max-trace-rows (default {TraceReader.DefaultMaxRows:N0}; the simulator holds about 0.6 KB per job, so the default keeps a run near 0.6 GB); raise it with --max-trace-rows N (at most {TraceReader.MaxRowsLimit:N0}) if the machine has the memory."), ex);
        }
    }

    public Cluster BuildCluster(ParseResult parseResult)
    {
        var nodes = parseResult.GetValue(Nodes);
        var gpus = parseResult.GetValue(GpusPerNode);
        var maxGpus = GetMaxClusterGpus(parseResult, MaxClusterGpus);
        if (parseResult.GetValue(ClusterFilePath) is { } path)
        {
            if (nodes is not null || gpus is not null)
            {
                throw new CliUsageException("--cluster: replaces --nodes and --gpus-per-node; give one or the other.");
            }

            try
            {
                return YamlAsJson.IsYamlPath(path)
                    ? YamlAsJson.Load(path, (json, source) => ClusterFile.Parse(json, source, maxGpus))
                    : ClusterFile.Load(path, maxGpus);
            }
            catch (FileNotFoundException)
            {
                throw CliUsageException.ForOption("--cluster", "must name an existing JSON or YAML file", path);
            }
            catch (SchedulingFileException ex)
            {
                // A size limit names the option that raises it.
                var raise = ex.Message.Contains("more than", StringComparison.Ordinal) ? " (raise the limit with --max-cluster-gpus)" : string.Empty;
                throw new CliUsageException("--cluster: " + ex.Message + raise, ex);
            }
        }

        if (nodes is null || gpus is null)
        {
            throw new CliUsageException("--nodes and --gpus-per-node are required unless --cluster gives the cluster.");
        }

        OptionChecks.AtLeast("--nodes", nodes.Value, 1);
        OptionChecks.AtLeast("--gpus-per-node", gpus.Value, 1);

        CheckClusterSize(nodes.Value, gpus.Value, maxGpus);
        return Cluster.Uniform(nodes.Value, gpus.Value, "GPU", 0, maxGpus);
    }

    /// <summary>The throughput matrix of <c>--throughputs</c>, or <see langword="null"/>.</summary>
    public ThroughputMatrix? LoadThroughputs(ParseResult parseResult)
    {
        if (parseResult.GetValue(Throughputs) is not { } path)
        {
            if (parseResult.GetResult(Heterogeneity) is { Implicit: false })
            {
                throw new CliUsageException("--heterogeneity: needs --throughputs (the speed of each job class on each GPU type).");
            }

            return null;
        }

        try
        {
            return YamlAsJson.IsYamlPath(path) ? YamlAsJson.Load(path, ThroughputMatrix.Parse) : ThroughputMatrix.Load(path);
        }
        catch (FileNotFoundException)
        {
            throw CliUsageException.ForOption("--throughputs", "must name an existing JSON or YAML file", path);
        }
        catch (SchedulingFileException ex)
        {
            throw new CliUsageException("--throughputs: " + ex.Message, ex);
        }
    }

    /// <summary>The heterogeneity variants to run: aware, agnostic, or (when <paramref name="allowBoth"/>) both.</summary>
    public bool[] HeterogeneityVariants(ParseResult parseResult, bool allowBoth)
    {
        return parseResult.GetValue(Heterogeneity)!.Trim().ToLowerInvariant() switch
        {
            "aware" => [true],
            "agnostic" => [false],
            "both" when allowBoth => [false, true],
            var other => throw CliUsageException.ForOption("--heterogeneity", allowBoth ? "must be aware, agnostic or both" : "must be aware or agnostic", other),
        };
    }

    /// <summary>A policy's label in tables, plots and JSON: its name, and with a throughput matrix its variant.</summary>
    public static string Label(SchedulingPolicy policy) =>
        policy.Throughputs is null ? policy.Name : $"{policy.Name} ({(policy.HeterogeneityAware ? "aware" : "agnostic")})";

    /// <summary>Whether preemption is on: the library's default (on) unless <c>--no-preemption</c> is given.</summary>
    public bool PreemptionEnabled(ParseResult parseResult)
    {
        var off = parseResult.GetValue(NoPreemption);
        if (off && parseResult.GetValue(Preemption))
        {
            throw new CliUsageException("--no-preemption: cannot be combined with --preemption.");
        }

        return !off;
    }

    public static SchedulingPolicy BuildPolicy(string name, bool backfill, bool preemption, string option)
    {
        var normalized = name.Trim().ToLowerInvariant();
        if (!SchedulingPolicy.Names.Contains(normalized))
        {
            throw CliUsageException.ForOption(option, "must be one of " + string.Join(", ", SchedulingPolicy.Names), name);
        }

        return SchedulingPolicy.Create(normalized, backfill, preemption);
    }

    /// <summary><see cref="BuildPolicy(string, bool, bool, string)"/> with a throughput matrix and its variant.</summary>
    public static SchedulingPolicy BuildPolicy(string name, bool backfill, bool preemption, string option, ThroughputMatrix? throughputs, bool aware) =>
        BuildPolicy(name, backfill, preemption, option) with { Throughputs = throughputs, HeterogeneityAware = throughputs is not null && aware };

    /// <summary>Writes one warning line to stderr for the policies that cannot act as named in this configuration (e.g. <c>las</c> without preemption).</summary>
    public static void WarnAboutConfiguration(CliContext context, IEnumerable<SchedulingPolicy> policies)
    {
        var warnings = policies.Select(p => p.ConfigurationWarning).OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        if (warnings.Length > 0)
        {
            context.Error.WriteLine("warning: " + string.Join("; ", warnings) + "; drop --no-preemption to let it preempt.");
        }
    }

    public SimulationOptions BuildOptions(ParseResult parseResult)
    {
        var estimates = parseResult.GetValue(Estimates)!.Trim().ToLowerInvariant() switch
        {
            "perfect" => RuntimeEstimateMode.Perfect,
            "noisy" => RuntimeEstimateMode.Noisy,
            "none" => RuntimeEstimateMode.None,
            var other => throw CliUsageException.ForOption("--estimates", "must be perfect, noisy or none", other),
        };
        var sigma = parseResult.GetValue(EstimateSigma);
        OptionChecks.NonNegativeFinite("--estimate-sigma", sigma);

        if (estimates != RuntimeEstimateMode.Noisy && parseResult.GetResult(EstimateSigma) is { Implicit: false })
        {
            throw CliUsageException.ForOption("--estimate-sigma", "applies to --estimates noisy only", sigma);
        }

        var checkpoint = parseResult.GetValue(CheckpointMinutes);
        OptionChecks.NonNegativeFinite("--checkpoint-minutes", checkpoint);

        var restart = parseResult.GetValue(RestartSeconds);
        OptionChecks.NonNegativeFinite("--restart-seconds", restart);

        var failure = parseResult.GetValue(JobFailureRate);
        OptionChecks.InRange("--job-failure-rate", failure, 0, 1);

        var until = parseResult.GetValue(Until);
        if (until is { } u)
        {
            OptionChecks.NonNegativeFinite("--until", u);
        }

        return new SimulationOptions
        {
            RuntimeEstimates = estimates,
            EstimateErrorSigma = sigma,
            Seed = parseResult.GetValue(Seed),
            CheckpointInterval = checkpoint == 0 ? null : TimeSpan.FromMinutes(checkpoint),
            RestartCost = TimeSpan.FromSeconds(restart),
            JobFailureProbability = failure,
            UntilSeconds = until,
        };
    }

    public static SimulationResult Run(CliContext context, ParseResult parseResult, Simulator simulator, Trace trace, string label)
    {
        if (!context.ShowProgress(parseResult))
        {
            return simulator.Run(trace, cancellationToken: context.CancellationToken);
        }

        SimulationResult? result = null;
        context.Console.Progress().Start(ctx =>
        {
            var bar = ctx.AddTask(label, maxValue: 1.0);
            result = simulator.Run(trace, new ActionProgress<double>(f => bar.Value = f), context.CancellationToken);
        });
        return result!;
    }

    /// <summary>The cluster for titles: "N × G GPUs" when uniform, else its GPUs per type and topology levels.</summary>
    public static string Describe(Cluster cluster)
    {
        if (cluster.GpuTypes.Count == 1 && cluster.Nodes.All(n => n.Gpus == cluster.MaxGpusPerNode))
        {
            return $"{cluster.Nodes.Count} × {cluster.MaxGpusPerNode} GPUs";
        }

        var types = string.Join(" + ", cluster.GpuTypes.Select(t => $"{cluster.Nodes.Where(n => string.Equals(n.GpuType, t, StringComparison.OrdinalIgnoreCase)).Sum(n => n.Gpus)} {t}"));
        return $"{types} GPUs on {cluster.Nodes.Count} nodes";
    }

    public static string Seconds(double value) => value.ToString("N0", CultureInfo.InvariantCulture) + " s";

    public static string Fraction(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>Reports synchronously (System.Progress would post to the thread pool).</summary>
    internal sealed class ActionProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LlmCore.Cli.Infrastructure;
using LlmCore.Privacy.Accounting;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Privacy;

/// <summary>
/// <c>llmcore privacy epsilon</c>: ε of DP-SGD after T steps, by the RDP or the PLD accountant, for Poisson-sampled
/// batches (add/remove neighbours) or fixed-size batches sampled without replacement (replace-one neighbours, RDP only).
/// JSON keys: <c>epsilon</c>, <c>delta</c>, <c>accountant</c>, <c>sampling</c>, <c>neighboringRelation</c>, <c>order</c>
/// for rdp (null when ε is infinite), <c>epsilonLower</c> (the optimistic estimate) for pld. An infinite ε is written as
/// the JSON string "Infinity" (never a finite stand-in).
/// </summary>
internal static class EpsilonCommand
{
    public static Command Create(CliContext context)
    {
        var sampleRate = new Option<double?>("--sample-rate") { Description = "Q, the Poisson sampling rate, in (0, 1]." };
        var noise = new Option<double>("--noise-multiplier") { Description = "S, the noise multiplier sigma (> 0).", Required = true };
        var steps = new Option<long?>("--steps") { Description = "T, the number of steps (>= 1)." };
        var delta = new Option<double>("--delta") { Description = "D, the target delta, in (0, 1).", Required = true };
        var datasetSize = new Option<long?>("--dataset-size") { Description = "N, in place of Q and T with --batch-size and --epochs: Q = B/N." };
        var batchSize = new Option<long?>("--batch-size") { Description = "B, the expected batch size." };
        var epochs = new Option<double?>("--epochs") { Description = "E, the number of epochs: T = ceil(E*N/B)." };
        var accountant = new Option<string>("--accountant") { Description = "rdp (default) or pld.", DefaultValueFactory = _ => "rdp" };
        var orders = new Option<string?>("--orders") { Description = "Comma-separated Renyi orders for rdp (default: Opacus' 151 orders)." };
        var plot = CliOptions.Plot("Write a PNG of epsilon against epochs 1..E for rdp and pld (needs --dataset-size/--batch-size/--epochs)");
        var sampling = new Option<string>("--sampling")
        {
            Description = "poisson (default: each example joins a batch with probability Q; add/remove neighbours) or without-replacement (fixed-size batches of a shuffled epoch; replace-one neighbours, so the clipped sum's sensitivity is 2C; rdp only).",
            DefaultValueFactory = _ => "poisson",
        };

        var maxGridPoints = AccountingOptionsParsing.CreatePldMaxGridPointsOption();
        var command = new Command("epsilon", "Epsilon of DP-SGD (Poisson-sampled or fixed-size batches) after T steps.");
        foreach (var o in new Option[] { sampleRate, noise, steps, delta, datasetSize, batchSize, epochs, accountant, orders, plot, sampling, maxGridPoints })
        {
            command.Options.Add(o);
        }

        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            var kind = AccountingOptionsParsing.ParseAccountant(parseResult.GetValue(accountant));
            var withoutReplacement = AccountingOptionsParsing.ParseSampling(parseResult.GetValue(sampling));
            if (withoutReplacement && kind == PrivacyAccountantKind.Pld)
            {
                throw CliUsageException.ForOption("--accountant", "must be rdp with --sampling without-replacement (PLD accounting of fixed-size batches is not supported)", "pld");
            }

            if (kind == PrivacyAccountantKind.Pld && parseResult.GetValue(orders) is { } givenOrders)
            {
                throw CliUsageException.ForOption("--orders", "applies to --accountant rdp only (PLD has no Rényi orders)", givenOrders);
            }

            var gridLimit = AccountingOptionsParsing.CheckPldMaxGridPoints(parseResult, maxGridPoints, kind);
            var orderList = AccountingOptionsParsing.ParseOrders(parseResult.GetValue(orders));
            var sigma = parseResult.GetValue(noise);
            var d = parseResult.GetValue(delta);
            AccountingOptionsParsing.CheckPositive("--noise-multiplier", sigma);
            AccountingOptionsParsing.CheckDelta(d);
            var (q, t, dataset) = ResolveSamplingAndSteps(
                parseResult.GetValue(sampleRate), parseResult.GetValue(steps),
                parseResult.GetValue(datasetSize), parseResult.GetValue(batchSize), parseResult.GetValue(epochs));

            PrivacyEvent step = withoutReplacement ? WithoutReplacementStep(q, dataset, sigma) : new PoissonSampledEvent(q, new GaussianEvent(sigma));
            double epsilon;
            double? epsilonLower = null;
            double? order = null;
            var atBoundary = false;
            if (kind == PrivacyAccountantKind.Rdp)
            {
                var rdp = new RdpAccountant(orderList);
                rdp.Compose(step, t);
                var result = rdp.GetEpsilonResult(d);
                epsilon = result.Epsilon;
                order = result.OptimalOrder;
                atBoundary = result.IsOptimalOrderAtBoundary;
            }
            else
            {
                var bounds = AccountingOptionsParsing.WithinPldLimits(() => AccountingOptionsParsing.WithPldProgress(context, parseResult, report =>
                {
                    // Two stages of about equal work: the pessimistic composition (built and checked against the grid
                    // limit by Compose) and the optimistic one (built by GetEpsilonBounds).
                    var pld = AccountingOptionsParsing.CreatePld(gridLimit);
                    pld.Compose(step, t, context.CancellationToken);
                    report(0.5);
                    return pld.GetEpsilonBounds(d, context.CancellationToken);
                }));
                epsilon = bounds.Upper;
                epsilonLower = bounds.Lower;
            }

            var plotPath = parseResult.GetValue(plot);
            if (plotPath is not null)
            {
                if (dataset is null)
                {
                    throw CliUsageException.ForOption("--plot", "needs --dataset-size, --batch-size and --epochs", plotPath);
                }

                AccountingOptionsParsing.WithinPldLimits(() => EpsilonPlot.Write(plotPath, dataset.Value.N, dataset.Value.B, dataset.Value.E, step, sigma, d, orderList, gridLimit));
            }

            if (parseResult.GetValue(CliContext.JsonOption))
            {
                var json = new JsonObject
                {
                    ["epsilon"] = epsilon,
                    ["delta"] = d,
                    ["accountant"] = AccountingOptionsParsing.Name(kind),
                    ["sampleRate"] = q,
                    ["noiseMultiplier"] = sigma,
                    ["steps"] = t,
                    ["sampling"] = AccountingOptionsParsing.SamplingName(withoutReplacement),
                    ["neighboringRelation"] = withoutReplacement ? "replace-one" : "add-or-remove-one",
                };
                if (kind == PrivacyAccountantKind.Rdp)
                {
                    json["order"] = order;
                    json["orderAtBoundary"] = atBoundary;
                }
                else
                {
                    json["epsilonLower"] = epsilonLower;
                }

                context.WriteJson(json);
                return CliApp.Success;
            }

            var table = new Table().AddColumn("quantity").AddColumn("value");
            table.AddRow("accountant", AccountingOptionsParsing.Name(kind));
            table.AddRow("sampling", withoutReplacement ? "without replacement (fixed-size batches, replace-one neighbours)" : "Poisson (add/remove neighbours)");
            table.AddRow(withoutReplacement ? "batch fraction b/n" : "sample rate q", q.ToString("G6", CultureInfo.InvariantCulture));
            table.AddRow("noise multiplier", sigma.ToString("G6", CultureInfo.InvariantCulture));
            table.AddRow("steps", t.ToString(CultureInfo.InvariantCulture));
            table.AddRow("delta", d.ToString("G6", CultureInfo.InvariantCulture));
            table.AddRow(kind == PrivacyAccountantKind.Pld ? "epsilon (pessimistic, upper)" : "epsilon", FormatEpsilon(epsilon));
            if (epsilonLower is { } lower)
            {
                table.AddRow("epsilon (optimistic, lower)", FormatEpsilon(lower));
            }
            if (kind == PrivacyAccountantKind.Rdp)
            {
                table.AddRow("optimal order", order?.ToString("G6", CultureInfo.InvariantCulture) ?? "-");
            }

            context.Console.Write(table);
            if (atBoundary)
            {
                context.Console.MarkupLine("[yellow]warning:[/] the optimal order is at an end of the order list; a wider --orders list may give a smaller epsilon.");
            }

            if (plotPath is not null)
            {
                context.Console.MarkupLine($"plot written to {Markup.Escape(plotPath)}");
            }

            return CliApp.Success;
        }));

        return command;
    }

    private static string FormatEpsilon(double epsilon) =>
        double.IsPositiveInfinity(epsilon) ? "infinite" : epsilon.ToString("F6", CultureInfo.InvariantCulture);

    /// <summary>
    /// One DP-SGD step on a fixed-size batch. With --dataset-size/--batch-size the event has those sizes; with --sample-rate
    /// only the fraction matters to the accounting, so it is written as B/2^62 with B = round(Q·2^62) (exact to an ulp).
    /// </summary>
    private static SampledWithoutReplacementEvent WithoutReplacementStep(double q, (long N, long B, double E)? dataset, double sigma)
    {
        if (dataset is { } sizes)
        {
            return SampledWithoutReplacementEvent.DpSgdStep(sizes.N, sizes.B, sigma);
        }

        const long n = 1L << 62;
        var b = (long)Math.Round(Math.ScaleB(q, 62));
        return SampledWithoutReplacementEvent.DpSgdStep(n, Math.Clamp(b, 1, n), sigma);
    }

    private static (double Q, long T, (long N, long B, double E)? Dataset) ResolveSamplingAndSteps(
        double? sampleRate, long? steps, long? datasetSize, long? batchSize, double? epochs)
    {
        var direct = sampleRate is not null || steps is not null;
        var dataset = datasetSize is not null || batchSize is not null || epochs is not null;
        if (direct && dataset)
        {
            throw new CliUsageException("give either --sample-rate and --steps, or --dataset-size, --batch-size and --epochs, not both.");
        }

        if (dataset)
        {
            if (datasetSize is not { } n || n < 1)
            {
                throw CliUsageException.ForOption("--dataset-size", "must be an integer ≥ 1", datasetSize);
            }

            if (batchSize is not { } b || b < 1 || b > n)
            {
                throw CliUsageException.ForOption("--batch-size", "must be an integer in [1, dataset size]", batchSize);
            }

            if (epochs is not { } e || !(e > 0) || double.IsInfinity(e))
            {
                throw CliUsageException.ForOption("--epochs", "must be a finite number > 0", epochs);
            }

            return ((double)b / n, NoiseCalibration.StepsForEpochs(e, n, b), (n, b, e));
        }

        if (sampleRate is not { } q)
        {
            throw CliUsageException.ForOption("--sample-rate", "is required (or --dataset-size, --batch-size and --epochs)", null);
        }

        AccountingOptionsParsing.CheckSampleRate(q);
        if (steps is not { } t)
        {
            throw CliUsageException.ForOption("--steps", "is required with --sample-rate", null);
        }

        AccountingOptionsParsing.CheckSteps(t);
        return (q, t, null);
    }
}

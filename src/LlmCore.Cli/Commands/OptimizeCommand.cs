using System.CommandLine;
using System.Globalization;
using LlmCore.Cli.Infrastructure;
using LlmCore.Optimization;
using LlmCore.Optimization.Factories;
using Spectre.Console;

namespace LlmCore.Cli.Commands;

/// <summary>
/// <c>llmcore optimize</c>: runs a torch.optim-style optimizer on a 2-D test function in double precision and prints
/// the final parameters and loss (and the trajectory with <c>--history</c>, or a contour plot with <c>--plot</c>).
/// A run whose loss, gradient or parameters become NaN or infinite stops at that step with exit code 3 (one line on
/// stderr, nothing on stdout, no plot).
/// </summary>
internal static class OptimizeCommand
{
    /// <summary>Runs of this many steps or more show a progress bar on a terminal (10⁷ steps took 74 s on a loaded machine).</summary>
    private const int ProgressFromSteps = 1_000_000;

    private static readonly string[] s_optimizers = ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "radam", "lion", "lamb", "lars", "adafactor"];

    private static readonly Dictionary<string, string> s_optionOf = new(StringComparer.Ordinal)
    {
        ["learningRate"] = "--lr",
        ["beta1"] = "--betas",
        ["beta2"] = "--betas",
        ["epsilon"] = "--eps",
        ["weightDecay"] = "--weight-decay",
        ["momentum"] = "--momentum",
        ["dampening"] = "--dampening",
        ["alpha"] = "--alpha",
        ["rho"] = "--alpha",
        ["learningRateDecay"] = "--lr-decay",
        ["initialAccumulatorValue"] = "--initial-accumulator-value",
        ["nesterov"] = "--nesterov",
    };

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var function = new Option<string>("--function") { Description = "The test function: rosenbrock or quadratic.", Required = true };
        function.AcceptOnlyFromAmong("rosenbrock", "quadratic");
        var optimizer = new Option<string>("--optimizer") { Description = $"The optimizer: {string.Join(", ", s_optimizers)}.", Required = true };
        optimizer.AcceptOnlyFromAmong(s_optimizers);
        var steps = new Option<int>("--steps") { Description = "The number of optimizer steps, ≥ 1.", Required = true };
        var start = new Option<string?>("--start") { Description = "The starting point X,Y (default: rosenbrock −1.5,2; quadratic 1,1)." };
        var lr = new Option<double?>("--lr") { Description = "The learning rate (torch.optim's default for the optimizer if omitted)." };
        var betas = new Option<string?>("--betas") { Description = "β₁,β₂ for the Adam family and Lion (default 0.9,0.999; Lion 0.9,0.99)." };
        var eps = new Option<double?>("--eps") { Description = "ε (the optimizer's default if omitted)." };
        var weightDecay = new Option<double?>("--weight-decay") { Description = "Weight decay (default 0; AdamW 0.01)." };
        var decoupled = new Option<bool>("--decoupled-weight-decay") { Description = "Decoupled weight decay for Adam, NAdam and RAdam." };
        var momentum = new Option<double?>("--momentum") { Description = "Momentum for SGD, RMSprop and LARS (default 0; LARS 0.9)." };
        var dampening = new Option<double?>("--dampening") { Description = "SGD's dampening (default 0)." };
        var nesterov = new Option<bool>("--nesterov") { Description = "Nesterov momentum (SGD, LARS)." };
        var amsgrad = new Option<bool>("--amsgrad") { Description = "AMSGrad (Adam, AdamW)." };
        var centered = new Option<bool>("--centered") { Description = "Centred RMSprop." };
        var alpha = new Option<double?>("--alpha") { Description = "RMSprop's α (default 0.99); Adadelta's ρ (default 0.9)." };
        var lrDecay = new Option<double?>("--lr-decay") { Description = "Adagrad's learning-rate decay (default 0)." };
        var initialAccumulator = new Option<double?>("--initial-accumulator-value") { Description = "Adagrad's initial accumulator (default 0)." };
        var history = new Option<bool>("--history") { Description = "Include the parameters after every step." };
        var plot = CliOptions.Plot("Write a PNG of the trajectory over the function's contours");

        var command = new Command("optimize", "Run an optimizer (torch.optim semantics, double precision) on the Rosenbrock or a quadratic function.");
        foreach (var option in new Option[] { function, optimizer, steps, start, lr, betas, eps, weightDecay, decoupled, momentum, dampening, nesterov, amsgrad, centered, alpha, lrDecay, initialAccumulator, history, plot })
        {
            command.Options.Add(option);
        }

        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            var json = parseResult.GetValue(CliContext.JsonOption);
            var functionName = parseResult.GetValue(function)!;
            var optimizerName = parseResult.GetValue(optimizer)!;
            var stepCount = parseResult.GetValue(steps);
            if (stepCount < 1 || stepCount > 10_000_000)
            {
                throw CliUsageException.ForOption("--steps", "must be in [1, 10000000]", stepCount);
            }

            var x0 = parseResult.GetValue(start) is { } startText
                ? ParsePair(startText, "--start")
                : functionName == "rosenbrock" ? (-1.5, 2.0) : (1.0, 1.0);
            (double B1, double B2)? betaPair = parseResult.GetValue(betas) is { } betaText ? ParsePair(betaText, "--betas") : null;
            var alphaValue = parseResult.GetValue(alpha);
            var settings = new OptimizerSettings
            {
                LearningRate = parseResult.GetValue(lr),
                Beta1 = betaPair?.B1,
                Beta2 = betaPair?.B2,
                Epsilon = parseResult.GetValue(eps),
                WeightDecay = parseResult.GetValue(weightDecay),
                DecoupledWeightDecay = parseResult.GetValue(decoupled),
                Momentum = parseResult.GetValue(momentum),
                Dampening = parseResult.GetValue(dampening),
                Nesterov = parseResult.GetValue(nesterov),
                AmsGrad = parseResult.GetValue(amsgrad),
                Centered = parseResult.GetValue(centered),
                Alpha = alphaValue,
                LearningRateDecay = parseResult.GetValue(lrDecay),
                InitialAccumulatorValue = parseResult.GetValue(initialAccumulator),
            };

            var parameter = new Parameter<double>("xy", [x0.Item1, x0.Item2]);
            IOptimizer<double> instance;
            try
            {
                instance = new OptimizerFactory().Create(optimizerName, [parameter], settings);
            }
            catch (ArgumentException ex) when (ex.ParamName is { } name && s_optionOf.TryGetValue(name, out var option))
            {
                throw new CliUsageException($"{option}: {CliContext.OneLine(ex.Message)}", ex);
            }

            var trajectory = new List<double[]>(stepCount + 1) { parameter.Values.ToArray() };
            if (context.ShowProgress(parseResult) && stepCount >= ProgressFromSteps)
            {
                context.Console.Progress().Start(ctx =>
                {
                    var bar = ctx.AddTask($"{optimizerName} on {functionName} (Ctrl-C stops)", maxValue: 1.0);
                    RunSteps(f => bar.Value = f);
                    bar.Value = 1.0;
                });
            }
            else
            {
                RunSteps(static _ => { });
            }

            void RunSteps(Action<double> report)
            {
                for (var k = 0; k < stepCount; k++)
                {
                    if ((k & 4095) == 0)
                    {
                        context.CancellationToken.ThrowIfCancellationRequested();
                        report((double)k / stepCount);
                    }

                    var (gx, gy) = Gradient(functionName, parameter.Values[0], parameter.Values[1]);
                    parameter.Gradient[0] = gx;
                    parameter.Gradient[1] = gy;
                    instance.Step();
                    var (x, y) = (parameter.Values[0], parameter.Values[1]);
                    if (Divergence(functionName, gx, gy, x, y) is { } what)
                    {
                        throw CliDivergedException.AtStep(k + 1, what, "try a smaller --lr (or another --optimizer)");
                    }

                    trajectory.Add([x, y]);
                }
            }

            var final = parameter.Values.ToArray();
            var loss = Loss(functionName, final[0], final[1]);
            var plotPath = parseResult.GetValue(plot) is { } plotName ? Path.GetFullPath(plotName) : null;
            if (plotPath is not null)
            {
                CliOptions.EnsureDirectoryFor(plotPath);
                TrajectoryPlot.Save(plotPath, functionName, optimizerName, trajectory, Loss);
            }

            if (json)
            {
                context.WriteJson(new OptimizeResult(functionName, optimizerName, final, loss, stepCount,
                    parseResult.GetValue(history) ? trajectory.Skip(1).ToArray() : null, plotPath));
                return CliApp.Success;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumn("step").AddColumn(new TableColumn("x").RightAligned()).AddColumn(new TableColumn("y").RightAligned()).AddColumn(new TableColumn("loss").RightAligned());
            var rows = parseResult.GetValue(history) ? Enumerable.Range(0, trajectory.Count) : new[] { 0, trajectory.Count - 1 };
            foreach (var k in rows)
            {
                var p = trajectory[k];
                table.AddRow(k.ToString(CultureInfo.InvariantCulture), F(p[0]), F(p[1]), F(Loss(functionName, p[0], p[1])));
            }

            context.Console.MarkupLine($"[bold]{Markup.Escape(optimizerName)}[/] on [bold]{functionName}[/], {stepCount} steps (double precision, torch.optim semantics)");
            context.Console.Write(table);
            if (plotPath is not null)
            {
                context.Console.MarkupLine($"Plot written to [underline]{Markup.Escape(plotPath)}[/].");
            }

            return CliApp.Success;
        }));
        return command;
    }

    /// <summary>f(x, y) = (1 − x)² + 100(y − x²)² or ½(x² + 10y²).</summary>
    public static double Loss(string function, double x, double y) => function == "rosenbrock"
        ? ((1 - x) * (1 - x)) + (100 * (y - (x * x)) * (y - (x * x)))
        : 0.5 * ((x * x) + (10 * y * y));

    /// <summary>What became non-finite after a step (the gradient that produced it, the parameters, or the loss), or <see langword="null"/>.</summary>
    private static string? Divergence(string function, double gx, double gy, double x, double y)
    {
        static string Name(double v) => double.IsNaN(v) ? "NaN" : "infinite";
        if (!double.IsFinite(gx) || !double.IsFinite(gy))
        {
            return $"the gradient is {Name(double.IsFinite(gx) ? gy : gx)}";
        }

        if (!double.IsFinite(x) || !double.IsFinite(y))
        {
            return $"the parameters are {Name(double.IsFinite(x) ? y : x)}";
        }

        var loss = Loss(function, x, y);
        return double.IsFinite(loss) ? null : $"the loss is {Name(loss)}";
    }

    private static (double X, double Y) Gradient(string function, double x, double y) => function == "rosenbrock"
        ? ((-2 * (1 - x)) - (400 * x * (y - (x * x))), 200 * (y - (x * x)))
        : (x, 10 * y);

    private static (double, double) ParsePair(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
            || !double.IsFinite(a) || !double.IsFinite(b))
        {
            throw CliUsageException.ForOption(option, "must be two finite numbers X,Y", text);
        }

        return (a, b);
    }

    private static string F(double value) => value.ToString("G10", CultureInfo.InvariantCulture);

    private sealed record OptimizeResult(string Function, string Optimizer, double[] Parameters, double Loss, int Steps, double[][]? History, string? Plot);
}

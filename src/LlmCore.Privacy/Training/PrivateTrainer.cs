using System.Numerics;
using LlmCore.Optimization;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Losses;
using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Training;

/// <summary>
/// The DP-SGD engine: trains a <see cref="Sequential{T}"/> with any <see cref="IOptimizer{T}"/> on one dataset with
/// Poisson-sampled batches, per-example clipping, Gaussian noise and step-by-step privacy accounting
/// (Abadi et al. 2016, "Deep learning with differential privacy").
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>One step: sample each example with probability q = B/N (<see cref="PoissonBatchSampler"/>); for each
/// physical chunk of the batch run one forward and backward pass for the per-example gradients and clip them
/// (<see cref="PrivateOptimizer{T}.ClipAndAccumulate"/>); add N(0, σ²C²), divide by q·N and step the optimizer;
/// then compose <c>PoissonSampledEvent(q, GaussianEvent(σ))</c> in the accountant. Consecutive identical steps are
/// composed as one <c>SelfComposedEvent</c> whenever the accountant, ε or the target check is consulted (the same
/// privacy, one RDP curve or one PLD self-convolution instead of one per step).</para>
/// <para>With <see cref="DpSgdOptions.TargetEpsilon"/> set, every step first asks the accountant what ε would be
/// after it (<see cref="IPrivacyAccountant.GetEpsilonIfComposed"/>) and refuses the step — before sampling or
/// drawing any noise — when that exceeds the target (fail closed).</para>
/// <para>ε protects each <em>example</em> of the dataset: the trained parameters (and everything computed from
/// them) change in distribution by at most a factor e^ε (plus δ) whether or not any one example was in it.</para>
/// <para>This type is not thread-safe: one training loop uses it at a time.</para>
/// </remarks>
public sealed class PrivateTrainer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Dataset<T> _train;
    private readonly ILoss<T> _loss;
    private readonly PoissonBatchSampler _sampler;
    private readonly PrivacyEvent _stepEvent;
    private readonly List<int> _batch = [];
    private readonly int _targetSize;
    private readonly int _chunkLimit;
    private readonly IPrivacyAccountant _accountant;
    private PerExampleGradients<T>? _perExample;
    private T[] _x = [];
    private T[] _y = [];
    private long _pending;

    /// <summary>Initializes a new instance of the <see cref="PrivateTrainer{T}"/> class.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="loss">The loss (a mean over the batch).</param>
    /// <param name="optimizer">The optimizer over <paramref name="model"/>'s parameters.</param>
    /// <param name="train">The private training data (N = its count).</param>
    /// <param name="options">The DP-SGD settings, validated against N.</param>
    /// <param name="accountant">The accountant to compose into; <see langword="null"/> creates one of <see cref="DpSgdOptions.Accountant"/>'s kind.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="accountant"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its range.</exception>
    /// <exception cref="ArgumentException">The data does not fit the model or the loss.</exception>
    public PrivateTrainer(Sequential<T> model, ILoss<T> loss, IOptimizer<T> optimizer, Dataset<T> train, DpSgdOptions options, IPrivacyAccountant? accountant = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(train.Count);
        if (train.FeatureCount != model.InputSize)
        {
            throw new ArgumentException($"The data has {train.FeatureCount} features; the model takes {model.InputSize}.", nameof(train));
        }

        _targetSize = loss.TargetSize(model.OutputSize);
        if (train.Targets.Length != train.Count * _targetSize)
        {
            throw new ArgumentException($"{loss.Name} needs {_targetSize} target value(s) per example; the data has {train.Targets.Length / train.Count}.", nameof(train));
        }

        Model = model;
        _loss = loss;
        _train = train;
        Delta = options.Delta;
        TargetEpsilon = options.TargetEpsilon;
        ExpectedBatchSize = options.ExpectedBatchSize;
        SampleRate = (double)options.ExpectedBatchSize / train.Count;
        NoiseMultiplier = options.NoiseMultiplier;
        MaxGradNorm = options.MaxGradNorm;
        _chunkLimit = options.MaxPhysicalBatchSize;
        var source = options.RandomSource ?? SecureRandomSource.Instance;
        _accountant = accountant ?? new PrivacyAccountantFactory().Create(options.Accountant);
        _sampler = new PoissonBatchSampler(train.Count, SampleRate, source);
        Optimizer = new PrivateOptimizer<T>(optimizer, model.Parameters, NoiseMultiplier, MaxGradNorm, SampleRate * train.Count, source);
        _stepEvent = new PoissonSampledEvent(SampleRate, new GaussianEvent(NoiseMultiplier));
        if (!_accountant.Supports(_stepEvent))
        {
            throw new ArgumentException("The accountant does not support the Poisson-sampled Gaussian.", nameof(accountant));
        }
    }

    /// <summary>Gets the model being trained.</summary>
    public Sequential<T> Model { get; }

    /// <summary>Gets the private optimizer (clipping and noise around the wrapped optimizer).</summary>
    public PrivateOptimizer<T> Optimizer { get; }

    /// <summary>Gets the accountant every step is composed into (up to date whenever it is read).</summary>
    public IPrivacyAccountant Accountant
    {
        get
        {
            Flush();
            return _accountant;
        }
    }

    /// <summary>Gets the sample rate q = B/N.</summary>
    public double SampleRate { get; }

    /// <summary>Gets the expected batch size B.</summary>
    public int ExpectedBatchSize { get; }

    /// <summary>Gets the noise multiplier σ.</summary>
    public double NoiseMultiplier { get; }

    /// <summary>Gets the clipping bound C.</summary>
    public double MaxGradNorm { get; }

    /// <summary>Gets δ.</summary>
    public double Delta { get; }

    /// <summary>Gets the ε cap, if any.</summary>
    public double? TargetEpsilon { get; }

    /// <summary>Gets the steps taken.</summary>
    public long Steps { get; private set; }

    /// <summary>Gets ε at <see cref="Delta"/> for the steps taken so far (0 before the first step).</summary>
    public double Epsilon => Steps == 0 ? 0 : Accountant.GetEpsilon(Delta);

    /// <summary>Gets ε at another δ for the steps taken so far.</summary>
    /// <param name="delta">δ in (0, 1).</param>
    /// <returns>ε (0 before the first step).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is outside (0, 1).</exception>
    public double GetEpsilon(double delta)
    {
        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "δ must be in (0, 1).");
        }

        return Steps == 0 ? 0 : Accountant.GetEpsilon(delta);
    }

    /// <summary>
    /// Takes one DP-SGD step unless it would take ε past <see cref="TargetEpsilon"/>; then nothing is sampled,
    /// no noise is drawn and nothing changes.
    /// </summary>
    /// <param name="loss">The mean loss of the sampled examples before the step (NaN for an empty batch or a refused step).</param>
    /// <param name="sampled">The size of the Poisson batch (0 for a refused step).</param>
    /// <returns><see langword="true"/> if the step was taken.</returns>
    public bool TryStep(out double loss, out int sampled)
    {
        loss = double.NaN;
        sampled = 0;
        if (TargetEpsilon is { } target && !(_accountant.GetEpsilonIfComposed(PendingPlusOne(), Delta) <= target))
        {
            return false;
        }

        _sampler.Sample(_batch);
        sampled = _batch.Count;
        var chunk = _chunkLimit == 0 ? Math.Max(1, _batch.Count) : _chunkLimit;
        EnsureCapacity(Math.Min(chunk, Math.Max(1, _batch.Count)));
        Optimizer.ZeroGrad();
        var lossSum = 0.0;
        var features = _train.FeatureCount;
        for (var start = 0; start < _batch.Count; start += chunk)
        {
            var count = Math.Min(chunk, _batch.Count - start);
            var trainX = _train.Features;
            var trainY = _train.Targets;
            for (var j = 0; j < count; j++)
            {
                var row = _batch[start + j];
                trainX.Slice(row * features, features).CopyTo(_x.AsSpan(j * features));
                trainY.Slice(row * _targetSize, _targetSize).CopyTo(_y.AsSpan(j * _targetSize));
            }

            Model.ZeroGrad();
            lossSum += count * Model.ComputeGradients(_x.AsSpan(0, count * features), _y.AsSpan(0, count * _targetSize), count, _loss, _perExample);
            Optimizer.ClipAndAccumulate(_perExample!);
        }

        Optimizer.Step();
        _pending++;
        Steps++;
        if (_batch.Count > 0)
        {
            loss = lossSum / _batch.Count;
        }

        return true;
    }

    /// <summary>
    /// Trains for ⌈<paramref name="epochs"/>·N/B⌉ steps (the CLI contract's step count), or fewer if the target ε
    /// would be crossed.
    /// </summary>
    /// <param name="epochs">The number of epochs, finite and &gt; 0 (fractions allowed).</param>
    /// <param name="progress">Receives a <see cref="PrivateEpochResult"/> after each epoch, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    /// <returns>The loss history and the privacy spent.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epochs"/> is not finite and positive.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public PrivateTrainingResult Fit(double epochs, IProgress<PrivateEpochResult>? progress = null, CancellationToken cancellationToken = default)
    {
        Guard.PositiveFinite(epochs);
        var planned = NoiseCalibration.StepsForEpochs(epochs, _train.Count, ExpectedBatchSize);
        var history = new List<double>();
        var stopped = false;
        var epoch = 1;
        var epochEnd = Math.Min(planned, NoiseCalibration.StepsForEpochs(1, _train.Count, ExpectedBatchSize));
        double sum = 0;
        long examples = 0;
        for (long step = 1; step <= planned; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!TryStep(out var loss, out var sampled))
            {
                stopped = true;
                break;
            }

            if (sampled > 0)
            {
                sum += loss * sampled;
                examples += sampled;
            }

            if (step == epochEnd || step == planned)
            {
                var epochLoss = examples > 0 ? sum / examples : double.NaN;
                history.Add(epochLoss);
                progress?.Report(new PrivateEpochResult(epoch, epochLoss, Steps, Epsilon));
                epoch++;
                epochEnd = Math.Min(planned, NoiseCalibration.StepsForEpochs(epoch, _train.Count, ExpectedBatchSize));
                sum = 0;
                examples = 0;
            }
        }

        if (stopped && examples > 0)
        {
            history.Add(sum / examples);
        }

        return new PrivateTrainingResult(history, Steps, planned, Epsilon, Delta, SampleRate, NoiseMultiplier, MaxGradNorm, stopped);
    }

    private PrivacyEvent PendingPlusOne() => _pending == 0 ? _stepEvent : new SelfComposedEvent(_stepEvent, _pending + 1);

    private void Flush()
    {
        if (_pending > 0)
        {
            _accountant.Compose(_stepEvent, _pending);
            _pending = 0;
        }
    }

    private void EnsureCapacity(int size)
    {
        if (_perExample is not null && _perExample.Capacity >= size)
        {
            return;
        }

        var capacity = Math.Max(size, _perExample?.Capacity * 2 ?? 0);
        if (_chunkLimit > 0)
        {
            capacity = Math.Min(capacity, _chunkLimit);
        }

        _perExample = Model.CreatePerExampleGradients(capacity);
        _x = new T[capacity * _train.FeatureCount];
        _y = new T[capacity * _targetSize];
    }
}

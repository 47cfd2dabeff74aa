using System.Numerics;
using LlmCore.Optimization;
using LlmCore.Optimization.Data;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Sampling;

namespace LlmCore.Privacy.Training;

/// <summary>
/// DP-SGD (Abadi et al. 2016, "Deep learning with differential privacy") as a composition of the one training loop:
/// a <see cref="Trainer{T}"/> with a <see cref="PoissonBatchSampler"/>, a <see cref="PrivateGradientTransform{T}"/>
/// and a <see cref="PrivacyAccountingCallback"/>, set up from <see cref="DpSgdOptions"/>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>One step of the trainer then is: the accounting callback asks the accountant what ε would be after the step
/// (<see cref="IPrivacyAccountant.GetEpsilonIfComposed"/>) and refuses it — before sampling or drawing any noise —
/// when that exceeds <see cref="DpSgdOptions.TargetEpsilon"/> (fail closed); each example is sampled with probability
/// q = B/N; for each physical chunk of the batch (<see cref="DpSgdOptions.MaxPhysicalBatchSize"/>) the model adds its
/// examples' clipped gradients; N(0, σ²C²) is added once and the sum divided by q·N; the optimizer steps; and the
/// callback composes <c>PoissonSampledEvent(q, GaussianEvent(σ))</c> into the accountant.</para>
/// <para>Because it is the one <see cref="Trainer{T}"/>, everything else works as it does without privacy:
/// <see cref="Fit(FitOptions, IDataset{T}?, IProgress{EpochResult}?, CancellationToken)"/> takes the same
/// <see cref="FitOptions"/> (validation data, metrics, early stopping, <see cref="ModelCheckpoint"/>, schedules, step
/// progress) and checkpoints resume the run and its accounting. The raw composition — setting
/// <see cref="Trainer{T}.GradientTransform"/>, <see cref="FitOptions.BatchSampler"/> and
/// <see cref="FitOptions.StepCallbacks"/> yourself — is equivalent.</para>
/// <para>ε protects each <em>example</em> of the training data: the trained parameters (and everything computed from
/// them) change in distribution by at most a factor e^ε (plus δ) whether or not any one example was in it. Losses and
/// metrics measured on the training data are not covered.</para>
/// <para>This type is not thread-safe: one training loop uses it at a time.</para>
/// </remarks>
public sealed class PrivateTrainer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly IDataset<T> _train;
    private readonly int _maxPhysicalBatchSize;
    private readonly LastStep _lastStep = new();
    private FitOptions? _stepOptions;

    /// <summary>Initializes a new instance of the <see cref="PrivateTrainer{T}"/> class, with a new <see cref="Trainer{T}"/>.</summary>
    /// <param name="model">The model to train.</param>
    /// <param name="loss">The per-example loss.</param>
    /// <param name="optimizer">The optimizer over <paramref name="model"/>'s parameters.</param>
    /// <param name="train">The private training data (N = its count).</param>
    /// <param name="options">The DP-SGD settings, validated against N and copied.</param>
    /// <param name="accountant">The accountant to compose into; <see langword="null"/> creates one of <see cref="DpSgdOptions.Accountant"/>'s kind.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="accountant"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its range.</exception>
    /// <exception cref="ArgumentException">The data does not fit the model or the loss, or the accountant cannot analyse the Poisson-sampled Gaussian.</exception>
    public PrivateTrainer(IModel<T> model, ILoss<T> loss, IOptimizer<T> optimizer, IDataset<T> train, DpSgdOptions options, IPrivacyAccountant? accountant = null)
        : this(new Trainer<T>(model, loss, optimizer), train, options, accountant)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PrivateTrainer{T}"/> class around an existing trainer (its metrics serve private runs too).</summary>
    /// <param name="trainer">The trainer; its <see cref="Trainer{T}.GradientTransform"/> is set to <see cref="GradientTransform"/>.</param>
    /// <param name="train">The private training data (N = its count).</param>
    /// <param name="options">The DP-SGD settings, validated against N and copied.</param>
    /// <param name="accountant">The accountant to compose into; <see langword="null"/> creates one of <see cref="DpSgdOptions.Accountant"/>'s kind.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="accountant"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its range.</exception>
    /// <exception cref="ArgumentException">The data does not fit the model or the loss, or the accountant cannot analyse the Poisson-sampled Gaussian.</exception>
    public PrivateTrainer(Trainer<T> trainer, IDataset<T> train, DpSgdOptions options, IPrivacyAccountant? accountant = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(train.Count);
        var model = trainer.Model;
        if (train.FeatureCount != model.InputSize)
        {
            throw new ArgumentException($"The data has {train.FeatureCount} features; the model takes {model.InputSize}.", nameof(train));
        }

        var targetSize = trainer.Loss.TargetSize(model.OutputSize);
        if (train.TargetCount != targetSize)
        {
            throw new ArgumentException($"{trainer.Loss.Name} needs {targetSize} target value(s) per example; the data has {train.TargetCount}.", nameof(train));
        }

        Trainer = trainer;
        _train = train;
        _maxPhysicalBatchSize = options.MaxPhysicalBatchSize;
        Delta = options.Delta;
        TargetEpsilon = options.TargetEpsilon;
        ExpectedBatchSize = options.ExpectedBatchSize;
        SampleRate = PrivacyEngine.SampleRate(train.Count, options.ExpectedBatchSize);
        NoiseMultiplier = options.NoiseMultiplier;
        MaxGradNorm = options.MaxGradNorm;
        var source = options.RandomSource ?? SecureRandomSource.Instance;
        accountant ??= new PrivacyAccountantFactory().Create(options.Accountant);
        Sampler = new PoissonBatchSampler(train.Count, SampleRate, source);
        GradientTransform = new PrivateGradientTransform<T>(NoiseMultiplier, MaxGradNorm, source, options.ClippingMode);
        var stepEvent = PrivacyAccountingCallback.StepEventFor(Sampler, NoiseMultiplier);
        if (!accountant.Supports(stepEvent))
        {
            throw new ArgumentException("The accountant does not support the Poisson-sampled Gaussian.", nameof(accountant));
        }

        Accounting = new PrivacyAccountingCallback(accountant, stepEvent, Delta, TargetEpsilon);
        trainer.GradientTransform = GradientTransform;
    }

    /// <summary>Gets the one training loop this composition drives.</summary>
    public Trainer<T> Trainer { get; }

    /// <summary>Gets the model being trained.</summary>
    public IModel<T> Model => Trainer.Model;

    /// <summary>Gets the Poisson sampler of the batches.</summary>
    public PoissonBatchSampler Sampler { get; }

    /// <summary>Gets the clipping-and-noise transform (also the trainer's <see cref="Trainer{T}.GradientTransform"/>).</summary>
    public PrivateGradientTransform<T> GradientTransform { get; }

    /// <summary>Gets the accounting step callback.</summary>
    public PrivacyAccountingCallback Accounting { get; }

    /// <summary>Gets the accountant every step is composed into, when the step is taken (reading it changes nothing).</summary>
    public IPrivacyAccountant Accountant => Accounting.Accountant;

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

    /// <summary>Gets the steps taken and composed (including those restored from a checkpoint).</summary>
    public long Steps => Accounting.ComposedSteps;

    /// <summary>Gets ε at <see cref="Delta"/> for the steps taken so far (0 before the first step); composes nothing.</summary>
    public double Epsilon => Steps == 0 ? 0 : Accountant.GetEpsilon(Delta);

    /// <summary>Gets ε at another δ for the steps taken so far; composes nothing.</summary>
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
    /// Takes one DP-SGD step through the trainer (a run of one step) unless it would take ε past
    /// <see cref="TargetEpsilon"/>; then nothing is sampled, no noise is drawn and nothing changes.
    /// </summary>
    /// <param name="loss">The mean loss of the sampled examples before the step (NaN for an empty batch or a refused step).</param>
    /// <param name="sampled">The size of the Poisson batch (0 for a refused step).</param>
    /// <returns><see langword="true"/> if the step was taken.</returns>
    public bool TryStep(out double loss, out int sampled)
    {
        CheckTransform();
        _stepOptions ??= Privatize(new FitOptions { Epochs = 1, MaxSteps = 1, ComputeTrainingMetrics = false, StepProgress = _lastStep });
        _lastStep.Step = null;
        var history = Trainer.Fit(_train, _stepOptions);
        loss = _lastStep.Step?.Loss ?? double.NaN;
        sampled = _lastStep.Step?.BatchSize ?? 0;
        return history.Steps == 1;
    }

    /// <summary>
    /// Trains for ⌈<paramref name="epochs"/>·N/B⌉ steps (the CLI contract's step count), or fewer if the target ε
    /// would be crossed.
    /// </summary>
    /// <param name="epochs">The number of epochs, finite and &gt; 0 (fractions allowed).</param>
    /// <param name="progress">Receives a <see cref="PrivateEpochResult"/> after each epoch, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    /// <returns>The loss history and the privacy spent.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epochs"/> is not finite and positive, or too large.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public PrivateTrainingResult Fit(double epochs, IProgress<PrivateEpochResult>? progress = null, CancellationToken cancellationToken = default) =>
        Fit(epochs, new FitOptions { ComputeTrainingMetrics = false }, null, progress is null ? null : new EpochReporter(this, progress), cancellationToken);

    /// <summary>
    /// Trains for ⌈<paramref name="epochs"/>·N/B⌉ steps (the CLI contract's step count), or fewer if the target ε
    /// would be crossed, with the rest of <paramref name="options"/> (validation, metrics, callbacks, schedule): a
    /// copy whose <see cref="FitOptions.Epochs"/> is ⌈<paramref name="epochs"/>⌉ and <see cref="FitOptions.MaxSteps"/> the step count.
    /// </summary>
    /// <param name="epochs">The number of epochs, finite and &gt; 0 (fractions allowed).</param>
    /// <param name="options">The other options, as for <see cref="Fit(FitOptions, IDataset{T}?, IProgress{EpochResult}?, CancellationToken)"/>; not changed.</param>
    /// <param name="validation">Validation data, or <see langword="null"/>.</param>
    /// <param name="progress">Receives each epoch's result, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    /// <returns>The loss history, the privacy spent and the run's <see cref="History"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epochs"/> is not finite and positive, or too large.</exception>
    /// <exception cref="ArgumentException">The options set a sampler or a validation split.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public PrivateTrainingResult Fit(double epochs, FitOptions options, IDataset<T>? validation = null, IProgress<EpochResult>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Guard.PositiveFinite(epochs);
        if (epochs > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"epochs must be at most {int.MaxValue}.");
        }

        var planned = NoiseCalibration.StepsForEpochs(epochs, _train.Count, ExpectedBatchSize);
        var run = options.Clone();
        run.Epochs = (int)Math.Ceiling(epochs);
        run.MaxSteps = planned;
        var history = Fit(run, validation, progress, cancellationToken);
        return new PrivateTrainingResult(history.Loss, Steps, planned, Epsilon, Delta, SampleRate, NoiseMultiplier, MaxGradNorm, StoppedAtTarget(history))
        {
            History = history,
        };
    }

    /// <summary>
    /// Runs the trainer privately with any <see cref="FitOptions"/>: a copy of <paramref name="options"/> with the
    /// Poisson sampler and the accounting callback (first among the step callbacks) added; the caller's options are not changed.
    /// </summary>
    /// <param name="options">Epochs, steps, validation, callbacks, schedule and progress; <see cref="FitOptions.BatchSampler"/> and <see cref="FitOptions.ValidationSplit"/> must be unset (the Poisson sampler covers the whole private set; give validation data explicitly).</param>
    /// <param name="validation">Validation data, or <see langword="null"/>.</param>
    /// <param name="progress">Receives each epoch's result, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    /// <returns>The history of the run; <see cref="TrainingStopReason.StepRefused"/> when the target ε stopped it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options set a sampler or a validation split.</exception>
    /// <exception cref="InvalidOperationException">The trainer's gradient transform is no longer <see cref="GradientTransform"/>.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public History Fit(FitOptions options, IDataset<T>? validation = null, IProgress<EpochResult>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BatchSampler is not null)
        {
            throw new ArgumentException("DP-SGD draws its own Poisson batches: leave FitOptions.BatchSampler unset.", nameof(options));
        }

        if (options.ValidationSplit != 0)
        {
            throw new ArgumentException("DP-SGD samples from the whole private set: give validation data instead of FitOptions.ValidationSplit.", nameof(options));
        }

        CheckTransform();
        return Trainer.Fit(_train, Privatize(options.Clone()), validation, progress, cancellationToken);
    }

    /// <summary>Adds the Poisson sampler, the default physical batch size and the accounting callback (first) to <paramref name="run"/>.</summary>
    private FitOptions Privatize(FitOptions run)
    {
        run.BatchSampler = Sampler;
        if (run.MaxPhysicalBatchSize is null && _maxPhysicalBatchSize > 0)
        {
            run.MaxPhysicalBatchSize = _maxPhysicalBatchSize;
        }

        run.StepCallbacks.Insert(0, Accounting);
        return run;
    }

    private void CheckTransform()
    {
        if (!ReferenceEquals(Trainer.GradientTransform, GradientTransform))
        {
            throw new InvalidOperationException("The trainer's gradient transform was replaced; private training needs PrivateTrainer.GradientTransform.");
        }
    }

    private bool StoppedAtTarget(History history) => history.StopReason == TrainingStopReason.StepRefused && Accounting.TargetReached;

    /// <summary>Keeps the last step's result (reported synchronously by the trainer).</summary>
    private sealed class LastStep : IProgress<StepResult>
    {
        public StepResult? Step { get; set; }

        public void Report(StepResult value) => Step = value;
    }

    /// <summary>Turns the trainer's epoch results into <see cref="PrivateEpochResult"/>s with the ε spent so far.</summary>
    private sealed class EpochReporter(PrivateTrainer<T> owner, IProgress<PrivateEpochResult> progress) : IProgress<EpochResult>
    {
        public void Report(EpochResult value) => progress.Report(new PrivateEpochResult(value.Epoch, value.Loss, owner.Steps, owner.Epsilon));
    }
}

using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Schedules;

/// <summary>
/// Linear warm-up, then cosine decay to a floor, as nanoGPT's <c>get_lr</c> (karpathy/nanoGPT <c>train.py</c>), in
/// closed form: the learning-rate schedule of GPT-style language-model training. Step it once per optimizer step
/// (<see cref="Training.ScheduleStepping.PerBatch"/>).
/// </summary>
/// <remarks>
/// <para>With peak η, floor η_min, warm-up W and decay end D, the rate used at step t (t = 0 for the first step,
/// i.e. after t calls of <see cref="LearningRateSchedule.Step"/>) is</para>
/// <para>η·(t + 1)/(W + 1) for t &lt; W; η_min + ½(1 + cos(π·(t − W)/(D − W)))·(η − η_min) for W ≤ t ≤ D; η_min for t &gt; D.</para>
/// <para>The warm-up never uses a rate of 0 (nanoGPT's form since its commit dc81cb36); the rate reaches η at t = W
/// and η_min at t = D. PyTorch composes the same shape from <c>LinearLR</c> and <c>CosineAnnealingLR</c> in a
/// <c>SequentialLR</c> (<see cref="SequentialSchedule"/>), recursively rather than in closed form. This type is not thread-safe.</para>
/// </remarks>
public sealed class WarmupCosineSchedule : LearningRateSchedule
{
    private readonly long _warmupSteps;
    private readonly long _decaySteps;
    private readonly double _minLearningRate;

    /// <summary>Initializes a new instance of the <see cref="WarmupCosineSchedule"/> class.</summary>
    /// <param name="peakLearningRate">The rate η reached at the end of the warm-up, ≥ 0 (nanoGPT's <c>learning_rate</c>).</param>
    /// <param name="warmupSteps">W, the warm-up steps, ≥ 0 (nanoGPT's <c>warmup_iters</c>).</param>
    /// <param name="decaySteps">D, the step at which the rate reaches the floor, &gt; W (nanoGPT's <c>lr_decay_iters</c>, usually the run's length).</param>
    /// <param name="minLearningRate">The floor η_min, in [0, η] (nanoGPT's <c>min_lr</c>, about η/10); default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public WarmupCosineSchedule(double peakLearningRate, long warmupSteps, long decaySteps, double minLearningRate = 0)
        : base(peakLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(decaySteps, warmupSteps);
        Guard.InRange(minLearningRate, 0, peakLearningRate);
        _warmupSteps = warmupSteps;
        _decaySteps = decaySteps;
        _minLearningRate = minLearningRate;
        LearningRate = At(0);
    }

    /// <summary>Gets the warm-up steps W.</summary>
    public long WarmupSteps => _warmupSteps;

    /// <summary>Gets the step D at which the rate reaches <see cref="MinLearningRate"/>.</summary>
    public long DecaySteps => _decaySteps;

    /// <summary>Gets the floor η_min.</summary>
    public double MinLearningRate => _minLearningRate;

    /// <inheritdoc />
    public override string Kind => "warmup-cosine";

    /// <summary>The rate at step <paramref name="step"/> (0-based), without changing the schedule.</summary>
    /// <param name="step">The step, ≥ 0.</param>
    /// <returns>The learning rate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    public double At(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < _warmupSteps)
        {
            return BaseLearningRate * (step + 1) / (_warmupSteps + 1);
        }

        if (step > _decaySteps)
        {
            return _minLearningRate;
        }

        var ratio = (double)(step - _warmupSteps) / (_decaySteps - _warmupSteps);
        var coefficient = 0.5 * (1.0 + Math.Cos(Math.PI * ratio));
        return _minLearningRate + (coefficient * (BaseLearningRate - _minLearningRate));
    }

    private protected override double Next(long epoch, double current, double? metric) => At(epoch);
}

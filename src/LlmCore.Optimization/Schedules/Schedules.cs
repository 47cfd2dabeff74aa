using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Schedules;

/// <summary>A constant learning rate (the identity schedule).</summary>
/// <remarks>This type is not thread-safe.</remarks>
public sealed class ConstantSchedule : LearningRateSchedule
{
    /// <summary>Initializes a new instance of the <see cref="ConstantSchedule"/> class.</summary>
    /// <param name="learningRate">The rate, ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is negative or not finite.</exception>
    public ConstantSchedule(double learningRate)
        : base(learningRate)
    {
    }

    /// <inheritdoc />
    public override string Kind => "constant";

    private protected override double Next(long epoch, double current, double? metric) => current;
}

/// <summary>PyTorch's <c>ConstantLR</c>: the rate times a factor until <c>totalIters</c>, then the base rate.</summary>
/// <remarks>Recursive as PyTorch: ×factor at epoch 0, ×1/factor at epoch totalIters. This type is not thread-safe.</remarks>
public sealed class ConstantFactorSchedule : LearningRateSchedule
{
    private readonly double _factor;
    private readonly long _totalIters;

    /// <summary>Initializes a new instance of the <see cref="ConstantFactorSchedule"/> class.</summary>
    /// <param name="baseLearningRate">The base rate, ≥ 0.</param>
    /// <param name="factor">The factor in (0, 1]; PyTorch's default 1/3.</param>
    /// <param name="totalIters">The number of steps the factor applies, ≥ 0; default 5.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public ConstantFactorSchedule(double baseLearningRate, double factor = 1.0 / 3, long totalIters = 5)
        : base(baseLearningRate)
    {
        if (!(factor > 0 && factor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "factor must be in (0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(totalIters);
        _factor = factor;
        _totalIters = totalIters;
        LearningRate = baseLearningRate * factor;
    }

    /// <inheritdoc />
    public override string Kind => "constant-factor";

    private protected override double Next(long epoch, double current, double? metric) =>
        epoch != _totalIters ? current : current * (1.0 / _factor);
}

/// <summary>PyTorch's <c>StepLR</c>: the rate times γ every <c>stepSize</c> steps.</summary>
/// <remarks>This type is not thread-safe.</remarks>
public sealed class StepSchedule : LearningRateSchedule
{
    private readonly long _stepSize;
    private readonly double _gamma;

    /// <summary>Initializes a new instance of the <see cref="StepSchedule"/> class.</summary>
    /// <param name="baseLearningRate">The base rate, ≥ 0.</param>
    /// <param name="stepSize">The period, ≥ 1.</param>
    /// <param name="gamma">The factor γ, ≥ 0; default 0.1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public StepSchedule(double baseLearningRate, long stepSize, double gamma = 0.1)
        : base(baseLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        Guard.NonNegativeFinite(gamma);
        _stepSize = stepSize;
        _gamma = gamma;
    }

    /// <inheritdoc />
    public override string Kind => "step";

    private protected override double Next(long epoch, double current, double? metric) =>
        epoch % _stepSize != 0 ? current : current * _gamma;
}

/// <summary>PyTorch's <c>MultiStepLR</c>: the rate times γ at each milestone.</summary>
/// <remarks>This type is not thread-safe.</remarks>
public sealed class MultiStepSchedule : LearningRateSchedule
{
    private readonly long[] _milestones;
    private readonly double _gamma;

    /// <summary>Initializes a new instance of the <see cref="MultiStepSchedule"/> class.</summary>
    /// <param name="baseLearningRate">The base rate, ≥ 0.</param>
    /// <param name="milestones">The steps at which to decay, each ≥ 1 (repeats decay repeatedly, as PyTorch's Counter).</param>
    /// <param name="gamma">The factor γ, ≥ 0; default 0.1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="milestones"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public MultiStepSchedule(double baseLearningRate, IEnumerable<long> milestones, double gamma = 0.1)
        : base(baseLearningRate)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = milestones.ToArray();
        foreach (var milestone in _milestones)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(milestone, nameof(milestones));
        }

        Guard.NonNegativeFinite(gamma);
        _gamma = gamma;
    }

    /// <inheritdoc />
    public override string Kind => "multi-step";

    private protected override double Next(long epoch, double current, double? metric)
    {
        var count = _milestones.Count(m => m == epoch);
        return count == 0 ? current : current * Math.Pow(_gamma, count);
    }
}

/// <summary>PyTorch's <c>ExponentialLR</c>: the rate times γ every step.</summary>
/// <remarks>This type is not thread-safe.</remarks>
public sealed class ExponentialSchedule : LearningRateSchedule
{
    private readonly double _gamma;

    /// <summary>Initializes a new instance of the <see cref="ExponentialSchedule"/> class.</summary>
    /// <param name="baseLearningRate">The base rate, ≥ 0.</param>
    /// <param name="gamma">The factor γ, ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public ExponentialSchedule(double baseLearningRate, double gamma)
        : base(baseLearningRate)
    {
        Guard.NonNegativeFinite(gamma);
        _gamma = gamma;
    }

    /// <inheritdoc />
    public override string Kind => "exponential";

    private protected override double Next(long epoch, double current, double? metric) => current * _gamma;
}

/// <summary>PyTorch's <c>LinearLR</c>: the factor moves linearly from <c>startFactor</c> to <c>endFactor</c> over <c>totalIters</c> steps (linear warm-up or decay).</summary>
/// <remarks>Recursive as PyTorch: ×(1 + (e − s)/(T·s + (k − 1)(e − s))) at step k ≤ T. This type is not thread-safe.</remarks>
public sealed class LinearSchedule : LearningRateSchedule
{
    private readonly double _start;
    private readonly double _end;
    private readonly long _totalIters;

    /// <summary>Initializes a new instance of the <see cref="LinearSchedule"/> class.</summary>
    /// <param name="baseLearningRate">The base rate, ≥ 0.</param>
    /// <param name="startFactor">The first factor in (0, 1]; default 1/3.</param>
    /// <param name="endFactor">The last factor in [0, 1]; default 1.</param>
    /// <param name="totalIters">The number of steps, ≥ 1; default 5.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public LinearSchedule(double baseLearningRate, double startFactor = 1.0 / 3, double endFactor = 1.0, long totalIters = 5)
        : base(baseLearningRate)
    {
        if (!(startFactor > 0 && startFactor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "startFactor must be in (0, 1].");
        }

        Guard.InRange(endFactor, 0, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalIters);
        _start = startFactor;
        _end = endFactor;
        _totalIters = totalIters;
        LearningRate = baseLearningRate * startFactor;
    }

    /// <inheritdoc />
    public override string Kind => "linear";

    private protected override double Next(long epoch, double current, double? metric) =>
        epoch > _totalIters
            ? current
            : current * (1.0 + ((_end - _start) / ((_totalIters * _start) + ((epoch - 1) * (_end - _start)))));
}

/// <summary>PyTorch's <c>PolynomialLR</c>: decays to 0 over <c>totalIters</c> steps with the given power.</summary>
/// <remarks>Recursive as PyTorch: ×((1 − k/T)/(1 − (k − 1)/T))^p at step k ≤ T. This type is not thread-safe.</remarks>
public sealed class PolynomialSchedule : LearningRateSchedule
{
    private readonly long _totalIters;
    private readonly double _power;

    /// <summary>Initializes a new instance of the <see cref="PolynomialSchedule"/> class.</summary>
    /// <param name="baseLearningRate">The base rate, ≥ 0.</param>
    /// <param name="totalIters">The number of steps, ≥ 1; default 5.</param>
    /// <param name="power">The power, ≥ 0; default 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public PolynomialSchedule(double baseLearningRate, long totalIters = 5, double power = 1.0)
        : base(baseLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalIters);
        Guard.NonNegativeFinite(power);
        _totalIters = totalIters;
        _power = power;
    }

    /// <inheritdoc />
    public override string Kind => "polynomial";

    private protected override double Next(long epoch, double current, double? metric)
    {
        if (epoch > _totalIters)
        {
            return current;
        }

        var factor = (1.0 - ((double)epoch / _totalIters)) / (1.0 - ((double)(epoch - 1) / _totalIters));
        return current * Math.Pow(factor, _power);
    }
}

/// <summary>
/// PyTorch's <c>CosineAnnealingLR</c> (Loshchilov and Hutter 2017, "SGDR: Stochastic Gradient Descent with Warm
/// Restarts"), in its recursive form.
/// </summary>
/// <remarks>
/// η ← η_min + (η − η_min)(1 + cos(πk/T))/(1 + cos(π(k − 1)/T)), with PyTorch's special case when
/// (k − 1 − T) mod 2T = 0. Like PyTorch, the rate rises again after T_max (it is periodic with period 2T).
/// This type is not thread-safe.
/// </remarks>
public sealed class CosineAnnealingSchedule : LearningRateSchedule
{
    private readonly long _tMax;
    private readonly double _etaMin;

    /// <summary>Initializes a new instance of the <see cref="CosineAnnealingSchedule"/> class.</summary>
    /// <param name="baseLearningRate">The base rate, ≥ 0.</param>
    /// <param name="tMax">The half period T_max, ≥ 1.</param>
    /// <param name="etaMin">The minimum rate η_min, ≥ 0; default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public CosineAnnealingSchedule(double baseLearningRate, long tMax, double etaMin = 0)
        : base(baseLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tMax);
        Guard.NonNegativeFinite(etaMin);
        _tMax = tMax;
        _etaMin = etaMin;
    }

    /// <inheritdoc />
    public override string Kind => "cosine";

    private protected override double Next(long epoch, double current, double? metric)
    {
        if ((epoch - 1 - _tMax) % (2 * _tMax) == 0)
        {
            return current + ((BaseLearningRate - _etaMin) * (1 - Math.Cos(Math.PI / _tMax)) / 2);
        }

        return ((1 + Math.Cos(Math.PI * epoch / _tMax)) / (1 + Math.Cos(Math.PI * (epoch - 1) / _tMax)) * (current - _etaMin)) + _etaMin;
    }
}

/// <summary>PyTorch's <c>CosineAnnealingWarmRestarts</c> (SGDR, Loshchilov and Hutter 2017).</summary>
/// <remarks>
/// η = η_min + (η₀ − η_min)(1 + cos(π·T_cur/T_i))/2, where T_cur counts steps since the last restart and the period
/// T_i starts at T₀ and is multiplied by T_mult at each restart. This type is not thread-safe.
/// </remarks>
public sealed class CosineAnnealingWarmRestartsSchedule : LearningRateSchedule
{
    private readonly long _tMult;
    private readonly double _etaMin;
    private long _tCur;
    private long _tI;

    /// <summary>Initializes a new instance of the <see cref="CosineAnnealingWarmRestartsSchedule"/> class.</summary>
    /// <param name="baseLearningRate">The base rate, ≥ 0.</param>
    /// <param name="t0">The first period T₀, ≥ 1.</param>
    /// <param name="tMult">The period multiplier, ≥ 1; default 1.</param>
    /// <param name="etaMin">The minimum rate η_min, ≥ 0; default 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public CosineAnnealingWarmRestartsSchedule(double baseLearningRate, long t0, long tMult = 1, double etaMin = 0)
        : base(baseLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(t0);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tMult);
        Guard.NonNegativeFinite(etaMin);
        _tI = t0;
        _tMult = tMult;
        _etaMin = etaMin;
    }

    /// <inheritdoc />
    public override string Kind => "cosine-warm-restarts";

    private protected override double Next(long epoch, double current, double? metric)
    {
        _tCur++;
        if (_tCur >= _tI)
        {
            _tCur -= _tI;
            _tI *= _tMult;
        }

        return _etaMin + ((BaseLearningRate - _etaMin) * (1 + Math.Cos(Math.PI * _tCur / _tI)) / 2);
    }

    private protected override void WriteExtra(BinaryWriter writer)
    {
        writer.Write(_tCur);
        writer.Write(_tI);
    }

    private protected override void ReadExtra(BinaryReader reader)
    {
        _tCur = reader.ReadInt64();
        _tI = reader.ReadInt64();
    }
}

/// <summary>How <see cref="OneCycleSchedule"/> anneals between phase end points.</summary>
public enum AnnealStrategy
{
    /// <summary>Cosine annealing: end + (start − end)(cos(π·pct) + 1)/2 (PyTorch's default).</summary>
    Cosine,

    /// <summary>Linear annealing: start + (end − start)·pct.</summary>
    Linear,
}

/// <summary>
/// PyTorch's <c>OneCycleLR</c> (Smith and Topin 2019, "Super-Convergence: Very Fast Training of Neural Networks
/// Using Large Learning Rates"), with the inverse momentum cycle in <see cref="Momentum"/>.
/// </summary>
/// <remarks>
/// Closed form per step, as PyTorch: the initial rate is max/divFactor, the last max/(divFactor·finalDivFactor);
/// phases end at pct·total − 1 and total − 1 (three-phase: pct·total − 1, 2·pct·total − 2, total − 1). Stepping
/// past <c>totalSteps − 1</c> throws, as PyTorch does. This type is not thread-safe.
/// </remarks>
public sealed class OneCycleSchedule : LearningRateSchedule
{
    private readonly (double End, double LrStart, double LrEnd, double MomStart, double MomEnd)[] _phases;
    private readonly long _totalSteps;
    private readonly AnnealStrategy _anneal;

    /// <summary>Initializes a new instance of the <see cref="OneCycleSchedule"/> class.</summary>
    /// <param name="maxLearningRate">The peak rate, ≥ 0.</param>
    /// <param name="totalSteps">The number of steps in the cycle, ≥ 2.</param>
    /// <param name="pctStart">The fraction of the cycle spent increasing the rate, in (0, 1); default 0.3.</param>
    /// <param name="anneal">The annealing strategy; default cosine.</param>
    /// <param name="baseMomentum">The lowest momentum; default 0.85.</param>
    /// <param name="maxMomentum">The highest momentum; default 0.95.</param>
    /// <param name="divFactor">initial = max/divFactor, &gt; 0; default 25.</param>
    /// <param name="finalDivFactor">final = initial/finalDivFactor, &gt; 0; default 1e4.</param>
    /// <param name="threePhase">Whether to use the three-phase form.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public OneCycleSchedule(double maxLearningRate, long totalSteps, double pctStart = 0.3, AnnealStrategy anneal = AnnealStrategy.Cosine, double baseMomentum = 0.85, double maxMomentum = 0.95, double divFactor = 25, double finalDivFactor = 1e4, bool threePhase = false)
        : base(maxLearningRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 2);
        if (!(pctStart > 0 && pctStart < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(pctStart), pctStart, "pctStart must be in (0, 1).");
        }

        Guard.PositiveFinite(divFactor);
        Guard.PositiveFinite(finalDivFactor);
        Guard.Finite(baseMomentum);
        Guard.Finite(maxMomentum);
        var initial = maxLearningRate / divFactor;
        var min = initial / finalDivFactor;
        _phases = threePhase
            ? [
                ((pctStart * totalSteps) - 1, initial, maxLearningRate, maxMomentum, baseMomentum),
                ((2 * pctStart * totalSteps) - 2, maxLearningRate, initial, baseMomentum, maxMomentum),
                (totalSteps - 1, initial, min, maxMomentum, maxMomentum),
            ]
            : [
                ((pctStart * totalSteps) - 1, initial, maxLearningRate, maxMomentum, baseMomentum),
                (totalSteps - 1, maxLearningRate, min, baseMomentum, maxMomentum),
            ];
        _totalSteps = totalSteps;
        _anneal = anneal;
        (LearningRate, Momentum) = At(0);
    }

    /// <summary>Gets the momentum (β₁ for Adam) the cycle prescribes now.</summary>
    public double Momentum { get; private set; }

    /// <inheritdoc />
    public override string Kind => "one-cycle";

    private protected override double Next(long epoch, double current, double? metric)
    {
        if (epoch >= _totalSteps)
        {
            throw new InvalidOperationException($"OneCycleSchedule was stepped {epoch} times; it has {_totalSteps} steps (0 to {_totalSteps - 1}).");
        }

        (var lr, Momentum) = At(epoch);
        return lr;
    }

    private protected override void ReadExtra(BinaryReader reader) => Momentum = At(Math.Min(StepCount, _totalSteps - 1)).Momentum;

    private (double Lr, double Momentum) At(long step)
    {
        var start = 0.0;
        for (var i = 0; i < _phases.Length; i++)
        {
            var phase = _phases[i];
            if (step <= phase.End || i == _phases.Length - 1)
            {
                var pct = (step - start) / (phase.End - start);
                return (Anneal(phase.LrStart, phase.LrEnd, pct), Anneal(phase.MomStart, phase.MomEnd, pct));
            }

            start = phase.End;
        }

        throw new InvalidOperationException("No phase.");
    }

    private double Anneal(double start, double end, double pct) => _anneal == AnnealStrategy.Cosine
        ? end + ((start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1))
        : ((end - start) * pct) + start;
}

/// <summary>Whether <see cref="ReduceOnPlateauSchedule"/> watches a metric to minimise or maximise.</summary>
public enum PlateauMode
{
    /// <summary>Lower is better (a loss).</summary>
    Min,

    /// <summary>Higher is better (an accuracy).</summary>
    Max,
}

/// <summary>
/// PyTorch's <c>ReduceLROnPlateau</c>: multiplies the rate by a factor when the metric passed to <see cref="LearningRateSchedule.Step"/>
/// has not improved for more than <c>patience</c> steps.
/// </summary>
/// <remarks>
/// Better means a &lt; best(1 − θ) (relative) or a &lt; best − θ (absolute) in min mode, mirrored in max mode; after a
/// reduction, <c>cooldown</c> steps pass with the bad-step count held at 0; the new rate max(lr·factor, min) is
/// applied only if it differs from the old by more than eps. This type is not thread-safe.
/// </remarks>
public sealed class ReduceOnPlateauSchedule : LearningRateSchedule
{
    private readonly PlateauMode _mode;
    private readonly double _factor;
    private readonly int _patience;
    private readonly double _threshold;
    private readonly bool _relative;
    private readonly int _cooldown;
    private readonly double _minLearningRate;
    private readonly double _eps;
    private double _best;
    private int _bad;
    private int _cooldownCounter;

    /// <summary>Initializes a new instance of the <see cref="ReduceOnPlateauSchedule"/> class.</summary>
    /// <param name="baseLearningRate">The base rate, ≥ 0.</param>
    /// <param name="mode">Min or max; default min.</param>
    /// <param name="factor">The reduction factor in [0, 1); default 0.1.</param>
    /// <param name="patience">Bad steps tolerated, ≥ 0; default 10.</param>
    /// <param name="threshold">The improvement threshold θ, ≥ 0; default 1e-4.</param>
    /// <param name="relativeThreshold">Whether θ is relative (PyTorch's "rel", the default) or absolute ("abs").</param>
    /// <param name="cooldown">Steps to wait after a reduction, ≥ 0; default 0.</param>
    /// <param name="minLearningRate">The lowest rate, ≥ 0; default 0.</param>
    /// <param name="eps">The smallest change applied, ≥ 0; default 1e-8.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside its range.</exception>
    public ReduceOnPlateauSchedule(double baseLearningRate, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10, double threshold = 1e-4, bool relativeThreshold = true, int cooldown = 0, double minLearningRate = 0, double eps = 1e-8)
        : base(baseLearningRate)
    {
        Guard.Beta(factor);
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        Guard.NonNegativeFinite(threshold);
        ArgumentOutOfRangeException.ThrowIfNegative(cooldown);
        Guard.NonNegativeFinite(minLearningRate);
        Guard.NonNegativeFinite(eps);
        _mode = mode;
        _factor = factor;
        _patience = patience;
        _threshold = threshold;
        _relative = relativeThreshold;
        _cooldown = cooldown;
        _minLearningRate = minLearningRate;
        _eps = eps;
        _best = mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <inheritdoc />
    public override string Kind => "reduce-on-plateau";

    private protected override double Next(long epoch, double current, double? metric)
    {
        if (metric is not { } value || double.IsNaN(value))
        {
            throw new ArgumentException("ReduceOnPlateauSchedule.Step needs the monitored metric (not NaN).", nameof(metric));
        }

        if (IsBetter(value))
        {
            _best = value;
            _bad = 0;
        }
        else
        {
            _bad++;
        }

        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            _bad = 0;
        }

        if (_bad > _patience)
        {
            var reduced = Math.Max(current * _factor, _minLearningRate);
            if (current - reduced > _eps)
            {
                current = reduced;
            }

            _cooldownCounter = _cooldown;
            _bad = 0;
        }

        return current;
    }

    private protected override void WriteExtra(BinaryWriter writer)
    {
        writer.Write(_best);
        writer.Write(_bad);
        writer.Write(_cooldownCounter);
    }

    private protected override void ReadExtra(BinaryReader reader)
    {
        _best = reader.ReadDouble();
        _bad = reader.ReadInt32();
        _cooldownCounter = reader.ReadInt32();
    }

    private bool IsBetter(double a) => (_mode, _relative) switch
    {
        (PlateauMode.Min, true) => a < _best * (1 - _threshold),
        (PlateauMode.Min, false) => a < _best - _threshold,
        (PlateauMode.Max, true) => a > _best * (_threshold + 1),
        _ => a > _best + _threshold,
    };
}

/// <summary>
/// PyTorch's <c>SequentialLR</c>: runs one schedule until the first milestone, the next until the second, and so on
/// (for example a <see cref="LinearSchedule"/> warm-up followed by <see cref="CosineAnnealingSchedule"/>).
/// </summary>
/// <remarks>
/// At a milestone the next schedule starts from its own epoch-0 rate, as PyTorch's <c>step(0)</c>. Saved state includes
/// every child's state. This type is not thread-safe.
/// </remarks>
public sealed class SequentialSchedule : LearningRateSchedule
{
    private readonly LearningRateSchedule[] _schedules;
    private readonly long[] _milestones;
    private int _index;

    /// <summary>Initializes a new instance of the <see cref="SequentialSchedule"/> class.</summary>
    /// <param name="schedules">The schedules, at least one, none stepped yet.</param>
    /// <param name="milestones">The steps at which to switch, increasing, one fewer than the schedules.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The counts do not match or the milestones do not increase.</exception>
    public SequentialSchedule(IReadOnlyList<LearningRateSchedule> schedules, IReadOnlyList<long> milestones)
        : base(FirstRate(schedules))
    {
        ArgumentNullException.ThrowIfNull(milestones);
        if (milestones.Count != schedules.Count - 1)
        {
            throw new ArgumentException($"{schedules.Count} schedules need {schedules.Count - 1} milestones; {milestones.Count} were given.", nameof(milestones));
        }

        for (var i = 0; i < milestones.Count; i++)
        {
            if (milestones[i] <= 0 || (i > 0 && milestones[i] <= milestones[i - 1]))
            {
                throw new ArgumentException("Milestones must be positive and increasing.", nameof(milestones));
            }
        }

        _schedules = [.. schedules];
        _milestones = [.. milestones];
        LearningRate = _schedules[0].LearningRate;
    }

    /// <inheritdoc />
    public override string Kind => "sequential";

    private protected override double Next(long epoch, double current, double? metric)
    {
        if (_index < _milestones.Length && epoch == _milestones[_index])
        {
            _index++;
            return _schedules[_index].LearningRate;
        }

        return _schedules[_index].Step(metric);
    }

    private protected override void WriteExtra(BinaryWriter writer)
    {
        writer.Write(_index);
        foreach (var schedule in _schedules)
        {
            schedule.SaveState(writer.BaseStream);
        }
    }

    private protected override void ReadExtra(BinaryReader reader)
    {
        _index = reader.ReadInt32();
        foreach (var schedule in _schedules)
        {
            schedule.LoadState(reader.BaseStream);
        }
    }

    private static double FirstRate(IReadOnlyList<LearningRateSchedule> schedules)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        if (schedules.Count == 0)
        {
            throw new ArgumentException("At least one schedule is required.", nameof(schedules));
        }

        return schedules[0].BaseLearningRate;
    }
}

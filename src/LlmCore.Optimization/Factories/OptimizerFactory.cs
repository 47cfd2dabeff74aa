using System.Numerics;
using LlmCore.Optimization.DependencyInjection;
using LlmCore.Optimization.Optimizers;
using Microsoft.Extensions.Options;

namespace LlmCore.Optimization.Factories;

/// <summary>The default <see cref="IOptimizerFactory"/>: every LlmCore optimizer, with PyTorch's defaults.</summary>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed class OptimizerFactory : IOptimizerFactory
{
    private static readonly string[] s_names =
        ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "radam", "lion", "lamb", "lars", "adafactor", "muon", "adam8bit", "adamw8bit"];

    private readonly int _parallelThreshold;

    /// <summary>Initializes a new instance of the <see cref="OptimizerFactory"/> class.</summary>
    /// <param name="parallelThreshold">The tensor length from which updates are split across cores, ≥ 1,024.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parallelThreshold"/> is below 1,024.</exception>
    public OptimizerFactory(int parallelThreshold = 1 << 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelThreshold, 1024);
        _parallelThreshold = parallelThreshold;
    }

    /// <summary>Initializes a new instance of the <see cref="OptimizerFactory"/> class from options.</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public OptimizerFactory(IOptions<OptimizationOptions> options)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value.ParallelThreshold)
    {
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Names => s_names;

    /// <inheritdoc />
    public IOptimizer<T> Create<T>(string name, IEnumerable<Parameter<T>> parameters, OptimizerSettings? settings = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Create(name, [new ParameterGroup<T>(parameters)], settings);
    }

    /// <inheritdoc />
    public IOptimizer<T> Create<T>(string name, IEnumerable<ParameterGroup<T>> groups, OptimizerSettings? settings = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(groups);
        var s = settings ?? new OptimizerSettings();
        Optimizer<T> optimizer = name.ToUpperInvariant() switch
        {
            "SGD" => new Sgd<T>(groups, Sgd(s)),
            "ADAM" => new Adam<T>(groups, Adam(s)),
            "ADAMW" => new AdamW<T>(groups, AdamW(s)),
            "RMSPROP" => new RmsProp<T>(groups, RmsProp(s)),
            "ADAGRAD" => new Adagrad<T>(groups, Adagrad(s)),
            "ADADELTA" => new Adadelta<T>(groups, Adadelta(s)),
            "ADAMAX" => new Adamax<T>(groups, Adamax(s)),
            "NADAM" => new NAdam<T>(groups, NAdam(s)),
            "RADAM" => new RAdam<T>(groups, RAdam(s)),
            "LION" => new Lion<T>(groups, Lion(s)),
            "LAMB" => new Lamb<T>(groups, Lamb(s)),
            "LARS" => new Lars<T>(groups, Lars(s)),
            "ADAFACTOR" => new Adafactor<T>(groups, Adafactor(s)),
            "MUON" => new Muon<T>(groups, Muon(s)),
            "ADAM8BIT" => new Adam8Bit<T>(groups, Adam8Bit(s, new Adam8BitOptions())),
            "ADAMW8BIT" => new Adam8Bit<T>(groups, Adam8Bit(s, new Adam8BitOptions { WeightDecay = AdamWOptions.DefaultWeightDecay, DecoupledWeightDecay = true })),
            _ => throw new ArgumentException($"Unknown optimizer '{name}'; expected one of {string.Join(", ", s_names)}.", nameof(name)),
        };

        optimizer.ParallelThreshold = _parallelThreshold;
        return optimizer;
    }

    // Each method starts from the optimizer's own options record (its defaults by name) and overrides what the settings give.
    private static SgdOptions Sgd(OptimizerSettings s)
    {
        var d = new SgdOptions();
        return d with { LearningRate = s.LearningRate ?? d.LearningRate, Momentum = s.Momentum ?? d.Momentum, Dampening = s.Dampening ?? d.Dampening, WeightDecay = s.WeightDecay ?? d.WeightDecay, Nesterov = s.Nesterov ?? d.Nesterov, Maximize = s.Maximize };
    }

    private static AdamOptions Adam(OptimizerSettings s)
    {
        var d = new AdamOptions();
        return d with { LearningRate = s.LearningRate ?? d.LearningRate, Beta1 = s.Beta1 ?? d.Beta1, Beta2 = s.Beta2 ?? d.Beta2, Epsilon = s.Epsilon ?? d.Epsilon, WeightDecay = s.WeightDecay ?? d.WeightDecay, AmsGrad = s.AmsGrad, DecoupledWeightDecay = s.DecoupledWeightDecay, Maximize = s.Maximize };
    }

    private static AdamWOptions AdamW(OptimizerSettings s)
    {
        var d = new AdamWOptions();
        return d with { LearningRate = s.LearningRate ?? d.LearningRate, Beta1 = s.Beta1 ?? d.Beta1, Beta2 = s.Beta2 ?? d.Beta2, Epsilon = s.Epsilon ?? d.Epsilon, WeightDecay = s.WeightDecay ?? d.WeightDecay, AmsGrad = s.AmsGrad, Maximize = s.Maximize };
    }

    private static RmsPropOptions RmsProp(OptimizerSettings s)
    {
        var d = new RmsPropOptions();
        return d with { LearningRate = s.LearningRate ?? d.LearningRate, Alpha = s.Alpha ?? d.Alpha, Epsilon = s.Epsilon ?? d.Epsilon, WeightDecay = s.WeightDecay ?? d.WeightDecay, Momentum = s.Momentum ?? d.Momentum, Centered = s.Centered, Maximize = s.Maximize };
    }

    private static AdagradOptions Adagrad(OptimizerSettings s)
    {
        var d = new AdagradOptions();
        return d with { LearningRate = s.LearningRate ?? d.LearningRate, LearningRateDecay = s.LearningRateDecay ?? d.LearningRateDecay, WeightDecay = s.WeightDecay ?? d.WeightDecay, InitialAccumulatorValue = s.InitialAccumulatorValue ?? d.InitialAccumulatorValue, Epsilon = s.Epsilon ?? d.Epsilon, Maximize = s.Maximize };
    }

    // Adadelta's ρ comes from the settings' Alpha, as before (OptimizerSettings has no Rho).
    private static AdadeltaOptions Adadelta(OptimizerSettings s)
    {
        var d = new AdadeltaOptions();
        return d with { LearningRate = s.LearningRate ?? d.LearningRate, Rho = s.Alpha ?? d.Rho, Epsilon = s.Epsilon ?? d.Epsilon, WeightDecay = s.WeightDecay ?? d.WeightDecay, Maximize = s.Maximize };
    }

    private static AdamaxOptions Adamax(OptimizerSettings s)
    {
        var d = new AdamaxOptions();
        return d with { LearningRate = s.LearningRate ?? d.LearningRate, Beta1 = s.Beta1 ?? d.Beta1, Beta2 = s.Beta2 ?? d.Beta2, Epsilon = s.Epsilon ?? d.Epsilon, WeightDecay = s.WeightDecay ?? d.WeightDecay, Maximize = s.Maximize };
    }

    private static NAdamOptions NAdam(OptimizerSettings s)
    {
        var d = new NAdamOptions();
        return d with { LearningRate = s.LearningRate ?? d.LearningRate, Beta1 = s.Beta1 ?? d.Beta1, Beta2 = s.Beta2 ?? d.Beta2, Epsilon = s.Epsilon ?? d.Epsilon, WeightDecay = s.WeightDecay ?? d.WeightDecay, DecoupledWeightDecay = s.DecoupledWeightDecay, Maximize = s.Maximize };
    }

    private static RAdamOptions RAdam(OptimizerSettings s)
    {
        var d = new RAdamOptions();
        return d with { LearningRate = s.LearningRate ?? d.LearningRate, Beta1 = s.Beta1 ?? d.Beta1, Beta2 = s.Beta2 ?? d.Beta2, Epsilon = s.Epsilon ?? d.Epsilon, WeightDecay = s.WeightDecay ?? d.WeightDecay, DecoupledWeightDecay = s.DecoupledWeightDecay, Maximize = s.Maximize };
    }

    private static LionOptions Lion(OptimizerSettings s)
    {
        var d = new LionOptions();
        return d with { LearningRate = s.LearningRate ?? d.LearningRate, Beta1 = s.Beta1 ?? d.Beta1, Beta2 = s.Beta2 ?? d.Beta2, WeightDecay = s.WeightDecay ?? d.WeightDecay, Maximize = s.Maximize };
    }

    private static LambOptions Lamb(OptimizerSettings s)
    {
        var d = new LambOptions();
        return d with { LearningRate = s.LearningRate ?? d.LearningRate, Beta1 = s.Beta1 ?? d.Beta1, Beta2 = s.Beta2 ?? d.Beta2, Epsilon = s.Epsilon ?? d.Epsilon, WeightDecay = s.WeightDecay ?? d.WeightDecay, Maximize = s.Maximize };
    }

    private static LarsOptions Lars(OptimizerSettings s)
    {
        var d = new LarsOptions();
        return d with { LearningRate = s.LearningRate ?? d.LearningRate, WeightDecay = s.WeightDecay ?? d.WeightDecay, Epsilon = s.Epsilon ?? d.Epsilon, Momentum = s.Momentum ?? d.Momentum, Nesterov = s.Nesterov ?? d.Nesterov, Maximize = s.Maximize };
    }

    private static AdafactorOptions Adafactor(OptimizerSettings s)
    {
        var d = new AdafactorOptions();
        return d with { LearningRate = s.LearningRate ?? d.LearningRate, WeightDecay = s.WeightDecay ?? d.WeightDecay, Maximize = s.Maximize };
    }

    private static MuonOptions Muon(OptimizerSettings s)
    {
        var d = new MuonOptions();
        return d with { LearningRate = s.LearningRate ?? d.LearningRate, WeightDecay = s.WeightDecay ?? d.WeightDecay, Momentum = s.Momentum ?? d.Momentum, Nesterov = s.Nesterov ?? d.Nesterov, Epsilon = s.Epsilon ?? d.Epsilon, Maximize = s.Maximize };
    }

    private static Adam8BitOptions Adam8Bit(OptimizerSettings s, Adam8BitOptions d) =>
        d with { LearningRate = s.LearningRate ?? d.LearningRate, Beta1 = s.Beta1 ?? d.Beta1, Beta2 = s.Beta2 ?? d.Beta2, Epsilon = s.Epsilon ?? d.Epsilon, WeightDecay = s.WeightDecay ?? d.WeightDecay, Maximize = s.Maximize };
}

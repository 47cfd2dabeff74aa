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
        var maximize = s.Maximize;
        Optimizer<T> optimizer = name.ToUpperInvariant() switch
        {
            "SGD" => new Sgd<T>(groups, s.LearningRate ?? 1e-3, s.Momentum ?? 0, s.Dampening ?? 0, s.WeightDecay ?? 0, s.Nesterov ?? false) { Maximize = maximize },
            "ADAM" => new Adam<T>(groups, s.LearningRate ?? 1e-3, s.Beta1 ?? 0.9, s.Beta2 ?? 0.999, s.Epsilon ?? 1e-8, s.WeightDecay ?? 0, s.AmsGrad, s.DecoupledWeightDecay) { Maximize = maximize },
            "ADAMW" => new AdamW<T>(groups, s.LearningRate ?? 1e-3, s.Beta1 ?? 0.9, s.Beta2 ?? 0.999, s.Epsilon ?? 1e-8, s.WeightDecay ?? 0.01, s.AmsGrad) { Maximize = maximize },
            "RMSPROP" => new RmsProp<T>(groups, s.LearningRate ?? 1e-2, s.Alpha ?? 0.99, s.Epsilon ?? 1e-8, s.WeightDecay ?? 0, s.Momentum ?? 0, s.Centered) { Maximize = maximize },
            "ADAGRAD" => new Adagrad<T>(groups, s.LearningRate ?? 1e-2, s.LearningRateDecay ?? 0, s.WeightDecay ?? 0, s.InitialAccumulatorValue ?? 0, s.Epsilon ?? 1e-10) { Maximize = maximize },
            "ADADELTA" => new Adadelta<T>(groups, s.LearningRate ?? 1.0, s.Alpha ?? 0.9, s.Epsilon ?? 1e-6, s.WeightDecay ?? 0) { Maximize = maximize },
            "ADAMAX" => new Adamax<T>(groups, s.LearningRate ?? 2e-3, s.Beta1 ?? 0.9, s.Beta2 ?? 0.999, s.Epsilon ?? 1e-8, s.WeightDecay ?? 0) { Maximize = maximize },
            "NADAM" => new NAdam<T>(groups, s.LearningRate ?? 2e-3, s.Beta1 ?? 0.9, s.Beta2 ?? 0.999, s.Epsilon ?? 1e-8, s.WeightDecay ?? 0, 4e-3, s.DecoupledWeightDecay) { Maximize = maximize },
            "RADAM" => new RAdam<T>(groups, s.LearningRate ?? 1e-3, s.Beta1 ?? 0.9, s.Beta2 ?? 0.999, s.Epsilon ?? 1e-8, s.WeightDecay ?? 0, s.DecoupledWeightDecay) { Maximize = maximize },
            "LION" => new Lion<T>(groups, s.LearningRate ?? 1e-4, s.Beta1 ?? 0.9, s.Beta2 ?? 0.99, s.WeightDecay ?? 0) { Maximize = maximize },
            "LAMB" => new Lamb<T>(groups, s.LearningRate ?? 1e-3, s.Beta1 ?? 0.9, s.Beta2 ?? 0.999, s.Epsilon ?? 1e-6, 0, s.WeightDecay ?? 0) { Maximize = maximize },
            "LARS" => new Lars<T>(groups, s.LearningRate ?? 1e-3, s.WeightDecay ?? 0, 1e-3, s.Epsilon ?? 0, s.Momentum ?? 0.9, s.Nesterov ?? false) { Maximize = maximize },
            "ADAFACTOR" => new Adafactor<T>(groups, s.LearningRate ?? 1e-2, -0.8, null, 1e-3, 1.0, s.WeightDecay ?? 0) { Maximize = maximize },
            "MUON" => new Muon<T>(groups, s.LearningRate ?? 1e-3, s.WeightDecay ?? 0.1, s.Momentum ?? 0.95, s.Nesterov ?? true, s.Epsilon ?? 1e-7, 5) { Maximize = maximize },
            "ADAM8BIT" => new Adam8Bit<T>(groups, s.LearningRate ?? 1e-3, s.Beta1 ?? 0.9, s.Beta2 ?? 0.999, s.Epsilon ?? 1e-8, s.WeightDecay ?? 0, false) { Maximize = maximize },
            "ADAMW8BIT" => new Adam8Bit<T>(groups, s.LearningRate ?? 1e-3, s.Beta1 ?? 0.9, s.Beta2 ?? 0.999, s.Epsilon ?? 1e-8, s.WeightDecay ?? 0.01, true) { Maximize = maximize },
            _ => throw new ArgumentException($"Unknown optimizer '{name}'; expected one of {string.Join(", ", s_names)}.", nameof(name)),
        };

        optimizer.ParallelThreshold = _parallelThreshold;
        return optimizer;
    }
}

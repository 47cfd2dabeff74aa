using LlmCore.Optimization.Schedules;

namespace LlmCore.Optimization.Factories;

/// <summary>The default <see cref="ILearningRateScheduleFactory"/>.</summary>
/// <remarks>This type is stateless and thread-safe.</remarks>
public sealed class LearningRateScheduleFactory : ILearningRateScheduleFactory
{
    private static readonly string[] s_names = ["constant", "linear", "cosine", "polynomial", "exponential", "one-cycle", "cosine-warm-restarts"];

    /// <inheritdoc />
    public IReadOnlyList<string> Names => s_names;

    /// <inheritdoc />
    public LearningRateSchedule Create(string name, double baseLearningRate, long totalSteps, long warmupSteps = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(warmupSteps, totalSteps);
        var key = name.ToUpperInvariant();
        if (key == "ONE-CYCLE")
        {
            return new OneCycleSchedule(baseLearningRate, Math.Max(2, totalSteps));
        }

        var decaySteps = totalSteps - warmupSteps;
        LearningRateSchedule main = key switch
        {
            "CONSTANT" => new ConstantSchedule(baseLearningRate),
            "LINEAR" => new LinearSchedule(baseLearningRate, 1.0, 0.0, decaySteps),
            "COSINE" => new CosineAnnealingSchedule(baseLearningRate, decaySteps),
            "POLYNOMIAL" => new PolynomialSchedule(baseLearningRate, decaySteps, 1.0),
            "EXPONENTIAL" => new ExponentialSchedule(baseLearningRate, Math.Pow(0.01, 1.0 / decaySteps)),
            "COSINE-WARM-RESTARTS" => new CosineAnnealingWarmRestartsSchedule(baseLearningRate, Math.Max(1, decaySteps / 4)),
            _ => throw new ArgumentException($"Unknown schedule '{name}'; expected one of {string.Join(", ", s_names)}.", nameof(name)),
        };

        if (warmupSteps == 0)
        {
            return main;
        }

        return new SequentialSchedule([new LinearSchedule(baseLearningRate, 1.0 / warmupSteps, 1.0, warmupSteps), main], [warmupSteps]);
    }
}

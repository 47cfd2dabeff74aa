namespace LlmCore.Optimization.Factories;

/// <summary>Creates the common learning-rate schedules of a training run by name.</summary>
/// <remarks>Implementations are thread-safe; the schedules they create are not.</remarks>
public interface ILearningRateScheduleFactory
{
    /// <summary>Gets the names <see cref="Create"/> accepts: <c>constant</c>, <c>linear</c> (decay to 0),
    /// <c>cosine</c>, <c>polynomial</c> (power 1), <c>exponential</c> (to 1% of the base rate at the end),
    /// <c>one-cycle</c>, <c>cosine-warm-restarts</c> (period totalSteps/4).</summary>
    IReadOnlyList<string> Names { get; }

    /// <summary>Creates a schedule over <paramref name="totalSteps"/> steps, with an optional linear warm-up.</summary>
    /// <param name="name">The schedule's name (case-insensitive), one of <see cref="Names"/>.</param>
    /// <param name="baseLearningRate">The peak (base) rate, ≥ 0.</param>
    /// <param name="totalSteps">The steps of the whole run including warm-up, ≥ 1.</param>
    /// <param name="warmupSteps">Linear warm-up steps from baseLearningRate/warmupSteps, in [0, totalSteps); not used by one-cycle.</param>
    /// <returns>The schedule (a <see cref="Schedules.SequentialSchedule"/> when there is a warm-up), with save and restore.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is unknown.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside its range.</exception>
    Schedules.LearningRateSchedule Create(string name, double baseLearningRate, long totalSteps, long warmupSteps = 0);
}

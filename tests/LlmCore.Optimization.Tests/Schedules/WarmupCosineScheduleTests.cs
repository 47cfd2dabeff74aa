using LlmCore.Optimization.Schedules;

namespace LlmCore.Optimization.Tests.Schedules;

public class WarmupCosineScheduleTests
{
    // nanoGPT's get_lr (karpathy/nanoGPT train.py at 3adf61e1): lr(t) = η·(t+1)/(W+1) for t < W; η_min for t > D;
    // otherwise η_min + ½(1 + cos(π(t−W)/(D−W)))·(η − η_min). Hand-computed with η = 6e-4, W = 10, D = 100,
    // η_min = 6e-5 (nanoGPT's GPT-2 settings scaled down): cos(π/3) = ½ at t = 40, cos(π/2) = 0 at t = 55.
    [Theory]
    [InlineData(0, 6e-4 * 1 / 11)]
    [InlineData(4, 6e-4 * 5 / 11)]
    [InlineData(9, 6e-4 * 10 / 11)]
    [InlineData(10, 6e-4)]
    [InlineData(40, 6e-5 + (0.75 * 5.4e-4))]
    [InlineData(55, 6e-5 + (0.5 * 5.4e-4))]
    [InlineData(100, 6e-5)]
    [InlineData(101, 6e-5)]
    [InlineData(5000, 6e-5)]
    public void At_NanoGptSettings_HandComputedRates(long step, double expected)
    {
        var schedule = new WarmupCosineSchedule(6e-4, 10, 100, 6e-5);
        Assert.Equal(expected, schedule.At(step), 1e-15);
    }

    [Fact]
    public void Step_FollowsAtAndRestoresFromSavedState()
    {
        var schedule = new WarmupCosineSchedule(1.0, 3, 12, 0.1);
        Assert.Equal(0.25, schedule.LearningRate, 15);
        var seen = new List<double>();
        for (var t = 1; t <= 7; t++)
        {
            seen.Add(schedule.Step());
        }

        Assert.Equal(Enumerable.Range(1, 7).Select(t => schedule.At(t)), seen);
        using var state = new MemoryStream();
        schedule.SaveState(state);
        state.Position = 0;
        var restored = new WarmupCosineSchedule(1.0, 3, 12, 0.1);
        restored.LoadState(state);
        Assert.Equal(schedule.LearningRate, restored.LearningRate);
        Assert.Equal(schedule.Step(), restored.Step());
    }

    [Fact]
    public void At_NegativeStep_ThrowsNamingStep()
    {
        // Documented: step ≥ 0 (a negative step would otherwise land in the warm-up branch with a rate ≤ 0).
        var schedule = new WarmupCosineSchedule(1.0, 3, 12, 0.1);
        Assert.Throws<ArgumentOutOfRangeException>("step", () => schedule.At(-1));
    }

    [Fact]
    public void Constructor_BadArguments_ThrowNamingTheArgument()
    {
        Assert.Throws<ArgumentOutOfRangeException>("warmupSteps", () => new WarmupCosineSchedule(1, -1, 10));
        Assert.Throws<ArgumentOutOfRangeException>("decaySteps", () => new WarmupCosineSchedule(1, 10, 10));
        Assert.Throws<ArgumentOutOfRangeException>("minLearningRate", () => new WarmupCosineSchedule(1, 1, 10, 2));
        Assert.Throws<ArgumentOutOfRangeException>("baseLearningRate", () => new WarmupCosineSchedule(double.NaN, 1, 10));
    }
}

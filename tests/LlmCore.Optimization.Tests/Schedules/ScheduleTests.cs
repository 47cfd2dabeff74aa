using LlmCore.Optimization.Schedules;

namespace LlmCore.Optimization.Tests.Schedules;

/// <summary>
/// Learning-rate values from tests/reference/optimizer-trajectories.json: "lr_schedules" (index k = rate after k
/// steps; ReduceLROnPlateau: after k + 1 steps) and "pytorch_test_expected_values", copied from
/// pytorch/pytorch test/optim/test_lrscheduler.py (test names in each row).
/// </summary>
public class ScheduleTests
{
    public static TheoryData<string> ReferenceKeys() =>
    [
        "StepLR(step_size=3,gamma=0.1) base=0.1",
        "MultiStepLR(milestones=[2,5],gamma=0.1) base=0.1",
        "ExponentialLR(gamma=0.9) base=0.1",
        "ConstantLR(factor=1/3,total_iters=5) base=0.1",
        "LinearLR(start_factor=1/3,end_factor=1.0,total_iters=5) base=0.1 (linear warmup)",
        "LinearLR(start_factor=1.0,end_factor=0.0,total_iters=10) base=0.1 (linear decay)",
        "PolynomialLR(total_iters=5,power=2.0) base=0.1",
        "CosineAnnealingLR(T_max=10,eta_min=0.001) base=0.1, recursive step() values, note rise after T_max",
        "CosineAnnealingWarmRestarts(T_0=5,T_mult=2,eta_min=0.001) base=0.1",
        "OneCycleLR(max_lr=0.1,total_steps=20) defaults: lr",
    ];

    [Theory]
    [MemberData(nameof(ReferenceKeys))]
    public void Step_ReferenceSequence_MatchesToRounding(string key)
    {
        var expected = Reference.Schedule(key);
        var schedule = CreateFromKey(key);

        AssertSequence(expected, schedule, key);
    }

    [Fact]
    public void OneCycle_Momentum_MatchesReference()
    {
        var expected = Reference.Schedule("OneCycleLR(max_lr=0.1,total_steps=20) defaults: momentum");
        var schedule = new OneCycleSchedule(0.1, 20);
        for (var k = 0; k < expected.Length; k++)
        {
            if (k > 0)
            {
                schedule.Step();
            }

            Assert.Equal(expected[k], schedule.Momentum, 1e-12);
        }
    }

    [Fact]
    public void ReduceOnPlateau_ReferenceLosses_MatchesReference()
    {
        double[] losses = [1.0, 0.9, 0.95, 0.95, 0.95, 0.89, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9];
        var expected = Reference.Schedule("ReduceLROnPlateau(factor=0.1,patience=2,cooldown=1,min_lr=1e-4) base=0.1 losses=[1.0, 0.9, 0.95, 0.95, 0.95, 0.89, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]");
        var schedule = new ReduceOnPlateauSchedule(0.1, factor: 0.1, patience: 2, cooldown: 1, minLearningRate: 1e-4);
        for (var k = 0; k < losses.Length; k++)
        {
            Assert.Equal(expected[k], schedule.Step(losses[k]), 1e-15);
        }
    }

    // pytorch/pytorch test/optim/test_lrscheduler.py: each row names the test whose targets are used.
    [Theory]
    [InlineData("test_step_lr")]
    [InlineData("test_multi_step_lr")]
    [InlineData("test_constantlr")]
    [InlineData("test_linearlr")]
    [InlineData("test_get_last_lr_linearlr")]
    [InlineData("test_exp_lr")]
    [InlineData("test_poly_lr")]
    [InlineData("test_cos_anneal_lr")]
    [InlineData("test_onecycle_lr_cosine_annealing (lr)")]
    [InlineData("test_onecycle_lr_linear_annealing (lr)")]
    [InlineData("test_onecycle_lr_linear_annealing_three_phases (lr)")]
    public void Step_PyTorchTestTargets_Match(string test)
    {
        var entry = Reference.Root.GetProperty("pytorch_test_expected_values").EnumerateArray()
            .Single(e => e.GetProperty("source").GetString()!.EndsWith("::" + test, StringComparison.Ordinal));
        var expected = Reference.Doubles(entry.GetProperty("expected"));
        LearningRateSchedule schedule = test switch
        {
            "test_step_lr" => new StepSchedule(0.05, 3, 0.1),
            "test_multi_step_lr" => new MultiStepSchedule(0.05, [2, 5, 9], 0.1),
            "test_constantlr" => new ConstantFactorSchedule(0.05, 0.5, 5),
            "test_linearlr" => new LinearSchedule(0.05, 0.5, 1.0, 4),
            "test_get_last_lr_linearlr" => new LinearSchedule(0.05, 0.25, 0.6, 4),
            "test_exp_lr" => new ExponentialSchedule(0.05, 0.9),
            "test_poly_lr" => new PolynomialSchedule(0.05, 5, 0.9),
            "test_cos_anneal_lr" => new CosineAnnealingSchedule(0.05, 10, 1e-10),
            "test_onecycle_lr_cosine_annealing (lr)" => new OneCycleSchedule(25, 10, baseMomentum: 1, maxMomentum: 22, finalDivFactor: 2),
            "test_onecycle_lr_linear_annealing (lr)" => new OneCycleSchedule(25, 10, anneal: AnnealStrategy.Linear, baseMomentum: 1, maxMomentum: 22, finalDivFactor: 2),
            _ => new OneCycleSchedule(25, 10, pctStart: 0.4, anneal: AnnealStrategy.Linear, baseMomentum: 1, maxMomentum: 22, finalDivFactor: 4, threePhase: true),
        };

        AssertSequence(expected, schedule, test);
    }

    [Theory]
    [InlineData("test_reduce_lr_on_plateau2")]
    [InlineData("test_reduce_lr_on_plateau3")]
    [InlineData("test_reduce_lr_on_plateau5")]
    [InlineData("test_reduce_lr_on_plateau7")]
    public void ReduceOnPlateau_PyTorchTestTargets_Match(string test)
    {
        var entry = Reference.Root.GetProperty("pytorch_test_expected_values").EnumerateArray()
            .Single(e => e.GetProperty("source").GetString()!.EndsWith("::" + test, StringComparison.Ordinal));
        var expected = Reference.Doubles(entry.GetProperty("expected"));
        var n = expected.Length;
        (ReduceOnPlateauSchedule Schedule, Func<int, double> Metric) setup = test switch
        {
            "test_reduce_lr_on_plateau2" => (new ReduceOnPlateauSchedule(0.5, patience: 5, cooldown: 0, threshold: 0.1, relativeThreshold: false), i => 10 - (i * 0.0165)),
            "test_reduce_lr_on_plateau3" => (new ReduceOnPlateauSchedule(0.5, PlateauMode.Max, patience: 5, cooldown: 5, relativeThreshold: false), i => i < 2 ? -0.8 : -0.234),
            "test_reduce_lr_on_plateau5" => (new ReduceOnPlateauSchedule(0.5, PlateauMode.Max, threshold: 0.1, patience: 5, cooldown: 5), i => 1.5 * Math.Pow(1.005, i)),
            _ => (new ReduceOnPlateauSchedule(0.5, threshold: 0.1, patience: 5, cooldown: 5), i => i < 7 ? 1 : i == 7 ? 0.6 : 0.5),
        };

        for (var i = 0; i < n; i++)
        {
            Assert.Equal(expected[i], setup.Schedule.Step(setup.Metric(i)), 1e-12);
        }
    }

    [Fact]
    public void SaveLoad_MidRunSequential_ContinuesBitIdentically()
    {
        static SequentialSchedule Build() => new(
            [new LinearSchedule(0.1, 0.01, 1.0, 5), new CosineAnnealingSchedule(0.1, 20, 1e-4)], [5]);
        var first = Build();
        for (var i = 0; i < 8; i++)
        {
            first.Step();
        }

        using var state = new MemoryStream();
        first.SaveState(state);
        var second = Build();
        state.Position = 0;
        second.LoadState(state);
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(first.Step(), second.Step());
        }

        Assert.Equal(first.StepCount, second.StepCount);
    }

    [Fact]
    public void Sequential_WarmupThenCosine_SwitchesAtMilestone()
    {
        var schedule = new SequentialSchedule([new LinearSchedule(0.1, 0.5, 1.0, 2), new ExponentialSchedule(0.1, 0.5)], [3]);

        // LinearLR: 0.05, 0.075, 0.1; at step 3 ExponentialLR starts at its epoch 0 (0.1), then halves.
        double[] expected = [0.05, 0.075, 0.1, 0.1, 0.05, 0.025];
        AssertSequence(expected, schedule, "sequential");
    }

    [Fact]
    public void Constructor_BadArguments_ThrowNamingParameter()
    {
        Assert.Throws<ArgumentOutOfRangeException>("baseLearningRate", () => new ExponentialSchedule(-1, 0.9));
        Assert.Throws<ArgumentOutOfRangeException>("gamma", () => new StepSchedule(0.1, 3, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>("tMax", () => new CosineAnnealingSchedule(0.1, 0));
    }

    private static LearningRateSchedule CreateFromKey(string key) => key switch
    {
        _ when key.StartsWith("StepLR", StringComparison.Ordinal) => new StepSchedule(0.1, 3, 0.1),
        _ when key.StartsWith("MultiStepLR", StringComparison.Ordinal) => new MultiStepSchedule(0.1, [2, 5], 0.1),
        _ when key.StartsWith("ExponentialLR", StringComparison.Ordinal) => new ExponentialSchedule(0.1, 0.9),
        _ when key.StartsWith("ConstantLR", StringComparison.Ordinal) => new ConstantFactorSchedule(0.1, 1.0 / 3, 5),
        _ when key.Contains("linear warmup", StringComparison.Ordinal) => new LinearSchedule(0.1, 1.0 / 3, 1.0, 5),
        _ when key.Contains("linear decay", StringComparison.Ordinal) => new LinearSchedule(0.1, 1.0, 0.0, 10),
        _ when key.StartsWith("PolynomialLR", StringComparison.Ordinal) => new PolynomialSchedule(0.1, 5, 2.0),
        _ when key.StartsWith("CosineAnnealingLR", StringComparison.Ordinal) => new CosineAnnealingSchedule(0.1, 10, 0.001),
        _ when key.StartsWith("CosineAnnealingWarmRestarts", StringComparison.Ordinal) => new CosineAnnealingWarmRestartsSchedule(0.1, 5, 2, 0.001),
        _ => new OneCycleSchedule(0.1, 20),
    };

    private static void AssertSequence(double[] expected, LearningRateSchedule schedule, string label)
    {
        for (var k = 0; k < expected.Length; k++)
        {
            var actual = k == 0 ? schedule.LearningRate : schedule.Step();
            var tolerance = 1e-12 * Math.Max(1, Math.Abs(expected[k]));
            Assert.True(Math.Abs(actual - expected[k]) <= tolerance, $"{label} step {k}: {actual:R} vs {expected[k]:R}");
        }
    }
}

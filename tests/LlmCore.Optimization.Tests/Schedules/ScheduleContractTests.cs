using System.Text;
using LlmCore.Optimization.Schedules;

namespace LlmCore.Optimization.Tests.Schedules;

/// <summary>
/// The schedules' documented ranges, state format and boundary behaviour: the gaps that mutation testing
/// (scripts/quality/mutation.sh optimization Schedules, docs/quality.md) showed the reference-sequence tests leave open.
/// </summary>
public class ScheduleContractTests
{
    public static TheoryData<string, Func<LearningRateSchedule>> InvalidArguments => new()
    {
        { "factor", () => new ConstantFactorSchedule(0.1, 0) },
        { "factor", () => new ConstantFactorSchedule(0.1, 1.5) },
        { "factor", () => new ConstantFactorSchedule(0.1, double.NaN) },
        { "totalIters", () => new ConstantFactorSchedule(0.1, 0.5, -1) },
        { "stepSize", () => new StepSchedule(0.1, 0) },
        { "milestones", () => new MultiStepSchedule(0.1, [2, 0]) },
        { "gamma", () => new MultiStepSchedule(0.1, [2], -0.1) },
        { "gamma", () => new ExponentialSchedule(0.1, -0.1) },
        { "startFactor", () => new LinearSchedule(0.1, 0) },
        { "startFactor", () => new LinearSchedule(0.1, 1.5) },
        { "endFactor", () => new LinearSchedule(0.1, 0.5, 1.5) },
        { "totalIters", () => new LinearSchedule(0.1, 0.5, 1, 0) },
        { "totalIters", () => new PolynomialSchedule(0.1, 0) },
        { "power", () => new PolynomialSchedule(0.1, 5, -1) },
        { "etaMin", () => new CosineAnnealingSchedule(0.1, 5, -1e-3) },
        { "t0", () => new CosineAnnealingWarmRestartsSchedule(0.1, 0) },
        { "tMult", () => new CosineAnnealingWarmRestartsSchedule(0.1, 5, 0) },
        { "etaMin", () => new CosineAnnealingWarmRestartsSchedule(0.1, 5, 1, -1e-3) },
        { "totalSteps", () => new OneCycleSchedule(1, 1) },
        { "pctStart", () => new OneCycleSchedule(1, 10, 0) },
        { "pctStart", () => new OneCycleSchedule(1, 10, 1) },
        { "divFactor", () => new OneCycleSchedule(1, 10, divFactor: 0) },
        { "finalDivFactor", () => new OneCycleSchedule(1, 10, finalDivFactor: 0) },
        { "baseMomentum", () => new OneCycleSchedule(1, 10, baseMomentum: double.NaN) },
        { "maxMomentum", () => new OneCycleSchedule(1, 10, maxMomentum: double.PositiveInfinity) },
        { "factor", () => new ReduceOnPlateauSchedule(0.1, factor: 1) },
        { "patience", () => new ReduceOnPlateauSchedule(0.1, patience: -1) },
        { "threshold", () => new ReduceOnPlateauSchedule(0.1, threshold: -1e-4) },
        { "cooldown", () => new ReduceOnPlateauSchedule(0.1, cooldown: -1) },
        { "minLearningRate", () => new ReduceOnPlateauSchedule(0.1, minLearningRate: -1e-6) },
        { "eps", () => new ReduceOnPlateauSchedule(0.1, eps: -1e-8) },
    };

    [Theory]
    [MemberData(nameof(InvalidArguments))]
    public void Constructor_OutOfRange_ThrowsNamingTheParameter(string parameter, Func<LearningRateSchedule> create)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => create());
        Assert.Equal(parameter, ex.ParamName);
    }

    // The closed ends of the documented ranges are valid: ConstantLR's factor ∈ (0, 1], LinearLR's start factor ∈ (0, 1]
    // (torch.optim.lr_scheduler raises only outside them).
    [Fact]
    public void Constructor_UpperEndsOfRanges_AreAccepted()
    {
        Assert.Equal(0.1, new ConstantFactorSchedule(0.1, 1).LearningRate);
        Assert.Equal(0.1, new LinearSchedule(0.1, 1, 1, 5).LearningRate);
        Assert.Equal(0, new ConstantFactorSchedule(0.1, 0.5, totalIters: 0).StepCount); // zero iterations is a valid count
    }

    [Fact]
    public void Constructor_NullCollections_ThrowArgumentNull()
    {
        Assert.Throws<ArgumentNullException>("milestones", () => new MultiStepSchedule(0.1, null!));
        Assert.Throws<ArgumentNullException>("schedules", () => new SequentialSchedule(null!, [1]));
        Assert.Throws<ArgumentNullException>("milestones", () => new SequentialSchedule([new ConstantSchedule(0.1)], null!));
    }

    [Theory]
    [InlineData(new long[] { })] // two schedules need one milestone
    [InlineData(new long[] { 0 })] // not positive
    public void Sequential_BadMilestones_Throw(long[] milestones)
    {
        var ex = Assert.Throws<ArgumentException>(() => new SequentialSchedule([new ConstantSchedule(0.1), new ConstantSchedule(0.2)], milestones));
        Assert.Equal("milestones", ex.ParamName);
    }

    [Fact]
    public void Sequential_MilestonesNotIncreasing_Throw()
    {
        LearningRateSchedule[] three = [new ConstantSchedule(0.1), new ConstantSchedule(0.2), new ConstantSchedule(0.3)];
        Assert.Throws<ArgumentException>("milestones", () => new SequentialSchedule(three, [3, 3]));
        Assert.Throws<ArgumentException>("milestones", () => new SequentialSchedule(three, [4, 2]));
        Assert.Equal(0.1, new SequentialSchedule(three, [2, 4]).LearningRate);
        Assert.Throws<ArgumentException>("schedules", () => new SequentialSchedule([], []));
    }

    // The kind is written into saved state (the checkpoint format): these names are permanent.
    public static TheoryData<string, Func<LearningRateSchedule>> Kinds => new()
    {
        { "constant", () => new ConstantSchedule(0.1) },
        { "constant-factor", () => new ConstantFactorSchedule(0.1) },
        { "step", () => new StepSchedule(0.1, 3) },
        { "multi-step", () => new MultiStepSchedule(0.1, [2, 5]) },
        { "exponential", () => new ExponentialSchedule(0.1, 0.9) },
        { "linear", () => new LinearSchedule(0.1) },
        { "polynomial", () => new PolynomialSchedule(0.1, 5, 2) },
        { "cosine", () => new CosineAnnealingSchedule(0.1, 4, 1e-3) },
        { "cosine-warm-restarts", () => new CosineAnnealingWarmRestartsSchedule(0.1, 3, 2, 1e-3) },
        { "one-cycle", () => new OneCycleSchedule(1, 20) },
        { "reduce-on-plateau", () => new ReduceOnPlateauSchedule(0.1, patience: 1, cooldown: 2) },
        { "sequential", () => new SequentialSchedule([new LinearSchedule(0.1, 0.5, 1, 2), new ExponentialSchedule(0.1, 0.5)], [3]) },
        { "warmup-cosine", () => new WarmupCosineSchedule(0.1, 2, 10, 1e-3) },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Kind_IsTheNameInSavedState(string kind, Func<LearningRateSchedule> create)
    {
        var schedule = create();
        using var state = new MemoryStream();
        schedule.SaveState(state);
        state.Position = 0;
        using var reader = new BinaryReader(state, Encoding.UTF8);

        Assert.Equal(kind, schedule.Kind);
        Assert.Equal("llmcore.schedule", reader.ReadString());
        Assert.Equal(1, reader.ReadInt32());
        Assert.Equal(kind, reader.ReadString());
    }

    // Save mid-run (the warm-restart schedule past its first restart, the plateau schedule inside a cooldown), restore
    // into a fresh instance, and both continue with the same rates: every counter is in the state.
    [Theory]
    [MemberData(nameof(Kinds))]
    public void SaveLoad_MidRun_ContinuesBitIdentically(string kind, Func<LearningRateSchedule> create)
    {
        static double? Metric(int i) => i % 5 == 0 ? 1.0 : 2.0 + i; // a plateau with occasional improvements

        var first = create();
        for (var i = 0; i < 7; i++)
        {
            first.Step(Metric(i));
        }

        using var state = new MemoryStream();
        first.SaveState(state);
        var second = create();
        state.Position = 0;
        second.LoadState(state);

        Assert.Equal(first.StepCount, second.StepCount);
        for (var i = 7; i < 19; i++)
        {
            Assert.True(first.Step(Metric(i)) == second.Step(Metric(i)), $"{kind}: step {i + 1} differs after a restore");
        }

        if (first is OneCycleSchedule a && second is OneCycleSchedule b)
        {
            Assert.Equal(a.Momentum, b.Momentum);
        }
    }

    [Fact]
    public void LoadState_OneCycle_RestoresTheMomentumOfTheSavedStep()
    {
        var first = new OneCycleSchedule(1, 20);
        for (var i = 0; i < 9; i++)
        {
            first.Step();
        }

        using var state = new MemoryStream();
        first.SaveState(state);
        var second = new OneCycleSchedule(1, 20);
        state.Position = 0;
        second.LoadState(state);

        Assert.Equal(first.Momentum, second.Momentum);
        Assert.NotEqual(new OneCycleSchedule(1, 20).Momentum, second.Momentum);
    }

    [Theory]
    [InlineData("llmcore.optimizer", 1, "cosine")] // another tag
    [InlineData("llmcore.schedule", 2, "cosine")] // another version
    [InlineData("llmcore.schedule", 1, "linear")] // another kind
    public void LoadState_ForeignHeader_IsInvalidData(string tag, int version, string kind)
    {
        using var state = new MemoryStream();
        using (var writer = new BinaryWriter(state, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(tag);
            writer.Write(version);
            writer.Write(kind);
            writer.Write(3L);
            writer.Write(0.05);
        }

        state.Position = 0;
        var schedule = new CosineAnnealingSchedule(0.1, 4);

        Assert.Throws<InvalidDataException>(() => schedule.LoadState(state));
        Assert.Equal(0, schedule.StepCount);
    }

    [Fact]
    public void LoadState_Truncated_IsInvalidData()
    {
        var source = new CosineAnnealingWarmRestartsSchedule(0.1, 3);
        using var state = new MemoryStream();
        source.SaveState(state);
        using var truncated = new MemoryStream(state.ToArray()[..^4]);

        var ex = Assert.Throws<InvalidDataException>(() => new CosineAnnealingWarmRestartsSchedule(0.1, 3).LoadState(truncated));
        Assert.IsType<EndOfStreamException>(ex.InnerException);
    }

    [Fact]
    public void SaveAndLoad_NullStream_ThrowArgumentNull()
    {
        var schedule = new ConstantSchedule(0.1);
        Assert.Throws<ArgumentNullException>("destination", () => schedule.SaveState(null!));
        Assert.Throws<ArgumentNullException>("source", () => schedule.LoadState(null!));
    }

    // PyTorch's CosineAnnealingLR documentation: with the rate set by this scheduler alone,
    // η_t = η_min + (η_max − η_min)(1 + cos(π·t/T_max))/2 for every t, including past T_max, where the recursive
    // form takes its special branch at (t − 1 − T_max) mod 2·T_max = 0 (t = 5, 13 for T_max = 4).
    [Fact]
    public void CosineAnnealing_PastTMax_FollowsTheClosedForm()
    {
        const double etaMax = 0.1, etaMin = 1e-3;
        const int tMax = 4;
        var schedule = new CosineAnnealingSchedule(etaMax, tMax, etaMin);
        for (var t = 1; t <= 4 * tMax; t++)
        {
            var expected = etaMin + ((etaMax - etaMin) * (1 + Math.Cos(Math.PI * t / tMax)) / 2);
            Assert.Equal(expected, schedule.Step(), 12);
        }
    }

    // torch 1.13 (Debian python3-torch), OneCycleLR(SGD(lr=0.1), max_lr=1.0, total_steps=4): lr after construction
    // 0.04, then 0.811745653949763, 0.28306099820869923, 4e-06 (= 1/25/1e4); momentum 0.95 at the last step.
    // PyTorch also allows a fourth step (an extrapolated 0.283) and raises on the fifth; LlmCore stops at the
    // cycle's end, total_steps − 1 (see the type's remarks).
    [Fact]
    public void OneCycle_FourSteps_MatchesPyTorchThenStopsAtTheEnd()
    {
        var schedule = new OneCycleSchedule(1.0, 4);
        Assert.Equal(0.04, schedule.LearningRate, 15);
        Assert.Equal(0.811745653949763, schedule.Step(), 14);
        Assert.Equal(0.28306099820869923, schedule.Step(), 14);
        Assert.Equal(4e-06, schedule.Step(), 15);
        Assert.Equal(0.95, schedule.Momentum, 15);

        Assert.Throws<InvalidOperationException>(() => schedule.Step());
    }

    // ReduceLROnPlateau.is_better (torch.optim.lr_scheduler): improvement is strict, a < best·(1 − θ) for "rel",
    // a < best − θ for "abs" (and mirrored for max). A metric exactly at the threshold is a bad epoch, which with
    // patience 0 reduces the rate at once. 0.9, 0.5 and 1.5 are exact in binary arithmetic: 1·(1 − 0.1) = 0.9.
    [Theory]
    [InlineData(PlateauMode.Min, true, 0.1, 0.9)]
    [InlineData(PlateauMode.Min, false, 0.5, 0.5)]
    [InlineData(PlateauMode.Max, true, 0.5, 1.5)]
    [InlineData(PlateauMode.Max, false, 0.5, 1.5)]
    public void ReduceOnPlateau_MetricExactlyAtTheThreshold_IsNotAnImprovement(PlateauMode mode, bool relative, double threshold, double atThreshold)
    {
        var schedule = new ReduceOnPlateauSchedule(1.0, mode, factor: 0.5, patience: 0, threshold: threshold, relativeThreshold: relative);
        Assert.Equal(1.0, schedule.Step(1.0)); // the first metric is an improvement over ±∞

        Assert.Equal(0.5, schedule.Step(atThreshold));
    }

    [Theory]
    [InlineData(PlateauMode.Min, true, 0.1, 0.89)]
    [InlineData(PlateauMode.Min, false, 0.5, 0.49)]
    [InlineData(PlateauMode.Max, true, 0.5, 1.51)]
    [InlineData(PlateauMode.Max, false, 0.5, 1.51)]
    public void ReduceOnPlateau_MetricPastTheThreshold_IsAnImprovement(PlateauMode mode, bool relative, double threshold, double better)
    {
        var schedule = new ReduceOnPlateauSchedule(1.0, mode, factor: 0.5, patience: 0, threshold: threshold, relativeThreshold: relative);
        schedule.Step(1.0);

        Assert.Equal(1.0, schedule.Step(better));
    }

    // ReduceLROnPlateau._reduce_lr: the rate changes only if old − new > eps. Here new = max(1·0.5, 0.5) = 0.5 and
    // old − new = 0.5 = eps, so the rate stays 1.
    [Fact]
    public void ReduceOnPlateau_ReductionNotAboveEps_KeepsTheRate()
    {
        var schedule = new ReduceOnPlateauSchedule(1.0, factor: 0.5, patience: 0, minLearningRate: 0.5, eps: 0.5);
        schedule.Step(1.0);

        Assert.Equal(1.0, schedule.Step(2.0));
        var smallerEps = new ReduceOnPlateauSchedule(1.0, factor: 0.5, patience: 0, minLearningRate: 0.5, eps: 0.49);
        smallerEps.Step(1.0);
        Assert.Equal(0.5, smallerEps.Step(2.0));
    }
}

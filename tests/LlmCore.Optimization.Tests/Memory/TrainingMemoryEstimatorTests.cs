using LlmCore.Optimization.Memory;

namespace LlmCore.Optimization.Tests.Memory;

public class TrainingMemoryEstimatorTests
{
    // Rajbhandari et al. 2020, "ZeRO", Figure 1: Ψ = 7.5B, N = 64, mixed-precision Adam (K = 12):
    // baseline 120 GB, P_os 31.4 GB, P_os+g 16.6 GB, P_os+g+p 1.9 GB.
    [Theory]
    [InlineData(ZeroStage.None, 120.0)]
    [InlineData(ZeroStage.OptimizerState, 31.4)]
    [InlineData(ZeroStage.Gradients, 16.6)]
    [InlineData(ZeroStage.Parameters, 1.9)]
    public void Estimate_ZeroPaperFigure1_Matches(ZeroStage stage, double gigabytes)
    {
        var estimate = TrainingMemoryEstimator.Estimate(7_500_000_000, "adam", TrainingPrecision.Mixed16, stage, 64);

        Assert.Equal(gigabytes, estimate.BytesPerGpu / 1e9, 0.05);
        Assert.Equal(16, estimate.TotalBytesPerParameter);
    }

    [Fact]
    public void Estimate_EightBitAdamW_UsesAboutTwoBytesOfState()
    {
        // Dettmers et al. 2022: 8-bit state is 2 bytes per parameter (plus block scales) against 8 for 32-bit Adam.
        var estimate = TrainingMemoryEstimator.Estimate(1_000_000, "adamw8bit", TrainingPrecision.Float32);

        Assert.Equal(2.03125, estimate.OptimizerStateBytesPerParameter);
        Assert.Equal(8, TrainingMemoryEstimator.Estimate(1_000_000, "adamw", TrainingPrecision.Float32).OptimizerStateBytesPerParameter);
    }

    [Fact]
    public void Estimate_BadInput_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>("parameters", () => TrainingMemoryEstimator.Estimate(0, "adam", TrainingPrecision.Float32));
        Assert.Throws<ArgumentOutOfRangeException>("dataParallelDegree", () => TrainingMemoryEstimator.Estimate(10, "adam", TrainingPrecision.Float32, ZeroStage.Gradients, 0));
        Assert.Throws<ArgumentException>("optimizer", () => TrainingMemoryEstimator.Estimate(10, "sgdx", TrainingPrecision.Float32));
    }
}

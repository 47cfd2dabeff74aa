using LlmCore.Optimization.Averaging;
using LlmCore.Optimization.Gradients;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Optimization.Tests.Gradients;

/// <summary>Clipping and EMA cases from tests/reference/optimizer-trajectories.json ("grad_clipping", "ema"), which follow torch/nn/utils/clip_grad.py and torch/optim/swa_utils.py.</summary>
public class GradientToolsTests
{
    [Theory]
    [InlineData(1.0, 13.0, 0.07692307100591762, new[] { 0.23076921301775288, 0.3076922840236705, 0.9230768520710115 })]
    [InlineData(100.0, 13.0, 1.0, new[] { 3.0, 4.0, 12.0 })]
    public void ClipByGlobalNorm_ReferenceCases_ReturnPreClipNormAndScale(double maxNorm, double norm, double coefficient, double[] clipped)
    {
        var a = new Parameter<double>("a", [0.0, 0.0]);
        var b = new Parameter<double>("b", [0.0]);
        a.Gradient[0] = 3;
        a.Gradient[1] = 4;
        b.Gradient[0] = 12;

        var total = GradientClipping.ClipByGlobalNorm([a, b], maxNorm);

        Assert.Equal(norm, total, 1e-15);
        Assert.Equal(clipped[0], a.Gradient[0], 1e-15);
        Assert.Equal(clipped[1], a.Gradient[1], 1e-15);
        Assert.Equal(clipped[2], b.Gradient[0], 1e-15);
        Assert.Equal(coefficient, a.Gradient[0] / 3, 1e-15);
    }

    [Fact]
    public void ClipByGlobalNorm_InfinityNorm_MatchesReference()
    {
        // Reference: clip_grad_norm_(max_norm=1, norm_type=inf) on [[3,4],[12]]: total 12, coefficient 0.08333332638888948.
        var a = new Parameter<double>("a", [0.0, 0.0]);
        var b = new Parameter<double>("b", [0.0]);
        a.Gradient[0] = 3;
        a.Gradient[1] = 4;
        b.Gradient[0] = 12;

        var total = GradientClipping.ClipByGlobalNorm([a, b], 1, double.PositiveInfinity);

        Assert.Equal(12.0, total);
        Assert.Equal(0.08333332638888948, b.Gradient[0] / 12, 1e-15);
    }

    [Fact]
    public void ClipByGlobalNorm_ZeroGradients_NoNaN()
    {
        var a = new Parameter<float>("a", [1f, 2f]);

        var total = GradientClipping.ClipByGlobalNorm([a], 1.0);

        Assert.Equal(0.0, total);
        Assert.All(a.Gradient.ToArray(), static g => Assert.Equal(0f, g));
    }

    [Fact]
    public void ClipByValue_ReferenceCase_Clamps()
    {
        // Reference: clip_grad_value_(clip_value=5) on [[3,-7],[12]] → [[3,-5],[5]].
        var a = new Parameter<double>("a", [0.0, 0.0]);
        var b = new Parameter<double>("b", [0.0]);
        a.Gradient[0] = 3;
        a.Gradient[1] = -7;
        b.Gradient[0] = 12;

        GradientClipping.ClipByValue([a, b], 5);

        Assert.Equal([3.0, -5.0], a.Gradient.ToArray());
        Assert.Equal(5.0, b.Gradient[0]);
    }

    [Fact]
    public void ExponentialMovingAverage_ReferenceCase_Matches()
    {
        // Reference "ema": AveragedModel(get_ema_multi_avg_fn(0.9)), parameter values 1, 2, 4, 8.
        double[] expected = [1.0, 1.1, 1.3900000000000001, 2.051];
        var p = new Parameter<double>("p", [0.0]);
        var ema = new ExponentialMovingAverage<double>([p], 0.9);
        double[] values = [1, 2, 4, 8];
        for (var i = 0; i < values.Length; i++)
        {
            p.Values[0] = values[i];
            ema.Update();
            Assert.Equal(expected[i], ema.Average(0)[0], 1e-15);
        }

        ema.CopyTo();
        Assert.Equal(2.051, p.Values[0], 1e-15);
    }

    [Fact]
    public void DynamicLossScaler_InfGradient_SkipsStepAndLeavesStateUntouched()
    {
        var p = new Parameter<float>("w", [1f, 2f, 3f]);
        var adam = new AdamW<float>([p], 0.1f);
        var scaler = new DynamicLossScaler(initialScale: 1024, growthInterval: 2);
        p.Gradient.Fill(1024f);
        Assert.True(scaler.Step(adam));
        using var before = new MemoryStream();
        adam.SaveState(before);
        var values = p.Values.ToArray();

        p.Gradient[1] = float.PositiveInfinity;
        var stepped = scaler.Step(adam);

        using var after = new MemoryStream();
        adam.SaveState(after);
        Assert.False(stepped);
        Assert.Equal(values, p.Values.ToArray());
        Assert.Equal(before.ToArray(), after.ToArray());
        Assert.Equal(512, scaler.Scale);
        Assert.Equal(1, scaler.SkippedSteps);
        Assert.Equal(1, adam.StepCount);
    }

    [Fact]
    public void DynamicLossScaler_CleanSteps_GrowAfterInterval()
    {
        var p = new Parameter<double>("w", [1.0]);
        var sgd = new Sgd<double>([p], 0.1);
        var scaler = new DynamicLossScaler(initialScale: 8, growthInterval: 3);
        for (var i = 0; i < 3; i++)
        {
            p.Gradient[0] = 8;
            Assert.True(scaler.Step(sgd));
        }

        // Each unscaled gradient is 1, so three SGD steps of 0.1 from 1.
        Assert.Equal(0.7, p.Values[0], 1e-12);
        Assert.Equal(16, scaler.Scale);
    }

    [Fact]
    public void GradientAccumulator_FourMicroBatches_StepsWithMeanGradient()
    {
        var p = new Parameter<double>("w", [1.0]);
        var sgd = new Sgd<double>([p], 0.5);
        var accumulator = new GradientAccumulator<double>(sgd, 4);
        double[] micro = [1, 2, 3, 6];
        for (var i = 0; i < micro.Length; i++)
        {
            p.Gradient[0] = micro[i];
            Assert.Equal(i == 3, accumulator.Add());
        }

        // Mean gradient 3 → 1 − 0.5·3.
        Assert.Equal(-0.5, p.Values[0], 15);
        Assert.Equal(0.0, p.Gradient[0]);
    }
}

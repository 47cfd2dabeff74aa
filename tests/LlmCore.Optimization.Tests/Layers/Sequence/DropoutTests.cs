using LlmCore.Optimization.Layers.Sequence;

namespace LlmCore.Optimization.Tests.Layers.Sequence;

/// <summary>
/// Inverted dropout (<c>torch.nn.Dropout</c>: kept values scaled by 1/(1 − p), identity in evaluation mode and at
/// p = 0) and its counter-based mask stream: SplitMix64 against Vigna's reference outputs, the stream pinned (a model
/// resumed from a checkpoint must draw the masks an uninterrupted run draws, in every future version), the mask
/// reused by the backward pass, and the drop fraction by a binomial test.
/// </summary>
public class DropoutTests
{
    /// <summary>Key(42, 7, 3) and the uniforms of elements 0…5 under it, from a Python transcription of <see cref="DropoutMask"/>'s documented formula.</summary>
    private const ulong PinnedKey = 372016950332276266UL;

    private static readonly double[] s_pinnedUniforms = [0.3654545394894947, 0.1035088696298232, 0.567068742784338, 0.6636529135287438, 0.5279080220778298, 0.7423113436073812];

    [Fact]
    public void Mix_IsSplitMix64()
    {
        // Vigna's splitmix64.c seeded with x = 0: next() returns Mix(0), Mix(φ), Mix(2φ) = 0xe220a8397b1dcdaf,
        // 0x6e789e6aa1b965f4, 0x06c45d188009454f (the generator's published first outputs).
        const ulong golden = 0x9E3779B97F4A7C15UL;
        Assert.Equal(0xE220A8397B1DCDAFUL, DropoutMask.Mix(0));
        Assert.Equal(0x6E789E6AA1B965F4UL, DropoutMask.Mix(golden));
        Assert.Equal(0x06C45D188009454FUL, DropoutMask.Mix(unchecked(2 * golden)));
    }

    [Fact]
    public void KeyAndUniform_ArePinned()
    {
        Assert.Equal(PinnedKey, DropoutMask.Key(42, 7, 3));
        Assert.NotEqual(PinnedKey, DropoutMask.Key(42, 7, 4));
        for (var e = 0; e < s_pinnedUniforms.Length; e++)
        {
            Assert.Equal(s_pinnedUniforms[e], DropoutMask.Uniform(PinnedKey, e), 1e-16);
        }
    }

    [Fact]
    public void Fill_KeepsWhereUniformIsAtLeastP_ScaledByOneOverOneMinusP()
    {
        // Uniforms [0.365, 0.104, 0.567, 0.664, 0.528, 0.742]: at p = 0.5 the first two drop, kept values are 2;
        // at p = 0.25 only the second drops and kept values are 4/3.
        var mask = new double[6];
        DropoutMask.Fill(PinnedKey, 0, 0.5, mask.AsSpan());
        Assert.Equal([0, 0, 2, 2, 2, 2], mask);
        DropoutMask.Fill(PinnedKey, 0, 0.25, mask.AsSpan());
        Assert.Equal([4 / 3.0, 0, 4 / 3.0, 4 / 3.0, 4 / 3.0, 4 / 3.0], mask);

        // An offset continues the same stream: elements 2…5.
        var tail = new double[4];
        DropoutMask.Fill(PinnedKey, 2, 0.5, tail.AsSpan());
        Assert.Equal([2, 2, 2, 2], tail);
        DropoutMask.Fill(PinnedKey, 1, 0.5, tail.AsSpan());
        Assert.Equal([0, 2, 2, 2], tail);
    }

    [Fact]
    public void Layer_Training_DropsScalesAndReusesTheMaskBackward()
    {
        // Site 3 at (seed 42, counter 7): the mask of elements 0…5 at p = 0.5 is [0, 0, 2, 2, 2, 2] (above).
        var layer = new DropoutLayer<double>(3, 0.5, 3);
        Assert.Equal(0.5, layer.Probability);
        Assert.Equal(3, layer.Site);
        Assert.Empty(layer.Parameters);
        double[] x = [1, 2, 3, 4, 5, 6];
        layer.Forward(x, 1, 2, new ForwardPass(true, 42, 7));
        Assert.Equal([0, 0, 6, 8, 10, 12], layer.Output.AsSpan(0, 6).ToArray());
        Assert.Equal([1, 2, 3, 4, 5, 6], x);

        layer.PlanBackward(true);
        layer.Backward([10, 20, 30, 40, 50, 60], new BackwardContext<double>());
        Assert.Equal([0, 0, 60, 80, 100, 120], layer.InputGradient.AsSpan(0, 6).ToArray());
    }

    [Fact]
    public void Layer_EvaluationOrZeroRate_PassesTheGradientThrough()
    {
        double[] x = [1, 2, 3];
        double[] dy = [4, 5, 6];
        foreach (var (p, pass) in new[] { (0.5, ForwardPass.Inference), (0.0, new ForwardPass(true, 1, 1)) })
        {
            var layer = new DropoutLayer<double>(3, p, 0);
            layer.Forward(x, 1, 1, pass);
            Assert.Same(x, layer.Output);
            layer.PlanBackward(true);
            layer.Backward(dy, new BackwardContext<double>());
            Assert.Same(dy, layer.InputGradient);
        }

        // A training pass after an evaluation pass does drop (the state is per pass).
        var dropout = new DropoutLayer<double>(3, 0.5, 3);
        dropout.Forward([1.0, 1.0, 1.0, 1.0, 1.0, 1.0], 1, 2, ForwardPass.Inference);
        dropout.Forward([1.0, 1.0, 1.0, 1.0, 1.0, 1.0], 1, 2, new ForwardPass(true, 42, 7));
        Assert.Equal([0, 0, 2, 2, 2, 2], dropout.Output.AsSpan(0, 6).ToArray());
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_ProbabilityOutsideZeroToOne_ThrowsNamingIt(double p)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DropoutLayer<double>(4, p, 0));
        Assert.Equal("probability", e.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.999)]
    public void Constructor_ProbabilityAtTheEdgesOfTheRange_IsAccepted(double p)
    {
        Assert.Equal(p, new DropoutLayer<double>(4, p, 0).Probability);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.9)]
    public void Layer_DropFraction_PassesABinomialTest(double p)
    {
        // 200,000 Bernoulli(p) drops: the standard deviation of the dropped fraction is √(p(1 − p)/200,000) ≤ 6.7e-4,
        // and the band ±0.004 is ≥ 5.9 standard deviations (two-sided false-failure rate below 4e-9). Kept values are
        // exactly 1/(1 − p) for an input of ones.
        const int batch = 2;
        const int length = 100;
        const int width = 1000;
        var x = Enumerable.Repeat(1.0, batch * length * width).ToArray();
        var layer = new DropoutLayer<double>(width, p, 5);
        layer.Forward(x, batch, length, new ForwardPass(true, 2026, 12));
        var y = layer.Output.AsSpan(0, x.Length).ToArray();
        var dropped = y.Count(v => v == 0) / (double)y.Length;
        Assert.InRange(dropped, p - 0.004, p + 0.004);
        Assert.All(y, v => Assert.True(v == 0 || v == 1 / (1 - p), $"value {v}"));
    }

    [Fact]
    public void Uniform_IsInUnitInterval_WithMeanOneHalf()
    {
        // 100,000 uniforms: the mean's standard deviation is √(1/12/100,000) ≈ 9.1e-4; ±0.005 is 5.5 of them
        // (false-failure rate ≈ 4e-8).
        var key = DropoutMask.Key(7, 1, 2);
        var sum = 0.0;
        for (var e = 0; e < 100_000; e++)
        {
            var u = DropoutMask.Uniform(key, e);
            Assert.InRange(u, 0.0, Math.BitDecrement(1.0));
            sum += u;
        }

        Assert.InRange(sum / 100_000, 0.495, 0.505);
    }
}

using LlmCore.Optimization.Internal;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Optimization.Tests.Optimizers;

public class Adam8BitTests
{
    [Fact]
    public void DynamicMaps_HaveBitsandbytesShape()
    {
        // bitsandbytes create_dynamic_map: 256 sorted values, containing 0 and 1; signed spans [−1, 1].
        Assert.Equal(256, DynamicQuantization.Signed.Length);
        Assert.Equal(256, DynamicQuantization.Unsigned.Length);
        Assert.Contains(0f, DynamicQuantization.Signed);
        Assert.Equal(1f, DynamicQuantization.Signed[^1]);
        // Largest magnitude below 1: the midpoint of the last interval of linspace(0.1, 1, 65) = 1 − 0.9/128.
        Assert.Equal(-(1 - (0.9 / 128)), DynamicQuantization.Signed[0], 6);
        Assert.True(DynamicQuantization.Unsigned[0] >= 0);
        Assert.Equal(DynamicQuantization.Signed.Order().ToArray(), DynamicQuantization.Signed);
    }

    [Fact]
    public void Step_LargeTensor_TracksExactAdamWithinQuantizationError()
    {
        const int N = 1 << 14;
        var random = new Random(3);
        var init = Enumerable.Range(0, N).Select(_ => (float)random.NextDouble()).ToArray();
        var exact = new Parameter<float>("w", (float[])init.Clone());
        var quantized = new Parameter<float>("w", (float[])init.Clone());
        var adamw = new AdamW<float>([exact], 1e-3);
        var adamw8 = new Adam8Bit<float>([quantized], 1e-3, weightDecay: 0.01, decoupledWeightDecay: true);
        for (var step = 0; step < 20; step++)
        {
            for (var i = 0; i < N; i++)
            {
                var g = (float)(random.NextDouble() - 0.3);
                exact.Gradient[i] = g;
                quantized.Gradient[i] = g;
            }

            adamw.Step();
            adamw8.Step();
        }

        // Both moved ~20·lr from the start; the 8-bit run stays within a few percent of the exact movement.
        var moved = 0.0;
        var diff = 0.0;
        for (var i = 0; i < N; i++)
        {
            moved += Math.Abs(exact.Values[i] - init[i]);
            diff += Math.Abs(exact.Values[i] - quantized.Values[i]);
        }

        Assert.True(diff / moved < 0.05, $"relative deviation {diff / moved:E3}");
    }

    [Fact]
    public void SaveLoad_QuantizedState_ContinuesBitIdentically()
    {
        const int N = 5000;
        var a = new Parameter<float>("w", new float[N]);
        var b = new Parameter<float>("w", new float[N]);
        var first = new Adam8Bit<float>([a], 0.01);
        var second = new Adam8Bit<float>([b], 0.01);
        for (var s = 0; s < 3; s++)
        {
            for (var i = 0; i < N; i++)
            {
                a.Gradient[i] = MathF.Sin(i + s);
            }

            first.Step();
        }

        using var state = new MemoryStream();
        first.SaveState(state);
        state.Position = 0;
        second.LoadState(state);
        a.Values.CopyTo(b.Values);
        for (var i = 0; i < N; i++)
        {
            a.Gradient[i] = MathF.Cos(i);
            b.Gradient[i] = MathF.Cos(i);
        }

        first.Step();
        second.Step();
        Assert.True(a.Values.SequenceEqual(b.Values));
    }
}

public class DynamicQuantizationTests
{
    [Fact]
    public void NearestFast_EqualsBinarySearch()
    {
        var random = new Random(11);
        for (var i = 0; i < 200_000; i++)
        {
            var x = (float)((random.NextDouble() * 2) - 1) * (float)Math.Pow(10, -random.Next(0, 8));
            Assert.Equal(DynamicQuantization.Nearest(DynamicQuantization.Signed, x), DynamicQuantization.NearestSigned(x));
            var u = MathF.Abs(x);
            Assert.Equal(DynamicQuantization.Nearest(DynamicQuantization.Unsigned, u), DynamicQuantization.NearestUnsigned(u));
        }

        foreach (var edge in new[] { 0f, -0f, 1f, -1f })
        {
            Assert.Equal(DynamicQuantization.Nearest(DynamicQuantization.Signed, edge), DynamicQuantization.NearestSigned(edge));
        }
    }
}

using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Tests.TestSupport;

namespace LlmCore.Privacy.Tests.Sampling;

public class UniformSamplerTests
{
    [Fact]
    public void Fill_100kSamples_PassesKolmogorovSmirnovAgainstUniform()
    {
        // KS at level 0.001 (false-failure rate 0.1%), fixed seed.
        var samples = new double[100_000];
        UniformSampler.Fill(new SeededRandomSource(1), samples);

        var d = Statistics.KolmogorovSmirnov(samples, static x => x);

        Assert.True(d < Statistics.KsCritical001(samples.Length), $"D = {d}");
    }

    [Fact]
    public void NextDouble_Values_AreOn53BitGridInUnitInterval()
    {
        var source = new SeededRandomSource(2);
        for (var i = 0; i < 10_000; i++)
        {
            var u = UniformSampler.NextDouble(source);
            Assert.InRange(u, 0.0, Math.BitDecrement(1.0));
            var scaled = u * (1UL << 53);
            Assert.Equal(Math.Floor(scaled), scaled);
        }
    }

    [Fact]
    public void NextDouble_UsesTheLowBitsOfTheMantissa()
    {
        // With 53-bit precision about half the values have an odd last grid step; a 52-bit or float-based sampler has none.
        var source = new SeededRandomSource(9);
        var odd = Enumerable.Range(0, 1000).Count(_ => ((ulong)(UniformSampler.NextDouble(source) * (1UL << 53)) & 1) == 1);

        Assert.InRange(odd, 400, 600);
    }
}

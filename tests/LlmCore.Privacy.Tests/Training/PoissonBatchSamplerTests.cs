using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Training;
using MathNet.Numerics.Distributions;

namespace LlmCore.Privacy.Tests.Training;

public sealed class PoissonBatchSamplerTests
{
    [Fact]
    public void Sample_ManyBatches_SizesFollowBinomialNq()
    {
        // Each batch size is Binomial(N = 1000, q = 0.05). Over 2,000 batches the mean is within 4 standard errors
        // (false-failure rate ≈ 6e-5), and each index's inclusion frequency over all batches is ≈ q.
        var sampler = new PoissonBatchSampler(1000, 0.05, new SeededRandomSource(42));
        var batch = new List<int>();
        var total = 0L;
        var hitsOfFirst = 0;
        for (var b = 0; b < 2000; b++)
        {
            sampler.Sample(batch);
            total += batch.Count;
            hitsOfFirst += batch.Count > 0 && batch[0] == 0 ? 1 : 0;
            for (var i = 1; i < batch.Count; i++)
            {
                Assert.True(batch[i] > batch[i - 1]);
            }
        }

        var mean = (double)total / 2000;
        var standardError = Math.Sqrt(1000 * 0.05 * 0.95 / 2000);
        Assert.InRange(mean, 50 - (4 * standardError), 50 + (4 * standardError));

        // Example 0 alone: Binomial(2000, 0.05), 4-sigma interval.
        var sd0 = Math.Sqrt(2000 * 0.05 * 0.95);
        Assert.InRange(hitsOfFirst, 100 - (4 * sd0), 100 + (4 * sd0));
        Assert.Equal(50.0, sampler.ExpectedBatchSize, 12);
    }

    [Fact]
    public void Sample_RateOne_TakesEveryExample()
    {
        var sampler = new PoissonBatchSampler(7, 1.0, new SeededRandomSource(1));
        var batch = new List<int>();
        sampler.Sample(batch);
        Assert.Equal(Enumerable.Range(0, 7), batch);
    }

    [Fact]
    public void Sample_BatchSizes_PassChiSquareAgainstBinomial()
    {
        // 5,000 batches of N = 40, q = 0.1: chi-square against Binomial(40, 0.1), level 0.001 (false-failure rate 0.001).
        var sampler = new PoissonBatchSampler(40, 0.1, new SeededRandomSource(7));
        var batch = new List<int>();
        var sizes = new long[5000];
        for (var b = 0; b < sizes.Length; b++)
        {
            sampler.Sample(batch);
            sizes[b] = batch.Count;
        }

        var p = TestSupport.Statistics.ChiSquarePValue(sizes, k => Binomial.PMF(0.1, 40, (int)k), 0, 40);
        Assert.True(p > 0.001, $"p = {p}");
    }

    [Theory]
    [InlineData(0, 0.5, "datasetSize")]
    [InlineData(10, 0.0, "sampleRate")]
    [InlineData(10, 1.5, "sampleRate")]
    [InlineData(10, double.NaN, "sampleRate")]
    public void Constructor_BadArguments_Throw(int n, double q, string name)
    {
        Assert.Throws<ArgumentOutOfRangeException>(name, () => new PoissonBatchSampler(n, q));
    }
}

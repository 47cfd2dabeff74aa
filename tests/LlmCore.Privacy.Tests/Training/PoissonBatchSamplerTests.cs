using LlmCore.Optimization.Training;
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

    [Fact]
    public void Next_Passes_EndAtTheContractsStepCounts()
    {
        // N = 10,000, B = 64 (q = 0.0064): pass e ends after ⌈e·10000/64⌉ batches in all: 157, 313, 469, 625, 782
        // (the 782 steps of 5 epochs in TF Privacy's compute_dp_sgd_privacy statement).
        var sampler = new PoissonBatchSampler(10_000, 64.0 / 10_000, new SeededRandomSource(1));
        var batch = new List<int>();
        var ends = new List<int>();
        for (var b = 1; b <= 782; b++)
        {
            if (sampler.Next(batch))
            {
                ends.Add(b);
            }
        }

        Assert.Equal([157, 313, 469, 625, 782], ends);
        Assert.Equal(BatchSamplingScheme.Poisson, sampler.Scheme);
    }

    [Fact]
    public void SaveAndLoadState_ContinuesThePassCount_AndRejectsAnotherConfiguration()
    {
        var sampler = new PoissonBatchSampler(100, 0.1, new SeededRandomSource(1));
        var batch = new List<int>();
        for (var b = 0; b < 13; b++)
        {
            sampler.Next(batch);
        }

        using var state = new MemoryStream();
        sampler.SaveState(state);
        state.Position = 0;
        var restored = new PoissonBatchSampler(100, 0.1, new SeededRandomSource(2));
        restored.LoadState(state);
        // q·N = 10: passes end at batches 10, 20, 30; the restored sampler knows it has drawn 13.
        var ends = Enumerable.Range(14, 20).Where(_ => restored.Next(batch)).ToArray();
        Assert.Equal([20, 30], ends);
        state.Position = 0;
        Assert.Throws<InvalidDataException>(() => new PoissonBatchSampler(100, 0.2).LoadState(state));
    }
}

using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Training;

namespace LlmCore.Privacy.Tests.Training;

public class SampledWithoutReplacementBatchSamplerTests
{
    [Fact]
    public void Next_60kBatches_EverySubsetEquallyLikely_PassesChiSquare()
    {
        // The sampling that SampledWithoutReplacementEvent analyses (Wang, Balle and Kasiviswanathan 2019): each step's batch
        // is a uniform B-subset of the N examples. N = 10, B = 3: C(10, 3) = 120 subsets, each with probability 1/120.
        // Fixed seed; the test fails with probability 0.001 over seeds (chi-square, 119 degrees of freedom).
        var sampler = new SampledWithoutReplacementBatchSampler(10, 3, new SeededRandomSource(11));
        var batch = new List<int>();
        var counts = new Dictionary<int, int>();
        const int draws = 60_000;
        for (var i = 0; i < draws; i++)
        {
            sampler.Next(batch);
            var key = batch.Aggregate(0, static (mask, index) => mask | (1 << index));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        Assert.Equal(120, counts.Count);
        var expected = draws / 120.0;
        var chi2 = counts.Values.Sum(c => (c - expected) * (c - expected) / expected);
        var pValue = 1 - MathNet.Numerics.Distributions.ChiSquared.CDF(119, chi2);
        Assert.True(pValue > 0.001, $"chi2 {chi2:F1}, p {pValue:G3}");
    }

    [Fact]
    public void Next_EveryBatch_HasBDistinctSortedIndicesAndAPassEveryCeilNOverBSteps()
    {
        var sampler = new SampledWithoutReplacementBatchSampler(10, 4, new SeededRandomSource(3));
        var batch = new List<int>();
        var passEnds = new List<int>();
        for (var step = 1; step <= 9; step++)
        {
            if (sampler.Next(batch))
            {
                passEnds.Add(step);
            }

            Assert.Equal(4, batch.Count);
            Assert.Equal(batch.Order(), batch);
            Assert.Equal(4, batch.Distinct().Count());
            Assert.All(batch, static i => Assert.InRange(i, 0, 9));
        }

        // ⌈10/4⌉ = 3 steps per pass.
        Assert.Equal([3, 6, 9], passEnds);
        Assert.Equal(0.4, sampler.SampleRate);
        Assert.Equal(4, sampler.ExpectedBatchSize);
    }

    [Fact]
    public void SaveAndLoadState_ContinuesThePassCount()
    {
        var sampler = new SampledWithoutReplacementBatchSampler(10, 4, new SeededRandomSource(3));
        var batch = new List<int>();
        sampler.Next(batch);
        sampler.Next(batch);
        using var state = new MemoryStream();
        sampler.SaveState(state);

        var resumed = new SampledWithoutReplacementBatchSampler(10, 4, new SeededRandomSource(5));
        state.Position = 0;
        resumed.LoadState(state);

        Assert.True(resumed.Next(batch));
        state.Position = 0;
        Assert.Throws<InvalidDataException>(() => new SampledWithoutReplacementBatchSampler(11, 4).LoadState(state));
    }

    [Theory]
    [InlineData(0, 1, "datasetSize")]
    [InlineData(10, 0, "batchSize")]
    [InlineData(10, 11, "batchSize")]
    public void Constructor_OutOfRange_NamesTheParameter(int n, int b, string parameter)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new SampledWithoutReplacementBatchSampler(n, b));

        Assert.Equal(parameter, ex.ParamName);
    }
}

using LlmCore.Optimization.Data;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Training;

namespace LlmCore.Experiments.Recipes;

/// <summary>DP-SGD as the private tasks run it: δ = 1/N², σ calibrated with the RDP accountant (Opacus' search) so that the planned steps reach the target ε, Poisson sampling, physical chunks of 128.</summary>
internal static class DpSgdSetup
{
    /// <summary>Wraps <paramref name="trainer"/> for DP-SGD on <paramref name="train"/>; <paramref name="source"/> null means the secure source.</summary>
    public static PrivateTrainer<float> Create(Trainer<float> trainer, IDataset<float> train, double targetEpsilon, int expectedBatch, int steps, double clipNorm, IRandomSource? source)
    {
        var n = train.Count;
        var delta = 1.0 / ((double)n * n);
        var q = PrivacyEngine.SampleRate(n, expectedBatch);
        var sigma = NoiseCalibration.FindNoiseMultiplier(targetEpsilon, delta, q, steps, static () => new RdpAccountant()).NoiseMultiplier;
        return new PrivateTrainer<float>(trainer, train, new DpSgdOptions
        {
            ExpectedBatchSize = expectedBatch,
            NoiseMultiplier = sigma,
            MaxGradNorm = clipNorm,
            Delta = delta,
            TargetEpsilon = targetEpsilon,
            MaxPhysicalBatchSize = 128,
            RandomSource = source,
        });
    }
}

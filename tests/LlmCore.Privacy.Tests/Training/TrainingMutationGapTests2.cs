using System.Text;
using LlmCore.Optimization;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Training;
using LlmCore.Privacy.Accounting;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Tests.TestSupport;
using LlmCore.Privacy.Training;

namespace LlmCore.Privacy.Tests.Training;

/// <summary>
/// DP-SGD pieces read against their references with scripted random words, so every expected value is worked by hand:
/// Poisson inclusion (u = ⌊x/2¹¹⌋·2⁻⁵³ &lt; q, Opacus' <c>UniformWithReplacementSampler</c>), the pass boundaries of the CLI
/// contract (⌈e·N/B⌉), Lemire's unbiased bounded integers in the fixed-size sampler, Opacus' clip factor
/// min(1, C/(‖g‖ + 10⁻⁶)) and the option ranges (scripts/quality/mutation.sh privacy Training, docs/quality.md).
/// </summary>
public class TrainingMutationGapTests2
{
    // Opacus' UniformWithReplacementSampler includes an example when torch.rand(N) < q: strict. With q = 1/4, a word x
    // gives u = ⌊x/2¹¹⌋·2⁻⁵³, so x = 2⁶² − 1 gives u = 1/4 − 2⁻⁵³ (in), x = 2⁶² gives exactly 1/4 (out), and x = 2⁶² + 2047
    // differs only in the 11 dropped bits (out). N = 300 spans two chunks of 256 words, so the index of word j of the
    // second chunk is 256 + j. The sampler draws one word per example, N in all.
    [Fact]
    public void PoissonSample_InclusionIsStrictlyBelowQ_AndIndicesCrossTheWordChunks()
    {
        const int n = 300;
        var words = new ulong[n];
        for (var i = 0; i < n; i++)
        {
            words[i] = (i % 3) switch
            {
                0 => (1UL << 62) - 1,
                1 => 1UL << 62,
                _ => (1UL << 62) + 2047,
            };
        }

        var source = new ScriptedRandomSource(words);
        var sampler = new PoissonBatchSampler(n, 0.25, source);
        var batch = new List<int> { 12345 };

        sampler.Sample(batch);

        Assert.Equal(Enumerable.Range(0, n).Where(i => i % 3 == 0), batch);
        Assert.Equal(n, source.Drawn);
    }

    // Pass ends: ⌈e·N/B⌉ batches in all. N = 10, q = 0.35: B = 3.5 is not whole, ends at ⌈e/0.35⌉ = 3, 6, 9, 12.
    // N = 49, q = 1/49: B = q·N = 1 (a whole batch size), ends at 49, 98, 147 exactly, while the floating-point
    // ⌈1/q⌉ = ⌈49.000000000000007⌉ = 50 would end the first pass one batch late.
    [Theory]
    [InlineData(10, 0.35, new[] { 3, 6, 9, 12 })]
    [InlineData(49, 1.0 / 49, new[] { 49, 98, 147 })]
    public void PoissonNext_PassEnds_FollowTheContractsStepCount(int n, double q, int[] expected)
    {
        var sampler = new PoissonBatchSampler(n, q, new SeededRandomSource(5));
        var batch = new List<int>();
        var ends = new List<int>();
        for (var b = 1; b <= expected[^1]; b++)
        {
            if (sampler.Next(batch))
            {
                ends.Add(b);
            }
        }

        Assert.Equal(expected, ends);

        // Reset starts the pass count again.
        sampler.Reset();
        var again = Enumerable.Range(1, expected[0]).Where(_ => sampler.Next(batch)).ToArray();
        Assert.Equal([expected[0]], again);
    }

    // A checkpoint whose batch count does not lie in its pass (N = 100, q = 0.1: pass p covers batches [10p, 10p + 10))
    // is corrupt and refused; one at a pass boundary (10 batches, 1 pass) is accepted.
    [Theory]
    [InlineData(9L, 1L, false)]
    [InlineData(10L, 1L, true)]
    [InlineData(19L, 1L, true)]
    [InlineData(20L, 1L, false)]
    [InlineData(-1L, 0L, false)]
    [InlineData(0L, -1L, false)]
    [InlineData(0L, 0L, true)]
    public void PoissonLoadState_BatchCountOutsideItsPass_IsRefused(long batches, long passes, bool valid)
    {
        using var state = new MemoryStream();
        using (var writer = new BinaryWriter(state, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("llmcore.sampler.poisson.v1");
            writer.Write(100);
            writer.Write(0.1);
            writer.Write(batches);
            writer.Write(passes);
        }

        state.Position = 0;
        var sampler = new PoissonBatchSampler(100, 0.1, new SeededRandomSource(1));
        if (!valid)
        {
            Assert.Throws<InvalidDataException>(() => sampler.LoadState(state));
            return;
        }

        sampler.LoadState(state);
        var batch = new List<int>();
        var next = Enumerable.Range(1, 10).First(k => sampler.Next(batch));
        Assert.Equal((10 * (passes + 1)) - batches, next);
    }

    // Lemire (2019), "Fast random integer generation in an interval", Algorithm 5: m = x·s, l = m mod 2⁶⁴; reject while
    // l < 2⁶⁴ mod s; the result is ⌊m/2⁶⁴⌋. For s = 3 (N = 3, B = 1), 2⁶⁴ mod 3 = 1: x = 0 gives l = 0 (rejected);
    // x = 0xAAAAAAAAAAAAAAAB (3⁻¹ mod 2⁶⁴) gives m = 2⁶⁵ + 1, so l = 1 (accepted: l ≥ 1, though l < s) and the index 2;
    // x = 2⁶³ gives m = 3·2⁶³, l = 2⁶³, index 1. The partial Fisher–Yates swap moves the chosen index to the front.
    [Fact]
    public void WithoutReplacementNext_LemireRejection_HandWorkedIndices()
    {
        var source = new ScriptedRandomSource([0UL, 0xAAAAAAAAAAAAAAABUL, 1UL << 63]);
        var sampler = new SampledWithoutReplacementBatchSampler(3, 1, source);
        var batch = new List<int>();

        Assert.False(sampler.Next(batch));
        Assert.Equal([2], batch);
        Assert.Equal(2, source.Drawn);

        // The pool is now [2, 1, 0]; index 1 picks 1. Three batches of 1 from 3 make a pass.
        Assert.False(sampler.Next(batch));
        Assert.Equal([1], batch);
        Assert.Equal(3, source.Drawn);
    }

    // The fixed-size sampler refuses a checkpoint of another configuration or a negative batch count.
    [Fact]
    public void WithoutReplacementLoadState_OtherConfigurationOrNegativeCount_IsRefused()
    {
        static MemoryStream State(int n, int b, long batches)
        {
            var state = new MemoryStream();
            using (var writer = new BinaryWriter(state, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write("llmcore.sampler.without-replacement.v1");
                writer.Write(n);
                writer.Write(b);
                writer.Write(batches);
            }

            state.Position = 0;
            return state;
        }

        var sampler = new SampledWithoutReplacementBatchSampler(10, 3, new SeededRandomSource(1));
        Assert.Throws<InvalidDataException>(() => sampler.LoadState(State(11, 3, 0)));
        Assert.Throws<InvalidDataException>(() => sampler.LoadState(State(10, 2, 0)));
        Assert.Throws<InvalidDataException>(() => sampler.LoadState(State(10, 3, -1)));

        // ⌈10/3⌉ = 4 batches per pass: after 2 loaded batches the pass ends at the 2nd next one.
        sampler.LoadState(State(10, 3, 2));
        var batch = new List<int>();
        Assert.False(sampler.Next(batch));
        Assert.True(sampler.Next(batch));
        Assert.Equal(0.3, sampler.SampleRate, 15);
        Assert.Equal(3.0, sampler.ExpectedBatchSize);
    }

    // Opacus (opacus/optimizers/optimizer.py, clip_and_accumulate): clip_factor = (C / (‖g‖ + 1e-6)).clamp(max = 1).
    // C = 1: ‖g‖ = 0 and 0.5 keep weight 1, ‖g‖ = 2 gets 1/(2 + 1e-6), 4 gets 1/(4 + 1e-6). At ‖g‖ + 1e-6 = C exactly the
    // factor is 1: not scaled down, so not counted as clipped.
    [Fact]
    public void ClipWeights_OpacusFactor_AndTheEqualityIsNotClipped()
    {
        var norms = new[] { 0.0, 0.5, 2.0, 4.0, 3.0 };
        var weights = new double[norms.Length];

        var clipped = DpSgdKernels.ComputeClipWeights<double>(norms, 1.0, weights);

        Assert.Equal(3, clipped);
        Assert.Equal([1.0, 1.0, 1.0 / (2.0 + 1e-6), 1.0 / (4.0 + 1e-6), 1.0 / (3.0 + 1e-6)], weights);

        var atBound = 3.0 + 1e-6;
        Assert.Equal(0, DpSgdKernels.ComputeClipWeights<double>([3.0], atBound, weights.AsSpan(0, 1)));
        Assert.Equal(1.0, weights[0]);
        Assert.Equal(0, DpSgdKernels.ComputeClipWeights<double>([3.0], double.PositiveInfinity, weights.AsSpan(0, 1)));
        Assert.Equal(1.0, weights[0]);
    }

    // The noisy average (Abadi et al. 2016, Alg. 1): (Σ + N(0, std²)) · scale, the noise being GaussianSampler's draws from
    // the same words; std = 0 draws nothing and only scales.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    public void AddNoiseAndScale_AddsTheSamplersNoiseThenScales(int length)
    {
        var sum = Enumerable.Range(0, length).Select(i => (0.5 * i) - 3.0).ToArray();
        var expectedNoise = new double[length];
        GaussianSampler.Fill(new SeededRandomSource(77), 1.5, expectedNoise);
        var destination = new double[length];
        var noise = new double[length + 4];
        var noiseT = new double[length + 4];

        DpSgdKernels.AddNoiseAndScale<double>(sum, destination, new SeededRandomSource(77), 1.5, 0.25, noise, noiseT);

        for (var i = 0; i < length; i++)
        {
            Assert.Equal((sum[i] + expectedNoise[i]) * 0.25, destination[i], 14);
        }

        var counting = new ScriptedRandomSource([]);
        DpSgdKernels.AddNoiseAndScale<double>(sum, destination, counting, 0.0, 0.25, noise, noiseT);
        Assert.Equal(sum.Select(s => s * 0.25), destination);
        Assert.Equal(0, counting.Drawn);
    }

    // DpSgdOptions' documented ranges, each just outside (refused, naming the property) and at its closed end (accepted).
    [Fact]
    public void OptionsValidate_EachRange_AtAndBeyondItsEnds()
    {
        static DpSgdOptions With(Action<DpSgdOptions> set)
        {
            var options = new DpSgdOptions();
            set(options);
            return options;
        }

        void Refused(string name, Action<DpSgdOptions> set) =>
            Assert.Equal(name, Assert.Throws<ArgumentOutOfRangeException>(() => With(set).Validate(100)).ParamName);

        Refused("ExpectedBatchSize", o => o.ExpectedBatchSize = 0);
        Refused("ExpectedBatchSize", o => o.ExpectedBatchSize = 101);
        Refused("NoiseMultiplier", o => o.NoiseMultiplier = double.PositiveInfinity);
        Refused("NoiseMultiplier", o => o.NoiseMultiplier = -1);
        Refused("MaxGradNorm", o => o.MaxGradNorm = 0);
        Refused("MaxGradNorm", o => o.MaxGradNorm = double.PositiveInfinity);
        Refused("Delta", o => o.Delta = 0);
        Refused("Delta", o => o.Delta = double.NaN);
        Refused("TargetEpsilon", o => o.TargetEpsilon = 0);
        Refused("TargetEpsilon", o => o.TargetEpsilon = double.NaN);
        Refused("MaxPhysicalBatchSize", o => o.MaxPhysicalBatchSize = -1);
        Refused("ClippingMode", o => o.ClippingMode = (ClippingMode)99);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DpSgdOptions().Validate(0));

        With(o =>
        {
            o.ExpectedBatchSize = 100;
            o.TargetEpsilon = 1e-9;
            o.MaxPhysicalBatchSize = 0;
            o.Delta = 0.999;
        }).Validate(100);
        With(o => o.ExpectedBatchSize = 1).Validate(1);
    }

    // The transform's own guards: C = +∞ only without noise; a non-positive or non-finite expected batch size is refused.
    [Fact]
    public void GradientTransform_Guards_NameTheParameter()
    {
        Assert.Equal("maxGradNorm", Assert.Throws<ArgumentOutOfRangeException>(() => new PrivateGradientTransform<double>(1.0, double.PositiveInfinity)).ParamName);
        Assert.Equal("maxGradNorm", Assert.Throws<ArgumentOutOfRangeException>(() => new PrivateGradientTransform<double>(1.0, 0.0)).ParamName);
        Assert.Equal("clippingMode", Assert.Throws<ArgumentOutOfRangeException>(() => new PrivateGradientTransform<double>(1.0, 1.0, clippingMode: (ClippingMode)99)).ParamName);
        var unclipped = new PrivateGradientTransform<double>(0.0, double.PositiveInfinity, new SeededRandomSource(1));
        Assert.Equal(double.PositiveInfinity, unclipped.MaxGradNorm);
        Assert.Equal(0.0, unclipped.NoiseMultiplier);
    }

    // The accounting callback's checkpoint: a fresh callback composes the saved step count into its accountant (3 steps of
    // the same event give exactly 3× its RDP curve), one that has composed at least as many keeps its own count, one that
    // has composed fewer refuses (its accountant would miss steps), as do another step event and a negative count.
    [Fact]
    public void AccountingCallbackLoadState_EachCaseOfTheStepCount()
    {
        var step = new PoissonSampledEvent(0.1, new GaussianEvent(1.0));
        var saved = new PrivacyAccountingCallback(new RdpAccountant([2.0, 8.0]), step, 1e-5);
        for (var i = 0; i < 3; i++)
        {
            saved.OnStepEnd(null!, default);
        }

        using var state = new MemoryStream();
        saved.SaveState(state);
        var bytes = state.ToArray();
        var perStep = RdpAccountant.ComputeRdp(step, [2.0, 8.0]);

        var fresh = new PrivacyAccountingCallback(new RdpAccountant([2.0, 8.0]), step, 1e-5);
        fresh.LoadState(new MemoryStream(bytes));
        Assert.Equal(3, fresh.ComposedSteps);
        var rdp = ((RdpAccountant)fresh.Accountant).Rdp;
        Assert.Equal(3 * perStep[0], rdp[0], 15);
        Assert.Equal(3 * perStep[1], rdp[1], 15);

        var ahead = new PrivacyAccountingCallback(new RdpAccountant([2.0, 8.0]), step, 1e-5);
        for (var i = 0; i < 5; i++)
        {
            ahead.OnStepEnd(null!, default);
        }

        ahead.LoadState(new MemoryStream(bytes));
        Assert.Equal(5, ahead.ComposedSteps);
        Assert.Equal(5 * perStep[0], ((RdpAccountant)ahead.Accountant).Rdp[0], 15);

        var behind = new PrivacyAccountingCallback(new RdpAccountant([2.0, 8.0]), step, 1e-5);
        behind.OnStepEnd(null!, default);
        Assert.Throws<InvalidDataException>(() => behind.LoadState(new MemoryStream(bytes)));

        var other = new PrivacyAccountingCallback(new RdpAccountant([2.0, 8.0]), new PoissonSampledEvent(0.2, new GaussianEvent(1.0)), 1e-5);
        Assert.Throws<InvalidDataException>(() => other.LoadState(new MemoryStream(bytes)));

        // The step count is the last 8 bytes (little-endian): −1 is corrupt; 0 composes nothing.
        var negative = (byte[])bytes.Clone();
        BitConverter.GetBytes(-1L).CopyTo(negative, negative.Length - 8);
        Assert.Throws<InvalidDataException>(() => new PrivacyAccountingCallback(new RdpAccountant([2.0]), step, 1e-5).LoadState(new MemoryStream(negative)));
        var zero = (byte[])bytes.Clone();
        BitConverter.GetBytes(0L).CopyTo(zero, zero.Length - 8);
        var none = new PrivacyAccountingCallback(new RdpAccountant([2.0]), step, 1e-5);
        none.LoadState(new MemoryStream(zero));
        Assert.Equal(0, none.ComposedSteps);
        Assert.Empty(none.Accountant.History);
    }

    // The callback checks its arguments and that the trainer samples what it accounts: a Poisson sampler whose rate
    // differs from the event's q is refused (the guarantee would be for another rate), one within 1e-12 relative is not.
    [Fact]
    public void AccountingCallback_GuardsAndSamplerRate()
    {
        var step = new PoissonSampledEvent(0.1, new GaussianEvent(1.0));
        Assert.Equal("accountant", Assert.Throws<ArgumentException>(() => new PrivacyAccountingCallback(new PldAccountant(), new ZCdpEvent(1), 1e-5)).ParamName);
        Assert.Equal("targetEpsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new PrivacyAccountingCallback(new RdpAccountant(), step, 1e-5, 0.0)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PrivacyAccountingCallback(new RdpAccountant(), step, 1.0));

        var callback = new PrivacyAccountingCallback(new RdpAccountant([2.0]), step, 1e-5, targetEpsilon: 1e6);
        Assert.True(callback.OnStepBegin(null!, new TrainingStepContext(0, 0, new PoissonBatchSampler(1000, 0.1, new SeededRandomSource(1)))));
        Assert.Throws<InvalidOperationException>(() => callback.OnStepBegin(null!, new TrainingStepContext(0, 0, new PoissonBatchSampler(1000, 0.1001, new SeededRandomSource(1)))));
        Assert.Throws<InvalidOperationException>(() => callback.OnStepBegin(null!, new TrainingStepContext(0, 0, new SampledWithoutReplacementBatchSampler(1000, 100, new SeededRandomSource(1)))));

        // A target below one step's ε stops before the step, and says so.
        var capped = new PrivacyAccountingCallback(new RdpAccountant([2.0]), step, 1e-5, targetEpsilon: 1e-3);
        Assert.False(capped.OnStepBegin(null!, new TrainingStepContext(0, 0, new PoissonBatchSampler(1000, 0.1, new SeededRandomSource(1)))));
        Assert.True(capped.TargetReached);
        Assert.Equal(0, capped.ComposedSteps);

        var sampled = Assert.IsType<PoissonSampledEvent>(PrivacyAccountingCallback.StepEventFor(new PoissonBatchSampler(1000, 0.1, new SeededRandomSource(1)), 1.3));
        Assert.Equal((0.1, 1.3), (sampled.SamplingProbability, ((GaussianEvent)sampled.Event).NoiseMultiplier));
        Assert.Throws<NotSupportedException>(() => PrivacyAccountingCallback.StepEventFor(new SampledWithoutReplacementBatchSampler(10, 2, new SeededRandomSource(1)), 1.0));
    }

    // Abadi et al. (2016), Algorithm 1 with Opacus' conventions: g̃ = (Σ wᵢgᵢ + N(0, σ²C²)) / B_expected on every trainable
    // parameter, in parameter order; a frozen parameter (RequiresGrad false) gets neither noise nor scaling and draws no
    // words. σ = 0.5, C = 2 → std 1; B = 4 → scale 1/4. The clip count is per step: the weighting's count is reported
    // after Apply and starts again from 0.
    [Fact]
    public void GradientTransform_NoisesAndScalesTrainableParametersOnly_AndCountsClipsPerStep()
    {
        var trainable = new Parameter<double>("w", [0, 0, 0], 3);
        var frozen = new Parameter<double>("frozen", [0, 0], 2) { RequiresGrad = false };
        var second = new Parameter<double>("b", [0], 1);
        new double[] { 4, -8, 12 }.CopyTo(trainable.Gradient);
        new double[] { 5, 7 }.CopyTo(frozen.Gradient);
        second.Gradient[0] = 2;

        var noiseSource = new SeededRandomSource(91);
        var first = new double[3];
        GaussianSampler.Fill(noiseSource, 1.0, first);
        var last = new double[1];
        GaussianSampler.Fill(noiseSource, 1.0, last);

        var transform = new PrivateGradientTransform<double>(0.5, 2.0, new SeededRandomSource(91));
        var weights = new double[3];
        transform.ExampleWeighting!.ComputeWeights([1.0, 3.0, 5.0], weights);
        transform.Apply([trainable, frozen, second], new GradientTransformContext(1, 3, 4.0));

        Assert.Equal((4 + first[0]) / 4, trainable.Gradient[0], 14);
        Assert.Equal((-8 + first[1]) / 4, trainable.Gradient[1], 14);
        Assert.Equal((12 + first[2]) / 4, trainable.Gradient[2], 14);
        Assert.Equal([5.0, 7.0], frozen.Gradient.ToArray());
        Assert.Equal((2 + last[0]) / 4, second.Gradient[0], 14);
        Assert.Equal(2, transform.LastClippedExamples);

        transform.Apply([second], new GradientTransformContext(2, 0, 4.0));
        Assert.Equal(0, transform.LastClippedExamples);
        Assert.Equal("context", Assert.Throws<ArgumentOutOfRangeException>(() => transform.Apply([second], new GradientTransformContext(3, 0, 0.0))).ParamName);
    }
}

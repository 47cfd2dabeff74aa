using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using static LlmCore.Optimization.Tests.Models.GptTestModels;

namespace LlmCore.Optimization.Tests.Models;

/// <summary>Steady-state training steps allocate nothing (buffers are sized on first use and reused).</summary>
public class AllocationTests
{
    [Fact]
    public void GptSteps_AfterWarmUp_AllocateNothing()
    {
        var model = new GptModel<float>(Tiny(block: 8, vocab: 12, dropout: 0.1));
        var x = Tokens(4 * 8, 12, 1).Select(v => (float)v).ToArray();
        var y = Tokens(4 * 8, 12, 2).Select(v => (float)v).ToArray();
        var loss = new SequenceCrossEntropy<float>(12);
        var clip = new ClipFloat(1f);
        var norms = new float[4];
        var perExample = model.CreatePerExampleGradients(4);
        var output = new float[4 * model.OutputSize];
        var optimizer = new LlmCore.Optimization.Optimizers.AdamW<float>(model.Parameters);
        void Steps()
        {
            model.ComputeGradients(x, y, 4, loss, 0.25f);
            optimizer.Step();
            model.ComputeGradients(x, y, 4, loss, 0.25f, perExample);
            model.ComputeWeightedGradients(x, y, 4, loss, clip, norms, ClippingMode.Ghost);
            model.ComputeWeightedGradients(x, y, 4, loss, clip, norms, ClippingMode.Automatic);
            model.ComputeWeightedGradients(x, y, 4, loss, clip, norms, ClippingMode.Materialized);
            model.ComputeWeightedGradients(x.AsSpan(0, 16), y.AsSpan(0, 16), 2, loss, clip, norms, ClippingMode.Ghost);
            model.Predict(x, output, 4);
            model.ZeroGrad();
        }

        for (var warmUp = 0; warmUp < 3; warmUp++)
        {
            Steps();
        }

        Assert.Equal(0, SteadyStateAllocation.Fewest(Steps));
    }

    [Fact]
    public void MlpSteps_AfterWarmUp_AllocateNothing()
    {
        var model = ModelFactory.Mlp<float>(6, [8, 8], 3, Activation.Relu, seed: 1);
        var x = Layers.GradientCheck.Random(16 * 6, 1).Select(v => (float)v).ToArray();
        var y = Enumerable.Range(0, 16).Select(i => (float)(i % 3)).ToArray();
        var loss = new SoftmaxCrossEntropy<float>();
        var clip = new ClipFloat(1f);
        var norms = new float[16];
        var optimizer = new LlmCore.Optimization.Optimizers.Sgd<float>(model.Parameters, 0.01, momentum: 0.9);
        void Steps()
        {
            model.ComputeGradients(x, y, 16, loss, 1f / 16);
            optimizer.Step();
            model.ComputeWeightedGradients(x, y, 16, loss, clip, norms, ClippingMode.Ghost);
            model.ZeroGrad();
        }

        for (var warmUp = 0; warmUp < 3; warmUp++)
        {
            Steps();
        }

        Assert.Equal(0, SteadyStateAllocation.Fewest(Steps));
    }

    [Fact]
    public void PrivateStep_GhostClipping_NeedsUnderATenthOfTheMaterialisedPerExampleMemory()
    {
        // Issue 16's memory goal, on DpGptStepBenchmarks' model (n_layer 4, n_head 4, n_embd 128, block 64, vocab 256,
        // batch 32, float): the materialised path forms B × P = 32 × 834,304 floats (106.8 MB) of per-sequence gradients;
        // ghost norms with book-keeping must need at most a tenth of that beyond what a non-private step keeps.
        const int batch = 32, block = 64, vocab = 256;
        var x = Tokens(batch * block, vocab, 1).Select(v => (float)v).ToArray();
        var y = Tokens(batch * block, vocab, 2).Select(v => (float)v).ToArray();
        var loss = new SequenceCrossEntropy<float>(vocab);
        var clip = new ClipFloat(1f);
        var norms = new float[batch];

        long ExtraForPrivateStep(ClippingMode mode)
        {
            var model = new GptModel<float>(new GptOptions { LayerCount = 4, HeadCount = 4, EmbeddingSize = 128, BlockSize = block, VocabularySize = vocab, Seed = 1 });
            model.ComputeGradients(x, y, batch, loss, 1f / batch);
            model.ZeroGrad();
            var before = GC.GetAllocatedBytesForCurrentThread();
            model.ComputeWeightedGradients(x, y, batch, loss, clip, norms, mode);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        var perExampleBytes = 32L * 834_304 * sizeof(float);
        var materialized = ExtraForPrivateStep(ClippingMode.Materialized);
        var ghost = ExtraForPrivateStep(ClippingMode.Automatic);

        Assert.True(materialized >= perExampleBytes, $"materialised path allocated {materialized:N0} B, less than B × P floats");
        Assert.True(ghost * 10 <= perExampleBytes, $"ghost path allocated {ghost:N0} B, more than a tenth of {perExampleBytes:N0} B");
    }
}

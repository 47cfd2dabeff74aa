using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using static LlmCore.Optimization.Tests.Models.GptTestModels;

namespace LlmCore.Optimization.Tests.Models;

/// <summary>Steady-state training steps allocate nothing (buffers are sized on first use and reused).</summary>
public class AllocationTests
{
    /// <summary>
    /// The fewest bytes one round of <paramref name="steps"/> allocates over five measured rounds: a per-step
    /// allocation shows in every round, while the runtime's own occasional allocations on the thread (tiered
    /// compilation while other tests run in parallel) do not.
    /// </summary>
    private static long MeasuredAllocation(Action steps)
    {
        var least = long.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            steps();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }

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

        Assert.Equal(0, MeasuredAllocation(Steps));
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

        Assert.Equal(0, MeasuredAllocation(Steps));
    }
}

using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Layers.Sequence;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Tests.Layers.Sequence;

/// <summary>
/// Token embedding (<c>torch.nn.Embedding</c>: row lookup, gradient rows summed per token), GPT-2's learned positional
/// embedding (y = x + P[t]) and sequence pooling (last valid position or the mean of the valid positions), worked by
/// hand; the token embedding's grouped sparse norm Σ_v ‖Σ_{t: xₜ=v} gₜ‖² (a repeated token adds its gradients before
/// squaring) and the tied table's ‖Eᵢ + GᵢᵀHᵢ‖² against the dense per-example gradient formed by loops.
/// </summary>
/// <remarks>
/// Hand data: E = [[1, 2], [3, 4], [5, 6]] (V = 3, C = 2), two sequences of two tokens [2, 2] and [0, 1], output
/// gradients g = [1, 1], [2, 0] | [0, 3], [1, −1]. Sequence 0's gradient of E is row 2 = [1, 1] + [2, 0] = [3, 1]
/// (squared norm 10, not 2 + 4 = 6); sequence 1's is row 0 = [0, 3], row 1 = [1, −1] (squared norm 9 + 2 = 11).
/// </remarks>
public class EmbeddingsTests
{
    private static readonly int[] s_tokens = [2, 2, 0, 1];
    private static readonly double[] s_g = [1, 1, 2, 0, 0, 3, 1, -1];

    [Fact]
    public void TokenEmbedding_ForwardAndEveryPass_ByHand()
    {
        var embedding = Embedding();
        Assert.Equal(3, embedding.Vocabulary);
        Assert.Equal(2, embedding.Width);
        embedding.Forward(s_tokens, 2, 2);
        Assert.Equal([5.0, 6, 5, 6, 1, 2, 3, 4], embedding.Output.AsSpan(0, 8).ToArray());
        Assert.Equal(s_tokens, embedding.Tokens.ToArray());

        // Batch pass, scale 0.5: row 2 += 0.5·[3, 1], row 0 += 0.5·[0, 3], row 1 += 0.5·[1, −1].
        var context = new BackwardContext<double>();
        context.BeginBatch(2, 0.5);
        embedding.Backward(s_g, context);
        Assert.Equal([0, 1.5, 0.5, -0.5, 1.5, 0.5], embedding.Table.Gradient.ToArray());
        Assert.Equal(s_g, embedding.OutputGradient.ToArray());

        // Per-example pass into a block holding garbage: each sequence's dense V×C gradient.
        embedding.Table.ZeroGrad();
        var perExample = new PerExampleGradients<double>([embedding.Table], 2);
        perExample.Reset(2);
        perExample.GetBlock(0).Fill(100);
        context.BeginPerExample(2, 1.0, perExample, accumulateBatch: false);
        embedding.Backward(s_g, context);
        Assert.Equal([0.0, 0, 0, 0, 3, 1], perExample.Get(0, 0).ToArray());
        Assert.Equal([0.0, 3, 1, -1, 0, 0], perExample.Get(0, 1).ToArray());
        Assert.All(embedding.Table.Gradient.ToArray(), v => Assert.Equal(0.0, v));

        // Norms pass, twice (the token grouping must be reset between sequences and between calls); then book-keeping
        // with w = [2, −1]: 2·[0, 0, 0, 0, 3, 1] − [0, 3, 1, −1, 0, 0].
        for (var round = 0; round < 2; round++)
        {
            context.BeginNorms(2, ClippingMode.Ghost);
            embedding.Backward(s_g, context);
            Assert.Equal([10.0, 11], context.SquaredNorms.ToArray());
        }

        Assert.Equal(10.0, embedding.SparseSquaredNorm(0, s_g));
        embedding.ApplyWeights([2.0, -1]);
        Assert.Equal([0, -3, -1, 1, 6, 2], embedding.Table.Gradient.ToArray());
    }

    [Fact]
    public void TokenEmbedding_TiedOrFrozen_LeavesNormsAndBlocksToTheModel()
    {
        var embedding = Embedding();
        embedding.Tied = true;
        embedding.Forward(s_tokens, 2, 2);
        var context = new BackwardContext<double>();
        context.BeginNorms(2, ClippingMode.Ghost);
        embedding.Backward(s_g, context);
        Assert.Equal([0.0, 0], context.SquaredNorms.ToArray());

        // Tied: the output projection wrote its part first; the lookup adds to it instead of clearing.
        var perExample = new PerExampleGradients<double>([embedding.Table], 2);
        perExample.Reset(2);
        perExample.GetBlock(0).Fill(1);
        context.BeginPerExample(2, 1.0, perExample, accumulateBatch: false);
        embedding.Backward(s_g, context);
        Assert.Equal([1.0, 1, 1, 1, 4, 2], perExample.Get(0, 0).ToArray());
        var entries = new List<ParameterClipping>();
        embedding.DescribeNorms(ClippingMode.Ghost, entries);
        Assert.Empty(entries);

        embedding.Tied = false;
        embedding.DescribeNorms(ClippingMode.Ghost, entries);
        embedding.DescribeNorms(ClippingMode.Materialized, entries);
        embedding.DescribeNorms(ClippingMode.Automatic, entries);
        Assert.Equal([new("wte", PerExampleNormMethod.Ghost), new("wte", PerExampleNormMethod.Materialized), new("wte", PerExampleNormMethod.Ghost)], entries);

        // Frozen: no gradient, no norm, no book-keeping, no plan entry; the output gradient is still kept.
        embedding.Table.RequiresGrad = false;
        entries.Clear();
        embedding.DescribeNorms(ClippingMode.Ghost, entries);
        Assert.Empty(entries);
        context.BeginBatch(2, 1.0);
        embedding.Backward(s_g, context);
        context.BeginNorms(2, ClippingMode.Ghost);
        embedding.Backward(s_g, context);
        embedding.ApplyWeights([1.0, 1]);
        Assert.Equal([0.0, 0], context.SquaredNorms.ToArray());
        Assert.All(embedding.Table.Gradient.ToArray(), v => Assert.Equal(0.0, v));
        Assert.Equal(s_g, embedding.OutputGradient.ToArray());
    }

    [Theory]
    [InlineData(new[] { 0.0, 2, 1 }, true)]
    [InlineData(new[] { -1.0 }, false)]
    [InlineData(new[] { 3.0 }, false)]
    [InlineData(new[] { 1.5 }, false)]
    [InlineData(new[] { double.NaN }, false)]
    [InlineData(new[] { 0.0, 1, 2.9999 }, false)]
    public void ConvertIds_AcceptsIntegersBelowTheVocabularyOnly(double[] ids, bool valid)
    {
        var destination = new int[ids.Length];
        if (valid)
        {
            TokenEmbedding<double>.ConvertIds(ids, 3, destination, "tokens");
            Assert.Equal(ids.Select(v => (int)v), destination);
            return;
        }

        var e = Assert.Throws<ArgumentException>(() => TokenEmbedding<double>.ConvertIds(ids, 3, destination, "tokens"));
        Assert.Equal("tokens", e.ParamName);
        Assert.Contains($"index {ids.Length - 1}", e.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 2]", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddTiedSquaredNorms_EqualsDenseGradientOfBothUses(bool ghost)
    {
        // ‖Eᵢ + Dᵢ‖² with Eᵢ[v] = Σ_{t: xₜ = v} eₜ (the lookup's gradient) and Dᵢ = Gᵢᵀ Hᵢ (the output projection's
        // gradient, G the logits' gradient T×V, H its input T×C), formed entry by entry.
        const int v = 5;
        const int c = 3;
        const int length = 4;
        const int batch = 2;
        var embedding = new TokenEmbedding<double>(new Parameter<double>("wte", SequenceHarness.Random(v * c, 1), v, c)) { Tied = true };
        int[] tokens = [3, 1, 3, 0, 4, 4, 4, 2];
        embedding.Forward(tokens, batch, length);
        var e = SequenceHarness.Random(batch * length * c, 2);
        var h = SequenceHarness.Random(batch * length * c, 3);
        var g = SequenceHarness.Random(batch * length * v, 4);
        var context = new BackwardContext<double>();
        context.BeginNorms(batch, ghost ? ClippingMode.Ghost : ClippingMode.Materialized);
        embedding.Backward(e, context);
        context.SquaredNorms.Fill(1);
        embedding.AddTiedSquaredNorms(h, g, ghost, context);
        for (var i = 0; i < batch; i++)
        {
            var dense = new double[v * c];
            for (var t = 0; t < length; t++)
            {
                var r = (i * length) + t;
                for (var j = 0; j < c; j++)
                {
                    dense[(tokens[r] * c) + j] += e[(r * c) + j];
                    for (var u = 0; u < v; u++)
                    {
                        dense[(u * c) + j] += g[(r * v) + u] * h[(r * c) + j];
                    }
                }
            }

            SequenceHarness.AssertRelative(1 + dense.Sum(x => x * x), context.SquaredNorms[i], 1e-12, $"example {i}");
        }
    }

    [Fact]
    public void PositionalEmbedding_ByHand()
    {
        // P = [[1, 2], [3, 4], [5, 6]] (block 3, C = 2); two sequences of two positions: y = x + P[t].
        var layer = new PositionalEmbedding<double>(new Parameter<double>("wpe", [1.0, 2, 3, 4, 5, 6], 3, 2));
        Assert.Equal(3, layer.BlockSize);
        Assert.Equal(2, layer.InputWidth);
        double[] x = [10, 20, 30, 40, -1, -2, -3, -4];
        layer.Forward(x, 2, 2, ForwardPass.Inference);
        Assert.Equal([11.0, 22, 33, 44, 0, 0, 0, 0], layer.Output.AsSpan(0, 8).ToArray());

        // Batch pass, scale 0.5: P[:2] += 0.5·(g₀ + g₁); P[2] untouched; dx = dy.
        layer.PlanBackward(true);
        var context = new BackwardContext<double>();
        context.BeginBatch(2, 0.5);
        layer.Backward(s_g, context);
        Assert.Same(s_g, layer.InputGradient);
        Assert.Equal([0.5, 2, 1.5, -0.5, 0, 0], layer.Table.Gradient.ToArray());

        // Per-example pass into garbage: each sequence's gradient, zero beyond its length.
        var perExample = new PerExampleGradients<double>([layer.Table], 2);
        perExample.Reset(2);
        perExample.GetBlock(0).Fill(100);
        context.BeginPerExample(2, 1.0, perExample, accumulateBatch: false);
        layer.Backward(s_g, context);
        Assert.Equal([1.0, 1, 2, 0, 0, 0], perExample.Get(0, 0).ToArray());
        Assert.Equal([0.0, 3, 1, -1, 0, 0], perExample.Get(0, 1).ToArray());

        // Norms Σₜ‖gₜ‖² = 2 + 4 and 9 + 2; book-keeping with w = [2, −1].
        layer.Table.ZeroGrad();
        context.BeginNorms(2, ClippingMode.Ghost);
        layer.Backward(s_g, context);
        Assert.Equal([6.0, 11], context.SquaredNorms.ToArray());
        layer.ApplyWeights([2.0, -1], context);
        Assert.Equal([2.0, -1, 3, 1, 0, 0], layer.Table.Gradient.ToArray());

        var entries = new List<ParameterClipping>();
        layer.DescribeNorms(ClippingMode.Materialized, 2, entries);
        layer.DescribeNorms(ClippingMode.Automatic, 2, entries);
        Assert.Equal([new("wpe", PerExampleNormMethod.Materialized), new("wpe", PerExampleNormMethod.Ghost)], entries);

        // Frozen: the gradient still passes through, P gets nothing.
        layer.Table.RequiresGrad = false;
        layer.Table.ZeroGrad();
        layer.PlanBackward(true);
        context.BeginNorms(2, ClippingMode.Ghost);
        layer.Backward(s_g, context);
        layer.ApplyWeights([2.0, -1], context);
        Assert.Same(s_g, layer.InputGradient);
        Assert.Equal([0.0, 0], context.SquaredNorms.ToArray());
        Assert.All(layer.Table.Gradient.ToArray(), v => Assert.Equal(0.0, v));
        entries.Clear();
        layer.DescribeNorms(ClippingMode.Ghost, 2, entries);
        Assert.Empty(entries);
    }

    [Fact]
    public void PositionalEmbedding_LongerThanTheBlock_ThrowsNamingInput()
    {
        var layer = new PositionalEmbedding<double>(new Parameter<double>("wpe", new double[6], 3, 2));
        layer.Forward(new double[6], 1, 3, ForwardPass.Inference);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => layer.Forward(new double[8], 1, 4, ForwardPass.Inference)).ParamName);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Pooling_ValidLengths_ByHand(bool mean)
    {
        // Sequences of three positions (C = 2) with 2 and 3 valid positions:
        // [1, 2], [3, 4], [100, 100] (padding) → mean [2, 3], last [3, 4];
        // [−1, 0], [0, 1], [2, 2] → mean [1/3, 1], last [2, 2].
        double[] x = [1, 2, 3, 4, 100, 100, -1, 0, 0, 1, 2, 2];
        double[] dy = [6, 3, 3, -3];
        var layer = new PoolingLayer<double>(2, mean);
        Assert.Equal(mean, layer.Mean);
        Assert.Empty(layer.Parameters);

        // A first pass with every position valid fills the whole input gradient; the second must clear the padding.
        layer.SetValidLengths([3, 3]);
        layer.Forward(x, 2, 3, ForwardPass.Inference);
        layer.PlanBackward(true);
        layer.Backward(dy, new BackwardContext<double>());
        layer.SetValidLengths([2, 3]);
        layer.Forward(x, 2, 3, ForwardPass.Inference);
        Assert.Equal(1, layer.OutputLength);
        var y = layer.Output.AsSpan(0, 4).ToArray();
        double[] expectedY = mean ? [2, 3, 1 / 3.0, 1] : [3, 4, 2, 2];
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(expectedY[i], y[i], 1e-15);
        }

        layer.Backward(dy, new BackwardContext<double>());
        double[] expectedDx = mean
            ? [3, 1.5, 3, 1.5, 0, 0, 1, -1, 1, -1, 1, -1]
            : [0, 0, 6, 3, 0, 0, 0, 0, 0, 0, 3, -3];
        var dx = layer.InputGradient.AsSpan(0, 12).ToArray();
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(expectedDx[i], dx[i], 1e-15);
        }
    }

    private static TokenEmbedding<double> Embedding() => new(new Parameter<double>("wte", [1.0, 2, 3, 4, 5, 6], 3, 2));
}

using LlmCore.Optimization.Layers.Sequence;

namespace LlmCore.Optimization.Tests.Layers.Sequence;

/// <summary>
/// Causal scaled dot-product attention (Vaswani et al. 2017; <c>torch.nn.functional.scaled_dot_product_attention</c>
/// with <c>is_causal=True</c>): a hand-worked case that shows the 1/√dₕ scale, and batches of several heads against
/// the textbook loops softmax(QKᵀ/√dₕ + M)·V over the fused [Q | K | V] layout, with and without dropout on the
/// probabilities (GPT-2's attn_dropout: P̃ = P⊙mask, Y = P̃V); and the constructor's guards.
/// </summary>
public class AttentionCoreTests
{
    [Fact]
    public void Forward_ByHand_ScalesScoresByOneOverRootHeadSize()
    {
        // C = 4, one head (dₕ = 4, scale 1/2), T = 2. q₀ = q₁ = [1, 0, 0, 0], k₀ = 0, k₁ = [2 ln 3, 0, 0, 0],
        // v₀ = [10, 1, 0, 0], v₁ = [20, −1, 0, 0]. Row 0 sees only position 0: p = [1, 0], y₀ = v₀. Row 1: scores
        // [0, 2 ln 3]/2 = [0, ln 3], softmax [1/4, 3/4], y₁ = [2.5 + 15, 0.25 − 0.75, 0, 0].
        var core = new AttentionCore<double>(4, 1, 0, 0);
        double[] input =
        [
            1, 0, 0, 0, 0, 0, 0, 0, 10, 1, 0, 0,
            1, 0, 0, 0, 2 * Math.Log(3), 0, 0, 0, 20, -1, 0, 0,
        ];
        core.Forward(input, 1, 2, ForwardPass.Inference);
        var p = core.Probabilities.ToArray();
        Assert.Equal(1.0, p[0]);
        Assert.Equal(0.0, p[1]);
        Assert.Equal(0.25, p[2], 1e-15);
        Assert.Equal(0.75, p[3], 1e-15);
        double[] expected = [10, 1, 0, 0, 17.5, -0.5, 0, 0];
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], core.Output[i], 1e-13);
        }
    }

    [Theory]
    [InlineData(2, 2, 4, 5, 0.0)]
    [InlineData(3, 3, 6, 4, 0.0)]
    [InlineData(2, 2, 4, 5, 0.4)]
    public void Forward_ManyHeads_MatchesTextbookLoops(int batch, int heads, int width, int length, double dropout)
    {
        var core = new AttentionCore<double>(width, heads, dropout, 9);
        Assert.Equal(3 * width, core.InputWidth);
        Assert.Equal(width, core.OutputWidth);
        Assert.Equal(heads, core.Heads);
        Assert.Equal(dropout, core.Dropout);
        Assert.Equal(9, core.Site);
        Assert.Empty(core.Parameters);
        var input = SequenceHarness.Random(batch * length * 3 * width, 40 + heads, 2.0);
        var pass = new ForwardPass(true, 11, 3);
        core.Forward(input, batch, length, pass);

        // The dropout mask over the [B, H, T, T] probabilities, element order as the layer documents.
        var mask = Enumerable.Repeat(1.0, batch * heads * length * length).ToArray();
        if (dropout > 0)
        {
            DropoutMask.Fill(DropoutMask.Key(11, 3, 9), 0, dropout, mask.AsSpan());
            Assert.Contains(mask, m => m == 0);
        }

        var dh = width / heads;
        var probabilities = core.Probabilities.ToArray();
        for (var b = 0; b < batch; b++)
        {
            for (var h = 0; h < heads; h++)
            {
                var head = (b * heads) + h;
                for (var t = 0; t < length; t++)
                {
                    double Entry(int position, int part, int c) => input[(((b * length) + position) * 3 * width) + (part * width) + (h * dh) + c];
                    var scores = new double[t + 1];
                    for (var s = 0; s <= t; s++)
                    {
                        for (var c = 0; c < dh; c++)
                        {
                            scores[s] += Entry(t, 0, c) * Entry(s, 1, c) / Math.Sqrt(dh);
                        }
                    }

                    var max = scores.Max();
                    var exp = scores.Select(v => Math.Exp(v - max)).ToArray();
                    var sum = exp.Sum();
                    for (var s = 0; s < length; s++)
                    {
                        var pr = s <= t ? exp[s] / sum : 0.0;
                        Assert.Equal(pr, probabilities[(((head * length) + t) * length) + s], 1e-14);
                    }

                    for (var c = 0; c < dh; c++)
                    {
                        var y = 0.0;
                        for (var s = 0; s <= t; s++)
                        {
                            y += exp[s] / sum * mask[(((head * length) + t) * length) + s] * Entry(s, 2, c);
                        }

                        Assert.Equal(y, core.Output[(((b * length) + t) * width) + (h * dh) + c], 1e-13);
                    }
                }
            }
        }
    }

    [Fact]
    public void Forward_Inference_IgnoresDropout()
    {
        var withDropout = new AttentionCore<double>(4, 2, 0.5, 1);
        var without = new AttentionCore<double>(4, 2, 0, 1);
        var input = SequenceHarness.Random(2 * 3 * 12, 3);
        withDropout.Forward(input, 2, 3, ForwardPass.Inference);
        without.Forward(input, 2, 3, ForwardPass.Inference);
        Assert.Equal(without.Output.AsSpan(0, 24).ToArray(), withDropout.Output.AsSpan(0, 24).ToArray());
    }

    [Fact]
    public void Constructor_Guards_NameTheArgument()
    {
        Assert.Equal("heads", Assert.Throws<ArgumentOutOfRangeException>(() => new AttentionCore<double>(4, 0, 0, 0)).ParamName);
        foreach (var p in new[] { -0.1, 1.0, double.NaN })
        {
            Assert.Equal("dropout", Assert.Throws<ArgumentOutOfRangeException>(() => new AttentionCore<double>(4, 2, p, 0)).ParamName);
        }

        Assert.Equal(0.999, new AttentionCore<double>(4, 4, 0.999, 0).Dropout);
    }
}

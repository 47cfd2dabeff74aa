using LlmCore.Optimization.Losses;

namespace LlmCore.Optimization.Tests.Losses;

public class SequenceCrossEntropyTests
{
    [Fact]
    public void Compute_UniformLogits_IsLogV()
    {
        // Equal logits: softmax is uniform, ℓ = ln V at every position (the unigram-free baseline of a language model).
        var loss = new SequenceCrossEntropy<double>(256);
        var value = loss.Compute(new double[2 * 3 * 256], [1, 2, 3, 4, 5, 6], 2, default);
        Assert.Equal(Math.Log(256), value, 1e-12);
    }

    [Fact]
    public void Compute_NoIgnoredTokens_EqualsTheTokenMeanOfSoftmaxCrossEntropy()
    {
        // PyTorch's F.cross_entropy(logits.view(-1, V), targets.view(-1)) is SoftmaxCrossEntropy over all B·T rows.
        const int batch = 3;
        const int length = 4;
        const int v = 5;
        var logits = GradientCheckValues(batch * length * v, 1);
        var targets = Enumerable.Range(0, batch * length).Select(i => (double)((i * 7) % v)).ToArray();
        var sequence = new double[logits.Length];
        var rows = new double[logits.Length];
        var a = new SequenceCrossEntropy<double>(v).Compute(logits, targets, batch, sequence);
        var b = new SoftmaxCrossEntropy<double>().Compute(logits, targets, batch * length, rows);
        Assert.Equal(b, a, 1e-12);

        // Per-example gradients are d(mean over the sequence)/dz = (softmax − onehot)/T.
        for (var i = 0; i < logits.Length; i++)
        {
            Assert.Equal(rows[i] / length, sequence[i], 1e-15);
        }

        Assert.Equal(length, new SequenceCrossEntropy<double>(v).TargetSize(length * v));
    }

    [Fact]
    public void Compute_IgnoreIndex_AveragesEachSequenceOverItsCountedTokens()
    {
        const int v = 3;
        var logits = GradientCheckValues(2 * 3 * v, 2);
        double[] targets = [0, -100, 2, /**/ -100, -100, -100];
        var gradient = new double[logits.Length];
        var loss = new SequenceCrossEntropy<double>(v, ignoreIndex: -100);
        var value = loss.Compute(logits, targets, 2, gradient);

        // Sequence 0: mean of the two counted positions; sequence 1 (all ignored) contributes 0; batch mean over 2.
        var row = new double[v];
        double Ce(int r, int y) => new SoftmaxCrossEntropy<double>().Compute(logits.AsSpan(r * v, v), [y], 1, row);
        Assert.Equal(((Ce(0, 0) + Ce(2, 2)) / 2) / 2, value, 1e-12);
        Assert.All(gradient.AsSpan(v, v).ToArray(), g => Assert.Equal(0.0, g));
        Assert.All(gradient.AsSpan(3 * v).ToArray(), g => Assert.Equal(0.0, g));
        Ce(2, 2);
        for (var c = 0; c < v; c++)
        {
            Assert.Equal(row[c] / 2, gradient[(2 * v) + c], 1e-15);
        }
    }

    [Fact]
    public void Compute_BadTargetsOrShapes_Throw()
    {
        var loss = new SequenceCrossEntropy<float>(4);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => loss.Compute(new float[8], [0, 4], 1, default)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => loss.Compute(new float[8], [0, 1.5f], 1, default)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => loss.Compute(new float[8], [0, -100], 1, default)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => loss.Compute(new float[8], [0], 1, default)).ParamName);
        Assert.Equal("predictions", Assert.Throws<ArgumentException>(() => loss.Compute(new float[7], [0, 1], 1, default)).ParamName);
        Assert.Equal("outputSize", Assert.Throws<ArgumentException>(() => loss.TargetSize(6)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequenceCrossEntropy<float>(1));
    }

    [Fact]
    public void Compute_LargeLogits_StaysFinite()
    {
        var loss = new SequenceCrossEntropy<float>(3);
        var gradient = new float[3];
        var value = loss.Compute([1e4f, -1e4f, 0], [1], 1, gradient);
        Assert.Equal(2e4, value, 1e-2);
        Assert.All(gradient, g => Assert.True(float.IsFinite(g)));
    }

    private static double[] GradientCheckValues(int length, int seed) => Layers.GradientCheck.Random(length, seed, 3);
}

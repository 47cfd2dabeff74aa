using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Tests.Layers.Sequence;

namespace LlmCore.Optimization.Tests.Models;

/// <summary>Small transformers and batches for the model tests.</summary>
internal static class GptTestModels
{
    public static GptOptions Tiny(int block = 5, int vocab = 7, int layers = 2, bool tie = true, double dropout = 0, int seed = 1) => new()
    {
        LayerCount = layers,
        HeadCount = 2,
        EmbeddingSize = 8,
        BlockSize = block,
        VocabularySize = vocab,
        Dropout = dropout,
        TieWeights = tie,
        Seed = seed,
    };

    /// <summary>Random token ids in [0, V) as doubles.</summary>
    public static double[] Tokens(int count, int vocab, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (double)random.Next(vocab)).ToArray();
    }

    /// <summary>Moves every parameter away from its initial value (biases and gains included) so that every gradient term is exercised.</summary>
    public static void Perturb<T>(TransformerModel<T> model, int seed, double scale = 0.3)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        foreach (var p in model.Parameters)
        {
            var values = p.Values;
            for (var i = 0; i < values.Length; i++)
            {
                values[i] += T.CreateTruncating(((2 * random.NextDouble()) - 1) * scale);
            }
        }
    }

    public static double Loss(TransformerModel<double> model, double[] x, double[] y, int batch, ILoss<double> loss)
    {
        var output = new double[batch * model.OutputSize];
        model.Predict(x, output, batch);
        return loss.Compute(output, y, batch, default);
    }

    /// <summary>DP-SGD's clip factor min(1, C/(‖g‖ + 1e-6)) (Opacus).</summary>
    public sealed class Clip(double c) : IExampleWeighting<double>
    {
        public List<double[]> Seen { get; } = [];

        public void ComputeWeights(ReadOnlySpan<double> norms, Span<double> weights)
        {
            Seen.Add(norms.ToArray());
            for (var i = 0; i < norms.Length; i++)
            {
                weights[i] = Math.Min(1, c / (norms[i] + 1e-6));
            }
        }
    }

    public sealed class ClipFloat(float c) : IExampleWeighting<float>
    {
        public void ComputeWeights(ReadOnlySpan<float> norms, Span<float> weights)
        {
            for (var i = 0; i < norms.Length; i++)
            {
                weights[i] = MathF.Min(1, c / (norms[i] + 1e-6f));
            }
        }
    }

    public static double[][] GradientsOf(TransformerModel<double> model) => model.Parameters.Select(p => p.Gradient.ToArray()).ToArray();

    public static void AssertGradientsEqual(double[][] expected, double[][] actual, double tolerance, string what)
    {
        for (var p = 0; p < expected.Length; p++)
        {
            var scale = expected[p].Length == 0 ? 0 : expected[p].Max(Math.Abs);
            for (var j = 0; j < expected[p].Length; j++)
            {
                SequenceHarness.AssertRelative(expected[p][j], actual[p][j], tolerance, $"{what} parameter {p}[{j}]", scale);
            }
        }
    }
}

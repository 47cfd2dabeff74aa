using BenchmarkDotNet.Attributes;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Benchmarks.Optimization;

/// <summary>
/// One training step of GPT(n_layer 4, n_head 4, n_embd 128, block 64, vocab 256; 834,304 parameters) on a batch of
/// 32 sequences in float: forward, sequence cross-entropy, backward and an AdamW step (<c>LlmCore</c>), against the
/// forward pass alone (baseline; a step costs about three forwards). Same model and sizes as
/// <c>benchmarks/peers/gpt_step.py</c> (PyTorch).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Optimization")]
public class GptStepBenchmarks
{
    internal const int Batch = 32;
    internal const int Block = 64;
    internal const int Vocabulary = 256;

    private float[] _x = [];
    private float[] _y = [];
    private float[] _logits = [];
    private GptModel<float> _model = null!;
    private AdamW<float> _optimizer = null!;
    private SequenceCrossEntropy<float> _loss = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_x, _y) = Data(42);
        _model = Create();
        _optimizer = new AdamW<float>(_model.Parameters, learningRate: 3e-4);
        _loss = new SequenceCrossEntropy<float>(Vocabulary);
        _logits = new float[Batch * _model.OutputSize];
    }

    [Benchmark(Baseline = true)]
    public float Forward()
    {
        _model.Predict(_x, _logits, Batch);
        return _logits[0];
    }

    [Benchmark]
    public double LlmCore()
    {
        _optimizer.ZeroGrad();
        _model.ZeroGrad();
        var loss = _model.ComputeGradients(_x, _y, Batch, _loss, 1f / Batch);
        _optimizer.Step();
        return loss;
    }

    internal static GptModel<float> Create() =>
        new(new GptOptions { LayerCount = 4, HeadCount = 4, EmbeddingSize = 128, BlockSize = Block, VocabularySize = Vocabulary, Seed = 1 });

    /// <summary>Random token windows: inputs and their next tokens (a corpus of uniform random bytes).</summary>
    internal static (float[] X, float[] Y) Data(int seed)
    {
        var random = new Random(seed);
        var corpus = new float[(Batch * Block) + 1];
        for (var i = 0; i < corpus.Length; i++)
        {
            corpus[i] = random.Next(Vocabulary);
        }

        return (corpus[..(Batch * Block)], corpus[1..]);
    }
}

/// <summary>
/// One private training step of the GPT of <see cref="GptStepBenchmarks"/> (batch 32, float): per-sequence gradient
/// norms, DP-SGD clip factors min(1, C/‖gᵢ‖) and the clipped sum, then AdamW, with ghost clipping and book-keeping
/// (<c>GhostClipping</c>, <see cref="ClippingMode.Automatic"/>) and with materialised per-sequence gradients
/// (<c>Materialized</c>), against the non-private step (baseline). Noise and accounting are the private trainer's and
/// cost the same in every method; they are left out.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Optimization", "Privacy")]
public class DpGptStepBenchmarks
{
    private float[] _x = [];
    private float[] _y = [];
    private readonly float[] _norms = new float[GptStepBenchmarks.Batch];
    private readonly ClipWeighting _clip = new(1f);
    private GptModel<float> _plain = null!;
    private GptModel<float> _ghost = null!;
    private GptModel<float> _materialized = null!;
    private AdamW<float> _plainOptimizer = null!;
    private AdamW<float> _ghostOptimizer = null!;
    private AdamW<float> _materializedOptimizer = null!;
    private SequenceCrossEntropy<float> _loss = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_x, _y) = GptStepBenchmarks.Data(42);
        _loss = new SequenceCrossEntropy<float>(GptStepBenchmarks.Vocabulary);
        (_plain, _plainOptimizer) = Create();
        (_ghost, _ghostOptimizer) = Create();
        (_materialized, _materializedOptimizer) = Create();
    }

    [Benchmark(Baseline = true)]
    public double NonPrivate()
    {
        _plainOptimizer.ZeroGrad();
        _plain.ZeroGrad();
        var loss = _plain.ComputeGradients(_x, _y, GptStepBenchmarks.Batch, _loss, 1f / GptStepBenchmarks.Batch);
        _plainOptimizer.Step();
        return loss;
    }

    [Benchmark]
    public double GhostClipping() => Private(_ghost, _ghostOptimizer, ClippingMode.Automatic);

    [Benchmark]
    public double Materialized() => Private(_materialized, _materializedOptimizer, ClippingMode.Materialized);

    private static (GptModel<float>, AdamW<float>) Create()
    {
        var model = GptStepBenchmarks.Create();
        return (model, new AdamW<float>(model.Parameters, learningRate: 3e-4));
    }

    private double Private(GptModel<float> model, AdamW<float> optimizer, ClippingMode mode)
    {
        optimizer.ZeroGrad();
        model.ZeroGrad();
        var loss = model.ComputeWeightedGradients(_x, _y, GptStepBenchmarks.Batch, _loss, _clip, _norms, mode);
        optimizer.Step();
        return loss;
    }

    /// <summary>Opacus' clip factor min(1, C/(‖g‖ + 1e-6)), divided by the batch size.</summary>
    private sealed class ClipWeighting(float c) : IExampleWeighting<float>
    {
        public void ComputeWeights(ReadOnlySpan<float> norms, Span<float> weights)
        {
            for (var i = 0; i < norms.Length; i++)
            {
                weights[i] = MathF.Min(1f, c / (norms[i] + 1e-6f)) / norms.Length;
            }
        }
    }
}

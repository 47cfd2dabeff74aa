using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Optimization.Tests.Models;

/// <summary>The code samples of docs/optimization.md ("Sequence models and a small GPT"), compiled and run.</summary>
public class TransformerDocsTests
{
    [Fact]
    public void Docs_GptTrainingStepAndGeneration()
    {
        // docs: gpt-quick-start
        var model = new GptModel<float>(new GptOptions
        {
            LayerCount = 2, HeadCount = 2, EmbeddingSize = 32, BlockSize = 16, VocabularySize = 256, Seed = 1,
        });
        var loss = new SequenceCrossEntropy<float>(vocabularySize: 256);
        var optimizer = new AdamW<float>(model.Parameters, learningRate: 1e-3);

        // One batch of 4 windows: inputs are 16 token ids per row, targets the next 16 tokens.
        var text = "hello, world! hello, transformers! "u8.ToArray();
        var x = new float[4 * 16];
        var y = new float[4 * 16];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = text[((i / 16) + (i % 16)) % text.Length];
            y[i] = text[((i / 16) + (i % 16) + 1) % text.Length];
        }

        var first = 0.0;
        var last = 0.0;
        for (var step = 0; step < 30; step++)
        {
            optimizer.ZeroGrad();
            model.ZeroGrad();
            last = model.ComputeGradients(x, y, batchSize: 4, loss, scale: 1f / 4);
            optimizer.Step();
            first = step == 0 ? last : first;
        }

        int[] continuation = model.Generate("hello"u8.ToArray().Select(b => (int)b).ToArray(), maxNewTokens: 8,
            new GenerationOptions { Temperature = 0.8, TopK = 20, Seed = 1 });
        // end docs

        Assert.True(last < first - 1, $"loss {first} → {last}");
        Assert.Equal(8, continuation.Length);
    }

    [Fact]
    public void Docs_LoraFineTuningAndModelFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"llmcore-docs-{Guid.NewGuid():N}.bin");
        try
        {
            // docs: lora
            var model = new GptModel<float>(new GptOptions { LayerCount = 2, HeadCount = 2, EmbeddingSize = 32, BlockSize = 16 });
            model.EnableLora(new LoraOptions { Rank = 4, Alpha = 8, Targets = LoraTargets.Attention });
            var trainable = model.TrainableParameterCount;        // 1,536 adapter values of 35,712
            model.Freeze("h.0.*");                                 // wildcard patterns over parameter names: 768 left
            model.Metadata["tokenizer"] = "byte";
            model.Save(path);                                      // options, adapters, flags, metadata, values
            var restored = (GptModel<float>)ModelFactory.LoadTransformer<float>(path);
            // end docs

            // 2 blocks × (c_attn: A 4×32 + B 96×4; c_proj: A 4×32 + B 32×4) = 1,536.
            Assert.Equal(1_536, trainable);
            Assert.Equal(35_712, model.ParameterCount);
            Assert.Equal(768, restored.TrainableParameterCount);
            Assert.Equal("byte", restored.Metadata["tokenizer"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Docs_GhostClipping()
    {
        var model = new GptModel<double>(new GptOptions { LayerCount = 1, HeadCount = 2, EmbeddingSize = 16, BlockSize = 8, VocabularySize = 20 });
        var x = GptTestModels.Tokens(4 * 8, 20, 1);
        var y = GptTestModels.Tokens(4 * 8, 20, 2);
        var loss = new SequenceCrossEntropy<double>(20);

        // docs: ghost
        var norms = new double[4];
        model.ZeroGrad();
        model.ComputeWeightedGradients(x, y, batchSize: 4, loss, new ClipToNorm(1.0), norms, ClippingMode.Automatic);
        // Every trainable gradient now holds Σᵢ min(1, C/‖gᵢ‖)·∇ℓᵢ; norms[i] = ‖∇ℓᵢ‖. Add noise, divide, step.
        Console.WriteLine(model.PlanClipping(ClippingMode.Automatic).Summary); // "mixed": LayerNorm gains are materialised
        // end docs

        Assert.Equal("mixed", model.PlanClipping(ClippingMode.Automatic).Summary);
        Assert.All(norms, n => Assert.True(n > 0));
    }

    // docs: clip-weighting
    /// <summary>DP-SGD's clip factors wᵢ = min(1, C/(‖gᵢ‖ + 1e-6)) (Opacus' formula).</summary>
    private sealed class ClipToNorm(double c) : IExampleWeighting<double>
    {
        public void ComputeWeights(ReadOnlySpan<double> norms, Span<double> weights)
        {
            for (var i = 0; i < norms.Length; i++)
            {
                weights[i] = Math.Min(1.0, c / (norms[i] + 1e-6));
            }
        }
    }

    // end docs
}

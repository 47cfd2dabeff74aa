using CsCheck;
using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using LlmCore.Optimization.Optimizers;
using LlmCore.Optimization.Tests.Layers.Sequence;
using static LlmCore.Optimization.Tests.Models.GptTestModels;

namespace LlmCore.Optimization.Tests.Models;

public class GptModelTests
{
    [Fact]
    public void ParameterCount_Gpt4x4x128_Is834304()
    {
        // The research note's figure for n_layer 4, n_head 4, n_embd 128, block 64, vocab 256, tied head
        // (nanoGPT's get_num_params(non_embedding=False) counts the same tensors).
        var model = new GptModel<float>(new GptOptions { LayerCount = 4, HeadCount = 4, EmbeddingSize = 128, BlockSize = 64, VocabularySize = 256 });
        Assert.Equal(834_304, model.ParameterCount);
        Assert.Equal(834_304, model.TrainableParameterCount);
        Assert.Equal(64, model.InputSize);
        Assert.Equal(64 * 256, model.OutputSize);
        var untied = new GptModel<float>(new GptOptions { LayerCount = 4, HeadCount = 4, EmbeddingSize = 128, BlockSize = 64, VocabularySize = 256, TieWeights = false });
        Assert.Equal(834_304 + (256 * 128), untied.ParameterCount);
    }

    [Fact]
    public void Initialization_FollowsGpt2()
    {
        // GPT-2 / nanoGPT: N(0, 0.02) everywhere, N(0, 0.02/√(2·n_layer)) for attn.c_proj and mlp.c_proj, zero biases, unit gains.
        // 98,304 draws per c_attn weight: the sample σ has a standard error of σ/√(2n) ≈ 0.23 %; ±3 % is > 10 standard errors.
        var model = new GptModel<double>(new GptOptions { LayerCount = 8, HeadCount = 4, EmbeddingSize = 128, BlockSize = 64, VocabularySize = 256, Seed = 3 });
        double Std(string name) => StandardDeviation(model.Parameters.Single(p => p.Name == name).Values.ToArray());
        Assert.InRange(Std("wte.weight"), 0.02 * 0.97, 0.02 * 1.03);
        Assert.InRange(Std("h.0.attn.c_attn.weight"), 0.02 * 0.97, 0.02 * 1.03);
        Assert.InRange(Std("h.7.mlp.c_fc.weight"), 0.02 * 0.97, 0.02 * 1.03);
        Assert.InRange(Std("h.3.attn.c_proj.weight"), 0.005 * 0.97, 0.005 * 1.03);
        Assert.InRange(Std("h.3.mlp.c_proj.weight"), 0.005 * 0.97, 0.005 * 1.03);
        Assert.All(model.Parameters.Where(p => p.Name.EndsWith(".bias", StringComparison.Ordinal)), p => Assert.All(p.Values.ToArray(), v => Assert.Equal(0.0, v)));
        Assert.All(model.Parameters.Where(p => p.Name.Contains("ln_", StringComparison.Ordinal) && p.Name.EndsWith(".weight", StringComparison.Ordinal)), p => Assert.All(p.Values.ToArray(), v => Assert.Equal(1.0, v)));
    }

    public static TheoryData<string> Variants() => new() { "tied", "untied", "rms-no-bias", "dropout" };

    [Theory]
    [MemberData(nameof(Variants))]
    public void ComputeGradients_TwoLayerGpt_MatchesFiniteDifferences(string variant)
    {
        var options = Tiny(tie: variant != "untied", dropout: variant == "dropout" ? 0.2 : 0);
        if (variant == "rms-no-bias")
        {
            options.Normalization = NormalizationKind.RmsNorm;
            options.Bias = false;
        }

        var model = new GptModel<double>(options);
        Perturb(model, 5);
        const int batch = 2;
        var x = Tokens(batch * 5, 7, 1);
        var y = Tokens(batch * 5, 7, 2);
        var loss = new SequenceCrossEntropy<double>(7);
        model.ZeroGrad();
        model.ComputeGradients(x, y, batch, loss, 1.0 / batch);
        var counter = model.TrainingForwardCount - 1;
        var ids = x.Select(v => (int)v).ToArray();
        double Loss()
        {
            // A training forward at the same dropout counter draws the same masks.
            model.SetTrainingForwardCount(counter);
            model.Forward(ids, batch, 5, training: true);
            return loss.Compute(model.LastOutput(batch * model.OutputSize), y, batch, default);
        }

        SequenceHarness.CheckParameters(model.Parameters, Loss);
    }

    [Theory]
    [InlineData(SequencePooling.Last)]
    [InlineData(SequencePooling.Mean)]
    public void ComputeGradients_Classifier_MatchesFiniteDifferences(SequencePooling pooling)
    {
        var model = new SequenceClassifier<double>(new SequenceClassifierOptions { LayerCount = 2, HeadCount = 2, EmbeddingSize = 8, BlockSize = 6, VocabularySize = 9, ClassCount = 3, Pooling = pooling, PaddingTokenId = 0, Seed = 2 });
        Perturb(model, 6);
        const int batch = 3;
        double[] x = [3, 4, 5, 0, 0, 0, /**/ 1, 2, 3, 4, 5, 6, /**/ 8, 0, 0, 0, 0, 0];
        double[] y = [0, 2, 1];
        var loss = new SoftmaxCrossEntropy<double>();
        model.ZeroGrad();
        model.ComputeGradients(x, y, batch, loss, 1.0 / batch);
        SequenceHarness.CheckParameters(model.Parameters, () => Loss(model, x, y, batch, loss));
    }

    [Fact]
    public void PerExampleGradients_WholeGpt_SumToBatchGradient_AndEqualSingleSequencePasses()
    {
        var model = new GptModel<double>(Tiny(block: 6, vocab: 9));
        Perturb(model, 7);
        const int batch = 4;
        var x = Tokens(batch * 6, 9, 3);
        var y = Tokens(batch * 6, 9, 4);
        var loss = new SequenceCrossEntropy<double>(9);
        var perExample = model.CreatePerExampleGradients(batch);
        model.ZeroGrad();
        model.ComputeGradients(x, y, batch, loss, 1.0, perExample);
        var batchGradient = GradientsOf(model);
        for (var p = 0; p < model.Parameters.Count; p++)
        {
            var sum = new double[model.Parameters[p].Length];
            for (var i = 0; i < batch; i++)
            {
                var row = perExample.Get(p, i);
                for (var j = 0; j < sum.Length; j++)
                {
                    sum[j] += row[j];
                }
            }

            AssertGradientsEqual([batchGradient[p]], [sum], 1e-10, "Σ per-example");
        }

        for (var i = 0; i < batch; i++)
        {
            model.ZeroGrad();
            model.ComputeGradients(x.AsSpan(i * 6, 6), y.AsSpan(i * 6, 6), 1, loss, 1.0);
            AssertGradientsEqual(GradientsOf(model), model.Parameters.Select((_, p) => perExample.Get(p, i).ToArray()).ToArray(), 1e-10, $"sequence {i}");
        }
    }

    [Fact]
    public void ComputeWeightedGradients_RandomGpts_GhostAndAutomaticEqualMaterialized()
    {
        // CsCheck over batch 1..64, block (sequence length) 1..64, tied or untied head, frozen parameters and LoRA:
        // the per-sequence norms and the clipped sums of the ghost/book-keeping passes equal the materialised path's.
        var gen = Gen.Select(Gen.Int[1, 64], Gen.Int[1, 64], Gen.Int[0, 4], Gen.Int[0, 1_000_000]);
        gen.Sample(
            (batch, block, variant, seed) => CheckClipping(batch, block, variant, seed),
            iter: 16,
            seed: "7Pq2Lk0ZbXw3");
    }

    [Theory]
    [InlineData(1, 1, 0)]
    [InlineData(64, 64, 1)]
    [InlineData(3, 64, 2)]
    [InlineData(64, 2, 3)]
    [InlineData(5, 9, 4)]
    public void ComputeWeightedGradients_Extremes_GhostAndAutomaticEqualMaterialized(int batch, int block, int variant)
    {
        CheckClipping(batch, block, variant, 11);
    }

    [Fact]
    public void ComputeWeightedGradients_Classifier_GhostEqualsMaterialized()
    {
        foreach (var (batch, pooling) in new[] { (1, SequencePooling.Last), (7, SequencePooling.Mean), (16, SequencePooling.Last) })
        {
            var options = new SequenceClassifierOptions { LayerCount = 2, HeadCount = 2, EmbeddingSize = 8, BlockSize = 10, VocabularySize = 12, ClassCount = 3, Pooling = pooling, PaddingTokenId = 0, Seed = batch };
            var x = Tokens(batch * 10, 12, batch);
            for (var i = 0; i < batch; i++)
            {
                x[(i * 10) + 0] = 1 + (i % 11);
                for (var t = 10 - (i % 4); t < 10; t++)
                {
                    x[(i * 10) + t] = 0;
                }
            }

            var y = Tokens(batch, 3, batch + 1);
            CompareModes(() => new SequenceClassifier<double>(options), x, y, batch, new SoftmaxCrossEntropy<double>(), model => Perturb(model, 3));
        }
    }

    private static void CheckClipping(int batch, int block, int variant, int seed)
    {
        var options = Tiny(block: block, vocab: 11, tie: variant != 1, seed: seed);
        var x = Tokens(batch * block, 11, seed + 1);
        var y = Tokens(batch * block, 11, seed + 2);
        Action<TransformerModel<double>> prepare = variant switch
        {
            2 => model =>
            {
                Perturb(model, seed);
                model.Freeze("h.0.*");
                model.Freeze("wpe.weight");
            },
            3 => model =>
            {
                Perturb(model, seed);
                model.EnableLora(new LoraOptions { Rank = 2, Alpha = 4, Targets = LoraTargets.All, TrainHead = seed % 2 == 0 });
                Perturb(model, seed + 1, 0.1);
            },
            4 => model =>
            {
                Perturb(model, seed);
                model.Freeze("wte.weight");
            },
            _ => model => Perturb(model, seed),
        };
        CompareModes(() => new GptModel<double>(options), x, y, batch, new SequenceCrossEntropy<double>(11), prepare);
    }

    private static void CompareModes(Func<TransformerModel<double>> create, double[] x, double[] y, int batch, ILoss<double> loss, Action<TransformerModel<double>> prepare)
    {
        double[][]? expectedGradient = null;
        double[]? expectedNorms = null;
        foreach (var mode in new[] { ClippingMode.Materialized, ClippingMode.Ghost, ClippingMode.Automatic })
        {
            var model = create();
            prepare(model);
            model.ZeroGrad();
            var norms = new double[batch];
            var clip = new Clip(0.5);
            model.ComputeWeightedGradients(x, y, batch, loss, clip, norms, mode);
            var gradient = GradientsOf(model);
            Assert.All(model.Parameters.Where(p => !p.RequiresGrad), p => Assert.All(p.Gradient.ToArray(), g => Assert.Equal(0.0, g)));
            if (expectedGradient is null)
            {
                expectedGradient = gradient;
                expectedNorms = norms;
                Assert.All(norms, n => Assert.True(n > 0));
                continue;
            }

            for (var i = 0; i < batch; i++)
            {
                SequenceHarness.AssertRelative(expectedNorms![i], norms[i], 1e-10, $"{mode} norm of sequence {i}");
            }

            AssertGradientsEqual(expectedGradient, gradient, 1e-10, $"{mode} clipped sum");
        }
    }

    [Fact]
    public void ComputeWeightedGradients_MaterializedNorms_EqualPerExampleBufferNorms()
    {
        // The reference itself: norms over the trainable parameters of the per-example gradients of ComputeGradients.
        var model = new GptModel<double>(Tiny(block: 4, vocab: 6));
        Perturb(model, 1);
        model.Freeze("h.1.mlp.*");
        const int batch = 3;
        var x = Tokens(batch * 4, 6, 1);
        var y = Tokens(batch * 4, 6, 2);
        var loss = new SequenceCrossEntropy<double>(6);
        var perExample = model.CreatePerExampleGradients(batch);
        model.ComputeGradients(x, y, batch, loss, 1.0, perExample);
        var expected = new double[batch];
        perExample.ComputeNorms(expected);
        var norms = new double[batch];
        model.ComputeWeightedGradients(x, y, batch, loss, new Clip(1e9), norms, ClippingMode.Ghost);
        for (var i = 0; i < batch; i++)
        {
            SequenceHarness.AssertRelative(expected[i], norms[i], 1e-10, $"sequence {i}");
        }
    }

    [Fact]
    public void ComputeWeightedGradients_UnitWeights_EqualTheBatchGradient()
    {
        var model = new GptModel<double>(Tiny());
        Perturb(model, 2);
        var x = Tokens(3 * 5, 7, 5);
        var y = Tokens(3 * 5, 7, 6);
        var loss = new SequenceCrossEntropy<double>(7);
        model.ZeroGrad();
        model.ComputeGradients(x, y, 3, loss, 1.0);
        var expected = GradientsOf(model);
        model.ZeroGrad();
        model.ComputeWeightedGradients(x, y, 3, loss, new Clip(double.PositiveInfinity), new double[3], ClippingMode.Ghost);
        AssertGradientsEqual(expected, GradientsOf(model), 1e-10, "unit weights");
    }

    [Fact]
    public void ComputeWeightedGradients_Float_GhostCloseToMaterialized()
    {
        var options = new GptOptions { LayerCount = 2, HeadCount = 2, EmbeddingSize = 16, BlockSize = 12, VocabularySize = 20, Seed = 4 };
        var x = Tokens(6 * 12, 20, 1).Select(v => (float)v).ToArray();
        var y = Tokens(6 * 12, 20, 2).Select(v => (float)v).ToArray();
        float[] Run(ClippingMode mode)
        {
            var model = new GptModel<float>(options);
            var norms = new float[6];
            model.ComputeWeightedGradients(x, y, 6, new SequenceCrossEntropy<float>(20), new ClipFloat(0.1f), norms, mode);
            return norms;
        }

        var materialized = Run(ClippingMode.Materialized);
        var ghost = Run(ClippingMode.Ghost);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(materialized[i], ghost[i], materialized[i] * 1e-4);
        }
    }

    [Fact]
    public void PlanClipping_DescribesEachTrainableParameter()
    {
        var model = new GptModel<float>(new GptOptions { LayerCount = 2, HeadCount = 4, EmbeddingSize = 128, BlockSize = 64, VocabularySize = 256 });
        var ghost = model.PlanClipping(ClippingMode.Ghost);
        Assert.Equal("mixed", ghost.Summary);
        Assert.Equal(model.Parameters.Count, ghost.Parameters.Count);
        Assert.Equal(PerExampleNormMethod.Materialized, ghost.Parameters.Single(e => e.ParameterName == "h.0.ln_1.weight").Method);
        Assert.Equal(PerExampleNormMethod.Ghost, ghost.Parameters.Single(e => e.ParameterName == "h.0.mlp.c_fc.weight").Method);
        Assert.Equal("materialized", model.PlanClipping(ClippingMode.Materialized).Summary);

        // Automatic at T = 64: 2T² = 8192 < d·p for the 128×384 c_attn (ghost), and for the rank-8 adapters d·p ≤ 3072 (materialised).
        var automatic = model.PlanClipping(ClippingMode.Automatic);
        Assert.Equal(PerExampleNormMethod.Ghost, automatic.Parameters.Single(e => e.ParameterName == "h.1.attn.c_attn.weight").Method);
        model.EnableLora(new LoraOptions { Rank = 8, Targets = LoraTargets.QueryKeyValue });
        var lora = model.PlanClipping(ClippingMode.Automatic);
        Assert.Equal(4, lora.Parameters.Count);
        Assert.Equal("materialized", lora.Summary);
        Assert.Equal("ghost", model.PlanClipping(ClippingMode.Ghost).Summary);
        foreach (var p in model.Parameters)
        {
            p.RequiresGrad = false;
        }

        Assert.Equal("none", model.PlanClipping(ClippingMode.Ghost).Summary);
    }

    [Fact]
    public void SameSeed_IdenticalParametersOutputsAndGenerations()
    {
        var options = Tiny(block: 8, vocab: 10, seed: 9);
        var a = new GptModel<float>(options);
        var b = new GptModel<float>(options);
        for (var p = 0; p < a.Parameters.Count; p++)
        {
            Assert.Equal(a.Parameters[p].Values.ToArray(), b.Parameters[p].Values.ToArray());
        }

        var x = Tokens(2 * 8, 10, 1).Select(v => (float)v).ToArray();
        var oa = new float[2 * a.OutputSize];
        var ob = new float[2 * b.OutputSize];
        a.Predict(x, oa, 2);
        b.Predict(x, ob, 2);
        Assert.Equal(oa, ob);
        var generation = new GenerationOptions { Temperature = 0.9, TopK = 5, Seed = 3 };
        Assert.Equal(a.Generate([1, 2, 3], 20, generation), b.Generate([1, 2, 3], 20, generation));
        Assert.NotEqual(a.Generate([1, 2, 3], 20, generation), a.Generate([1, 2, 3], 20, new GenerationOptions { Temperature = 0.9, TopK = 5, Seed = 4 }));
        Assert.NotEqual(a.Parameters[0].Values.ToArray(), new GptModel<float>(Tiny(block: 8, vocab: 10, seed: 10)).Parameters[0].Values.ToArray());
    }

    [Fact]
    public void Generate_Greedy_PicksTheArgmaxOfTheCroppedContext()
    {
        var model = new GptModel<double>(Tiny(block: 4, vocab: 6, seed: 2));
        Perturb(model, 3, 1.0);
        int[] prompt = [1, 2, 3, 4, 5, 0];
        var generated = model.Generate(prompt, 5, new GenerationOptions { Temperature = 0 });
        Assert.Equal(5, generated.Length);
        var tokens = prompt.ToList();
        foreach (var token in generated)
        {
            // The context is the last block-size tokens; the prediction is the last position's argmax.
            var context = tokens.Skip(tokens.Count - 4).Select(v => (double)v).ToArray();
            var output = new double[model.OutputSize];
            model.Predict(context, output, 1);
            var last = output.AsSpan(3 * 6, 6).ToArray();
            Assert.Equal(Array.IndexOf(last, last.Max()), token);
            tokens.Add(token);
        }

        Assert.Equal(generated, model.Generate(prompt, 5, new GenerationOptions { Temperature = 1.5, TopK = 1, Seed = 8 }));
    }

    [Fact]
    public void Generate_TopKAndStopToken_AreHonoured()
    {
        var model = new GptModel<double>(Tiny(block: 6, vocab: 8, seed: 4));
        Perturb(model, 5, 1.0);
        var output = new double[model.OutputSize];
        var generated = model.Generate([3], 30, new GenerationOptions { Temperature = 1, TopK = 2, Seed = 1 });
        var tokens = new List<int> { 3 };
        foreach (var token in generated)
        {
            var length = Math.Min(tokens.Count, 6);
            var context = new double[6];
            for (var t = 0; t < length; t++)
            {
                context[t] = tokens[tokens.Count - length + t];
            }

            // Causal attention: the logits at position length−1 do not depend on the padding after it.
            model.Predict(context, output, 1);
            var last = output.AsSpan((length - 1) * 8, 8).ToArray();
            var top2 = last.OrderByDescending(v => v).Take(2).ToArray();
            Assert.True(last[token] >= top2[1], $"token {token} is not among the top 2");
            tokens.Add(token);
        }

        var stop = generated[3];
        var stopped = model.Generate([3], 30, new GenerationOptions { Temperature = 1, TopK = 2, Seed = 1, StopTokenId = stop });
        Assert.Equal(stop, stopped[^1]);
        Assert.True(stopped.Length <= 4);
        Assert.Empty(model.Generate([3], 0));
    }

    [Fact]
    public void Lora_StartsAsTheBaseModel_AndTrainsOnlyTheAdapters()
    {
        var model = new GptModel<double>(Tiny(block: 6, vocab: 9, seed: 3));
        var x = Tokens(3 * 6, 9, 1);
        var y = Tokens(3 * 6, 9, 2);
        var before = new double[3 * model.OutputSize];
        model.Predict(x, before, 3);
        var frozen = model.Parameters.ToDictionary(p => p.Name, p => p.Values.ToArray());
        model.EnableLora(new LoraOptions { Rank = 2, Alpha = 4, Targets = LoraTargets.Attention | LoraTargets.MlpDown });
        var after = new double[before.Length];
        model.Predict(x, after, 3);
        Assert.Equal(before, after);

        // 2 layers × (c_attn 2·(8 + 24) + c_proj 2·(8 + 8) + mlp.c_proj 2·(32 + 8)) trainable values.
        Assert.Equal(2 * ((2 * 32) + (2 * 16) + (2 * 40)), model.TrainableParameterCount);
        Assert.All(model.Parameters.Where(p => p.RequiresGrad), p => Assert.Matches(@"\.lora_[AB]$", p.Name));
        var optimizer = new AdamW<double>(model.Parameters, learningRate: 0.05);
        for (var step = 0; step < 3; step++)
        {
            optimizer.ZeroGrad();
            model.ZeroGrad();
            model.ComputeGradients(x, y, 3, new SequenceCrossEntropy<double>(9), 1.0 / 3);
            optimizer.Step();
        }

        foreach (var (name, values) in frozen)
        {
            Assert.Equal(values, model.Parameters.Single(p => p.Name == name).Values.ToArray());
        }

        Assert.Contains(model.Parameters.Where(p => p.Name.EndsWith("lora_B", StringComparison.Ordinal)), p => p.Values.ToArray().Any(v => v != 0));
        Assert.Throws<InvalidOperationException>(() => model.EnableLora(new LoraOptions()));
    }

    [Fact]
    public void Lora_TrainHead_KeepsTheTiedEmbeddingTrainable()
    {
        var model = new GptModel<double>(Tiny());
        model.EnableLora(new LoraOptions { Rank = 1, TrainHead = true });
        Assert.True(model.Parameters.Single(p => p.Name == "wte.weight").RequiresGrad);
        Assert.False(model.Parameters.Single(p => p.Name == "wpe.weight").RequiresGrad);
        var classifier = new SequenceClassifier<double>(new SequenceClassifierOptions { LayerCount = 1, HeadCount = 2, EmbeddingSize = 8, BlockSize = 4, VocabularySize = 5 });
        classifier.EnableLora(new LoraOptions { TrainHead = true, Targets = LoraTargets.Mlp });
        Assert.Equal(["h.0.mlp.c_fc.lora_A", "h.0.mlp.c_fc.lora_B", "h.0.mlp.c_proj.lora_A", "h.0.mlp.c_proj.lora_B", "head.weight", "head.bias"], classifier.Parameters.Where(p => p.RequiresGrad).Select(p => p.Name).ToArray());
    }

    [Fact]
    public void FreezeAndUnfreeze_ByPattern()
    {
        var model = new GptModel<float>(Tiny());
        Assert.Equal(8, model.Freeze("h.*.attn.*"));
        Assert.All(model.Parameters.Where(p => p.Name.Contains(".attn.", StringComparison.Ordinal)), p => Assert.False(p.RequiresGrad));
        Assert.Equal(model.ParameterCount - (2 * ((8 * 24) + 24 + (8 * 8) + 8)), model.TrainableParameterCount);
        Assert.Equal(2, model.Unfreeze("h.1.attn.c_attn.*"));
        Assert.Equal(1, model.Freeze("wte.weight"));
        var e = Assert.Throws<ArgumentException>(() => model.Freeze("transformer.*"));
        Assert.Equal("pattern", e.ParamName);
    }

    [Fact]
    public void Dropout_Zero_TrainingForwardEqualsInference()
    {
        var model = new GptModel<double>(Tiny(dropout: 0));
        var x = Tokens(2 * 5, 7, 1);
        var inference = new double[2 * model.OutputSize];
        model.Predict(x, inference, 2);
        model.Forward(x.Select(v => (int)v).ToArray(), 2, 5, training: true);
        Assert.Equal(inference, model.LastOutput(inference.Length).ToArray());
    }

    [Fact]
    public void Dropout_ResumedFromState_DrawsTheSameMasks()
    {
        var options = Tiny(dropout: 0.3);
        var x = Tokens(2 * 5, 7, 1);
        var y = Tokens(2 * 5, 7, 2);
        var loss = new SequenceCrossEntropy<double>(7);
        var a = new GptModel<double>(options);
        a.ComputeGradients(x, y, 2, loss, 1.0);
        a.ComputeGradients(x, y, 2, loss, 1.0);
        using var state = new MemoryStream();
        a.SaveState(state);
        var first = a.ComputeGradients(x, y, 2, loss, 1.0);
        var second = a.ComputeGradients(x, y, 2, loss, 1.0);
        Assert.NotEqual(first, second);

        var b = new GptModel<double>(options);
        state.Position = 0;
        b.LoadState(state);
        Assert.Equal(2, b.TrainingForwardCount);
        Assert.Equal(first, b.ComputeGradients(x, y, 2, loss, 1.0));
        Assert.Equal(second, b.ComputeGradients(x, y, 2, loss, 1.0));
        Assert.Throws<InvalidDataException>(() => b.LoadState(new MemoryStream([1, 2, 3])));
    }

    [Fact]
    public void BadInput_ThrowsArgumentExceptionNamingTheParameter()
    {
        var heads = Assert.Throws<ArgumentException>(() => new GptModel<float>(new GptOptions { HeadCount = 3, EmbeddingSize = 128 }));
        Assert.Equal("options", heads.ParamName);
        Assert.Contains("HeadCount", heads.Message, StringComparison.Ordinal);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new GptModel<float>(null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new GptModel<float>(new GptOptions { Dropout = 1 })).ParamName);

        var model = new GptModel<double>(Tiny());
        var loss = new SequenceCrossEntropy<double>(7);
        var good = Tokens(5, 7, 1);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => model.Predict([0, 1, 2, 7, 1], new double[model.OutputSize], 1)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => model.Predict([0, 1, 2.5, 3, 1], new double[model.OutputSize], 1)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => model.Predict([0, 1, -1, 3, 1], new double[model.OutputSize], 1)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => model.Predict([0, 1, 2], new double[model.OutputSize], 1)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => model.Predict(good, new double[3], 1)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => model.ComputeGradients(good, [1, 2], 1, loss, 1.0)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => model.ComputeGradients(good, [1, 2, 3, 4, 9], 1, loss, 1.0)).ParamName);
        Assert.Equal("norms", Assert.Throws<ArgumentException>(() => model.ComputeWeightedGradients(good, good, 1, loss, new Clip(1), [], ClippingMode.Ghost)).ParamName);
        Assert.Equal("prompt", Assert.Throws<ArgumentException>(() => model.Generate([], 3)).ParamName);
        Assert.Equal("prompt", Assert.Throws<ArgumentException>(() => model.Generate([9], 3)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => model.Generate([1], 3, new GenerationOptions { TopK = 0 })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => model.EnableLora(new LoraOptions { Rank = 0 })).ParamName);
    }

    private static double StandardDeviation(double[] values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
    }
}

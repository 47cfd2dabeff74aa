using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Models;
using static LlmCore.Optimization.Tests.Models.GptTestModels;

namespace LlmCore.Optimization.Tests.Models;

public class TransformerModelFileTests
{
    [Fact]
    public void SaveAndLoad_Gpt_RebuildsTheSameModel()
    {
        var model = new GptModel<float>(Tiny(block: 6, vocab: 9, tie: false, dropout: 0.1, seed: 4));
        Perturb(model, 2);
        model.Metadata["tokenizer"] = "byte";
        model.Freeze("wpe.weight");
        model.ComputeGradients(Tokens(6, 9, 1).Select(v => (float)v).ToArray(), Tokens(6, 9, 2).Select(v => (float)v).ToArray(), 1, new SequenceCrossEntropy<float>(9), 1f);
        using var file = new MemoryStream();
        model.Save(file);
        file.Position = 0;
        var loaded = Assert.IsType<GptModel<float>>(ModelFactory.LoadTransformer<float>(file));
        Assert.Equal(model.Parameters.Select(p => p.Name), loaded.Parameters.Select(p => p.Name));
        Assert.Equal(model.Parameters.Select(p => p.RequiresGrad), loaded.Parameters.Select(p => p.RequiresGrad));
        for (var p = 0; p < model.Parameters.Count; p++)
        {
            Assert.Equal(model.Parameters[p].Values.ToArray(), loaded.Parameters[p].Values.ToArray());
        }

        Assert.Equal("byte", loaded.Metadata["tokenizer"]);
        Assert.Equal(1, loaded.TrainingForwardCount);
        Assert.False(loaded.Options.TieWeights);
        Assert.Equal(0.1, loaded.Options.Dropout);
        Assert.Equal(model.Generate([1, 2], 10, new GenerationOptions { Seed = 5 }), loaded.Generate([1, 2], 10, new GenerationOptions { Seed = 5 }));
    }

    [Fact]
    public void SaveAndLoad_LoraClassifierAcrossElementTypes_KeepsAdaptersAndFlags()
    {
        var options = new SequenceClassifierOptions { LayerCount = 1, HeadCount = 2, EmbeddingSize = 8, BlockSize = 4, VocabularySize = 6, ClassCount = 3, Pooling = SequencePooling.Mean, PaddingTokenId = 0, Normalization = NormalizationKind.RmsNorm };
        var model = new SequenceClassifier<float>(options);
        model.EnableLora(new LoraOptions { Rank = 2, Alpha = 4, Targets = LoraTargets.Attention, TrainHead = true, Seed = 3 });
        Perturb(model, 1);
        var path = Path.Combine(Path.GetTempPath(), $"llmcore-{Guid.NewGuid():N}.bin");
        try
        {
            model.Save(path);
            var loaded = Assert.IsType<SequenceClassifier<double>>(ModelFactory.LoadTransformer<double>(path));
            Assert.Equal(LoraTargets.Attention, loaded.Lora!.Targets);
            Assert.Equal(model.TrainableParameterCount, loaded.TrainableParameterCount);
            Assert.Equal(SequencePooling.Mean, loaded.Options.Pooling);
            Assert.Equal(0, loaded.Options.PaddingTokenId);
            for (var p = 0; p < model.Parameters.Count; p++)
            {
                Assert.Equal(model.Parameters[p].Values.ToArray().Select(v => (double)v), loaded.Parameters[p].Values.ToArray());
            }

            double[] x = [1, 2, 3, 0, 4, 5, 0, 0];
            var expected = new float[6];
            model.Predict(x.Select(v => (float)v).ToArray(), expected, 2);
            var actual = new double[6];
            loaded.Predict(x, actual, 2);
            for (var i = 0; i < 6; i++)
            {
                Assert.Equal(expected[i], actual[i], 1e-5);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_NotAModelFile_ThrowsInvalidDataException()
    {
        Assert.Throws<InvalidDataException>(() => ModelFactory.LoadTransformer<float>(new MemoryStream("hello, world"u8.ToArray())));
        Assert.Throws<InvalidDataException>(() => ModelFactory.LoadTransformer<float>(new MemoryStream([])));
        Assert.Throws<InvalidDataException>(() => ModelFactory.LoadTransformer<float>(new MemoryStream(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F })));
    }

    [Fact]
    public void Load_TruncatedOrAlteredFile_ThrowsInvalidDataException()
    {
        using var file = new MemoryStream();
        new GptModel<float>(Tiny()).Save(file);
        var bytes = file.ToArray();
        foreach (var cut in new[] { 10, 40, bytes.Length / 2, bytes.Length - 1 })
        {
            Assert.Throws<InvalidDataException>(() => ModelFactory.LoadTransformer<float>(new MemoryStream(bytes[..cut])));
        }

        // The head count in the file (offset after tag, version, kind, element size and layer count) set to 3: 3 does not divide 8.
        var altered = (byte[])bytes.Clone();
        var offset = 1 + "LLMCORE-TRANSFORMER".Length + 4 + 1 + "gpt".Length + 4 + 4;
        BitConverter.GetBytes(3).CopyTo(altered, offset);
        var e = Assert.Throws<InvalidDataException>(() => ModelFactory.LoadTransformer<float>(new MemoryStream(altered)));
        Assert.Contains("HeadCount", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_ToPath_LeavesNoTemporaryFile()
    {
        var directory = Directory.CreateTempSubdirectory("llmcore-save-");
        try
        {
            var path = Path.Combine(directory.FullName, "model.bin");
            new GptModel<float>(Tiny()).Save(path);
            Assert.Equal(["model.bin"], directory.GetFiles().Select(f => f.Name));
            Assert.IsType<GptModel<float>>(ModelFactory.LoadTransformer<float>(path));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

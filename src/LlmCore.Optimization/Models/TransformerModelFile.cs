using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace LlmCore.Optimization.Models;

/// <summary>
/// The model file of a <see cref="TransformerModel{T}"/>: a tag and version, the kind (<c>gpt</c> or
/// <c>classifier</c>), the element size, the options, the LoRA configuration, the dropout counter, the metadata,
/// then every parameter's name, trainable flag, length and values (little-endian IEEE). Thread-safe (no state).
/// </summary>
internal static class TransformerModelFile
{
    private const string Tag = "LLMCORE-TRANSFORMER";
    private const int Version = 1;
    private const int MaxText = 1 << 16;

    public static void Write<T>(TransformerModel<T> model, Stream destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(Tag);
        writer.Write(Version);
        var options = model.TrunkOptions;
        writer.Write(options is GptOptions ? "gpt" : "classifier");
        writer.Write(Marshal.SizeOf<T>());
        writer.Write(options.LayerCount);
        writer.Write(options.HeadCount);
        writer.Write(options.EmbeddingSize);
        writer.Write(options.BlockSize);
        writer.Write(options.VocabularySize);
        writer.Write(options.Dropout);
        writer.Write(options.Bias);
        writer.Write((int)options.Normalization);
        writer.Write(options.NormalizationEpsilon);
        writer.Write(options.Seed);
        if (options is GptOptions gpt)
        {
            writer.Write(gpt.TieWeights);
        }
        else
        {
            var classifier = (SequenceClassifierOptions)options;
            writer.Write(classifier.ClassCount);
            writer.Write((int)classifier.Pooling);
            writer.Write(classifier.PaddingTokenId.HasValue);
            writer.Write(classifier.PaddingTokenId ?? 0);
        }

        var lora = model.Lora;
        writer.Write(lora is not null);
        if (lora is not null)
        {
            writer.Write(lora.Rank);
            writer.Write(lora.Alpha);
            writer.Write((int)lora.Targets);
            writer.Write(lora.TrainHead);
            writer.Write(lora.Seed);
        }

        writer.Write(model.TrainingForwardCount);
        writer.Write(model.Metadata.Count);
        foreach (var (key, value) in model.Metadata)
        {
            writer.Write(key);
            writer.Write(value);
        }

        writer.Write(model.Parameters.Count);
        foreach (var parameter in model.Parameters)
        {
            writer.Write(parameter.Name);
            writer.Write(parameter.RequiresGrad);
            writer.Write(parameter.Length);
            writer.Write(MemoryMarshal.AsBytes<T>(parameter.Values));
        }
    }

    public static TransformerModel<T> Read<T>(Stream source)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        try
        {
            return ReadCore<T>(reader);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The model file ends early: it is truncated or not an LlmCore transformer model.", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException("The model file holds an invalid configuration: " + e.Message, e);
        }
    }

    private static TransformerModel<T> ReadCore<T>(BinaryReader reader)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (ReadText(reader, Tag.Length) != Tag)
        {
            throw new InvalidDataException("The file is not an LlmCore transformer model.");
        }

        var version = reader.ReadInt32();
        if (version != Version)
        {
            throw new InvalidDataException($"The model file has format version {version}; this library reads version {Version}.");
        }

        var kind = ReadText(reader, 16);
        var elementSize = reader.ReadInt32();
        if (elementSize is not (4 or 8))
        {
            throw new InvalidDataException($"The model file stores {elementSize}-byte values; expected 4 (float) or 8 (double).");
        }

        TransformerOptions options = kind switch
        {
            "gpt" => new GptOptions(),
            "classifier" => new SequenceClassifierOptions(),
            _ => throw new InvalidDataException($"Unknown model kind '{kind}' in the model file."),
        };
        options.LayerCount = reader.ReadInt32();
        options.HeadCount = reader.ReadInt32();
        options.EmbeddingSize = reader.ReadInt32();
        options.BlockSize = reader.ReadInt32();
        options.VocabularySize = reader.ReadInt32();
        options.Dropout = reader.ReadDouble();
        options.Bias = reader.ReadBoolean();
        options.Normalization = (NormalizationKind)reader.ReadInt32();
        options.NormalizationEpsilon = reader.ReadDouble();
        options.Seed = reader.ReadInt32();
        if (options is GptOptions gpt)
        {
            gpt.TieWeights = reader.ReadBoolean();
        }
        else
        {
            var classifier = (SequenceClassifierOptions)options;
            classifier.ClassCount = reader.ReadInt32();
            classifier.Pooling = (SequencePooling)reader.ReadInt32();
            var padded = reader.ReadBoolean();
            var padding = reader.ReadInt32();
            classifier.PaddingTokenId = padded ? padding : null;
        }

        LoraOptions? lora = null;
        if (reader.ReadBoolean())
        {
            lora = new LoraOptions
            {
                Rank = reader.ReadInt32(),
                Alpha = reader.ReadDouble(),
                Targets = (LoraTargets)reader.ReadInt32(),
                TrainHead = reader.ReadBoolean(),
                Seed = reader.ReadInt32(),
            };
        }

        // Sizes are checked (and parameters sized) before anything large is allocated.
        options.Validate("options");
        lora?.Validate("lora");
        if ((long)options.LayerCount * options.EmbeddingSize * options.EmbeddingSize > 1L << 34)
        {
            throw new InvalidDataException("The model file describes a model too large to load.");
        }

        TransformerModel<T> model = options is GptOptions g ? new GptModel<T>(g) : new SequenceClassifier<T>((SequenceClassifierOptions)options);
        if (lora is not null)
        {
            model.RestoreLora(lora);
        }

        var counter = reader.ReadInt64();
        if (counter < 0)
        {
            throw new InvalidDataException($"The model file's training-forward counter must be ≥ 0; got {counter}.");
        }

        model.SetTrainingForwardCount(counter);
        var metadata = reader.ReadInt32();
        if (metadata < 0)
        {
            throw new InvalidDataException($"The model file declares {metadata} metadata entries.");
        }

        for (var i = 0; i < metadata; i++)
        {
            var key = ReadText(reader, MaxText);
            model.Metadata[key] = ReadText(reader, MaxText);
        }

        var count = reader.ReadInt32();
        if (count != model.Parameters.Count)
        {
            throw new InvalidDataException($"The model file holds {count} parameters; its configuration has {model.Parameters.Count}.");
        }

        var bytes = Array.Empty<byte>();
        foreach (var parameter in model.Parameters)
        {
            var name = ReadText(reader, MaxText);
            var trainable = reader.ReadBoolean();
            var length = reader.ReadInt32();
            if (name != parameter.Name || length != parameter.Length)
            {
                throw new InvalidDataException($"The model file holds parameter '{name}' of {length} values where its configuration expects '{parameter.Name}' of {parameter.Length}.");
            }

            var size = checked(length * elementSize);
            if (bytes.Length < size)
            {
                bytes = new byte[size];
            }

            reader.BaseStream.ReadExactly(bytes, 0, size);
            var values = parameter.Values;
            if (elementSize == 4)
            {
                var stored = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(0, size));
                for (var i = 0; i < length; i++)
                {
                    values[i] = T.CreateTruncating(stored[i]);
                }
            }
            else
            {
                var stored = MemoryMarshal.Cast<byte, double>(bytes.AsSpan(0, size));
                for (var i = 0; i < length; i++)
                {
                    values[i] = T.CreateTruncating(stored[i]);
                }
            }

            for (var i = 0; i < length; i++)
            {
                if (!T.IsFinite(values[i]))
                {
                    throw new InvalidDataException($"Parameter '{name}' holds a non-finite value at index {i}.");
                }
            }

            parameter.RequiresGrad = trainable;
        }

        return model;
    }

    /// <summary>Reads a length-prefixed UTF-8 string (BinaryWriter's format) of at most <paramref name="maxBytes"/> bytes.</summary>
    private static string ReadText(BinaryReader reader, int maxBytes)
    {
        int length;
        try
        {
            length = reader.Read7BitEncodedInt();
        }
        catch (FormatException e)
        {
            throw new InvalidDataException("The file is not an LlmCore transformer model.", e);
        }

        if (length < 0 || length > maxBytes)
        {
            throw new InvalidDataException("The file is not an LlmCore transformer model (a text field has an impossible length).");
        }

        var bytes = reader.ReadBytes(length);
        if (bytes.Length != length)
        {
            throw new EndOfStreamException();
        }

        return Encoding.UTF8.GetString(bytes);
    }
}

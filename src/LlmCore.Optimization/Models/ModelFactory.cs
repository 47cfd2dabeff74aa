using System.Numerics;
using LlmCore.Optimization.Layers;

namespace LlmCore.Optimization.Models;

/// <summary>Ready-made models: linear regression, logistic regression and multi-layer perceptrons.</summary>
/// <remarks>
/// Classifiers output logits: pair one output with <see cref="Losses.BinaryCrossEntropyWithLogits{T}"/> and C ≥ 2
/// outputs with <see cref="Losses.SoftmaxCrossEntropy{T}"/>. The methods are thread-safe; the same seed gives
/// the same initial weights.
/// </remarks>
public static class ModelFactory
{
    /// <summary>A linear model y = x·Wᵀ + b (the Keras example's single <c>Dense</c> layer).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="inputs">The number of features, ≥ 1.</param>
    /// <param name="outputs">The number of outputs, ≥ 1.</param>
    /// <param name="seed">The seed of the Glorot-uniform weights.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
    public static Sequential<T> Linear<T>(int inputs, int outputs = 1, int seed = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        new(new Dense<T>(inputs, outputs, seed, WeightInitialization.GlorotUniform, "linear"));

    /// <summary>
    /// Logistic regression: one dense layer giving one logit for two classes, or C logits (multinomial) for C &gt; 2.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="inputs">The number of features, ≥ 1.</param>
    /// <param name="classes">The number of classes, ≥ 2.</param>
    /// <param name="seed">The seed of the weights.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public static Sequential<T> LogisticRegression<T>(int inputs, int classes, int seed = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        return new(new Dense<T>(inputs, classes == 2 ? 1 : classes, seed, WeightInitialization.GlorotUniform, "logistic"));
    }

    /// <summary>
    /// A multi-layer perceptron: dense layers of the given hidden sizes, each followed by the activation, then a
    /// dense output layer. Layers are named <c>dense0</c>, <c>dense1</c>, ...; He initialisation for ReLU and GELU,
    /// Glorot otherwise; layer i draws its weights from seed + i.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="inputs">The number of features, ≥ 1.</param>
    /// <param name="hidden">The hidden layer widths, each ≥ 1 (empty gives a linear model).</param>
    /// <param name="outputs">The number of outputs (logits), ≥ 1.</param>
    /// <param name="activation">The hidden activation.</param>
    /// <param name="seed">The seed of the weights.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="hidden"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1, or the activation is unknown.</exception>
    public static Sequential<T> Mlp<T>(int inputs, IReadOnlyList<int> hidden, int outputs, Activation activation = Activation.Relu, int seed = 0)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(hidden);
        var init = activation is Activation.Relu or Activation.Gelu ? WeightInitialization.HeUniform : WeightInitialization.GlorotUniform;
        var layers = new List<ILayer<T>>();
        var width = inputs;
        for (var i = 0; i < hidden.Count; i++)
        {
            layers.Add(new Dense<T>(width, hidden[i], unchecked(seed + i), init, "dense" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            layers.Add(CreateActivation<T>(activation, hidden[i]));
            width = hidden[i];
        }

        layers.Add(new Dense<T>(width, outputs, unchecked(seed + hidden.Count), WeightInitialization.GlorotUniform, "dense" + hidden.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return new Sequential<T>([.. layers]);
    }

    /// <summary>Creates an activation layer.</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="activation">Which activation.</param>
    /// <param name="size">The row width, ≥ 1.</param>
    /// <returns>The layer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The activation is unknown or the size is less than 1.</exception>
    public static ActivationLayer<T> CreateActivation<T>(Activation activation, int size)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => activation switch
        {
            Activation.Relu => new Relu<T>(size),
            Activation.Gelu => new Gelu<T>(size),
            Activation.Tanh => new Tanh<T>(size),
            Activation.Sigmoid => new Sigmoid<T>(size),
            _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
        };

    /// <summary>Creates a GPT-2-style language model (see <see cref="GptModel{T}"/>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="options">The architecture.</param>
    /// <returns>The model, initialised from <see cref="TransformerOptions.Seed"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range, or the head count does not divide the width.</exception>
    public static GptModel<T> Gpt<T>(GptOptions options)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => new(options);

    /// <summary>Creates a transformer sequence classifier (see <see cref="SequenceClassifier{T}"/>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="options">The architecture.</param>
    /// <returns>The model, initialised from <see cref="TransformerOptions.Seed"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range, or the head count does not divide the width.</exception>
    public static SequenceClassifier<T> SequenceClassifier<T>(SequenceClassifierOptions options)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => new(options);

    /// <summary>
    /// Rebuilds a transformer (a <see cref="GptModel{T}"/> or a <see cref="SequenceClassifier{T}"/>) from a file
    /// written by <see cref="TransformerModel{T}.Save(Stream)"/>: options, adapters, trainable flags, metadata and values
    /// (converted when the file was saved with the other element type).
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="source">A readable stream positioned at the start of the model file.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidDataException">The data is not a model file of this version, or is truncated or inconsistent.</exception>
    public static TransformerModel<T> LoadTransformer<T>(Stream source)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(source);
        return TransformerModelFile.Read<T>(source);
    }

    /// <summary>Rebuilds a transformer from a model file on disk (see <see cref="LoadTransformer{T}(Stream)"/>).</summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    /// <param name="path">The file.</param>
    /// <returns>The model.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a model file of this version, or is truncated or inconsistent.</exception>
    public static TransformerModel<T> LoadTransformer<T>(string path)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = File.OpenRead(path);
        return TransformerModelFile.Read<T>(stream);
    }
}

using System.Numerics;
using LlmCore.Optimization.Layers;
using LlmCore.Optimization.Layers.Sequence;
using LlmCore.Optimization.Losses;

namespace LlmCore.Optimization.Models;

/// <summary>
/// A GPT-2-style decoder (token and positional embeddings, pre-normalisation transformer blocks with causal
/// multi-head self-attention and a GELU MLP, a final normalisation) followed by a head: the common base of
/// <see cref="GptModel{T}"/> (next-token logits) and <see cref="SequenceClassifier{T}"/> (class logits).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// An example is one sequence of <see cref="InputSize"/> = block-size token ids, given as values of T (integers in
/// [0, V)). Per-example quantities (per-example gradients, norms, weights) are per sequence.
/// </para>
/// <para>
/// <see cref="ComputeWeightedGradients"/> obtains per-sequence gradient norms in one backward pass: ghost norms for
/// dense projections (⟨XᵢXᵢᵀ, GᵢGᵢᵀ⟩ plus ‖Σₜgᵢₜ‖² for the bias; Li et al. 2022), the sparse-row norm for the token
/// embedding, Σₜ‖gᵢₜ‖² for the positional embedding, and materialised d-vectors for normalisation gains and biases;
/// under <see cref="ClippingMode.Automatic"/> a dense projection of d inputs and p outputs uses ghost norms when
/// 2T² &lt; d·p and a materialised per-sequence gradient (formed one sequence at a time in scratch memory) otherwise
/// (Bu et al. 2022). The layers keep their inputs and output gradients, and once the weighting has returned wᵢ the
/// weighted sum Σᵢ wᵢ∇ℓᵢ is one product Xᵀdiag(w)G per projection (book-keeping, Bu et al. 2023): no second
/// backward pass. The tied token embedding/output projection has one gradient made of two uses; its per-sequence
/// norm is computed exactly as ‖Eᵢ‖² + ‖Dᵢ‖² + 2⟨Eᵢ, Dᵢ⟩ with the cross term from stored quantities (or by
/// materialising Eᵢ + Dᵢ where that is cheaper). <see cref="ClippingMode.Materialized"/> forms every per-sequence
/// gradient (B copies of the trainable parameters), the reference the other modes are tested against.
/// <see cref="PlanClipping"/> says which method each parameter uses.
/// </para>
/// <para>
/// Frozen parameters (<see cref="Parameter{T}.RequiresGrad"/> false) get no gradient and no norm; a frozen dense
/// weight costs no weight-gradient product, and no input gradient is formed below the lowest trainable parameter.
/// Dropout masks are a pure function of (seed, <see cref="TrainingForwardCount"/>, layer, element), and the counter is
/// saved with <see cref="SaveState"/>, so a run resumed from a checkpoint draws the same masks.
/// </para>
/// <para>Activation buffers are kept between calls and grow to the largest batch seen; steady-state steps allocate nothing. Not thread-safe.</para>
/// </remarks>
public abstract class TransformerModel<T> : IModel<T>, IModelState, IClippingPlanner
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private const string StateTag = "llmcore.transformer.state.v1";

    private readonly TransformerOptions _options;
    private readonly LayerChain<T> _body;
    private readonly List<Parameter<T>> _parameters = [];
    private readonly BackwardContext<T> _context = new();
    private readonly BlockProjections[] _blocks;
    private int[] _ids = [];
    private T[] _outputGradient = [];
    private T[] _weights = [];
    private PerExampleGradients<T>? _materialized;
    private Parameter<T>[] _materializedFor = [];

    private protected TransformerModel(TransformerOptions? options, string parameterName, Func<TransformerOptions, Random, Parameter<T>, SequenceLayer<T>[]> createHead)
    {
        ArgumentNullException.ThrowIfNull(options, parameterName);
        options.Validate(parameterName);
        _options = options;
        var c = options.EmbeddingSize;
        var random = new Random(options.Seed);
        var table = Normal("wte.weight", random, 0.02, options.VocabularySize, c);
        Embedding = new TokenEmbedding<T>(table);
        var positions = new PositionalEmbedding<T>(Normal("wpe.weight", random, 0.02, options.BlockSize, c));
        var layers = new List<SequenceLayer<T>> { positions, new DropoutLayer<T>(c, options.Dropout, 0) };
        _blocks = new BlockProjections[options.LayerCount];
        var residualStd = 0.02 / Math.Sqrt(2.0 * options.LayerCount);
        for (var l = 0; l < options.LayerCount; l++)
        {
            var prefix = "h." + l.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".";
            var qkv = Linear(prefix + "attn.c_attn", random, 0.02, c, 3 * c, options.Bias);
            var attentionOutput = Linear(prefix + "attn.c_proj", random, residualStd, c, c, options.Bias);
            var up = Linear(prefix + "mlp.c_fc", random, 0.02, c, 4 * c, options.Bias);
            var down = Linear(prefix + "mlp.c_proj", random, residualStd, 4 * c, c, options.Bias);
            _blocks[l] = new BlockProjections(qkv, attentionOutput, up, down);
            var attention = new LayerChain<T>(qkv, new AttentionCore<T>(c, options.HeadCount, options.Dropout, 1 + (3 * l)), attentionOutput);
            var mlp = new LayerChain<T>(up, new GeluTanhLayer<T>(4 * c), down);
            layers.Add(new ResidualLayer<T>(new LayerChain<T>(Norm(prefix + "ln_1", options), attention, new DropoutLayer<T>(c, options.Dropout, 2 + (3 * l)))));
            layers.Add(new ResidualLayer<T>(new LayerChain<T>(Norm(prefix + "ln_2", options), mlp, new DropoutLayer<T>(c, options.Dropout, 3 + (3 * l)))));
        }

        FinalNorm = Norm("ln_f", options);
        layers.Add(FinalNorm);
        var head = createHead(options, random, table);
        HeadLayers = head;
        layers.AddRange(head);
        _body = new LayerChain<T>([.. layers]);
        RefreshParameters();
    }

    /// <summary>Gets the number of token ids per example (the block size).</summary>
    public int InputSize => _options.BlockSize;

    /// <summary>Gets the number of output values per example.</summary>
    public abstract int OutputSize { get; }

    /// <summary>Gets every parameter (trainable and frozen) in a fixed order, the tied embedding once; it grows when <see cref="EnableLora"/> adds adapters.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <summary>Gets the total number of parameter values.</summary>
    public long ParameterCount
    {
        get
        {
            long count = 0;
            foreach (var parameter in _parameters)
            {
                count += parameter.Length;
            }

            return count;
        }
    }

    /// <summary>Gets the number of trainable parameter values (those with <see cref="Parameter{T}.RequiresGrad"/>).</summary>
    public long TrainableParameterCount
    {
        get
        {
            long count = 0;
            foreach (var parameter in _parameters)
            {
                if (parameter.RequiresGrad)
                {
                    count += parameter.Length;
                }
            }

            return count;
        }
    }

    /// <summary>Gets the number of training forward passes run so far: the counter that, with the seed, fixes the dropout masks.</summary>
    public long TrainingForwardCount { get; private set; }

    /// <summary>Gets the LoRA configuration, or <see langword="null"/> when no adapter is attached.</summary>
    public LoraOptions? Lora { get; private set; }

    /// <summary>Gets free-form text saved with the model file (for example the tokenizer a CLI used).</summary>
    public IDictionary<string, string> Metadata { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    internal TransformerOptions TrunkOptions => _options;

    internal TokenEmbedding<T> Embedding { get; }

    internal NormalizationLayer<T> FinalNorm { get; }

    internal SequenceLayer<T>[] HeadLayers { get; }

    internal LayerChain<T> Body => _body;

    /// <summary>Gets the dense layer the model's output comes from.</summary>
    private protected abstract LinearLayer<T> HeadProjection { get; }

    /// <summary>Gets a value indicating whether the head's weight is the token embedding.</summary>
    private protected virtual bool Tied => false;

    /// <inheritdoc />
    public void Predict(ReadOnlySpan<T> input, Span<T> output, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        CheckInput(input, batchSize);
        if (output.Length != batchSize * OutputSize)
        {
            throw new ArgumentException($"Expected {batchSize}×{OutputSize} output values; got {output.Length}.", nameof(output));
        }

        if (batchSize == 0)
        {
            return;
        }

        Forward(input, batchSize, training: false);
        _body.Output.AsSpan(0, output.Length).CopyTo(output);
    }

    /// <inheritdoc />
    public double ComputeGradients(ReadOnlySpan<T> input, ReadOnlySpan<T> targets, int batchSize, ILoss<T> loss, T scale, PerExampleGradients<T>? perExample = null)
    {
        var value = ForwardAndLoss(input, targets, batchSize, loss);
        if (perExample is null)
        {
            _context.BeginBatch(batchSize, scale);
        }
        else
        {
            perExample.Reset(batchSize);
            _context.BeginPerExample(batchSize, scale, perExample, accumulateBatch: true);
        }

        Backward();
        return value;
    }

    /// <inheritdoc />
    public double ComputeWeightedGradients(ReadOnlySpan<T> input, ReadOnlySpan<T> targets, int batchSize, ILoss<T> loss, IExampleWeighting<T> weighting, Span<T> norms, ClippingMode mode = ClippingMode.Automatic)
    {
        ClippingGuards.WeightedCall(weighting, batchSize, norms.Length, mode);

        var value = ForwardAndLoss(input, targets, batchSize, loss);
        if (_weights.Length < batchSize)
        {
            _weights = new T[batchSize];
        }

        var exampleNorms = norms[..batchSize];
        var weights = _weights.AsSpan(0, batchSize);
        if (mode == ClippingMode.Materialized)
        {
            var buffer = MaterializedBuffer(batchSize);
            buffer.Reset(batchSize);
            _context.BeginPerExample(batchSize, T.Zero, buffer, accumulateBatch: false);
            Backward();
            buffer.ComputeNorms(exampleNorms, trainableOnly: true);
            weighting.ComputeWeights(exampleNorms, weights);
            buffer.AddWeighted(weights, trainableOnly: true);
            return value;
        }

        _context.BeginNorms(batchSize, mode);
        Backward();
        var head = HeadProjection;
        var tiedTrainable = Tied && Embedding.Table.RequiresGrad;
        if (tiedTrainable)
        {
            var c = _options.EmbeddingSize;
            var ghost = DenseKernels.UseGhost(mode, head.Length, c, Embedding.Vocabulary);
            Embedding.AddTiedSquaredNorms(head.Input.AsSpan(0, head.Batch * head.Length * c), _outputGradient.AsSpan(0, batchSize * OutputSize), ghost, _context);
        }

        var squared = _context.SquaredNorms;
        for (var i = 0; i < batchSize; i++)
        {
            exampleNorms[i] = T.CreateTruncating(Math.Sqrt(squared[i]));
        }

        weighting.ComputeWeights(exampleNorms, weights);
        _body.ApplyWeights(weights, _context);
        Embedding.ApplyWeights(weights);
        if (tiedTrainable)
        {
            var c = _options.EmbeddingSize;
            DenseKernels.AddWeighted<T>(weights, head.Input, _outputGradient, batchSize, head.Length, c, Embedding.Vocabulary, T.One, Embedding.Table.Gradient, default, _context);
        }

        return value;
    }

    /// <inheritdoc />
    public PerExampleGradients<T> CreatePerExampleGradients(int capacity) => new(TrainableParameters(), capacity);

    /// <inheritdoc />
    public void ZeroGrad()
    {
        foreach (var parameter in _parameters)
        {
            parameter.ZeroGrad();
        }
    }

    /// <inheritdoc />
    public ClippingPlan PlanClipping(ClippingMode mode)
    {
        ClippingGuards.Mode(mode);

        var entries = new List<ParameterClipping>();
        if (mode == ClippingMode.Materialized)
        {
            foreach (var parameter in TrainableParameters())
            {
                entries.Add(new ParameterClipping(parameter.Name, PerExampleNormMethod.Materialized));
            }

            return new ClippingPlan(entries);
        }

        if (Tied && Embedding.Table.RequiresGrad)
        {
            var ghost = DenseKernels.UseGhost(mode, _options.BlockSize, _options.EmbeddingSize, _options.VocabularySize);
            entries.Add(new ParameterClipping(Embedding.Table.Name, ghost ? PerExampleNormMethod.Ghost : PerExampleNormMethod.Materialized));
        }
        else
        {
            Embedding.DescribeNorms(mode, entries);
        }

        _body.DescribeNorms(mode, _options.BlockSize, entries);
        return new ClippingPlan(entries);
    }

    /// <summary>
    /// Attaches LoRA adapters to the chosen projections and freezes every other parameter (keeping the head
    /// trainable when <see cref="LoraOptions.TrainHead"/> is set). <see cref="Parameters"/> then also lists the
    /// adapters' <c>lora_A</c> and <c>lora_B</c>; create the optimizer afterwards.
    /// </summary>
    /// <param name="options">Rank, α, targets, head and seed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="InvalidOperationException">Adapters are already attached.</exception>
    public void EnableLora(LoraOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(nameof(options));
        if (Lora is not null)
        {
            throw new InvalidOperationException("LoRA adapters are already attached to this model.");
        }

        var copy = options.Clone();
        var random = new Random(copy.Seed);
        foreach (var layer in LoraLayers(copy.Targets))
        {
            layer.AttachLora(copy.Rank, copy.Alpha, random);
        }

        FinishLora(copy);
    }

    /// <summary>Freezes every parameter whose name matches a wildcard pattern (<c>*</c> any run of characters, <c>?</c> one), e.g. <c>h.*.attn.*</c>.</summary>
    /// <param name="pattern">The pattern, matched against the whole name.</param>
    /// <returns>The number of parameters matched.</returns>
    /// <exception cref="ArgumentException">The pattern is empty or matches no parameter.</exception>
    public int Freeze(string pattern) => SetTrainable(pattern, false);

    /// <summary>Makes every parameter whose name matches a wildcard pattern trainable again (see <see cref="Freeze"/>).</summary>
    /// <param name="pattern">The pattern, matched against the whole name.</param>
    /// <returns>The number of parameters matched.</returns>
    /// <exception cref="ArgumentException">The pattern is empty or matches no parameter.</exception>
    public int Unfreeze(string pattern) => SetTrainable(pattern, true);

    /// <summary>
    /// Writes the model file: a version tag, the options (and LoRA configuration), <see cref="Metadata"/>, the
    /// dropout counter, then every parameter's name, trainable flag and values. <see cref="ModelFactory.LoadTransformer{T}(Stream)"/>
    /// rebuilds the model from the file alone.
    /// </summary>
    /// <param name="destination">A writable stream.</param>
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    public void Save(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        TransformerModelFile.Write(this, destination);
    }

    /// <summary>Writes the model file to a path, through a temporary file so that nothing half-written is left behind.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var temporary = full + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                Save(stream);
            }

            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <inheritdoc />
    public void SaveState(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write(StateTag);
        writer.Write(TrainingForwardCount);
    }

    /// <inheritdoc />
    public void LoadState(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            if (reader.ReadString() != StateTag)
            {
                throw new InvalidDataException("The data is not the state of a transformer model.");
            }

            var counter = reader.ReadInt64();
            if (counter < 0)
            {
                throw new InvalidDataException($"The training-forward counter must be ≥ 0; got {counter}.");
            }

            TrainingForwardCount = counter;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The transformer state ends early.", e);
        }
    }

    /// <summary>Runs the forward pass over ids already checked, at any length up to the block size.</summary>
    internal void Forward(ReadOnlySpan<int> ids, int batch, int length, bool training)
    {
        OnTokens(ids, batch, length);
        var pass = training ? new ForwardPass(true, unchecked((ulong)_options.Seed), TrainingForwardCount++) : ForwardPass.Inference;
        Embedding.Forward(ids, batch, length);
        _body.Forward(Embedding.Output, batch, length, pass);
    }

    /// <summary>Gets the output of the last forward pass.</summary>
    internal ReadOnlySpan<T> LastOutput(int length) => _body.Output.AsSpan(0, length);

    /// <summary>Sets the counter (loading a model file).</summary>
    internal void SetTrainingForwardCount(long value) => TrainingForwardCount = value;

    /// <summary>Attaches adapters from a model file and records the configuration.</summary>
    internal void RestoreLora(LoraOptions options)
    {
        var random = new Random(options.Seed);
        foreach (var layer in LoraLayers(options.Targets))
        {
            layer.AttachLora(options.Rank, options.Alpha, random);
        }

        FinishLora(options);
    }

    /// <summary>Lets a head see the token ids before the forward pass (pooling over non-padding positions).</summary>
    private protected virtual void OnTokens(ReadOnlySpan<int> ids, int batch, int length)
    {
    }

    /// <summary>Gets the head's parameters kept trainable by <see cref="LoraOptions.TrainHead"/>.</summary>
    private protected abstract IEnumerable<Parameter<T>> HeadParameters();

    private protected static Parameter<T> Normal(string name, Random random, double standardDeviation, params int[] shape)
    {
        var values = new T[shape[0] * shape[1]];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateTruncating(MathNet.Numerics.Distributions.Normal.Sample(random, 0, standardDeviation));
        }

        return new Parameter<T>(name, values, shape);
    }

    private protected static LinearLayer<T> Linear(string name, Random random, double standardDeviation, int inputs, int outputs, bool bias) =>
        new(name, Normal(name + ".weight", random, standardDeviation, outputs, inputs), bias ? Parameter<T>.Zeros(name + ".bias", outputs) : null);

    private static NormalizationLayer<T> Norm(string name, TransformerOptions options) =>
        new(name, options.EmbeddingSize, options.Normalization == NormalizationKind.RmsNorm, options.Bias, options.NormalizationEpsilon);

    private void FinishLora(LoraOptions options)
    {
        Lora = options;
        RefreshParameters();
        foreach (var parameter in _parameters)
        {
            parameter.RequiresGrad = parameter.Name.EndsWith(".lora_A", StringComparison.Ordinal) || parameter.Name.EndsWith(".lora_B", StringComparison.Ordinal);
        }

        if (options.TrainHead)
        {
            foreach (var parameter in HeadParameters())
            {
                parameter.RequiresGrad = true;
            }
        }
    }

    private List<LinearLayer<T>> LoraLayers(LoraTargets targets)
    {
        var layers = new List<LinearLayer<T>>();
        foreach (var block in _blocks)
        {
            if ((targets & LoraTargets.QueryKeyValue) != 0)
            {
                layers.Add(block.QueryKeyValue);
            }

            if ((targets & LoraTargets.AttentionOutput) != 0)
            {
                layers.Add(block.AttentionOutput);
            }

            if ((targets & LoraTargets.MlpUp) != 0)
            {
                layers.Add(block.MlpUp);
            }

            if ((targets & LoraTargets.MlpDown) != 0)
            {
                layers.Add(block.MlpDown);
            }
        }

        if ((targets & LoraTargets.Head) != 0)
        {
            layers.Add(HeadProjection);
        }

        return layers;
    }

    private void RefreshParameters()
    {
        _body.RefreshParameters();
        _parameters.Clear();
        var seen = new HashSet<Parameter<T>>(ReferenceEqualityComparer.Instance);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var parameter in (IEnumerable<Parameter<T>>)[Embedding.Table, .. _body.Parameters])
        {
            if (seen.Add(parameter))
            {
                if (!names.Add(parameter.Name))
                {
                    throw new InvalidOperationException($"Two parameters are named '{parameter.Name}'.");
                }

                _parameters.Add(parameter);
            }
        }
    }

    private int SetTrainable(string pattern, bool trainable)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var matched = 0;
        foreach (var parameter in _parameters)
        {
            if (Wildcard.IsMatch(parameter.Name, pattern))
            {
                parameter.RequiresGrad = trainable;
                matched++;
            }
        }

        if (matched == 0)
        {
            throw new ArgumentException($"The pattern '{pattern}' matches no parameter name (names look like 'wte.weight', 'h.0.attn.c_attn.weight', 'ln_f.bias').", nameof(pattern));
        }

        return matched;
    }

    private List<Parameter<T>> TrainableParameters()
    {
        var list = new List<Parameter<T>>();
        foreach (var parameter in _parameters)
        {
            if (parameter.RequiresGrad)
            {
                list.Add(parameter);
            }
        }

        return list;
    }

    private PerExampleGradients<T> MaterializedBuffer(int batchSize)
    {
        var same = _materialized is not null && _materialized.Capacity >= batchSize;
        if (same)
        {
            var count = 0;
            foreach (var parameter in _parameters)
            {
                if (parameter.RequiresGrad)
                {
                    if (count >= _materializedFor.Length || !ReferenceEquals(_materializedFor[count], parameter))
                    {
                        same = false;
                        break;
                    }

                    count++;
                }
            }

            same &= count == _materializedFor.Length;
        }

        if (!same)
        {
            var trainable = TrainableParameters();
            _materializedFor = [.. trainable];
            _materialized = new PerExampleGradients<T>(trainable, Math.Max(batchSize, _materialized?.Capacity ?? 0));
        }

        return _materialized!;
    }

    private double ForwardAndLoss(ReadOnlySpan<T> input, ReadOnlySpan<T> targets, int batchSize, ILoss<T> loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        CheckInput(input, batchSize);
        var targetSize = loss.TargetSize(OutputSize);
        if (targets.Length != batchSize * targetSize)
        {
            throw new ArgumentException($"Expected {batchSize}×{targetSize} target values for {loss.Name}; got {targets.Length}.", nameof(targets));
        }

        Forward(input, batchSize, training: true);
        var size = batchSize * OutputSize;
        if (_outputGradient.Length < size)
        {
            _outputGradient = new T[size];
        }

        return loss.Compute(_body.Output.AsSpan(0, size), targets, batchSize, _outputGradient.AsSpan(0, size));
    }

    private void Forward(ReadOnlySpan<T> input, int batchSize, bool training)
    {
        var count = batchSize * InputSize;
        if (_ids.Length < count)
        {
            _ids = new int[count];
        }

        TokenEmbedding<T>.ConvertIds(input, _options.VocabularySize, _ids.AsSpan(0, count), nameof(input));
        Forward(_ids.AsSpan(0, count), batchSize, InputSize, training);
    }

    private void Backward()
    {
        var embedding = Embedding.Table.RequiresGrad;
        _body.PlanBackward(needInputGradient: embedding);
        _body.Backward(_outputGradient, _context);
        if (embedding)
        {
            Embedding.Backward(_body.InputGradient, _context);
        }
    }

    private void CheckInput(ReadOnlySpan<T> input, int batchSize)
    {
        if (input.Length != batchSize * InputSize)
        {
            throw new ArgumentException($"Expected {batchSize}×{InputSize} token ids (batch × block size); got {input.Length}.", nameof(input));
        }
    }

    private sealed record BlockProjections(LinearLayer<T> QueryKeyValue, LinearLayer<T> AttentionOutput, LinearLayer<T> MlpUp, LinearLayer<T> MlpDown);
}

/// <summary>Whole-string wildcard matching with <c>*</c> (any run, possibly empty) and <c>?</c> (one character).</summary>
internal static class Wildcard
{
    public static bool IsMatch(string text, string pattern)
    {
        int t = 0, p = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                t++;
                p++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}

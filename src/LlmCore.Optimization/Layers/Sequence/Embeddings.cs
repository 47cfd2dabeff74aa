using System.Numerics;
using System.Numerics.Tensors;
using LlmCore.Optimization.Internal;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Layers.Sequence;

/// <summary>
/// Token embedding: row xₜ of the table E (V×C) at every position (<c>torch.nn.Embedding</c>). Token ids come as
/// values of T and must be integers in [0, V).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// The per-example gradient of E is sparse: row v receives Σ_{t: xₜ = v} gₜ. Its squared norm
/// Σ_{t,s} 1[xₜ = xₛ] gₜ·gₛ (the research note's formula) is computed as Σ_v ‖Σ_{t: xₜ=v} gₜ‖² by grouping the
/// positions of each token, O(T·C) per sequence, without forming a V×C block (reported as a ghost norm). When the
/// table is shared with the output projection (<see cref="Tied"/>), the model combines both uses.
/// </para>
/// <para>Not thread-safe.</para>
/// </remarks>
internal sealed class TokenEmbedding<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private int[] _tokens = [];
    private T[] _output = [];
    private T[] _outputGradient = [];
    private int[] _slot = [];
    private T[] _groups = [];

    /// <summary>Initializes a new instance of the <see cref="TokenEmbedding{T}"/> class.</summary>
    /// <param name="table">E, shape [V, C].</param>
    public TokenEmbedding(Parameter<T> table)
    {
        ArgumentNullException.ThrowIfNull(table);
        Table = table;
        Vocabulary = table.Shape[0];
        Width = table.Shape[1];
    }

    /// <summary>Gets E.</summary>
    public Parameter<T> Table { get; }

    /// <summary>Gets V.</summary>
    public int Vocabulary { get; }

    /// <summary>Gets C.</summary>
    public int Width { get; }

    /// <summary>Gets or sets a value indicating whether E is also the output projection (the model forms its norms).</summary>
    public bool Tied { get; set; }

    /// <summary>Gets the sequences of the last forward pass.</summary>
    public int Batch { get; private set; }

    /// <summary>Gets the positions per sequence of the last forward pass.</summary>
    public int Length { get; private set; }

    /// <summary>Gets the token ids of the last forward pass.</summary>
    public ReadOnlySpan<int> Tokens => _tokens.AsSpan(0, Batch * Length);

    /// <summary>Gets the output of the last forward pass, B·T·C values.</summary>
    public T[] Output => _output;

    /// <summary>Gets the output gradient of the last backward pass.</summary>
    public ReadOnlySpan<T> OutputGradient => _outputGradient.AsSpan(0, Batch * Length * Width);

    /// <summary>Converts and checks token ids given as values of T.</summary>
    /// <param name="ids">B·T ids.</param>
    /// <param name="vocabulary">V.</param>
    /// <param name="destination">Receives the ids.</param>
    /// <param name="parameterName">The name reported when an id is invalid.</param>
    public static void ConvertIds(ReadOnlySpan<T> ids, int vocabulary, Span<int> destination, string parameterName)
    {
        for (var i = 0; i < ids.Length; i++)
        {
            var value = double.CreateTruncating(ids[i]);
            if (!(value >= 0 && value < vocabulary && value == Math.Floor(value)))
            {
                throw new ArgumentException($"Token id at index {i} must be an integer in [0, {vocabulary - 1}]; got {value}.", parameterName);
            }

            destination[i] = (int)value;
        }
    }

    /// <summary>Looks up the rows of a batch of token ids.</summary>
    /// <param name="tokens">B·T ids in [0, V) (checked by the caller).</param>
    /// <param name="batch">B.</param>
    /// <param name="length">T.</param>
    public void Forward(ReadOnlySpan<int> tokens, int batch, int length)
    {
        Batch = batch;
        Length = length;
        var rows = batch * length;
        if (_tokens.Length < rows)
        {
            _tokens = new int[rows];
        }

        tokens[..rows].CopyTo(_tokens);
        var c = Width;
        if (_output.Length < rows * c)
        {
            _output = new T[rows * c];
        }

        ReadOnlySpan<T> table = Table.Values;
        for (var r = 0; r < rows; r++)
        {
            table.Slice(_tokens[r] * c, c).CopyTo(_output.AsSpan(r * c, c));
        }
    }

    /// <summary>Back-propagates into E (nothing when E is frozen).</summary>
    /// <param name="outputGradient">B·T·C values, kept until <see cref="ApplyWeights"/>.</param>
    /// <param name="context">The pass.</param>
    public void Backward(T[] outputGradient, BackwardContext<T> context)
    {
        _outputGradient = outputGradient;
        if (!Table.RequiresGrad)
        {
            return;
        }

        var c = Width;
        var length = Length;
        if (context.AddsBatchGradient)
        {
            var gradient = Table.Gradient;
            for (var r = 0; r < Batch * length; r++)
            {
                var row = gradient.Slice(_tokens[r] * c, c);
                TensorPrimitives.MultiplyAdd(outputGradient.AsSpan(r * c, c), context.Scale, row, row);
            }
        }

        if (context.Pass == GradientPass.PerExample)
        {
            var block = context.Block(Table);
            var size = Table.Length;
            for (var i = 0; i < Batch; i++)
            {
                var example = block.Slice(i * size, size);
                if (!Tied)
                {
                    example.Clear();
                }

                for (var t = 0; t < length; t++)
                {
                    var r = (i * length) + t;
                    var row = example.Slice(_tokens[r] * c, c);
                    TensorPrimitives.Add(outputGradient.AsSpan(r * c, c), row, row);
                }
            }
        }
        else if (context.Pass == GradientPass.Norms && !Tied)
        {
            var norms = context.SquaredNorms;
            for (var i = 0; i < Batch; i++)
            {
                norms[i] += SparseSquaredNorm(i, outputGradient);
            }
        }
    }

    /// <summary>‖Σₜ e_{xₜ} gₜᵀ‖² of sequence <paramref name="example"/>: Σ_v ‖Σ_{t: xₜ=v} gₜ‖².</summary>
    public double SparseSquaredNorm(int example, ReadOnlySpan<T> gradient)
    {
        var c = Width;
        var length = Length;
        if (_slot.Length < Vocabulary)
        {
            _slot = new int[Vocabulary];
            _slot.AsSpan().Fill(-1);
        }

        if (_groups.Length < length * c)
        {
            _groups = new T[length * c];
        }

        var used = 0;
        for (var t = 0; t < length; t++)
        {
            var r = (example * length) + t;
            var token = _tokens[r];
            var g = gradient.Slice(r * c, c);
            if (_slot[token] < 0)
            {
                _slot[token] = used;
                g.CopyTo(_groups.AsSpan(used * c, c));
                used++;
            }
            else
            {
                var group = _groups.AsSpan(_slot[token] * c, c);
                TensorPrimitives.Add(g, group, group);
            }
        }

        for (var t = 0; t < length; t++)
        {
            _slot[_tokens[(example * length) + t]] = -1;
        }

        return double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(_groups.AsSpan(0, used * c)));
    }

    /// <summary>Adds Σᵢ wᵢ Σₜ e_{xᵢₜ} gᵢₜᵀ to E's gradient (book-keeping).</summary>
    public void ApplyWeights(ReadOnlySpan<T> weights)
    {
        if (!Table.RequiresGrad)
        {
            return;
        }

        var c = Width;
        var gradient = Table.Gradient;
        for (var i = 0; i < Batch; i++)
        {
            for (var t = 0; t < Length; t++)
            {
                var r = (i * Length) + t;
                var row = gradient.Slice(_tokens[r] * c, c);
                TensorPrimitives.MultiplyAdd(_outputGradient.AsSpan(r * c, c), weights[i], row, row);
            }
        }
    }

    /// <summary>Adds the plan entry of E (when trainable and not tied).</summary>
    public void DescribeNorms(ClippingMode mode, List<ParameterClipping> destination)
    {
        if (Table.RequiresGrad && !Tied)
        {
            destination.Add(new ParameterClipping(Table.Name, mode == ClippingMode.Materialized ? PerExampleNormMethod.Materialized : PerExampleNormMethod.Ghost));
        }
    }

    /// <summary>
    /// The tied table's per-example squared norm, ‖Eᵢ + Dᵢ‖² with Eᵢ this layer's sparse part and Dᵢ = Gᵢᵀ Hᵢ the
    /// output projection's part (H its input, T×C; G the logits' gradient, T×V): by ghost norms with the exact cross
    /// term ‖Eᵢ‖² + ‖Dᵢ‖² + 2⟨Eᵢ, Dᵢ⟩, ⟨Eᵢ, Dᵢ⟩ = Σ_{s,t} (gₛ·hₜ)·G[t, xₛ], or by materialising Eᵢ + Dᵢ (V×C scratch).
    /// </summary>
    public void AddTiedSquaredNorms(ReadOnlySpan<T> headInput, ReadOnlySpan<T> logitsGradient, bool ghost, BackwardContext<T> context)
    {
        var c = Width;
        var v = Vocabulary;
        var length = Length;
        var norms = context.SquaredNorms;
        ReadOnlySpan<T> embeddingGradient = _outputGradient;
        for (var i = 0; i < Batch; i++)
        {
            var h = headInput.Slice(i * length * c, length * c);
            var g = logitsGradient.Slice(i * length * v, length * v);
            var e = embeddingGradient.Slice(i * length * c, length * c);
            if (ghost)
            {
                var scratch = context.Scratch(2 * length * length);
                var head = DenseKernels.GhostSquaredNorm(h, g, length, c, v, scratch);
                var sparse = SparseSquaredNorm(i, embeddingGradient);

                // M = E·Hᵀ (T×T), cross = Σ_{s,t} M[s,t]·G[t, x_s].
                var m = scratch[..(length * length)];
                Gemm.Multiply(false, true, length, length, c, T.One, e, c, h, c, T.Zero, m, length);
                var cross = 0.0;
                for (var s = 0; s < length; s++)
                {
                    var token = _tokens[(i * length) + s];
                    var ms = m.Slice(s * length, length);
                    var sum = T.Zero;
                    for (var t = 0; t < length; t++)
                    {
                        sum += ms[t] * g[(t * v) + token];
                    }

                    cross += double.CreateTruncating(sum);
                }

                norms[i] += head + sparse + (2 * cross);
            }
            else
            {
                var block = context.Scratch(v * c);
                Gemm.Multiply(true, false, v, c, length, T.One, g, v, h, c, T.Zero, block, c);
                for (var s = 0; s < length; s++)
                {
                    var row = block.Slice(_tokens[(i * length) + s] * c, c);
                    TensorPrimitives.Add(e.Slice(s * c, c), row, row);
                }

                norms[i] += double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(block));
            }
        }
    }
}

/// <summary>A learned positional embedding: y = x + P[t] at position t (GPT-2's <c>wpe</c>), P of shape [block, C].</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// Positions within a sequence are distinct, so a sequence's gradient of P is its output gradient laid out by row and
/// its squared norm is Σₜ ‖gₜ‖², read from the stored gradient without forming a per-example block (a ghost norm).
/// The input gradient is the output gradient itself. Not thread-safe.
/// </remarks>
internal sealed class PositionalEmbedding<T> : SequenceLayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] _parameters;

    /// <summary>Initializes a new instance of the <see cref="PositionalEmbedding{T}"/> class.</summary>
    /// <param name="table">P, shape [block, C].</param>
    public PositionalEmbedding(Parameter<T> table)
        : base(table.Shape[1], table.Shape[1])
    {
        Table = table;
        BlockSize = table.Shape[0];
        _parameters = [table];
    }

    /// <summary>Gets P.</summary>
    public Parameter<T> Table { get; }

    /// <summary>Gets the largest sequence length.</summary>
    public int BlockSize { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <inheritdoc />
    protected override void ForwardCore(T[] input, in ForwardPass pass)
    {
        if (Length > BlockSize)
        {
            throw new ArgumentException($"The sequence length {Length} exceeds the block size {BlockSize}.", nameof(input));
        }

        var span = Length * InputWidth;
        var y = EnsureOutput();
        ReadOnlySpan<T> table = Table.Values[..span];
        for (var i = 0; i < Batch; i++)
        {
            TensorPrimitives.Add(input.AsSpan(i * span, span), table, y.AsSpan(i * span, span));
        }
    }

    /// <inheritdoc />
    protected override void BackwardCore(T[] outputGradient, BackwardContext<T> context)
    {
        AliasInputGradient(outputGradient);
        if (!Table.RequiresGrad)
        {
            return;
        }

        var span = Length * InputWidth;
        if (context.AddsBatchGradient)
        {
            var gradient = Table.Gradient[..span];
            for (var i = 0; i < Batch; i++)
            {
                TensorPrimitives.MultiplyAdd(outputGradient.AsSpan(i * span, span), context.Scale, gradient, gradient);
            }
        }

        if (context.Pass == GradientPass.PerExample)
        {
            var block = context.Block(Table);
            for (var i = 0; i < Batch; i++)
            {
                var example = block.Slice(i * Table.Length, Table.Length);
                outputGradient.AsSpan(i * span, span).CopyTo(example);
                example[span..].Clear();
            }
        }
        else if (context.Pass == GradientPass.Norms)
        {
            var norms = context.SquaredNorms;
            for (var i = 0; i < Batch; i++)
            {
                norms[i] += double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(outputGradient.AsSpan(i * span, span)));
            }
        }
    }

    /// <inheritdoc />
    public override void ApplyWeights(ReadOnlySpan<T> weights, BackwardContext<T> context)
    {
        if (!Table.RequiresGrad)
        {
            return;
        }

        var span = Length * InputWidth;
        var gradient = Table.Gradient[..span];
        for (var i = 0; i < Batch; i++)
        {
            TensorPrimitives.MultiplyAdd(LastOutputGradient.AsSpan(i * span, span), weights[i], gradient, gradient);
        }
    }

    /// <inheritdoc />
    public override void DescribeNorms(ClippingMode mode, int length, List<ParameterClipping> destination)
    {
        if (Table.RequiresGrad)
        {
            destination.Add(new ParameterClipping(Table.Name, mode == ClippingMode.Materialized ? PerExampleNormMethod.Materialized : PerExampleNormMethod.Ghost));
        }
    }
}

/// <summary>
/// Pools each sequence to one position for a classification head: the last position, or the mean over positions;
/// positions holding the padding token are skipped (right padding is expected, so under causal attention the
/// pooled positions never see a padding token).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>Not thread-safe.</remarks>
internal sealed class PoolingLayer<T> : SequenceLayer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private int[] _count = [];

    /// <summary>Initializes a new instance of the <see cref="PoolingLayer{T}"/> class.</summary>
    /// <param name="width">C.</param>
    /// <param name="mean">Mean pooling instead of the last position.</param>
    public PoolingLayer(int width, bool mean)
        : base(width, width)
    {
        Mean = mean;
    }

    /// <summary>Gets a value indicating whether positions are averaged (else the last one is taken).</summary>
    public bool Mean { get; }

    /// <inheritdoc />
    public override IReadOnlyList<Parameter<T>> Parameters => [];

    /// <summary>Sets, per sequence, the number of leading positions that are not padding (call before the forward pass).</summary>
    /// <param name="counts">One count in [1, T] per sequence.</param>
    public void SetValidLengths(ReadOnlySpan<int> counts)
    {
        if (_count.Length < counts.Length)
        {
            _count = new int[counts.Length];
        }

        counts.CopyTo(_count);
    }

    /// <inheritdoc />
    public override int OutputLengthFor(int length) => 1;

    /// <inheritdoc />
    protected override void ForwardCore(T[] input, in ForwardPass pass)
    {
        var c = InputWidth;
        var y = EnsureOutput();
        for (var i = 0; i < Batch; i++)
        {
            var n = _count[i];
            var target = y.AsSpan(i * c, c);
            if (Mean)
            {
                target.Clear();
                for (var t = 0; t < n; t++)
                {
                    TensorPrimitives.Add(input.AsSpan(((i * Length) + t) * c, c), target, target);
                }

                TensorPrimitives.Multiply(target, T.One / T.CreateTruncating(n), target);
            }
            else
            {
                input.AsSpan(((i * Length) + n - 1) * c, c).CopyTo(target);
            }
        }
    }

    /// <inheritdoc />
    protected override void BackwardCore(T[] outputGradient, BackwardContext<T> context)
    {
        var c = InputWidth;
        var dx = EnsureInputGradient();
        dx.AsSpan(0, Rows * c).Clear();
        for (var i = 0; i < Batch; i++)
        {
            var n = _count[i];
            var g = outputGradient.AsSpan(i * c, c);
            if (Mean)
            {
                var share = T.One / T.CreateTruncating(n);
                for (var t = 0; t < n; t++)
                {
                    TensorPrimitives.Multiply(g, share, dx.AsSpan(((i * Length) + t) * c, c));
                }
            }
            else
            {
                g.CopyTo(dx.AsSpan(((i * Length) + n - 1) * c, c));
            }
        }
    }
}

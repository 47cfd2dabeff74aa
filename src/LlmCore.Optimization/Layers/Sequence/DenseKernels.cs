using System.Numerics;
using System.Numerics.Tensors;
using LlmCore.Optimization.Internal;
using LlmCore.Optimization.Models;

namespace LlmCore.Optimization.Layers.Sequence;

/// <summary>
/// The arithmetic of a dense projection y = factor·x·Wᵀ + b (W of shape [p, d], torch.nn.Linear's layout) over
/// <c>rows</c> = B·T input rows, T consecutive rows per example: forward, input gradient, batch gradient,
/// per-example gradients, per-example squared norms (ghost or materialised) and the book-keeping weighted sum.
/// Every product goes through <see cref="Gemm"/>. Used by <see cref="Dense{T}"/> (T = 1) and by every
/// projection of the sequence layers.
/// </summary>
/// <remarks>
/// Ghost norm (Li, Tramèr, Liang, Hashimoto 2022): ‖Gᵢᵀ Xᵢ‖²_F = ⟨Xᵢ Xᵢᵀ, Gᵢ Gᵢᵀ⟩_F, O(T²(d + p)) instead of
/// O(T·d·p); for T = 1 it is ‖x‖²‖g‖². Book-keeping (Bu, Wang, Zha, Karypis 2023): Σᵢ wᵢ Gᵢᵀ Xᵢ = Gᵀ diag(w) X, one
/// product over the stored activations and output gradients.
/// </remarks>
internal static class DenseKernels
{
    /// <summary>Whether a dense weight of d inputs and p outputs at <paramref name="length"/> positions uses ghost norms under <paramref name="mode"/>.</summary>
    public static bool UseGhost(ClippingMode mode, int length, int inputs, int outputs) =>
        mode == ClippingMode.Ghost || (mode == ClippingMode.Automatic && 2L * length * length < (long)inputs * outputs);

    /// <summary>y = factor·x·Wᵀ (+ b), or y += factor·x·Wᵀ when <paramref name="accumulate"/>.</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, int rows, int d, int p, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, T factor, Span<T> y, bool accumulate)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (rows == 0)
        {
            return;
        }

        Gemm.Multiply(false, true, rows, p, d, factor, x, d, weight, d, accumulate ? T.One : T.Zero, y, p);
        if (!bias.IsEmpty)
        {
            for (var r = 0; r < rows; r++)
            {
                var row = y.Slice(r * p, p);
                TensorPrimitives.Add(row, bias, row);
            }
        }
    }

    /// <summary>dx = factor·g·W, or dx += factor·g·W when <paramref name="accumulate"/>.</summary>
    public static void InputGradient<T>(ReadOnlySpan<T> g, int rows, int d, int p, ReadOnlySpan<T> weight, T factor, Span<T> dx, bool accumulate)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (rows == 0)
        {
            return;
        }

        Gemm.Multiply(false, false, rows, d, p, factor, g, p, weight, d, accumulate ? T.One : T.Zero, dx, d);
    }

    /// <summary>Adds alpha·Gᵀ X to the weight's gradient and alpha·Σ rows of G to the bias's (each when given).</summary>
    public static void AddBatchGradient<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g, int rows, int d, int p, T alpha, Span<T> weightGradient, Span<T> biasGradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (rows == 0)
        {
            return;
        }

        if (!weightGradient.IsEmpty)
        {
            Gemm.Multiply(true, false, p, d, rows, alpha, g, p, x, d, T.One, weightGradient, d);
        }

        if (!biasGradient.IsEmpty)
        {
            AddColumnSums(g, rows, p, alpha, biasGradient);
        }
    }

    /// <summary>destination += alpha·Σ_r g[r, :].</summary>
    public static void AddColumnSums<T>(ReadOnlySpan<T> g, int rows, int p, T alpha, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (alpha == T.One)
        {
            for (var r = 0; r < rows; r++)
            {
                TensorPrimitives.Add(g.Slice(r * p, p), destination, destination);
            }
        }
        else
        {
            for (var r = 0; r < rows; r++)
            {
                TensorPrimitives.MultiplyAdd(g.Slice(r * p, p), alpha, destination, destination);
            }
        }
    }

    /// <summary>Writes each example's factor·Gᵢᵀ Xᵢ and factor·Σₜ gᵢₜ into the per-example blocks (each when not empty).</summary>
    public static void WritePerExample<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g, int batch, int length, int d, int p, T factor, Span<T> weightBlock, Span<T> biasBlock)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var i = 0; i < batch; i++)
        {
            var xi = x.Slice(i * length * d, length * d);
            var gi = g.Slice(i * length * p, length * p);
            if (!weightBlock.IsEmpty && length == 1)
            {
                // One position: the outer product gᵢxᵢᵀ, row by row.
                var block = weightBlock.Slice(i * p * d, p * d);
                for (var o = 0; o < p; o++)
                {
                    TensorPrimitives.Multiply(xi, factor * gi[o], block.Slice(o * d, d));
                }
            }
            else if (!weightBlock.IsEmpty)
            {
                Gemm.Multiply(true, false, p, d, length, factor, gi, p, xi, d, T.Zero, weightBlock.Slice(i * p * d, p * d), d);
            }

            if (!biasBlock.IsEmpty)
            {
                var row = biasBlock.Slice(i * p, p);
                row.Clear();
                AddColumnSums(gi, length, p, factor, row);
            }
        }
    }

    /// <summary>
    /// Adds factor²·(‖Gᵢᵀ Xᵢ‖² + ‖Σₜ gᵢₜ‖²) (the terms of the trainable parts) to each example's squared norm, the
    /// weight's by ghost norm or by a materialised per-example gradient in scratch memory, one example after another.
    /// </summary>
    public static void AddSquaredNorms<T>(
        ReadOnlySpan<T> x,
        ReadOnlySpan<T> g,
        int batch,
        int length,
        int d,
        int p,
        T factor,
        bool weight,
        bool bias,
        bool ghost,
        Span<double> squaredNorms,
        BackwardContext<T> context)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!weight && !bias)
        {
            return;
        }

        var f2 = double.CreateTruncating(factor) * double.CreateTruncating(factor);
        var scratch = context.Scratch(ExampleScratch(length, d, p, weight, bias, ghost));
        for (var i = 0; i < batch; i++)
        {
            squaredNorms[i] += f2 * ExampleSquaredNorm(x.Slice(i * length * d, length * d), g.Slice(i * length * p, length * p), length, d, p, weight, bias, ghost, scratch);
        }
    }

    /// <summary>
    /// <see cref="AddSquaredNorms{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, int, int, int, T, bool, bool, bool, Span{double}, BackwardContext{T})"/>
    /// with the examples spread across cores, each with its own scratch.
    /// </summary>
    public static void AddSquaredNorms<T>(T[] x, T[] g, int batch, int length, int d, int p, T factor, bool weight, bool bias, bool ghost, BackwardContext<T> context)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!weight && !bias)
        {
            return;
        }

        // Ghost norms need 2T² scratch values per example: every example gets its own and one fork-join covers the
        // batch. A materialised gradient needs p·d: rounds of one example per worker bound the scratch.
        var slot = ExampleScratch(length, d, p, weight, bias, ghost);
        var perRound = ghost || !weight ? batch : Math.Min(SequenceParallel.Workers, batch);
        var scratch = context.Buffer(ScratchSlot.Workers, perRound * slot);
        var values = context.ExampleValues(batch);
        for (var first = 0; first < batch; first += perRound)
        {
            SequenceParallel.For(Math.Min(perRound, batch - first), new NormWork<T>(x, g, length, d, p, weight, bias, ghost, scratch, slot, first, values));
        }

        var f2 = double.CreateTruncating(factor) * double.CreateTruncating(factor);
        var squaredNorms = context.SquaredNorms;
        for (var i = 0; i < batch; i++)
        {
            squaredNorms[i] += f2 * values[i];
        }
    }

    /// <summary>One example's ‖GᵢᵀXᵢ‖² (when <paramref name="weight"/>) + ‖Σₜ gᵢₜ‖² (when <paramref name="bias"/>).</summary>
    public static double ExampleSquaredNorm<T>(ReadOnlySpan<T> xi, ReadOnlySpan<T> gi, int length, int d, int p, bool weight, bool bias, bool ghost, Span<T> scratch)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var sum = 0.0;
        if (weight)
        {
            if (ghost)
            {
                sum += GhostSquaredNorm(xi, gi, length, d, p, scratch);
            }
            else
            {
                var block = scratch[..(p * d)];
                Gemm.Multiply(true, false, p, d, length, T.One, gi, p, xi, d, T.Zero, block, d);
                sum += double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(block));
            }
        }

        if (bias)
        {
            var row = scratch[..p];
            row.Clear();
            AddColumnSums(gi, length, p, T.One, row);
            sum += double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(row));
        }

        return sum;
    }

    private static int ExampleScratch(int length, int d, int p, bool weight, bool bias, bool ghost) =>
        Math.Max(bias ? p : 0, weight ? (ghost ? 2 * length * length : p * d) : 0);

    /// <summary>‖Gᵀ X‖²_F for one example's X (T×d) and G (T×p): ⟨X Xᵀ, G Gᵀ⟩_F, or ‖x‖²‖g‖² at one position.</summary>
    public static double GhostSquaredNorm<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g, int length, int d, int p, Span<T> scratch)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (length == 1)
        {
            return double.CreateTruncating(TensorPrimitives.SumOfSquares(x[..d])) * double.CreateTruncating(TensorPrimitives.SumOfSquares(g[..p]));
        }

        var area = length * length;
        var xx = scratch[..area];
        var gg = scratch.Slice(area, area);
        Gemm.Multiply(false, true, length, length, d, T.One, x, d, x, d, T.Zero, xx, length);
        Gemm.Multiply(false, true, length, length, p, T.One, g, p, g, p, T.Zero, gg, length);
        return double.CreateTruncating(TensorPrimitives.Dot<T>(xx, gg));
    }

    /// <summary>Adds factor·Gᵀ diag(w) X to the weight's gradient and factor·Σᵢ wᵢ Σₜ gᵢₜ to the bias's (book-keeping).</summary>
    public static void AddWeighted<T>(
        ReadOnlySpan<T> weights,
        ReadOnlySpan<T> x,
        ReadOnlySpan<T> g,
        int batch,
        int length,
        int d,
        int p,
        T factor,
        Span<T> weightGradient,
        Span<T> biasGradient,
        BackwardContext<T> context)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var rows = batch * length;
        if (rows == 0)
        {
            return;
        }

        if (!weightGradient.IsEmpty)
        {
            // Gᵀ·diag(w)·X with the smaller of G and X scaled row by row into scratch, then the plain product: measured
            // faster here than the kernel's scaled packing of a transposed A (about 1.7× the plain product's time).
            if (p <= d)
            {
                var scaled = context.Buffer(ScratchSlot.Scaled, rows * p).AsSpan(0, rows * p);
                ScaleRows(g, weights, batch, length * p, scaled);
                Gemm.Multiply(true, false, p, d, rows, factor, scaled, p, x, d, T.One, weightGradient, d);
            }
            else
            {
                var scaled = context.Buffer(ScratchSlot.Scaled, rows * d).AsSpan(0, rows * d);
                ScaleRows(x, weights, batch, length * d, scaled);
                Gemm.Multiply(true, false, p, d, rows, factor, g, p, scaled, d, T.One, weightGradient, d);
            }
        }

        if (!biasGradient.IsEmpty)
        {
            for (var i = 0; i < batch; i++)
            {
                AddColumnSums(g.Slice(i * length * p, length * p), length, p, factor * weights[i], biasGradient);
            }
        }
    }

    /// <summary>
    /// Runs a backward pass's parameter part for y = factor·x·Wᵀ + b: the batch gradient, per-example gradients, or
    /// per-example squared norms, for whichever of <paramref name="weight"/> and <paramref name="bias"/> is trainable.
    /// </summary>
    public static void Backward<T>(BackwardContext<T> context, T[] x, T[] g, int batch, int length, int d, int p, T factor, Parameter<T>? weight, Parameter<T>? bias)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var w = IsTrainable(weight);
        var b = IsTrainable(bias);
        if (!w && !b)
        {
            return;
        }

        var rows = batch * length;
        if (context.AddsBatchGradient)
        {
            AddBatchGradient<T>(x.AsSpan(0, rows * d), g.AsSpan(0, rows * p), rows, d, p, context.Scale * factor, GradientOf(weight), GradientOf(bias));
        }

        switch (context.Pass)
        {
            case GradientPass.PerExample:
                WritePerExample<T>(x.AsSpan(0, rows * d), g.AsSpan(0, rows * p), batch, length, d, p, factor, w ? context.Block(weight!) : default, b ? context.Block(bias!) : default);
                break;
            case GradientPass.Norms:
                AddSquaredNorms(x, g, batch, length, d, p, factor, w, b, UseGhost(context.Clipping, length, d, p), context);
                break;
        }
    }

    /// <summary>The book-keeping counterpart of <see cref="Backward{T}"/> after a norms pass.</summary>
    public static void ApplyWeights<T>(ReadOnlySpan<T> weights, BackwardContext<T> context, T[] x, T[] g, int batch, int length, int d, int p, T factor, Parameter<T>? weight, Parameter<T>? bias)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!IsTrainable(weight) && !IsTrainable(bias))
        {
            return;
        }

        var rows = batch * length;
        AddWeighted<T>(weights, x.AsSpan(0, rows * d), g.AsSpan(0, rows * p), batch, length, d, p, factor, GradientOf(weight), GradientOf(bias), context);
    }

    /// <summary>Gets a trainable parameter's gradient, or an empty span for an absent or frozen one.</summary>
    public static Span<T> GradientOf<T>(Parameter<T>? parameter)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => IsTrainable(parameter) ? parameter!.Gradient : default;

    private static bool IsTrainable<T>(Parameter<T>? parameter)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => parameter is { RequiresGrad: true };

    /// <summary>destination[i-th block] = w[i]·source[i-th block] for consecutive blocks of <paramref name="blockLength"/> values.</summary>
    public static void ScaleRows<T>(ReadOnlySpan<T> source, ReadOnlySpan<T> weights, int blocks, int blockLength, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var i = 0; i < blocks; i++)
        {
            TensorPrimitives.Multiply(source.Slice(i * blockLength, blockLength), weights[i], destination.Slice(i * blockLength, blockLength));
        }
    }

    /// <summary>Adds the plan entries of a dense weight and bias.</summary>
    public static void Describe<T>(ClippingMode mode, int length, int d, int p, Parameter<T>? weight, Parameter<T>? bias, List<ParameterClipping> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var method = UseGhost(mode, length, d, p) ? PerExampleNormMethod.Ghost : PerExampleNormMethod.Materialized;
        if (weight is { RequiresGrad: true })
        {
            destination.Add(new ParameterClipping(weight.Name, method));
        }

        if (bias is { RequiresGrad: true })
        {
            destination.Add(new ParameterClipping(bias.Name, method));
        }
    }

    /// <summary>One example's squared norm per index (examples first … first + count − 1), each in its own scratch slot.</summary>
    private readonly struct NormWork<T>(T[] x, T[] g, int length, int d, int p, bool weight, bool bias, bool ghost, T[] scratch, int slot, int first, double[] values) : IParallelBody
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        public void Invoke(int index)
        {
            var i = first + index;
            values[i] = ExampleSquaredNorm<T>(x.AsSpan(i * length * d, length * d), g.AsSpan(i * length * p, length * p), length, d, p, weight, bias, ghost, scratch.AsSpan(index * slot, slot));
        }
    }
}

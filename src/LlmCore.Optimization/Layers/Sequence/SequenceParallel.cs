using System.Numerics;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization.Layers.Sequence;

/// <summary>The work of one index of <see cref="SequenceParallel.For{TBody}"/>: a struct holding the arrays it reads and writes.</summary>
/// <remarks>
/// Each index must write only memory no other index writes and compute the same thing whichever thread runs it, so
/// that results never depend on scheduling (the layers stay bit-for-bit deterministic).
/// </remarks>
internal interface ISequenceWork
{
    /// <summary>Does the work of one index.</summary>
    void Invoke(int index);
}

/// <summary>
/// The one place where the sequence layers fan work out across cores (attention over batch × heads, per-sequence
/// norms, row-wise normalisation, element-wise activations, the loss), and the few product shapes they need beyond
/// <see cref="Gemm"/>'s single product. Work below <see cref="Threshold"/> elements runs on the calling thread.
/// </summary>
/// <remarks>Thread-safe (no state).</remarks>
internal static class SequenceParallel
{
    /// <summary>Elements of element-wise work from which it is split across cores.</summary>
    public const int Threshold = 1 << 15;

    /// <summary>Gets the number of independent scratch slots a round of per-example work may use.</summary>
    public static int Workers => Math.Max(1, Environment.ProcessorCount);

    /// <summary>Runs <c>body.Invoke(i)</c> for every i in [0, <paramref name="count"/>).</summary>
    public static void For<TBody>(int count, in TBody body)
        where TBody : struct, ISequenceWork
    {
        for (var i = 0; i < count; i++)
        {
            body.Invoke(i);
        }
    }

    /// <summary>Splits [0, <paramref name="total"/>) into chunks of about <paramref name="chunk"/> and returns the chunk count (1 below the threshold).</summary>
    public static int Chunks(long total, int chunk) => total < Threshold ? 1 : (int)Math.Min(int.MaxValue, (total + chunk - 1) / chunk);

    /// <summary>C = α·op(A)·diag(d)·op(B) + β·C, with d of length k (the rows' weights of a book-keeping product).</summary>
    public static void MultiplyScaled<T>(
        bool transposeA,
        bool transposeB,
        int m,
        int n,
        int k,
        T alpha,
        ReadOnlySpan<T> a,
        int lda,
        ReadOnlySpan<T> d,
        ReadOnlySpan<T> b,
        int ldb,
        T beta,
        Span<T> c,
        int ldc,
        Span<T> scratch)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // op(B) scaled row by row: diag(d)·op(B) with B stored k×n (not transposed) as the sequence layers use it.
        if (transposeB)
        {
            throw new ArgumentException("The scaled product expects B stored k×n.", nameof(transposeB));
        }

        var scaled = scratch[..(((k - 1) * ldb) + n)];
        for (var p = 0; p < k; p++)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(b.Slice(p * ldb, n), d[p], scaled.Slice(p * ldb, n));
        }

        Gemm.Multiply(transposeA, false, m, n, k, alpha, a, lda, scaled, ldb, beta, c, ldc);
    }
}

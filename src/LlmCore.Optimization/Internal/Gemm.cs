using System.Numerics;

namespace LlmCore.Optimization.Internal;

/// <summary>
/// The one general matrix product under every dense projection and attention product:
/// C = α·op(A)·op(B) + β·C on row-major storage, op(X) = X or Xᵀ (BLAS <c>gemm</c> semantics).
/// </summary>
/// <remarks>
/// <para>op(A) is M×K and op(B) is K×N. A stored matrix's row stride (<c>lda</c>, <c>ldb</c>, <c>ldc</c>) may exceed
/// its row length, so that a head's slice of a fused projection can be used in place. With β = 0, C is overwritten
/// (its previous values, even NaN, are ignored) as in BLAS.</para>
/// <para>This is the placeholder reference; the cache-blocked, vectorised, multi-threaded kernel replaces its body
/// and keeps the signature. Thread-safe: it holds no shared state.</para>
/// </remarks>
internal static class Gemm
{
    /// <summary>C = α·op(A)·op(B) + β·C.</summary>
    public static void Multiply<T>(
        bool transposeA,
        bool transposeB,
        int m,
        int n,
        int k,
        T alpha,
        ReadOnlySpan<T> a,
        int lda,
        ReadOnlySpan<T> b,
        int ldb,
        T beta,
        Span<T> c,
        int ldc)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Reference(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>The naive triple loop, in double accumulation order k = 0..K-1; the reference every kernel is tested against.</summary>
    internal static void Reference<T>(
        bool transposeA,
        bool transposeB,
        int m,
        int n,
        int k,
        T alpha,
        ReadOnlySpan<T> a,
        int lda,
        ReadOnlySpan<T> b,
        int ldb,
        T beta,
        Span<T> c,
        int ldc)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = T.Zero;
                for (var p = 0; p < k; p++)
                {
                    var x = transposeA ? a[(p * lda) + i] : a[(i * lda) + p];
                    var y = transposeB ? b[(j * ldb) + p] : b[(p * ldb) + j];
                    sum += x * y;
                }

                ref var target = ref c[(i * ldc) + j];
                target = beta == T.Zero ? alpha * sum : (alpha * sum) + (beta * target);
            }
        }
    }
}

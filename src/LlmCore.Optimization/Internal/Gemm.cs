using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LlmCore.Optimization.Internal;

/// <summary>Which micro-kernel a product runs on (tests force each one; <see cref="Auto"/> picks the widest the
/// hardware accelerates).</summary>
internal enum GemmKernel
{
    /// <summary>The widest accelerated kernel: Vector512, else Vector256, else Vector128, else scalar.</summary>
    Auto,

    /// <summary>12 rows × 2 Vector512 (float 12×32, double 12×16).</summary>
    Vector512,

    /// <summary>6 rows × 2 Vector256 (float 6×16, double 6×8).</summary>
    Vector256,

    /// <summary>6 rows × 2 Vector128 (float 6×8, double 6×4).</summary>
    Vector128,

    /// <summary>4 × 4 scalar fused multiply–adds.</summary>
    Scalar,
}

/// <summary>Whether a product may use several threads.</summary>
internal enum GemmThreading
{
    /// <summary>Parallel above <see cref="Gemm.ParallelThreshold"/> multiply–adds, else on the calling thread.</summary>
    Auto,

    /// <summary>Always on the calling thread.</summary>
    Serial,

    /// <summary>Split across threads whatever the size (tests).</summary>
    Parallel,
}

/// <summary>The strides between the matrices of a batched product: item (o, i) of an outer × inner batch starts at
/// <c>o·Outer + i·Inner</c> (for attention: o = sequence, i = head).</summary>
/// <param name="Outer">Elements between consecutive outer items.</param>
/// <param name="Inner">Elements between consecutive inner items.</param>
internal readonly record struct BatchStride(int Outer, int Inner);

/// <summary>
/// The one general matrix product under every dense projection and attention product:
/// C = α·op(A)·op(B) + β·C on row-major storage, op(X) = X or Xᵀ (BLAS <c>gemm</c> semantics).
/// </summary>
/// <remarks>
/// <para>op(A) is M×K and op(B) is K×N. A stored matrix's row stride (<c>lda</c>, <c>ldb</c>, <c>ldc</c>) may exceed
/// its row length, so that a head's slice of a fused projection can be used in place. With β = 0, C is overwritten
/// (its previous values, even NaN, are ignored); with k = 0 or α = 0, C = β·C and A and B are not read, as in BLAS.
/// C must not overlap A or B.</para>
/// <para>The structure is Goto's (Goto &amp; van de Geijn, "Anatomy of High-Performance Matrix Multiplication", ACM
/// TOMS 2008; Van Zee &amp; van de Geijn, "BLIS", ACM TOMS 2015): for each block of NC columns and each block of
/// KC = 256 terms, a KC×NC block of op(B) is packed into NR-wide panels, then for each block of MC rows a block of
/// op(A) into MR-tall panels, and a register-blocked micro-kernel adds MR×NR tiles of C with fused multiply–adds
/// (12×32 floats with Vector512). Packing reads either layout, so the transposed products backward needs cost no
/// transposed copy. Packing buffers are per thread and reused; nothing is allocated per call in steady state.</para>
/// <para>Determinism: every element of C is one chain of fused multiply–adds over k in order, committed to C after each
/// block of 256 terms (C ← α·acc + β·C for the first block, C ← α·acc + C after). This does not depend on the
/// thread count, on how the work is split, or on the micro-kernel (Vector512, Vector256, Vector128 and scalar give
/// bit-identical results), so the same inputs always give the same bits.</para>
/// <para>Large products (above <see cref="ParallelThreshold"/> multiply–adds) are split into row (or column) blocks
/// across cores with <see cref="ParallelWork"/>. Thread-safe: it holds no shared mutable state.</para>
/// </remarks>
internal static unsafe partial class Gemm
{
    /// <summary>The block of the summation index committed to C at a time; the same for every kernel and type, which
    /// makes every kernel give the same bits.</summary>
    internal const int KC = 256;

    /// <summary>m·n·k (multiply–adds) from which <see cref="GemmThreading.Auto"/> uses several threads.</summary>
    internal const long ParallelThreshold = 96L * 96 * 96;

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
        => Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, GemmKernel.Auto, GemmThreading.Auto);

    /// <summary>C = α·op(A)·op(B) + β·C on a chosen kernel and threading (tests and benchmarks).</summary>
    internal static void Multiply<T>(
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
        int ldc,
        GemmKernel kernel,
        GemmThreading threading)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, default, kernel, threading);

    /// <summary>C = α·op(A)·diag(d)·op(B) + β·C: the product with the k terms weighted by <paramref name="d"/> (length
    /// k), applied while op(A) is packed (so op(A)[i, p]·d[p] is rounded before it enters the sum). With A the stored
    /// activations of a batch (transposed), B the output gradients and d each row's clipping factor this is DP-SGD's
    /// clipped weight gradient Aᵀ·diag(c)·G in one pass.</summary>
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
        int ldc)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (d.Length < k)
        {
            throw new ArgumentException($"The scale vector needs k = {k} elements; it has {d.Length}.", nameof(d));
        }

        Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, d[..k], GemmKernel.Auto, GemmThreading.Auto);
    }

    /// <summary>
    /// outer × inner independent products C[o,i] = α·op(A[o,i])·op(B[o,i]) + β·C[o,i], where X[o,i] starts at
    /// <c>o·strideX.Outer + i·strideX.Inner</c> in its span (all with the same m, n, k and row strides): the
    /// many small products of attention (scores Q·Kᵀ and values P·V per sequence and head) in one call. Items run
    /// in parallel when there are several; each item runs on one thread.
    /// </summary>
    public static void MultiplyBatched<T>(
        bool transposeA,
        bool transposeB,
        int m,
        int n,
        int k,
        T alpha,
        ReadOnlySpan<T> a,
        int lda,
        BatchStride strideA,
        ReadOnlySpan<T> b,
        int ldb,
        BatchStride strideB,
        T beta,
        Span<T> c,
        int ldc,
        BatchStride strideC,
        int outer,
        int inner)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => MultiplyBatched(transposeA, transposeB, m, n, k, alpha, a, lda, strideA, b, ldb, strideB, beta, c, ldc, strideC, outer, inner, GemmKernel.Auto, GemmThreading.Auto);

    /// <summary>The batched product on a chosen kernel and threading (tests).</summary>
    internal static void MultiplyBatched<T>(
        bool transposeA,
        bool transposeB,
        int m,
        int n,
        int k,
        T alpha,
        ReadOnlySpan<T> a,
        int lda,
        BatchStride strideA,
        ReadOnlySpan<T> b,
        int ldb,
        BatchStride strideB,
        T beta,
        Span<T> c,
        int ldc,
        BatchStride strideC,
        int outer,
        int inner,
        GemmKernel kernel,
        GemmThreading threading)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outer);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        ValidateShape(m, n, k);
        ValidateStrides(strideA, strideB, strideC);
        if ((long)outer * inner > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(inner), inner, $"outer × inner must not exceed {int.MaxValue}.");
        }

        var count = outer * inner;
        if (count == 0 || m == 0 || n == 0)
        {
            return;
        }

        var readsAb = k > 0 && alpha != T.Zero;
        if (readsAb)
        {
            ValidateOperand(a.Length, LastOffset(strideA, outer, inner), transposeA ? k : m, transposeA ? m : k, lda, nameof(a), nameof(lda));
            ValidateOperand(b.Length, LastOffset(strideB, outer, inner), transposeB ? n : k, transposeB ? k : n, ldb, nameof(b), nameof(ldb));
        }

        ValidateOperand(c.Length, LastOffset(strideC, outer, inner), m, n, ldc, nameof(c), nameof(ldc));

        fixed (T* pa = a, pb = b, pc = c)
        {
            var body = new BatchBody<T>
            {
                Problem = new Problem<T>(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, null),
                StrideA = strideA,
                StrideB = strideB,
                StrideC = strideC,
                Inner = inner,
                Kernel = Resolve(kernel),
            };

            var parallel = threading == GemmThreading.Parallel || (threading == GemmThreading.Auto && count > 1 && (long)m * n * k * count >= ParallelThreshold);
            if (parallel)
            {
                ParallelWork.For(count, body);
            }
            else
            {
                for (var i = 0; i < count; i++)
                {
                    body.Invoke(i);
                }
            }
        }
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

    /// <summary>The kernel <see cref="GemmKernel.Auto"/> resolves to on this machine.</summary>
    internal static GemmKernel Resolve(GemmKernel kernel)
    {
        if (kernel != GemmKernel.Auto)
        {
            return kernel;
        }

        if (Vector512.IsHardwareAccelerated)
        {
            return GemmKernel.Vector512;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            return GemmKernel.Vector256;
        }

        return Vector128.IsHardwareAccelerated ? GemmKernel.Vector128 : GemmKernel.Scalar;
    }

    private static void Multiply<T>(
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
        int ldc,
        ReadOnlySpan<T> d,
        GemmKernel kernel,
        GemmThreading threading)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ValidateShape(m, n, k);
        if (m == 0 || n == 0)
        {
            return;
        }

        var readsAb = k > 0 && alpha != T.Zero;
        if (readsAb)
        {
            ValidateOperand(a.Length, 0, transposeA ? k : m, transposeA ? m : k, lda, nameof(a), nameof(lda));
            ValidateOperand(b.Length, 0, transposeB ? n : k, transposeB ? k : n, ldb, nameof(b), nameof(ldb));
        }

        ValidateOperand(c.Length, 0, m, n, ldc, nameof(c), nameof(ldc));
        fixed (T* pa = a, pb = b, pc = c, pd = d)
        {
            var problem = new Problem<T>(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, d.IsEmpty ? null : pd);
            if (!readsAb)
            {
                ScaleC(problem);
                return;
            }

            var resolved = Resolve(kernel);
            var parallel = threading == GemmThreading.Parallel
                || (threading == GemmThreading.Auto && (long)m * n * k >= ParallelThreshold);
            var parts = parallel ? Parts(m, n, k) : 1;
            if (parts <= 1)
            {
                Run(problem, resolved);
                return;
            }

            var (mr, nr) = Tile<T>(resolved);
            ParallelWork.For(parts, new SplitBody<T> { Problem = problem, Kernel = resolved, Parts = parts, RowGranule = mr, ColumnGranule = nr });
        }
    }

    /// <summary>How many row (or column) blocks a parallel product is cut into: one per thread, or two per thread when
    /// the blocks stay large (so that a thread the operating system delays leaves less for the others to wait for;
    /// each block packs its own copy of the other operand, which costs about 1/rows of its time).</summary>
    private static int Parts(int m, int n, int k)
    {
        var threads = ParallelWork.MaxDegreeOfParallelism;
        var side = Math.Max(m, n);
        var parts = side / (2 * threads) >= 256 && (long)m * n * k >= 64 * ParallelThreshold ? 2 * threads : threads;
        return Math.Max(1, Math.Min(parts, side));
    }

    /// <summary>Runs one whole product on the calling thread with the given kernel.</summary>
    private static void Run<T>(in Problem<T> problem, GemmKernel kernel)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (problem.K == 0 || problem.Alpha == T.Zero)
        {
            ScaleC(problem);
            return;
        }

        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            // Half and other IEEE types: the same arithmetic, one element at a time.
            Driver<T, KernelScalar<T>>.Run(problem);
            return;
        }

        switch (kernel)
        {
            case GemmKernel.Vector512:
                Driver<T, Kernel512<T>>.Run(problem);
                break;
            case GemmKernel.Vector256:
                Driver<T, Kernel256<T>>.Run(problem);
                break;
            case GemmKernel.Vector128:
                Driver<T, Kernel128<T>>.Run(problem);
                break;
            default:
                Driver<T, KernelScalar<T>>.Run(problem);
                break;
        }
    }

    /// <summary>C = β·C (β = 0 writes zeros, ignoring NaN in C).</summary>
    private static void ScaleC<T>(in Problem<T> p)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (p.Beta == T.One)
        {
            return;
        }

        for (var i = 0; i < p.M; i++)
        {
            var row = new Span<T>(p.C + ((nint)i * p.Ldc), p.N);
            if (p.Beta == T.Zero)
            {
                row.Clear();
            }
            else
            {
                for (var j = 0; j < row.Length; j++)
                {
                    row[j] *= p.Beta;
                }
            }
        }
    }

    /// <summary>The micro-tile of a kernel for T: parallel splits fall on multiples of it.</summary>
    private static (int Rows, int Columns) Tile<T>(GemmKernel kernel)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
        {
            return (KernelScalar<T>.MR, KernelScalar<T>.NR);
        }

        return kernel switch
        {
            GemmKernel.Vector512 => (Kernel512<T>.MR, Kernel512<T>.NR),
            GemmKernel.Vector256 => (Kernel256<T>.MR, Kernel256<T>.NR),
            GemmKernel.Vector128 => (Kernel128<T>.MR, Kernel128<T>.NR),
            _ => (KernelScalar<T>.MR, KernelScalar<T>.NR),
        };
    }

    private static void ValidateShape(int m, int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
    }

    private static void ValidateOperand(int length, long lastOffset, int rows, int columns, int stride, string name, string strideName)
    {
        if (stride < Math.Max(1, columns))
        {
            throw new ArgumentOutOfRangeException(strideName, stride, $"The row stride must be at least the stored row length {Math.Max(1, columns)}.");
        }

        if (rows == 0 || columns == 0)
        {
            return;
        }

        var required = lastOffset + ((long)(rows - 1) * stride) + columns;
        if (length < required)
        {
            throw new ArgumentException($"A {rows}×{columns} matrix with row stride {stride} needs {required} elements; the span has {length}.", name);
        }
    }

    private static long LastOffset(BatchStride stride, int outer, int inner)
        => ((long)(outer - 1) * stride.Outer) + ((long)(inner - 1) * stride.Inner);

    private static void ValidateStrides(BatchStride strideA, BatchStride strideB, BatchStride strideC)
    {
        Check(strideA, nameof(strideA));
        Check(strideB, nameof(strideB));
        Check(strideC, nameof(strideC));

        static void Check(BatchStride stride, string name)
        {
            if (stride.Outer < 0 || stride.Inner < 0)
            {
                throw new ArgumentOutOfRangeException(name, stride, "Batch strides must be zero or positive.");
            }
        }
    }

    /// <summary>Pointers and sizes of one product; the spans behind them are pinned by the caller.</summary>
    internal readonly struct Problem<T>
        where T : unmanaged
    {
        public readonly bool TransA;
        public readonly bool TransB;
        public readonly int M;
        public readonly int N;
        public readonly int K;
        public readonly T Alpha;
        public readonly T* A;
        public readonly nint Lda;
        public readonly T* B;
        public readonly nint Ldb;
        public readonly T Beta;
        public readonly T* C;
        public readonly nint Ldc;

        /// <summary>Optional weights of the k terms (null: all 1).</summary>
        public readonly T* D;

        public Problem(bool transA, bool transB, int m, int n, int k, T alpha, T* a, nint lda, T* b, nint ldb, T beta, T* c, nint ldc, T* d)
        {
            TransA = transA;
            TransB = transB;
            M = m;
            N = n;
            K = k;
            Alpha = alpha;
            A = a;
            Lda = lda;
            B = b;
            Ldb = ldb;
            Beta = beta;
            C = c;
            Ldc = ldc;
            D = d;
        }

        /// <summary>The sub-product on rows [r0, r0 + rows) of C.</summary>
        public Problem<T> Rows(int r0, int rows)
            => new(TransA, TransB, rows, N, K, Alpha, TransA ? A + r0 : A + (r0 * Lda), Lda, B, Ldb, Beta, C + (r0 * Ldc), Ldc, D);

        /// <summary>The sub-product on columns [c0, c0 + columns) of C.</summary>
        public Problem<T> Columns(int c0, int columns)
            => new(TransA, TransB, M, columns, K, Alpha, A, Lda, TransB ? B + (c0 * Ldb) : B + c0, Ldb, Beta, C + c0, Ldc, D);

        /// <summary>The same product on other matrices (a batch item).</summary>
        public Problem<T> At(nint offsetA, nint offsetB, nint offsetC)
            => new(TransA, TransB, M, N, K, Alpha, A + offsetA, Lda, B + offsetB, Ldb, Beta, C + offsetC, Ldc, D);
    }

    /// <summary>One of <c>Parts</c> row blocks (or column blocks, when C is wider than tall) of a product.</summary>
    private struct SplitBody<T> : IParallelBody
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        public Problem<T> Problem;
        public GemmKernel Kernel;
        public int Parts;
        public int RowGranule;
        public int ColumnGranule;

        public readonly void Invoke(int index)
        {
            if (Problem.M >= Problem.N)
            {
                var (start, length) = ParallelWork.Partition(Problem.M, Parts, index, RowGranule);
                if (length > 0)
                {
                    Run(Problem.Rows(start, length), Kernel);
                }
            }
            else
            {
                var (start, length) = ParallelWork.Partition(Problem.N, Parts, index, ColumnGranule);
                if (length > 0)
                {
                    Run(Problem.Columns(start, length), Kernel);
                }
            }
        }
    }

    /// <summary>One item of a batched product.</summary>
    private struct BatchBody<T> : IParallelBody
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        public Problem<T> Problem;
        public BatchStride StrideA;
        public BatchStride StrideB;
        public BatchStride StrideC;
        public int Inner;
        public GemmKernel Kernel;

        public readonly void Invoke(int index)
        {
            var (o, i) = Math.DivRem(index, Inner);
            Run(
                Problem.At(
                    ((nint)o * StrideA.Outer) + ((nint)i * StrideA.Inner),
                    ((nint)o * StrideB.Outer) + ((nint)i * StrideB.Inner),
                    ((nint)o * StrideC.Outer) + ((nint)i * StrideC.Inner)),
                Kernel);
        }
    }

    /// <summary>Goto's loop nest around one micro-kernel, with per-thread packing buffers.</summary>
    private static class Driver<T, TKernel>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TKernel : struct, IMicroKernel<T>
    {
        /// <summary>Rows of op(A) packed at a time (MC·KC elements ≈ 144 KB, in L2).</summary>
        private static readonly int s_mc = Math.Max(TKernel.MR, (144 << 10) / sizeof(T) / KC / TKernel.MR * TKernel.MR);

        /// <summary>Columns of op(B) packed at a time (KC·NC elements = 2 MB, in L3).</summary>
        private static readonly int s_nc = Math.Max(TKernel.NR, (2 << 20) / sizeof(T) / KC / TKernel.NR * TKernel.NR);

        [ThreadStatic]
        private static T[]? t_buffer;

        public static void Run(in Problem<T> p)
        {
            var mr = TKernel.MR;
            var nr = TKernel.NR;
            var mcMax = Math.Min(s_mc, RoundUp(p.M, mr));
            var ncMax = Math.Min(s_nc, RoundUp(p.N, nr));
            var kcMax = Math.Min(KC, p.K);
            var need = (mcMax * kcMax) + (ncMax * kcMax) + (2 * GemmPacking.Slack) + (64 / sizeof(T));
            var buffer = t_buffer;
            if (buffer is null || buffer.Length < need)
            {
                // Sized for the largest product this thread has run; pinned (POH) so that it never moves.
                t_buffer = buffer = GC.AllocateUninitializedArray<T>(Math.Max(need, buffer?.Length ?? 0), pinned: true);
            }

            var raw = (T*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
            var packedA = (T*)(((nint)raw + 63) & ~(nint)63);
            var packedB = packedA + (mcMax * kcMax) + GemmPacking.Slack;
            var tile = stackalloc T[TKernel.MR * TKernel.NR];

            for (var jc = 0; jc < p.N; jc += s_nc)
            {
                var nc = Math.Min(s_nc, p.N - jc);
                for (var pc = 0; pc < p.K; pc += KC)
                {
                    var kc = Math.Min(KC, p.K - pc);
                    var beta = pc == 0 ? p.Beta : T.One;
                    PackB(p.TransB ? p.B + (jc * p.Ldb) + pc : p.B + (pc * p.Ldb) + jc, p.Ldb, p.TransB, kc, nc, packedB);
                    for (var ic = 0; ic < p.M; ic += s_mc)
                    {
                        var mc = Math.Min(s_mc, p.M - ic);
                        PackA(p.TransA ? p.A + (pc * p.Lda) + ic : p.A + (ic * p.Lda) + pc, p.Lda, p.TransA, mc, kc, p.D is null ? null : p.D + pc, packedA);
                        var c = p.C + (ic * p.Ldc) + jc;
                        for (var jr = 0; jr < nc; jr += nr)
                        {
                            var cols = Math.Min(nr, nc - jr);
                            var panelB = packedB + (jr * kc);
                            for (var ir = 0; ir < mc; ir += mr)
                            {
                                var rows = Math.Min(mr, mc - ir);
                                var target = c + (ir * p.Ldc) + jr;
                                if (rows == mr && cols == nr)
                                {
                                    TKernel.Run(kc, packedA + (ir * kc), panelB, target, p.Ldc, p.Alpha, beta, null);
                                }
                                else
                                {
                                    TKernel.Run(kc, packedA + (ir * kc), panelB, null, 0, p.Alpha, beta, tile);
                                    CommitTile(tile, target, p.Ldc, p.Alpha, beta, rows, cols);
                                }
                            }
                        }
                    }
                }
            }
        }

        /// <summary>Packs op(A)[0..mc, 0..kc] (a points at its first element) into MR-row panels: panel q holds kc
        /// groups of MR values, rows past mc are zero. With <paramref name="d"/>, column p is multiplied by d[p].</summary>
        private static void PackA(T* a, nint lda, bool transposed, int mc, int kc, T* d, T* packed)
        {
            var mr = TKernel.MR;
            for (var ir = 0; ir < mc; ir += mr)
            {
                var rows = Math.Min(mr, mc - ir);
                if (transposed && d is null && rows == mr)
                {
                    // op(A)[i, p] = A[p, i]: each group of MR values is contiguous in A.
                    for (var p = 0; p < kc; p++)
                    {
                        Unsafe.CopyBlockUnaligned(packed + (p * mr), a + (p * lda) + ir, (uint)(TKernel.MR * sizeof(T)));
                    }
                }
                else if (transposed)
                {
                    for (var p = 0; p < kc; p++)
                    {
                        var source = a + (p * lda) + ir;
                        var target = packed + (p * mr);
                        var scale = d is null ? T.One : d[p];
                        var r = 0;
                        for (; r < rows; r++)
                        {
                            target[r] = d is null ? source[r] : source[r] * scale;
                        }

                        for (; r < mr; r++)
                        {
                            target[r] = T.Zero;
                        }
                    }
                }
                else if (d is null)
                {
                    // op(A)[i, p] = A[i, p]: a transpose of the rows.
                    GemmPacking.Transpose(a + (ir * lda), lda, rows, mr, kc, packed);
                }
                else
                {
                    for (var r = 0; r < rows; r++)
                    {
                        var source = a + ((ir + r) * lda);
                        var target = packed + r;
                        for (var p = 0; p < kc; p++)
                        {
                            target[p * mr] = source[p] * d[p];
                        }
                    }

                    for (var r = rows; r < mr; r++)
                    {
                        for (var p = 0; p < kc; p++)
                        {
                            packed[(p * mr) + r] = T.Zero;
                        }
                    }
                }

                packed += mr * kc;
            }
        }

        /// <summary>Packs op(B)[0..kc, 0..nc] (b points at its first element) into NR-column panels: panel q holds kc
        /// groups of NR values, columns past nc are zero.</summary>
        private static void PackB(T* b, nint ldb, bool transposed, int kc, int nc, T* packed)
        {
            var nr = TKernel.NR;
            for (var jr = 0; jr < nc; jr += nr)
            {
                var cols = Math.Min(nr, nc - jr);
                if (!transposed)
                {
                    // op(B)[p, j] = B[p, j]: each group of NR values is contiguous in B.
                    for (var p = 0; p < kc; p++)
                    {
                        var source = b + (p * ldb) + jr;
                        var target = packed + (p * nr);
                        if (cols == nr)
                        {
                            Unsafe.CopyBlockUnaligned(target, source, (uint)(TKernel.NR * sizeof(T)));
                            continue;
                        }

                        var j = 0;
                        for (; j < cols; j++)
                        {
                            target[j] = source[j];
                        }

                        for (; j < nr; j++)
                        {
                            target[j] = T.Zero;
                        }
                    }
                }
                else
                {
                    // op(B)[p, j] = B[j, p]: a transpose of the rows of B.
                    GemmPacking.Transpose(b + (jr * ldb), ldb, cols, nr, kc, packed);
                }

                packed += nr * kc;
            }
        }

        /// <summary>Commits the valid rows × columns of an edge tile with the kernels' arithmetic.</summary>
        private static void CommitTile(T* tile, T* c, nint ldc, T alpha, T beta, int rows, int columns)
        {
            for (var i = 0; i < rows; i++)
            {
                var source = tile + (i * TKernel.NR);
                var target = c + (i * ldc);
                for (var j = 0; j < columns; j++)
                {
                    target[j] = MicroKernels.Commit(source[j], alpha, beta, target[j]);
                }
            }
        }

        private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
    }
}

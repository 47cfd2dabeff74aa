using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmCore.Optimization.Internal;

/// <summary>
/// A register-blocked micro-kernel of <see cref="Gemm"/>: adds the MR×NR tile packed A panel × packed B panel over
/// kc terms, each element one chain of fused multiply–adds in order p = 0..kc-1, and commits it to C
/// (<c>α·acc</c> when β = 0, else <c>fma(acc, α, β·c)</c>), or stores the raw accumulators to a tile for an edge.
/// </summary>
/// <remarks>Packed A: kc groups of MR values (one per row); packed B: kc groups of NR values (one per column).
/// Every kernel performs the same IEEE operations per element, so all give the same bits.</remarks>
internal unsafe interface IMicroKernel<T>
    where T : unmanaged
{
    /// <summary>Gets the tile height (rows of C).</summary>
    static abstract int MR { get; }

    /// <summary>Gets the tile width (columns of C).</summary>
    static abstract int NR { get; }

    /// <summary>Runs the tile over kc terms; commits it to C (row stride ldc), or, when <paramref name="tile"/> is not
    /// null, stores the raw accumulators there (row stride NR) and leaves C alone.</summary>
    static abstract void Run(int kc, T* a, T* b, T* c, nint ldc, T alpha, T beta, T* tile);
}

/// <summary>Vector helpers shared by the micro-kernels.</summary>
internal static unsafe class MicroKernels
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma<T>(Vector512<T> x, Vector512<T> y, Vector512<T> z)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        }

        return Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma<T>(Vector256<T> x, Vector256<T> y, Vector256<T> z)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        }

        return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Fma<T>(Vector128<T> x, Vector128<T> y, Vector128<T> z)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Vector128.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), z.AsSingle()).As<float, T>();
        }

        return Vector128.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), z.AsDouble()).As<double, T>();
    }

    /// <summary>c ← α·acc (β = 0), fma(acc, α, c) (β = 1) or fma(acc, α, β·c).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Commit<T>(T* c, Vector512<T> acc, Vector512<T> alpha, T beta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (beta == T.Zero)
        {
            Vector512.Store(alpha * acc, c);
        }
        else if (beta == T.One)
        {
            Vector512.Store(Fma(acc, alpha, Vector512.Load(c)), c);
        }
        else
        {
            Vector512.Store(Fma(acc, alpha, Vector512.Create(beta) * Vector512.Load(c)), c);
        }
    }

    /// <summary>c ← α·acc (β = 0), fma(acc, α, c) (β = 1) or fma(acc, α, β·c).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Commit<T>(T* c, Vector256<T> acc, Vector256<T> alpha, T beta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (beta == T.Zero)
        {
            Vector256.Store(alpha * acc, c);
        }
        else if (beta == T.One)
        {
            Vector256.Store(Fma(acc, alpha, Vector256.Load(c)), c);
        }
        else
        {
            Vector256.Store(Fma(acc, alpha, Vector256.Create(beta) * Vector256.Load(c)), c);
        }
    }

    /// <summary>c ← α·acc (β = 0), fma(acc, α, c) (β = 1) or fma(acc, α, β·c).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Commit<T>(T* c, Vector128<T> acc, Vector128<T> alpha, T beta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (beta == T.Zero)
        {
            Vector128.Store(alpha * acc, c);
        }
        else if (beta == T.One)
        {
            Vector128.Store(Fma(acc, alpha, Vector128.Load(c)), c);
        }
        else
        {
            Vector128.Store(Fma(acc, alpha, Vector128.Create(beta) * Vector128.Load(c)), c);
        }
    }

    /// <summary>The scalar form of <see cref="Commit{T}(T*, Vector512{T}, Vector512{T}, T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Commit<T>(T acc, T alpha, T beta, T c)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (beta == T.Zero)
        {
            return alpha * acc;
        }

        return T.FusedMultiplyAdd(acc, alpha, beta == T.One ? c : beta * c);
    }
}

/// <summary>12 rows × 2 Vector512 accumulators (24 of the 32 zmm registers): float 12×32, double 12×16.</summary>
internal readonly unsafe struct Kernel512<T> : IMicroKernel<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int MR => 12;

    public static int NR => 2 * Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, T* c, nint ldc, T alpha, T beta, T* tile)
    {
        var w = Vector512<T>.Count;
        var c00 = Vector512<T>.Zero; var c01 = Vector512<T>.Zero;
        var c10 = Vector512<T>.Zero; var c11 = Vector512<T>.Zero;
        var c20 = Vector512<T>.Zero; var c21 = Vector512<T>.Zero;
        var c30 = Vector512<T>.Zero; var c31 = Vector512<T>.Zero;
        var c40 = Vector512<T>.Zero; var c41 = Vector512<T>.Zero;
        var c50 = Vector512<T>.Zero; var c51 = Vector512<T>.Zero;
        var c60 = Vector512<T>.Zero; var c61 = Vector512<T>.Zero;
        var c70 = Vector512<T>.Zero; var c71 = Vector512<T>.Zero;
        var c80 = Vector512<T>.Zero; var c81 = Vector512<T>.Zero;
        var c90 = Vector512<T>.Zero; var c91 = Vector512<T>.Zero;
        var c100 = Vector512<T>.Zero; var c101 = Vector512<T>.Zero;
        var c110 = Vector512<T>.Zero; var c111 = Vector512<T>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + w);
            var a0 = Vector512.Create(a[0]);
            c00 = MicroKernels.Fma(a0, b0, c00);
            c01 = MicroKernels.Fma(a0, b1, c01);
            var a1 = Vector512.Create(a[1]);
            c10 = MicroKernels.Fma(a1, b0, c10);
            c11 = MicroKernels.Fma(a1, b1, c11);
            var a2 = Vector512.Create(a[2]);
            c20 = MicroKernels.Fma(a2, b0, c20);
            c21 = MicroKernels.Fma(a2, b1, c21);
            var a3 = Vector512.Create(a[3]);
            c30 = MicroKernels.Fma(a3, b0, c30);
            c31 = MicroKernels.Fma(a3, b1, c31);
            var a4 = Vector512.Create(a[4]);
            c40 = MicroKernels.Fma(a4, b0, c40);
            c41 = MicroKernels.Fma(a4, b1, c41);
            var a5 = Vector512.Create(a[5]);
            c50 = MicroKernels.Fma(a5, b0, c50);
            c51 = MicroKernels.Fma(a5, b1, c51);
            var a6 = Vector512.Create(a[6]);
            c60 = MicroKernels.Fma(a6, b0, c60);
            c61 = MicroKernels.Fma(a6, b1, c61);
            var a7 = Vector512.Create(a[7]);
            c70 = MicroKernels.Fma(a7, b0, c70);
            c71 = MicroKernels.Fma(a7, b1, c71);
            var a8 = Vector512.Create(a[8]);
            c80 = MicroKernels.Fma(a8, b0, c80);
            c81 = MicroKernels.Fma(a8, b1, c81);
            var a9 = Vector512.Create(a[9]);
            c90 = MicroKernels.Fma(a9, b0, c90);
            c91 = MicroKernels.Fma(a9, b1, c91);
            var a10 = Vector512.Create(a[10]);
            c100 = MicroKernels.Fma(a10, b0, c100);
            c101 = MicroKernels.Fma(a10, b1, c101);
            var a11 = Vector512.Create(a[11]);
            c110 = MicroKernels.Fma(a11, b0, c110);
            c111 = MicroKernels.Fma(a11, b1, c111);
            a += 12;
            b += 2 * w;
        }

        if (tile != null)
        {
            Vector512.Store(c00, tile);
            Vector512.Store(c01, tile + w);
            Vector512.Store(c10, tile + (2 * w));
            Vector512.Store(c11, tile + (3 * w));
            Vector512.Store(c20, tile + (4 * w));
            Vector512.Store(c21, tile + (5 * w));
            Vector512.Store(c30, tile + (6 * w));
            Vector512.Store(c31, tile + (7 * w));
            Vector512.Store(c40, tile + (8 * w));
            Vector512.Store(c41, tile + (9 * w));
            Vector512.Store(c50, tile + (10 * w));
            Vector512.Store(c51, tile + (11 * w));
            Vector512.Store(c60, tile + (12 * w));
            Vector512.Store(c61, tile + (13 * w));
            Vector512.Store(c70, tile + (14 * w));
            Vector512.Store(c71, tile + (15 * w));
            Vector512.Store(c80, tile + (16 * w));
            Vector512.Store(c81, tile + (17 * w));
            Vector512.Store(c90, tile + (18 * w));
            Vector512.Store(c91, tile + (19 * w));
            Vector512.Store(c100, tile + (20 * w));
            Vector512.Store(c101, tile + (21 * w));
            Vector512.Store(c110, tile + (22 * w));
            Vector512.Store(c111, tile + (23 * w));
            return;
        }

        var va = Vector512.Create(alpha);
        MicroKernels.Commit(c, c00, va, beta);
        MicroKernels.Commit(c + w, c01, va, beta);
        MicroKernels.Commit(c + ldc, c10, va, beta);
        MicroKernels.Commit(c + ldc + w, c11, va, beta);
        MicroKernels.Commit(c + (2 * ldc), c20, va, beta);
        MicroKernels.Commit(c + (2 * ldc) + w, c21, va, beta);
        MicroKernels.Commit(c + (3 * ldc), c30, va, beta);
        MicroKernels.Commit(c + (3 * ldc) + w, c31, va, beta);
        MicroKernels.Commit(c + (4 * ldc), c40, va, beta);
        MicroKernels.Commit(c + (4 * ldc) + w, c41, va, beta);
        MicroKernels.Commit(c + (5 * ldc), c50, va, beta);
        MicroKernels.Commit(c + (5 * ldc) + w, c51, va, beta);
        MicroKernels.Commit(c + (6 * ldc), c60, va, beta);
        MicroKernels.Commit(c + (6 * ldc) + w, c61, va, beta);
        MicroKernels.Commit(c + (7 * ldc), c70, va, beta);
        MicroKernels.Commit(c + (7 * ldc) + w, c71, va, beta);
        MicroKernels.Commit(c + (8 * ldc), c80, va, beta);
        MicroKernels.Commit(c + (8 * ldc) + w, c81, va, beta);
        MicroKernels.Commit(c + (9 * ldc), c90, va, beta);
        MicroKernels.Commit(c + (9 * ldc) + w, c91, va, beta);
        MicroKernels.Commit(c + (10 * ldc), c100, va, beta);
        MicroKernels.Commit(c + (10 * ldc) + w, c101, va, beta);
        MicroKernels.Commit(c + (11 * ldc), c110, va, beta);
        MicroKernels.Commit(c + (11 * ldc) + w, c111, va, beta);
    }
}

/// <summary>6 rows × 2 Vector256 accumulators (12 of the 16 ymm registers of AVX2): float 6×16, double 6×8.</summary>
internal readonly unsafe struct Kernel256<T> : IMicroKernel<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int MR => 6;

    public static int NR => 2 * Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, T* c, nint ldc, T alpha, T beta, T* tile)
    {
        var w = Vector256<T>.Count;
        var c00 = Vector256<T>.Zero; var c01 = Vector256<T>.Zero;
        var c10 = Vector256<T>.Zero; var c11 = Vector256<T>.Zero;
        var c20 = Vector256<T>.Zero; var c21 = Vector256<T>.Zero;
        var c30 = Vector256<T>.Zero; var c31 = Vector256<T>.Zero;
        var c40 = Vector256<T>.Zero; var c41 = Vector256<T>.Zero;
        var c50 = Vector256<T>.Zero; var c51 = Vector256<T>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + w);
            var a0 = Vector256.Create(a[0]);
            c00 = MicroKernels.Fma(a0, b0, c00);
            c01 = MicroKernels.Fma(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = MicroKernels.Fma(a1, b0, c10);
            c11 = MicroKernels.Fma(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = MicroKernels.Fma(a2, b0, c20);
            c21 = MicroKernels.Fma(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = MicroKernels.Fma(a3, b0, c30);
            c31 = MicroKernels.Fma(a3, b1, c31);
            var a4 = Vector256.Create(a[4]);
            c40 = MicroKernels.Fma(a4, b0, c40);
            c41 = MicroKernels.Fma(a4, b1, c41);
            var a5 = Vector256.Create(a[5]);
            c50 = MicroKernels.Fma(a5, b0, c50);
            c51 = MicroKernels.Fma(a5, b1, c51);
            a += 6;
            b += 2 * w;
        }

        if (tile != null)
        {
            Vector256.Store(c00, tile);
            Vector256.Store(c01, tile + w);
            Vector256.Store(c10, tile + (2 * w));
            Vector256.Store(c11, tile + (3 * w));
            Vector256.Store(c20, tile + (4 * w));
            Vector256.Store(c21, tile + (5 * w));
            Vector256.Store(c30, tile + (6 * w));
            Vector256.Store(c31, tile + (7 * w));
            Vector256.Store(c40, tile + (8 * w));
            Vector256.Store(c41, tile + (9 * w));
            Vector256.Store(c50, tile + (10 * w));
            Vector256.Store(c51, tile + (11 * w));
            return;
        }

        var va = Vector256.Create(alpha);
        MicroKernels.Commit(c, c00, va, beta);
        MicroKernels.Commit(c + w, c01, va, beta);
        MicroKernels.Commit(c + ldc, c10, va, beta);
        MicroKernels.Commit(c + ldc + w, c11, va, beta);
        MicroKernels.Commit(c + (2 * ldc), c20, va, beta);
        MicroKernels.Commit(c + (2 * ldc) + w, c21, va, beta);
        MicroKernels.Commit(c + (3 * ldc), c30, va, beta);
        MicroKernels.Commit(c + (3 * ldc) + w, c31, va, beta);
        MicroKernels.Commit(c + (4 * ldc), c40, va, beta);
        MicroKernels.Commit(c + (4 * ldc) + w, c41, va, beta);
        MicroKernels.Commit(c + (5 * ldc), c50, va, beta);
        MicroKernels.Commit(c + (5 * ldc) + w, c51, va, beta);
    }
}

/// <summary>6 rows × 2 Vector128 accumulators (12 registers, which SSE and Arm64 both have): float 6×8, double 6×4.</summary>
internal readonly unsafe struct Kernel128<T> : IMicroKernel<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int MR => 6;

    public static int NR => 2 * Vector128<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, T* a, T* b, T* c, nint ldc, T alpha, T beta, T* tile)
    {
        var w = Vector128<T>.Count;
        var c00 = Vector128<T>.Zero; var c01 = Vector128<T>.Zero;
        var c10 = Vector128<T>.Zero; var c11 = Vector128<T>.Zero;
        var c20 = Vector128<T>.Zero; var c21 = Vector128<T>.Zero;
        var c30 = Vector128<T>.Zero; var c31 = Vector128<T>.Zero;
        var c40 = Vector128<T>.Zero; var c41 = Vector128<T>.Zero;
        var c50 = Vector128<T>.Zero; var c51 = Vector128<T>.Zero;
        for (var p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + w);
            var a0 = Vector128.Create(a[0]);
            c00 = MicroKernels.Fma(a0, b0, c00);
            c01 = MicroKernels.Fma(a0, b1, c01);
            var a1 = Vector128.Create(a[1]);
            c10 = MicroKernels.Fma(a1, b0, c10);
            c11 = MicroKernels.Fma(a1, b1, c11);
            var a2 = Vector128.Create(a[2]);
            c20 = MicroKernels.Fma(a2, b0, c20);
            c21 = MicroKernels.Fma(a2, b1, c21);
            var a3 = Vector128.Create(a[3]);
            c30 = MicroKernels.Fma(a3, b0, c30);
            c31 = MicroKernels.Fma(a3, b1, c31);
            var a4 = Vector128.Create(a[4]);
            c40 = MicroKernels.Fma(a4, b0, c40);
            c41 = MicroKernels.Fma(a4, b1, c41);
            var a5 = Vector128.Create(a[5]);
            c50 = MicroKernels.Fma(a5, b0, c50);
            c51 = MicroKernels.Fma(a5, b1, c51);
            a += 6;
            b += 2 * w;
        }

        if (tile != null)
        {
            Vector128.Store(c00, tile);
            Vector128.Store(c01, tile + w);
            Vector128.Store(c10, tile + (2 * w));
            Vector128.Store(c11, tile + (3 * w));
            Vector128.Store(c20, tile + (4 * w));
            Vector128.Store(c21, tile + (5 * w));
            Vector128.Store(c30, tile + (6 * w));
            Vector128.Store(c31, tile + (7 * w));
            Vector128.Store(c40, tile + (8 * w));
            Vector128.Store(c41, tile + (9 * w));
            Vector128.Store(c50, tile + (10 * w));
            Vector128.Store(c51, tile + (11 * w));
            return;
        }

        var va = Vector128.Create(alpha);
        MicroKernels.Commit(c, c00, va, beta);
        MicroKernels.Commit(c + w, c01, va, beta);
        MicroKernels.Commit(c + ldc, c10, va, beta);
        MicroKernels.Commit(c + ldc + w, c11, va, beta);
        MicroKernels.Commit(c + (2 * ldc), c20, va, beta);
        MicroKernels.Commit(c + (2 * ldc) + w, c21, va, beta);
        MicroKernels.Commit(c + (3 * ldc), c30, va, beta);
        MicroKernels.Commit(c + (3 * ldc) + w, c31, va, beta);
        MicroKernels.Commit(c + (4 * ldc), c40, va, beta);
        MicroKernels.Commit(c + (4 * ldc) + w, c41, va, beta);
        MicroKernels.Commit(c + (5 * ldc), c50, va, beta);
        MicroKernels.Commit(c + (5 * ldc) + w, c51, va, beta);
    }
}


/// <summary>4 × 4 scalar fused multiply–adds: the kernel for machines without SIMD and for other element types.</summary>
internal readonly unsafe struct KernelScalar<T> : IMicroKernel<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public static int MR => 4;

    public static int NR => 4;

    public static void Run(int kc, T* a, T* b, T* c, nint ldc, T alpha, T beta, T* tile)
    {
        Span<T> acc = stackalloc T[16];
        acc.Clear();
        for (var p = 0; p < kc; p++)
        {
            for (var i = 0; i < 4; i++)
            {
                var x = a[i];
                acc[(4 * i) + 0] = T.FusedMultiplyAdd(x, b[0], acc[(4 * i) + 0]);
                acc[(4 * i) + 1] = T.FusedMultiplyAdd(x, b[1], acc[(4 * i) + 1]);
                acc[(4 * i) + 2] = T.FusedMultiplyAdd(x, b[2], acc[(4 * i) + 2]);
                acc[(4 * i) + 3] = T.FusedMultiplyAdd(x, b[3], acc[(4 * i) + 3]);
            }

            a += 4;
            b += 4;
        }

        for (var i = 0; i < 4; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                if (tile != null)
                {
                    tile[(4 * i) + j] = acc[(4 * i) + j];
                }
                else
                {
                    ref var target = ref c[(i * ldc) + j];
                    target = MicroKernels.Commit(acc[(4 * i) + j], alpha, beta, target);
                }
            }
        }
    }
}

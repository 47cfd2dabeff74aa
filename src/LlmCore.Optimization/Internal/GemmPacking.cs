using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmCore.Optimization.Internal;

/// <summary>
/// The transposing half of <see cref="Gemm"/>'s packing: <c>dst[p·width + r] = src[r·ld + p]</c> for r &lt; rows and
/// p &lt; kc, zero for rows ≤ r &lt; width. It packs row-major A into MR-row panels and Bᵀ into NR-column panels.
/// </summary>
/// <remarks>
/// With AVX-512 the rows are transposed in registers, 16×16 floats or 8×8 doubles at a time (unpack, then 128-bit
/// lane shuffles), and each group of <c>width</c> values is written with full-vector stores that may run up to one
/// vector past the group: later stores overwrite the excess, so a destination needs <see cref="Slack"/> spare elements
/// after the panel. Elsewhere, and for the last kc mod 16 columns, it copies element by element
/// (<see cref="TransposeScalar{T}"/>, the reference it is tested against). Both write the same values.
/// </remarks>
internal static unsafe class GemmPacking
{
    /// <summary>Why the AVX-512 methods are left out of the coverage count: they run only where the processor has
    /// AVX-512F (elsewhere the intrinsics throw), where <c>GemmPackingTests</c> checks them against the scalar transpose;
    /// counted, they made the Optimization floor depend on the CI machine (94.62 % lines on an AMD EPYC without AVX-512
    /// against 96.72 % on the machine that set the floor).</summary>
    private const string Avx512Only = "AVX-512F only: tested against the scalar transpose where the processor has it";

    /// <summary>Spare elements a destination needs after its last panel.</summary>
    public const int Slack = 16;

    /// <summary>Packs rows × kc of a row-major source into kc groups of width (rows ≤ width), zero-padded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Transpose<T>(T* src, nint ld, int rows, int width, int kc, T* dst)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var done = Avx512F.IsSupported ? TransposeBlocks(src, ld, rows, width, kc, dst) : 0;
        TransposeScalar(src + done, ld, rows, width, kc - done, dst + (done * width));
    }

    /// <summary>The AVX-512 block transposes for float and double; returns how many of the kc columns they packed (0 for
    /// other types).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [ExcludeFromCodeCoverage(Justification = Avx512Only)]
    private static int TransposeBlocks<T>(T* src, nint ld, int rows, int width, int kc, T* dst)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return Transpose16((float*)src, ld, rows, width, kc, (float*)dst);
        }

        return typeof(T) == typeof(double) ? Transpose8((double*)src, ld, rows, width, kc, (double*)dst) : 0;
    }

    /// <summary>The span form of <see cref="Transpose{T}(T*, nint, int, int, int, T*)"/> (vectorised) or of
    /// <see cref="TransposeScalar{T}"/>, for tests: checks that the source holds the rows and that the destination holds
    /// kc groups of width plus <see cref="Slack"/>.</summary>
    public static void Transpose<T>(ReadOnlySpan<T> src, int ld, int rows, int width, int kc, Span<T> dst, bool vectorized)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, width);
        ArgumentOutOfRangeException.ThrowIfLessThan(src.Length, rows == 0 ? 0 : ((rows - 1) * ld) + kc, nameof(src));
        ArgumentOutOfRangeException.ThrowIfLessThan(dst.Length, (kc * width) + Slack, nameof(dst));
        fixed (T* s = src, d = dst)
        {
            if (vectorized)
            {
                Transpose(s, ld, rows, width, kc, d);
            }
            else
            {
                TransposeScalar(s, ld, rows, width, kc, d);
            }
        }
    }

    /// <summary>The element-by-element form: the reference, and the path for other hardware and the last columns.</summary>
    public static void TransposeScalar<T>(T* src, nint ld, int rows, int width, int kc, T* dst)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (var r = 0; r < rows; r++)
        {
            var source = src + (r * ld);
            var target = dst + r;
            for (var p = 0; p < kc; p++)
            {
                target[p * width] = source[p];
            }
        }

        for (var r = rows; r < width; r++)
        {
            for (var p = 0; p < kc; p++)
            {
                dst[(p * width) + r] = T.Zero;
            }
        }
    }

    /// <summary>Transposes in 16×16 float blocks; returns how many of the kc columns it packed (a multiple of 16).</summary>
    [ExcludeFromCodeCoverage(Justification = Avx512Only)]
    private static int Transpose16(float* src, nint ld, int rows, int width, int kc, float* dst)
    {
        var blocks = (width + 15) / 16;
        var full = kc & ~15;
        for (var p0 = 0; p0 < full; p0 += 16)
        {
            // Last block first: a block's stores may run into the next group, which the lower blocks (stored after)
            // and the next columns overwrite.
            for (var block = blocks - 1; block >= 0; block--)
            {
                var r0 = block * 16;
                var source = src + (r0 * ld) + p0;
                var valid = Math.Min(16, rows - r0);
                var target = dst + (p0 * width) + r0;
                var x0 = Row16(source, ld, 0, valid);
                var x1 = Row16(source, ld, 1, valid);
                var x2 = Row16(source, ld, 2, valid);
                var x3 = Row16(source, ld, 3, valid);
                var x4 = Row16(source, ld, 4, valid);
                var x5 = Row16(source, ld, 5, valid);
                var x6 = Row16(source, ld, 6, valid);
                var x7 = Row16(source, ld, 7, valid);
                var x8 = Row16(source, ld, 8, valid);
                var x9 = Row16(source, ld, 9, valid);
                var x10 = Row16(source, ld, 10, valid);
                var x11 = Row16(source, ld, 11, valid);
                var x12 = Row16(source, ld, 12, valid);
                var x13 = Row16(source, ld, 13, valid);
                var x14 = Row16(source, ld, 14, valid);
                var x15 = Row16(source, ld, 15, valid);

                // 32-bit interleave of row pairs, then 64-bit interleave of pair pairs: u{g}{c} holds, in 128-bit
                // lane L, rows 4g..4g+3 of column 4L + c.
                var t0 = Avx512F.UnpackLow(x0, x1);
                var t1 = Avx512F.UnpackHigh(x0, x1);
                var t2 = Avx512F.UnpackLow(x2, x3);
                var t3 = Avx512F.UnpackHigh(x2, x3);
                var t4 = Avx512F.UnpackLow(x4, x5);
                var t5 = Avx512F.UnpackHigh(x4, x5);
                var t6 = Avx512F.UnpackLow(x6, x7);
                var t7 = Avx512F.UnpackHigh(x6, x7);
                var t8 = Avx512F.UnpackLow(x8, x9);
                var t9 = Avx512F.UnpackHigh(x8, x9);
                var t10 = Avx512F.UnpackLow(x10, x11);
                var t11 = Avx512F.UnpackHigh(x10, x11);
                var t12 = Avx512F.UnpackLow(x12, x13);
                var t13 = Avx512F.UnpackHigh(x12, x13);
                var t14 = Avx512F.UnpackLow(x14, x15);
                var t15 = Avx512F.UnpackHigh(x14, x15);

                var u00 = Low64(t0, t2);
                var u01 = High64(t0, t2);
                var u02 = Low64(t1, t3);
                var u03 = High64(t1, t3);
                var u10 = Low64(t4, t6);
                var u11 = High64(t4, t6);
                var u12 = Low64(t5, t7);
                var u13 = High64(t5, t7);
                var u20 = Low64(t8, t10);
                var u21 = High64(t8, t10);
                var u22 = Low64(t9, t11);
                var u23 = High64(t9, t11);
                var u30 = Low64(t12, t14);
                var u31 = High64(t12, t14);
                var u32 = Low64(t13, t15);
                var u33 = High64(t13, t15);

                // Output column j = 4L + c gathers lane L of u0c, u1c, u2c, u3c; stores in increasing column order.
                var (o0, o4, o8, o12) = Lanes(u00, u10, u20, u30);
                var (o1, o5, o9, o13) = Lanes(u01, u11, u21, u31);
                var (o2, o6, o10, o14) = Lanes(u02, u12, u22, u32);
                var (o3, o7, o11, o15) = Lanes(u03, u13, u23, u33);
                o0.Store(target);
                o1.Store(target + width);
                o2.Store(target + (2 * width));
                o3.Store(target + (3 * width));
                o4.Store(target + (4 * width));
                o5.Store(target + (5 * width));
                o6.Store(target + (6 * width));
                o7.Store(target + (7 * width));
                o8.Store(target + (8 * width));
                o9.Store(target + (9 * width));
                o10.Store(target + (10 * width));
                o11.Store(target + (11 * width));
                o12.Store(target + (12 * width));
                o13.Store(target + (13 * width));
                o14.Store(target + (14 * width));
                o15.Store(target + (15 * width));
            }
        }

        return full;
    }

    /// <summary>Transposes in 8×8 double blocks; returns how many of the kc columns it packed (a multiple of 8).</summary>
    [ExcludeFromCodeCoverage(Justification = Avx512Only)]
    private static int Transpose8(double* src, nint ld, int rows, int width, int kc, double* dst)
    {
        var blocks = (width + 7) / 8;
        var full = kc & ~7;
        for (var p0 = 0; p0 < full; p0 += 8)
        {
            for (var block = blocks - 1; block >= 0; block--)
            {
                var r0 = block * 8;
                var source = src + (r0 * ld) + p0;
                var valid = Math.Min(8, rows - r0);
                var target = dst + (p0 * width) + r0;
                var x0 = Row8(source, ld, 0, valid);
                var x1 = Row8(source, ld, 1, valid);
                var x2 = Row8(source, ld, 2, valid);
                var x3 = Row8(source, ld, 3, valid);
                var x4 = Row8(source, ld, 4, valid);
                var x5 = Row8(source, ld, 5, valid);
                var x6 = Row8(source, ld, 6, valid);
                var x7 = Row8(source, ld, 7, valid);

                // u{g}{c} holds, in 128-bit lane L, rows 2g and 2g + 1 of column 2L + c.
                var u00 = Avx512F.UnpackLow(x0, x1);
                var u01 = Avx512F.UnpackHigh(x0, x1);
                var u10 = Avx512F.UnpackLow(x2, x3);
                var u11 = Avx512F.UnpackHigh(x2, x3);
                var u20 = Avx512F.UnpackLow(x4, x5);
                var u21 = Avx512F.UnpackHigh(x4, x5);
                var u30 = Avx512F.UnpackLow(x6, x7);
                var u31 = Avx512F.UnpackHigh(x6, x7);

                var (o0, o2, o4, o6) = Lanes(u00, u10, u20, u30);
                var (o1, o3, o5, o7) = Lanes(u01, u11, u21, u31);
                o0.Store(target);
                o1.Store(target + width);
                o2.Store(target + (2 * width));
                o3.Store(target + (3 * width));
                o4.Store(target + (4 * width));
                o5.Store(target + (5 * width));
                o6.Store(target + (6 * width));
                o7.Store(target + (7 * width));
            }
        }

        return full;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [ExcludeFromCodeCoverage(Justification = Avx512Only)]
    private static Vector512<float> Row16(float* source, nint ld, int r, int valid)
        => r < valid ? Vector512.Load(source + (r * ld)) : Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [ExcludeFromCodeCoverage(Justification = Avx512Only)]
    private static Vector512<double> Row8(double* source, nint ld, int r, int valid)
        => r < valid ? Vector512.Load(source + (r * ld)) : Vector512<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [ExcludeFromCodeCoverage(Justification = Avx512Only)]
    private static Vector512<float> Low64(Vector512<float> x, Vector512<float> y)
        => Avx512F.UnpackLow(x.AsDouble(), y.AsDouble()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [ExcludeFromCodeCoverage(Justification = Avx512Only)]
    private static Vector512<float> High64(Vector512<float> x, Vector512<float> y)
        => Avx512F.UnpackHigh(x.AsDouble(), y.AsDouble()).AsSingle();

    /// <summary>The 4×4 transpose of 128-bit lanes: returns (lane 0 of a, b, c, d), (lane 1 ...), (lane 2 ...), (lane 3 ...).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [ExcludeFromCodeCoverage(Justification = Avx512Only)]
    private static (Vector512<float>, Vector512<float>, Vector512<float>, Vector512<float>) Lanes(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        var ab01 = Avx512F.Shuffle4x128(a, b, 0x44);
        var ab23 = Avx512F.Shuffle4x128(a, b, 0xEE);
        var cd01 = Avx512F.Shuffle4x128(c, d, 0x44);
        var cd23 = Avx512F.Shuffle4x128(c, d, 0xEE);
        return (Avx512F.Shuffle4x128(ab01, cd01, 0x88), Avx512F.Shuffle4x128(ab01, cd01, 0xDD), Avx512F.Shuffle4x128(ab23, cd23, 0x88), Avx512F.Shuffle4x128(ab23, cd23, 0xDD));
    }

    /// <summary>The 4×4 transpose of 128-bit lanes for doubles (two per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [ExcludeFromCodeCoverage(Justification = Avx512Only)]
    private static (Vector512<double>, Vector512<double>, Vector512<double>, Vector512<double>) Lanes(Vector512<double> a, Vector512<double> b, Vector512<double> c, Vector512<double> d)
    {
        var ab01 = Avx512F.Shuffle4x128(a, b, 0x44);
        var ab23 = Avx512F.Shuffle4x128(a, b, 0xEE);
        var cd01 = Avx512F.Shuffle4x128(c, d, 0x44);
        var cd23 = Avx512F.Shuffle4x128(c, d, 0xEE);
        return (Avx512F.Shuffle4x128(ab01, cd01, 0x88), Avx512F.Shuffle4x128(ab01, cd01, 0xDD), Avx512F.Shuffle4x128(ab23, cd23, 0x88), Avx512F.Shuffle4x128(ab23, cd23, 0xDD));
    }
}

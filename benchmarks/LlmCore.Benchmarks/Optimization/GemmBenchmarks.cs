using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using LlmCore.Optimization.Internal;
using MathNet.Numerics.LinearAlgebra;

namespace LlmCore.Benchmarks.Optimization;

/// <summary>
/// One square float product C = A·B (Size³ multiply–adds, 2·Size³ FLOP) by the naive triple loop (baseline),
/// LlmCore's kernel, and the alternatives measured before choosing it: OpenBLAS's <c>cblas_sgemm</c> called directly
/// (Debian's libopenblas0-pthread, the library PyTorch uses here; MathNet's OpenBLAS provider package cannot load it on
/// Linux because it needs a native wrapper MathNet ships only for Windows), MathNet.Numerics' managed provider, and
/// one System.Numerics.Tensors dot product per element over a pre-transposed B. All multi-threaded ones use both cores.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Optimization")]
public class GemmBenchmarks
{
    private const string OpenBlasLibrary = "libopenblas.so.0";
    private float[] _a = [];
    private float[] _b = [];
    private float[] _bTransposed = [];
    private float[] _c = [];
    private Matrix<float> _am = null!;
    private Matrix<float> _bm = null!;
    private Matrix<float> _cm = null!;
    private bool _openBlas;

    /// <summary>Gets or sets the side of the square matrices.</summary>
    [Params(64, 256, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var n = Size;
        _a = new float[n * n];
        _b = new float[n * n];
        _bTransposed = new float[n * n];
        _c = new float[n * n];
        for (var i = 0; i < _a.Length; i++)
        {
            _a[i] = (float)((2 * random.NextDouble()) - 1);
            _b[i] = (float)((2 * random.NextDouble()) - 1);
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                _bTransposed[(j * n) + i] = _b[(i * n) + j];
            }
        }

        // MathNet is column-major: store Aᵀ and Bᵀ and compute Bᵀ·Aᵀ = (A·B)ᵀ, the same work.
        _am = Matrix<float>.Build.Dense(n, n, _bTransposed.ToArray());
        _bm = Matrix<float>.Build.Dense(n, n, TransposeOf(_a, n));
        _cm = Matrix<float>.Build.Dense(n, n);
        _openBlas = NativeLibrary.TryLoad(OpenBlasLibrary, out _);
        if (_openBlas)
        {
            OpenBlas.SetThreads(Environment.ProcessorCount);
        }
    }

    /// <summary>The textbook triple loop (i, j, p), one thread.</summary>
    [Benchmark(Baseline = true)]
    public void Naive() => Gemm.Reference(false, false, Size, Size, Size, 1f, _a, Size, _b, Size, 0f, _c, Size);

    /// <summary>LlmCore's packed, register-blocked kernel (Vector512 here), both cores above 96³.</summary>
    [Benchmark]
    public void LlmCore() => Gemm.Multiply(false, false, Size, Size, Size, 1f, _a, Size, _b, Size, 0f, _c, Size);

    /// <summary>OpenBLAS 0.3 <c>cblas_sgemm</c> (Debian's pthread build, its Haswell kernels here), both cores.</summary>
    [Benchmark]
    public void OpenBlasNative()
    {
        if (!_openBlas)
        {
            throw new InvalidOperationException($"{OpenBlasLibrary} is not installed (Debian: apt-get install libopenblas0-pthread).");
        }

        OpenBlas.Sgemm(Size, _a, _b, _c);
    }

    /// <summary>MathNet.Numerics 5's managed provider (column-major, parallel).</summary>
    [Benchmark]
    public void MathNetManaged() => _am.Multiply(_bm, _cm);

    /// <summary>One <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per element over
    /// rows of A and of a pre-transposed B, rows split across cores.</summary>
    [Benchmark]
    public void TensorPrimitivesRows()
    {
        var n = Size;
        var a = _a;
        var bt = _bTransposed;
        var c = _c;
        Parallel.For(0, Environment.ProcessorCount, part =>
        {
            var (start, length) = ParallelWork.Partition(n, Environment.ProcessorCount, part);
            for (var i = start; i < start + length; i++)
            {
                var row = a.AsSpan(i * n, n);
                for (var j = 0; j < n; j++)
                {
                    c[(i * n) + j] = TensorPrimitives.Dot(row, bt.AsSpan(j * n, n));
                }
            }
        });
    }

    private static float[] TransposeOf(float[] x, int n)
    {
        var t = new float[x.Length];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                t[(j * n) + i] = x[(i * n) + j];
            }
        }

        return t;
    }

    private static unsafe class OpenBlas
    {
        private const int RowMajor = 101;
        private const int NoTrans = 111;

        public static void SetThreads(int threads) => openblas_set_num_threads(threads);

        public static void Sgemm(int n, float[] a, float[] b, float[] c)
        {
            fixed (float* pa = a, pb = b, pc = c)
            {
                cblas_sgemm(RowMajor, NoTrans, NoTrans, n, n, n, 1f, pa, n, pb, n, 0f, pc, n);
            }
        }

        [DllImport(OpenBlasLibrary)]
        private static extern void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

        [DllImport(OpenBlasLibrary)]
        private static extern void openblas_set_num_threads(int threads);
    }
}

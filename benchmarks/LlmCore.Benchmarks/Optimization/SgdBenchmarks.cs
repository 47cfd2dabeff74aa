using BenchmarkDotNet.Attributes;
using LlmCore.Optimization;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Benchmarks.Optimization;

/// <summary>
/// One plain SGD step over 1M float parameters against the memory floor of that step
/// (read values and gradients, write values).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Optimization")]
public class SgdBenchmarks
{
    private const int Length = 1 << 20;
    private float[] _values = [];
    private float[] _gradient = [];
    private Parameter<float> _parameter = null!;
    private Sgd<float> _sgd = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _values = new float[Length];
        _gradient = new float[Length];
        for (var i = 0; i < Length; i++)
        {
            _values[i] = (float)random.NextDouble();
            _gradient[i] = (float)random.NextDouble();
        }

        _parameter = new Parameter<float>("w", (float[])_values.Clone());
        _gradient.CopyTo(_parameter.Gradient);
        _sgd = new Sgd<float>([_parameter], learningRate: 1e-6);
    }

    [Benchmark(Baseline = true)]
    public void MemoryFloor()
    {
        var values = _values;
        var gradient = _gradient;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] -= 1e-6f * gradient[i];
        }
    }

    [Benchmark]
    public void LlmCore() => _sgd.Step();
}

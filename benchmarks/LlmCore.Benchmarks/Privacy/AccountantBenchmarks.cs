using BenchmarkDotNet.Attributes;
using LlmCore.Privacy.Accounting;

namespace LlmCore.Benchmarks.Privacy;

/// <summary>
/// Privacy accounting: RDP ε of DP-SGD for a new (q, σ) over Opacus' 151 default orders (target &lt; 5 ms; a pure-Python
/// reference takes 0.5 s), the Opacus-style noise-multiplier search (&lt; 0.2 s), and PLD ε for the MNIST setting
/// (N = 60,000, B = 256, σ = 1.1, 60 epochs, δ = 1e-5; &lt; 1 s). Baseline: RDP over the integer orders 2..63 only
/// (no fractional series), the cheap part of the same computation.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory("Privacy")]
public class AccountantBenchmarks
{
    private static readonly double[] s_integerOrders = Enumerable.Range(2, 62).Select(static i => (double)i).ToArray();
    private (double Q, double Sigma)[] _settings = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _settings = new (double, double)[64];
        for (var i = 0; i < _settings.Length; i++)
        {
            _settings[i] = (0.001 + 0.05 * random.NextDouble(), 0.7 + 2.0 * random.NextDouble());
        }
    }

    [Benchmark(Baseline = true)]
    public double RdpEpsilonIntegerOrders()
    {
        var (q, sigma) = NextSetting();
        var accountant = new RdpAccountant(s_integerOrders);
        accountant.Compose(new PoissonSampledEvent(q, new GaussianEvent(sigma)), 2250);
        return accountant.GetEpsilon(1e-5);
    }

    [Benchmark]
    public double RdpEpsilonDefaultOrders()
    {
        var (q, sigma) = NextSetting();
        var accountant = new RdpAccountant();
        accountant.Compose(new PoissonSampledEvent(q, new GaussianEvent(sigma)), 2250);
        return accountant.GetEpsilon(1e-5);
    }

    [Benchmark]
    public double NoiseMultiplierSearchRdp() =>
        NoiseCalibration.FindNoiseMultiplier(8, 1e-5, 0.04, 2250, static () => new RdpAccountant()).NoiseMultiplier;

    [Benchmark]
    public double PldEpsilonMnist()
    {
        var accountant = new PldAccountant();
        accountant.Compose(new PoissonSampledEvent(256.0 / 60000, new GaussianEvent(1.1)), 14063);
        return accountant.GetEpsilon(1e-5);
    }

    private (double Q, double Sigma) NextSetting()
    {
        var s = _settings[_next];
        _next = (_next + 1) % _settings.Length;
        return s;
    }
}

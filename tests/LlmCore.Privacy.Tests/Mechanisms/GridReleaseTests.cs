using LlmCore.Optimization.Tests;
using LlmCore.Privacy.Budget;
using LlmCore.Privacy.Guarantees;
using LlmCore.Privacy.Mechanisms;
using LlmCore.Privacy.Sampling;
using LlmCore.Privacy.Tests.TestSupport;

namespace LlmCore.Privacy.Tests.Mechanisms;

/// <summary>The vector release shared by the Laplace and Gaussian grid mechanisms.</summary>
public class GridReleaseTests
{
    public static TheoryData<string> Mechanisms => new() { "laplace", "gaussian" };

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void Release_SameSeed_EqualsRoundedValuesPlusFillNoise(string kind)
    {
        // Release(values) must be round_g(values) + the same noise FillNoise draws from the same stream, over several chunks.
        var values = Enumerable.Range(0, 1500).Select(static i => Math.Sin(i) * 1e3).ToArray();
        var released = new double[values.Length];
        Create(kind, new SeededRandomSource(71)).Release(values, released);
        var reference = Create(kind, new SeededRandomSource(71));
        var noise = new double[values.Length];
        for (var start = 0; start < values.Length; start += LaplaceSampler.ChunkLength)
        {
            reference.FillNoise(noise.AsSpan(start, Math.Min(LaplaceSampler.ChunkLength, values.Length - start)));
        }

        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(reference.RoundToGrid(values[i]) + noise[i], released[i]);
            Assert.Equal(Math.Round(released[i] / reference.Granularity), released[i] / reference.Granularity);
        }
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void Release_InPlace_IsAllowed(string kind)
    {
        var values = Enumerable.Range(0, 1025).Select(static i => (double)i).ToArray();
        var copy = (double[])values.Clone();
        var expected = new double[values.Length];
        Create(kind, new SeededRandomSource(72)).Release(copy, expected);

        Create(kind, new SeededRandomSource(72)).Release(values, values);

        Assert.Equal(expected, values);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void Release_PartialOverlap_ThrowsNamingDestination(string kind)
    {
        var buffer = new double[20];
        var mechanism = Create(kind, new SeededRandomSource(73));

        var ex = Assert.Throws<ArgumentException>(() => mechanism.Release(buffer.AsSpan(0, 10), buffer.AsSpan(5, 10)));

        Assert.Equal("destination", ex.ParamName);
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void Release_Vector_AllocatesNothing(string kind)
    {
        var mechanism = Create(kind, new SeededRandomSource(74));
        var values = new double[10_000];
        var destination = new double[values.Length];
        mechanism.Release(values, destination);

        Assert.Equal(0, SteadyStateAllocation.Fewest(() => mechanism.Release(values, destination)));
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public void Release_NonFiniteValue_ThrowsBeforeSpendingOrDrawing(string kind)
    {
        var source = new Statistics.CountingSource(new SeededRandomSource(75));
        var mechanism = Create(kind, source);
        var budget = new PrivacyBudget(10, 0.5);

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => mechanism.Release([1.0, double.NaN], new double[2], budget));

        Assert.Equal("values", ex.ParamName);
        Assert.Equal(0, source.Words);
        Assert.Equal(0, budget.SpendCount);
    }

    private static IGridNoiseMechanism Create(string kind, IRandomSource source) => kind == "laplace"
        ? new LaplaceAdapter(new LaplaceMechanism(1, 1, source))
        : new GaussianAdapter(new GaussianMechanism(1, 1e-6, 1, source: source));

    private interface IGridNoiseMechanism
    {
        double Granularity { get; }

        void Release(ReadOnlySpan<double> values, Span<double> destination, PrivacyBudget? budget = null);

        void FillNoise(Span<double> destination);

        double RoundToGrid(double value);
    }

    private sealed class LaplaceAdapter(LaplaceMechanism m) : IGridNoiseMechanism
    {
        public double Granularity => m.Granularity;

        public void Release(ReadOnlySpan<double> values, Span<double> destination, PrivacyBudget? budget = null) => m.Release(values, destination, budget);

        public void FillNoise(Span<double> destination) => m.FillNoise(destination);

        public double RoundToGrid(double value) => m.RoundToGrid(value);
    }

    private sealed class GaussianAdapter(GaussianMechanism m) : IGridNoiseMechanism
    {
        public double Granularity => m.Granularity;

        public void Release(ReadOnlySpan<double> values, Span<double> destination, PrivacyBudget? budget = null) => m.Release(values, destination, budget);

        public void FillNoise(Span<double> destination) => m.FillNoise(destination);

        public double RoundToGrid(double value) => m.RoundToGrid(value);
    }
}

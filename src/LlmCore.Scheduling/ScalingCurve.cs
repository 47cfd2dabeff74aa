using System.Globalization;
using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling;

/// <summary>
/// How an elastic job's throughput grows with its GPUs: <see cref="Throughput"/>(n) in units of one GPU's throughput.
/// The engine and the simulator run an elastic job of n GPUs at <c>Throughput(n) / Throughput(max)</c> of the speed it
/// has at its largest size, so a job's duration is its run time at <see cref="JobSpec.Gpus"/>.
/// </summary>
/// <remarks>
/// <see cref="Linear"/> is perfect scaling; <see cref="Amdahl"/> is Amdahl's law with a serial fraction;
/// <see cref="FromPoints"/> interpolates measured throughputs piecewise linearly (the shape of Pollux's and Sia's
/// profiled scaling curves: Qiao et al., OSDI 2021; Jayaram Subramanya et al., SOSP 2023). Immutable and thread-safe.
/// </remarks>
public sealed class ScalingCurve
{
    private readonly double[] _gpus;
    private readonly double[] _throughput;
    private readonly double _serialFraction;

    private ScalingCurve(double[] gpus, double[] throughput, double serialFraction, string description)
    {
        _gpus = gpus;
        _throughput = throughput;
        _serialFraction = serialFraction;
        Description = description;
    }

    /// <summary>Gets perfect linear scaling: Throughput(n) = n.</summary>
    public static ScalingCurve Linear { get; } = new([], [], 0, "linear");

    /// <summary>Gets a short description (<c>linear</c>, <c>amdahl(0.05)</c>, <c>points(…)</c>).</summary>
    public string Description { get; }

    /// <summary>Amdahl's law: Throughput(n) = 1 / (s + (1 − s) / n) for serial fraction s.</summary>
    /// <param name="serialFraction">The serial fraction s, in [0, 1).</param>
    /// <returns>The curve.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="serialFraction"/> is outside [0, 1) or NaN.</exception>
    public static ScalingCurve Amdahl(double serialFraction)
    {
        Guard.HalfOpenFraction(serialFraction);
        return new ScalingCurve([], [], serialFraction, "amdahl(" + serialFraction.ToString("G", CultureInfo.InvariantCulture) + ")");
    }

    /// <summary>Measured throughputs at some GPU counts, interpolated linearly between them and extrapolated flat beyond.</summary>
    /// <param name="points">(GPUs ≥ 1, throughput &gt; 0) pairs with distinct GPU counts, in any order; at least one.</param>
    /// <returns>The curve.</returns>
    /// <exception cref="ArgumentException"><paramref name="points"/> is empty, repeats a GPU count or holds a value out of range.</exception>
    public static ScalingCurve FromPoints(IEnumerable<(int Gpus, double Throughput)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var sorted = points.OrderBy(p => p.Gpus).ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("A scaling curve needs at least one point.", nameof(points));
        }

        for (var i = 0; i < sorted.Length; i++)
        {
            if (sorted[i].Gpus < 1 || !double.IsFinite(sorted[i].Throughput) || sorted[i].Throughput <= 0 || (i > 0 && sorted[i].Gpus == sorted[i - 1].Gpus))
            {
                throw new ArgumentException("Points need distinct GPU counts ≥ 1 and finite throughputs > 0.", nameof(points));
            }
        }

        var description = "points(" + string.Join(";", sorted.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Gpus}:{p.Throughput:G}"))) + ")";
        return new ScalingCurve([.. sorted.Select(p => (double)p.Gpus)], [.. sorted.Select(p => p.Throughput)], 0, description);
    }

    /// <summary>Gets the throughput of <paramref name="gpus"/> GPUs in units of one GPU's throughput (for
    /// <see cref="FromPoints"/>, in the points' own units).</summary>
    /// <param name="gpus">The GPU count, ≥ 1.</param>
    /// <returns>The throughput (&gt; 0).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gpus"/> is less than 1.</exception>
    public double Throughput(int gpus)
    {
        Guard.Positive(gpus);
        if (_gpus.Length == 0)
        {
            return 1 / (_serialFraction + ((1 - _serialFraction) / gpus));
        }

        if (gpus <= _gpus[0])
        {
            return _throughput[0];
        }

        for (var i = 1; i < _gpus.Length; i++)
        {
            if (gpus <= _gpus[i])
            {
                var f = (gpus - _gpus[i - 1]) / (_gpus[i] - _gpus[i - 1]);
                return _throughput[i - 1] + (f * (_throughput[i] - _throughput[i - 1]));
            }
        }

        return _throughput[^1];
    }

    /// <summary>The speed of <paramref name="gpus"/> GPUs relative to <paramref name="maxGpus"/>: Throughput(n) / Throughput(max).</summary>
    internal double RelativeSpeed(int gpus, int maxGpus) => gpus == maxGpus ? 1 : Throughput(gpus) / Throughput(maxGpus);

    /// <inheritdoc/>
    public override string ToString() => Description;
}

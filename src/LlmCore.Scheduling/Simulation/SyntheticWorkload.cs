using System.Globalization;
using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling.Simulation;

/// <summary>One entry of a GPU-count mix: jobs of <paramref name="Gpus"/> GPUs drawn with relative <paramref name="Weight"/>.</summary>
/// <param name="Gpus">GPUs per job, ≥ 1.</param>
/// <param name="Weight">Relative weight, finite and &gt; 0.</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public readonly record struct GpuCountWeight(int Gpus, double Weight);

/// <summary>How <see cref="SyntheticWorkload"/> draws job durations.</summary>
public enum DurationModel
{
    /// <summary>Log-normal with <see cref="SyntheticWorkloadOptions.MedianDurationSeconds"/> and
    /// <see cref="SyntheticWorkloadOptions.DurationSigma"/>, capped at <see cref="SyntheticWorkloadOptions.MaxDurationSeconds"/>.</summary>
    LogNormal = 0,

    /// <summary>Gavel's fit to the Philly trace: with probability 0.8, 10^U(1.5, 3) minutes, else 10^U(3, 4) minutes
    /// (Narayanan et al., OSDI 2020; <c>scheduler/utils.py</c> of the Gavel repository). The median and σ settings are ignored.</summary>
    PhillyBands = 1,
}

/// <summary>The settings of <see cref="SyntheticWorkload.Generate"/>.</summary>
/// <remarks>
/// The defaults imitate the Philly October 2017 trace (Jeon et al., ATC 2019): median duration 1,684 s and p99
/// 212,125 s give a log-normal with μ = ln 1684 and σ = ln(212125/1684)/2.326 ≈ 2.08; most jobs use 1 GPU.
/// This type is immutable and thread-safe.
/// </remarks>
public sealed record SyntheticWorkloadOptions
{
    /// <summary>Gets the number of jobs, ≥ 0.</summary>
    /// <value>The default value is 1000.</value>
    public int Jobs { get; init; } = 1000;

    /// <summary>Gets the mean arrival rate before <see cref="LoadFactor"/>, in jobs per hour, finite and &gt; 0.</summary>
    /// <value>The default value is 63 (Philly October: 47,192 jobs in 31 days).</value>
    public double ArrivalsPerHour { get; init; } = 63;

    /// <summary>Gets the factor applied to the arrival rate (2 doubles the offered load), finite and &gt; 0.</summary>
    /// <value>The default value is 1.</value>
    public double LoadFactor { get; init; } = 1;

    /// <summary>Gets the median job duration in seconds, finite and &gt; 0.</summary>
    /// <value>The default value is 1,684.</value>
    public double MedianDurationSeconds { get; init; } = 1684;

    /// <summary>Gets σ of the log-normal duration, finite and ≥ 0 (larger is heavier-tailed).</summary>
    /// <value>The default value is 2.08.</value>
    public double DurationSigma { get; init; } = 2.08;

    /// <summary>Gets the cap on durations in seconds, finite and &gt; 0.</summary>
    /// <value>The default value is 2,750,674 (the longest Philly October job).</value>
    public double MaxDurationSeconds { get; init; } = 2_750_674;

    /// <summary>Gets the GPU-count mix.</summary>
    /// <value>The default value is 1 GPU 80%, 2 GPUs 6%, 4 GPUs 7%, 8 GPUs 5%, 16 GPUs 1.5%, 32 GPUs 0.5%.</value>
    public IReadOnlyList<GpuCountWeight> GpuMix { get; init; } =
        [new(1, 0.80), new(2, 0.06), new(4, 0.07), new(8, 0.05), new(16, 0.015), new(32, 0.005)];

    /// <summary>Gets the number of tenants, ≥ 1; job i's tenant is drawn uniformly.</summary>
    /// <value>The default value is 4.</value>
    public int Tenants { get; init; } = 4;

    /// <summary>Gets the seed.</summary>
    /// <value>The default value is 1.</value>
    public int Seed { get; init; } = 1;

    /// <summary>Gets how durations are drawn.</summary>
    /// <value>The default value is <see cref="DurationModel.LogNormal"/>.</value>
    public DurationModel Durations { get; init; } = DurationModel.LogNormal;

    /// <summary>Gets job classes (<see cref="JobSpec.JobClass"/>) drawn uniformly for each job; empty gives jobs no class.</summary>
    /// <value>The default value is empty.</value>
    public IReadOnlyList<string> JobClasses { get; init; } = [];
}

/// <summary>
/// Generates synthetic workloads for what-if studies: Poisson arrivals (exponential inter-arrival times),
/// heavy-tailed log-normal durations, a GPU-count mix and uniformly drawn tenants.
/// </summary>
/// <remarks>Deterministic for a seed. This type is stateless and thread-safe.</remarks>
public static class SyntheticWorkload
{
    /// <summary>Generates a trace.</summary>
    /// <param name="options">The settings.</param>
    /// <returns>The trace, job ids <c>syn-0</c>, <c>syn-1</c>, …; whole-second times and durations.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is outside its range.</exception>
    public static Trace Generate(SyntheticWorkloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Guard.NonNegative(options.Jobs, nameof(options.Jobs));
        Guard.Positive(options.Tenants, nameof(options.Tenants));
        Guard.PositiveFinite(options.ArrivalsPerHour, nameof(options.ArrivalsPerHour));
        Guard.PositiveFinite(options.LoadFactor, nameof(options.LoadFactor));
        Guard.PositiveFinite(options.MedianDurationSeconds, nameof(options.MedianDurationSeconds));
        Guard.PositiveFinite(options.MaxDurationSeconds, nameof(options.MaxDurationSeconds));
        Guard.NonNegativeFinite(options.DurationSigma, nameof(options.DurationSigma));

        ArgumentNullException.ThrowIfNull(options.GpuMix, nameof(options.GpuMix));
        if (options.GpuMix.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "GpuMix needs at least one entry.");
        }

        var totalWeight = 0.0;
        foreach (var m in options.GpuMix)
        {
            Guard.Positive(m.Gpus, nameof(options.GpuMix));
            Guard.PositiveFinite(m.Weight, nameof(options.GpuMix));
            totalWeight += m.Weight;
        }

        var random = new Random(options.Seed);
        var rate = options.ArrivalsPerHour * options.LoadFactor / 3600.0;
        var mu = Math.Log(options.MedianDurationSeconds);
        var jobs = new List<TraceJob>(options.Jobs);
        var clock = 0.0;
        for (var i = 0; i < options.Jobs; i++)
        {
            clock += -Math.Log(1.0 - random.NextDouble()) / rate;
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
            var duration = options.Durations == DurationModel.PhillyBands
                ? Math.Max(1, Math.Round(60 * Math.Pow(10, u2 < 0.8 ? 1.5 + (1.5 * (1 - u1)) : 3 + (1 - u1))))
                : Math.Min(options.MaxDurationSeconds, Math.Max(1, Math.Round(Math.Exp(mu + (options.DurationSigma * z)))));
            var pick = random.NextDouble() * totalWeight;
            var gpus = options.GpuMix[^1].Gpus;
            foreach (var m in options.GpuMix)
            {
                if (pick < m.Weight)
                {
                    gpus = m.Gpus;
                    break;
                }

                pick -= m.Weight;
            }

            var tenant = "tenant" + random.Next(options.Tenants).ToString(CultureInfo.InvariantCulture);
            var jobClass = options.JobClasses.Count == 0 ? null : options.JobClasses[random.Next(options.JobClasses.Count)];
            var spec = new JobSpec("syn-" + i.ToString(CultureInfo.InvariantCulture), gpus) { Tenant = tenant, JobClass = jobClass };
            jobs.Add(new TraceJob(spec, Math.Floor(clock), duration));
        }

        return new Trace(jobs);
    }
}

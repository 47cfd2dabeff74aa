using LlmCore.Scheduling.Internal;
using LlmCore.Scheduling.Metrics;

namespace LlmCore.Scheduling.Simulation;

/// <summary>Computes the fairness, wait and load metrics of <see cref="SimulationMetrics"/> from a schedule.</summary>
/// <remarks>This type is stateless and thread-safe.</remarks>
public static class SimulationStatistics
{
    /// <summary>
    /// Computes offered load, longest wait, per-tenant shares and Jain's fairness index; counts that need the
    /// scheduler's state (rejected, failed, unfinished, lost work, passes) are left 0, and so are the metrics that need
    /// the cluster's GPU types and throughputs: <see cref="SimulationMetrics.FinishTimeFairnessMean"/>,
    /// <see cref="SimulationMetrics.FinishTimeFairnessMax"/> (0) and <see cref="SimulationMetrics.UtilizationByGpuType"/>
    /// (empty). <see cref="Simulator.Run"/> fills all of them.
    /// </summary>
    /// <param name="trace">The workload.</param>
    /// <param name="jobs">Every job's submission and completion.</param>
    /// <param name="segments">Every run segment (open ones cut at the stop time included).</param>
    /// <param name="clusterGpus">GPUs in the cluster, ≥ 1.</param>
    /// <returns>The metrics.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clusterGpus"/> is below 1.</exception>
    public static SimulationMetrics Compute(Trace trace, IReadOnlyList<JobOutcomeRecord> jobs, IReadOnlyList<JobRunSegment> segments, int clusterGpus)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentOutOfRangeException.ThrowIfLessThan(clusterGpus, 1);
        var index = new Dictionary<string, int>(jobs.Count, StringComparer.Ordinal);
        for (var j = 0; j < jobs.Count; j++)
        {
            index.TryAdd(jobs[j].JobId, j);
        }

        var firstStart = new double[jobs.Count];
        Array.Fill(firstStart, double.NaN);
        var gpuSecondsByTenant = new Dictionary<string, double>(StringComparer.Ordinal);
        double total = 0;
        foreach (var s in segments)
        {
            var used = s.Gpus * (s.EndSeconds - s.StartSeconds);
            total += used;
            if (index.TryGetValue(s.JobId, out var j))
            {
                gpuSecondsByTenant[jobs[j].Tenant] = gpuSecondsByTenant.GetValueOrDefault(jobs[j].Tenant) + used;
                if (double.IsNaN(firstStart[j]) || s.StartSeconds < firstStart[j])
                {
                    firstStart[j] = s.StartSeconds;
                }
            }
        }

        var duration = new Dictionary<string, double>(trace.Jobs.Count, StringComparer.Ordinal);
        foreach (var t in trace.Jobs)
        {
            duration[t.Id] = t.DurationSeconds;
        }

        var durations = new double[jobs.Count];
        for (var j = 0; j < jobs.Count; j++)
        {
            durations[j] = duration.GetValueOrDefault(jobs[j].JobId);
        }

        return FromIndexed(trace.OfferedLoad(clusterGpus), jobs, durations, firstStart, gpuSecondsByTenant, total);
    }

    /// <summary>
    /// The metrics from per-job arrays in the order of <paramref name="jobs"/> (durations; first starts or NaN) and the
    /// GPU-seconds of the segments per tenant and in all: the one place of the formulas, for <see cref="Compute"/> and
    /// the simulator.
    /// </summary>
    internal static SimulationMetrics FromIndexed(double offeredLoad, IReadOnlyList<JobOutcomeRecord> jobs, double[] durations, double[] firstStart, Dictionary<string, double> gpuSecondsByTenant, double total)
    {
        var longestWait = 0.0;
        var perTenant = new Dictionary<string, (int Jobs, int Completed, double JctSum, double Work, double Held)>(StringComparer.Ordinal);
        for (var j = 0; j < jobs.Count; j++)
        {
            var job = jobs[j];
            if (!double.IsNaN(firstStart[j]))
            {
                longestWait = Math.Max(longestWait, firstStart[j] - job.SubmitSeconds);
            }

            perTenant.TryGetValue(job.Tenant, out var acc);
            acc.Jobs++;
            if (job.CompletedSeconds is { } done)
            {
                var jct = done - job.SubmitSeconds;
                acc.Completed++;
                acc.JctSum += jct;
                acc.Work += job.Gpus * durations[j];
                acc.Held += job.Gpus * jct;
            }

            perTenant[job.Tenant] = acc;
        }

        var shares = new List<TenantShare>(perTenant.Count);
        double sum = 0;
        double sumSquares = 0;
        var n = 0;
        foreach (var tenant in perTenant.Keys.Order(StringComparer.Ordinal))
        {
            var acc = perTenant[tenant];
            var used = gpuSecondsByTenant.GetValueOrDefault(tenant);
            var rate = acc.Held > 0 ? Math.Min(1, acc.Work / acc.Held) : acc.Completed > 0 ? 1 : 0;
            shares.Add(new TenantShare(tenant, acc.Jobs, acc.Completed, used, total > 0 ? used / total : 0, acc.Completed > 0 ? acc.JctSum / acc.Completed : 0, rate));
            if (acc.Completed > 0)
            {
                sum += rate;
                sumSquares += rate * rate;
                n++;
            }
        }

        return new SimulationMetrics(
            OfferedLoad: offeredLoad,
            Rejected: 0,
            Failed: 0,
            Unfinished: 0,
            LostGpuHours: 0,
            RestartGpuHours: 0,
            LongestWaitSeconds: longestWait,
            JainFairnessIndex: JainIndex(sum, sumSquares, n),
            Tenants: shares,
            Passes: 0);
    }

    /// <summary>Jain's fairness index of values: (Σx)² / (n·Σx²), 1 when all are equal, 1/n when one takes everything.</summary>
    /// <param name="values">Non-negative values.</param>
    /// <returns>The index in [1/n, 1]; 1 for no values or all zero.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative or not finite.</exception>
    /// <remarks>Jain, Chiu and Hawe, DEC-TR-301, 1984, definition (1).</remarks>
    internal static double JainFairnessIndex(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double sum = 0;
        double sumSquares = 0;
        foreach (var x in values)
        {
            Guard.NonNegativeFinite(x, nameof(values));
            sum += x;
            sumSquares += x * x;
        }

        return JainIndex(sum, sumSquares, values.Count);
    }

    private static double JainIndex(double sum, double sumSquares, int n) => n == 0 || sumSquares <= 0 ? 1 : sum * sum / (n * sumSquares);
}

using System.Globalization;

namespace LlmCore.Scheduling.Metrics;

/// <summary>
/// The headline metrics of a schedule, whether simulated or run on a real cluster; property names are the JSON keys
/// of <c>llmcore schedule simulate --json</c>.
/// </summary>
/// <param name="Jobs">Jobs in the workload.</param>
/// <param name="Completed">Jobs that completed.</param>
/// <param name="AvgJctSeconds">Mean job completion time (completion − submission) over completed jobs.</param>
/// <param name="P50JctSeconds">Median job completion time.</param>
/// <param name="P99JctSeconds">99th-percentile job completion time.</param>
/// <param name="AvgQueueDelaySeconds">Mean delay from submission to first start, over jobs that started.</param>
/// <param name="MakespanSeconds">From the first submission to the last segment's end.</param>
/// <param name="GpuUtilization">GPU-seconds of all run segments over cluster GPUs × makespan, in [0, 1].</param>
/// <param name="Preemptions">Run segments that ended in preemption.</param>
/// <remarks>
/// Percentiles interpolate linearly between closest ranks (NumPy's default, Hyndman and Fan's definition 7).
/// This type is immutable and thread-safe.
/// </remarks>
public sealed record ScheduleMetrics(
    int Jobs,
    int Completed,
    double AvgJctSeconds,
    double P50JctSeconds,
    double P99JctSeconds,
    double AvgQueueDelaySeconds,
    double MakespanSeconds,
    double GpuUtilization,
    int Preemptions)
{
    /// <summary>Computes the metrics of a schedule.</summary>
    /// <param name="jobs">Every job of the workload, once each.</param>
    /// <param name="segments">Every run segment.</param>
    /// <param name="clusterGpus">GPUs in the cluster, ≥ 1.</param>
    /// <returns>The metrics; averages over an empty set are 0.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="jobs"/> or <paramref name="segments"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clusterGpus"/> is below 1.</exception>
    /// <exception cref="ArgumentException">A segment names a job that is not in <paramref name="jobs"/>, or ends before it starts.</exception>
    public static ScheduleMetrics Compute(IReadOnlyCollection<JobOutcomeRecord> jobs, IReadOnlyCollection<JobRunSegment> segments, int clusterGpus)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentOutOfRangeException.ThrowIfLessThan(clusterGpus, 1);

        var byId = new Dictionary<string, JobOutcomeRecord>(jobs.Count, StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            if (!byId.TryAdd(job.JobId, job))
            {
                throw new ArgumentException($"Job '{job.JobId}' appears twice.", nameof(jobs));
            }
        }

        var firstStart = new Dictionary<string, double>(StringComparer.Ordinal);
        double gpuSeconds = 0;
        var preemptions = 0;
        var lastEnd = double.NegativeInfinity;
        foreach (var segment in segments)
        {
            if (!byId.ContainsKey(segment.JobId))
            {
                throw new ArgumentException($"A run segment names job '{segment.JobId}', which is not in the workload.", nameof(segments));
            }

            if (segment.EndSeconds < segment.StartSeconds)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The segment of job '{segment.JobId}' ends ({segment.EndSeconds}) before it starts ({segment.StartSeconds})."),
                    nameof(segments));
            }

            gpuSeconds += segment.Gpus * (segment.EndSeconds - segment.StartSeconds);
            lastEnd = Math.Max(lastEnd, segment.EndSeconds);
            if (segment.Outcome == RunOutcome.Preempted)
            {
                preemptions++;
            }

            if (!firstStart.TryGetValue(segment.JobId, out var start) || segment.StartSeconds < start)
            {
                firstStart[segment.JobId] = segment.StartSeconds;
            }
        }

        var jcts = new List<double>();
        double queueDelaySum = 0;
        var firstSubmit = double.PositiveInfinity;
        foreach (var job in jobs)
        {
            firstSubmit = Math.Min(firstSubmit, job.SubmitSeconds);
            if (job.CompletedSeconds is { } done)
            {
                jcts.Add(done - job.SubmitSeconds);
                lastEnd = Math.Max(lastEnd, done);
            }

            if (firstStart.TryGetValue(job.JobId, out var start))
            {
                queueDelaySum += start - job.SubmitSeconds;
            }
        }

        jcts.Sort();
        var makespan = jobs.Count == 0 || double.IsNegativeInfinity(lastEnd) ? 0 : Math.Max(0, lastEnd - firstSubmit);
        return new ScheduleMetrics(
            Jobs: jobs.Count,
            Completed: jcts.Count,
            AvgJctSeconds: jcts.Count == 0 ? 0 : jcts.Average(),
            P50JctSeconds: Percentile(jcts, 0.50),
            P99JctSeconds: Percentile(jcts, 0.99),
            AvgQueueDelaySeconds: firstStart.Count == 0 ? 0 : queueDelaySum / firstStart.Count,
            MakespanSeconds: makespan,
            GpuUtilization: makespan <= 0 ? 0 : Math.Min(1, gpuSeconds / (clusterGpus * makespan)),
            Preemptions: preemptions);
    }

    /// <summary>The p-quantile of sorted values, interpolating linearly between closest ranks (NumPy's default).</summary>
    /// <param name="sorted">Values in ascending order.</param>
    /// <param name="p">The quantile, in [0, 1].</param>
    /// <returns>The quantile, or 0 for no values.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1].</exception>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "The quantile must be in [0, 1].");
        }

        if (sorted.Count == 0)
        {
            return 0;
        }

        var position = p * (sorted.Count - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Count - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}

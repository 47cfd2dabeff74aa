using System.Globalization;
using LlmCore.Scheduling.Internal;

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
        Guard.Positive(clusterGpus);

        var index = new Dictionary<string, int>(jobs.Count, StringComparer.Ordinal);
        var submit = new double[jobs.Count];
        var completed = new double[jobs.Count];
        var i = 0;
        foreach (var job in jobs)
        {
            if (!index.TryAdd(job.JobId, i))
            {
                throw new ArgumentException($"Job '{job.JobId}' appears twice.", nameof(jobs));
            }

            submit[i] = job.SubmitSeconds;
            completed[i++] = job.CompletedSeconds ?? double.NaN;
        }

        var firstStart = new double[jobs.Count];
        Array.Fill(firstStart, double.NaN);
        var totals = new SegmentTotals();
        foreach (var segment in segments)
        {
            if (!index.TryGetValue(segment.JobId, out var j))
            {
                throw new ArgumentException($"A run segment names job '{segment.JobId}', which is not in the workload.", nameof(segments));
            }

            if (segment.EndSeconds < segment.StartSeconds)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The segment of job '{segment.JobId}' ends ({segment.EndSeconds}) before it starts ({segment.StartSeconds})."),
                    nameof(segments));
            }

            totals.Add(segment, firstStart, j);
        }

        return FromIndexed(submit, completed, firstStart, totals, clusterGpus);
    }

    /// <summary>
    /// The metrics from per-job arrays (submission, completion or NaN, first start or NaN, in one job order) and the
    /// segment totals: the one place of the formulas, for <see cref="Compute"/> and the simulator.
    /// </summary>
    internal static ScheduleMetrics FromIndexed(double[] submit, double[] completed, double[] firstStart, SegmentTotals totals, int clusterGpus)
    {
        var jcts = new List<double>();
        double queueDelaySum = 0;
        var started = 0;
        var firstSubmit = double.PositiveInfinity;
        var lastEnd = totals.LastEnd;
        for (var j = 0; j < submit.Length; j++)
        {
            firstSubmit = Math.Min(firstSubmit, submit[j]);
            if (!double.IsNaN(completed[j]))
            {
                jcts.Add(completed[j] - submit[j]);
                lastEnd = Math.Max(lastEnd, completed[j]);
            }

            if (!double.IsNaN(firstStart[j]))
            {
                queueDelaySum += firstStart[j] - submit[j];
                started++;
            }
        }

        jcts.Sort();
        var makespan = submit.Length == 0 || double.IsNegativeInfinity(lastEnd) ? 0 : Math.Max(0, lastEnd - firstSubmit);
        return new ScheduleMetrics(
            Jobs: submit.Length,
            Completed: jcts.Count,
            AvgJctSeconds: jcts.Count == 0 ? 0 : jcts.Average(),
            P50JctSeconds: Percentile(jcts, 0.50),
            P99JctSeconds: Percentile(jcts, 0.99),
            AvgQueueDelaySeconds: started == 0 ? 0 : queueDelaySum / started,
            MakespanSeconds: makespan,
            GpuUtilization: makespan <= 0 ? 0 : Math.Min(1, totals.GpuSeconds / (clusterGpus * makespan)),
            Preemptions: totals.Preemptions);
    }

    /// <summary>The p-quantile of sorted values, interpolating linearly between closest ranks (NumPy's default).</summary>
    /// <param name="sorted">Values in ascending order.</param>
    /// <param name="p">The quantile, in [0, 1].</param>
    /// <returns>The quantile, or 0 for no values.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1].</exception>
    internal static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        Guard.Probability(p);

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

/// <summary>What the metrics need from the run segments, accumulated in segment order.</summary>
internal sealed class SegmentTotals
{
    public double GpuSeconds { get; private set; }

    public double LastEnd { get; private set; } = double.NegativeInfinity;

    public int Preemptions { get; private set; }

    /// <summary>Adds a segment of job <paramref name="job"/>, keeping the earliest start per job in <paramref name="firstStart"/>.</summary>
    public void Add(JobRunSegment segment, double[] firstStart, int job) =>
        Add(segment.Gpus, segment.StartSeconds, segment.EndSeconds, segment.Outcome, ref firstStart[job]);

    /// <summary>Adds a segment given by its fields (the simulator's, which makes no segment object unless it keeps them),
    /// keeping the job's first start in <paramref name="firstStart"/> (NaN before its first segment).</summary>
    public void Add(int gpus, double start, double end, RunOutcome outcome, ref double firstStart)
    {
        GpuSeconds += gpus * (end - start);
        LastEnd = Math.Max(LastEnd, end);
        if (outcome == RunOutcome.Preempted)
        {
            Preemptions++;
        }

        if (double.IsNaN(firstStart) || start < firstStart)
        {
            firstStart = start;
        }
    }
}

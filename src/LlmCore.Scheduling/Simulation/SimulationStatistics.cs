using System.Globalization;
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
    /// (empty). <see cref="Compute(Trace, IReadOnlyList{JobOutcomeRecord}, IReadOnlyList{JobRunSegment}, Cluster, ThroughputMatrix?)"/>
    /// computes those from the cluster; <see cref="Simulator.Run"/> fills all of them.
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
        return Compute(trace, jobs, segments, clusterGpus, out _, out _);
    }

    /// <summary>
    /// Computes what <see cref="Compute(Trace, IReadOnlyList{JobOutcomeRecord}, IReadOnlyList{JobRunSegment}, int)"/>
    /// does on <paramref name="cluster"/>'s GPUs and, from its GPU types, finish-time fairness
    /// (<see cref="SimulationMetrics.FinishTimeFairnessMean"/>, <see cref="SimulationMetrics.FinishTimeFairnessMax"/>) and
    /// <see cref="SimulationMetrics.UtilizationByGpuType"/>, by the formulas of <see cref="Simulator.Run"/>: a library
    /// user who schedules with <see cref="SchedulingEngine"/> or <see cref="JobScheduler"/> gets the figures of
    /// <c>llmcore schedule simulate</c>.
    /// </summary>
    /// <param name="trace">The workload (each job's GPUs, duration on one full gang of the reference type, and job class).</param>
    /// <param name="jobs">Every job's submission and completion.</param>
    /// <param name="segments">Every run segment (open ones cut at the stop time included), each with its placement on
    /// <paramref name="cluster"/> (<c>node:gpus</c> pairs joined by <c>;</c>, as <see cref="Placement.ToString"/> writes it).</param>
    /// <param name="cluster">The cluster the jobs ran on.</param>
    /// <param name="throughputs">The throughput matrix the jobs ran by (<see cref="Policies.SchedulingPolicy.Throughputs"/>),
    /// or <see langword="null"/> when every GPU type runs every job at the same speed.</param>
    /// <returns>The metrics; the counts that need the scheduler's state (rejected, failed, unfinished, lost work,
    /// passes, resizes) are 0.</returns>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="throughputs"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A segment's placement is not <c>node:gpus</c> pairs naming nodes of
    /// <paramref name="cluster"/> (0 to its node count − 1).</exception>
    /// <remarks>
    /// <para>Utilisation of GPU type t: the GPU-seconds the segments held on nodes of type t over t's GPUs × the makespan
    /// (first submission to the last segment end or completion, as <see cref="ScheduleMetrics.MakespanSeconds"/>), at most 1.</para>
    /// <para>Finish-time fairness ρ = JCT / T_isolated as <see cref="SimulationMetrics.FinishTimeFairnessMean"/> defines it;
    /// N, the average number of jobs in the system over a job's life, is ∫ N(t) dt / JCT over [submission, completion],
    /// N(t) the jobs submitted and not yet completed at t. The simulator counts the jobs its engine holds (pending or
    /// running), which is the same number when every job completes; a job that never completes (rejected, failed or
    /// unfinished) stays in the system here to the end, so with such jobs N and ρ may come out larger than the
    /// simulator's.</para>
    /// <para>O((jobs + segments) log jobs). This method is thread-safe.</para>
    /// </remarks>
    public static SimulationMetrics Compute(Trace trace, IReadOnlyList<JobOutcomeRecord> jobs, IReadOnlyList<JobRunSegment> segments, Cluster cluster, ThroughputMatrix? throughputs = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(cluster);
        var metrics = Compute(trace, jobs, segments, cluster.TotalGpus, out var durations, out var lastEnd);
        var specs = new Dictionary<string, JobSpec>(trace.Jobs.Count, StringComparer.Ordinal);
        foreach (var t in trace.Jobs)
        {
            specs[t.Id] = t.Spec;
        }

        var (mean, max) = FinishTimeFairness(jobs, durations, j => specs.GetValueOrDefault(jobs[j].JobId)?.JobClass, cluster, throughputs);
        return metrics with
        {
            FinishTimeFairnessMean = mean,
            FinishTimeFairnessMax = max,
            UtilizationByGpuType = UtilizationByType(jobs, segments, cluster, lastEnd),
        };
    }

    /// <summary>The metrics of the public overloads, with each job's duration and the last segment end or completion.</summary>
    private static SimulationMetrics Compute(Trace trace, IReadOnlyList<JobOutcomeRecord> jobs, IReadOnlyList<JobRunSegment> segments, int clusterGpus, out double[] durations, out double lastEnd)
    {
        var index = new Dictionary<string, int>(jobs.Count, StringComparer.Ordinal);
        for (var j = 0; j < jobs.Count; j++)
        {
            index.TryAdd(jobs[j].JobId, j);
        }

        var firstStart = new double[jobs.Count];
        Array.Fill(firstStart, double.NaN);
        var gpuSecondsByTenant = new Dictionary<string, double>(StringComparer.Ordinal);
        double total = 0;
        lastEnd = double.NegativeInfinity;
        foreach (var s in segments)
        {
            var used = s.Gpus * (s.EndSeconds - s.StartSeconds);
            total += used;
            lastEnd = Math.Max(lastEnd, s.EndSeconds);
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

        durations = new double[jobs.Count];
        for (var j = 0; j < jobs.Count; j++)
        {
            durations[j] = duration.GetValueOrDefault(jobs[j].JobId);
        }

        return FromIndexed(trace.OfferedLoad(clusterGpus), jobs, durations, firstStart, gpuSecondsByTenant, total);
    }

    /// <summary>
    /// Per GPU type of <paramref name="cluster"/>: the GPU-seconds the segments held on nodes of that type over its GPUs ×
    /// the makespan, at most 1 (the simulator's formula, with each segment's type read from its placement).
    /// </summary>
    private static Dictionary<string, double> UtilizationByType(IReadOnlyList<JobOutcomeRecord> jobs, IReadOnlyList<JobRunSegment> segments, Cluster cluster, double lastSegmentEnd)
    {
        var used = new double[cluster.GpuTypes.Count];
        foreach (var s in segments)
        {
            var length = s.EndSeconds - s.StartSeconds;
            foreach (var (node, gpus) in ParsePlacement(s, cluster))
            {
                used[cluster.TypeOf[node]] += gpus * length;
            }
        }

        // The makespan as ScheduleMetrics.MakespanSeconds: first submission to the last segment end or completion.
        var firstSubmit = double.PositiveInfinity;
        var lastEnd = lastSegmentEnd;
        foreach (var job in jobs)
        {
            firstSubmit = Math.Min(firstSubmit, job.SubmitSeconds);
            lastEnd = job.CompletedSeconds is { } done ? Math.Max(lastEnd, done) : lastEnd;
        }

        var makespan = jobs.Count == 0 || double.IsNegativeInfinity(lastEnd) ? 0 : Math.Max(0, lastEnd - firstSubmit);
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var t = 0; t < used.Length; t++)
        {
            result[cluster.GpuTypes[t]] = makespan <= 0 ? 0 : Math.Min(1, used[t] / (cluster.GpusOfType[t] * makespan));
        }

        return result;
    }

    /// <summary>The (node, GPUs) pairs of a segment's placement, checked against the cluster.</summary>
    private static List<(int Node, int Gpus)> ParsePlacement(JobRunSegment segment, Cluster cluster)
    {
        var pairs = new List<(int Node, int Gpus)>(1);
        foreach (var part in segment.Placement.Split(';'))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0
                || !int.TryParse(part.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var node)
                || !int.TryParse(part.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var gpus)
                || node >= cluster.Nodes.Count)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"The segment of job '{segment.JobId}' has placement '{segment.Placement}'; expected node:gpus pairs joined by ';', nodes 0 to {cluster.Nodes.Count - 1}."),
                    "segments");
            }

            pairs.Add((node, gpus));
        }

        return pairs;
    }

    /// <summary>
    /// Finish-time fairness of the completed jobs: N(t) the jobs submitted and not yet completed, its integral from a
    /// prefix sum over the sorted submissions and completions (O(n log n)), and T_isolated from <see cref="IsolatedRate"/>.
    /// </summary>
    private static (double Mean, double Max) FinishTimeFairness(IReadOnlyList<JobOutcomeRecord> jobs, double[] durations, Func<int, string?> jobClass, Cluster cluster, ThroughputMatrix? throughputs)
    {
        var events = new List<(double Time, int Delta)>(2 * jobs.Count);
        foreach (var r in jobs)
        {
            events.Add((r.SubmitSeconds, +1));
            if (r.CompletedSeconds is { } c)
            {
                events.Add((c, -1));
            }
        }

        events.Sort(static (a, b) => a.Time.CompareTo(b.Time));
        var times = new List<double>(events.Count);
        var inSystem = new List<int>(events.Count);
        var area = new List<double>(events.Count);
        var n = 0;
        foreach (var (time, delta) in events)
        {
            n += delta;
            if (times.Count > 0 && times[^1] == time)
            {
                inSystem[^1] = n;
                continue;
            }

            area.Add(times.Count == 0 ? 0 : area[^1] + (inSystem[^1] * (time - times[^1])));
            times.Add(time);
            inSystem.Add(n);
        }

        double Integral(double t)
        {
            var i = times.BinarySearch(t);
            i = i >= 0 ? i : ~i - 1;
            return i < 0 ? 0 : area[i] + (inSystem[i] * (t - times[i]));
        }

        double sum = 0;
        double max = 0;
        var count = 0;
        for (var j = 0; j < jobs.Count; j++)
        {
            if (jobs[j].CompletedSeconds is not { } done)
            {
                continue;
            }

            var jct = done - jobs[j].SubmitSeconds;
            var average = jct > 0 ? (Integral(done) - Integral(jobs[j].SubmitSeconds)) / jct : 1;
            var rate = IsolatedRate(cluster, throughputs, jobClass(j), jobs[j].Gpus, Math.Max(1, average));
            var isolated = rate > 0 ? durations[j] / rate : 0;
            var rho = isolated > 0 ? jct / isolated : 1;
            sum += rho;
            max = Math.Max(max, rho);
            count++;
        }

        return count == 0 ? (0, 0) : (sum / count, max);
    }

    /// <summary>
    /// A job's speed on an equal 1/<paramref name="jobsInSystem"/> share of the cluster relative to one full gang of the
    /// reference type: min(fastest speed, Σ_t n_t·speed_t / (N·gpus)), speed 1 on every type without a matrix or for a
    /// class it does not list (see <see cref="SimulationMetrics.FinishTimeFairnessMean"/>).
    /// </summary>
    internal static double IsolatedRate(Cluster cluster, ThroughputMatrix? throughputs, string? jobClass, int gpus, double jobsInSystem)
    {
        var row = throughputs?.ClassIndex(jobClass) ?? -1;
        double share = 0;
        double fastest = 0;
        for (var t = 0; t < cluster.GpuTypes.Count; t++)
        {
            var column = row < 0 ? -1 : throughputs!.TypeIndex(cluster.GpuTypes[t]);
            var speed = row < 0 ? 1 : column < 0 ? 0 : throughputs!.RelativeSpeed(row, column);
            share += cluster.GpusOfType[t] * speed;
            fastest = Math.Max(fastest, speed);
        }

        return Math.Min(fastest, share / (jobsInSystem * gpus));
    }

    /// <summary>
    /// The metrics from per-job arrays in the order of <paramref name="jobs"/> (durations; first starts or NaN) and the
    /// GPU-seconds of the segments per tenant and in all: the one place of the formulas, for the public <c>Compute</c> overloads and
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

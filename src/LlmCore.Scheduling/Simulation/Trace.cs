using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling.Simulation;

/// <summary>
/// A workload to replay: jobs sorted by submission time (ties keep their input order), from a CSV file
/// (<see cref="TraceReader"/>) or a generator (<see cref="SyntheticWorkload"/>).
/// </summary>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed class Trace
{
    /// <summary>Creates a trace; the jobs are sorted by submission time, stably.</summary>
    /// <param name="jobs">The jobs; ids must be unique.</param>
    /// <exception cref="ArgumentNullException"><paramref name="jobs"/> or one of its items is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A job id repeats, or a time is outside [0, <see cref="TraceReader.MaxSeconds"/>].</exception>
    public Trace(IEnumerable<TraceJob> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var list = jobs.ToList();
        var ids = new HashSet<string>(list.Count, StringComparer.Ordinal);
        double gpuSeconds = 0;
        foreach (var job in list)
        {
            if (job is null)
            {
                throw new ArgumentNullException(nameof(jobs), "A trace job is null.");
            }

            if (!ids.Add(job.Id))
            {
                throw new ArgumentException($"Job id '{job.Id}' appears twice.", nameof(jobs));
            }

            if (!(job.SubmitSeconds >= 0 && job.SubmitSeconds <= TraceReader.MaxSeconds) || !(job.DurationSeconds >= 0 && job.DurationSeconds <= TraceReader.MaxSeconds))
            {
                throw new ArgumentException($"Job '{job.Id}' needs a submit time and a duration in [0, 1e9] seconds (TraceReader.MaxSeconds).", nameof(jobs));
            }

            gpuSeconds += job.GpuSeconds;
        }

        (Jobs, TotalGpuSeconds) = InSubmissionOrder(list, gpuSeconds);
    }

    /// <summary>A trace of jobs already checked as the public constructor checks them (unique ids, times in range):
    /// <see cref="TraceReader"/> does so row by row with line numbers, and a second pass over a million ids would only
    /// repeat it.</summary>
    private Trace(List<TraceJob> checkedJobs)
    {
        double gpuSeconds = 0;
        foreach (var job in checkedJobs)
        {
            gpuSeconds += job.GpuSeconds;
        }

        (Jobs, TotalGpuSeconds) = InSubmissionOrder(checkedJobs, gpuSeconds);
    }

    internal static Trace FromChecked(List<TraceJob> checkedJobs) => new(checkedJobs);

    private static (TraceJob[] Jobs, double GpuSeconds) InSubmissionOrder(List<TraceJob> list, double gpuSeconds)
    {
        // Traces are usually written in submission order: keep such a list as it is.
        var sorted = true;
        for (var i = 1; i < list.Count && sorted; i++)
        {
            sorted = list[i - 1].SubmitSeconds <= list[i].SubmitSeconds;
        }

        if (sorted)
        {
            return (list.ToArray(), gpuSeconds);
        }

        // List<T>.Sort is unstable: sort an index permutation with the input position as the tie-break.
        var order = Enumerable.Range(0, list.Count).ToArray();
        Array.Sort(order, (a, b) =>
        {
            var c = list[a].SubmitSeconds.CompareTo(list[b].SubmitSeconds);
            return c != 0 ? c : a.CompareTo(b);
        });
        return (order.Select(i => list[i]).ToArray(), gpuSeconds);
    }

    /// <summary>Gets the jobs in submission order.</summary>
    public IReadOnlyList<TraceJob> Jobs { get; }

    /// <summary>Gets the GPU-seconds the whole trace asks for: Σ gpus × duration.</summary>
    public double TotalGpuSeconds { get; }

    /// <summary>Gets the span of submissions: last submission − first submission (0 for fewer than two jobs).</summary>
    public double ArrivalSpanSeconds => Jobs.Count < 2 ? 0 : Jobs[^1].SubmitSeconds - Jobs[0].SubmitSeconds;

    /// <summary>
    /// The offered load on a cluster: GPU-seconds asked for over GPU-seconds available during the arrival window,
    /// <c>Σ gpus·duration / (clusterGpus × (last submit − first submit))</c>. Above 1 the queue grows without bound.
    /// </summary>
    /// <param name="clusterGpus">GPUs in the cluster, ≥ 1.</param>
    /// <returns>The offered load (0 when the arrival window is empty).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="clusterGpus"/> is below 1.</exception>
    public double OfferedLoad(int clusterGpus)
    {
        Guard.Positive(clusterGpus);
        var span = ArrivalSpanSeconds;
        return span <= 0 ? 0 : TotalGpuSeconds / (clusterGpus * span);
    }

    /// <summary>The first <paramref name="count"/> jobs (a contiguous window, as studies of traces use).</summary>
    /// <param name="count">How many jobs, ≥ 0; more than there are returns them all.</param>
    /// <returns>The shorter trace.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public Trace Take(int count)
    {
        Guard.NonNegative(count);
        return new Trace(Jobs.Take(count));
    }

    /// <summary>
    /// Scales the arrival rate by <paramref name="loadFactor"/>: submission times become
    /// <c>first + (submit − first) / loadFactor</c>, so the offered load is multiplied by the factor.
    /// </summary>
    /// <param name="loadFactor">The factor, finite and &gt; 0 (2 doubles the arrival rate).</param>
    /// <returns>The rescaled trace.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="loadFactor"/> is not finite and positive.</exception>
    /// <exception cref="ArgumentException">A rescaled submission time exceeds <see cref="TraceReader.MaxSeconds"/>.</exception>
    public Trace ScaleLoad(double loadFactor)
    {
        Guard.PositiveFinite(loadFactor);

        if (Jobs.Count == 0)
        {
            return this;
        }

        var first = Jobs[0].SubmitSeconds;
        return new Trace(Jobs.Select(j => j with { SubmitSeconds = first + ((j.SubmitSeconds - first) / loadFactor) }));
    }
}

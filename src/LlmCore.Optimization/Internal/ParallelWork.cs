using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace LlmCore.Optimization.Internal;

/// <summary>The work of one index of <see cref="ParallelWork.For{TBody}(int, in TBody)"/>.</summary>
/// <remarks>
/// Implement it on a struct that holds what the work needs (arrays, pointers to pinned memory, sizes); the struct is
/// copied once per call, so results go out through what it references, never through its own fields.
/// <see cref="Invoke"/> runs concurrently for different indices and must only write memory that no other index
/// writes; each index must compute the same thing whichever thread runs it, so that results never depend on
/// scheduling.
/// </remarks>
internal interface IParallelBody
{
    /// <summary>Does the work of one index in [0, count).</summary>
    void Invoke(int index);
}

/// <summary>
/// Allocation-free fork–join over the machine's cores for the hot kernels (matrix products, attention over
/// batch × heads, normalisation, optimizer steps): <c>For(count, body)</c> runs <c>body.Invoke(i)</c> for every i in
/// [0, count) on the calling thread and on persistent background workers, and returns when all are done.
/// </summary>
/// <remarks>
/// <para>Indices are claimed dynamically (an interlocked counter), so a worker that the operating system delays costs
/// nothing: the caller claims the remaining indices itself and withdraws a worker that has not started yet instead of
/// waiting for it to wake. No allocation per call: the body is copied into one cached job object per body type, and
/// the workers (ProcessorCount − 1 of them, created on first use) spin briefly after each job and then block.</para>
/// <para>Calls do not nest or queue: a call made from inside a body, from a worker, or while another thread's call is
/// in progress runs all its indices inline on the calling thread. Results are the same either way as long as each
/// index computes the same thing whichever thread runs it (see <see cref="IParallelBody"/>).</para>
/// <para>An exception thrown by a body is rethrown on the caller once every started index has finished (the first
/// one, if several throw). Thread-safe: any thread may call <see cref="For{TBody}(int, in TBody)"/> at any time.</para>
/// </remarks>
internal static class ParallelWork
{
    private const int Idle = 0;
    private const int Signalled = 1;
    private const int Running = 2;

    /// <summary>How long a worker keeps polling for the next job before it blocks (50 µs).</summary>
    private static readonly long s_spinTicks = Stopwatch.Frequency / 20_000;

    private static readonly Lock s_gate = new();
    private static Worker[]? s_workers;

    [ThreadStatic]
    private static bool t_inside;

    /// <summary>Gets the largest number of threads one call uses: the processor count.</summary>
    public static int MaxDegreeOfParallelism => Environment.ProcessorCount;

    /// <summary>Runs <c>body.Invoke(i)</c> for every i in [0, <paramref name="count"/>), in parallel on up to
    /// <see cref="MaxDegreeOfParallelism"/> threads.</summary>
    /// <param name="count">The number of indices; zero or negative does nothing.</param>
    /// <param name="body">The work, copied once.</param>
    public static void For<TBody>(int count, in TBody body)
        where TBody : struct, IParallelBody
        => For(count, body, int.MaxValue);

    /// <summary>Runs <c>body.Invoke(i)</c> for every i in [0, <paramref name="count"/>) on at most
    /// <paramref name="maxDegree"/> threads (the caller included).</summary>
    /// <param name="count">The number of indices; zero or negative does nothing.</param>
    /// <param name="body">The work, copied once.</param>
    /// <param name="maxDegree">The largest number of threads to use; 1 or less runs inline.</param>
    public static void For<TBody>(int count, in TBody body, int maxDegree)
        where TBody : struct, IParallelBody
    {
        if (count <= 0)
        {
            return;
        }

        var helpers = Math.Min(Math.Min(count, maxDegree), Environment.ProcessorCount) - 1;
        if (helpers <= 0 || t_inside || !s_gate.TryEnter())
        {
            RunInline(count, body);
            return;
        }

        try
        {
            t_inside = true;
            var workers = s_workers ??= StartWorkers();
            helpers = Math.Min(helpers, workers.Length);
            var job = Job<TBody>.Instance;
            job.Prepare(count, body);
            for (var w = 0; w < helpers; w++)
            {
                workers[w].Signal(job);
            }

            job.Execute();
            for (var w = 0; w < helpers; w++)
            {
                workers[w].WithdrawOrWait();
            }

            job.Finish();
        }
        finally
        {
            t_inside = false;
            s_gate.Exit();
        }
    }

    /// <summary>The range [start, start + length) of part <paramref name="index"/> when [0, <paramref name="total"/>)
    /// is cut into <paramref name="parts"/> nearly equal parts whose boundaries are multiples of
    /// <paramref name="granule"/> (the last part takes the remainder).</summary>
    public static (int Start, int Length) Partition(int total, int parts, int index, int granule = 1)
    {
        var granules = (total + granule - 1) / granule;
        var start = (int)Math.Min(total, (long)granules * index / parts * granule);
        var end = (int)Math.Min(total, (long)granules * (index + 1) / parts * granule);
        return (start, end - start);
    }

    private static void RunInline<TBody>(int count, TBody body)
        where TBody : struct, IParallelBody
    {
        // Same contract as the parallel path: every index runs, and the first exception is rethrown at the end.
        ExceptionDispatchInfo? first = null;
        var i = 0;
        while (i < count)
        {
            try
            {
                for (; i < count; i++)
                {
                    body.Invoke(i);
                }
            }
            catch (Exception ex)
            {
                first ??= ExceptionDispatchInfo.Capture(ex);
                i++;
            }
        }

        first?.Throw();
    }

    private static Worker[] StartWorkers()
    {
        var workers = new Worker[Math.Max(0, Environment.ProcessorCount - 1)];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = new Worker(w);
        }

        return workers;
    }

    /// <summary>A unit of fork–join work whose indices are claimed by the caller and the workers.</summary>
    private abstract class JobBase
    {
        public abstract void Execute();
    }

    /// <summary>The cached job of one body type; only used by the caller that holds the gate.</summary>
    private sealed class Job<TBody> : JobBase
        where TBody : struct, IParallelBody
    {
        public static readonly Job<TBody> Instance = new();

        private TBody _body;
        private int _count;
        private int _next;
        private ExceptionDispatchInfo? _error;

        public void Prepare(int count, in TBody body)
        {
            _body = body;
            _count = count;
            _error = null;
            Volatile.Write(ref _next, 0);
        }

        public override void Execute()
        {
            while (true)
            {
                var index = Interlocked.Increment(ref _next) - 1;
                if (index >= _count)
                {
                    return;
                }

                try
                {
                    _body.Invoke(index);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
                }
            }
        }

        public void Finish()
        {
            // Release whatever the body references: the job object lives as long as the process.
            _body = default;
            var error = _error;
            _error = null;
            error?.Throw();
        }
    }

    /// <summary>A persistent background thread that runs the jobs it is signalled.</summary>
    private sealed class Worker
    {
        private readonly ManualResetEventSlim _wake = new(false, 0);
        private JobBase? _job;
        private int _state;

        public Worker(int id)
        {
            var thread = new Thread(Loop, 256 * 1024)
            {
                IsBackground = true,
                Name = $"LlmCore.ParallelWork {id}",
            };
            thread.Start();
        }

        public void Signal(JobBase job)
        {
            _job = job;
            Volatile.Write(ref _state, Signalled);
            _wake.Set();
        }

        /// <summary>Takes back a job the worker has not started, or waits until it has finished it.</summary>
        public void WithdrawOrWait()
        {
            if (Interlocked.CompareExchange(ref _state, Idle, Signalled) == Signalled)
            {
                return;
            }

            var spinner = default(SpinWait);
            while (Volatile.Read(ref _state) != Idle)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }

        private void Loop()
        {
            t_inside = true;
            while (true)
            {
                if (!SpinForSignal())
                {
                    _wake.Wait();
                }

                _wake.Reset();
                if (Interlocked.CompareExchange(ref _state, Running, Signalled) != Signalled)
                {
                    continue;
                }

                _job!.Execute();
                _job = null;
                Volatile.Write(ref _state, Idle);
            }
        }

        private bool SpinForSignal()
        {
            var start = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _state) != Signalled)
            {
                if (Stopwatch.GetTimestamp() - start > s_spinTicks)
                {
                    return false;
                }

                Thread.SpinWait(16);
            }

            return true;
        }
    }
}

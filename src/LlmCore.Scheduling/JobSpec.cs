using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling;

/// <summary>Named priority classes for <see cref="JobSpec.Priority"/> (any integer is allowed; larger runs first).</summary>
/// <remarks>Thread-safe (constants only).</remarks>
public static class PriorityClasses
{
    /// <summary>Opportunistic work that anything may preempt: 0.</summary>
    public const int Low = 0;

    /// <summary>The default class: 100.</summary>
    public const int Normal = 100;

    /// <summary>Important work: 200.</summary>
    public const int High = 200;

    /// <summary>Production or deadline-critical work: 300.</summary>
    public const int Critical = 300;

    /// <summary>Parses a class name (<c>low</c>, <c>normal</c>, <c>high</c>, <c>critical</c>, case-insensitive) or an integer.</summary>
    /// <param name="value">The name or number.</param>
    /// <returns>The priority number.</returns>
    /// <exception cref="ArgumentException"><paramref name="value"/> is neither a class name nor an integer.</exception>
    public static int Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        switch (value.Trim().ToUpperInvariant())
        {
            case "LOW":
                return Low;
            case "NORMAL":
                return Normal;
            case "HIGH":
                return High;
            case "CRITICAL":
                return Critical;
            default:
                if (int.TryParse(value, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number))
                {
                    return number;
                }

                throw new ArgumentException($"'{value}' is not a priority class (low, normal, high, critical) or an integer.", nameof(value));
        }
    }
}

/// <summary>
/// An immutable request to run a job: a gang of GPUs that start together or not at all, with its resources,
/// constraints and the facts that policies use (priority, runtime estimate, checkpointing).
/// </summary>
/// <remarks>Immutable and thread-safe. Validation happens as each property is set.</remarks>
public sealed record JobSpec
{
    /// <summary>The stored value of a <see cref="TimeSpan"/>? that is <see langword="null"/> (both such properties are
    /// validated non-negative, so no real value has these ticks).</summary>
    private const long NoTicks = long.MinValue;

    // Storage: a simulator holds two specs per job (the trace's and the run's copy) for a million jobs, so the fields
    // every job sets live here (96 bytes a spec) and the rarely set ones in a shared Extras record (null when all are at
    // their defaults). The public properties, their validation, equality and `with` behave as plain auto-properties:
    // Extras is compared by value and kept null whenever it would equal the defaults.
    private Extras? _extras;
    private long _runtimeEstimateTicks = NoTicks;
    private long _checkpointIntervalTicks = NoTicks;
    private long _restartCostTicks;

    /// <summary>Creates a job request.</summary>
    /// <param name="id">A unique id.</param>
    /// <param name="gpus">The gang size: GPUs that must all be allocated at once, at least 1.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gpus"/> is zero or negative.</exception>
    public JobSpec(string id, int gpus)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        Id = id;
        Gpus = gpus;
    }

    /// <summary>Gets the job's unique id.</summary>
    public string Id { get; }

    /// <summary>Gets the gang size in GPUs (at least 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public int Gpus
    {
        get;
        init => field = Guard.Positive(value, nameof(Gpus));
    }

    /// <summary>Gets the tenant (team, virtual cluster) the job is charged to.</summary>
    /// <value>The default value is <c>default</c>.</value>
    /// <exception cref="ArgumentException">The value is empty.</exception>
    public string Tenant
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value, nameof(Tenant));
            field = value;
        }
    } = "default";

    /// <summary>Gets the priority number; larger is more important (see <see cref="PriorityClasses"/>).</summary>
    /// <value>The default value is <see cref="PriorityClasses.Normal"/>.</value>
    public int Priority { get; init; } = PriorityClasses.Normal;

    /// <summary>Gets the quality-of-service name that the multifactor policy weighs, or <see langword="null"/>.</summary>
    public string? Qos
    {
        get => _extras?.Qos;
        init
        {
            if (!ReferenceEquals(value, Qos))
            {
                SetExtras(ExtrasOrDefault with { Qos = value });
            }
        }
    }

    /// <summary>Gets the acceptable GPU types in order of preference; empty means any type.</summary>
    public IReadOnlyList<string> GpuTypes { get; init; } = [];

    /// <summary>Gets the CPU cores for the whole gang, spread over its nodes in proportion to their GPUs (≥ 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double CpuCores
    {
        get => _extras?.CpuCores ?? 0;
        init
        {
            if (Guard.NonNegativeFinite(value, nameof(CpuCores)) != CpuCores)
            {
                SetExtras(ExtrasOrDefault with { CpuCores = value });
            }
        }
    }

    /// <summary>Gets the memory in GiB for the whole gang, spread like <see cref="CpuCores"/> (≥ 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double MemoryGib
    {
        get => _extras?.MemoryGib ?? 0;
        init
        {
            if (Guard.NonNegativeFinite(value, nameof(MemoryGib)) != MemoryGib)
            {
                SetExtras(ExtrasOrDefault with { MemoryGib = value });
            }
        }
    }

    /// <summary>Gets the widest topology level the gang may span.</summary>
    /// <value>The default value is <see cref="TopologyLevel.Cluster"/> (tighter placements are still preferred).</value>
    /// <remarks><see cref="TopologyLevel.NvLinkDomain"/> and <see cref="TopologyLevel.Rack"/> refer to the levels named
    /// <c>nvlink</c> and <c>rack</c>; on a cluster without such a level (flat, or with other level names) they mean one
    /// node, as a level where every node is a domain of its own, and a gang wider than any node is rejected at
    /// submission. Name a cluster's own levels with <see cref="Topology"/> (<see cref="TopologyRequest.RequiredLevel"/>).</remarks>
    public TopologyLevel MaxSpan { get; init; } = TopologyLevel.Cluster;

    /// <summary>Gets the estimated run time, or <see langword="null"/> when unknown (SJF, SRTF and backfill use it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan? RuntimeEstimate
    {
        get => _runtimeEstimateTicks == NoTicks ? null : new TimeSpan(_runtimeEstimateTicks);
        init => _runtimeEstimateTicks = Guard.NonNegativeOrNull(value, nameof(RuntimeEstimate))?.Ticks ?? NoTicks;
    }

    /// <summary>Gets a value indicating whether the scheduler may preempt (requeue) the job.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Preemptible { get; init; } = true;

    /// <summary>Gets how often the job checkpoints; <see langword="null"/> means it never does (preemption loses all work).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is zero or negative.</exception>
    public TimeSpan? CheckpointInterval
    {
        get => _checkpointIntervalTicks == NoTicks ? null : new TimeSpan(_checkpointIntervalTicks);
        init => _checkpointIntervalTicks = Guard.PositiveOrNull(value, nameof(CheckpointInterval))?.Ticks ?? NoTicks;
    }

    /// <summary>Gets the time a restart spends before making progress (loading a checkpoint), charged to every restarted run.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan RestartCost
    {
        get => new(_restartCostTicks);
        init => _restartCostTicks = Guard.NonNegative(value, nameof(RestartCost)).Ticks;
    }

    /// <summary>Gets the ids of jobs that must complete successfully before this one may start (Slurm <c>afterok</c>).</summary>
    public IReadOnlyList<string> Dependencies
    {
        get => _extras?.Dependencies ?? [];
        init
        {
            if (!ReferenceEquals(value, Dependencies))
            {
                SetExtras(ExtrasOrDefault with { Dependencies = value });
            }
        }
    }

    /// <summary>Gets the time by which the job must finish; a job that can no longer finish by then is cancelled (Slurm <c>--deadline</c>).</summary>
    public DateTimeOffset? Deadline
    {
        get => _extras?.Deadline;
        init
        {
            if (value.HasValue != Deadline.HasValue || (value is { } d && !d.EqualsExact(Deadline!.Value)))
            {
                SetExtras(ExtrasOrDefault with { Deadline = value });
            }
        }
    }

    /// <summary>Gets where the gang must or should sit in the topology (required or preferred level, slices, balance), or <see langword="null"/>.</summary>
    public TopologyRequest? Topology
    {
        get => _extras?.Topology;
        init
        {
            if (!ReferenceEquals(value, Topology))
            {
                SetExtras(ExtrasOrDefault with { Topology = value });
            }
        }
    }

    /// <summary>Gets the job's class in a <see cref="ThroughputMatrix"/> (for example <c>ResNet-50</c>), or <see langword="null"/> when
    /// its speed does not depend on the GPU type.</summary>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    public string? JobClass
    {
        get;
        init
        {
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException("A job class must not be empty.", nameof(JobClass));
            }

            field = value;
        }
    }

    /// <summary>
    /// Gets the fewest GPUs an elastic job runs on (1 ≤ MinGpus ≤ <see cref="Gpus"/>), or <see langword="null"/> for a rigid
    /// job. An elastic job starts at any size from MinGpus to <see cref="Gpus"/> (the largest that fits), grows when GPUs
    /// are idle, and shrinks before it would be preempted; each resize is a checkpoint and restart that pays
    /// <see cref="RestartCost"/>. Its duration and runtime estimate are at <see cref="Gpus"/> GPUs; at n GPUs it runs at
    /// <see cref="Scaling"/>'s relative speed (Kueue KEP-77 elastic workloads; Pollux, Qiao et al., OSDI 2021).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int? MinGpus
    {
        get => _extras?.MinGpus;
        init
        {
            if (Guard.PositiveOrNull(value, nameof(MinGpus)) != MinGpus)
            {
                SetExtras(ExtrasOrDefault with { MinGpus = value });
            }
        }
    }

    /// <summary>Gets how an elastic job's throughput grows with its GPUs.</summary>
    /// <value>The default value is <see cref="ScalingCurve.Linear"/>.</value>
    /// <exception cref="ArgumentNullException">The value is <see langword="null"/>.</exception>
    public ScalingCurve Scaling
    {
        get => _extras?.Scaling ?? ScalingCurve.Linear;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(Scaling));
            if (!ReferenceEquals(value, Scaling))
            {
                SetExtras(ExtrasOrDefault with { Scaling = value });
            }
        }
    }

    /// <summary>Gets a value indicating whether the job is elastic (<see cref="MinGpus"/> below <see cref="Gpus"/>).</summary>
    public bool IsElastic => MinGpus is { } min && min < Gpus;

    /// <summary>The smallest gang the engine may place: <see cref="MinGpus"/> for an elastic job, else <see cref="Gpus"/>.</summary>
    internal int SmallestGang => IsElastic ? MinGpus!.Value : Gpus;

    internal double CpuPerGpu => CpuCores / Gpus;

    /// <summary>A rigid copy with a gang of <paramref name="gpus"/>, each GPU with this job's CPU and memory per GPU.</summary>
    internal JobSpec WithGang(int gpus) => gpus == Gpus ? this : this with
    {
        Gpus = gpus,
        CpuCores = CpuPerGpu * gpus,
        MemoryGib = MemoryPerGpu * gpus,
        MinGpus = null,
    };

    internal double MemoryPerGpu => MemoryGib / Gpus;

    private Extras ExtrasOrDefault => _extras ?? Extras.Defaults;

    /// <summary>Keeps <paramref name="extras"/>, or none when it holds only defaults, so that equality and hashing see
    /// the same fields whichever way a spec was built. A setter that would not change its property returns before this (the object initializers of readers set every
    /// property, mostly to its default), so a spec with only defaults allocates no Extras.</summary>
    private void SetExtras(Extras extras) => _extras = extras == Extras.Defaults ? null : extras;

    /// <summary>The rarely set properties (see the storage note at the top).</summary>
    private sealed record Extras
    {
        public static Extras Defaults { get; } = new();

        public string? Qos { get; init; }

        public double CpuCores { get; init; }

        public double MemoryGib { get; init; }

        public IReadOnlyList<string> Dependencies { get; init; } = [];

        public DateTimeOffset? Deadline { get; init; }

        public TopologyRequest? Topology { get; init; }

        public int? MinGpus { get; init; }

        public ScalingCurve Scaling { get; init; } = ScalingCurve.Linear;
    }
}

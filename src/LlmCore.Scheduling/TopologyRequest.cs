using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling;

/// <summary>
/// Where a gang's GPUs must or should sit in the cluster's topology, after Kueue's topology-aware scheduling
/// annotations (<c>podset-required-topology</c>, <c>podset-preferred-topology</c>, <c>podset-slice-required-topology</c>
/// with <c>podset-slice-size</c>). Level names are those of <see cref="Cluster.TopologyLevels"/> plus <c>node</c> and
/// <c>cluster</c>, compared case-insensitively; a job naming a level its cluster lacks is rejected at submission.
/// </summary>
/// <remarks>
/// <para><b>Required</b>: every GPU in one domain of that level; the job waits (and may preempt to free such a domain)
/// rather than span two. <b>Preferred</b>: the job tries one domain of that level and, when none has room, falls back to
/// wider levels, using as few domains of the preferred level as it can. Without either the scheduler still prefers the
/// tightest placement (one node, then one domain of each level, narrowest first).</para>
/// <para><b>Slices</b>: the gang is cut into slices of <see cref="SliceGpus"/> GPUs, each inside one domain of
/// <see cref="SliceLevel"/> (for example 8 slices of one node each, all inside one rack). <b>Balanced</b>: when the gang
/// spreads over several domains (nodes, or slice domains, or domains of the preferred level), their shares differ by at
/// most one GPU (one slice) instead of filling the largest first.</para>
/// <para>Immutable and thread-safe.</para>
/// </remarks>
public sealed record TopologyRequest
{
    /// <summary>Gets the level one domain of which must hold the whole gang, or <see langword="null"/>.</summary>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    public string? RequiredLevel
    {
        get;
        init => field = CheckName(value, nameof(RequiredLevel));
    }

    /// <summary>Gets the level one domain of which should hold the gang when possible, or <see langword="null"/>.</summary>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    public string? PreferredLevel
    {
        get;
        init => field = CheckName(value, nameof(PreferredLevel));
    }

    /// <summary>Gets the GPUs of one slice (≥ 1; the gang size must be a multiple), or <see langword="null"/> for no slices.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int? SliceGpus
    {
        get;
        init => field = Guard.PositiveOrNull(value, nameof(SliceGpus));
    }

    /// <summary>Gets the level one domain of which holds each slice.</summary>
    /// <value>The default value is <c>node</c>.</value>
    /// <exception cref="ArgumentException">The value is empty or white space.</exception>
    public string SliceLevel
    {
        get;
        init => field = CheckName(value, nameof(SliceLevel)) ?? throw new ArgumentNullException(nameof(SliceLevel));
    } = Cluster.NodeLevel;

    /// <summary>Gets a value indicating whether the gang's GPUs are spread evenly over the domains it uses.</summary>
    public bool Balanced { get; init; }

    private static string? CheckName(string? value, string name)
    {
        if (value is not null && string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException("A topology level name must not be empty.", name);
        }

        return value?.Trim();
    }
}

namespace LlmCore.Scheduling.Policies;

/// <summary>
/// The one registry of named orderings: each entry creates an ordering from <see cref="PolicyParameters"/>, and the
/// entry's name is the <see cref="IJobOrdering.Name"/> of what it creates. <see cref="SchedulingPolicy.Names"/>,
/// <see cref="SchedulingPolicy.Create(string, PolicyParameters, bool, bool)"/>, the options validator and the CLI read
/// it; nothing else lists policy names.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
internal static class PolicyCatalog
{
    private static readonly Func<PolicyParameters, IJobOrdering>[] s_factories =
    [
        _ => new FifoOrdering(),
        p => new PriorityAgingOrdering(p.AgingPointsPerHour),
        _ => new ShortestJobFirstOrdering(),
        _ => new ShortestRemainingTimeFirstOrdering(),
        p => new LeastAttainedServiceOrdering(p.LasThresholdsGpuSeconds, p.LasStarvationFactor),
        p => new MultifactorOrdering(p.Multifactor),
        _ => new DominantResourceFairnessOrdering(),
    ];

    private static readonly string[] s_names = [.. s_factories.Select(f => f(new PolicyParameters()).Name)];

    /// <summary>Gets the registered names, in registration order.</summary>
    public static IReadOnlyList<string> Names => s_names;

    /// <summary>Gets whether <paramref name="name"/> (case-insensitive) is registered.</summary>
    public static bool Contains(string? name) => name is not null && IndexOf(name) >= 0;

    /// <summary>Creates the ordering registered as <paramref name="name"/> (case-insensitive), or <see langword="null"/>.</summary>
    public static IJobOrdering? CreateOrdering(string name, PolicyParameters parameters)
    {
        var i = IndexOf(name);
        return i < 0 ? null : s_factories[i](parameters);
    }

    private static int IndexOf(string name)
    {
        var trimmed = name.Trim();
        for (var i = 0; i < s_names.Length; i++)
        {
            if (string.Equals(s_names[i], trimmed, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}

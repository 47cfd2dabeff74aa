using LlmCore.Scheduling.Internal;

namespace LlmCore.Scheduling;

/// <summary>
/// A tenant's GPU quota, in the model of Kueue's ClusterQueue: a nominal quota it is guaranteed, how much more it
/// may borrow from unused quota of its cohort, how much of its own unused quota it lends, and its fair-share weight.
/// </summary>
/// <remarks>
/// Without <see cref="Flavors"/> a quota counts GPUs of every type together. With flavours (Kueue ResourceFlavors) the
/// tenant has a nominal quota, a borrowing limit and a lending limit per GPU type, may use only the listed types, and a
/// job that accepts several types tries them in the order the flavours are listed (fungibility); borrowing and lending
/// happen per type within the cohort. Within one cohort either every quota has flavours or none does. Immutable and
/// thread-safe.
/// </remarks>
public sealed record TenantQuota
{
    /// <summary>Creates a quota.</summary>
    /// <param name="name">The tenant's name.</param>
    /// <param name="nominalGpus">The guaranteed GPUs (≥ 0).</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nominalGpus"/> is negative.</exception>
    public TenantQuota(string name, int nominalGpus)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Guard.NonNegative(nominalGpus);
        Name = name;
        NominalGpus = nominalGpus;
    }

    /// <summary>Creates a quota per GPU type (resource flavour); <see cref="NominalGpus"/> is their sum.</summary>
    /// <param name="name">The tenant's name.</param>
    /// <param name="flavors">The flavours, in the order the tenant's jobs try them; at least one, each type once.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or <paramref name="flavors"/> is empty, holds <see langword="null"/> or repeats a type.</exception>
    public TenantQuota(string name, IEnumerable<FlavorQuota> flavors)
        : this(name, 0)
    {
        ArgumentNullException.ThrowIfNull(flavors);
        var list = flavors.ToArray();
        if (list.Length == 0 || list.Any(f => f is null) || list.Select(f => f.GpuType).Distinct(StringComparer.OrdinalIgnoreCase).Count() != list.Length)
        {
            throw new ArgumentException("Flavours must be at least one, not null, each GPU type once.", nameof(flavors));
        }

        Flavors = list;
        NominalGpus = list.Sum(f => f.NominalGpus);
    }

    /// <summary>Gets the tenant's name.</summary>
    public string Name { get; }

    /// <summary>Gets the per-type quotas in the order the tenant's jobs try them; empty when the quota counts every type together.</summary>
    public IReadOnlyList<FlavorQuota> Flavors { get; } = [];

    /// <summary>Gets the flavour of <paramref name="gpuType"/> (case-insensitive), or <see langword="null"/>.</summary>
    /// <param name="gpuType">The GPU type.</param>
    /// <returns>The flavour quota.</returns>
    public FlavorQuota? Flavor(string gpuType)
    {
        foreach (var f in Flavors)
        {
            if (string.Equals(f.GpuType, gpuType, StringComparison.OrdinalIgnoreCase))
            {
                return f;
            }
        }

        return null;
    }

    /// <summary>The check every borrowing and lending limit shares (tenant-wide and per flavour): ≥ 0 or null.</summary>
    internal static int? CheckLimit(int? value, string name) =>
        Guard.NonNegativeOrNull(value, name);

    /// <summary>Gets the GPUs the tenant is guaranteed (reclaimable by preemption from borrowers); with flavours, their sum.</summary>
    public int NominalGpus { get; }

    /// <summary>Gets the most GPUs the tenant may borrow above its nominal quota; <see langword="null"/> means no limit, 0 forbids borrowing.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? BorrowingLimitGpus
    {
        get;
        init => field = CheckLimit(value, nameof(BorrowingLimitGpus));
    }

    /// <summary>Gets the most of its unused nominal GPUs the tenant lends to its cohort; <see langword="null"/> means all.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? LendingLimitGpus
    {
        get;
        init => field = CheckLimit(value, nameof(LendingLimitGpus));
    }

    /// <summary>Gets the cohort within which the tenant borrows and lends.</summary>
    /// <value>The default value is <c>default</c>.</value>
    public string Cohort { get; init; } = "default";

    /// <summary>Gets the fair-share weight (DRF and multifactor fair-share), &gt; 0.</summary>
    /// <value>The default value is 1.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a positive finite number.</exception>
    public double Weight
    {
        get;
        init => field = Guard.PositiveFinite(value, nameof(Weight));
    } = 1;
}

/// <summary>
/// A tenant's quota of one GPU type (a Kueue ResourceFlavor in a ClusterQueue): the GPUs of that type it is guaranteed,
/// how many more of that type it may borrow from its cohort, and how many of its unused ones it lends.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record FlavorQuota
{
    /// <summary>Creates a flavour quota.</summary>
    /// <param name="gpuType">The GPU type (compared case-insensitively).</param>
    /// <param name="nominalGpus">The guaranteed GPUs of that type (≥ 0).</param>
    /// <exception cref="ArgumentException"><paramref name="gpuType"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nominalGpus"/> is negative.</exception>
    public FlavorQuota(string gpuType, int nominalGpus)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(gpuType);
        Guard.NonNegative(nominalGpus);
        GpuType = gpuType;
        NominalGpus = nominalGpus;
    }

    /// <summary>Gets the GPU type.</summary>
    public string GpuType { get; }

    /// <summary>Gets the guaranteed GPUs of this type.</summary>
    public int NominalGpus { get; }

    /// <summary>Gets the most GPUs of this type the tenant may borrow above its nominal quota; <see langword="null"/> means no limit, 0 forbids borrowing.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? BorrowingLimitGpus
    {
        get;
        init => field = TenantQuota.CheckLimit(value, nameof(BorrowingLimitGpus));
    }

    /// <summary>Gets the most of its unused GPUs of this type the tenant lends to its cohort; <see langword="null"/> means all.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? LendingLimitGpus
    {
        get;
        init => field = TenantQuota.CheckLimit(value, nameof(LendingLimitGpus));
    }
}

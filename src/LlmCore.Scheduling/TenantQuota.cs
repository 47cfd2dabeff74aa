namespace LlmCore.Scheduling;

/// <summary>
/// A tenant's GPU quota, in the model of Kueue's ClusterQueue: a nominal quota it is guaranteed, how much more it
/// may borrow from unused quota of its cohort, how much of its own unused quota it lends, and its fair-share weight.
/// </summary>
/// <remarks>Immutable and thread-safe. Quotas count GPUs of any type.</remarks>
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
        ArgumentOutOfRangeException.ThrowIfNegative(nominalGpus);
        Name = name;
        NominalGpus = nominalGpus;
    }

    /// <summary>Gets the tenant's name.</summary>
    public string Name { get; }

    /// <summary>Gets the GPUs the tenant is guaranteed (reclaimable by preemption from borrowers).</summary>
    public int NominalGpus { get; }

    /// <summary>Gets the most GPUs the tenant may borrow above its nominal quota; <see langword="null"/> means no limit, 0 forbids borrowing.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? BorrowingLimitGpus
    {
        get;
        init
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(BorrowingLimitGpus), value, "Must be ≥ 0 or null.");
            }

            field = value;
        }
    }

    /// <summary>Gets the most of its unused nominal GPUs the tenant lends to its cohort; <see langword="null"/> means all.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int? LendingLimitGpus
    {
        get;
        init
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(LendingLimitGpus), value, "Must be ≥ 0 or null.");
            }

            field = value;
        }
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
        init
        {
            if (!double.IsFinite(value) || value <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(Weight), value, "Must be a finite number > 0.");
            }

            field = value;
        }
    } = 1;
}

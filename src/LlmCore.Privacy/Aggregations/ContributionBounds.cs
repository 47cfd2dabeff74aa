namespace LlmCore.Privacy.Aggregations;

/// <summary>
/// Per-user contribution bounds: how many partitions (keys) one user may contribute to (L0) and how many records
/// per partition (L∞). Records beyond the bounds are dropped before aggregation, which is what makes the
/// sensitivity finite (Wilson et al. 2020, "Differentially Private SQL with Bounded User Contribution").
/// </summary>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record ContributionBounds
{
    /// <summary>Initializes a new instance of the <see cref="ContributionBounds"/> class.</summary>
    /// <param name="maxPartitionsContributed">L0 ≥ 1.</param>
    /// <param name="maxContributionsPerPartition">L∞ ≥ 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A bound is less than 1.</exception>
    public ContributionBounds(int maxPartitionsContributed = 1, int maxContributionsPerPartition = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPartitionsContributed, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxContributionsPerPartition, 1);
        MaxPartitionsContributed = maxPartitionsContributed;
        MaxContributionsPerPartition = maxContributionsPerPartition;
    }

    /// <summary>Gets L0, the most partitions one user may contribute to.</summary>
    public int MaxPartitionsContributed { get; }

    /// <summary>Gets L∞, the most records one user may contribute to one partition.</summary>
    public int MaxContributionsPerPartition { get; }
}

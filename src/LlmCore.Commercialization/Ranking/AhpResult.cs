namespace LlmCore.Commercialization.Ranking;

/// <summary>The priorities and consistency of a pairwise comparison matrix (<see cref="Ahp.Weigh"/>).</summary>
/// <param name="Weights">The principal right eigenvector, normalised to sum to 1.</param>
/// <param name="LambdaMax">The principal eigenvalue λ_max (the mean of (A·w)_i / w_i).</param>
/// <param name="ConsistencyIndex">CI = (λ_max − n)/(n − 1).</param>
/// <param name="RandomIndex">Saaty's random index RI(n).</param>
/// <param name="ConsistencyRatio">CR = CI/RI (0 when n ≤ 2, where every reciprocal matrix is consistent).</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record AhpResult(
    IReadOnlyList<double> Weights,
    double LambdaMax,
    double ConsistencyIndex,
    double RandomIndex,
    double ConsistencyRatio)
{
    /// <summary>Saaty's acceptance threshold for the consistency ratio.</summary>
    public const double AcceptableConsistencyRatio = 0.10;

    /// <summary>Gets a value indicating whether CR &lt; 0.10, Saaty's acceptance rule.</summary>
    public bool IsConsistent => ConsistencyRatio < AcceptableConsistencyRatio;
}

namespace LlmCore.Commercialization.Ranking;

/// <summary>The outcome of <see cref="Topsis.Rank"/>.</summary>
/// <param name="Closeness">Relative closeness C_i = D⁻_i / (D⁺_i + D⁻_i) ∈ [0, 1] per alternative, in input order.</param>
/// <param name="DistanceToIdeal">D⁺_i, the Euclidean distance to the ideal solution, per alternative.</param>
/// <param name="DistanceToAntiIdeal">D⁻_i, the Euclidean distance to the anti-ideal solution, per alternative.</param>
/// <param name="Ranking">Alternative indices, best (largest closeness) first; ties keep input order.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record TopsisResult(
    IReadOnlyList<double> Closeness,
    IReadOnlyList<double> DistanceToIdeal,
    IReadOnlyList<double> DistanceToAntiIdeal,
    IReadOnlyList<int> Ranking);

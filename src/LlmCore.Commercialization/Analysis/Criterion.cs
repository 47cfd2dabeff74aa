using LlmCore.Commercialization.Ranking;

namespace LlmCore.Commercialization.Analysis;

/// <summary>A ranking criterion: its name, direction, weight, definition and source.</summary>
/// <param name="Name">The criterion's name, e.g. "margin".</param>
/// <param name="Direction">Benefit (more is better) or cost (less is better).</param>
/// <param name="Weight">Its weight in the ranking (the weights sum to 1).</param>
/// <param name="Definition">How its value is computed.</param>
/// <param name="Source">Where the definition comes from.</param>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record Criterion(string Name, CriterionDirection Direction, double Weight, string Definition, string Source);

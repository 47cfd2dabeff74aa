namespace LlmCore.Commercialization.Ranking;

/// <summary>Whether more of a criterion is better (a benefit) or worse (a cost).</summary>
public enum CriterionDirection
{
    /// <summary>Larger values are preferred (margin, defensibility).</summary>
    Benefit,

    /// <summary>Smaller values are preferred (capital needed, months to revenue).</summary>
    Cost,
}

namespace LlmCore.Commercialization.Industries;

/// <summary>A qualitative band for an industry's typical willingness to pay for large-model products.</summary>
public enum WillingnessToPay
{
    /// <summary>Low budgets, price-sensitive buyers (education, mass-market retail).</summary>
    Low,

    /// <summary>Ordinary enterprise software budgets.</summary>
    Medium,

    /// <summary>High annual contract values (finance, healthcare).</summary>
    High,

    /// <summary>Premium pricing accepted for accuracy (legal).</summary>
    VeryHigh,
}

namespace LlmCore.Commercialization.Industries;

/// <summary>How sensitive an industry's data typically is (H: regulated personal or secret data; M: confidential business data; L: mostly public data).</summary>
public enum DataSensitivity
{
    /// <summary>Mostly public data.</summary>
    Low,

    /// <summary>Confidential business data or ordinary personal data.</summary>
    Medium,

    /// <summary>Regulated personal data (health, financial, minors', citizens') or secrets and privileged material.</summary>
    High,
}

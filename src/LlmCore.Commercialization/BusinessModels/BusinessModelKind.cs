namespace LlmCore.Commercialization.BusinessModels;

/// <summary>How a business model bills, which decides how the analyzer turns an industry's demand into revenue.</summary>
public enum BusinessModelKind
{
    /// <summary>Consulting and services: billed per engagement-month.</summary>
    Consulting,

    /// <summary>Vertical application sold per seat per month (SaaS).</summary>
    PerSeatSaas,

    /// <summary>Usage-based API: billed per request.</summary>
    UsageApi,

    /// <summary>On-premises or private-cloud licence per site and year; the customer runs the GPUs.</summary>
    OnPremLicense,

    /// <summary>Outcome-based pricing: billed per successful outcome (a resolved ticket, a coded encounter).</summary>
    OutcomeBased,

    /// <summary>Platform, ecosystem or marketplace: billed per request through partners who keep a revenue share.</summary>
    Platform,
}

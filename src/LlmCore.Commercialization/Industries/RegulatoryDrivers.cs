namespace LlmCore.Commercialization.Industries;

/// <summary>What a regulation demands, in terms the business analysis turns into criterion effects.</summary>
/// <remarks>
/// Each driver moves named criteria (<see cref="Analysis.RegulationImpact"/> states how much, per analysis):
/// personal, sensitive, cross-border and proprietary data lower the data-privacy fit of business models that process
/// customer data (an on-premises preference) and, where data are not mostly public, make differential privacy
/// recommended; high-risk AI rules, sector supervision, transparency duties, filings and data rules make up the
/// industry's regulatory intensity (regulatory burden); security controls, conformity assessments and supervision carry
/// the industry's compliance cost (capital needed and fixed costs).
/// </remarks>
[Flags]
public enum RegulatoryDrivers
{
    /// <summary>No driver stated.</summary>
    None = 0,

    /// <summary>Personal data of customers or users (GDPR, CCPA, PIPL, GLBA, COPPA).</summary>
    PersonalData = 1,

    /// <summary>Special-category or confidential data (health, financial, minors' records, privileged, card data).</summary>
    SensitiveData = 2,

    /// <summary>Limits on moving data across borders or out of the customer's boundary (GDPR Ch. V, PIPL).</summary>
    CrossBorderTransfer = 4,

    /// <summary>High-risk AI obligations: risk management, logging, human oversight, conformity assessment (EU AI Act Annex I/III).</summary>
    HighRiskAi = 8,

    /// <summary>Sector supervision of models or vendors (model risk management, ICT third-party risk, medical devices, FedRAMP).</summary>
    SectorSupervision = 16,

    /// <summary>Security controls and attestations (PCI DSS, HIPAA Security Rule, IEC 62443, SOC 2/ISO 27001, MLPS).</summary>
    SecurityControls = 32,

    /// <summary>Disclosure and labelling duties (EU AI Act Art. 50, FTC Act §5, DSA, TCPA consent, court disclosure orders).</summary>
    Transparency = 64,

    /// <summary>Algorithm filing or security assessment before launch (China's generative-AI and recommendation rules).</summary>
    AlgorithmFiling = 128,

    /// <summary>Trade secrets, export controls and licences that keep data or models inside the customer's boundary.</summary>
    IntellectualProperty = 256,
}

namespace LlmCore.Commercialization.Industries;

/// <summary>The EU AI Act (Regulation (EU) 2024/1689) risk class that an industry's canonical uses typically fall in.</summary>
public enum EuAiActRiskClass
{
    /// <summary>Minimal risk: no specific obligations beyond AI literacy (Art. 4).</summary>
    Minimal,

    /// <summary>Transparency obligations (Art. 50): disclose chatbots, label synthetic content.</summary>
    Transparency,

    /// <summary>High risk (Annex III uses, or Annex I product safety components): conformity assessment, risk management, logging, human oversight.</summary>
    HighRisk,
}

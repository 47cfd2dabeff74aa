namespace LlmCore.Commercialization.Industries;

/// <summary>
/// The built-in industry profiles. Qualitative content: the regulations named in each profile (GDPR, HIPAA, PIPL, the EU AI Act, ...). Figures: planning
/// assumptions (see <see cref="Industry"/>), anchored on the published prices named in comments.
/// </summary>
internal static class BuiltInIndustries
{
    private static readonly Regulation s_gdpr = new("GDPR (Regulation (EU) 2016/679)", "EU", "Lawful basis (Art. 6), special categories (Art. 9), automated decisions (Art. 22), processor contracts (Art. 28), DPIA (Art. 35); fines up to 4% of turnover.") { Drivers = RegulatoryDrivers.PersonalData | RegulatoryDrivers.CrossBorderTransfer };
    private static readonly Regulation s_pipl = new("PIPL (2021)", "China", "Separate consent for sensitive personal information, impact assessments, cross-border transfer by CAC assessment, standard contract or certification.") { Drivers = RegulatoryDrivers.PersonalData | RegulatoryDrivers.SensitiveData | RegulatoryDrivers.CrossBorderTransfer };
    private static readonly Regulation s_genAiMeasures = new("Interim Measures for Generative AI Services (CAC, 2023)", "China", "Security assessment and algorithm filing for public-facing services; display the filed model; lawful, labelled training data.") { Drivers = RegulatoryDrivers.AlgorithmFiling | RegulatoryDrivers.Transparency };
    private static readonly Regulation s_aiActHighRisk = new("EU AI Act (Regulation (EU) 2024/1689), Annex III", "EU", "High-risk uses: risk management, data governance, logging, human oversight and conformity assessment (most rules from 2 Aug 2026).") { Drivers = RegulatoryDrivers.HighRiskAi };
    private static readonly Regulation s_aiActTransparency = new("EU AI Act (Regulation (EU) 2024/1689), Art. 50", "EU", "Disclose that users interact with an AI system and label synthetic content.") { Drivers = RegulatoryDrivers.Transparency };
    private static readonly Regulation s_pciDss = new("PCI DSS v4.0.1", "Global", "Keep card numbers out of prompts and logs; tokenise payment data.") { Drivers = RegulatoryDrivers.SensitiveData | RegulatoryDrivers.SecurityControls };
    private static readonly Regulation s_ccpa = new("CCPA/CPRA", "US (California)", "Notice, opt-out of sale/sharing and limits on profiling of consumers' personal information.") { Drivers = RegulatoryDrivers.PersonalData };

    public static readonly IReadOnlyList<Industry> All =
    [
        new Industry
        {
            Name = "finance",
            DisplayName = "Finance (banking, insurance, asset management)",
            Aliases = ["banking", "insurance", "financial-services"],
            UseCases = ["KYC/AML narratives and alert triage", "credit memo drafting", "advisor and analyst copilots", "research summarisation", "claims intake", "regulatory-change mapping", "code modernisation"],
            Regulations =
            [
                s_gdpr, s_pipl,
                new("GLBA (Privacy Rule; FTC Safeguards Rule, 16 CFR 314)", "US", "Protect customers' non-public personal information; written security programme and vendor oversight.") { Drivers = RegulatoryDrivers.PersonalData | RegulatoryDrivers.SensitiveData | RegulatoryDrivers.SecurityControls },
                s_pciDss,
                new("EU AI Act Annex III(5)", "EU", "Creditworthiness scoring and life/health insurance pricing are high-risk.") { Drivers = RegulatoryDrivers.HighRiskAi },
                new("SR 11-7 model risk management", "US", "Validation, documentation and monitoring of models used in decisions.") { Drivers = RegulatoryDrivers.SectorSupervision },
                new("EU DORA (from 17 Jan 2025)", "EU", "ICT third-party risk management and incident reporting for financial entities.") { Drivers = RegulatoryDrivers.SectorSupervision | RegulatoryDrivers.SecurityControls },
            ],
            EuAiActRiskClass = EuAiActRiskClass.HighRisk,
            DataSensitivity = DataSensitivity.High,
            WillingnessToPay = WillingnessToPay.High,
            RegulatoryIntensity = 9,
            AddressableAccounts = 20_000,
            SeatsPerAccount = 50,
            SeatPriceUsdPerMonth = 150,
            RequestsPerSeatPerMonth = 600,
            PromptTokensPerRequest = 2_000,
            OutputTokensPerRequest = 400,
            PricePerRequestUsd = 0.03,
            PricePerOutcomeUsd = 5,
            RequestsPerOutcome = 8,
            OutcomeSuccessRate = 0.7,
            LicensePriceUsdPerYear = 600_000,
            ConsultingFeeUsdPerMonth = 60_000,
            SalesCycleMonths = 9,
            ComplianceCostUsdPerYear = 800_000,
            LatencyExpectation = new(1.0, 0.1), // analyst and advisor copilots: interactive, between the two MLPerf constraints.
        },
        new Industry
        {
            Name = "healthcare",
            DisplayName = "Healthcare (providers, payers, pharma)",
            Aliases = ["health", "life-sciences", "pharma"],
            UseCases = ["ambient clinical documentation", "prior-authorisation letters", "coding and revenue-cycle management", "patient-message drafts", "trial-protocol and literature synthesis", "pharmacovigilance case intake"],
            Regulations =
            [
                new("HIPAA Privacy, Security and Breach Notification Rules (45 CFR 160, 164)", "US", "A business associate agreement (164.502(e), 164.504(e)) for any vendor touching PHI; de-identification by Safe Harbor or Expert Determination (164.514(b)).") { Drivers = RegulatoryDrivers.PersonalData | RegulatoryDrivers.SensitiveData | RegulatoryDrivers.SecurityControls },
                s_gdpr,
                new("EU MDR and EU AI Act Annex I", "EU", "Clinical decision software can be a medical device and then a high-risk AI system.") { Drivers = RegulatoryDrivers.HighRiskAi | RegulatoryDrivers.SectorSupervision },
                new("FDA clinical decision support guidance (2022)", "US", "Decision-support software that is not transparent to clinicians is regulated as a device.") { Drivers = RegulatoryDrivers.SectorSupervision },
                s_pipl,
            ],
            EuAiActRiskClass = EuAiActRiskClass.HighRisk,
            DataSensitivity = DataSensitivity.High,
            WillingnessToPay = WillingnessToPay.High,
            RegulatoryIntensity = 9,
            AddressableAccounts = 30_000,
            SeatsPerAccount = 40,
            SeatPriceUsdPerMonth = 250,
            RequestsPerSeatPerMonth = 500,
            PromptTokensPerRequest = 3_000,
            OutputTokensPerRequest = 600,
            PricePerRequestUsd = 0.05,
            PricePerOutcomeUsd = 4,
            RequestsPerOutcome = 6,
            OutcomeSuccessRate = 0.8,
            LicensePriceUsdPerYear = 500_000,
            ConsultingFeeUsdPerMonth = 55_000,
            SalesCycleMonths = 12,
            ComplianceCostUsdPerYear = 900_000,
            LatencyExpectation = new(2.0, 0.2), // documentation and letters are drafted in the background: the MLPerf Llama-2-70B Server constraint.
        },
        new Industry
        {
            Name = "retail",
            DisplayName = "Retail and e-commerce",
            Aliases = ["e-commerce", "ecommerce", "retail-ecommerce"],
            UseCases = ["product copy and attributes at catalogue scale", "conversational search and shopping assistant", "review summarisation", "support bots", "merchandising analytics", "ad creative"],
            Regulations =
            [
                s_gdpr, s_ccpa, s_pciDss,
                new("FTC Act Section 5", "US", "No deceptive claims about AI features or outputs.") { Drivers = RegulatoryDrivers.Transparency },
                new("EU Digital Services Act", "EU", "Recommender-system transparency for online platforms.") { Drivers = RegulatoryDrivers.Transparency },
                s_aiActTransparency,
                new("China E-commerce Law and Algorithmic Recommendation Provisions (2022)", "China", "No discriminatory pricing by algorithm; recommendation opt-out.") { Drivers = RegulatoryDrivers.AlgorithmFiling | RegulatoryDrivers.Transparency },
            ],
            EuAiActRiskClass = EuAiActRiskClass.Transparency,
            DataSensitivity = DataSensitivity.Medium,
            WillingnessToPay = WillingnessToPay.Low,
            RegulatoryIntensity = 5,
            AddressableAccounts = 200_000,
            SeatsPerAccount = 10,
            SeatPriceUsdPerMonth = 40,
            RequestsPerSeatPerMonth = 800,
            PromptTokensPerRequest = 800,
            OutputTokensPerRequest = 300,
            PricePerRequestUsd = 0.005,
            PricePerOutcomeUsd = 0.99,
            RequestsPerOutcome = 4,
            OutcomeSuccessRate = 0.6,
            LicensePriceUsdPerYear = 150_000,
            ConsultingFeeUsdPerMonth = 30_000,
            SalesCycleMonths = 3,
            ComplianceCostUsdPerYear = 200_000,
            LatencyExpectation = new(0.45, 0.04), // shopping assistants and support bots are chat: the MLPerf Llama-2-70B Interactive constraint.
        },
        new Industry
        {
            Name = "education",
            DisplayName = "Education",
            Aliases = ["edtech"],
            UseCases = ["tutoring", "feedback and grading assistance", "lesson and assessment generation", "enrolment and admin chat", "accessibility (reading level, translation)"],
            Regulations =
            [
                new("FERPA (20 U.S.C. 1232g; 34 CFR 99)", "US", "Student records only to vendors acting as 'school officials' under the school's direct control.") { Drivers = RegulatoryDrivers.PersonalData | RegulatoryDrivers.SensitiveData },
                new("COPPA (16 CFR 312)", "US", "Verifiable parental consent for children under 13.") { Drivers = RegulatoryDrivers.PersonalData | RegulatoryDrivers.SensitiveData },
                s_gdpr,
                new("EU AI Act Annex III(3)", "EU", "Admission, evaluation and proctoring systems are high-risk.") { Drivers = RegulatoryDrivers.HighRiskAi },
                new("China minors' protection rules", "China", "Special protection of minors' personal information and usage limits.") { Drivers = RegulatoryDrivers.PersonalData | RegulatoryDrivers.SensitiveData },
            ],
            EuAiActRiskClass = EuAiActRiskClass.HighRisk,
            DataSensitivity = DataSensitivity.High,
            WillingnessToPay = WillingnessToPay.Low,
            RegulatoryIntensity = 7,
            AddressableAccounts = 50_000,
            SeatsPerAccount = 300,
            SeatPriceUsdPerMonth = 8,
            RequestsPerSeatPerMonth = 200,
            PromptTokensPerRequest = 1_000,
            OutputTokensPerRequest = 500,
            PricePerRequestUsd = 0.004,
            PricePerOutcomeUsd = 2,
            RequestsPerOutcome = 3,
            OutcomeSuccessRate = 0.9,
            LicensePriceUsdPerYear = 80_000,
            ConsultingFeeUsdPerMonth = 20_000,
            SalesCycleMonths = 9,
            ComplianceCostUsdPerYear = 250_000,
            LatencyExpectation = new(1.0, 0.1), // tutoring is conversational but tolerant: between the two MLPerf constraints.
        },
        new Industry
        {
            Name = "legal",
            DisplayName = "Legal services",
            Aliases = ["law", "legaltech"],
            UseCases = ["legal research with citations", "contract review and redlining", "due-diligence extraction", "e-discovery summarisation", "memo drafting"],
            Regulations =
            [
                new("Confidentiality and legal privilege; ABA Formal Opinion 512 (2024)", "US", "Competence, client confidentiality and informed consent, reasonable fees when lawyers use generative AI.") { Drivers = RegulatoryDrivers.SensitiveData | RegulatoryDrivers.SectorSupervision },
                new("Court AI-disclosure orders; sanctions for fabricated citations (Mata v. Avianca, S.D.N.Y. 2023)", "US", "Verify every citation; disclose AI use where a court requires it.") { Drivers = RegulatoryDrivers.Transparency },
                s_gdpr,
                s_aiActTransparency,
            ],
            EuAiActRiskClass = EuAiActRiskClass.Transparency,
            DataSensitivity = DataSensitivity.High,
            WillingnessToPay = WillingnessToPay.VeryHigh,
            RegulatoryIntensity = 7,
            AddressableAccounts = 40_000,
            SeatsPerAccount = 25,
            SeatPriceUsdPerMonth = 300,
            RequestsPerSeatPerMonth = 400,
            PromptTokensPerRequest = 6_000,
            OutputTokensPerRequest = 800,
            PricePerRequestUsd = 0.10,
            PricePerOutcomeUsd = 50,
            RequestsPerOutcome = 20,
            OutcomeSuccessRate = 0.85,
            LicensePriceUsdPerYear = 400_000,
            ConsultingFeeUsdPerMonth = 70_000,
            SalesCycleMonths = 6,
            ComplianceCostUsdPerYear = 400_000,
            LatencyExpectation = new(2.0, 0.2), // research memos and contract review are read as documents: the MLPerf Llama-2-70B Server constraint.
        },
        new Industry
        {
            Name = "manufacturing",
            DisplayName = "Manufacturing",
            Aliases = ["industrial"],
            UseCases = ["maintenance copilots over manuals and work orders", "quality and 8D report drafting", "PLC and automation code assistance", "supplier and BOM analytics", "field-service knowledge"],
            Regulations =
            [
                new("Trade secrets and export controls", "Global", "Keep process IP and controlled technical data inside the plant or country.") { Drivers = RegulatoryDrivers.IntellectualProperty | RegulatoryDrivers.CrossBorderTransfer },
                new("IEC 62443 (OT security)", "Global", "Security levels and zones for systems that touch operational technology.") { Drivers = RegulatoryDrivers.SecurityControls },
                new("EU Machinery Regulation 2023/1230 (applies 2027)", "EU", "AI safety components of machinery need conformity assessment.") { Drivers = RegulatoryDrivers.HighRiskAi },
                new("EU Data Act (from Sep 2025)", "EU", "Access and sharing rights over connected-product data.") { Drivers = RegulatoryDrivers.PersonalData },
                new("MLPS 2.0 (China)", "China", "Graded cybersecurity protection of information systems.") { Drivers = RegulatoryDrivers.SecurityControls },
            ],
            EuAiActRiskClass = EuAiActRiskClass.Minimal,
            DataSensitivity = DataSensitivity.Medium,
            WillingnessToPay = WillingnessToPay.Medium,
            RegulatoryIntensity = 5,
            AddressableAccounts = 30_000,
            SeatsPerAccount = 30,
            SeatPriceUsdPerMonth = 80,
            RequestsPerSeatPerMonth = 300,
            PromptTokensPerRequest = 2_500,
            OutputTokensPerRequest = 500,
            PricePerRequestUsd = 0.02,
            PricePerOutcomeUsd = 25,
            RequestsPerOutcome = 10,
            OutcomeSuccessRate = 0.7,
            LicensePriceUsdPerYear = 300_000,
            ConsultingFeeUsdPerMonth = 50_000,
            SalesCycleMonths = 9,
            ComplianceCostUsdPerYear = 300_000,
            LatencyExpectation = new(2.0, 0.2), // maintenance copilots over manuals: the MLPerf Llama-2-70B Server constraint.
        },
        new Industry
        {
            Name = "customer-service",
            DisplayName = "Customer service (horizontal)",
            Aliases = ["customer-support", "contact-center", "support"],
            UseCases = ["autonomous resolution bots", "agent assist", "call summarisation and QA", "knowledge-base authoring", "voice agents"],
            Regulations =
            [
                s_aiActTransparency, s_gdpr, s_ccpa,
                new("US TCPA (FCC declaratory ruling, Feb 2024)", "US", "AI-generated voices are 'artificial': outbound calls need prior consent.") { Drivers = RegulatoryDrivers.Transparency },
                s_pciDss,
            ],
            EuAiActRiskClass = EuAiActRiskClass.Transparency,
            DataSensitivity = DataSensitivity.Medium,
            WillingnessToPay = WillingnessToPay.Medium,
            RegulatoryIntensity = 5,
            AddressableAccounts = 100_000,
            SeatsPerAccount = 40,
            SeatPriceUsdPerMonth = 60,
            RequestsPerSeatPerMonth = 1_500,
            PromptTokensPerRequest = 1_200,
            OutputTokensPerRequest = 250,
            PricePerRequestUsd = 0.01,
            PricePerOutcomeUsd = 0.99, // Intercom Fin, $0.99 per resolution.
            RequestsPerOutcome = 6,
            OutcomeSuccessRate = 0.65,
            LicensePriceUsdPerYear = 200_000,
            ConsultingFeeUsdPerMonth = 35_000,
            SalesCycleMonths = 4,
            ComplianceCostUsdPerYear = 250_000,
            LatencyExpectation = new(0.45, 0.04), // live chat and voice agents: the MLPerf Llama-2-70B Interactive constraint.
        },
        new Industry
        {
            Name = "software-development",
            DisplayName = "Software development",
            Aliases = ["software", "developer-tools", "devtools"],
            UseCases = ["code completion", "chat and agents for refactoring and tests", "code review", "migration and modernisation", "incident and runbook assistance"],
            Regulations =
            [
                new("Licences and IP (open-source contamination, indemnities)", "Global", "Filter or attribute generated code that matches licensed code; offer IP indemnity.") { Drivers = RegulatoryDrivers.IntellectualProperty },
                new("SOC 2 / ISO 27001 / ISO/IEC 42001", "Global", "Security and AI-management-system attestations expected by enterprise buyers.") { Drivers = RegulatoryDrivers.SecurityControls },
                new("EU Cyber Resilience Act", "EU", "Security requirements for products with digital elements.") { Drivers = RegulatoryDrivers.SecurityControls },
                s_gdpr,
            ],
            EuAiActRiskClass = EuAiActRiskClass.Minimal,
            DataSensitivity = DataSensitivity.Medium,
            WillingnessToPay = WillingnessToPay.Medium,
            RegulatoryIntensity = 3,
            AddressableAccounts = 150_000,
            SeatsPerAccount = 50,
            SeatPriceUsdPerMonth = 39, // GitHub Copilot Enterprise list price per user-month.
            RequestsPerSeatPerMonth = 3_000,
            PromptTokensPerRequest = 4_000,
            OutputTokensPerRequest = 400,
            PricePerRequestUsd = 0.01,
            PricePerOutcomeUsd = 15,
            RequestsPerOutcome = 30,
            OutcomeSuccessRate = 0.6,
            LicensePriceUsdPerYear = 250_000,
            ConsultingFeeUsdPerMonth = 45_000,
            SalesCycleMonths = 3,
            ComplianceCostUsdPerYear = 150_000,
            LatencyExpectation = new(0.45, 0.04), // code completion and chat in the editor: the MLPerf Llama-2-70B Interactive constraint.
        },
        new Industry
        {
            Name = "government",
            DisplayName = "Government and public sector",
            Aliases = ["public-sector", "gov"],
            UseCases = ["citizen-service chat", "case summarisation", "document drafting and translation", "policy research", "procurement analysis", "records search"],
            Regulations =
            [
                new("FedRAMP; OMB AI memoranda (M-25-21)", "US", "Authorised cloud services; AI use-case inventories and risk practices for agencies.") { Drivers = RegulatoryDrivers.SectorSupervision | RegulatoryDrivers.SecurityControls },
                new("EU AI Act Annex III and Art. 27", "EU", "Public-service uses are high-risk; public deployers run a fundamental-rights impact assessment.") { Drivers = RegulatoryDrivers.HighRiskAi },
                s_gdpr,
                s_genAiMeasures,
                new("MLPS 2.0 and Xinchuang localisation", "China", "Graded protection and domestic technology stacks for state buyers.") { Drivers = RegulatoryDrivers.SecurityControls | RegulatoryDrivers.CrossBorderTransfer },
            ],
            EuAiActRiskClass = EuAiActRiskClass.HighRisk,
            DataSensitivity = DataSensitivity.High,
            WillingnessToPay = WillingnessToPay.Medium,
            RegulatoryIntensity = 10,
            AddressableAccounts = 10_000,
            SeatsPerAccount = 100,
            SeatPriceUsdPerMonth = 60,
            RequestsPerSeatPerMonth = 400,
            PromptTokensPerRequest = 2_500,
            OutputTokensPerRequest = 500,
            PricePerRequestUsd = 0.02,
            PricePerOutcomeUsd = 6,
            RequestsPerOutcome = 10,
            OutcomeSuccessRate = 0.8,
            LicensePriceUsdPerYear = 700_000,
            ConsultingFeeUsdPerMonth = 60_000,
            SalesCycleMonths = 18,
            ComplianceCostUsdPerYear = 1_200_000,
            LatencyExpectation = new(2.0, 0.2), // case summaries and drafting: the MLPerf Llama-2-70B Server constraint.
        },
    ];
}

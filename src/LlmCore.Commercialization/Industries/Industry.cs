namespace LlmCore.Commercialization.Industries;

/// <summary>
/// An industry profile: canonical large-model use cases, the regulations that apply, data sensitivity, willingness
/// to pay, and the demand figures the analyzer turns into revenue for each business model.
/// </summary>
/// <remarks>
/// <para>The qualitative content follows the legal texts named in each profile (GDPR, HIPAA, GLBA, PCI DSS, FERPA,
/// PIPL, the EU AI Act and others); the numeric figures are stated planning assumptions anchored where possible on published prices
/// (GitHub Copilot $19–39 per seat-month, Intercom Fin $0.99 per resolution, Salesforce Agentforce $2 per
/// conversation) and are meant to be overridden with a team's own numbers (options or JSON).</para>
/// <para>Immutable and thread-safe. <see cref="Validate"/> checks the ranges; the catalogue calls it on every entry.</para>
/// </remarks>
public sealed record Industry
{
    /// <summary>Gets the canonical lower-case name used on the command line, e.g. <c>finance</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the human-readable name.</summary>
    public required string DisplayName { get; init; }

    /// <summary>Gets other names that resolve to this industry (case-insensitive).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>Gets the canonical large-model use cases.</summary>
    public required IReadOnlyList<string> UseCases { get; init; }

    /// <summary>Gets the regulations that apply.</summary>
    public required IReadOnlyList<Regulation> Regulations { get; init; }

    /// <summary>Gets the EU AI Act risk class of the canonical uses.</summary>
    public EuAiActRiskClass EuAiActRiskClass { get; init; }

    /// <summary>Gets the typical data sensitivity.</summary>
    public DataSensitivity DataSensitivity { get; init; }

    /// <summary>Gets the typical willingness to pay.</summary>
    public WillingnessToPay WillingnessToPay { get; init; }

    /// <summary>Gets the regulatory intensity on a 1–10 scale (10: licensing, audits and sector regulators).</summary>
    public double RegulatoryIntensity { get; init; }

    /// <summary>Gets the number of addressable customer accounts (organisations), &gt; 0.</summary>
    public double AddressableAccounts { get; init; }

    /// <summary>Gets the typical seats (users) per account, &gt; 0.</summary>
    public double SeatsPerAccount { get; init; }

    /// <summary>Gets the price a per-seat product can charge, USD per seat-month, ≥ 0.</summary>
    public double SeatPriceUsdPerMonth { get; init; }

    /// <summary>Gets the model requests one seat makes per month, ≥ 0.</summary>
    public double RequestsPerSeatPerMonth { get; init; }

    /// <summary>Gets the prompt (input) tokens of a typical request, ≥ 1.</summary>
    public int PromptTokensPerRequest { get; init; }

    /// <summary>Gets the output tokens of a typical request, ≥ 1.</summary>
    public int OutputTokensPerRequest { get; init; }

    /// <summary>Gets the price of one request under usage-based API pricing, USD, ≥ 0.</summary>
    public double PricePerRequestUsd { get; init; }

    /// <summary>Gets the price of one billed outcome (a resolved ticket, a coded encounter), USD, ≥ 0.</summary>
    public double PricePerOutcomeUsd { get; init; }

    /// <summary>Gets the model requests one attempt at an outcome takes, ≥ 1.</summary>
    public double RequestsPerOutcome { get; init; }

    /// <summary>Gets the fraction of attempts that succeed and are billed, in (0, 1].</summary>
    public double OutcomeSuccessRate { get; init; }

    /// <summary>Gets the annual price of an on-premises or private-cloud licence per site, USD, ≥ 0.</summary>
    public double LicensePriceUsdPerYear { get; init; }

    /// <summary>Gets the monthly fee of a consulting engagement, USD, ≥ 0.</summary>
    public double ConsultingFeeUsdPerMonth { get; init; }

    /// <summary>Gets the typical enterprise sales cycle, months, ≥ 0.</summary>
    public double SalesCycleMonths { get; init; }

    /// <summary>Gets the latency users of the industry's canonical uses expect at the 99th percentile, or <see langword="null"/>
    /// for the analysis default; the business analysis prices serving with the cheapest deployment that meets it.</summary>
    public Serving.ServingSlo? LatencyExpectation { get; init; }

    /// <summary>Gets the annual compliance cost of a vendor that processes the industry's data (audits, DPIAs,
    /// BAAs, conformity assessment, filings), USD, ≥ 0.</summary>
    public double ComplianceCostUsdPerYear { get; init; }

    /// <summary>Checks every range and throws on the first violation.</summary>
    /// <exception cref="ArgumentException">A name, the use cases or the regulations are missing.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A figure is negative (prices included), not finite, or outside its range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || string.IsNullOrWhiteSpace(DisplayName))
        {
            throw new ArgumentException("An industry needs a name and a display name.", nameof(Name));
        }

        if (UseCases is null || UseCases.Count == 0)
        {
            throw new ArgumentException($"Industry '{Name}' needs at least one use case.", nameof(UseCases));
        }

        if (Regulations is null)
        {
            throw new ArgumentException($"Industry '{Name}' needs a list of regulations (may be empty).", nameof(Regulations));
        }

        Positive(AddressableAccounts, nameof(AddressableAccounts));
        Positive(SeatsPerAccount, nameof(SeatsPerAccount));
        NonNegative(SeatPriceUsdPerMonth, nameof(SeatPriceUsdPerMonth));
        NonNegative(RequestsPerSeatPerMonth, nameof(RequestsPerSeatPerMonth));
        NonNegative(PricePerRequestUsd, nameof(PricePerRequestUsd));
        NonNegative(PricePerOutcomeUsd, nameof(PricePerOutcomeUsd));
        NonNegative(LicensePriceUsdPerYear, nameof(LicensePriceUsdPerYear));
        NonNegative(ConsultingFeeUsdPerMonth, nameof(ConsultingFeeUsdPerMonth));
        NonNegative(SalesCycleMonths, nameof(SalesCycleMonths));
        NonNegative(ComplianceCostUsdPerYear, nameof(ComplianceCostUsdPerYear));
        if (!double.IsFinite(RequestsPerOutcome) || RequestsPerOutcome < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestsPerOutcome), RequestsPerOutcome, $"Industry '{Name}': must be >= 1.");
        }

        if (!double.IsFinite(OutcomeSuccessRate) || OutcomeSuccessRate <= 0 || OutcomeSuccessRate > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(OutcomeSuccessRate), OutcomeSuccessRate, $"Industry '{Name}': must be in (0, 1].");
        }

        if (!double.IsFinite(RegulatoryIntensity) || RegulatoryIntensity < 1 || RegulatoryIntensity > 10)
        {
            throw new ArgumentOutOfRangeException(nameof(RegulatoryIntensity), RegulatoryIntensity, $"Industry '{Name}': must be in [1, 10].");
        }

        if (PromptTokensPerRequest < 1 || OutputTokensPerRequest < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PromptTokensPerRequest), PromptTokensPerRequest, $"Industry '{Name}': prompt and output tokens per request must be >= 1.");
        }
    }

    private void NonNegative(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Industry '{Name}': {name} must be finite and >= 0.");
        }
    }

    private void Positive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"Industry '{Name}': {name} must be finite and > 0.");
        }
    }
}

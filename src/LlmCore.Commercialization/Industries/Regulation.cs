namespace LlmCore.Commercialization.Industries;

/// <summary>A regulation or regime that applies to large-model products in an industry.</summary>
/// <param name="Name">Its short name and citation, e.g. "HIPAA (45 CFR 160, 164)".</param>
/// <param name="Jurisdiction">Where it applies: "EU", "US", "China", "Global", ...</param>
/// <param name="Obligation">What it demands of a vendor, in one sentence.</param>
/// <remarks>Immutable and thread-safe. Not legal advice: check the current text before relying on it.</remarks>
public sealed record Regulation(string Name, string Jurisdiction, string Obligation)
{
    /// <summary>Gets what the regulation demands, in the terms that move the analysis's criteria (see <see cref="RegulatoryDrivers"/>).</summary>
    /// <value>The default value is <see cref="RegulatoryDrivers.None"/>.</value>
    public RegulatoryDrivers Drivers { get; init; }
}

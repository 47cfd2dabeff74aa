using System.ComponentModel.DataAnnotations;

namespace LlmCore.Privacy.DependencyInjection;

/// <summary>
/// Options for the services that <c>AddLlmCorePrivacy</c> registers.
/// </summary>
/// <remarks>This type is mutable and not thread-safe; it is read once when the services are built.</remarks>
public sealed class PrivacyOptions
{
    /// <summary>Gets or sets which random source the registered services draw noise from.</summary>
    /// <value>The default value is <see cref="RandomSourceKind.Secure"/>.</value>
    public RandomSourceKind RandomSource { get; set; } = RandomSourceKind.Secure;

    /// <summary>Gets or sets the seed of the fast seeded source; required when <see cref="RandomSource"/> is <see cref="RandomSourceKind.Seeded"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public ulong? Seed { get; set; }

    /// <summary>Gets or sets the total ε of the registered <see cref="Budget.PrivacyBudget"/> (basic composition); finite and ≥ 0.</summary>
    /// <value>The default value is 1.</value>
    [Range(0.0, double.MaxValue)]
    public double BudgetEpsilon { get; set; } = 1.0;

    /// <summary>Gets or sets the total δ of the registered <see cref="Budget.PrivacyBudget"/>; in [0, 1).</summary>
    /// <value>The default value is 1e-6.</value>
    [Range(0.0, 1.0, MaximumIsExclusive = true)]
    public double BudgetDelta { get; set; } = 1e-6;

    /// <summary>Gets or sets the total ρ (zCDP) of the registered <see cref="Budget.PrivacyBudget"/>; finite and ≥ 0 (0 refuses zCDP releases).</summary>
    /// <value>The default value is 0.</value>
    [Range(0.0, double.MaxValue)]
    public double BudgetRho { get; set; }
}

/// <summary>The kinds of random source a host can choose.</summary>
public enum RandomSourceKind
{
    /// <summary>Cryptographically secure bits from <see cref="System.Security.Cryptography.RandomNumberGenerator"/>: the default, and the only choice for releases.</summary>
    Secure = 0,

    /// <summary>A fast, reproducible generator from a seed: for tests and simulations, never for real releases.</summary>
    Seeded = 1,
}

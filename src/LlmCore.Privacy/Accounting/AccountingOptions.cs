using System.ComponentModel.DataAnnotations;

namespace LlmCore.Privacy.Accounting;

/// <summary>Options of the accountants created by <see cref="IPrivacyAccountantFactory"/>.</summary>
/// <remarks>This type is mutable and not thread-safe; the factory copies it when it is built.</remarks>
public sealed class AccountingOptions
{
    /// <summary>Gets or sets the accountant that <see cref="IPrivacyAccountantFactory.Create()"/> returns.</summary>
    /// <value>The default value is <see cref="PrivacyAccountantKind.Rdp"/>.</value>
    public PrivacyAccountantKind DefaultAccountant { get; set; } = PrivacyAccountantKind.Rdp;

    /// <summary>Gets or sets the Rényi orders of the RDP accountant (each &gt; 1 and finite); <see langword="null"/> means Opacus' 151 default orders.</summary>
    /// <value>The default value is <see langword="null"/> (<see cref="RdpAccountant.DefaultOrders"/>).</value>
    public IReadOnlyList<double>? RdpOrders { get; set; }

    /// <summary>Gets or sets the width of the privacy-loss grid of the PLD accountant, in nats; in [1e-6, 0.1].</summary>
    /// <value>The default value is 1e-4 (dp_accounting's default).</value>
    [Range(1e-6, 0.1)]
    public double PldDiscretizationInterval { get; set; } = PldAccountant.DefaultDiscretizationInterval;

    /// <summary>Gets or sets the probability mass the PLD accountant may move to the tails when it truncates; in [1e-30, 1e-6].</summary>
    /// <value>The default value is 1e-15.</value>
    [Range(1e-30, 1e-6)]
    public double PldTailMassTruncation { get; set; } = PldAccountant.DefaultTailMassTruncation;

    /// <summary>
    /// Gets or sets the most points any one grid or FFT of the PLD accountant may have; a request that needs more is refused
    /// with <see cref="AccountingLimitExceededException"/> before anything is allocated. In
    /// [<see cref="PldAccountant.MinGridPointsLimit"/>, <see cref="PldAccountant.MaxGridPointsLimit"/>]; peak memory is about
    /// eight arrays of this many doubles.
    /// </summary>
    /// <value>The default value is <see cref="PldAccountant.DefaultMaxGridPoints"/> (2^24 = 16,777,216 points, 128 MiB per array).</value>
    public long PldMaxGridPoints { get; set; } = PldAccountant.DefaultMaxGridPoints;
}

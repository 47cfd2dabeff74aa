using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmCore.Privacy.Accounting;

/// <summary>The default <see cref="IPrivacyAccountantFactory"/>: creates accountants from a copy of <see cref="AccountingOptions"/>.</summary>
/// <remarks>Thread-safe: the options are copied at construction.</remarks>
public sealed class PrivacyAccountantFactory : IPrivacyAccountantFactory
{
    private readonly PrivacyAccountantKind _defaultKind;
    private readonly double[]? _orders;
    private readonly double _interval;
    private readonly double _tail;
    private readonly long _maxGridPoints;
    private readonly ILoggerFactory _loggerFactory;

    /// <summary>Creates the factory.</summary>
    /// <param name="options">The options (copied); <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">Where the RDP accountant's warnings go; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its range.</exception>
    /// <exception cref="ArgumentException">The order list is empty.</exception>
    public PrivacyAccountantFactory(AccountingOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        options ??= new AccountingOptions();
        if (!Enum.IsDefined(options.DefaultAccountant))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.DefaultAccountant, "DefaultAccountant must be Rdp or Pld.");
        }

        _defaultKind = options.DefaultAccountant;
        _orders = options.RdpOrders?.ToArray();
        _interval = options.PldDiscretizationInterval;
        _tail = options.PldTailMassTruncation;
        _maxGridPoints = options.PldMaxGridPoints;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;

        // Fail now rather than on first use.
        _ = new RdpAccountant(_orders);
        _ = new PldAccountant(_interval, _tail, _maxGridPoints);
    }

    /// <inheritdoc/>
    public IPrivacyAccountant Create(PrivacyAccountantKind kind) => kind switch
    {
        PrivacyAccountantKind.Rdp => new RdpAccountant(_orders, _loggerFactory.CreateLogger<RdpAccountant>()),
        PrivacyAccountantKind.Pld => new PldAccountant(_interval, _tail, _maxGridPoints),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "kind must be Rdp or Pld."),
    };

    /// <inheritdoc/>
    public IPrivacyAccountant Create() => Create(_defaultKind);
}

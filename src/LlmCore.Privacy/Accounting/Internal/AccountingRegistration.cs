using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LlmCore.Privacy.Accounting.Internal;

/// <summary>The accounting part of <c>AddLlmCorePrivacy</c>: options (validated at start-up) and <see cref="IPrivacyAccountantFactory"/>.</summary>
internal static class AccountingRegistration
{
    public static void Register(IServiceCollection services)
    {
        services.AddOptions<AccountingOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AccountingOptions>, AccountingOptionsValidator>());
        services.TryAddSingleton<IPrivacyAccountantFactory>(static sp => new PrivacyAccountantFactory(
            sp.GetRequiredService<IOptions<AccountingOptions>>().Value,
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
    }
}

/// <summary>Checks <see cref="AccountingOptions"/> and reports every error at once.</summary>
internal sealed class AccountingOptionsValidator : IValidateOptions<AccountingOptions>
{
    public ValidateOptionsResult Validate(string? name, AccountingOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (!Enum.IsDefined(options.DefaultAccountant))
        {
            builder.AddError($"must be Rdp or Pld; got {(int)options.DefaultAccountant}.", nameof(AccountingOptions.DefaultAccountant));
        }

        if (options.RdpOrders is { } orders)
        {
            if (orders.Count == 0)
            {
                builder.AddError("must hold at least one order (or be null for the defaults).", nameof(AccountingOptions.RdpOrders));
            }
            else if (orders.Any(static a => !(a > 1.0) || double.IsInfinity(a)))
            {
                builder.AddError("every order must be finite and > 1.", nameof(AccountingOptions.RdpOrders));
            }
        }

        if (!(options.PldDiscretizationInterval >= 1e-6 && options.PldDiscretizationInterval <= 0.1))
        {
            builder.AddError($"must be in [1e-6, 0.1]; got {options.PldDiscretizationInterval}.", nameof(AccountingOptions.PldDiscretizationInterval));
        }

        if (!(options.PldTailMassTruncation >= 1e-30 && options.PldTailMassTruncation <= 1e-6))
        {
            builder.AddError($"must be in [1e-30, 1e-6]; got {options.PldTailMassTruncation}.", nameof(AccountingOptions.PldTailMassTruncation));
        }

        if (options.PldMaxGridPoints < PldAccountant.MinGridPointsLimit || options.PldMaxGridPoints > PldAccountant.MaxGridPointsLimit)
        {
            builder.AddError($"must be in [{PldAccountant.MinGridPointsLimit}, {PldAccountant.MaxGridPointsLimit}]; got {options.PldMaxGridPoints}.", nameof(AccountingOptions.PldMaxGridPoints));
        }

        return builder.Build();
    }
}

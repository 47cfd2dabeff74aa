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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AccountingOptions>, AccountingOptionsCustomValidator>());
        services.TryAddSingleton<IPrivacyAccountantFactory>(static sp => new PrivacyAccountantFactory(
            sp.GetRequiredService<IOptions<AccountingOptions>>().Value,
            sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance));
    }
}

/// <summary>Checks the <see cref="AccountingOptions"/> ranges declared by their attributes (source-generated).</summary>
[OptionsValidator]
internal sealed partial class AccountingOptionsValidator : IValidateOptions<AccountingOptions>
{
}

/// <summary>Checks the <see cref="AccountingOptions"/> rules that attributes cannot express, reporting every error at once.</summary>
internal sealed class AccountingOptionsCustomValidator : IValidateOptions<AccountingOptions>
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

        // A long range: RangeAttribute's long form goes through a TypeConverter, which trimming cannot keep.
        if (options.PldMaxGridPoints < PldAccountant.MinGridPointsLimit || options.PldMaxGridPoints > PldAccountant.MaxGridPointsLimit)
        {
            builder.AddError($"must be in [{PldAccountant.MinGridPointsLimit}, {PldAccountant.MaxGridPointsLimit}]; got {options.PldMaxGridPoints}.", nameof(AccountingOptions.PldMaxGridPoints));
        }

        return builder.Build();
    }
}

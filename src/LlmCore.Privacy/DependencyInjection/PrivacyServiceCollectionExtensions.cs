using LlmCore.Privacy.Budget;
using LlmCore.Privacy.DependencyInjection;
using LlmCore.Privacy.Mechanisms;
using LlmCore.Privacy.Sampling;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers LlmCore.Privacy with a host's <see cref="IServiceCollection"/>.
/// </summary>
public static class PrivacyServiceCollectionExtensions
{
    /// <summary>
    /// Adds the LlmCore.Privacy services: the random source chosen by <see cref="PrivacyOptions"/> (secure by default),
    /// an <see cref="IMechanismFactory"/> drawing from it, and a singleton <see cref="PrivacyBudget"/> with the
    /// options' limits.
    /// </summary>
    /// <param name="services">The service collection to add to.</param>
    /// <param name="configure">Optional changes to the <see cref="PrivacyOptions"/>.</param>
    /// <returns>The same <paramref name="services"/>, for chaining.</returns>
    /// <remarks>
    /// Registration is idempotent and uses <c>TryAdd</c>, so a host's own registrations win. Options are validated
    /// when the host starts.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddLlmCorePrivacy(this IServiceCollection services, Action<PrivacyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var builder = services.AddOptions<PrivacyOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PrivacyOptions>, PrivacyOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PrivacyOptions>, PrivacyOptionsCustomValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRandomSource>(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<PrivacyOptions>>().Value;
            return options.RandomSource == RandomSourceKind.Seeded
                ? new SeededRandomSource(options.Seed!.Value)
                : SecureRandomSource.Instance;
        });
        services.TryAddSingleton<IMechanismFactory>(static sp => new MechanismFactory(sp.GetRequiredService<IRandomSource>()));
        services.TryAddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<PrivacyOptions>>().Value;
            return new PrivacyBudget(options.BudgetEpsilon, options.BudgetDelta, options.BudgetRho);
        });
        LlmCore.Privacy.Accounting.Internal.AccountingRegistration.Register(services);
        services.TryAddSingleton<LlmCore.Privacy.Training.IPrivacyEngineFactory>(static sp => new LlmCore.Privacy.Training.PrivacyEngineFactory(
            sp.GetRequiredService<LlmCore.Privacy.Accounting.IPrivacyAccountantFactory>(),
            sp.GetRequiredService<IRandomSource>()));

        return services;
    }
}

using LlmCore.Scheduling.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers LlmCore.Scheduling with a host's <see cref="IServiceCollection"/>.
/// </summary>
public static class SchedulingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the LlmCore.Scheduling services.
    /// </summary>
    /// <param name="services">The service collection to add to.</param>
    /// <param name="configure">Optional changes to the <see cref="SchedulingOptions"/>.</param>
    /// <returns>The same <paramref name="services"/>, for chaining.</returns>
    /// <remarks>
    /// Registration is idempotent and uses <c>TryAdd</c>, so a host's own registrations win. Options are validated
    /// when the host starts.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddLlmCoreScheduling(this IServiceCollection services, Action<SchedulingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var builder = services.AddOptions<SchedulingOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SchedulingOptions>, SchedulingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        return services;
    }
}

using LlmCore.Scheduling.Slurm;
using LlmCore.Scheduling.Slurm.DependencyInjection;
using LlmCore.Scheduling.Slurm.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers the LlmCore Slurm client with a host's <see cref="IServiceCollection"/>.
/// </summary>
public static class SlurmServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="ISlurmClient"/> (one <see cref="SlurmRestClient"/> per container, holding one kept-open
    /// connection to slurmrestd) and <see cref="SlurmHealthCheck"/>.
    /// </summary>
    /// <param name="services">The service collection to add to.</param>
    /// <param name="configure">Changes to the <see cref="SlurmOptions"/> (at least a base address with a JWT, or a unix socket).</param>
    /// <returns>The same <paramref name="services"/>, for chaining.</returns>
    /// <remarks>
    /// Registration is idempotent and uses <c>TryAdd</c>, so a host's own registrations win. The options are validated
    /// when the host starts (ranges, and exactly one of <see cref="SlurmOptions.BaseAddress"/> with
    /// <see cref="SlurmOptions.UserName"/> and <see cref="SlurmOptions.Token"/>, or
    /// <see cref="SlurmOptions.UnixSocketPath"/>). Add the health check with
    /// <c>services.AddHealthChecks().AddCheck&lt;SlurmHealthCheck&gt;("slurm")</c>.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddLlmCoreSlurmClient(this IServiceCollection services, Action<SlurmOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var builder = services.AddOptions<SlurmOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SlurmOptions>, SlurmOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SlurmOptions>, SlurmOptionsCustomValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var loggerFactory = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            return new SlurmRestClient(
                sp.GetRequiredService<IOptions<SlurmOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                loggerFactory.CreateLogger<SlurmRestClient>());
        });
        services.TryAddSingleton<ISlurmClient>(static sp => sp.GetRequiredService<SlurmRestClient>());
        services.TryAddSingleton<SlurmHealthCheck>();

        return services;
    }
}

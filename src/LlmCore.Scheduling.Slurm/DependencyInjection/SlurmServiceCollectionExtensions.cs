using LlmCore.Scheduling.Slurm;
using LlmCore.Scheduling.Slurm.DependencyInjection;
using LlmCore.Scheduling.Execution;
using LlmCore.Scheduling.Slurm.Execution;
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
    /// Adds <see cref="ISlurmClient"/> (one <see cref="SlurmRestClient"/> per container) on two named
    /// <see cref="IHttpClientFactory"/> clients, <see cref="SlurmRestClient.HttpClientName"/> (submits, releases,
    /// cancels) and <see cref="SlurmRestClient.PollHttpClientName"/> (reads), each with kept-open connections to
    /// slurmrestd behind the standard resilience handler of Microsoft.Extensions.Http.Resilience, and
    /// <see cref="SlurmHealthCheck"/>.
    /// </summary>
    /// <param name="services">The service collection to add to.</param>
    /// <param name="configure">Changes to the <see cref="SlurmOptions"/> (at least a base address with a JWT, or a unix socket).</param>
    /// <returns>The same <paramref name="services"/>, for chaining.</returns>
    /// <remarks>
    /// Registration is idempotent and uses <c>TryAdd</c>, so a host's own registrations win. The options are validated
    /// when the host starts (ranges, and exactly one of <see cref="SlurmOptions.BaseAddress"/> with
    /// <see cref="SlurmOptions.UserName"/> and <see cref="SlurmOptions.Token"/>, or
    /// <see cref="SlurmOptions.UnixSocketPath"/>). Add the health check with
    /// <c>services.AddHealthChecks().AddCheck&lt;SlurmHealthCheck&gt;("slurm")</c>. A host may add its own handlers
    /// to the named clients (<c>services.AddHttpClient(SlurmRestClient.HttpClientName).AddHttpMessageHandler(...)</c>).
    /// The REST API version is negotiated at the first request unless <see cref="SlurmOptions.ApiVersion"/> pins it.
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
        SlurmHttpClients.Add(services);
        services.TryAddSingleton(sp =>
        {
            var loggerFactory = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            return new SlurmRestClient(
                sp.GetRequiredService<IHttpClientFactory>(),
                sp.GetRequiredService<IOptions<SlurmOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                loggerFactory.CreateLogger<SlurmRestClient>());
        });
        services.TryAddSingleton<ISlurmClient>(static sp => sp.GetRequiredService<SlurmRestClient>());
        services.TryAddSingleton<SlurmHealthCheck>();

        return services;
    }
    /// <summary>
    /// Adds the Slurm client (see <see cref="AddLlmCoreSlurmClient"/>) and makes <see cref="SlurmJobExecutor"/> the
    /// <see cref="IJobExecutor"/> of LlmCore.Scheduling, so that the scheduler's decisions run on the Slurm cluster.
    /// </summary>
    /// <param name="services">The service collection to add to.</param>
    /// <param name="configureClient">Changes to the <see cref="SlurmOptions"/> (at least a base address with a JWT, or a unix socket).</param>
    /// <param name="configureExecutor">Optional changes to the <see cref="SlurmExecutorOptions"/>.</param>
    /// <returns>The same <paramref name="services"/>, for chaining.</returns>
    /// <remarks>
    /// The executor replaces an <see cref="IJobExecutor"/> registered before (such as the in-process default of
    /// <c>AddLlmCoreScheduling</c>), whichever is called first. Both option sets are validated when the host starts.
    /// The health check of the connection is <see cref="SlurmHealthCheck"/>:
    /// <c>services.AddHealthChecks().AddCheck&lt;SlurmHealthCheck&gt;("slurm")</c>. Set
    /// <c>SchedulingOptions.Cluster</c> from <see cref="SlurmClusterReader.ReadClusterAsync"/> so that the scheduler
    /// plans on Slurm's nodes.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configureClient"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddLlmCoreSlurmExecutor(this IServiceCollection services, Action<SlurmOptions> configureClient, Action<SlurmExecutorOptions>? configureExecutor = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configureClient);

        services.AddLlmCoreSlurmClient(configureClient);
        var builder = services.AddOptions<SlurmExecutorOptions>();
        if (configureExecutor is not null)
        {
            builder.Configure(configureExecutor);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SlurmExecutorOptions>, SlurmExecutorOptionsValidator>());
        services.TryAddSingleton(sp =>
        {
            var loggerFactory = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            return new SlurmJobExecutor(
                sp.GetRequiredService<ISlurmClient>(),
                sp.GetRequiredService<IOptions<SlurmExecutorOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                loggerFactory.CreateLogger<SlurmJobExecutor>());
        });
        services.Replace(ServiceDescriptor.Singleton<IJobExecutor>(static sp => sp.GetRequiredService<SlurmJobExecutor>()));

        return services;
    }
}

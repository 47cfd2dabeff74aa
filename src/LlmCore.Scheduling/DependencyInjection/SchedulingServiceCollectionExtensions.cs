using LlmCore.Scheduling;
using LlmCore.Scheduling.DependencyInjection;
using LlmCore.Scheduling.Execution;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers LlmCore.Scheduling with a host's <see cref="IServiceCollection"/>.
/// </summary>
public static partial class SchedulingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the LlmCore.Scheduling services: <see cref="IJobScheduler"/> (a <see cref="JobScheduler"/> with the policy
    /// from the options), <see cref="IJobExecutor"/> (an <see cref="InProcessJobExecutor"/> unless the host registered
    /// another, e.g. a Slurm executor), the <see cref="SchedulerHostedService"/> and <see cref="TimeProvider.System"/>.
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SchedulingOptions>, SchedulingOptionsCustomValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IJobScheduler>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SchedulingOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var cluster = options.Cluster ?? new Cluster([new NodeSpec("local", options.LocalGpus)]);
            var policy = options.CreatePolicy();
            if (policy.ConfigurationWarning is { } warning)
            {
                Log.PolicyWarning((sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<JobScheduler>(), warning);
            }

            var engine = new SchedulingEngine(cluster, policy, options.Tenants, time.GetUtcNow(), options.FairShareHalfLife);
            return new JobScheduler(engine, time, queueExecutorCommands: true, sp.GetService<System.Diagnostics.Metrics.IMeterFactory>());
        });
        services.TryAddSingleton<IJobExecutor>(sp => new InProcessJobExecutor(sp.GetRequiredService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SchedulerHostedService>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SchedulingOptions>>().Value;
            var loggers = sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
            return new SchedulerHostedService(
                sp.GetRequiredService<IJobScheduler>(),
                sp.GetRequiredService<IJobExecutor>(),
                options.PassInterval,
                loggers.CreateLogger<SchedulerHostedService>());
        }));

        return services;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Scheduling policy: {Warning}")]
        public static partial void PolicyWarning(ILogger logger, string warning);
    }
}

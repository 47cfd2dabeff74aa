using LlmCore.Optimization.DependencyInjection;
using LlmCore.Optimization.Factories;
using LlmCore.Optimization.Text;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers LlmCore.Optimization with a host's <see cref="IServiceCollection"/>.
/// </summary>
public static class OptimizationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the LlmCore.Optimization services: <see cref="IOptimizerFactory"/>, <see cref="ILearningRateScheduleFactory"/> and <see cref="ITokenizerFactory"/>.
    /// </summary>
    /// <param name="services">The service collection to add to.</param>
    /// <param name="configure">Optional changes to the <see cref="OptimizationOptions"/>.</param>
    /// <returns>The same <paramref name="services"/>, for chaining.</returns>
    /// <remarks>
    /// Registration is idempotent and uses <c>TryAdd</c>, so a host's own registrations win. Options are validated
    /// when the host starts.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddLlmCoreOptimization(this IServiceCollection services, Action<OptimizationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var builder = services.AddOptions<OptimizationOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OptimizationOptions>, OptimizationOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IOptimizerFactory>(static sp => new OptimizerFactory(sp.GetRequiredService<IOptions<OptimizationOptions>>()));
        services.TryAddSingleton<ILearningRateScheduleFactory, LearningRateScheduleFactory>();
        services.TryAddSingleton<ITokenizerFactory, TokenizerFactory>();

        return services;
    }
}

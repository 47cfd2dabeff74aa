using LlmCore.Commercialization.Analysis;
using LlmCore.Commercialization.BusinessModels;
using LlmCore.Commercialization.Costs;
using LlmCore.Commercialization.DependencyInjection;
using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Industries;
using LlmCore.Commercialization.Serving;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers LlmCore.Commercialization with a host's <see cref="IServiceCollection"/>.
/// </summary>
public static class CommercializationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the LlmCore.Commercialization services.
    /// </summary>
    /// <param name="services">The service collection to add to.</param>
    /// <param name="configure">Optional changes to the <see cref="CommercializationOptions"/>.</param>
    /// <returns>The same <paramref name="services"/>, for chaining.</returns>
    /// <remarks>
    /// Registration is idempotent and uses <c>TryAdd</c>, so a host's own registrations win. Options are validated
    /// when the host starts. Registers, as singletons, the <see cref="GpuCatalog"/> built by
    /// <see cref="CommercializationOptions.BuildGpuCatalog"/>, <see cref="ICostModel"/> as an
    /// <see cref="AnalyticCostModel"/> over that catalogue at <see cref="CommercializationOptions.DefaultPricePerGpuHourUsd"/>,
    /// <see cref="IServingSimulator"/> and <see cref="IDeploymentSearch"/> over the same catalogue, and
    /// <see cref="ICommercializationAnalyzer"/>, which prices serving with that search.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddLlmCoreCommercialization(this IServiceCollection services, Action<CommercializationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var builder = services.AddOptions<CommercializationOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CommercializationOptions>, CommercializationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CommercializationOptions>, CommercializationOptionsCustomValidator>());
        services.TryAddSingleton(static sp => sp.GetRequiredService<IOptions<CommercializationOptions>>().Value.BuildGpuCatalog());
        services.TryAddSingleton<ICostModel>(static sp => new AnalyticCostModel(
            sp.GetRequiredService<GpuCatalog>(),
            sp.GetRequiredService<IOptions<CommercializationOptions>>().Value.DefaultPricePerGpuHourUsd));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IServingSimulator>(static sp => new ServingSimulator(sp.GetRequiredService<GpuCatalog>()));
        services.TryAddSingleton<IDeploymentSearch>(static sp => new DeploymentSearch(new ServingSimulator(sp.GetRequiredService<GpuCatalog>())));

        // Business analysis (issue 11): configure with services.Configure<BusinessAnalysisOptions>(...).
        services.AddOptions<BusinessAnalysisOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BusinessAnalysisOptions>, BusinessAnalysisOptionsCustomValidator>());
        services.TryAddSingleton<IIndustryCatalog>(static sp => new IndustryCatalog(sp.GetRequiredService<IOptions<BusinessAnalysisOptions>>().Value.Industries));
        services.TryAddSingleton<IBusinessModelCatalog>(static sp => new BusinessModelCatalog(sp.GetRequiredService<IOptions<BusinessAnalysisOptions>>().Value.BusinessModels));
        services.TryAddSingleton<ICommercializationAnalyzer>(static sp => new CommercializationAnalyzer(
            sp.GetRequiredService<ICostModel>(),
            sp.GetRequiredService<IDeploymentSearch>(),
            sp.GetRequiredService<IIndustryCatalog>(),
            sp.GetRequiredService<IBusinessModelCatalog>(),
            sp.GetRequiredService<IOptions<BusinessAnalysisOptions>>().Value,
            sp.GetService<TimeProvider>()));

        return services;
    }
}

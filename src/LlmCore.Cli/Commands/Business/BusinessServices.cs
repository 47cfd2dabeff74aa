using LlmCore.Commercialization.Analysis;
using LlmCore.Commercialization.Costs;
using LlmCore.Commercialization.DependencyInjection;
using LlmCore.Commercialization.Industries;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCore.Cli.Commands.Business;

/// <summary>Builds the commercialization services the business commands use (through <c>AddLlmCoreCommercialization</c>).</summary>
internal static class BusinessServices
{
    public static ServiceProvider Build(Action<BusinessAnalysisOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLlmCoreCommercialization();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services.BuildServiceProvider();
    }

    /// <summary>Finds the industry or throws a usage error (exit code 2) that lists the known ones.</summary>
    public static Industry ResolveIndustry(IServiceProvider provider, string? name)
    {
        var catalog = provider.GetRequiredService<IIndustryCatalog>();
        if (string.IsNullOrWhiteSpace(name) || !catalog.TryGet(name, out var industry))
        {
            var known = string.Join(", ", catalog.Industries.Select(static i => i.Name));
            throw Infrastructure.CliUsageException.ForOption("--industry", $"must be one of: {known}", name);
        }

        return industry;
    }

    /// <summary>Resolves the analyzer; fails (exit code 1) with a clear message when no cost model is registered.</summary>
    public static ICommercializationAnalyzer ResolveAnalyzer(IServiceProvider provider)
    {
        if (provider.GetService<ICostModel>() is null)
        {
            throw new InvalidOperationException("No ICostModel is registered by AddLlmCoreCommercialization; the business analysis needs the cost model.");
        }

        return provider.GetRequiredService<ICommercializationAnalyzer>();
    }
}

using LlmCore.Commercialization.Analysis;
using LlmCore.Commercialization.Costs;
using LlmCore.Commercialization.DependencyInjection;
using LlmCore.Commercialization.Industries;
using LlmCore.Commercialization.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCore.Commercialization.Tests.DependencyInjection;

public class BusinessAnalysisRegistrationTests
{
    [Fact]
    public void AddLlmCoreCommercialization_WithACostModel_ResolvesTheAnalyzer()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ICostModel>(new FixedCostModel());
        services.AddLlmCoreCommercialization();
        services.Configure<BusinessAnalysisOptions>(static o => o.MonteCarloSamples = 200);
        using var provider = services.BuildServiceProvider(validateScopes: true);

        var analysis = provider.GetRequiredService<ICommercializationAnalyzer>().Analyze("manufacturing");

        Assert.Equal("manufacturing", analysis.Industry);
        Assert.Equal(200, analysis.Assumptions.MonteCarloSamples);
    }

    [Fact]
    public void AddLlmCoreCommercialization_IndustriesFromOptions_ExtendTheCatalogue()
    {
        var services = new ServiceCollection();
        services.AddLlmCoreCommercialization();
        services.Configure<BusinessAnalysisOptions>(static o => o.Industries.Add(new IndustryCatalog().Get("legal") with { Name = "tax", DisplayName = "Tax advisory", Aliases = [] }));
        using var provider = services.BuildServiceProvider();

        Assert.Equal("tax", provider.GetRequiredService<IIndustryCatalog>().Get("TAX").Name);
    }

    [Fact]
    public void AddLlmCoreCommercialization_BadWeights_FailValidation()
    {
        var services = new ServiceCollection();
        services.AddLlmCoreCommercialization();
        services.Configure<BusinessAnalysisOptions>(static o => o.CriteriaWeights = [0.2, 0.2, 0.2, 0.2, 0.2, 0.2]);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<BusinessAnalysisOptions>>().Value);

        Assert.Contains("sum to 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlmCoreCommercialization_NegativeOverhead_FailsValidationNamingTheProperty()
    {
        var services = new ServiceCollection();
        services.AddLlmCoreCommercialization();
        services.Configure<BusinessAnalysisOptions>(static o => o.OverheadCostPerRequestUsd = -1);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<BusinessAnalysisOptions>>().Value);

        Assert.Contains("OverheadCostPerRequestUsd", ex.Message, StringComparison.Ordinal);
    }
}

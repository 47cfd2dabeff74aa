using LlmCore.Commercialization.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCore.Commercialization.Tests.DependencyInjection;

public class CommercializationServiceCollectionExtensionsTests
{
    [Fact]
    public void AddLlmCoreCommercialization_InvalidOptions_FailValidationNamingTheProperty()
    {
        using var provider = new ServiceCollection().AddLlmCoreCommercialization(o => o.DefaultPricePerGpuHourUsd = -1).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CommercializationOptions>>().Value);

        Assert.Contains("DefaultPricePerGpuHourUsd", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlmCoreCommercialization_Defaults_AreValid()
    {
        using var provider = new ServiceCollection().AddLlmCoreCommercialization().BuildServiceProvider(validateScopes: true);

        Assert.NotNull(provider.GetRequiredService<IOptions<CommercializationOptions>>().Value);
    }
}

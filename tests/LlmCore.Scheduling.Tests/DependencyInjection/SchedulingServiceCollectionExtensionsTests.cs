using LlmCore.Scheduling.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCore.Scheduling.Tests.DependencyInjection;

public class SchedulingServiceCollectionExtensionsTests
{
    [Fact]
    public void AddLlmCoreScheduling_InvalidOptions_FailValidationNamingTheProperty()
    {
        using var provider = new ServiceCollection().AddLlmCoreScheduling(o => o.Policy = "round-robin").BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SchedulingOptions>>().Value);

        Assert.Contains("Policy", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlmCoreScheduling_Defaults_AreValid()
    {
        using var provider = new ServiceCollection().AddLlmCoreScheduling().BuildServiceProvider(validateScopes: true);

        Assert.NotNull(provider.GetRequiredService<IOptions<SchedulingOptions>>().Value);
    }
}

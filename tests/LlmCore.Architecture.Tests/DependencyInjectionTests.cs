using LlmCore.Commercialization.DependencyInjection;
using LlmCore.Optimization.DependencyInjection;
using LlmCore.Privacy.DependencyInjection;
using LlmCore.Scheduling.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCore.Architecture.Tests;

/// <summary>The DI conventions of STYLE.md, for every package at once.</summary>
public class DependencyInjectionTests
{
    [Fact]
    public void AllFourPackages_RegisterTogether_AndValidateOnBuild()
    {
        var services = new ServiceCollection()
            .AddLlmCorePrivacy()
            .AddLlmCoreOptimization()
            .AddLlmCoreScheduling()
            .AddLlmCoreCommercialization();

        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.NotNull(provider.GetRequiredService<IOptions<PrivacyOptions>>().Value);
        Assert.NotNull(provider.GetRequiredService<IOptions<OptimizationOptions>>().Value);
        Assert.NotNull(provider.GetRequiredService<IOptions<SchedulingOptions>>().Value);
        Assert.NotNull(provider.GetRequiredService<IOptions<CommercializationOptions>>().Value);
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddingTwice_RegistersEachServiceOnce()
    {
        var once = new ServiceCollection().AddLlmCorePrivacy().AddLlmCoreOptimization().AddLlmCoreScheduling().AddLlmCoreCommercialization();
        var twice = new ServiceCollection().AddLlmCorePrivacy().AddLlmCoreOptimization().AddLlmCoreScheduling().AddLlmCoreCommercialization()
            .AddLlmCorePrivacy().AddLlmCoreOptimization().AddLlmCoreScheduling().AddLlmCoreCommercialization();

        var onceTypes = once.Where(static d => d.ServiceType.Namespace?.StartsWith("LlmCore", StringComparison.Ordinal) == true).Select(static d => d.ServiceType).ToList();
        var twiceTypes = twice.Where(static d => d.ServiceType.Namespace?.StartsWith("LlmCore", StringComparison.Ordinal) == true).Select(static d => d.ServiceType).ToList();

        Assert.Equal(onceTypes.Count, twiceTypes.Count);
    }

    [Fact]
    public void HostRegistration_Wins()
    {
        var mine = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(mine).AddLlmCoreScheduling();

        using var provider = services.BuildServiceProvider();

        Assert.Same(mine, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void NullServices_Throws()
    {
        Assert.Throws<ArgumentNullException>("services", () => PrivacyServiceCollectionExtensions.AddLlmCorePrivacy(null!));
        Assert.Throws<ArgumentNullException>("services", () => OptimizationServiceCollectionExtensions.AddLlmCoreOptimization(null!));
        Assert.Throws<ArgumentNullException>("services", () => SchedulingServiceCollectionExtensions.AddLlmCoreScheduling(null!));
        Assert.Throws<ArgumentNullException>("services", () => CommercializationServiceCollectionExtensions.AddLlmCoreCommercialization(null!));
    }
}

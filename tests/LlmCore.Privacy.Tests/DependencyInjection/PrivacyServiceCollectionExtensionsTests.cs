using LlmCore.Privacy.DependencyInjection;
using LlmCore.Privacy.Sampling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCore.Privacy.Tests.DependencyInjection;

public class PrivacyServiceCollectionExtensionsTests
{
    [Fact]
    public void AddLlmCorePrivacy_Default_ResolvesSecureSource()
    {
        using var provider = new ServiceCollection().AddLlmCorePrivacy().BuildServiceProvider(validateScopes: true);

        var source = provider.GetRequiredService<IRandomSource>();

        Assert.True(source.IsCryptographicallySecure);
    }

    [Fact]
    public void AddLlmCorePrivacy_Seeded_ResolvesReproducibleSource()
    {
        using var a = new ServiceCollection().AddLlmCorePrivacy(o => { o.RandomSource = RandomSourceKind.Seeded; o.Seed = 7; }).BuildServiceProvider();
        using var b = new ServiceCollection().AddLlmCorePrivacy(o => { o.RandomSource = RandomSourceKind.Seeded; o.Seed = 7; }).BuildServiceProvider();

        var first = a.GetRequiredService<IRandomSource>();

        Assert.False(first.IsCryptographicallySecure);
        Assert.Equal(first.NextUInt64(), b.GetRequiredService<IRandomSource>().NextUInt64());
    }

    [Fact]
    public void AddLlmCorePrivacy_SeededWithoutSeed_FailsValidationNamingSeed()
    {
        using var provider = new ServiceCollection().AddLlmCorePrivacy(o => o.RandomSource = RandomSourceKind.Seeded).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PrivacyOptions>>().Value);

        Assert.Contains("Seed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlmCorePrivacy_CalledTwice_RegistersOnce()
    {
        var services = new ServiceCollection().AddLlmCorePrivacy().AddLlmCorePrivacy();

        Assert.Single(services, static d => d.ServiceType == typeof(IRandomSource));
        Assert.Single(services, static d => d.ServiceType == typeof(IValidateOptions<PrivacyOptions>));
    }
}

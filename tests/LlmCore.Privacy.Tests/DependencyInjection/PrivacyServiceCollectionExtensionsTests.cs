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
        // Two validators, each registered once: the source-generated ranges and the cross-field rules.
        Assert.Equal(2, services.Count(static d => d.ServiceType == typeof(IValidateOptions<PrivacyOptions>)));
    }
}

public class PrivacyServiceCollectionExtensionsMechanismTests
{
    [Fact]
    public void AddLlmCorePrivacy_Default_ResolvesFactoryAndBudgetFromOptions()
    {
        using var provider = new ServiceCollection()
            .AddLlmCorePrivacy(static o => { o.BudgetEpsilon = 2; o.BudgetDelta = 1e-7; })
            .BuildServiceProvider(validateScopes: true);

        var factory = provider.GetRequiredService<LlmCore.Privacy.Mechanisms.IMechanismFactory>();
        var budget = provider.GetRequiredService<LlmCore.Privacy.Budget.PrivacyBudget>();

        Assert.Same(provider.GetRequiredService<IRandomSource>(), factory.RandomSource);
        Assert.Equal(2, budget.EpsilonLimit);
        Assert.Equal(1e-7, budget.DeltaLimit);
        Assert.Same(budget, provider.GetRequiredService<LlmCore.Privacy.Budget.PrivacyBudget>());
    }

    [Theory]
    [InlineData(-1, 0, "BudgetEpsilon")]
    [InlineData(double.NaN, 0, "BudgetEpsilon")]
    [InlineData(1, 1, "BudgetDelta")]
    [InlineData(double.PositiveInfinity, 0, "BudgetEpsilon")]
    [InlineData(1, -1e-9, "BudgetDelta")]
    [InlineData(1, double.NaN, "BudgetDelta")]
    public void AddLlmCorePrivacy_BadBudget_FailsValidationNamingOption(double epsilon, double delta, string option)
    {
        using var provider = new ServiceCollection().AddLlmCorePrivacy(o => { o.BudgetEpsilon = epsilon; o.BudgetDelta = delta; }).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PrivacyOptions>>().Value);

        Assert.Contains(option, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1.0, "BudgetRho must be between 0 and")]
    [InlineData(double.PositiveInfinity, "BudgetRho must be between 0 and")]
    // The source-generated validator words range errors itself ("The field PrivacyOptions.BudgetRho must be between 0 and
    // 1.79E+308."): its RangeAttribute ignores ErrorMessage (Microsoft.Extensions.Options.SourceGeneration 10.0).
    public void AddLlmCorePrivacy_BadRho_FailsValidationNamingTheRange(double rho, string message)
    {
        using var provider = new ServiceCollection().AddLlmCorePrivacy(o => o.BudgetRho = rho).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PrivacyOptions>>().Value);

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlmCorePrivacy_SeveralBadOptions_ReportsEveryOne()
    {
        // Attribute ranges (source-generated validator) and cross-field rules (custom validator) both run at start.
        using var provider = new ServiceCollection()
            .AddLlmCorePrivacy(static o => { o.BudgetDelta = 2; o.RandomSource = RandomSourceKind.Seeded; o.Seed = null; })
            .BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PrivacyOptions>>().Value);

        Assert.Contains("BudgetDelta must be between 0 and 1 exclusive", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Seed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlmCorePrivacy_BudgetAtItsLimits_IsAccepted()
    {
        using var provider = new ServiceCollection()
            .AddLlmCorePrivacy(static o => { o.BudgetEpsilon = 0; o.BudgetDelta = 0; o.BudgetRho = double.MaxValue; })
            .BuildServiceProvider();

        Assert.Equal(0, provider.GetRequiredService<IOptions<PrivacyOptions>>().Value.BudgetDelta);
    }
}

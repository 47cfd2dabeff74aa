using LlmCore.Commercialization.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCore.Commercialization.Tests.DependencyInjection;

public class CommercializationCostRegistrationTests
{
    [Fact]
    public void AddLlmCoreCommercialization_RegistersCostModelAndCatalogue()
    {
        using var provider = new ServiceCollection().AddLlmCoreCommercialization(o => o.DefaultPricePerGpuHourUsd = 3.0).BuildServiceProvider(validateScopes: true);

        var model = Assert.IsType<LlmCore.Commercialization.Costs.AnalyticCostModel>(provider.GetRequiredService<LlmCore.Commercialization.Costs.ICostModel>());
        Assert.Same(provider.GetRequiredService<LlmCore.Commercialization.Hardware.GpuCatalog>(), model.Gpus);
        Assert.Equal(3.0, model.DefaultPrice);
    }

    [Fact]
    public void AddLlmCoreCommercialization_OptionGpus_ExtendAndOverrideCatalogue()
    {
        using var provider = new ServiceCollection()
            .AddLlmCoreCommercialization(o =>
            {
                o.Gpus.Add(new LlmCore.Commercialization.Hardware.GpuSpec("MyAccelerator", 100e12, null, 64e9, 1e12, 0, 300));
                o.Gpus.Add(new LlmCore.Commercialization.Hardware.GpuSpec("h100-sxm", 989e12, 1979e12, 94e9, 3.9e12, 600e9, 400));
            })
            .BuildServiceProvider();

        var catalog = provider.GetRequiredService<LlmCore.Commercialization.Hardware.GpuCatalog>();

        Assert.True(catalog.TryGet("myaccelerator", out _));
        Assert.Equal(94e9, catalog.Get("H100-SXM").MemoryBytes);
    }

    [Fact]
    public void AddLlmCoreCommercialization_MissingCatalogueFile_FailsValidation()
    {
        using var provider = new ServiceCollection().AddLlmCoreCommercialization(o => o.GpuCatalogFile = "/nonexistent/gpus.json").BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CommercializationOptions>>().Value);

        Assert.Contains("GpuCatalogFile", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddLlmCoreCommercialization_CatalogueFile_IsLoaded()
    {
        var path = Path.Combine(Path.GetTempPath(), $"llmcore-gpus-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """[ { "name": "FileGpu", "denseFp16Tflops": 10, "memoryGb": 16, "bandwidthTbPerSecond": 0.5, "tdpWatts": 70 } ]""");
        try
        {
            using var provider = new ServiceCollection().AddLlmCoreCommercialization(o => o.GpuCatalogFile = path).BuildServiceProvider();

            Assert.True(provider.GetRequiredService<LlmCore.Commercialization.Hardware.GpuCatalog>().TryGet("filegpu", out _));
        }
        finally
        {
            File.Delete(path);
        }
    }
}

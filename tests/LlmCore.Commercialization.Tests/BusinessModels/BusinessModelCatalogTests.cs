using LlmCore.Commercialization.BusinessModels;

namespace LlmCore.Commercialization.Tests.BusinessModels;

public class BusinessModelCatalogTests
{
    [Fact]
    public void BuiltIn_HasTheSixBusinessModelsOfTheIssue()
    {
        var kinds = new BusinessModelCatalog().BusinessModels.Select(static m => m.Kind);

        Assert.Equal(Enum.GetValues<BusinessModelKind>(), kinds);
        Assert.All(new BusinessModelCatalog().BusinessModels, static m =>
        {
            Assert.False(string.IsNullOrWhiteSpace(m.CostStructure));
            Assert.NotEmpty(m.RevenueDrivers);
        });
    }

    [Fact]
    public void Constructor_SharesSummingToOne_AreRejected()
    {
        var bad = BusinessModelCatalog.BuiltIn[0] with { ServiceCostShare = 0.6, SellingCostShare = 0.4 };

        Assert.Throws<ArgumentOutOfRangeException>(() => new BusinessModelCatalog([bad]));
    }

    [Fact]
    public void Constructor_Override_ReplacesByName()
    {
        var cheaperApi = BusinessModelCatalog.BuiltIn[2] with { FixedCostUsdPerYear = 1 };

        var catalog = new BusinessModelCatalog([cheaperApi]);

        Assert.Equal(6, catalog.BusinessModels.Count);
        Assert.Equal(1, catalog.BusinessModels.Single(static m => m.Name == "usage-api").FixedCostUsdPerYear);
    }
}

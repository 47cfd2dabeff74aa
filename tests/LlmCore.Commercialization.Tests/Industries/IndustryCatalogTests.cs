using LlmCore.Commercialization.Industries;

namespace LlmCore.Commercialization.Tests.Industries;

public class IndustryCatalogTests
{
    [Fact]
    public void BuiltIn_CoversTheNineIndustriesOfTheIssue()
    {
        var names = new IndustryCatalog().Industries.Select(static i => i.Name);

        Assert.Equal(
            ["finance", "healthcare", "retail", "education", "legal", "manufacturing", "customer-service", "software-development", "government"],
            names);
    }

    // The regimes that govern each industry in the US and EU (e.g. GLBA for finance, HIPAA for healthcare), by their statutes.
    [Theory]
    [InlineData("finance", "GLBA")]
    [InlineData("finance", "PCI DSS")]
    [InlineData("finance", "PIPL")]
    [InlineData("healthcare", "HIPAA")]
    [InlineData("education", "FERPA")]
    [InlineData("retail", "GDPR")]
    [InlineData("government", "Generative AI")]
    [InlineData("customer-service", "EU AI Act")]
    public void BuiltIn_NamesTheApplicableRegulations(string industry, string regulation)
    {
        var profile = new IndustryCatalog().Get(industry);

        Assert.Contains(profile.Regulations, r => r.Name.Contains(regulation, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("E-Commerce", "retail")]
    [InlineData(" Banking ", "finance")]
    [InlineData("HEALTHCARE", "healthcare")]
    public void Get_AliasOrOtherCase_FindsTheIndustry(string name, string expected)
    {
        Assert.Equal(expected, new IndustryCatalog().Get(name).Name);
    }

    [Fact]
    public void Get_UnknownIndustry_ListsTheKnownOnes()
    {
        var ex = Assert.Throws<UnknownIndustryException>(() => new IndustryCatalog().Get("astrology"));

        Assert.Contains("astrology", ex.Message, StringComparison.Ordinal);
        Assert.Contains("finance, healthcare, retail", ex.Message, StringComparison.Ordinal);
        Assert.Equal(9, ex.KnownIndustries.Count);
    }

    [Fact]
    public void Constructor_Override_ReplacesTheBuiltInEntry()
    {
        var cheaper = new IndustryCatalog().Get("legal") with { SeatPriceUsdPerMonth = 99 };

        var catalog = new IndustryCatalog([cheaper]);

        Assert.Equal(99, catalog.Get("law").SeatPriceUsdPerMonth);
        Assert.Equal(9, catalog.Industries.Count);
    }

    [Fact]
    public void Constructor_NegativePrice_IsRejected()
    {
        var bad = new IndustryCatalog().Get("retail") with { Name = "bad-retail", Aliases = [], PricePerRequestUsd = -0.01 };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new IndustryCatalog([bad]));

        Assert.Equal(nameof(Industry.PricePerRequestUsd), ex.ParamName);
    }

    [Fact]
    public void ParseJson_RoundTrip_AddsAnIndustry()
    {
        var agriculture = new IndustryCatalog().Get("manufacturing") with { Name = "agriculture", DisplayName = "Agriculture", Aliases = ["agritech"] };
        var json = IndustryCatalog.ToJson([agriculture]);

        var parsed = IndustryCatalog.ParseJson(json);
        var catalog = new IndustryCatalog(parsed);

        Assert.Contains("\"dataSensitivity\": \"Medium\"", json, StringComparison.Ordinal);
        Assert.Equal(10, catalog.Industries.Count);
        Assert.Equal(agriculture.SeatPriceUsdPerMonth, catalog.Get("agritech").SeatPriceUsdPerMonth);
        Assert.Equal(agriculture.Regulations, catalog.Get("agriculture").Regulations);
    }

    [Fact]
    public void ParseJson_NegativeSeatPrice_IsRejected()
    {
        var json = IndustryCatalog.ToJson([new IndustryCatalog().Get("legal")]).Replace("\"seatPriceUsdPerMonth\": 300", "\"seatPriceUsdPerMonth\": -300", StringComparison.Ordinal);

        Assert.Throws<ArgumentOutOfRangeException>(() => IndustryCatalog.ParseJson(json));
    }

    [Fact]
    public void ParseJson_Malformed_IsAnArgumentException()
    {
        Assert.Throws<ArgumentException>(() => IndustryCatalog.ParseJson("{ not json"));
    }
}

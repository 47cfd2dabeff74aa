using LlmCore.Commercialization.Models;

namespace LlmCore.Commercialization.Tests.Models;

public class ModelPresetsTests
{
    [Fact]
    public void All_CiteTheirPaper()
    {
        Assert.Equal(8, ModelPresets.All.Count);
        Assert.All(ModelPresets.All, static m => Assert.Contains("arXiv:", m.Source, StringComparison.Ordinal));
    }

    // Active parameters of the mixture-of-experts presets: Mixtral 8x7B 46.7B / 12.9B (arXiv:2401.04088, §2; llm-costs.json
    // row mixtral-8x7b); DeepSeek-V3 671B / 37B (arXiv:2412.19437; row deepseek-v3).
    [Theory]
    [InlineData("mixtral-8x7b", "Mixtral-8x7B")]
    [InlineData("deepseek-v3", "DeepSeek-V3")]
    public void MixtureOfExperts_ParametersMatchReference(string id, string preset)
    {
        var row = Commercialization.Tests.Costs.CostReference.Row("training_runs", id);
        Assert.True(ModelPresets.TryGet(preset, out var model));

        Assert.Equal(row.GetProperty("params_total").GetDouble(), model.Parameters);
        Assert.Equal(row.GetProperty("params_active").GetDouble(), model.ActiveParameters);
        Assert.Equal(model.ActiveParameters, model.ParametersPerToken);
    }

    [Fact]
    public void TryGet_IgnoresCase_AndRejectsUnknown()
    {
        Assert.True(ModelPresets.TryGet("llama-3.1-405b", out var model));
        Assert.Same(ModelPresets.Llama31_405B, model);
        Assert.False(ModelPresets.TryGet("GPT-5", out _));
    }

    [Fact]
    public void Constructor_MoreKvHeadsThanHeads_Throws()
    {
        Assert.Equal("kvHeads", Assert.Throws<ArgumentOutOfRangeException>(() => new ModelArchitecture("x", 1e9, 1, 64, 4, 8, 16, 100)).ParamName);
    }
}

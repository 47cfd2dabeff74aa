using LlmCore.Commercialization.Analysis;
using Microsoft.Extensions.Options;

namespace LlmCore.Commercialization.DependencyInjection;

/// <summary>Cross-field rules of <see cref="BusinessAnalysisOptions"/>: weights, judgments and catalogue entries.</summary>
internal sealed class BusinessAnalysisOptionsCustomValidator : IValidateOptions<BusinessAnalysisOptions>
{
    public ValidateOptionsResult Validate(string? name, BusinessAnalysisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        foreach (var error in CommercializationAnalyzer.CheckOptions(options))
        {
            builder.AddError(error);
        }

        return builder.Build();
    }
}

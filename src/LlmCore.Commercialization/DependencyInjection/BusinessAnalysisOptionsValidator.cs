using Microsoft.Extensions.Options;

namespace LlmCore.Commercialization.DependencyInjection;

/// <summary>Checks the <see cref="BusinessAnalysisOptions"/> ranges declared by their attributes (source-generated).</summary>
[OptionsValidator]
internal sealed partial class BusinessAnalysisOptionsValidator : IValidateOptions<BusinessAnalysisOptions>
{
}

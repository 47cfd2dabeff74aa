using Microsoft.Extensions.Options;

namespace LlmCore.Privacy.DependencyInjection;

/// <summary>Checks the <see cref="PrivacyOptions"/> ranges declared by their attributes (source-generated).</summary>
[OptionsValidator]
internal sealed partial class PrivacyOptionsValidator : IValidateOptions<PrivacyOptions>
{
}

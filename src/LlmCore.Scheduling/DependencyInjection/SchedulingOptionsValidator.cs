using Microsoft.Extensions.Options;

namespace LlmCore.Scheduling.DependencyInjection;

/// <summary>Checks the <see cref="SchedulingOptions"/> ranges declared by their attributes (source-generated).</summary>
[OptionsValidator]
internal sealed partial class SchedulingOptionsValidator : IValidateOptions<SchedulingOptions>
{
}

using Microsoft.Extensions.Options;

namespace LlmCore.Optimization.DependencyInjection;

/// <summary>Checks the <see cref="OptimizationOptions"/> ranges declared by their attributes (source-generated).</summary>
[OptionsValidator]
internal sealed partial class OptimizationOptionsValidator : IValidateOptions<OptimizationOptions>
{
}

using LlmCore.Scheduling.Slurm;
using Microsoft.Extensions.Options;

namespace LlmCore.Scheduling.Slurm.DependencyInjection;

/// <summary>Checks the <see cref="SlurmOptions"/> ranges declared by their attributes (source-generated).</summary>
[OptionsValidator]
internal sealed partial class SlurmOptionsValidator : IValidateOptions<SlurmOptions>
{
}

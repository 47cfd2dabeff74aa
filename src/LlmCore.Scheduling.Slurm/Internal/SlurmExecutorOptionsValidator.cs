using LlmCore.Scheduling.Slurm.Execution;
using Microsoft.Extensions.Options;

namespace LlmCore.Scheduling.Slurm.Internal;

/// <summary>Checks the ranges of <see cref="SlurmExecutorOptions"/>.</summary>
internal sealed class SlurmExecutorOptionsValidator : IValidateOptions<SlurmExecutorOptions>
{
    public ValidateOptionsResult Validate(string? name, SlurmExecutorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Errors().ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

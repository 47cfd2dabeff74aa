using LlmCore.Scheduling.Policies;
using Microsoft.Extensions.Options;

namespace LlmCore.Scheduling.DependencyInjection;

/// <summary>Checks the <see cref="SchedulingOptions"/> rules that attributes cannot express.</summary>
internal sealed class SchedulingOptionsCustomValidator : IValidateOptions<SchedulingOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulingOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (options.Policy is not null && !PolicyCatalog.Contains(options.Policy))
        {
            builder.AddError($"must be one of {string.Join(", ", PolicyCatalog.Names)}; was '{options.Policy}'", nameof(options.Policy));
        }

        if (options.PassInterval <= TimeSpan.Zero || options.PassInterval > TimeSpan.FromHours(1))
        {
            builder.AddError($"must be in (0, 1 h]; was {options.PassInterval}", nameof(options.PassInterval));
        }

        if (options.FairShareHalfLife < TimeSpan.Zero)
        {
            builder.AddError($"must be ≥ 0; was {options.FairShareHalfLife}", nameof(options.FairShareHalfLife));
        }

        if (options.HeterogeneityAware && options.Throughputs is null)
        {
            builder.AddError("needs Throughputs (a throughput matrix); set HeterogeneityAware to false or give the matrix", nameof(options.HeterogeneityAware));
        }

        return builder.Build();
    }
}

using Microsoft.Extensions.Options;

namespace LlmCore.Privacy.DependencyInjection;

/// <summary>Checks the rules of <see cref="PrivacyOptions"/> that span more than one property.</summary>
internal sealed class PrivacyOptionsValidator : IValidateOptions<PrivacyOptions>
{
    public ValidateOptionsResult Validate(string? name, PrivacyOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (!Enum.IsDefined(options.RandomSource))
        {
            builder.AddError($"must be Secure or Seeded; got {(int)options.RandomSource}.", nameof(PrivacyOptions.RandomSource));
        }

        if (options.RandomSource == RandomSourceKind.Seeded && options.Seed is null)
        {
            builder.AddError("is required when RandomSource is Seeded.", nameof(PrivacyOptions.Seed));
        }

        if (!double.IsFinite(options.BudgetEpsilon) || options.BudgetEpsilon < 0)
        {
            builder.AddError($"must be finite and >= 0; got {options.BudgetEpsilon}.", nameof(PrivacyOptions.BudgetEpsilon));
        }

        if (!(options.BudgetDelta >= 0 && options.BudgetDelta < 1))
        {
            builder.AddError($"must be in [0, 1); got {options.BudgetDelta}.", nameof(PrivacyOptions.BudgetDelta));
        }

        if (!double.IsFinite(options.BudgetRho) || options.BudgetRho < 0)
        {
            builder.AddError($"must be finite and >= 0; got {options.BudgetRho}.", nameof(PrivacyOptions.BudgetRho));
        }

        return builder.Build();
    }
}

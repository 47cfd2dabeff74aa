using Microsoft.Extensions.Options;

namespace LlmCore.Privacy.DependencyInjection;

/// <summary>Checks the <see cref="PrivacyOptions"/> rules that attributes cannot express, reporting every error at once.</summary>
internal sealed class PrivacyOptionsCustomValidator : IValidateOptions<PrivacyOptions>
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

        return builder.Build();
    }
}

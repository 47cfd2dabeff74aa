using Microsoft.Extensions.Options;

namespace LlmCore.Scheduling.Slurm.Internal;

/// <summary>Cross-field rules of <see cref="SlurmOptions"/>: exactly one transport, and a JWT with HTTP.</summary>
internal sealed class SlurmOptionsCustomValidator : IValidateOptions<SlurmOptions>
{
    public ValidateOptionsResult Validate(string? name, SlurmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = new ValidateOptionsResultBuilder();
        foreach (var error in Errors(options))
        {
            builder.AddError(error);
        }

        return builder.Build();
    }

    internal static IEnumerable<string> Errors(SlurmOptions options)
    {
        var hasUrl = options.BaseAddress is not null;
        var hasSocket = !string.IsNullOrWhiteSpace(options.UnixSocketPath);
        if (hasUrl == hasSocket)
        {
            yield return "Set exactly one of SlurmOptions.BaseAddress (HTTP with a JWT) and SlurmOptions.UnixSocketPath (local auth).";
        }

        if (hasUrl)
        {
            if (!options.BaseAddress!.IsAbsoluteUri || (options.BaseAddress.Scheme != Uri.UriSchemeHttp && options.BaseAddress.Scheme != Uri.UriSchemeHttps))
            {
                yield return $"SlurmOptions.BaseAddress must be an absolute http or https URL; got '{options.BaseAddress}'.";
            }

            if (string.IsNullOrWhiteSpace(options.UserName) || string.IsNullOrWhiteSpace(options.Token))
            {
                yield return "SlurmOptions.UserName and SlurmOptions.Token (X-SLURM-USER-NAME, X-SLURM-USER-TOKEN) are required with BaseAddress.";
            }
        }

        if (options.ApiVersion is not null && !Api.SlurmDialect.IsSupported(options.ApiVersion))
        {
            yield return $"SlurmOptions.ApiVersion must be null (negotiate) or one of {string.Join(", ", Api.SlurmDialect.Supported)}; got '{options.ApiVersion}'.";
        }

        if (options.MaxRetryAttempts is < 0 or > 50)
        {
            yield return $"SlurmOptions.MaxRetryAttempts must be in [0, 50]; got {options.MaxRetryAttempts}.";
        }

        if (options.MaxConnections is < 1 or > 64)
        {
            yield return $"SlurmOptions.MaxConnections must be in [1, 64]; got {options.MaxConnections}.";
        }

        if (options.RetryDelay <= TimeSpan.Zero || options.RetryDelay > TimeSpan.FromMinutes(1))
        {
            yield return $"SlurmOptions.RetryDelay must be in (0, 1 min]; got {options.RetryDelay}.";
        }

        if (options.RequestTimeout < TimeSpan.FromMilliseconds(100) || options.RequestTimeout > TimeSpan.FromMinutes(10))
        {
            yield return $"SlurmOptions.RequestTimeout must be in [100 ms, 10 min]; got {options.RequestTimeout}.";
        }

        if (string.IsNullOrWhiteSpace(options.WorkingDirectory) || string.IsNullOrWhiteSpace(options.ScontrolPath))
        {
            yield return "SlurmOptions.WorkingDirectory and SlurmOptions.ScontrolPath must not be empty.";
        }
    }
}

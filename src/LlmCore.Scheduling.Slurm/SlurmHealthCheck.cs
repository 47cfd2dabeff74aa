using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmCore.Scheduling.Slurm;

/// <summary>
/// A health check of the connection to Slurm: healthy when slurmrestd answers <c>GET /ping</c> and slurmctld is up.
/// </summary>
/// <remarks>
/// Thread-safe. Register it with <c>services.AddHealthChecks().AddCheck&lt;SlurmHealthCheck&gt;("slurm")</c>
/// after <c>AddLlmCoreSlurmClient</c>. Unhealthy when slurmrestd does not answer or refuses (e.g. an expired JWT);
/// degraded when slurmrestd answers but the controller is not <c>UP</c>.
/// </remarks>
public sealed class SlurmHealthCheck : IHealthCheck
{
    private readonly ISlurmClient _client;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="client">The client whose connection is checked.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    public SlurmHealthCheck(ISlurmClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
    }

    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var ping = await _client.PingAsync(cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object>
            {
                ["hostname"] = ping.Hostname,
                ["slurmVersion"] = ping.SlurmVersion,
                ["apiVersion"] = _client.ApiVersion,
            };
            return ping.IsUp
                ? HealthCheckResult.Healthy($"slurmctld on {ping.Hostname} is up (Slurm {ping.SlurmVersion}, {_client.ApiVersion}).", data)
                : HealthCheckResult.Degraded($"slurmrestd answers but slurmctld on '{ping.Hostname}' is not up.", data: data);
        }
        catch (SlurmException ex)
        {
            return HealthCheckResult.Unhealthy("slurmrestd did not answer or refused: " + ex.Message, ex);
        }
    }
}

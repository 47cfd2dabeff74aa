using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LlmCore.Scheduling.Slurm.Tests.Client;

public class SlurmRegistrationTests
{
    [Fact]
    public void AddLlmCoreSlurmClient_CalledTwice_RegistersOneClient()
    {
        var services = new ServiceCollection();
        services.AddLlmCoreSlurmClient(o => o.UnixSocketPath = "/run/s.sock");
        services.AddLlmCoreSlurmClient();

        Assert.Single(services, d => d.ServiceType == typeof(ISlurmClient));
        using var provider = services.BuildServiceProvider();
        Assert.Same(provider.GetRequiredService<ISlurmClient>(), provider.GetRequiredService<SlurmRestClient>());
        Assert.Equal(string.Empty, provider.GetRequiredService<ISlurmClient>().ApiVersion); // negotiated at the first request
        Assert.NotNull(provider.GetRequiredService<SlurmHealthCheck>());
    }

    [Fact]
    public void AddLlmCoreSlurmClient_NoTransport_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddLlmCoreSlurmClient();
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SlurmOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.Contains("UnixSocketPath", StringComparison.Ordinal));
    }

    [Fact]
    public void AddLlmCoreSlurmClient_OutOfRangeRetries_FailsValidation()
    {
        var services = new ServiceCollection();
        services.AddLlmCoreSlurmClient(o =>
        {
            o.UnixSocketPath = "/run/s.sock";
            o.MaxRetryAttempts = 51;
            o.MaxConnections = 0;
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SlurmOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.Contains("MaxRetryAttempts", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("MaxConnections", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckHealthAsync_ControllerUp_IsHealthy()
    {
        var handler = new FakeSlurmHandler().OnRecorded(HttpMethod.Get, "/slurm/v0.0.38/ping", "v0.0.38/ping.response.json");
        using var slurm = handler.Client(new SlurmOptions { UnixSocketPath = "/run/s.sock", ApiVersion = "v0.0.38" });
        var check = new SlurmHealthCheck(slurm.Client);

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("22.05.8", result.Data["slurmVersion"]);
    }

    [Fact]
    public async Task CheckHealthAsync_NoAnswer_IsUnhealthy()
    {
        var handler = new FakeSlurmHandler().Throw(HttpMethod.Get, "/slurm/v0.0.38/ping", new HttpRequestException("connection refused"));
        var options = new SlurmOptions { UnixSocketPath = "/run/s.sock", MaxRetryAttempts = 1, RetryDelay = TimeSpan.FromMilliseconds(1), ApiVersion = "v0.0.38" };
        using var slurm = handler.Client(options);
        var check = new SlurmHealthCheck(slurm.Client);

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Theory]
    [InlineData(0, 100)]          // no retries, the shortest attempt time-out
    [InlineData(50, 600_000)]     // the most retries, the longest attempt time-out
    public async Task AddLlmCoreSlurmClient_OptionsAtTheirLimits_BuildAValidStandardResilienceHandler(int retries, int timeoutMs)
    {
        // The standard handler validates its own options (total > attempt time-out, sampling >= 2 x attempt time-out).
        var handler = new FakeSlurmHandler().OnRecorded(HttpMethod.Get, "/slurm/v0.0.38/ping", "v0.0.38/ping.response.json");
        var options = new SlurmOptions { UnixSocketPath = "/run/s.sock", ApiVersion = "v0.0.38", MaxRetryAttempts = retries, RequestTimeout = TimeSpan.FromMilliseconds(timeoutMs) };
        using var slurm = handler.Client(options);

        Assert.True((await slurm.Client.PingAsync()).IsUp);
    }
}

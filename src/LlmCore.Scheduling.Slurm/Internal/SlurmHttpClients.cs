using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using LlmCore.Scheduling.Slurm.Internal.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace LlmCore.Scheduling.Slurm.Internal;

/// <summary>
/// The two named <see cref="HttpClient"/>s of <see cref="SlurmRestClient"/> in <see cref="IHttpClientFactory"/>: one
/// for submits, releases, holds and cancels (<see cref="SlurmOptions.MaxConnections"/> connections) and one for reads
/// (one connection), each on its own <see cref="SocketsHttpHandler"/> (TCP, or slurmrestd's unix socket) behind the
/// standard resilience handler of Microsoft.Extensions.Http.Resilience: retry with exponential backoff and jitter,
/// circuit breaker, attempt and total time-outs, tuned from <see cref="SlurmOptions"/>.
/// </summary>
internal static class SlurmHttpClients
{
    /// <summary>Marks a request that the handler must not retry (a submit: its retry must first look for the job).</summary>
    public static readonly HttpRequestOptionsKey<bool> NoRetry = new("LlmCore.Scheduling.Slurm.NoRetry");

    private static readonly TimeSpan s_maxRetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>Registers both clients once (a second call changes nothing).</summary>
    public static void Add(IServiceCollection services)
    {
        if (services.Any(static d => d.ServiceType == typeof(Marker)))
        {
            return;
        }

        services.AddSingleton<Marker>();
        Add(services, SlurmRestClient.HttpClientName, read: false);
        Add(services, SlurmRestClient.PollHttpClientName, read: true);
    }

    private static void Add(IServiceCollection services, string name, bool read)
    {
        services.AddHttpClient(name)
            .ConfigureHttpClient(static (sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<SlurmOptions>>().Value;
                client.BaseAddress = options.BaseAddress ?? new Uri("http://localhost/");
                client.Timeout = Timeout.InfiniteTimeSpan; // the resilience handler's time-outs apply
            })
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<IOptions<SlurmOptions>>().Value;
                return CreateHandler(options, read ? 1 : options.MaxConnections);
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            .AddStandardResilienceHandler()
            .Configure(static (resilience, sp) => Configure(resilience, sp.GetRequiredService<IOptions<SlurmOptions>>().Value));
    }

    /// <summary>One kept-open connection pool to slurmrestd over TCP or its unix socket.</summary>
    public static SocketsHttpHandler CreateHandler(SlurmOptions options, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = connections,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            UseCookies = false,
        };
        if (!string.IsNullOrWhiteSpace(options.UnixSocketPath))
        {
            var endPoint = new UnixDomainSocketEndPoint(options.UnixSocketPath);
            handler.ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(endPoint, token).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        return handler;
    }

    /// <summary>The standard handler's strategies from <see cref="SlurmOptions"/>, with Slurm's notion of a transient failure.</summary>
    public static void Configure(HttpStandardResilienceOptions resilience, SlurmOptions options)
    {
        var retries = options.MaxRetryAttempts;
        resilience.Retry.MaxRetryAttempts = Math.Max(1, retries);
        resilience.Retry.Delay = options.RetryDelay;
        resilience.Retry.MaxDelay = s_maxRetryDelay;
        resilience.Retry.BackoffType = DelayBackoffType.Exponential;
        resilience.Retry.UseJitter = true;
        resilience.Retry.ShouldHandle = args => retries > 0 && !IsMarkedNoRetry(args.Context)
            ? IsTransientAsync(args.Outcome, args.Context.CancellationToken)
            : ValueTask.FromResult(false);
        resilience.AttemptTimeout.Timeout = options.RequestTimeout;

        // The total covers every attempt and the longest delays between them.
        resilience.TotalRequestTimeout.Timeout = TimeSpan.FromTicks(Math.Min(
            TimeSpan.FromHours(23).Ticks,
            (options.RequestTimeout.Ticks * (retries + 1)) + (s_maxRetryDelay.Ticks * retries) + TimeSpan.FromSeconds(1).Ticks));
        resilience.CircuitBreaker.ShouldHandle = args => IsTransientAsync(args.Outcome, args.Context.CancellationToken);
        resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * options.RequestTimeout.Ticks));
        resilience.CircuitBreaker.FailureRatio = 0.5;
        resilience.CircuitBreaker.MinimumThroughput = 20;
        resilience.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(5);
    }

    /// <summary>
    /// A failure a retry may cure: no connection or a reset, an attempt time-out, HTTP 408, 429, 502-504, or any other
    /// 5xx whose body names a Slurm communication error (slurmrestd 22.05-23.11 answer a restarting slurmctld with HTTP
    /// 500 and error 1001 "Unable to contact slurm controller"; 24.05 and later with 502).
    /// </summary>
    public static async ValueTask<bool> IsTransientAsync(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken)
    {
        if (outcome.Exception is HttpRequestException or TimeoutRejectedException)
        {
            return true;
        }

        if (outcome.Result is not { } response)
        {
            return false;
        }

        var status = (int)response.StatusCode;
        if (IsTransientStatus(status))
        {
            return true;
        }

        if (status < 500)
        {
            return false;
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return HasTransientError(body);
    }

    public static bool IsTransientStatus(int status) => status is 408 or 429 or 502 or 503 or 504;

    /// <summary>
    /// Slurm's communication errors (slurm_errno.h: 1000-1099 connection, send, receive; 1800-1899 the same towards
    /// slurmctld, e.g. 1800 SLURMCTLD_COMMUNICATIONS_CONNECTION_ERROR; 5000-5099 socket time-outs) and a controller
    /// that is down.
    /// </summary>
    public static bool IsTransientError(SlurmError error)
    {
        var n = error.Number;
        if (n is >= 1000 and < 1100 or >= 1800 and < 1900 or >= 5000 and < 5100)
        {
            return true;
        }

        var text = (error.Error ?? string.Empty) + " " + (error.Description ?? string.Empty);
        return text.Contains("Unable to contact slurm controller", StringComparison.OrdinalIgnoreCase)
            || text.Contains("Socket timed out", StringComparison.OrdinalIgnoreCase)
            || text.Contains("Connection refused", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether an answer of any version lists a transient error (the <c>errors</c> array has one shape in all of them).</summary>
    public static bool HasTransientError(byte[] body)
    {
        if (body.Length == 0)
        {
            return false;
        }

        try
        {
            var errors = JsonSerializer.Deserialize(body, V0038JsonContext.Default.SlurmResponse)?.Errors;
            return errors?.Exists(IsTransientError) ?? false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsMarkedNoRetry(ResilienceContext context) =>
        context.GetRequestMessage() is { } request && request.Options.TryGetValue(NoRetry, out var noRetry) && noRetry;

    /// <summary>Present once the clients are registered.</summary>
    private sealed class Marker
    {
    }
}

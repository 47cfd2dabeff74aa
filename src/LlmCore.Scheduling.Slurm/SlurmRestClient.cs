using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LlmCore.Scheduling.Slurm.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace LlmCore.Scheduling.Slurm;

/// <summary>
/// The slurmrestd client for REST API v0.0.38 (Slurm 22.05) over one kept-open connection: HTTP with a JWT, or a
/// unix socket with local auth.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe: one instance (one <see cref="HttpClient"/> on one <see cref="SocketsHttpHandler"/>) serves a whole
/// host; HTTP/1.1 keep-alive keeps the connection open (200 requests on one connection measured 550-700 submits/s
/// on loopback). Transient failures are retried with Polly's exponential backoff with jitter
/// (<see cref="SlurmOptions.MaxRetryAttempts"/>, <see cref="SlurmOptions.RetryDelay"/>, at most 5 s apart), which
/// rides out a slurmctld restart of a few seconds; each attempt has its own
/// <see cref="SlurmOptions.RequestTimeout"/>.
/// </para>
/// <para>
/// The request and response types are written by hand from what the server sends (its OpenAPI document does not
/// match: error objects carry <c>error_code</c> or <c>error_number</c>, numbers may be <c>null</c>), and unknown
/// fields are ignored, so later minor versions with the same shapes work by changing
/// <see cref="SlurmOptions.ApiVersion"/>.
/// </para>
/// </remarks>
public sealed partial class SlurmRestClient : ISlurmClient, IDisposable
{
    private const int JobHeldError = 2042;
    private const int InvalidJobIdError = 2017;
    private const int AlreadyDoneError = 2021;

    private readonly HttpClient _http;
    private readonly bool _ownsClient;
    private readonly SlurmOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly string _prefix;

    /// <summary>
    /// Initializes a client that owns its connection (a <see cref="SocketsHttpHandler"/> to
    /// <see cref="SlurmOptions.BaseAddress"/> or <see cref="SlurmOptions.UnixSocketPath"/>).
    /// </summary>
    /// <param name="options">The connection and retry options (copied).</param>
    /// <param name="timeProvider">The clock for time-outs and retry delays, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">A logger, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public SlurmRestClient(SlurmOptions options, TimeProvider? timeProvider = null, ILogger<SlurmRestClient>? logger = null)
        : this(CreateHttpClient(Validated(options)), options, timeProvider, logger, ownsClient: true)
    {
    }

    /// <summary>
    /// Initializes a client on a caller's <see cref="HttpClient"/> (for tests, or a host's own handler chain). The
    /// client's base address is set from <see cref="SlurmOptions.BaseAddress"/> (or <c>http://localhost</c> for a
    /// unix socket) when it has none; the JWT headers are added per request.
    /// </summary>
    /// <param name="httpClient">The HTTP client; it is not disposed by this client.</param>
    /// <param name="options">The connection and retry options (copied).</param>
    /// <param name="timeProvider">The clock for time-outs and retry delays, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">A logger, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public SlurmRestClient(HttpClient httpClient, SlurmOptions options, TimeProvider? timeProvider = null, ILogger<SlurmRestClient>? logger = null)
        : this(httpClient, options, timeProvider, logger, ownsClient: false)
    {
    }

    private SlurmRestClient(HttpClient httpClient, SlurmOptions options, TimeProvider? timeProvider, ILogger? logger, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        _options = Validated(options).Clone();
        _http = httpClient;
        _ownsClient = ownsClient;
        _http.BaseAddress ??= _options.BaseAddress ?? new Uri("http://localhost/");
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _prefix = "slurm/" + _options.ApiVersion + "/";
        _pipeline = BuildPipeline();
    }

    /// <inheritdoc/>
    public string ApiVersion => _options.ApiVersion;

    /// <inheritdoc/>
    public async Task<SlurmPing> PingAsync(CancellationToken cancellationToken = default)
    {
        var body = await SendAsync(HttpMethod.Get, "ping", null, SlurmJsonContext.Default.PingResponse, cancellationToken).ConfigureAwait(false);
        ThrowOnErrors(body, "ping", jobId: 0);
        var ping = body.Pings?.Find(static p => string.Equals(p.Mode, "primary", StringComparison.OrdinalIgnoreCase)) ?? body.Pings?.FirstOrDefault();
        return new SlurmPing(
            ping?.Hostname ?? string.Empty,
            string.Equals(ping?.Ping, "UP", StringComparison.OrdinalIgnoreCase),
            ping?.Mode ?? string.Empty,
            body.Meta?.Slurm?.Release ?? string.Empty,
            body.Meta?.Plugin?.Type ?? string.Empty);
    }

    /// <inheritdoc/>
    public async Task<SlurmDiagnostics> GetDiagnosticsAsync(CancellationToken cancellationToken = default)
    {
        var body = await SendAsync(HttpMethod.Get, "diag", null, SlurmJsonContext.Default.DiagResponse, cancellationToken).ConfigureAwait(false);
        ThrowOnErrors(body, "diag", jobId: 0);
        var s = body.Statistics ?? new DiagStatistics();
        return new SlurmDiagnostics(
            s.JobsSubmitted ?? 0, s.JobsStarted ?? 0, s.JobsCompleted ?? 0, s.JobsCanceled ?? 0, s.JobsFailed ?? 0,
            s.JobsPending ?? 0, s.JobsRunning ?? 0, s.ScheduleCycleLast ?? 0, s.ScheduleCycleMean ?? 0, s.ServerThreadCount ?? 0);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SlurmNode>> GetNodesAsync(CancellationToken cancellationToken = default)
    {
        var body = await SendAsync(HttpMethod.Get, "nodes", null, SlurmJsonContext.Default.NodesResponse, cancellationToken).ConfigureAwait(false);
        ThrowOnErrors(body, "list nodes", jobId: 0);
        return (body.Nodes ?? []).Select(SlurmMapping.ToNode).ToArray();
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SlurmPartition>> GetPartitionsAsync(CancellationToken cancellationToken = default)
    {
        var body = await SendAsync(HttpMethod.Get, "partitions", null, SlurmJsonContext.Default.PartitionsResponse, cancellationToken).ConfigureAwait(false);
        ThrowOnErrors(body, "list partitions", jobId: 0);
        return (body.Partitions ?? []).Select(SlurmMapping.ToPartition).ToArray();
    }

    /// <inheritdoc/>
    public async Task<SlurmSubmitResult> SubmitAsync(SlurmJobRequest request, CancellationToken cancellationToken = default)
    {
        var submit = BuildSubmit(request);
        var payload = JsonSerializer.SerializeToUtf8Bytes(submit, SlurmJsonContext.Default.SubmitRequest);

        // Slurm's clock has whole seconds; a job this call made was submitted at or after this instant.
        var notBefore = _timeProvider.GetUtcNow().AddSeconds(-2);
        var attempt = 0;
        return await _pipeline.ExecuteAsync(
            async token =>
            {
                if (attempt++ > 0)
                {
                    // An earlier attempt may have reached Slurm before it failed: find that job instead of submitting twice.
                    var existing = (await FindJobsByNameOnceAsync(request.Name, token).ConfigureAwait(false))
                        .FirstOrDefault(j => j.SubmitTime is null || j.SubmitTime >= notBefore);
                    if (existing is not null)
                    {
                        Log.SubmitFoundExisting(_logger, request.Name, existing.JobId);
                        return new SlurmSubmitResult(existing.JobId, existing.State == SlurmJobState.Held, AlreadyExisted: true);
                    }
                }

                var body = await SendOnceAsync(HttpMethod.Post, "job/submit", payload, SlurmJsonContext.Default.SubmitResponse, token).ConfigureAwait(false);
                var held = body.Errors?.Exists(static e => e.Number == JobHeldError) ?? false;
                if (body.JobId is long id && id > 0)
                {
                    // A held submit answers error 2042 ("Job is in held state, pending scheduler release") with a valid id.
                    var others = body.Errors?.Where(static e => e.Number != JobHeldError).ToList();
                    if (others is { Count: > 0 })
                    {
                        Log.SubmitWarnings(_logger, id, string.Join("; ", others));
                    }

                    return new SlurmSubmitResult(id, held || request.Hold, AlreadyExisted: false);
                }

                throw ToException(body, "submit job '" + request.Name + "'", 0, jobId: 0);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task ReleaseAsync(long jobId, CancellationToken cancellationToken = default) => UpdateHoldAsync(jobId, hold: false, cancellationToken);

    /// <inheritdoc/>
    public Task HoldAsync(long jobId, CancellationToken cancellationToken = default) => UpdateHoldAsync(jobId, hold: true, cancellationToken);

    /// <inheritdoc/>
    public async Task CancelAsync(long jobId, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(jobId);
        var body = await SendAsync(HttpMethod.Delete, "job/" + jobId.ToString(CultureInfo.InvariantCulture), null, SlurmJsonContext.Default.SlurmResponse, cancellationToken).ConfigureAwait(false);
        if (body.Errors is { Count: > 0 } errors && errors.TrueForAll(static e => e.Number == AlreadyDoneError))
        {
            return;
        }

        ThrowOnErrors(body, "cancel job " + jobId.ToString(CultureInfo.InvariantCulture), jobId);
    }

    /// <inheritdoc/>
    public async Task RequeueAsync(long jobId, bool hold = false, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(jobId);
        var id = jobId.ToString(CultureInfo.InvariantCulture);
        var (exitCode, output) = await ScontrolRunner.RunAsync(_options.ScontrolPath, _options.SlurmConfPath, [hold ? "requeuehold" : "requeue", id], _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        if (exitCode == 0)
        {
            return;
        }

        if (output.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase))
        {
            throw new SlurmJobNotFoundException(jobId);
        }

        throw new SlurmException($"scontrol {(hold ? "requeuehold" : "requeue")} {id} failed with exit code {exitCode}: {output.Trim()}", 0, 0, isTransient: false);
    }

    /// <inheritdoc/>
    public async Task<SlurmJob?> GetJobAsync(long jobId, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(jobId);
        var body = await SendAsync(HttpMethod.Get, "job/" + jobId.ToString(CultureInfo.InvariantCulture), null, SlurmJsonContext.Default.JobsResponse, cancellationToken).ConfigureAwait(false);
        if (body.Errors?.Exists(static e => e.Number == InvalidJobIdError) == true)
        {
            return null;
        }

        ThrowOnErrors(body, "get job " + jobId.ToString(CultureInfo.InvariantCulture), jobId);
        var dto = body.Jobs?.Find(j => j.JobId == jobId) ?? body.Jobs?.FirstOrDefault();
        return dto is null ? null : SlurmMapping.ToJob(dto);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SlurmJob>> GetJobsAsync(CancellationToken cancellationToken = default)
    {
        var body = await SendAsync(HttpMethod.Get, "jobs", null, SlurmJsonContext.Default.JobsResponse, cancellationToken).ConfigureAwait(false);
        ThrowOnErrors(body, "list jobs", jobId: 0);
        return (body.Jobs ?? []).Select(SlurmMapping.ToJob).ToArray();
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SlurmJob>?> GetJobsIfChangedAsync(DateTimeOffset changedSince, CancellationToken cancellationToken = default)
    {
        var path = "jobs?update_time=" + changedSince.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var body = await SendAsync(HttpMethod.Get, path, null, SlurmJsonContext.Default.JobsResponse, cancellationToken, allowNotModified: true).ConfigureAwait(false);
        if (body is null)
        {
            return null;
        }

        ThrowOnErrors(body, "list jobs", jobId: 0);
        return (body.Jobs ?? []).Select(SlurmMapping.ToJob).ToArray();
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<SlurmJob>> FindJobsByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _pipeline.ExecuteAsync(token => new ValueTask<IReadOnlyList<SlurmJob>>(FindJobsByNameOnceAsync(name, token)), cancellationToken).AsTask();
    }

    /// <summary>Disposes the connection when this client created it.</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _http.Dispose();
        }
    }

    private async Task<IReadOnlyList<SlurmJob>> FindJobsByNameOnceAsync(string name, CancellationToken cancellationToken)
    {
        var body = await SendOnceAsync(HttpMethod.Get, "jobs", null, SlurmJsonContext.Default.JobsResponse, cancellationToken).ConfigureAwait(false);
        ThrowOnErrors(body, "list jobs", jobId: 0);
        return (body.Jobs ?? [])
            .Where(j => string.Equals(j.Name, name, StringComparison.Ordinal))
            .OrderByDescending(static j => j.JobId)
            .Select(SlurmMapping.ToJob)
            .ToArray();
    }

    private async Task UpdateHoldAsync(long jobId, bool hold, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(jobId);
        var payload = JsonSerializer.SerializeToUtf8Bytes(new HoldUpdate { Hold = hold }, SlurmJsonContext.Default.HoldUpdate);
        var body = await SendAsync(HttpMethod.Post, "job/" + jobId.ToString(CultureInfo.InvariantCulture), payload, SlurmJsonContext.Default.SlurmResponse, cancellationToken).ConfigureAwait(false);
        ThrowOnErrors(body, (hold ? "hold job " : "release job ") + jobId.ToString(CultureInfo.InvariantCulture), jobId);
    }

    private SubmitRequest BuildSubmit(SlurmJobRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Name, nameof(request));
        if (request.Name.Length > 200 || request.Name.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"The job name must be 1-200 characters without whitespace; got '{request.Name}'.", nameof(request));
        }

        if (request.Script is null || !request.Script.StartsWith("#!", StringComparison.Ordinal))
        {
            throw new ArgumentException("The batch script must start with '#!' (Slurm otherwise fails the job with 'Exec format error').", nameof(request));
        }

        if (request.GpusPerNode is < 0 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.GpusPerNode, "GpusPerNode must be in [0, 1024].");
        }

        if (request.Nodes is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Nodes, "Nodes must be in [1, 100000].");
        }

        if (request.CpusPerTask is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.CpusPerTask, "CpusPerTask must be in [1, 100000].");
        }

        if (request.TimeLimitMinutes is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.TimeLimitMinutes, "TimeLimitMinutes must be at least 1 (or null for the partition's limit).");
        }

        var environment = request.Environment is null
            ? new Dictionary<string, string>(StringComparer.Ordinal)
            : new Dictionary<string, string>(request.Environment, StringComparer.Ordinal);
        environment.TryAdd("PATH", "/usr/local/bin:/usr/bin:/bin");
        string? gres = null;
        if (request.GpusPerNode > 0)
        {
            gres = string.IsNullOrEmpty(request.GpuType)
                ? "gpu:" + request.GpusPerNode.ToString(CultureInfo.InvariantCulture)
                : "gpu:" + request.GpuType + ":" + request.GpusPerNode.ToString(CultureInfo.InvariantCulture);
        }

        return new SubmitRequest
        {
            Script = request.Script,
            Job = new JobProperties
            {
                Name = request.Name,
                Comment = request.Comment ?? "llmcore:" + request.Name,
                Partition = request.Partition ?? _options.Partition,
                Hold = request.Hold,
                Gres = gres,
                Nodes = request.Nodes,
                Tasks = 1,
                CpusPerTask = request.CpusPerTask,
                TimeLimit = request.TimeLimitMinutes,
                Requeue = request.Requeue,
                CurrentWorkingDirectory = request.WorkingDirectory ?? _options.WorkingDirectory,
                StandardOutput = request.StandardOutput,
                Environment = environment,
            },
        };
    }

    private ResiliencePipeline BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = _timeProvider };
        if (_options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _options.MaxRetryAttempts,
                Delay = _options.RetryDelay,
                MaxDelay = TimeSpan.FromSeconds(5),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<SlurmException>(static e => e.IsTransient),
                OnRetry = args =>
                {
                    Log.Retrying(_logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message ?? string.Empty);
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, byte[]? payload, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : SlurmResponse =>
        (await SendAsync(method, path, payload, typeInfo, cancellationToken, allowNotModified: false).ConfigureAwait(false))!;

    private Task<T?> SendAsync<T>(HttpMethod method, string path, byte[]? payload, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken, bool allowNotModified)
        where T : SlurmResponse =>
        _pipeline.ExecuteAsync(
            async token => await SendOnceAsync(method, path, payload, typeInfo, token, allowNotModified).ConfigureAwait(false),
            cancellationToken).AsTask();

    private async Task<T> SendOnceAsync<T>(HttpMethod method, string path, byte[]? payload, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : SlurmResponse =>
        (await SendOnceAsync(method, path, payload, typeInfo, cancellationToken, allowNotModified: false).ConfigureAwait(false))!;

    private async Task<T?> SendOnceAsync<T>(HttpMethod method, string path, byte[]? payload, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken, bool allowNotModified)
        where T : SlurmResponse
    {
        using var request = new HttpRequestMessage(method, _prefix + path);
        if (_options.BaseAddress is not null)
        {
            request.Headers.TryAddWithoutValidation("X-SLURM-USER-NAME", _options.UserName);
            request.Headers.TryAddWithoutValidation("X-SLURM-USER-TOKEN", _options.Token);
        }

        if (payload is not null)
        {
            request.Content = new ByteArrayContent(payload);
            // Exactly "application/json": slurmrestd 22.05 answers "Unable to parse query." (HTTP 400) to "application/json; charset=utf-8".
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new SlurmException($"slurmrestd did not answer {method} {path}: {ex.Message}", ex, transient: true);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SlurmException($"slurmrestd did not answer {method} {path} within {_options.RequestTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.", ex, transient: true);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (allowNotModified && response.StatusCode == HttpStatusCode.NotModified)
            {
                return null;
            }

            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new SlurmException($"slurmrestd refused {method} {path} with HTTP {status}: check the JWT (X-SLURM-USER-NAME, X-SLURM-USER-TOKEN) or the unix socket's peer uid.", status, 0, isTransient: false);
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            T? body = null;
            if (bytes.Length > 0)
            {
                try
                {
                    body = JsonSerializer.Deserialize(bytes, typeInfo);
                }
                catch (JsonException ex)
                {
                    if (IsTransientStatus(status))
                    {
                        throw new SlurmException($"slurmrestd answered {method} {path} with HTTP {status}.", ex, transient: true);
                    }

                    throw new SlurmException($"slurmrestd answered {method} {path} with HTTP {status} and a body that is not API {_options.ApiVersion} JSON: {Snippet(bytes)}", ex, transient: false);
                }
            }

            if (body is null)
            {
                throw new SlurmException($"slurmrestd answered {method} {path} with HTTP {status} and no body.", status, 0, IsTransientStatus(status));
            }

            if (body.Errors is { Count: > 0 } errors && errors.Exists(static e => IsTransientSlurmError(e)))
            {
                throw new SlurmException($"Slurm could not {method} {path} for now: {string.Join("; ", errors)}", status, errors[0].Number, isTransient: true);
            }

            if (IsTransientStatus(status))
            {
                throw new SlurmException($"slurmrestd answered {method} {path} with HTTP {status}.", status, body.Errors?.FirstOrDefault()?.Number ?? 0, isTransient: true);
            }

            if (status >= 400 && status != 500 && body.Errors is not { Count: > 0 })
            {
                throw new SlurmException($"slurmrestd answered {method} {path} with HTTP {status}.", status, 0, isTransient: false);
            }

            return body;
        }
    }

    private static string Snippet(byte[] bytes)
    {
        var text = System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 200)).Trim();
        return text.Length == 0 ? "(empty)" : text;
    }

    private static bool IsTransientStatus(int status) => status is 408 or 429 or 502 or 503 or 504;

    /// <summary>Slurm's communication errors (1000-1099: connection, send, receive; 5000-5099: socket time-outs) and a controller that is down.</summary>
    private static bool IsTransientSlurmError(SlurmError error)
    {
        var n = error.Number;
        if (n is >= 1000 and < 1100 or >= 5000 and < 5100)
        {
            return true;
        }

        var text = (error.Error ?? string.Empty) + " " + (error.Description ?? string.Empty);
        return text.Contains("Unable to contact slurm controller", StringComparison.OrdinalIgnoreCase)
            || text.Contains("Socket timed out", StringComparison.OrdinalIgnoreCase)
            || text.Contains("Connection refused", StringComparison.OrdinalIgnoreCase);
    }

    private static void ThrowOnErrors(SlurmResponse body, string what, long jobId)
    {
        if (body.Errors is { Count: > 0 })
        {
            throw ToException(body, what, 0, jobId);
        }
    }

    private static SlurmException ToException(SlurmResponse body, string what, int status, long jobId)
    {
        var errors = body.Errors ?? [];
        if (jobId > 0 && errors.Exists(static e => e.Number == InvalidJobIdError))
        {
            return new SlurmJobNotFoundException(jobId);
        }

        var first = errors.FirstOrDefault();
        var detail = errors.Count == 0 ? "no job id and no error in the answer" : string.Join("; ", errors);
        return new SlurmException($"Slurm refused to {what}: {detail}", status == 0 ? 500 : status, first?.Number ?? 0, isTransient: false);
    }

    private static SlurmOptions Validated(SlurmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = SlurmOptionsCustomValidator.Errors(options).ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        return options;
    }

    private static HttpClient CreateHttpClient(SlurmOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // One long-lived connection pool: keep-alive connections are reused, never recycled by age.
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = options.MaxConnections,
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

        return new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = options.BaseAddress ?? new Uri("http://localhost/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Slurm request failed transiently; retry {Attempt} in {DelayMs} ms: {Reason}")]
        public static partial void Retrying(ILogger logger, int attempt, double delayMs, string reason);

        [LoggerMessage(2, LogLevel.Information, "A retried submit of {Name} found Slurm job {JobId} from an earlier attempt")]
        public static partial void SubmitFoundExisting(ILogger logger, string name, long jobId);

        [LoggerMessage(3, LogLevel.Debug, "Slurm accepted job {JobId} with messages: {Messages}")]
        public static partial void SubmitWarnings(ILogger logger, long jobId, string messages);
    }
}

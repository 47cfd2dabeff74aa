using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LlmCore.Scheduling.Slurm.Internal;
using LlmCore.Scheduling.Slurm.Internal.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace LlmCore.Scheduling.Slurm;

/// <summary>
/// The slurmrestd client for every supported REST API version (<see cref="SupportedApiVersions"/>: v0.0.38 of Slurm
/// 22.05 and v0.0.40 to v0.0.44 of Slurm 23.11 to 25.11), over HTTP with a JWT or slurmrestd's unix socket with local
/// auth.
/// </summary>
/// <remarks>
/// <para>
/// Version: unless <see cref="SlurmOptions.ApiVersion"/> pins one, the first request reads slurmrestd's
/// <c>GET /openapi/v3</c> and picks the highest version both sides support (falling back to probing
/// <c>GET /slurm/{version}/ping</c> when the document cannot be read); when none matches, every call throws a
/// <see cref="SlurmException"/> that names both lists. Each version has its own internal mapping (numbers as
/// <c>{set, infinite, number}</c> from v0.0.40, the submit body's shape, the state as a list of flags, errors and
/// warnings); the public records are the same for all of them.
/// </para>
/// <para>
/// Connections: <see cref="IHttpClientFactory"/> clients named <see cref="HttpClientName"/> (submits, releases, holds,
/// cancels; <see cref="SlurmOptions.MaxConnections"/> kept-open connections) and <see cref="PollHttpClientName"/>
/// (reads; one connection), each behind the standard resilience handler of Microsoft.Extensions.Http.Resilience
/// (retry with exponential backoff and jitter, circuit breaker, attempt and total time-outs). A job-table read
/// therefore never delays a submit. A submit is not retried by the handler: the client retries it itself, after
/// looking for the job an earlier attempt may have made.
/// </para>
/// <para>
/// The bodies are hand-written DTOs read and written with source-generated System.Text.Json (no reflection; trimming
/// and AOT safe), not a client generated from the OpenAPI documents: slurmrestd's answers differ from its published
/// schemas (error objects with <c>error_code</c> or <c>error_number</c>, <c>nodes</c> typed as an array but sent as a
/// string, the <c>/jobs/state</c> schema naming the wrong body), and a generated client would be one large type tree
/// per version where about thirty fields are read.
/// </para>
/// <para>Thread-safe: one instance serves a whole host.</para>
/// </remarks>
public sealed partial class SlurmRestClient : ISlurmClient, IDisposable
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client that carries submits, releases, holds and cancels.</summary>
    public const string HttpClientName = "LlmCore.Scheduling.Slurm";

    /// <summary>The name of the <see cref="IHttpClientFactory"/> client that carries reads (job polls, node and partition lists, ping).</summary>
    public const string PollHttpClientName = "LlmCore.Scheduling.Slurm.Poll";

    private readonly HttpClient _control;
    private readonly HttpClient _read;
    private readonly IDisposable? _owned;
    private readonly SlurmOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _submitRetry;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private SlurmDialect? _dialect;

    /// <summary>
    /// Initializes a client that owns its connections: the same <see cref="IHttpClientFactory"/> clients, handlers and
    /// resilience pipeline that <c>AddLlmCoreSlurmClient</c> registers, in a private service provider.
    /// </summary>
    /// <param name="options">The connection and retry options (copied).</param>
    /// <param name="timeProvider">The clock for time-outs and retry delays, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">A logger, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public SlurmRestClient(SlurmOptions options, TimeProvider? timeProvider = null, ILogger<SlurmRestClient>? logger = null)
        : this(OwnedFactory(Validated(options), timeProvider), options, timeProvider, logger)
    {
    }

    /// <summary>
    /// Initializes a client on the named clients <see cref="HttpClientName"/> and <see cref="PollHttpClientName"/> of a
    /// host's <see cref="IHttpClientFactory"/> (registered by <c>AddLlmCoreSlurmClient</c>; a host may add its own
    /// handlers to them).
    /// </summary>
    /// <param name="httpClientFactory">The factory.</param>
    /// <param name="options">The connection and retry options (copied).</param>
    /// <param name="timeProvider">The clock for retry delays of submits, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">A logger, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClientFactory"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public SlurmRestClient(IHttpClientFactory httpClientFactory, SlurmOptions options, TimeProvider? timeProvider = null, ILogger<SlurmRestClient>? logger = null)
        : this(ControlClient(httpClientFactory), httpClientFactory.CreateClient(PollHttpClientName), null, options, timeProvider, logger)
    {
    }

    /// <summary>
    /// Initializes a client on a caller's <see cref="HttpClient"/>, used for every request (a host's own handler chain;
    /// no resilience handler is added, so only submits are retried). Its base address is set from
    /// <see cref="SlurmOptions.BaseAddress"/> (or <c>http://localhost</c> for a unix socket) when it has none; the JWT
    /// headers are added per request.
    /// </summary>
    /// <param name="httpClient">The HTTP client; it is not disposed by this client.</param>
    /// <param name="options">The connection and retry options (copied).</param>
    /// <param name="timeProvider">The clock for retry delays of submits, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">A logger, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid (the message lists every problem).</exception>
    public SlurmRestClient(HttpClient httpClient, SlurmOptions options, TimeProvider? timeProvider = null, ILogger<SlurmRestClient>? logger = null)
        : this(Checked(httpClient), httpClient, null, options, timeProvider, logger)
    {
    }

    private SlurmRestClient((IHttpClientFactory Factory, IDisposable Owner) owned, SlurmOptions options, TimeProvider? timeProvider, ILogger? logger)
        : this(owned.Factory.CreateClient(HttpClientName), owned.Factory.CreateClient(PollHttpClientName), owned.Owner, options, timeProvider, logger)
    {
    }

    private SlurmRestClient(HttpClient control, HttpClient read, IDisposable? owned, SlurmOptions options, TimeProvider? timeProvider, ILogger? logger)
    {
        _options = Validated(options).Clone();
        _control = control;
        _read = read;
        _owned = owned;
        var baseAddress = _options.BaseAddress ?? new Uri("http://localhost/");
        _control.BaseAddress ??= baseAddress;
        _read.BaseAddress ??= baseAddress;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _submitRetry = BuildSubmitRetry();
        if (_options.ApiVersion is { } pinned)
        {
            _dialect = SlurmDialect.Create(pinned);
        }
    }

    /// <summary>Gets the REST API versions this client speaks, oldest first.</summary>
    public static IReadOnlyList<string> SupportedApiVersions => SlurmDialect.Supported;

    /// <inheritdoc/>
    /// <remarks>The pinned <see cref="SlurmOptions.ApiVersion"/>, or the negotiated one once the first request (or <see cref="ConnectAsync"/>) chose it; an empty string before.</remarks>
    public string ApiVersion => Volatile.Read(ref _dialect)?.Version ?? string.Empty;

    /// <summary>
    /// Picks the REST API version now (reads <c>GET /openapi/v3</c>) unless it is pinned or was already picked; the
    /// other calls do this on first use.
    /// </summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The version in use, e.g. <c>v0.0.41</c>.</returns>
    /// <exception cref="SlurmException">slurmrestd did not answer, or serves no version this client speaks.</exception>
    public async Task<string> ConnectAsync(CancellationToken cancellationToken = default) =>
        (await DialectAsync(cancellationToken).ConfigureAwait(false)).Version;

    /// <inheritdoc/>
    public async Task<SlurmPing> PingAsync(CancellationToken cancellationToken = default)
    {
        var d = await DialectAsync(cancellationToken).ConfigureAwait(false);
        var reply = await ReadAsync(d.PingPath, d.ReadPing, cancellationToken).ConfigureAwait(false);
        ThrowOnErrors(reply.Errors, "ping", 0, jobId: 0);
        return reply.Value;
    }

    /// <inheritdoc/>
    public async Task<SlurmDiagnostics> GetDiagnosticsAsync(CancellationToken cancellationToken = default)
    {
        var d = await DialectAsync(cancellationToken).ConfigureAwait(false);
        var reply = await ReadAsync(d.DiagnosticsPath, d.ReadDiagnostics, cancellationToken).ConfigureAwait(false);
        ThrowOnErrors(reply.Errors, "diag", 0, jobId: 0);
        return reply.Value;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SlurmNode>> GetNodesAsync(CancellationToken cancellationToken = default)
    {
        var d = await DialectAsync(cancellationToken).ConfigureAwait(false);
        var reply = await ReadAsync(d.NodesPath, d.ReadNodes, cancellationToken).ConfigureAwait(false);
        ThrowOnErrors(reply.Errors, "list nodes", 0, jobId: 0);
        return reply.Value;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SlurmPartition>> GetPartitionsAsync(CancellationToken cancellationToken = default)
    {
        var d = await DialectAsync(cancellationToken).ConfigureAwait(false);
        var reply = await ReadAsync(d.PartitionsPath, d.ReadPartitions, cancellationToken).ConfigureAwait(false);
        ThrowOnErrors(reply.Errors, "list partitions", 0, jobId: 0);
        return reply.Value;
    }

    /// <inheritdoc/>
    public async Task<SlurmSubmitResult> SubmitAsync(SlurmJobRequest request, CancellationToken cancellationToken = default)
    {
        var spec = BuildSpec(request);
        var d = await DialectAsync(cancellationToken).ConfigureAwait(false);
        var payload = d.SubmitBody(spec);

        // Slurm's clock has whole seconds; a job this call made was submitted at or after this instant.
        var notBefore = _timeProvider.GetUtcNow().AddSeconds(-2);
        var attempt = 0;
        return await _submitRetry.ExecuteAsync(
            async token =>
            {
                if (attempt++ > 0)
                {
                    // An earlier attempt may have reached Slurm before it failed: find that job instead of submitting twice.
                    var existing = (await FindJobsByNameAsync(request.Name, token).ConfigureAwait(false))
                        .FirstOrDefault(j => j.SubmitTime is null || j.SubmitTime >= notBefore);
                    if (existing is not null)
                    {
                        Log.SubmitFoundExisting(_logger, request.Name, existing.JobId);
                        return new SlurmSubmitResult(existing.JobId, existing.State == SlurmJobState.Held, AlreadyExisted: true);
                    }
                }

                var (status, body) = await SendAsync(_control, HttpMethod.Post, d.SubmitPath, payload, retryable: false, token).ConfigureAwait(false);
                var reply = Interpret(status, body, d.ReadSubmit, HttpMethod.Post, d.SubmitPath, d)!.Value;
                if (reply.Value.JobId is long id)
                {
                    if (reply.Errors.Count > 0 || reply.Warnings.Count > 0)
                    {
                        Log.SubmitWarnings(_logger, id, string.Join("; ", reply.Errors.Select(static e => e.ToString()).Concat(reply.Warnings.Select(static w => w.ToString()))));
                    }

                    return new SlurmSubmitResult(id, reply.Value.Held || request.Hold, AlreadyExisted: false);
                }

                throw ToException(reply.Errors, "submit job '" + request.Name + "'", status, jobId: 0);
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
        var d = await DialectAsync(cancellationToken).ConfigureAwait(false);
        var path = d.JobPath(jobId);
        var (status, body) = await SendAsync(_control, HttpMethod.Delete, path, null, retryable: true, cancellationToken).ConfigureAwait(false);
        var reply = Interpret(status, body, d.ReadCancel, HttpMethod.Delete, path, d)!.Value;
        if (reply.Errors.Count > 0 && reply.Errors.All(static e => e.Number == SlurmDialect.AlreadyDoneError))
        {
            return;
        }

        ThrowOnErrors(reply.Errors, "cancel job " + jobId.ToString(CultureInfo.InvariantCulture), status, jobId);
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
        var d = await DialectAsync(cancellationToken).ConfigureAwait(false);
        var reply = await ReadAsync(d.JobPath(jobId), d.ReadJobs, cancellationToken).ConfigureAwait(false);
        if (reply.Errors.Any(static e => e.Number == SlurmDialect.InvalidJobIdError))
        {
            return null;
        }

        ThrowOnErrors(reply.Errors, "get job " + jobId.ToString(CultureInfo.InvariantCulture), 0, jobId);
        var jobs = reply.Value.Jobs;
        return jobs.FirstOrDefault(j => j.JobId == jobId) ?? jobs.FirstOrDefault();
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SlurmJob>> GetJobsAsync(CancellationToken cancellationToken = default)
    {
        var d = await DialectAsync(cancellationToken).ConfigureAwait(false);
        var reply = await ReadAsync(d.JobsPath, d.ReadJobs, cancellationToken).ConfigureAwait(false);
        ThrowOnErrors(reply.Errors, "list jobs", 0, jobId: 0);
        return reply.Value.Jobs;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SlurmJob>?> GetJobsIfChangedAsync(DateTimeOffset changedSince, CancellationToken cancellationToken = default)
    {
        var d = await DialectAsync(cancellationToken).ConfigureAwait(false);
        var path = d.JobsChangedPath(changedSince.ToUnixTimeSeconds());
        var (status, body) = await SendAsync(_read, HttpMethod.Get, path, null, retryable: true, cancellationToken).ConfigureAwait(false);
        if (Interpret(status, body, d.ReadJobs, HttpMethod.Get, path, d, allowNotModified: true) is not { } reply || reply.Value.Unchanged)
        {
            return null;
        }

        ThrowOnErrors(reply.Errors, "list jobs", status, jobId: 0);
        return reply.Value.Jobs;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SlurmJob>> FindJobsByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var jobs = await GetJobsAsync(cancellationToken).ConfigureAwait(false);
        return [.. jobs.Where(j => string.Equals(j.Name, name, StringComparison.Ordinal)).OrderByDescending(static j => j.JobId)];
    }

    /// <summary>Disposes the connections when this client created them.</summary>
    public void Dispose()
    {
        _owned?.Dispose();
        _connectGate.Dispose();
    }

    private static HttpClient ControlClient(IHttpClientFactory httpClientFactory)
    {
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        return httpClientFactory.CreateClient(HttpClientName);
    }

    private static HttpClient Checked(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        return httpClient;
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

    private static (IHttpClientFactory Factory, IDisposable Owner) OwnedFactory(SlurmOptions options, TimeProvider? timeProvider)
    {
        var services = new ServiceCollection();
        services.AddSingleton(timeProvider ?? TimeProvider.System);
        services.AddOptions<SlurmOptions>().Configure(options.CopyTo);
        SlurmHttpClients.Add(services);
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<IHttpClientFactory>(), provider);
    }

    private async Task UpdateHoldAsync(long jobId, bool hold, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(jobId);
        var d = await DialectAsync(cancellationToken).ConfigureAwait(false);
        var path = d.JobPath(jobId);

        // Setting the hold flag is idempotent, so the handler may retry it.
        var (status, body) = await SendAsync(_control, HttpMethod.Post, path, d.HoldBody(hold), retryable: true, cancellationToken).ConfigureAwait(false);
        var reply = Interpret(status, body, d.ReadUpdate, HttpMethod.Post, path, d)!.Value;
        ThrowOnErrors(reply.Errors, (hold ? "hold job " : "release job ") + jobId.ToString(CultureInfo.InvariantCulture), status, jobId);
    }

    private SlurmSubmitSpec BuildSpec(SlurmJobRequest request)
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

        var environment = new List<KeyValuePair<string, string>>();
        if (request.Environment is not null)
        {
            environment.AddRange(request.Environment);
        }

        if (!environment.Exists(static kv => kv.Key == "PATH"))
        {
            environment.Add(new("PATH", "/usr/local/bin:/usr/bin:/bin"));
        }

        return new SlurmSubmitSpec(
            request.Script,
            request.Name,
            request.Comment ?? "llmcore:" + request.Name,
            request.Partition ?? _options.Partition,
            request.Hold,
            request.GpusPerNode,
            request.GpuType,
            request.Nodes,
            request.CpusPerTask,
            request.TimeLimitMinutes,
            request.Requeue,
            request.WorkingDirectory ?? _options.WorkingDirectory,
            request.StandardOutput,
            environment);
    }

    /// <summary>The dialect of the pinned version, or of the one negotiated with slurmrestd (once; a failed negotiation is tried again by the next call).</summary>
    private async ValueTask<SlurmDialect> DialectAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _dialect) is { } known)
        {
            return known;
        }

        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_dialect is { } again)
            {
                return again;
            }

            var chosen = await NegotiateAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _dialect, chosen);
            return chosen;
        }
        finally
        {
            _connectGate.Release();
        }
    }

    private async Task<SlurmDialect> NegotiateAsync(CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(_read, HttpMethod.Get, SlurmApiNegotiation.OpenApiPath, null, retryable: true, cancellationToken).ConfigureAwait(false);
        if (SlurmHttpClients.IsTransientStatus(status))
        {
            throw new SlurmException($"slurmrestd answered GET /{SlurmApiNegotiation.OpenApiPath} with HTTP {status}.", status, 0, isTransient: true);
        }

        IReadOnlyList<string>? served = null;
        if (status == 200 && body.Length > 0)
        {
            try
            {
                served = SlurmApiNegotiation.ServedVersions(body);
            }
            catch (JsonException)
            {
                served = null;
            }
        }

        if (served is { Count: > 0 })
        {
            var candidates = served.ToList();
            while (SlurmApiNegotiation.Choose(candidates) is { } version)
            {
                // v0.0.40 gained 'hold' in job updates in Slurm 23.11.2; without it releases cannot work.
                if (version != "v0.0.40" || SlurmApiNegotiation.HasHoldField(body, version))
                {
                    Log.Negotiated(_logger, version, string.Join(", ", served));
                    return SlurmDialect.Create(version);
                }

                Log.SkippedVersion(_logger, version, "its job update schema has no 'hold' field (Slurm before 23.11.2)");
                candidates.Remove(version);
            }

            throw new SlurmException(SlurmApiNegotiation.NoCommonVersion(served), status, 0, isTransient: false);
        }

        // No readable OpenAPI document: probe each version's ping, highest first.
        foreach (var version in SlurmDialect.Supported.Reverse())
        {
            var probe = SlurmDialect.Create(version);
            var (pingStatus, _) = await SendAsync(_read, HttpMethod.Get, probe.PingPath, null, retryable: true, cancellationToken).ConfigureAwait(false);
            if (pingStatus == 200)
            {
                Log.Negotiated(_logger, version, "unknown (GET /openapi/v3 answered HTTP " + status.ToString(CultureInfo.InvariantCulture) + "; found by GET ping)");
                return probe;
            }
        }

        throw new SlurmException(SlurmApiNegotiation.NoCommonVersion([]) + $" (GET /{SlurmApiNegotiation.OpenApiPath} answered HTTP {status}, and no supported version answered GET ping).", status, 0, isTransient: false);
    }

    private async Task<SlurmReply<T>> ReadAsync<T>(string path, Func<byte[], SlurmReply<T>> read, CancellationToken cancellationToken)
    {
        var (status, body) = await SendAsync(_read, HttpMethod.Get, path, null, retryable: true, cancellationToken).ConfigureAwait(false);
        return Interpret(status, body, read, HttpMethod.Get, path, Volatile.Read(ref _dialect))!.Value;
    }

    private ResiliencePipeline BuildSubmitRetry()
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

    private async Task<(int Status, byte[] Body)> SendAsync(HttpClient http, HttpMethod method, string path, byte[]? payload, bool retryable, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (!retryable)
        {
            request.Options.Set(SlurmHttpClients.NoRetry, true);
        }

        if (_options.BaseAddress is not null)
        {
            request.Headers.TryAddWithoutValidation("X-SLURM-USER-NAME", _options.UserName);
            request.Headers.TryAddWithoutValidation("X-SLURM-USER-TOKEN", _options.Token);
        }

        if (payload is not null)
        {
            request.Content = new ByteArrayContent(payload);

            // Exactly "application/json": slurmrestd 22.05 answers "Unable to parse query." (HTTP 400) to "application/json; charset=utf-8".
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new SlurmException($"slurmrestd did not answer {method} {path}: {ex.Message}", ex, transient: true);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new SlurmException($"slurmrestd did not answer {method} {path} within {_options.RequestTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s per attempt.", ex, transient: true);
        }
        catch (BrokenCircuitException ex)
        {
            throw new SlurmException($"Requests to slurmrestd are paused after repeated failures (circuit open): {ex.Message}", ex, transient: true);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SlurmException($"slurmrestd did not answer {method} {path} in time.", ex, transient: true);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new SlurmException($"slurmrestd refused {method} {path} with HTTP {status}: check the JWT (X-SLURM-USER-NAME, X-SLURM-USER-TOKEN) or the unix socket's peer uid.", status, 0, isTransient: false);
            }

            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return (status, bytes);
        }
    }

    /// <summary>Reads an answer with the dialect; transient failures and unreadable bodies become <see cref="SlurmException"/>.</summary>
    private static SlurmReply<T>? Interpret<T>(int status, byte[] body, Func<byte[], SlurmReply<T>> read, HttpMethod method, string path, SlurmDialect? dialect, bool allowNotModified = false)
    {
        if (allowNotModified && status == (int)HttpStatusCode.NotModified)
        {
            return null;
        }

        if (body.Length == 0)
        {
            throw new SlurmException($"slurmrestd answered {method} {path} with HTTP {status} and no body.", status, 0, SlurmHttpClients.IsTransientStatus(status));
        }

        SlurmReply<T> reply;
        try
        {
            reply = read(body);
        }
        catch (JsonException ex)
        {
            if (SlurmHttpClients.IsTransientStatus(status))
            {
                throw new SlurmException($"slurmrestd answered {method} {path} with HTTP {status}.", ex, transient: true);
            }

            throw new SlurmException($"slurmrestd answered {method} {path} with HTTP {status} and a body that is not API {dialect?.Version} JSON: {Snippet(body)}", ex, transient: false);
        }

        if (reply.Errors.FirstOrDefault(SlurmHttpClients.IsTransientError) is { } transient)
        {
            throw new SlurmException($"Slurm could not {method} {path} for now: {string.Join("; ", reply.Errors)}", status, transient.Number, isTransient: true);
        }

        if (SlurmHttpClients.IsTransientStatus(status))
        {
            throw new SlurmException($"slurmrestd answered {method} {path} with HTTP {status}.", status, reply.Errors.FirstOrDefault()?.Number ?? 0, isTransient: true);
        }

        if (status >= 400 && reply.Errors.Count == 0)
        {
            var warnings = reply.Warnings.Count == 0 ? string.Empty : ": " + string.Join("; ", reply.Warnings);
            throw new SlurmException($"slurmrestd answered {method} {path} with HTTP {status}{warnings}.", status, 0, isTransient: false);
        }

        return reply;
    }

    private static string Snippet(byte[] bytes)
    {
        var text = System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 200)).Trim();
        return text.Length == 0 ? "(empty)" : text;
    }

    private static void ThrowOnErrors(IReadOnlyList<SlurmError> errors, string what, int status, long jobId)
    {
        if (errors.Count > 0)
        {
            throw ToException(errors, what, status, jobId);
        }
    }

    private static SlurmException ToException(IReadOnlyList<SlurmError> errors, string what, int status, long jobId)
    {
        if (jobId > 0 && errors.Any(static e => e.Number == SlurmDialect.InvalidJobIdError))
        {
            return new SlurmJobNotFoundException(jobId);
        }

        var first = errors.FirstOrDefault();
        var detail = errors.Count == 0 ? "no job id and no error in the answer" : string.Join("; ", errors);
        return new SlurmException($"Slurm refused to {what}: {detail}", status is 0 or < 400 ? 500 : status, first?.Number ?? 0, isTransient: false);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Slurm submit failed transiently; retry {Attempt} in {DelayMs} ms: {Reason}")]
        public static partial void Retrying(ILogger logger, int attempt, double delayMs, string reason);

        [LoggerMessage(2, LogLevel.Information, "A retried submit of {Name} found Slurm job {JobId} from an earlier attempt")]
        public static partial void SubmitFoundExisting(ILogger logger, string name, long jobId);

        [LoggerMessage(3, LogLevel.Debug, "Slurm accepted job {JobId} with messages: {Messages}")]
        public static partial void SubmitWarnings(ILogger logger, long jobId, string messages);

        [LoggerMessage(4, LogLevel.Information, "Speaking slurmrestd's REST API {Version} (it serves {Served})")]
        public static partial void Negotiated(ILogger logger, string version, string served);

        [LoggerMessage(5, LogLevel.Warning, "Not using REST API {Version}: {Reason}")]
        public static partial void SkippedVersion(ILogger logger, string version, string reason);
    }
}

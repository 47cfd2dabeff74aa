using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCore.Scheduling.Slurm.Tests.Client;

/// <summary>A scripted slurmrestd: answers each request with the next queued response for its method and path. Thread-safe.</summary>
internal sealed class FakeSlurmHandler : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Queue<Func<HttpResponseMessage>>> _routes = new(StringComparer.Ordinal);
    private readonly List<(HttpMethod Method, string Path, string? Body, HttpRequestMessage Request)> _requests = [];

    public IReadOnlyList<(HttpMethod Method, string Path, string? Body, HttpRequestMessage Request)> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>A recorded body: <c>Recorded/{file}</c>, e.g. <c>v0.0.41/jobs.response.json</c>.</summary>
    public static string Recorded(string file) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recorded", file));

    public FakeSlurmHandler On(HttpMethod method, string pathAndQuery, HttpStatusCode status, string body)
    {
        Enqueue(method, pathAndQuery, () => new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        return this;
    }

    /// <summary>Answers with a callback (e.g. one that waits for another request first).</summary>
    public FakeSlurmHandler On(HttpMethod method, string pathAndQuery, Func<HttpResponseMessage> response)
    {
        Enqueue(method, pathAndQuery, response);
        return this;
    }

    /// <summary>Waits until a request matching <paramref name="match"/> has been seen.</summary>
    public async Task WaitForRequestAsync(Func<(HttpMethod Method, string Path, string? Body, HttpRequestMessage Request), bool> match, TimeSpan timeout)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!Requests.Any(match))
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException("The expected request was not seen; requests: " + string.Join(", ", Requests.Select(r => r.Method + " " + r.Path)));
            }

            await Task.Delay(10);
        }
    }

    public FakeSlurmHandler OnRecorded(HttpMethod method, string pathAndQuery, string file, HttpStatusCode status = HttpStatusCode.OK) =>
        On(method, pathAndQuery, status, Recorded(file));

    public FakeSlurmHandler Throw(HttpMethod method, string pathAndQuery, Exception exception)
    {
        Enqueue(method, pathAndQuery, () => throw exception);
        return this;
    }

    public FakeSlurmHandler OnStatus(HttpMethod method, string pathAndQuery, HttpStatusCode status)
    {
        Enqueue(method, pathAndQuery, () => new HttpResponseMessage(status));
        return this;
    }

    /// <summary>A client on the real stack (IHttpClientFactory, both named clients, the standard resilience handler) with this handler as slurmrestd.</summary>
    public FakeSlurm Client(SlurmOptions options)
    {
        var services = new ServiceCollection();
        services.AddLlmCoreSlurmClient(options.CopyTo);
        services.AddHttpClient(SlurmRestClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => this);
        services.AddHttpClient(SlurmRestClient.PollHttpClientName).ConfigurePrimaryHttpMessageHandler(() => this);
        var provider = services.BuildServiceProvider();
        return new FakeSlurm(provider.GetRequiredService<SlurmRestClient>(), provider);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.PathAndQuery;
        var key = request.Method.Method + " " + path;
        Func<HttpResponseMessage> next;
        lock (_lock)
        {
            _requests.Add((request.Method, path, body, request));
            if (!_routes.TryGetValue(key, out var queue) || queue.Count == 0)
            {
                throw new InvalidOperationException("Unexpected request " + key);
            }

            next = queue.Count > 1 ? queue.Dequeue() : queue.Peek();
        }

        return next();
    }

    protected override void Dispose(bool disposing)
    {
        // Shared by both named clients and by tests after the provider is gone: nothing to release.
    }

    private void Enqueue(HttpMethod method, string pathAndQuery, Func<HttpResponseMessage> response)
    {
        var key = method.Method + " " + pathAndQuery;
        lock (_lock)
        {
            if (!_routes.TryGetValue(key, out var queue))
            {
                queue = new Queue<Func<HttpResponseMessage>>();
                _routes[key] = queue;
            }

            queue.Enqueue(response);
        }
    }
}

/// <summary>A client over a <see cref="FakeSlurmHandler"/>, with the service provider that owns its HTTP clients.</summary>
internal sealed class FakeSlurm(SlurmRestClient client, ServiceProvider provider) : IDisposable
{
    public SlurmRestClient Client { get; } = client;

    public void Dispose() => provider.Dispose();
}

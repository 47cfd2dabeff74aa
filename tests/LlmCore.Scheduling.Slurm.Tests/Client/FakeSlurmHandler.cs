using System.Net;
using System.Text;

namespace LlmCore.Scheduling.Slurm.Tests.Client;

/// <summary>A scripted slurmrestd: answers each request with the next queued response for its method and path.</summary>
internal sealed class FakeSlurmHandler : HttpMessageHandler
{
    private readonly Dictionary<string, Queue<Func<HttpResponseMessage>>> _routes = new(StringComparer.Ordinal);

    public List<(HttpMethod Method, string Path, string? Body, HttpRequestMessage Request)> Requests { get; } = [];

    public static string Recorded(string file) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recorded", file));

    public FakeSlurmHandler On(HttpMethod method, string pathAndQuery, HttpStatusCode status, string body)
    {
        Enqueue(method, pathAndQuery, () => new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        return this;
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

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.PathAndQuery;
        Requests.Add((request.Method, path, body, request));
        var key = request.Method.Method + " " + path;
        if (!_routes.TryGetValue(key, out var queue) || queue.Count == 0)
        {
            throw new InvalidOperationException("Unexpected request " + key);
        }

        var next = queue.Count > 1 ? queue.Dequeue() : queue.Peek();
        return next();
    }

    private void Enqueue(HttpMethod method, string pathAndQuery, Func<HttpResponseMessage> response)
    {
        var key = method.Method + " " + pathAndQuery;
        if (!_routes.TryGetValue(key, out var queue))
        {
            queue = new Queue<Func<HttpResponseMessage>>();
            _routes[key] = queue;
        }

        queue.Enqueue(response);
    }
}

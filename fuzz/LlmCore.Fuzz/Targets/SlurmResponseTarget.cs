using System.Net;
using LlmCore.Scheduling.Slurm;

namespace LlmCore.Fuzz.Targets;

/// <summary>
/// slurmrestd's response bodies as <see cref="SlurmRestClient"/> reads them: byte 0 picks the call, byte 1 the HTTP
/// status, the rest is the body every request gets back. <see cref="ISlurmClient"/> documents
/// <see cref="SlurmException"/> (and <see cref="SlurmJobNotFoundException"/>) for everything slurmrestd may answer.
/// One retry after 1 ms, so that the submit path that looks for a job an earlier attempt made is fuzzed too.
/// </summary>
internal sealed class SlurmResponseTarget : FuzzTarget
{
    private static readonly HttpStatusCode[] s_statuses =
    [
        HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK,
        HttpStatusCode.BadRequest, HttpStatusCode.NotFound, HttpStatusCode.InternalServerError,
        HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable, HttpStatusCode.NotModified,
        HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.Created,
        HttpStatusCode.GatewayTimeout, HttpStatusCode.Forbidden, HttpStatusCode.RequestTimeout,
    ];

    private static readonly CannedHandler s_handler = new();
    private static readonly SlurmRestClient s_client = new(
        new HttpClient(s_handler) { BaseAddress = new Uri("http://localhost/") },
        new SlurmOptions { BaseAddress = new Uri("http://localhost/"), UserName = "fuzz", Token = "fuzz", MaxRetryAttempts = 1, RetryDelay = TimeSpan.FromMilliseconds(1) });

    private static readonly SlurmJobRequest s_request = new()
    {
        Name = "fuzz-job",
        Script = "#!/bin/bash\nsleep 1\n",
        GpusPerNode = 1,
    };

    public override string Name => "slurm-response";

    public override string Description => "SlurmRestClient calls on a canned body (byte 0: call, byte 1: HTTP status); accepts SlurmException";

    public override void Run(byte[] input)
    {
        if (input.Length < 2)
        {
            return;
        }

        s_handler.Status = s_statuses[input[1] % s_statuses.Length];
        s_handler.Body = input[2..];
        try
        {
            Call(input[0] % 12);
        }
        catch (SlurmException)
        {
        }
    }

    private static void Call(int call)
    {
        switch (call)
        {
            case 0:
                var ping = s_client.PingAsync().GetAwaiter().GetResult();
                Check(ping.Hostname is not null && ping.Mode is not null && ping.SlurmVersion is not null && ping.ApiVersion is not null, "a ping result has no null strings");
                break;
            case 1:
                _ = s_client.GetDiagnosticsAsync().GetAwaiter().GetResult();
                break;
            case 2:
                foreach (var node in s_client.GetNodesAsync().GetAwaiter().GetResult())
                {
                    Check(node is not null && node.Name is not null, "nodes have names");
                }

                break;
            case 3:
                foreach (var partition in s_client.GetPartitionsAsync().GetAwaiter().GetResult())
                {
                    Check(partition is not null && partition.Name is not null, "partitions have names");
                }

                break;
            case 4:
                var submitted = s_client.SubmitAsync(s_request).GetAwaiter().GetResult();
                Check(submitted.JobId > 0, "a submitted job has a positive id");
                break;
            case 5:
                s_client.CancelAsync(11).GetAwaiter().GetResult();
                break;
            case 6:
                s_client.HoldAsync(11).GetAwaiter().GetResult();
                break;
            case 7:
                s_client.ReleaseAsync(11).GetAwaiter().GetResult();
                break;
            case 8:
                var job = s_client.GetJobAsync(11).GetAwaiter().GetResult();
                Check(job is null || (job.Name is not null && job.Nodes is not null), "a job has no null strings");
                break;
            case 9:
                CheckJobs(s_client.GetJobsAsync().GetAwaiter().GetResult());
                break;
            case 10:
                var changed = s_client.GetJobsIfChangedAsync(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)).GetAwaiter().GetResult();
                if (changed is not null)
                {
                    CheckJobs(changed);
                }

                break;
            default:
                CheckJobs(s_client.FindJobsByNameAsync("fuzz-job").GetAwaiter().GetResult());
                break;
        }
    }

    private static void CheckJobs(IReadOnlyList<SlurmJob> jobs)
    {
        foreach (var job in jobs)
        {
            Check(job is not null && job.Name is not null && job.Nodes is not null, "jobs have no null strings");
        }
    }

    private sealed class CannedHandler : HttpMessageHandler
    {
        public HttpStatusCode Status { get; set; } = HttpStatusCode.OK;

        public byte[] Body { get; set; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(Status) { Content = new ByteArrayContent(Body), RequestMessage = request });
    }
}

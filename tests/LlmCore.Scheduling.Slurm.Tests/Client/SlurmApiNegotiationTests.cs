using System.Net;
using System.Text.Json.Nodes;
using LlmCore.Scheduling.Slurm.Internal.Api;

namespace LlmCore.Scheduling.Slurm.Tests.Client;

/// <summary>Picking the REST API version at connect time from slurmrestd's <c>GET /openapi/v3</c>.</summary>
public class SlurmApiNegotiationTests
{
    private static SlurmOptions Options() => new()
    {
        UnixSocketPath = "/run/slurmrestd/slurmrestd.socket",
        RetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryAttempts = 1,
    };

    /// <summary>
    /// An OpenAPI document as slurmrestd serves it, reduced to what negotiation reads: a few paths per served version
    /// (slurmctld's and slurmdbd's, as in SchedMD's published documents) and, for v0.0.40, the job update schema.
    /// </summary>
    private static string Document(IEnumerable<string> versions, bool v0040HasHold = true)
    {
        var paths = new JsonObject { ["/openapi/v3"] = new JsonObject() };
        var schemas = new JsonObject();
        foreach (var v in versions)
        {
            var slash = v == "v0.0.38" || string.CompareOrdinal(v, "v0.0.39") <= 0 ? string.Empty : "/";
            paths[$"/slurm/{v}/ping{slash}"] = new JsonObject { ["get"] = new JsonObject() };
            paths[$"/slurm/{v}/jobs{slash}"] = new JsonObject { ["get"] = new JsonObject() };
            paths[$"/slurm/{v}/job/{{job_id}}"] = new JsonObject { ["get"] = new JsonObject(), ["post"] = new JsonObject(), ["delete"] = new JsonObject() };
            paths[$"/slurmdb/{v}/jobs{slash}"] = new JsonObject { ["get"] = new JsonObject() };
            var properties = new JsonObject { ["name"] = new JsonObject { ["type"] = "string" } };
            if (v != "v0.0.40" || v0040HasHold)
            {
                properties["hold"] = new JsonObject { ["type"] = "boolean" };
            }

            schemas[v + "_job_desc_msg"] = new JsonObject { ["type"] = "object", ["properties"] = properties };
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject { ["title"] = "Slurm REST API", ["version"] = "Slurm-25.11.0" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        }.ToJsonString();
    }

    // What each release serves: the openapi/ (22.05, 23.02) or data_parser/ (23.11 on) plugin directories at SchedMD/slurm
    // tags slurm-22-05-8-1, slurm-23-02-7-1, slurm-23-11-0-1, slurm-24-05-0-1, slurm-24-11-0-1, slurm-25-05-0-1,
    // slurm-25-11-0-1, and master at 284c3b95 (the 26.x line).
    [Theory]
    [InlineData("22.05", "v0.0.36,v0.0.37,v0.0.38", "v0.0.38")]
    [InlineData("23.02", "v0.0.37,v0.0.38,v0.0.39", "v0.0.38")]
    [InlineData("23.11", "v0.0.39,v0.0.40", "v0.0.40")]
    [InlineData("24.05", "v0.0.39,v0.0.40,v0.0.41", "v0.0.41")]
    [InlineData("24.11", "v0.0.40,v0.0.41,v0.0.42", "v0.0.42")]
    [InlineData("25.05", "v0.0.40,v0.0.41,v0.0.42,v0.0.43", "v0.0.43")]
    [InlineData("25.11", "v0.0.41,v0.0.42,v0.0.43,v0.0.44", "v0.0.44")]
    [InlineData("26.x", "v0.0.43,v0.0.44,v0.0.45,v0.0.46", "v0.0.44")]
    public async Task ConnectAsync_EachReleasesVersions_PicksTheHighestBothSpeak(string release, string served, string expected)
    {
        var handler = new FakeSlurmHandler();
        handler.On(HttpMethod.Get, "/openapi/v3", HttpStatusCode.OK, Document(served.Split(',')));
        using var slurm = handler.Client(Options());
        Assert.Equal(string.Empty, slurm.Client.ApiVersion);

        var version = await slurm.Client.ConnectAsync();

        Assert.True(expected == version, $"Slurm {release}: picked {version}");
        Assert.Equal(expected, slurm.Client.ApiVersion);
    }

    [Fact]
    public async Task PingAsync_NotPinned_NegotiatesOnceThenUsesThatVersionsPaths()
    {
        var handler = new FakeSlurmHandler();
        handler.On(HttpMethod.Get, "/openapi/v3", HttpStatusCode.OK, Document(["v0.0.40", "v0.0.41", "v0.0.42"]));
        handler.OnRecorded(HttpMethod.Get, "/slurm/v0.0.42/ping/", "v0.0.42/ping.response.json");
        using var slurm = handler.Client(Options());

        await slurm.Client.PingAsync();
        await slurm.Client.PingAsync();

        Assert.Equal(["/openapi/v3", "/slurm/v0.0.42/ping/", "/slurm/v0.0.42/ping/"], handler.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task ConnectAsync_RecordedSlurm2205Document_PicksV0038()
    {
        // GET /openapi/v3 of the local cluster's slurmrestd (Slurm 22.05.8, -s openapi/v0.0.38), reduced to its paths.
        var handler = new FakeSlurmHandler();
        handler.OnRecorded(HttpMethod.Get, "/openapi/v3", "v0.0.38/openapi.response.json");
        using var slurm = handler.Client(Options());

        Assert.Equal("v0.0.38", await slurm.Client.ConnectAsync());
    }

    [Theory]
    [InlineData("v0.0.39")]                      // Slurm 23.02 started with -s openapi/v0.0.39 only
    [InlineData("v0.0.45,v0.0.46")]              // a future slurmrestd without v0.0.44
    [InlineData("v0.0.36,v0.0.37")]              // Slurm 21.08
    public async Task ConnectAsync_NoCommonVersion_RefusesNamingBothLists(string served)
    {
        var handler = new FakeSlurmHandler();
        handler.On(HttpMethod.Get, "/openapi/v3", HttpStatusCode.OK, Document(served.Split(',')));
        using var slurm = handler.Client(Options());

        var ex = await Assert.ThrowsAsync<SlurmException>(() => slurm.Client.PingAsync());

        Assert.False(ex.IsTransient);
        Assert.Contains("slurmrestd serves REST API " + served.Split(',').OrderByDescending(v => v, StringComparer.Ordinal).First(), ex.Message, StringComparison.Ordinal);
        Assert.Contains("v0.0.38, v0.0.40, v0.0.41, v0.0.42, v0.0.43, v0.0.44", ex.Message, StringComparison.Ordinal);
        Assert.Equal(string.Empty, slurm.Client.ApiVersion);
    }

    [Fact]
    public async Task ConnectAsync_V0040WithoutHoldField_RefusesBecauseReleasesCannotWork()
    {
        // Slurm 23.11.0 and 23.11.1: v0.0.40's job_desc_msg gained 'hold' only in 23.11.2 (release notes, 23.11.2).
        var handler = new FakeSlurmHandler();
        handler.On(HttpMethod.Get, "/openapi/v3", HttpStatusCode.OK, Document(["v0.0.39", "v0.0.40"], v0040HasHold: false));
        using var slurm = handler.Client(Options());

        var ex = await Assert.ThrowsAsync<SlurmException>(() => slurm.Client.ConnectAsync());

        Assert.Contains("v0.0.40", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_NoOpenApiDocument_ProbesEachVersionsPingHighestFirst()
    {
        var handler = new FakeSlurmHandler();
        handler.OnStatus(HttpMethod.Get, "/openapi/v3", HttpStatusCode.NotFound);
        handler.OnStatus(HttpMethod.Get, "/slurm/v0.0.44/ping/", HttpStatusCode.NotFound);
        handler.OnStatus(HttpMethod.Get, "/slurm/v0.0.43/ping/", HttpStatusCode.NotFound);
        handler.OnRecorded(HttpMethod.Get, "/slurm/v0.0.42/ping/", "v0.0.42/ping.response.json");
        using var slurm = handler.Client(Options());

        Assert.Equal("v0.0.42", await slurm.Client.ConnectAsync());
    }

    [Fact]
    public async Task ConnectAsync_SlurmrestdDown_IsTransientAndTheNextCallNegotiatesAgain()
    {
        var handler = new FakeSlurmHandler();
        handler.Throw(HttpMethod.Get, "/openapi/v3", new HttpRequestException("connection refused"));
        handler.Throw(HttpMethod.Get, "/openapi/v3", new HttpRequestException("connection refused"));
        handler.On(HttpMethod.Get, "/openapi/v3", HttpStatusCode.OK, Document(["v0.0.41"]));
        using var slurm = handler.Client(Options()); // one retry per call

        var ex = await Assert.ThrowsAsync<SlurmException>(() => slurm.Client.ConnectAsync());
        Assert.True(ex.IsTransient);

        Assert.Equal("v0.0.41", await slurm.Client.ConnectAsync());
    }

    [Fact]
    public async Task ConnectAsync_Pinned_ReadsNoDocument()
    {
        var handler = new FakeSlurmHandler();
        var options = Options();
        options.ApiVersion = "v0.0.43";
        using var slurm = handler.Client(options);

        Assert.Equal("v0.0.43", await slurm.Client.ConnectAsync());
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public void ServedVersions_Document_ReadsSlurmPathsOnlyNumericallyOrdered()
    {
        var document = """{"paths":{"/openapi/v3":{},"/slurmdb/v0.0.41/jobs/":{},"/slurm/v0.0.9/ping/":{},"/slurm/v0.0.41/ping/":{},"/slurm/v0.0.100/ping/":{}},"info":{}}"""u8;

        Assert.Equal(["v0.0.100", "v0.0.41", "v0.0.9"], SlurmApiNegotiation.ServedVersions(document));
    }
}

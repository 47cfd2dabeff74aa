namespace LlmCore.Scheduling.Slurm.Tests.Integration;

/// <summary>Version negotiation against the real slurmrestd of the local cluster (Slurm 22.05, -s openapi/v0.0.38).</summary>
[Collection(SlurmCollection.Name)]
public sealed class SlurmNegotiationTests
{
    [SlurmFact]
    public async Task ConnectAsync_Slurm2205_NegotiatesV0038OverBothTransports()
    {
        var jwt = LocalSlurmCluster.JwtOptions();
        jwt.ApiVersion = null;
        var socket = LocalSlurmCluster.SocketOptions();
        socket.ApiVersion = null;
        using var overJwt = new SlurmRestClient(jwt);
        using var overSocket = new SlurmRestClient(socket);

        Assert.Equal("v0.0.38", await overJwt.ConnectAsync());
        Assert.True((await overSocket.PingAsync()).IsUp);
        Assert.Equal("v0.0.38", overSocket.ApiVersion);
    }
}

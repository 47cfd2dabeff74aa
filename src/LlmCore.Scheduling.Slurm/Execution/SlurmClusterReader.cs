namespace LlmCore.Scheduling.Slurm.Execution;

/// <summary>Builds LlmCore's cluster model from the nodes Slurm reports, so that the scheduler plans on the real cluster.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class SlurmClusterReader
{
    /// <summary>
    /// Reads the usable nodes with at least one GPU (<c>GET /nodes</c>) and returns them as a <see cref="Cluster"/>, in
    /// Slurm's node order, with their GPU type (<c>GPU</c> when untyped), CPUs and memory.
    /// </summary>
    /// <param name="client">The Slurm client.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The cluster.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    /// <exception cref="SlurmException">Slurm did not answer, or it has no usable node with a GPU.</exception>
    public static async Task<Cluster> ReadClusterAsync(ISlurmClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var nodes = await client.GetNodesAsync(cancellationToken).ConfigureAwait(false);
        var specs = nodes
            .Where(n => n.IsUsable && n.Gpus > 0)
            .Select(n => new NodeSpec(n.Name, n.Gpus, string.IsNullOrEmpty(n.GpuType) ? "GPU" : n.GpuType)
            {
                CpuCores = n.Cpus > 0 ? n.Cpus : double.PositiveInfinity,
                MemoryGib = n.RealMemoryMb > 0 ? n.RealMemoryMb / 1024.0 : double.PositiveInfinity,
            })
            .ToList();
        if (specs.Count == 0)
        {
            throw new SlurmException($"Slurm reports no usable node with a GPU (of {nodes.Count} nodes).");
        }

        return new Cluster(specs);
    }
}

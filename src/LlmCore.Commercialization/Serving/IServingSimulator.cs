namespace LlmCore.Commercialization.Serving;

/// <summary>Simulates serving deployments request by request (<see cref="ServingSimulator"/>).</summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IServingSimulator
{
    /// <summary>Describes the memory layout of one replica of <paramref name="deployment"/>.</summary>
    /// <param name="deployment">The deployment.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="deployment"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting is invalid or the GPU is unknown.</exception>
    ServingReplicaProfile Profile(ServingDeployment deployment);

    /// <summary>Runs <paramref name="workload"/> through <paramref name="deployment"/> until every request has finished.</summary>
    /// <param name="deployment">The deployment.</param>
    /// <param name="workload">The requests.</param>
    /// <param name="options">What to measure; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives the fraction of requests completed.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The measurements.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="deployment"/> or <paramref name="workload"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting is invalid, the GPU is unknown, or the model or a request does not fit a replica.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled.</exception>
    ServingSimulationResult Simulate(ServingDeployment deployment, ServingWorkload workload, ServingSimulationOptions? options = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default);
}

/// <summary>Finds the cheapest deployment that meets a latency target (<see cref="DeploymentSearch"/>).</summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface IDeploymentSearch
{
    /// <summary>Searches the grid of <paramref name="request"/>.</summary>
    /// <param name="request">What to serve, under which target, over which grid.</param>
    /// <param name="progress">Receives the fraction of candidate configurations processed.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The cheapest deployment that meets the target, the Pareto set and the pruning counts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The request is invalid or names an unknown GPU.</exception>
    /// <exception cref="NoFeasibleDeploymentException">The model fits no replica of the grid, or no candidate meets the target.</exception>
    /// <exception cref="OperationCanceledException">The search was cancelled.</exception>
    DeploymentSearchResult Search(DeploymentSearchRequest request, IProgress<double>? progress = null, CancellationToken cancellationToken = default);
}

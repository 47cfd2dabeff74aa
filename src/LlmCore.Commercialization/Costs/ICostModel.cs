namespace LlmCore.Commercialization.Costs;

/// <summary>
/// Estimates what training a model and serving it cost.
/// </summary>
/// <remarks>Implementations are thread-safe.</remarks>
public interface ICostModel
{
    /// <summary>Estimates the compute, time and money a training run takes.</summary>
    /// <param name="request">The run: model size, tokens, hardware and utilisation.</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="ArgumentException">The request is out of range or names an unknown GPU.</exception>
    TrainingCostEstimate EstimateTraining(TrainingCostRequest request);

    /// <summary>Estimates the latency, throughput and cost of serving a model.</summary>
    /// <param name="request">The deployment: model shape, hardware, batch and request lengths.</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="ArgumentException">The request is out of range or names an unknown GPU.</exception>
    InferenceCostEstimate EstimateInference(InferenceCostRequest request);
}

using LlmCore.Commercialization.Costs;

namespace LlmCore.Commercialization.Tests.TestDoubles;

/// <summary>
/// A deterministic stand-in for the cost model of issue 10: $0.10 per million input tokens and $0.40 per million
/// output tokens, whatever the request (close to an 8B model on one H100 at $2/GPU-hour). It records the requests.
/// </summary>
internal sealed class FixedCostModel : ICostModel
{
    public const double InputUsdPerMillion = 0.10;
    public const double OutputUsdPerMillion = 0.40;

    private readonly double _input;
    private readonly double _output;

    public FixedCostModel(double inputUsdPerMillion = InputUsdPerMillion, double outputUsdPerMillion = OutputUsdPerMillion)
    {
        _input = inputUsdPerMillion;
        _output = outputUsdPerMillion;
    }

    public List<InferenceCostRequest> InferenceRequests { get; } = [];

    public TrainingCostEstimate EstimateTraining(TrainingCostRequest request) =>
        throw new InvalidOperationException("The business analysis must not ask for training costs.");

    public InferenceCostEstimate EstimateInference(InferenceCostRequest request)
    {
        InferenceRequests.Add(request);
        return new InferenceCostEstimate(0.05, 2500, _input, _output, 131072);
    }
}

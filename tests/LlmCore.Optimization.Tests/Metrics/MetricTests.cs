using LlmCore.Optimization.Metrics;

namespace LlmCore.Optimization.Tests.Metrics;

public class MetricTests
{
    // scikit-learn's documentation examples: y_true = [3, -0.5, 2, 7], y_pred = [2.5, 0.0, 2, 8]
    // r2_score = 0.948..., mean_squared_error = 0.375, mean_absolute_error = 0.5.
    private static readonly double[] s_true = [3, -0.5, 2, 7];
    private static readonly double[] s_pred = [2.5, 0.0, 2, 8];

    [Fact]
    public void RSquared_ScikitLearnExample_Matches() =>
        Assert.Equal(0.9486081370449679, new RSquared<double>().Compute(s_pred, s_true, 4), 1e-12);

    [Fact]
    public void MeanSquaredError_ScikitLearnExample_Matches() =>
        Assert.Equal(0.375, new MeanSquaredErrorMetric<double>().Compute(s_pred, s_true, 4), 1e-12);

    [Fact]
    public void MeanAbsoluteError_ScikitLearnExample_Matches() =>
        Assert.Equal(0.5, new MeanAbsoluteErrorMetric<double>().Compute(s_pred, s_true, 4), 1e-12);

    [Fact]
    public void Accuracy_ArgMaxOfLogits_CountsMatches()
    {
        // scikit-learn accuracy_score([0, 1, 2, 3], [0, 2, 1, 3]) = 0.5, with predictions as one-hot logits.
        double[] logits = [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1];
        Assert.Equal(0.5, new Accuracy<double>().Compute(logits, [0.0, 1, 2, 3], 4));
    }

    [Fact]
    public void Accuracy_SingleLogit_ThresholdsAtZero() =>
        Assert.Equal(0.75, new Accuracy<double>().Compute([2.0, -1, 0.5, -3], [1.0, 0, 0, 0], 4));

    [Fact]
    public void Compute_NoExamples_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RSquared<double>().Compute([], [], 0));
}

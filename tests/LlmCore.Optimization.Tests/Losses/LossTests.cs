using LlmCore.Optimization.Losses;
using LlmCore.Optimization.Tests.Layers;

namespace LlmCore.Optimization.Tests.Losses;

public class LossTests
{
    public static TheoryData<string> Names => ["mse", "mae", "huber", "bce", "ce"];

    private static ILoss<double> Create(string name) => name switch
    {
        "mse" => new MeanSquaredError<double>(),
        "mae" => new MeanAbsoluteError<double>(),
        "huber" => new HuberLoss<double>(0.7),
        "bce" => new BinaryCrossEntropyWithLogits<double>(),
        _ => new SoftmaxCrossEntropy<double>(),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void Compute_FiniteDifferences_MatchGradient(string name)
    {
        var loss = Create(name);
        const int batch = 4;
        const int width = 3;
        var predictions = GradientCheck.Random(batch * width, 30, 2);
        var targets = name switch
        {
            "ce" => [0.0, 2, 1, 2],
            "bce" => [0.0, 1, 1, 0, 0.3, 1, 0, 0, 1, 0.5, 1, 0],
            _ => GradientCheck.Random(batch * width, 31, 2),
        };
        var gradient = new double[predictions.Length];
        loss.Compute(predictions, targets, batch, gradient);
        for (var i = 0; i < predictions.Length; i++)
        {
            // The gradient is per example (not divided by B); the mean loss's derivative is gradient/B.
            var numeric = GradientCheck.Central(() => loss.Compute(predictions, targets, batch, Span<double>.Empty), predictions, i);
            Assert.Equal(numeric, gradient[i] / batch, 1e-7);
        }
    }

    [Theory]
    // torch.nn.MSELoss()([1, 2, 3], [1, 1, 1]) = (0 + 1 + 4)/3
    [InlineData("mse", new[] { 1.0, 2, 3 }, new[] { 1.0, 1, 1 }, 5.0 / 3)]
    // torch.nn.L1Loss()([1, 2, 3], [1, 1, 1]) = (0 + 1 + 2)/3
    [InlineData("mae", new[] { 1.0, 2, 3 }, new[] { 1.0, 1, 1 }, 1.0)]
    // torch.nn.HuberLoss(delta=0.7)([0, 2], [0.5, 0]): 0.5·0.25 = 0.125 and 0.7·(2 − 0.35) = 1.155; mean 0.64
    [InlineData("huber", new[] { 0.0, 2 }, new[] { 0.5, 0 }, 0.64)]
    // torch.nn.BCEWithLogitsLoss()([0], [1]) = ln 2
    [InlineData("bce", new[] { 0.0 }, new[] { 1.0 }, 0.6931471805599453)]
    // torch.nn.CrossEntropyLoss()([[1, 2, 3]], [2]) = logsumexp(1,2,3) − 3 = 0.40760596444438
    [InlineData("ce", new[] { 1.0, 2, 3 }, new[] { 2.0 }, 0.4076059644443806)]
    public void Compute_PyTorchValues_Match(string name, double[] predictions, double[] targets, double expected)
    {
        var batch = name == "ce" ? 1 : predictions.Length;
        Assert.Equal(expected, Create(name).Compute(predictions, targets, batch, Span<double>.Empty), 1e-12);
    }

    [Fact]
    public void BinaryCrossEntropy_LargeLogits_StaysFinite()
    {
        var value = new BinaryCrossEntropyWithLogits<double>().Compute([1000.0, -1000.0], [0.0, 1.0], 2, Span<double>.Empty);
        Assert.Equal(1000.0, value, 1e-9);
    }

    [Fact]
    public void SoftmaxCrossEntropy_ClassOutOfRange_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SoftmaxCrossEntropy<double>().Compute([1.0, 2.0], [2.0], 1, Span<double>.Empty));
        Assert.Equal("targets", ex.ParamName);
    }

    [Fact]
    public void Compute_MismatchedTargets_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => new MeanSquaredError<double>().Compute([1.0, 2.0], [1.0], 2, Span<double>.Empty));
    }

    [Fact]
    public void HuberLoss_NonPositiveDelta_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HuberLoss<double>(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HuberLoss<double>(double.NaN));
    }
}

using LlmCore.Optimization.Optimizers;
using LlmCore.Optimization.Schedules;

namespace LlmCore.Optimization.Tests.Optimizers;

public class OptimizerStateTests
{
    public static TheoryData<string> Kinds() =>
        ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "radam", "lion", "lamb", "lars", "adafactor", "muon"];

    internal static IOptimizer<float> Create(string kind, IEnumerable<Parameter<float>> ps) => kind switch
    {
        "sgd" => new Sgd<float>(ps, 0.01, momentum: 0.9, nesterov: true),
        "adam" => new Adam<float>(ps, 0.01, amsGrad: true),
        "adamw" => new AdamW<float>(ps, 0.01),
        "rmsprop" => new RmsProp<float>(ps, 0.01, momentum: 0.9, centered: true),
        "adagrad" => new Adagrad<float>(ps, 0.01, learningRateDecay: 0.01, initialAccumulatorValue: 0.1),
        "adadelta" => new Adadelta<float>(ps),
        "adamax" => new Adamax<float>(ps),
        "nadam" => new NAdam<float>(ps, weightDecay: 0.01, decoupledWeightDecay: true),
        "radam" => new RAdam<float>(ps, weightDecay: 0.01),
        "lion" => new Lion<float>(ps, 1e-3, weightDecay: 0.1),
        "lamb" => new Lamb<float>(ps, 0.01, weightDecay: 0.01),
        "lars" => new Lars<float>(ps, 0.1, weightDecay: 1e-4),
        "adafactor" => new Adafactor<float>(ps, weightDecay: 0.01),
        "muon" => new Muon<float>(ps, 0.02),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void SaveLoad_MidRunWithSchedule_ContinuesBitIdentically(string kind)
    {
        var (a, b) = (Parameters(), Parameters());
        var first = Create(kind, a);
        var second = Create(kind, b);
        var firstSchedule = new CosineAnnealingSchedule(first.LearningRate, 7, 1e-4);
        var secondSchedule = new CosineAnnealingSchedule(first.LearningRate, 7, 1e-4);

        Run(first, firstSchedule, a, 6, 1);
        using var state = new MemoryStream();
        first.SaveState(state);
        firstSchedule.SaveState(state);
        for (var k = 0; k < a.Length; k++)
        {
            a[k].Values.CopyTo(b[k].Values);
        }

        state.Position = 0;
        second.LoadState(state);
        secondSchedule.LoadState(state);
        Run(first, firstSchedule, a, 9, 7);
        Run(second, secondSchedule, b, 9, 7);

        for (var k = 0; k < a.Length; k++)
        {
            Assert.Equal(a[k].Values.ToArray(), b[k].Values.ToArray());
        }

        Assert.Equal(first.StepCount, second.StepCount);
        Assert.Equal(first.LearningRate, second.LearningRate);
    }

    [Fact]
    public void LoadState_RenamedParameterSamePosition_MatchesByOrder()
    {
        var a = new Parameter<double>("layer.weight", [1.0, 2.0]);
        var b = new Parameter<double>("renamed", [1.0, 2.0]);
        var first = new Adam<double>([a], 0.1);
        var second = new Adam<double>([b], 0.1);
        a.Gradient.Fill(1);
        first.Step();
        using var state = new MemoryStream();
        first.SaveState(state);
        state.Position = 0;
        second.LoadState(state);
        a.Values.CopyTo(b.Values);
        a.Gradient.Fill(-1);
        b.Gradient.Fill(-1);

        first.Step();
        second.Step();

        Assert.Equal(a.Values.ToArray(), b.Values.ToArray());
    }

    [Fact]
    public void LoadState_WrongKindOrShape_ThrowsInvalidData()
    {
        var a = new Parameter<float>("w", [1f, 2f]);
        var adam = new Adam<float>([a]);
        a.Gradient.Fill(1);
        adam.Step();
        using var state = new MemoryStream();
        adam.SaveState(state);

        state.Position = 0;
        Assert.Throws<InvalidDataException>(() => new Lion<float>([a]).LoadState(state));
        state.Position = 0;
        Assert.Throws<InvalidDataException>(() => new Adam<float>([new Parameter<float>("w", [1f, 2f, 3f])]).LoadState(state));
        state.Position = 0;
        Assert.Throws<InvalidDataException>(() => new Adam<double>([new Parameter<double>("w", [1.0, 2.0])]).LoadState(state));
    }

    [Fact]
    public void Step_GroupWithZeroWeightDecay_IsMasked()
    {
        var weight = new Parameter<double>("w", [1.0]);
        var bias = new Parameter<double>("b", [1.0]);
        var adamw = new AdamW<double>([new ParameterGroup<double>([weight]), new ParameterGroup<double>([bias]) { WeightDecay = 0 }], 0.1, weightDecay: 0.5);

        adamw.Step();

        // Zero gradients: Adam's step is 0, so only decay moves θ: w = 1·(1 − 0.1·0.5) and the masked bias stays.
        Assert.Equal(0.95, weight.Values[0], 15);
        Assert.Equal(1.0, bias.Values[0]);
    }

    [Fact]
    public void Maximize_FlipsGradientSignAndRestoresGradient()
    {
        var p = new Parameter<double>("w", [1.0]);
        var sgd = new Sgd<double>([p], 0.1) { Maximize = true };
        p.Gradient[0] = 2;

        sgd.Step();

        Assert.Equal(1.2, p.Values[0], 15);
        Assert.Equal(2.0, p.Gradient[0]);
    }

    private static Parameter<float>[] Parameters() =>
    [
        new("layer.weight", [0.5f, -0.25f, 1.5f, 2f, -1f, 0.75f], 2, 3),
        new("layer.other", [1f, -2f, 0.5f, 0.25f, 3f, -0.5f], 3, 2),
    ];

    private static void Run(IOptimizer<float> optimizer, LearningRateSchedule schedule, Parameter<float>[] ps, int steps, int seed)
    {
        var random = new Random(seed);
        for (var s = 0; s < steps; s++)
        {
            foreach (var p in ps)
            {
                for (var i = 0; i < p.Length; i++)
                {
                    p.Gradient[i] = p.Values[i] + (float)(random.NextDouble() - 0.5);
                }
            }

            optimizer.Step();
            optimizer.LearningRate = schedule.Step();
        }
    }
}

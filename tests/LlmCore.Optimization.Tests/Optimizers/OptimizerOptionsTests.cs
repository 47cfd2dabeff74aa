using System.Text;
using LlmCore.Optimization.Factories;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Optimization.Tests.Optimizers;

/// <summary>The options records: PyTorch's defaults by name, the same optimizer as the positional constructors, AdamW as Adam.</summary>
public class OptimizerOptionsTests
{
    [Fact]
    public void Defaults_AreTheReferenceImplementationsDefaults()
    {
        // torch/optim/adam.py: lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, decoupled_weight_decay=False.
        Assert.Equal((1e-3, 0.9, 0.999, 1e-8, 0.0, false, false), (new AdamOptions().LearningRate, new AdamOptions().Beta1, new AdamOptions().Beta2, new AdamOptions().Epsilon, new AdamOptions().WeightDecay, new AdamOptions().AmsGrad, new AdamOptions().DecoupledWeightDecay));

        // torch/optim/adamw.py: as Adam but weight_decay=1e-2.
        Assert.Equal((1e-3, 0.9, 0.999, 1e-8, 1e-2, false), (new AdamWOptions().LearningRate, new AdamWOptions().Beta1, new AdamWOptions().Beta2, new AdamWOptions().Epsilon, new AdamWOptions().WeightDecay, new AdamWOptions().AmsGrad));

        // torch/optim/sgd.py: lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False.
        Assert.Equal((1e-3, 0.0, 0.0, 0.0, false), (new SgdOptions().LearningRate, new SgdOptions().Momentum, new SgdOptions().Dampening, new SgdOptions().WeightDecay, new SgdOptions().Nesterov));

        // torch/optim/rmsprop.py: lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False.
        Assert.Equal((1e-2, 0.99, 1e-8, 0.0, 0.0, false), (new RmsPropOptions().LearningRate, new RmsPropOptions().Alpha, new RmsPropOptions().Epsilon, new RmsPropOptions().WeightDecay, new RmsPropOptions().Momentum, new RmsPropOptions().Centered));

        // torch/optim/adagrad.py: lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10.
        Assert.Equal((1e-2, 0.0, 0.0, 0.0, 1e-10), (new AdagradOptions().LearningRate, new AdagradOptions().LearningRateDecay, new AdagradOptions().WeightDecay, new AdagradOptions().InitialAccumulatorValue, new AdagradOptions().Epsilon));

        // torch/optim/adadelta.py: lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.
        Assert.Equal((1.0, 0.9, 1e-6, 0.0), (new AdadeltaOptions().LearningRate, new AdadeltaOptions().Rho, new AdadeltaOptions().Epsilon, new AdadeltaOptions().WeightDecay));

        // torch/optim/adamax.py: lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.
        Assert.Equal((2e-3, 0.9, 0.999, 1e-8, 0.0), (new AdamaxOptions().LearningRate, new AdamaxOptions().Beta1, new AdamaxOptions().Beta2, new AdamaxOptions().Epsilon, new AdamaxOptions().WeightDecay));

        // torch/optim/nadam.py: lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3, decoupled_weight_decay=False.
        Assert.Equal((2e-3, 0.9, 0.999, 1e-8, 0.0, 4e-3, false), (new NAdamOptions().LearningRate, new NAdamOptions().Beta1, new NAdamOptions().Beta2, new NAdamOptions().Epsilon, new NAdamOptions().WeightDecay, new NAdamOptions().MomentumDecay, new NAdamOptions().DecoupledWeightDecay));

        // torch/optim/radam.py: lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False.
        Assert.Equal((1e-3, 0.9, 0.999, 1e-8, 0.0, false), (new RAdamOptions().LearningRate, new RAdamOptions().Beta1, new RAdamOptions().Beta2, new RAdamOptions().Epsilon, new RAdamOptions().WeightDecay, new RAdamOptions().DecoupledWeightDecay));

        // torch/optim/_adafactor.py: lr=1e-2, beta2_decay=-0.8, eps=(None, 1e-3), d=1.0, weight_decay=0.
        Assert.Equal((1e-2, -0.8, (double?)null, 1e-3, 1.0, 0.0), (new AdafactorOptions().LearningRate, new AdafactorOptions().Beta2Decay, new AdafactorOptions().Epsilon1, new AdafactorOptions().Epsilon2, new AdafactorOptions().ClipThreshold, new AdafactorOptions().WeightDecay));

        // torch/optim/_muon.py: lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True, ns_steps=5, eps=1e-7.
        Assert.Equal((1e-3, 0.1, 0.95, true, 5, 1e-7), (new MuonOptions().LearningRate, new MuonOptions().WeightDecay, new MuonOptions().Momentum, new MuonOptions().Nesterov, new MuonOptions().NewtonSchulzSteps, new MuonOptions().Epsilon));

        // lucidrains/lion-pytorch lion_pytorch.py: lr=1e-4, betas=(0.9, 0.99), weight_decay=0.
        Assert.Equal((1e-4, 0.9, 0.99, 0.0), (new LionOptions().LearningRate, new LionOptions().Beta1, new LionOptions().Beta2, new LionOptions().WeightDecay));

        // optax/_src/alias.py lamb: b1=0.9, b2=0.999, eps=1e-6, eps_root=0, weight_decay=0; lars: weight_decay=0,
        // trust_coefficient=1e-3, eps=0, momentum=0.9, nesterov=False.
        Assert.Equal((0.9, 0.999, 1e-6, 0.0, 0.0), (new LambOptions().Beta1, new LambOptions().Beta2, new LambOptions().Epsilon, new LambOptions().EpsilonRoot, new LambOptions().WeightDecay));
        Assert.Equal((0.0, 1e-3, 0.0, 0.9, false), (new LarsOptions().WeightDecay, new LarsOptions().TrustCoefficient, new LarsOptions().Epsilon, new LarsOptions().Momentum, new LarsOptions().Nesterov));

        // bitsandbytes/optim/adam.py Adam8bit: lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.
        Assert.Equal((1e-3, 0.9, 0.999, 1e-8, 0.0, false), (new Adam8BitOptions().LearningRate, new Adam8BitOptions().Beta1, new Adam8BitOptions().Beta2, new Adam8BitOptions().Epsilon, new Adam8BitOptions().WeightDecay, new Adam8BitOptions().DecoupledWeightDecay));
    }

    public static TheoryData<string> Kinds() =>
        ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "radam", "lion", "lamb", "lars", "adafactor", "muon", "adam8bit"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void OptionsConstructor_SameTrajectoryAsPositionalConstructor(string kind)
    {
        // Muon updates matrices only.
        var (a, b) = kind == "muon" ? (Parameters()[..1], Parameters()[..1]) : (Parameters(), Parameters());
        var positional = Positional(kind, a);
        var named = Named(kind, b);

        Assert.Equal(positional.Kind, named.Kind);
        Assert.True(named.Maximize);
        for (var step = 0; step < 8; step++)
        {
            SetGradients(a, step);
            SetGradients(b, step);
            positional.Step();
            named.Step();
        }

        for (var k = 0; k < a.Length; k++)
        {
            Assert.Equal(a[k].Values.ToArray(), b[k].Values.ToArray());
        }
    }

    [Fact]
    public void OptionsConstructor_NullOptions_ThrowsNamingOptions()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => new Adam<double>([new Parameter<double>("w", [1.0])], (AdamOptions)null!));

        Assert.Equal("options", ex.ParamName);
    }

    [Fact]
    public void OptionsConstructor_BadValue_ThrowsNamingTheHyperparameterAndRange()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new NAdam<double>([new Parameter<double>("w", [1.0])], new NAdamOptions { Beta2 = 1.0 }));

        Assert.Equal("beta2", ex.ParamName);
        Assert.Contains("[0, 1)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AdamW_IsAdamWithDecoupledWeightDecay()
    {
        // PyTorch ≥ 2.x: class AdamW(Adam) calls Adam.__init__ with decoupled_weight_decay=True (torch/optim/adamw.py).
        var (a, b) = (Parameters(), Parameters());
        var adamw = new AdamW<float>(a, 0.01);
        var adam = new Adam<float>(b, 0.01, weightDecay: 0.01, decoupledWeightDecay: true);

        Assert.IsAssignableFrom<Adam<float>>(adamw);
        Assert.True(adamw.DecoupledWeightDecay);
        Assert.Equal(0.01, adamw.WeightDecay);
        Assert.Equal("adamw", adamw.Kind);
        Assert.Equal("adam", adam.Kind);
        for (var step = 0; step < 8; step++)
        {
            SetGradients(a, step);
            SetGradients(b, step);
            adamw.Step();
            adam.Step();
        }

        for (var k = 0; k < a.Length; k++)
        {
            Assert.Equal(a[k].Values.ToArray(), b[k].Values.ToArray());
        }
    }

    [Fact]
    public void AdamWState_IntoAdam_IsRefusedByKind()
    {
        // The saved-state kind stays "adamw", so checkpoints written before AdamW derived from Adam still load into AdamW only.
        var p = new Parameter<double>("w", [1.0, 2.0]);
        var adamw = new AdamW<double>([p]);
        p.Gradient.Fill(1);
        adamw.Step();
        using var state = new MemoryStream();
        adamw.SaveState(state);

        state.Position = 0;
        var ex = Assert.Throws<InvalidDataException>(() => new Adam<double>([p]).LoadState(state));
        Assert.Contains("'adamw'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadState_FormatVersion1WrittenByHand_MapsBuffersToExpAvgAndExpAvgSq()
    {
        // The documented v1 layout (Optimizer<T> remarks), written field by field as a file from an earlier release:
        // Adam after one step with exp_avg = 0.5, exp_avg_sq = 0.25 and no max_exp_avg_sq.
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write("llmcore.optimizer");
            writer.Write(1);
            writer.Write("adam");
            writer.Write(sizeof(double));
            writer.Write(1L);
            writer.Write(0.1);
            writer.Write(1);
            writer.Write(false);
            writer.Write(0.0);
            writer.Write(false);
            writer.Write(0.0);
            writer.Write(1);
            writer.Write("w");
            writer.Write(0);
            writer.Write(1);
            writer.Write(1L);
            writer.Write(0);
            writer.Write(3);
            WriteBuffer(writer, 0.5);
            WriteBuffer(writer, 0.25);
            writer.Write(false);
            writer.Write(0);
            writer.Write(0);
        }

        var p = new Parameter<double>("w", [1.0]);
        var adam = new Adam<double>([p], 0.5);
        stream.Position = 0;
        adam.LoadState(stream);
        p.Gradient.Fill(1);
        adam.Step();

        // Kingma and Ba (2015), algorithm 1, at t = 2 with lr = 0.1 (restored), g = 1:
        // m = 0.9·0.5 + 0.1 = 0.55, v = 0.999·0.25 + 0.001 = 0.25075, θ = 1 − 0.1/(1 − 0.9²)·m/(√v/√(1 − 0.999²) + 1e-8).
        var expected = 1 - (0.1 / (1 - (0.9 * 0.9)) * 0.55 / ((Math.Sqrt(0.25075) / Math.Sqrt(1 - (0.999 * 0.999))) + 1e-8));
        Assert.Equal(expected, p.Values[0], 12);
        Assert.Equal(2, adam.StepCount);
    }

    [Fact]
    public void Factory_NoSettings_UsesTheOptionsDefaults()
    {
        var factory = new OptimizerFactory();
        var p = new Parameter<double>("w", [1.0]);

        var nadam = Assert.IsType<NAdam<double>>(factory.Create("nadam", [p]));
        var adamw = Assert.IsType<AdamW<double>>(factory.Create("adamw", [new Parameter<double>("v", [1.0])]));
        var muon = Assert.IsType<Muon<double>>(factory.Create("muon", [new Parameter<double>("m", [1.0, 2.0, 3.0, 4.0], [2, 2])]));

        Assert.Equal(new NAdamOptions().LearningRate, nadam.LearningRate);
        Assert.Equal(new NAdamOptions().MomentumDecay, nadam.MomentumDecay);
        Assert.Equal(new AdamWOptions().WeightDecay, adamw.WeightDecay);
        Assert.True(adamw.DecoupledWeightDecay);
        Assert.Equal(new MuonOptions().NewtonSchulzSteps, muon.NewtonSchulzSteps);
    }

    [Fact]
    public void Factory_Settings_OverrideByName()
    {
        var adam = Assert.IsType<Adam<double>>(new OptimizerFactory().Create(
            "adam", [new Parameter<double>("w", [1.0])], new OptimizerSettings { LearningRate = 0.2, Beta2 = 0.95, AmsGrad = true, Maximize = true }));

        Assert.Equal((0.2, 0.9, 0.95, true, true), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.AmsGrad, adam.Maximize));
    }

    private static void WriteBuffer(BinaryWriter writer, double value)
    {
        writer.Write(true);
        writer.Write(1);
        writer.Write(value);
    }

    private static Parameter<float>[] Parameters() =>
    [
        new("layer.weight", Enumerable.Range(0, 12).Select(static i => (float)Math.Sin(i + 1)).ToArray(), [3, 4]),
        new("layer.bias", [0.5f, -0.25f, 0.125f]),
    ];

    private static void SetGradients(Parameter<float>[] parameters, int step)
    {
        foreach (var p in parameters)
        {
            for (var i = 0; i < p.Length; i++)
            {
                p.Gradient[i] = (float)Math.Cos((step * 7) + i + p.Length);
            }
        }
    }

    private static Optimizer<float> Positional(string kind, Parameter<float>[] ps) => kind switch
    {
        "sgd" => new Sgd<float>(ps, 0.01, momentum: 0.9, nesterov: true) { Maximize = true },
        "adam" => new Adam<float>(ps, 0.01, 0.8, 0.99, 1e-6, 0.01, amsGrad: true) { Maximize = true },
        "adamw" => new AdamW<float>(ps, 0.01, weightDecay: 0.05) { Maximize = true },
        "rmsprop" => new RmsProp<float>(ps, 0.01, momentum: 0.9, centered: true) { Maximize = true },
        "adagrad" => new Adagrad<float>(ps, 0.01, learningRateDecay: 0.01, initialAccumulatorValue: 0.1) { Maximize = true },
        "adadelta" => new Adadelta<float>(ps, rho: 0.8) { Maximize = true },
        "adamax" => new Adamax<float>(ps, weightDecay: 0.01) { Maximize = true },
        "nadam" => new NAdam<float>(ps, weightDecay: 0.01, momentumDecay: 5e-3, decoupledWeightDecay: true) { Maximize = true },
        "radam" => new RAdam<float>(ps, weightDecay: 0.01) { Maximize = true },
        "lion" => new Lion<float>(ps, 1e-3, weightDecay: 0.1) { Maximize = true },
        "lamb" => new Lamb<float>(ps, 0.01, epsilonRoot: 1e-9, weightDecay: 0.01) { Maximize = true },
        "lars" => new Lars<float>(ps, 0.1, weightDecay: 1e-4, nesterov: true) { Maximize = true },
        "adafactor" => new Adafactor<float>(ps, beta2Decay: -0.7, weightDecay: 0.01) { Maximize = true },
        "muon" => new Muon<float>(ps, 0.02, newtonSchulzSteps: 3) { Maximize = true },
        "adam8bit" => new Adam8Bit<float>(ps, 0.01, weightDecay: 0.01, decoupledWeightDecay: true) { Maximize = true },
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static Optimizer<float> Named(string kind, Parameter<float>[] ps) => kind switch
    {
        "sgd" => new Sgd<float>(ps, new SgdOptions { LearningRate = 0.01, Momentum = 0.9, Nesterov = true, Maximize = true }),
        "adam" => new Adam<float>(ps, new AdamOptions { LearningRate = 0.01, Beta1 = 0.8, Beta2 = 0.99, Epsilon = 1e-6, WeightDecay = 0.01, AmsGrad = true, Maximize = true }),
        "adamw" => new AdamW<float>(ps, new AdamWOptions { LearningRate = 0.01, WeightDecay = 0.05, Maximize = true }),
        "rmsprop" => new RmsProp<float>(ps, new RmsPropOptions { LearningRate = 0.01, Momentum = 0.9, Centered = true, Maximize = true }),
        "adagrad" => new Adagrad<float>(ps, new AdagradOptions { LearningRate = 0.01, LearningRateDecay = 0.01, InitialAccumulatorValue = 0.1, Maximize = true }),
        "adadelta" => new Adadelta<float>(ps, new AdadeltaOptions { Rho = 0.8, Maximize = true }),
        "adamax" => new Adamax<float>(ps, new AdamaxOptions { WeightDecay = 0.01, Maximize = true }),
        "nadam" => new NAdam<float>(ps, new NAdamOptions { WeightDecay = 0.01, MomentumDecay = 5e-3, DecoupledWeightDecay = true, Maximize = true }),
        "radam" => new RAdam<float>(ps, new RAdamOptions { WeightDecay = 0.01, Maximize = true }),
        "lion" => new Lion<float>(ps, new LionOptions { LearningRate = 1e-3, WeightDecay = 0.1, Maximize = true }),
        "lamb" => new Lamb<float>(ps, new LambOptions { LearningRate = 0.01, EpsilonRoot = 1e-9, WeightDecay = 0.01, Maximize = true }),
        "lars" => new Lars<float>(ps, new LarsOptions { LearningRate = 0.1, WeightDecay = 1e-4, Nesterov = true, Maximize = true }),
        "adafactor" => new Adafactor<float>(ps, new AdafactorOptions { Beta2Decay = -0.7, WeightDecay = 0.01, Maximize = true }),
        "muon" => new Muon<float>(ps, new MuonOptions { LearningRate = 0.02, NewtonSchulzSteps = 3, Maximize = true }),
        "adam8bit" => new Adam8Bit<float>(ps, new Adam8BitOptions { LearningRate = 0.01, WeightDecay = 0.01, DecoupledWeightDecay = true, Maximize = true }),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}

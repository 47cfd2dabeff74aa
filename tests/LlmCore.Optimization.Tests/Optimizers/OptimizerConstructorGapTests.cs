using LlmCore.Optimization.Optimizers;

namespace LlmCore.Optimization.Tests.Optimizers;

/// <summary>
/// Every optimizer's constructors, both overloads (a parameter list and parameter groups; positional and options):
/// each hyperparameter outside the range its XML documentation states is rejected by that overload itself with an
/// <see cref="ArgumentOutOfRangeException"/> naming it, a null options record with <see cref="ArgumentNullException"/>
/// naming <c>options</c>, and the options' <c>Maximize</c> reaches the optimizer (PyTorch's <c>maximize</c>).
/// The bad values sit on the documented bounds where the bound is excluded (β = 1 for [0, 1), ε = 0 for ε &gt; 0,
/// β₂ decay = 0.1 for Adafactor's ≤ 0 exponent) and just outside it where it is included (−0.5 for ≥ 0).
/// </summary>
public class OptimizerConstructorGapTests
{
    public static TheoryData<string, string, Action, Action> OutOfRange() => new()
    {
        { "Sgd", "dampening", () => _ = new Sgd<double>(Ps(), dampening: double.NaN), () => _ = new Sgd<double>(Gs(), dampening: double.NaN) },
        { "Sgd", "momentum", () => _ = new Sgd<double>(Ps(), momentum: -0.5), () => _ = new Sgd<double>(Gs(), momentum: -0.5) },
        { "Adam", "beta1", () => _ = new Adam<double>(Ps(), beta1: 1.0), () => _ = new Adam<double>(Gs(), beta1: 1.0) },
        { "Adam", "beta2", () => _ = new Adam<double>(Ps(), beta2: 1.0), () => _ = new Adam<double>(Gs(), beta2: 1.0) },
        { "Adam", "epsilon", () => _ = new Adam<double>(Ps(), epsilon: 0.0), () => _ = new Adam<double>(Gs(), epsilon: 0.0) },
        { "AdamW", "beta1", () => _ = new AdamW<double>(Ps(), beta1: 1.0), () => _ = new AdamW<double>(Gs(), beta1: 1.0) },
        { "AdamW", "beta2", () => _ = new AdamW<double>(Ps(), beta2: 1.0), () => _ = new AdamW<double>(Gs(), beta2: 1.0) },
        { "AdamW", "epsilon", () => _ = new AdamW<double>(Ps(), epsilon: 0.0), () => _ = new AdamW<double>(Gs(), epsilon: 0.0) },
        { "NAdam", "beta1", () => _ = new NAdam<double>(Ps(), beta1: 1.0), () => _ = new NAdam<double>(Gs(), beta1: 1.0) },
        { "NAdam", "beta2", () => _ = new NAdam<double>(Ps(), beta2: 1.0), () => _ = new NAdam<double>(Gs(), beta2: 1.0) },
        { "NAdam", "epsilon", () => _ = new NAdam<double>(Ps(), epsilon: 0.0), () => _ = new NAdam<double>(Gs(), epsilon: 0.0) },
        { "NAdam", "momentumDecay", () => _ = new NAdam<double>(Ps(), momentumDecay: -0.5), () => _ = new NAdam<double>(Gs(), momentumDecay: -0.5) },
        { "RAdam", "beta1", () => _ = new RAdam<double>(Ps(), beta1: 1.0), () => _ = new RAdam<double>(Gs(), beta1: 1.0) },
        { "RAdam", "beta2", () => _ = new RAdam<double>(Ps(), beta2: 1.0), () => _ = new RAdam<double>(Gs(), beta2: 1.0) },
        { "RAdam", "epsilon", () => _ = new RAdam<double>(Ps(), epsilon: 0.0), () => _ = new RAdam<double>(Gs(), epsilon: 0.0) },
        { "Adamax", "beta1", () => _ = new Adamax<double>(Ps(), beta1: 1.0), () => _ = new Adamax<double>(Gs(), beta1: 1.0) },
        { "Adamax", "beta2", () => _ = new Adamax<double>(Ps(), beta2: 1.0), () => _ = new Adamax<double>(Gs(), beta2: 1.0) },
        { "Adamax", "epsilon", () => _ = new Adamax<double>(Ps(), epsilon: 0.0), () => _ = new Adamax<double>(Gs(), epsilon: 0.0) },
        { "Adagrad", "learningRateDecay", () => _ = new Adagrad<double>(Ps(), learningRateDecay: -0.5), () => _ = new Adagrad<double>(Gs(), learningRateDecay: -0.5) },
        { "Adagrad", "initialAccumulatorValue", () => _ = new Adagrad<double>(Ps(), initialAccumulatorValue: -0.5), () => _ = new Adagrad<double>(Gs(), initialAccumulatorValue: -0.5) },
        { "Adagrad", "epsilon", () => _ = new Adagrad<double>(Ps(), epsilon: 0.0), () => _ = new Adagrad<double>(Gs(), epsilon: 0.0) },
        { "Adadelta", "rho", () => _ = new Adadelta<double>(Ps(), rho: 1.0), () => _ = new Adadelta<double>(Gs(), rho: 1.0) },
        { "Adadelta", "epsilon", () => _ = new Adadelta<double>(Ps(), epsilon: 0.0), () => _ = new Adadelta<double>(Gs(), epsilon: 0.0) },
        { "RmsProp", "alpha", () => _ = new RmsProp<double>(Ps(), alpha: 1.0), () => _ = new RmsProp<double>(Gs(), alpha: 1.0) },
        { "RmsProp", "epsilon", () => _ = new RmsProp<double>(Ps(), epsilon: 0.0), () => _ = new RmsProp<double>(Gs(), epsilon: 0.0) },
        { "RmsProp", "momentum", () => _ = new RmsProp<double>(Ps(), momentum: -0.5), () => _ = new RmsProp<double>(Gs(), momentum: -0.5) },
        { "Lion", "beta1", () => _ = new Lion<double>(Ps(), beta1: 1.0), () => _ = new Lion<double>(Gs(), beta1: 1.0) },
        { "Lion", "beta2", () => _ = new Lion<double>(Ps(), beta2: 1.0), () => _ = new Lion<double>(Gs(), beta2: 1.0) },
        { "Lamb", "beta1", () => _ = new Lamb<double>(Ps(), beta1: 1.0), () => _ = new Lamb<double>(Gs(), beta1: 1.0) },
        { "Lamb", "beta2", () => _ = new Lamb<double>(Ps(), beta2: 1.0), () => _ = new Lamb<double>(Gs(), beta2: 1.0) },
        { "Lamb", "epsilon", () => _ = new Lamb<double>(Ps(), epsilon: 0.0), () => _ = new Lamb<double>(Gs(), epsilon: 0.0) },
        { "Lamb", "epsilonRoot", () => _ = new Lamb<double>(Ps(), epsilonRoot: -0.5), () => _ = new Lamb<double>(Gs(), epsilonRoot: -0.5) },
        { "Lars", "trustCoefficient", () => _ = new Lars<double>(Ps(), trustCoefficient: 0.0), () => _ = new Lars<double>(Gs(), trustCoefficient: 0.0) },
        { "Lars", "epsilon", () => _ = new Lars<double>(Ps(), epsilon: -0.5), () => _ = new Lars<double>(Gs(), epsilon: -0.5) },
        { "Lars", "momentum", () => _ = new Lars<double>(Ps(), momentum: -0.5), () => _ = new Lars<double>(Gs(), momentum: -0.5) },
        { "Adafactor", "beta2Decay", () => _ = new Adafactor<double>(Ps(), beta2Decay: 0.1), () => _ = new Adafactor<double>(Gs(), beta2Decay: 0.1) },
        { "Adafactor", "epsilon1", () => _ = new Adafactor<double>(Ps(), epsilon1: 0.0), () => _ = new Adafactor<double>(Gs(), epsilon1: 0.0) },
        { "Adafactor", "epsilon2", () => _ = new Adafactor<double>(Ps(), epsilon2: 0.0), () => _ = new Adafactor<double>(Gs(), epsilon2: 0.0) },
        { "Adafactor", "clipThreshold", () => _ = new Adafactor<double>(Ps(), clipThreshold: 0.0), () => _ = new Adafactor<double>(Gs(), clipThreshold: 0.0) },
        { "Muon", "momentum", () => _ = new Muon<double>(Ps(), momentum: 1.0), () => _ = new Muon<double>(Gs(), momentum: 1.0) },
        { "Muon", "epsilon", () => _ = new Muon<double>(Ps(), epsilon: 0.0), () => _ = new Muon<double>(Gs(), epsilon: 0.0) },
        { "Muon", "newtonSchulzSteps", () => _ = new Muon<double>(Ps(), newtonSchulzSteps: 0), () => _ = new Muon<double>(Gs(), newtonSchulzSteps: 0) },
        { "Adam8Bit", "beta1", () => _ = new Adam8Bit<double>(Ps(), beta1: 1.0), () => _ = new Adam8Bit<double>(Gs(), beta1: 1.0) },
        { "Adam8Bit", "beta2", () => _ = new Adam8Bit<double>(Ps(), beta2: 1.0), () => _ = new Adam8Bit<double>(Gs(), beta2: 1.0) },
        { "Adam8Bit", "epsilon", () => _ = new Adam8Bit<double>(Ps(), epsilon: 0.0), () => _ = new Adam8Bit<double>(Gs(), epsilon: 0.0) },
    };

    public static TheoryData<string, Action, Action> NullOptions() => new()
    {
        { "Sgd", () => _ = new Sgd<double>(Ps(), (SgdOptions)null!), () => _ = new Sgd<double>(Gs(), (SgdOptions)null!) },
        { "Adam", () => _ = new Adam<double>(Ps(), (AdamOptions)null!), () => _ = new Adam<double>(Gs(), (AdamOptions)null!) },
        { "AdamW", () => _ = new AdamW<double>(Ps(), (AdamWOptions)null!), () => _ = new AdamW<double>(Gs(), (AdamWOptions)null!) },
        { "NAdam", () => _ = new NAdam<double>(Ps(), (NAdamOptions)null!), () => _ = new NAdam<double>(Gs(), (NAdamOptions)null!) },
        { "RAdam", () => _ = new RAdam<double>(Ps(), (RAdamOptions)null!), () => _ = new RAdam<double>(Gs(), (RAdamOptions)null!) },
        { "Adamax", () => _ = new Adamax<double>(Ps(), (AdamaxOptions)null!), () => _ = new Adamax<double>(Gs(), (AdamaxOptions)null!) },
        { "Adagrad", () => _ = new Adagrad<double>(Ps(), (AdagradOptions)null!), () => _ = new Adagrad<double>(Gs(), (AdagradOptions)null!) },
        { "Adadelta", () => _ = new Adadelta<double>(Ps(), (AdadeltaOptions)null!), () => _ = new Adadelta<double>(Gs(), (AdadeltaOptions)null!) },
        { "RmsProp", () => _ = new RmsProp<double>(Ps(), (RmsPropOptions)null!), () => _ = new RmsProp<double>(Gs(), (RmsPropOptions)null!) },
        { "Lion", () => _ = new Lion<double>(Ps(), (LionOptions)null!), () => _ = new Lion<double>(Gs(), (LionOptions)null!) },
        { "Lamb", () => _ = new Lamb<double>(Ps(), (LambOptions)null!), () => _ = new Lamb<double>(Gs(), (LambOptions)null!) },
        { "Lars", () => _ = new Lars<double>(Ps(), (LarsOptions)null!), () => _ = new Lars<double>(Gs(), (LarsOptions)null!) },
        { "Adafactor", () => _ = new Adafactor<double>(Ps(), (AdafactorOptions)null!), () => _ = new Adafactor<double>(Gs(), (AdafactorOptions)null!) },
        { "Muon", () => _ = new Muon<double>(Ps(), (MuonOptions)null!), () => _ = new Muon<double>(Gs(), (MuonOptions)null!) },
        { "Adam8Bit", () => _ = new Adam8Bit<double>(Ps(), (Adam8BitOptions)null!), () => _ = new Adam8Bit<double>(Gs(), (Adam8BitOptions)null!) },
    };

    public static TheoryData<string, Func<IOptimizer<double>>, Func<IOptimizer<double>>> MaximizeOptions() => new()
    {
        { "Sgd", () => new Sgd<double>(Ps(), new SgdOptions { Maximize = true }), () => new Sgd<double>(Gs(), new SgdOptions { Maximize = true }) },
        { "Adam", () => new Adam<double>(Ps(), new AdamOptions { Maximize = true }), () => new Adam<double>(Gs(), new AdamOptions { Maximize = true }) },
        { "AdamW", () => new AdamW<double>(Ps(), new AdamWOptions { Maximize = true }), () => new AdamW<double>(Gs(), new AdamWOptions { Maximize = true }) },
        { "NAdam", () => new NAdam<double>(Ps(), new NAdamOptions { Maximize = true }), () => new NAdam<double>(Gs(), new NAdamOptions { Maximize = true }) },
        { "RAdam", () => new RAdam<double>(Ps(), new RAdamOptions { Maximize = true }), () => new RAdam<double>(Gs(), new RAdamOptions { Maximize = true }) },
        { "Adamax", () => new Adamax<double>(Ps(), new AdamaxOptions { Maximize = true }), () => new Adamax<double>(Gs(), new AdamaxOptions { Maximize = true }) },
        { "Adagrad", () => new Adagrad<double>(Ps(), new AdagradOptions { Maximize = true }), () => new Adagrad<double>(Gs(), new AdagradOptions { Maximize = true }) },
        { "Adadelta", () => new Adadelta<double>(Ps(), new AdadeltaOptions { Maximize = true }), () => new Adadelta<double>(Gs(), new AdadeltaOptions { Maximize = true }) },
        { "RmsProp", () => new RmsProp<double>(Ps(), new RmsPropOptions { Maximize = true }), () => new RmsProp<double>(Gs(), new RmsPropOptions { Maximize = true }) },
        { "Lion", () => new Lion<double>(Ps(), new LionOptions { Maximize = true }), () => new Lion<double>(Gs(), new LionOptions { Maximize = true }) },
        { "Lamb", () => new Lamb<double>(Ps(), new LambOptions { Maximize = true }), () => new Lamb<double>(Gs(), new LambOptions { Maximize = true }) },
        { "Lars", () => new Lars<double>(Ps(), new LarsOptions { Maximize = true }), () => new Lars<double>(Gs(), new LarsOptions { Maximize = true }) },
        { "Adafactor", () => new Adafactor<double>(Ps(), new AdafactorOptions { Maximize = true }), () => new Adafactor<double>(Gs(), new AdafactorOptions { Maximize = true }) },
        { "Muon", () => new Muon<double>(Ps(), new MuonOptions { Maximize = true }), () => new Muon<double>(Gs(), new MuonOptions { Maximize = true }) },
        { "Adam8Bit", () => new Adam8Bit<double>(Ps(), new Adam8BitOptions { Maximize = true }), () => new Adam8Bit<double>(Gs(), new Adam8BitOptions { Maximize = true }) },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Constructor_OutOfRange_BothOverloadsThrowNamingIt(string optimizer, string name, Action withParameters, Action withGroups)
    {
        Assert.True(Assert.Throws<ArgumentOutOfRangeException>(withParameters).ParamName == name, $"{optimizer}(parameters, {name})");
        Assert.True(Assert.Throws<ArgumentOutOfRangeException>(withGroups).ParamName == name, $"{optimizer}(groups, {name})");
    }

    [Theory]
    [MemberData(nameof(NullOptions))]
    public void OptionsConstructor_Null_BothOverloadsThrowNamingOptions(string optimizer, Action withParameters, Action withGroups)
    {
        Assert.True(Assert.Throws<ArgumentNullException>(withParameters).ParamName == "options", optimizer);
        Assert.True(Assert.Throws<ArgumentNullException>(withGroups).ParamName == "options", optimizer);
    }

    [Theory]
    [MemberData(nameof(MaximizeOptions))]
    public void OptionsConstructor_Maximize_BothOverloadsCarryIt(string optimizer, Func<IOptimizer<double>> withParameters, Func<IOptimizer<double>> withGroups)
    {
        Assert.True(((Optimizer<double>)withParameters()).Maximize, optimizer);
        Assert.True(((Optimizer<double>)withGroups()).Maximize, optimizer);
    }

    private static Parameter<double>[] Ps() => [new Parameter<double>("w", [1.0, 2.0, 3.0, 4.0], 2, 2)];

    private static ParameterGroup<double>[] Gs() => [new ParameterGroup<double>(Ps())];
}

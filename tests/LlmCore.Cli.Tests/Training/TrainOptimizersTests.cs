using LlmCore.Cli.Commands.Train;
using LlmCore.Optimization;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Cli.Tests.Training;

public class TrainOptimizersTests
{
    // Without --momentum each optimizer keeps its own default (issue 22: `train` passed 0, so LARS lost its 0.9 and
    // Muon its 0.95). Defaults: LARS 0.9 (You et al. 2017, Optax lars); Muon 0.95 (Jordan et al. 2024, torch.optim.Muon);
    // SGD 0 (torch.optim.SGD).
    [Theory]
    [InlineData("lars", 0.9)]
    [InlineData("muon", 0.95)]
    [InlineData("sgd", 0.0)]
    public void Resolve_WithoutMomentum_KeepsTheOptimizersDefault(string name, double expected)
    {
        var optimizer = TrainOptimizers.Resolve<double>(name, new TrainOptimizers.Settings(0.01, null, 0))([new Parameter<double>("w", [1.0, 2.0, 3.0, 4.0])]);

        var momentum = optimizer switch
        {
            Lars<double> lars => lars.Momentum,
            Muon<double> muon => muon.Momentum,
            Sgd<double> sgd => sgd.Momentum,
            _ => throw new InvalidOperationException(optimizer.GetType().Name),
        };
        Assert.Equal(expected, momentum);
    }

    [Fact]
    public void Resolve_WithMomentum_PassesIt()
    {
        var optimizer = TrainOptimizers.Resolve<double>("lars", new TrainOptimizers.Settings(0.01, 0.5, 0))([new Parameter<double>("w", [1.0, 2.0])]);

        Assert.Equal(0.5, Assert.IsType<Lars<double>>(optimizer).Momentum);
    }
}

using LlmCore.Cli.Commands.Demo;
using LlmCore.Cli.Infrastructure;

namespace LlmCore.Cli.Tests.Training;

public class TrainingDemoTests
{
    [Fact]
    public void Run_Iris_ReportsHeldOutAccuracyOfTheMeasuredRun()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var section = TrainingDemo.Run(new CliContext(output, error, interactive: false));
        Assert.StartsWith("LlmCore.Optimization", section.Title, StringComparison.Ordinal);
        var accuracy = section.Lines.Single(l => l.Key == "held-out accuracy").Value;

        // Measured (TrainerTests.Fit_MlpOnIris_ReachesStatedAccuracy, same settings): 28/30 = 0.9333.
        Assert.Equal("0.9333", accuracy);
    }
}

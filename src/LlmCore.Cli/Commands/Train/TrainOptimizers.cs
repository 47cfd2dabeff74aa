using LlmCore.Cli.Infrastructure;
using LlmCore.Optimization;
using LlmCore.Optimization.Factories;

namespace LlmCore.Cli.Commands.Train;

/// <summary>
/// The one mapping from an <c>--optimizer</c> NAME of <c>llmcore train</c> to an optimizer over a model's parameters.
/// Every optimizer that <c>llmcore train</c> accepts is added here (and only here).
/// </summary>
internal static class TrainOptimizers
{
    /// <summary>The hyperparameters <c>llmcore train</c> passes on.</summary>
    public sealed record Settings(double LearningRate, double? Momentum, double WeightDecay);

    private static readonly OptimizerFactory s_factory = new();

    /// <summary>Gets the accepted names: every optimizer of <see cref="IOptimizerFactory"/>.</summary>
    public static IReadOnlyList<string> Names => s_factory.Names;

    /// <summary>The optimizers that read a momentum factor (the factory passes it to no other).</summary>
    private static readonly string[] s_withMomentum = ["sgd", "rmsprop", "lars", "muon"];

    /// <summary>Refuses an explicit <c>--momentum</c> for an optimizer that would ignore it (issue 22).</summary>
    public static void RequireMomentumIsUsed(string name, bool momentumGiven)
    {
        if (momentumGiven && !s_withMomentum.Contains(name.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            throw CliUsageException.ForOption("--momentum", $"applies to --optimizer {string.Join(", ", s_withMomentum)} only; {name} would ignore it", name);
        }
    }

    /// <summary>Gets the factory for a name, or throws the usage error that names the accepted ones.</summary>
    public static Func<IEnumerable<Parameter<T>>, IOptimizer<T>> Resolve<T>(string name, Settings settings)
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!Names.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            throw CliUsageException.ForOption("--optimizer", $"must be one of {string.Join(", ", Names)}", name);
        }

        // Momentum only means something to SGD, RMSprop, LARS and Muon; without --momentum each keeps its own default.
        var optimizerSettings = new OptimizerSettings
        {
            LearningRate = settings.LearningRate,
            Momentum = settings.Momentum,
            WeightDecay = settings.WeightDecay,
        };
        return parameters => s_factory.Create<T>(name, parameters, optimizerSettings);
    }
}

using LlmCore.Cli.Infrastructure;
using LlmCore.Optimization;
using LlmCore.Optimization.Optimizers;

namespace LlmCore.Cli.Commands.Train;

/// <summary>
/// The one mapping from an <c>--optimizer</c> NAME of <c>llmcore train</c> to an optimizer over a model's parameters.
/// Every optimizer that <c>llmcore train</c> accepts is added here (and only here).
/// </summary>
internal static class TrainOptimizers
{
    /// <summary>The hyperparameters <c>llmcore train</c> passes on.</summary>
    public sealed record Settings(double LearningRate, double Momentum, double WeightDecay);

    private static readonly Dictionary<string, Func<IEnumerable<Parameter<double>>, Settings, IOptimizer<double>>> s_factories =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["sgd"] = static (parameters, s) => new Sgd<double>(parameters, s.LearningRate, s.Momentum, weightDecay: s.WeightDecay),
        };

    /// <summary>Gets the accepted names.</summary>
    public static IReadOnlyList<string> Names => [.. s_factories.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Gets the factory for a name, or throws the usage error that names the accepted ones.</summary>
    public static Func<IEnumerable<Parameter<double>>, IOptimizer<double>> Resolve(string name, Settings settings)
    {
        if (!s_factories.TryGetValue(name, out var factory))
        {
            throw CliUsageException.ForOption("--optimizer", $"must be one of {string.Join(", ", Names)}", name);
        }

        return parameters => factory(parameters, settings);
    }
}

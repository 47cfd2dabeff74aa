using System.Numerics;

namespace LlmCore.Optimization;

/// <summary>
/// A set of parameters that share hyperparameters, like an entry of <c>torch.optim</c>'s <c>param_groups</c>.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// A <see langword="null"/> hyperparameter means "use the optimizer's default". This type is not thread-safe.
/// </remarks>
public sealed class ParameterGroup<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Initializes a new instance of the <see cref="ParameterGroup{T}"/> class.</summary>
    /// <param name="parameters">The parameters of the group; names must be unique.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is <see langword="null"/> or holds <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two parameters share a name.</exception>
    public ParameterGroup(IEnumerable<Parameter<T>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = new List<Parameter<T>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var parameter in parameters)
        {
            ArgumentNullException.ThrowIfNull(parameter, nameof(parameters));
            if (!names.Add(parameter.Name))
            {
                throw new ArgumentException($"Two parameters are named '{parameter.Name}'; names must be unique.", nameof(parameters));
            }

            list.Add(parameter);
        }

        Parameters = list;
    }

    /// <summary>Gets the parameters of the group.</summary>
    public IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>Gets or sets the group's learning rate, or <see langword="null"/> for the optimizer's.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public double? LearningRate { get; set; }

    /// <summary>Gets or sets the group's weight decay, or <see langword="null"/> for the optimizer's.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public double? WeightDecay { get; set; }
}

using System.Numerics;

namespace LlmCore.Optimization.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum, as <c>torch.optim.SGD</c> defines it.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// With weight decay λ, momentum μ and dampening τ: g ← g + λθ; on the first step b ← g, later b ← μb + (1 − τ)g;
/// g ← g + μb (Nesterov) or g ← b; θ ← θ − lr·g. This type is not thread-safe.
/// </remarks>
public sealed class Sgd<T> : IOptimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Dictionary<string, T[]> _momentum = new(StringComparer.Ordinal);
    private double _learningRate;

    /// <summary>Initializes a new instance of the <see cref="Sgd{T}"/> class.</summary>
    /// <param name="parameters">The parameters to update.</param>
    /// <param name="learningRate">The learning rate, ≥ 0 (PyTorch's default is 0.001).</param>
    /// <param name="momentum">The momentum factor μ, ≥ 0.</param>
    /// <param name="dampening">The dampening τ of the momentum.</param>
    /// <param name="weightDecay">The L2 penalty λ, ≥ 0.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum (needs μ &gt; 0 and τ = 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">A hyperparameter is negative, NaN or infinite.</exception>
    /// <exception cref="ArgumentException">Nesterov momentum is asked for with μ = 0 or τ ≠ 0.</exception>
    public Sgd(IEnumerable<Parameter<T>> parameters, double learningRate = 0.001, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ThrowIfNegativeOrNotFinite(learningRate, nameof(learningRate));
        ThrowIfNegativeOrNotFinite(momentum, nameof(momentum));
        ThrowIfNegativeOrNotFinite(weightDecay, nameof(weightDecay));
        if (!double.IsFinite(dampening))
        {
            throw new ArgumentOutOfRangeException(nameof(dampening), dampening, "Dampening must be a finite number.");
        }

        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException("Nesterov momentum requires momentum > 0 and dampening = 0.", nameof(nesterov));
        }

        ParameterGroups = [new ParameterGroup<T>(parameters)];
        _learningRate = learningRate;
        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
    }

    /// <inheritdoc />
    public IReadOnlyList<ParameterGroup<T>> ParameterGroups { get; }

    /// <inheritdoc />
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            ThrowIfNegativeOrNotFinite(value, nameof(value));
            _learningRate = value;
        }
    }

    /// <summary>Gets the momentum factor μ.</summary>
    public double Momentum { get; }

    /// <summary>Gets the dampening τ.</summary>
    public double Dampening { get; }

    /// <summary>Gets the default weight decay λ.</summary>
    public double WeightDecay { get; }

    /// <summary>Gets a value indicating whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <inheritdoc />
    public void Step()
    {
        foreach (var group in ParameterGroups)
        {
            var lr = T.CreateChecked(group.LearningRate ?? _learningRate);
            var wd = T.CreateChecked(group.WeightDecay ?? WeightDecay);
            var mu = T.CreateChecked(Momentum);
            var oneMinusDampening = T.One - T.CreateChecked(Dampening);
            foreach (var parameter in group.Parameters)
            {
                if (!parameter.RequiresGrad)
                {
                    continue;
                }

                var values = parameter.Values;
                var gradient = parameter.Gradient;
                T[]? buffer = null;
                var first = false;
                if (Momentum != 0 && !_momentum.TryGetValue(parameter.Name, out buffer))
                {
                    buffer = new T[parameter.Length];
                    _momentum[parameter.Name] = buffer;
                    first = true;
                }

                for (var i = 0; i < values.Length; i++)
                {
                    var g = gradient[i] + (wd * values[i]);
                    if (buffer is not null)
                    {
                        buffer[i] = first ? g : (mu * buffer[i]) + (oneMinusDampening * g);
                        g = Nesterov ? g + (mu * buffer[i]) : buffer[i];
                    }

                    values[i] -= lr * g;
                }
            }
        }

        StepCount++;
    }

    /// <inheritdoc />
    public void ZeroGrad()
    {
        foreach (var group in ParameterGroups)
        {
            foreach (var parameter in group.Parameters)
            {
                parameter.ZeroGrad();
            }
        }
    }

    /// <inheritdoc />
    public void SaveState(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        writer.Write("llmcore.sgd.v1");
        writer.Write(StepCount);
        writer.Write(_learningRate);
        writer.Write(_momentum.Count);
        foreach (var (name, buffer) in _momentum.OrderBy(static p => p.Key, StringComparer.Ordinal))
        {
            writer.Write(name);
            writer.Write(buffer.Length);
            foreach (var value in buffer)
            {
                writer.Write(double.CreateChecked(value));
            }
        }
    }

    /// <inheritdoc />
    public void LoadState(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new BinaryReader(source, System.Text.Encoding.UTF8, leaveOpen: true);
        var tag = reader.ReadString();
        if (tag != "llmcore.sgd.v1")
        {
            throw new InvalidDataException($"Expected an SGD state ('llmcore.sgd.v1'), found '{tag}'.");
        }

        var byName = ParameterGroups.SelectMany(static g => g.Parameters).ToDictionary(static p => p.Name, StringComparer.Ordinal);
        var steps = reader.ReadInt64();
        var lr = reader.ReadDouble();
        var count = reader.ReadInt32();
        var buffers = new Dictionary<string, T[]>(StringComparer.Ordinal);
        for (var k = 0; k < count; k++)
        {
            var name = reader.ReadString();
            var length = reader.ReadInt32();
            if (!byName.TryGetValue(name, out var parameter) || parameter.Length != length)
            {
                throw new InvalidDataException($"The state holds a buffer for '{name}' of length {length} that matches no parameter of this optimizer.");
            }

            var buffer = new T[length];
            for (var i = 0; i < length; i++)
            {
                buffer[i] = T.CreateChecked(reader.ReadDouble());
            }

            buffers[name] = buffer;
        }

        StepCount = steps;
        _learningRate = lr;
        _momentum.Clear();
        foreach (var (name, buffer) in buffers)
        {
            _momentum[name] = buffer;
        }
    }

    private static void ThrowIfNegativeOrNotFinite(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number ≥ 0.");
        }
    }
}

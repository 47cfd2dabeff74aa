using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using LlmCore.Optimization.Internal;

namespace LlmCore.Optimization;

/// <summary>
/// The common machinery of the LlmCore optimizers: parameter groups with per-group learning rate and weight decay,
/// per-parameter state keyed by name, <c>maximize</c>, and the documented binary state format.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// <para>
/// Each <see cref="Step"/> visits every parameter with <see cref="Parameter{T}.RequiresGrad"/> once, in group order,
/// with the group's learning rate (<see cref="ParameterGroup{T}.LearningRate"/> or <see cref="LearningRate"/>) and
/// weight decay (<see cref="ParameterGroup{T}.WeightDecay"/> or <see cref="WeightDecay"/>); a group whose weight
/// decay is 0 is how a weight-decay mask is expressed (biases and norms, as in <c>param_groups</c>).
/// </para>
/// <para>
/// State format (<see cref="SaveState"/>): a <see cref="BinaryWriter"/> stream holding the tag
/// <c>"llmcore.optimizer"</c>, format version 1, the optimizer's kind (for example <c>"adamw"</c>), the element size
/// in bytes (4 or 8), the step count, the learning rate, the group overrides, then for every parameter with state
/// its name, its position in parameter order, its length, its own step count, its scalars (doubles) and its
/// buffers as raw little-endian element bits. <see cref="LoadState"/> matches entries by name first and by position
/// when no name matches, and checks lengths, so a restored run continues bit-identically.
/// </para>
/// <para>Optimizers are not thread-safe: one training loop drives one optimizer. Large tensors are updated by
/// several threads inside one <see cref="Step"/> call (above <see cref="ParallelThreshold"/> elements).</para>
/// </remarks>
public abstract class Optimizer<T> : IOptimizer<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private const string Tag = "llmcore.optimizer";
    private const int FormatVersion = 1;
    private readonly Dictionary<string, ParameterState<T>> _state = new(StringComparer.Ordinal);
    private double _learningRate;
    private int _parallelThreshold = 1 << 20;

    private protected Optimizer(IEnumerable<Parameter<T>> parameters, double learningRate, double weightDecay)
        : this(ToGroups(parameters), learningRate, weightDecay)
    {
    }

    private protected Optimizer(IEnumerable<ParameterGroup<T>> groups, double learningRate, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(groups);
        Guard.NonNegativeFinite(learningRate);
        Guard.NonNegativeFinite(weightDecay);
        var list = groups.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in list)
        {
            ArgumentNullException.ThrowIfNull(group, nameof(groups));
            if (group.LearningRate is { } lr)
            {
                Guard.NonNegativeFinite(lr, nameof(learningRate));
            }

            if (group.WeightDecay is { } wd)
            {
                Guard.NonNegativeFinite(wd, nameof(weightDecay));
            }

            foreach (var parameter in group.Parameters)
            {
                if (!names.Add(parameter.Name))
                {
                    throw new ArgumentException($"Two parameters are named '{parameter.Name}'; optimizer state is keyed by name.", nameof(groups));
                }
            }
        }

        ParameterGroups = list;
        _learningRate = learningRate;
        WeightDecay = weightDecay;
    }

    /// <inheritdoc />
    public IReadOnlyList<ParameterGroup<T>> ParameterGroups { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException">The value is negative, NaN or infinite.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            Guard.NonNegativeFinite(value);
            _learningRate = value;
        }
    }

    /// <summary>Gets the default weight decay (a group's own <see cref="ParameterGroup{T}.WeightDecay"/> overrides it).</summary>
    public double WeightDecay { get; }

    /// <summary>Gets a value indicating whether the objective is maximised (the gradient's sign is flipped), as PyTorch's <c>maximize</c>.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool Maximize { get; init; }

    /// <summary>Gets or sets the tensor length from which one tensor's update is split across cores.</summary>
    /// <value>The default value is 1,048,576 elements; at least 1,024.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1,024.</exception>
    public int ParallelThreshold
    {
        get => _parallelThreshold;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1024);
            _parallelThreshold = value;
        }
    }

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <summary>Gets the short name written into saved state (for example <c>"adamw"</c>).</summary>
    public abstract string Kind { get; }

    /// <summary>Gets the named element buffers of this optimizer's per-parameter state, in saved-state order.</summary>
    private protected abstract StateSlot[] Slots { get; }

    private protected virtual int ScalarCount => 0;

    /// <inheritdoc />
    public void Step()
    {
        // Indexed loops: a foreach over the IReadOnlyList interfaces would allocate two enumerators per step.
        var groups = ParameterGroups;
        for (var gi = 0; gi < groups.Count; gi++)
        {
            var group = groups[gi];
            var lr = group.LearningRate ?? _learningRate;
            var wd = group.WeightDecay ?? WeightDecay;
            var parameters = group.Parameters;
            for (var pi = 0; pi < parameters.Count; pi++)
            {
                var parameter = parameters[pi];
                if (!parameter.RequiresGrad)
                {
                    continue;
                }

                var state = GetState(parameter);
                state.Step++;
                if (Maximize)
                {
                    Kernels.Negate(parameter.Gradient);
                }

                try
                {
                    Update(parameter, state, lr, wd);
                }
                finally
                {
                    if (Maximize)
                    {
                        Kernels.Negate(parameter.Gradient);
                    }
                }
            }
        }

        StepCount++;
    }

    /// <inheritdoc />
    public void ZeroGrad()
    {
        var groups = ParameterGroups;
        for (var gi = 0; gi < groups.Count; gi++)
        {
            var parameters = groups[gi].Parameters;
            for (var pi = 0; pi < parameters.Count; pi++)
            {
                parameters[pi].ZeroGrad();
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="destination"/> is <see langword="null"/>.</exception>
    public void SaveState(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(Tag);
        writer.Write(FormatVersion);
        writer.Write(Kind);
        writer.Write(Unsafe.SizeOf<T>());
        writer.Write(StepCount);
        writer.Write(_learningRate);
        writer.Write(ParameterGroups.Count);
        foreach (var group in ParameterGroups)
        {
            WriteNullable(writer, group.LearningRate);
            WriteNullable(writer, group.WeightDecay);
        }

        var ordered = AllParameters().Select((p, i) => (Parameter: p, Index: i)).Where(e => _state.ContainsKey(e.Parameter.Name)).ToList();
        writer.Write(ordered.Count);
        foreach (var (parameter, index) in ordered)
        {
            var state = _state[parameter.Name];
            writer.Write(parameter.Name);
            writer.Write(index);
            writer.Write(parameter.Length);
            writer.Write(state.Step);
            writer.Write(state.Scalars.Length);
            foreach (var scalar in state.Scalars)
            {
                writer.Write(scalar);
            }

            WriteArrays(writer, state.Buffers);
            WriteArrays(writer, state.Bytes);
            WriteArrays(writer, state.Floats);
        }
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    public void LoadState(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        try
        {
            LoadCore(reader);
        }
        catch (EndOfStreamException ex)
        {
            throw new InvalidDataException("The optimizer state ends early.", ex);
        }
    }

    private protected abstract void Update(Parameter<T> parameter, ParameterState<T> state, double learningRate, double weightDecay);

    private protected virtual ParameterState<T> CreateState(Parameter<T> parameter) => new(Slots.Length, ScalarCount);

    private void LoadCore(BinaryReader reader)
    {
        var tag = reader.ReadString();
        if (tag != Tag)
        {
            throw new InvalidDataException($"Expected an LlmCore optimizer state ('{Tag}'), found '{tag}'.");
        }

        var version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Unsupported optimizer state version {version}; expected {FormatVersion}.");
        }

        var kind = reader.ReadString();
        if (kind != Kind)
        {
            throw new InvalidDataException($"The state was written by a '{kind}' optimizer, not '{Kind}'.");
        }

        var elementSize = reader.ReadInt32();
        if (elementSize != Unsafe.SizeOf<T>())
        {
            throw new InvalidDataException($"The state holds {elementSize}-byte elements; this optimizer uses {Unsafe.SizeOf<T>()}-byte elements.");
        }

        var steps = reader.ReadInt64();
        var lr = reader.ReadDouble();
        var groupCount = reader.ReadInt32();
        if (groupCount != ParameterGroups.Count)
        {
            throw new InvalidDataException($"The state has {groupCount} parameter groups; this optimizer has {ParameterGroups.Count}.");
        }

        var groupValues = new (double? Lr, double? Wd)[groupCount];
        for (var g = 0; g < groupCount; g++)
        {
            groupValues[g] = (ReadNullable(reader), ReadNullable(reader));
        }

        var parameters = AllParameters().ToList();
        var byName = parameters.ToDictionary(static p => p.Name, StringComparer.Ordinal);
        var count = reader.ReadInt32();
        var loaded = new Dictionary<string, ParameterState<T>>(StringComparer.Ordinal);
        for (var k = 0; k < count; k++)
        {
            var name = reader.ReadString();
            var index = reader.ReadInt32();
            var length = reader.ReadInt32();
            if (!byName.TryGetValue(name, out var parameter))
            {
                parameter = index >= 0 && index < parameters.Count ? parameters[index] : null;
            }

            if (parameter is null || parameter.Length != length)
            {
                throw new InvalidDataException($"The state holds '{name}' (position {index}, length {length}), which matches no parameter of this optimizer by name or position.");
            }

            var state = CreateState(parameter);
            state.Step = reader.ReadInt64();
            var scalars = reader.ReadInt32();
            if (scalars != state.Scalars.Length)
            {
                throw new InvalidDataException($"The state of '{name}' has {scalars} scalars; expected {state.Scalars.Length}.");
            }

            for (var s = 0; s < scalars; s++)
            {
                state.Scalars[s] = reader.ReadDouble();
            }

            ReadArrays(reader, state.Buffers, name, Slots);
            state.Bytes = ReadArrays(reader, state.Bytes.Length == 0 ? null : state.Bytes, name, []);
            state.Floats = ReadArrays(reader, state.Floats.Length == 0 ? null : state.Floats, name, []);
            loaded[parameter.Name] = state;
        }

        StepCount = steps;
        _learningRate = lr;
        for (var g = 0; g < groupCount; g++)
        {
            ParameterGroups[g].LearningRate = groupValues[g].Lr;
            ParameterGroups[g].WeightDecay = groupValues[g].Wd;
        }

        _state.Clear();
        foreach (var (name, state) in loaded)
        {
            _state[name] = state;
        }
    }

    private ParameterState<T> GetState(Parameter<T> parameter)
    {
        if (!_state.TryGetValue(parameter.Name, out var state))
        {
            state = CreateState(parameter);
            _state[parameter.Name] = state;
        }

        return state;
    }

    private IEnumerable<Parameter<T>> AllParameters() => ParameterGroups.SelectMany(static g => g.Parameters);

    private static IEnumerable<ParameterGroup<T>> ToGroups(IEnumerable<Parameter<T>> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return [new ParameterGroup<T>(parameters)];
    }

    private static void WriteNullable(BinaryWriter writer, double? value)
    {
        writer.Write(value.HasValue);
        writer.Write(value ?? 0);
    }

    private static double? ReadNullable(BinaryReader reader)
    {
        var has = reader.ReadBoolean();
        var value = reader.ReadDouble();
        return has ? value : null;
    }

    private static void WriteArrays<TElement>(BinaryWriter writer, TElement[]?[] arrays)
        where TElement : unmanaged
    {
        writer.Write(arrays.Length);
        foreach (var array in arrays)
        {
            writer.Write(array is not null);
            if (array is not null)
            {
                writer.Write(array.Length);
                writer.Write(MemoryMarshal.AsBytes(array.AsSpan()));
            }
        }
    }

    private static TElement[]?[] ReadArrays<TElement>(BinaryReader reader, TElement[]?[]? target, string name, StateSlot[] slots)
        where TElement : unmanaged
    {
        var count = reader.ReadInt32();
        if (target is not null && count != target.Length)
        {
            var names = slots.Length == target.Length ? $" ({string.Join(", ", slots.Select(static s => s.Name))})" : string.Empty;
            throw new InvalidDataException($"The state of '{name}' has {count} buffers; expected {target.Length}{names}.");
        }

        target ??= new TElement[]?[count];
        for (var b = 0; b < count; b++)
        {
            if (!reader.ReadBoolean())
            {
                target[b] = null;
                continue;
            }

            var length = reader.ReadInt32();
            var array = new TElement[length];
            var bytes = MemoryMarshal.AsBytes(array.AsSpan());
            reader.BaseStream.ReadExactly(bytes);

            target[b] = array;
        }

        return target;
    }
}

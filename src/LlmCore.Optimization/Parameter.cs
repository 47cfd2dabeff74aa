using System.Numerics;

namespace LlmCore.Optimization;

/// <summary>
/// A named, trainable tensor: its values, its gradient and its shape (row-major).
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <remarks>
/// This type is not thread-safe: one optimizer or training loop owns a parameter at a time. Values and gradient
/// are held in arrays of equal length that never move, so spans over them stay valid for the parameter's life.
/// </remarks>
public sealed class Parameter<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T[] _values;
    private readonly T[] _gradient;
    private readonly int[] _shape;

    /// <summary>Initializes a new instance of the <see cref="Parameter{T}"/> class over existing values.</summary>
    /// <param name="name">A name unique within a model; optimizer state is keyed by it.</param>
    /// <param name="values">The initial values; the parameter keeps this array (no copy).</param>
    /// <param name="shape">The dimensions, whose product must equal the length of <paramref name="values"/>; empty means a vector.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/>, <paramref name="values"/> or <paramref name="shape"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or the shape does not match the length.</exception>
    public Parameter(string name, T[] values, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);

        if (shape.Length == 0)
        {
            shape = [values.Length];
        }

        long product = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(shape), dimension, "Every dimension must be zero or more.");
            }

            product *= dimension;
        }

        if (product != values.Length)
        {
            throw new ArgumentException(
                $"The shape [{string.Join(", ", shape)}] holds {product} elements but {values.Length} values were given.",
                nameof(shape));
        }

        Name = name;
        _values = values;
        _gradient = new T[values.Length];
        _shape = (int[])shape.Clone();
    }

    /// <summary>Initializes a new instance of the <see cref="Parameter{T}"/> class filled with zeros.</summary>
    /// <param name="name">A name unique within a model.</param>
    /// <param name="shape">The dimensions; at least one.</param>
    /// <exception cref="ArgumentException">The shape is empty or has a negative dimension.</exception>
    public static Parameter<T> Zeros(string name, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0)
        {
            throw new ArgumentException("At least one dimension is required.", nameof(shape));
        }

        long product = 1;
        foreach (var dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dimension, nameof(shape));
            product *= dimension;
        }

        return new Parameter<T>(name, new T[checked((int)product)], shape);
    }

    /// <summary>Gets the parameter's name.</summary>
    public string Name { get; }

    /// <summary>Gets the dimensions, row-major.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Gets the number of elements.</summary>
    public int Length => _values.Length;

    /// <summary>Gets or sets a value indicating whether optimizers update this parameter.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RequiresGrad { get; set; } = true;

    /// <summary>Gets the values, to read or update in place.</summary>
    public Span<T> Values => _values;

    /// <summary>Gets the gradient, to read or accumulate into; same length as <see cref="Values"/>.</summary>
    public Span<T> Gradient => _gradient;

    /// <summary>Gets the values' backing array, for kernels that split work across threads.</summary>
    internal T[] ValueArray => _values;

    /// <summary>Gets the gradient's backing array, for kernels that split work across threads.</summary>
    internal T[] GradientArray => _gradient;

    /// <summary>Sets every gradient element to zero.</summary>
    public void ZeroGrad() => Array.Clear(_gradient);

    /// <inheritdoc />
    public override string ToString() => $"{Name} [{string.Join("x", _shape)}]";
}

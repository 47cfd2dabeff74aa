using System.Numerics;

namespace LlmCore.Optimization.Internal;

/// <summary>The state an optimizer keeps for one parameter: its own step count, buffers and scalars.</summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
internal sealed class ParameterState<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public ParameterState(int bufferCount, int scalarCount)
    {
        Buffers = new T[]?[bufferCount];
        Scalars = new double[scalarCount];
    }

    public ParameterState(IReadOnlyList<StateSlot> slots, int scalarCount)
        : this(slots.Count, scalarCount)
    {
    }

    /// <summary>Gets or sets the number of updates this parameter has received (PyTorch's <c>state['step']</c>).</summary>
    public long Step { get; set; }

    /// <summary>Gets the element buffers (moments, accumulators), allocated on first use.</summary>
    public T[]?[] Buffers { get; }

    /// <summary>Gets the scalar state (for example NAdam's μ product).</summary>
    public double[] Scalars { get; }

    /// <summary>Gets or sets raw byte buffers (8-bit quantized state).</summary>
    public byte[]?[] Bytes { get; set; } = [];

    /// <summary>Gets or sets single-precision side buffers (block scales of quantized state).</summary>
    public float[]?[] Floats { get; set; } = [];

    /// <summary>Returns the buffer of <paramref name="slot"/>, allocating it with <paramref name="initial"/> if absent.</summary>
    public T[] Buffer(StateSlot slot, int length, T initial = default) => Buffer(slot.Index, length, initial);

    /// <summary>Returns buffer <paramref name="index"/>, allocating it with <paramref name="initial"/> if absent.</summary>
    public T[] Buffer(int index, int length, T initial = default)
    {
        var buffer = Buffers[index];
        if (buffer is null)
        {
            buffer = new T[length];
            if (initial != T.Zero)
            {
                Array.Fill(buffer, initial);
            }

            Buffers[index] = buffer;
        }

        return buffer;
    }
}

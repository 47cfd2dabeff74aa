namespace LlmCore.Optimization.Internal;

/// <summary>
/// One named buffer of an optimizer's per-parameter state: its position in the saved state and the name PyTorch's
/// <c>state_dict</c> gives it (<c>exp_avg</c>, <c>exp_avg_sq</c>, <c>momentum_buffer</c>, ...).
/// </summary>
/// <param name="Index">The buffer's position in <see cref="ParameterState{T}.Buffers"/> and in the saved state (format version 1 stores buffers by position).</param>
/// <param name="Name">The buffer's name, as PyTorch names the same tensor; used in error messages.</param>
internal readonly record struct StateSlot(int Index, string Name);

/// <summary>The state layouts that more than one optimizer shares.</summary>
internal static class StateSlots
{
    /// <summary>Adam's <c>exp_avg</c> (m).</summary>
    public static readonly StateSlot ExpAvg = new(0, "exp_avg");

    /// <summary>Adam's <c>exp_avg_sq</c> (v).</summary>
    public static readonly StateSlot ExpAvgSq = new(1, "exp_avg_sq");

    /// <summary>AMSGrad's <c>max_exp_avg_sq</c> (v_max).</summary>
    public static readonly StateSlot MaxExpAvgSq = new(2, "max_exp_avg_sq");

    /// <summary>Gets the layout of Adam, AdamW and the full-precision fallback of 8-bit Adam.</summary>
    public static StateSlot[] Adam { get; } = [ExpAvg, ExpAvgSq, MaxExpAvgSq];

    /// <summary>Gets the layout of NAdam and RAdam (no AMSGrad slot).</summary>
    public static StateSlot[] AdamMoments { get; } = [ExpAvg, ExpAvgSq];
}

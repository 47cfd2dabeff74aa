namespace LlmCore.Commercialization.Hardware;

/// <summary>The storage precision of weights or of the key-value cache.</summary>
/// <remarks>Use <see cref="NumericPrecisionExtensions.BytesPerElement"/> for the size of one element.</remarks>
public enum NumericPrecision
{
    /// <summary>16-bit floating point (BF16 or FP16): 2 bytes per element.</summary>
    Fp16 = 0,

    /// <summary>8-bit floating point (E4M3/E5M2): 1 byte per element; runs at the FP8 peak where the GPU has one.</summary>
    Fp8 = 1,

    /// <summary>4-bit integer weights (e.g. GPTQ, AWQ): 0.5 bytes per element; computed at the 16-bit peak.</summary>
    Int4 = 2,
}

/// <summary>Sizes of the <see cref="NumericPrecision"/> values.</summary>
/// <remarks>This type is stateless and thread-safe.</remarks>
public static class NumericPrecisionExtensions
{
    /// <summary>Gets the bytes one element takes: 2 for FP16/BF16, 1 for FP8, 0.5 for INT4.</summary>
    /// <param name="precision">The precision.</param>
    /// <returns>Bytes per element.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="precision"/> is not a defined value.</exception>
    public static double BytesPerElement(this NumericPrecision precision) => precision switch
    {
        NumericPrecision.Fp16 => 2.0,
        NumericPrecision.Fp8 => 1.0,
        NumericPrecision.Int4 => 0.5,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "must be Fp16, Fp8 or Int4."),
    };
}

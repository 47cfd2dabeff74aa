using LlmCore.Commercialization.Hardware;

namespace LlmCore.Commercialization.Serving;

/// <summary>
/// The efficiency factors of the serving simulator per GPU, calibrated on published throughput measurements.
/// </summary>
/// <remarks>
/// <para>CALIBRATION-PENDING</para>
/// <para>This type is immutable and thread-safe.</para>
/// </remarks>
public static class ServingCalibration
{
    private const string Hopper = "TensorRT-LLM perf-overview (Llama 3.1 8B, 3.3 70B, 3.1 405B; H100 and H200 FP8; 60 rows) and MLPerf Inference v4.1 Offline Llama-2-70B (8×H100, 8×H200)";

    private static readonly Dictionary<string, ServingEfficiency> s_calibrated = new(StringComparer.OrdinalIgnoreCase)
    {
        ["H100-SXM"] = new(0.65, 0.8) { Source = Hopper },
        ["H200"] = new(0.65, 0.8) { Source = Hopper },
        ["H800"] = new(0.65, 0.8) { Source = Hopper + " (same GH100 die; not measured itself)" },
        ["H100-PCIE"] = new(0.65, 0.8) { Source = Hopper + " (same GH100 die; not measured itself)" },
        ["MI300X"] = new(0.51, 0.8) { Source = "MLPerf Inference v4.1 Offline, Llama-2-70B, 8×MI300X, vLLM (AMD, 23,515 tok/s)" },
        ["L40S"] = new(0.74, 0.8) { Source = "MLPerf Inference v4.1 Offline, Llama-2-70B, 8×L40S TP4, TensorRT-LLM (Fujitsu, 3,718 tok/s)" },
    };

    /// <summary>Gets the factors used for a GPU without calibration data.</summary>
    public static ServingEfficiency Uncalibrated { get; } = new(0.5, 0.8) { Source = "uncalibrated default" };

    /// <summary>Gets the factors for a GPU: the calibrated ones where published measurements exist, else <see cref="Uncalibrated"/>.</summary>
    /// <param name="gpu">The GPU name (case-insensitive).</param>
    /// <returns>The factors.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gpu"/> is <see langword="null"/>.</exception>
    public static ServingEfficiency For(string gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        return s_calibrated.TryGetValue(gpu.Trim(), out var efficiency) ? efficiency : Uncalibrated;
    }

    /// <summary>Gets whether <paramref name="gpu"/> has factors calibrated on measurements.</summary>
    /// <param name="gpu">The GPU name (case-insensitive).</param>
    /// <returns><see langword="true"/> when calibrated.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gpu"/> is <see langword="null"/>.</exception>
    public static bool IsCalibrated(string gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        return s_calibrated.ContainsKey(gpu.Trim());
    }

    internal static ServingEfficiency For(GpuSpec gpu) => For(gpu.Name);
}

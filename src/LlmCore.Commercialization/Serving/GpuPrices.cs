namespace LlmCore.Commercialization.Serving;

/// <summary>
/// Default on-demand rental prices per GPU-hour that the serving simulator and the deployment search use when a
/// deployment names no price. Every figure is dated and sourced; refresh them before relying on a ranking.
/// </summary>
/// <remarks>
/// <para>Prices (US dollars per GPU-hour, specialised-cloud on-demand unless noted; all from
/// <c>shared/reference/llm-costs.json</c> <c>gpu_cloud_prices</c>, which cites the Epoch AI hardware-price archive):</para>
/// <list type="bullet">
/// <item><c>V100-32GB</c> 2.48 (Google Cloud, 2025-03-03).</item>
/// <item><c>A100-40GB</c> 1.29 (Lambda Labs, 2025-02-28).</item>
/// <item><c>A100-80GB</c> 1.89 (RunPod, 2025-03-03).</item>
/// <item><c>H100-SXM</c> 2.99 (RunPod, 2025-03-03; Cudo Compute 2.45, Lambda 3.29 the same week; hyperscaler list prices 10–12.29).</item>
/// <item><c>H200</c> 4.54 (specialised cloud, 2026-03-17; secondary source).</item>
/// <item><c>B200</c> 6.03 (the same page, 2026-03; secondary source).</item>
/// <item><c>L40S</c> 0.86 (RunPod, 2025-03-03).</item>
/// <item><c>MI300X</c> 1.85 (Vultr, 2026-05; neocloud range 1.50–1.85, Azure/Oracle about 6; secondary source).</item>
/// <item><c>H800</c> 2.00 (the rental price the DeepSeek-V3 report assumes, arXiv:2412.19437, Table 1).</item>
/// <item>Any other GPU (e.g. <c>H100-PCIE</c>, which has no dated row): <see cref="Fallback"/>.</item>
/// </list>
/// <para>This type is immutable and thread-safe.</para>
/// </remarks>
internal static class GpuPrices
{
    /// <summary>The price used for a GPU without a dated row: 2 US dollars per GPU-hour (the DeepSeek-V3 assumption, as <c>AnalyticCostModel.DefaultPricePerGpuHourUsd</c>).</summary>
    public const double Fallback = 2.0;

    private static readonly Dictionary<string, double> s_prices = new(StringComparer.OrdinalIgnoreCase)
    {
        ["V100-32GB"] = 2.48,
        ["A100-40GB"] = 1.29,
        ["A100-80GB"] = 1.89,
        ["H100-SXM"] = 2.99,
        ["H200"] = 4.54,
        ["B200"] = 6.03,
        ["L40S"] = 0.86,
        ["MI300X"] = 1.85,
        ["H800"] = 2.0,
    };

    /// <summary>Dollars per million tokens of a fleet that costs <paramref name="usdPerHour"/> and produces <paramref name="tokensPerSecond"/>.</summary>
    internal static double PerMillionTokens(double usdPerHour, double tokensPerSecond) => usdPerHour / 3600.0 / tokensPerSecond * 1e6;

    /// <summary>Gets the default price of one GPU-hour of <paramref name="gpu"/>.</summary>
    /// <param name="gpu">The GPU name (case-insensitive).</param>
    /// <returns>US dollars per GPU-hour; <see cref="Fallback"/> for a GPU without a dated price.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gpu"/> is <see langword="null"/>.</exception>
    public static double For(string gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        return s_prices.TryGetValue(gpu.Trim(), out var price) ? price : Fallback;
    }
}

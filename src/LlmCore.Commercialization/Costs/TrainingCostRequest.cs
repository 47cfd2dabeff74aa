using LlmCore.Commercialization.Hardware;
using LlmCore.Commercialization.Models;

namespace LlmCore.Commercialization.Costs;

/// <summary>A training run to estimate.</summary>
/// <param name="Parameters">Total parameters N, &gt; 0.</param>
/// <param name="Tokens">Training tokens D, &gt; 0.</param>
/// <param name="Gpu">A GPU name from the catalogue (case-insensitive), e.g. <c>H100-SXM</c>.</param>
/// <param name="GpuCount">How many GPUs, ≥ 1.</param>
/// <param name="Mfu">Model FLOPs utilisation against the dense BF16/FP16 peak, in (0, 1].</param>
/// <remarks>This type is immutable and thread-safe.</remarks>
public sealed record TrainingCostRequest(double Parameters, double Tokens, string Gpu, int GpuCount, double Mfu)
{
    /// <summary>Gets the parameters active per token (mixture-of-experts), or <see langword="null"/> for a dense model.</summary>
    public double? ActiveParameters { get; init; }

    /// <summary>Gets the price of one GPU-hour in US dollars, or <see langword="null"/> for the configured default.</summary>
    public double? PricePerGpuHourUsd { get; init; }

    /// <summary>
    /// Gets the fraction of wall-clock time the job spends on productive training steps ("goodput"), in (0, 1]:
    /// restarts after failures, checkpointing, evaluation and queueing take the rest.
    /// </summary>
    /// <value>The default value is 1 (no downtime). Llama 3 reports more than 90% effective training time
    /// (arXiv:2407.21783, §3.3.4).</value>
    /// <remarks>Kept apart from <see cref="Mfu"/>, which is steady-state utilisation while steps run.</remarks>
    public double EffectiveTimeFraction { get; init; } = 1.0;

    /// <summary>
    /// Gets the precision whose dense peak <see cref="Mfu"/> refers to: <see cref="NumericPrecision.Fp16"/> (BF16/FP16, the
    /// default and the convention of the CLI) or <see cref="NumericPrecision.Fp8"/> (FP8 training, e.g. DeepSeek-V3).
    /// </summary>
    /// <value>The default value is <see cref="NumericPrecision.Fp16"/>; <see cref="NumericPrecision.Int4"/> is rejected.</value>
    public NumericPrecision Precision { get; init; } = NumericPrecision.Fp16;

    /// <summary>Gets the transformer layers L for the attention term, or <see langword="null"/> to count 6·N·D only.</summary>
    public int? Layers { get; init; }

    /// <summary>Gets the model dimension d for the attention term, or <see langword="null"/> to count 6·N·D only.</summary>
    public int? HiddenSize { get; init; }

    /// <summary>Gets the training sequence length s for the attention term, or <see langword="null"/> to count 6·N·D only.</summary>
    public int? SequenceLength { get; init; }

    /// <summary>Gets how the attention score FLOPs are counted when <see cref="Layers"/>, <see cref="HiddenSize"/> and <see cref="SequenceLength"/> are set.</summary>
    /// <value>The default value is <see cref="AttentionFlopsCounting.Causal"/>.</value>
    public AttentionFlopsCounting AttentionCounting { get; init; } = AttentionFlopsCounting.Causal;

    /// <summary>Creates a request for a preset or custom architecture: its parameters, active parameters, layers and hidden size.</summary>
    /// <param name="model">The architecture.</param>
    /// <param name="tokens">Training tokens D, &gt; 0.</param>
    /// <param name="gpu">A GPU name from the catalogue.</param>
    /// <param name="gpuCount">How many GPUs, ≥ 1.</param>
    /// <param name="mfu">Model FLOPs utilisation in (0, 1].</param>
    /// <param name="sequenceLength">The training sequence length for the attention term, or <see langword="null"/> to count 6·N·D only.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> is <see langword="null"/>.</exception>
    public static TrainingCostRequest For(ModelArchitecture model, double tokens, string gpu, int gpuCount, double mfu, int? sequenceLength = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new TrainingCostRequest(model.Parameters, tokens, gpu, gpuCount, mfu)
        {
            ActiveParameters = model.ActiveParameters,
            Layers = sequenceLength is null ? null : model.Layers,
            HiddenSize = sequenceLength is null ? null : model.HiddenSize,
            SequenceLength = sequenceLength,
        };
    }
}
